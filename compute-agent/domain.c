/* domain.c - see domain.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "gr_log.h"
#include "gr_util.h"

void
domain_name(const char *id, char out[64])
{
	snprintf(out, 64, "instance-%s", id);
}

virDomainPtr
domain_lookup(struct node_ctx *c, const char *id)
{
	char name[64];

	domain_name(id, name);
	if (inv_connect(c->inv) < 0)
		return NULL;
	return virDomainLookupByName(c->inv->conn, name);
}

const char *
domain_instance(virDomainPtr d)
{
	const char *name = virDomainGetName(d);

	if (strncmp(name, "instance-", 9) != 0 || node_check_id(name + 9) < 0)
		return NULL;
	return name + 9;
}

enum domain_power
domain_power(virDomainPtr d)
{
	int state, reason;

	if (virDomainGetState(d, &state, &reason, 0) < 0)
		return DOMAIN_NOSTATE;
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return DOMAIN_RUNNING;
	case VIR_DOMAIN_PAUSED:
		return DOMAIN_PAUSED;
	case VIR_DOMAIN_CRASHED:
		return DOMAIN_CRASHED;
	default:
		return DOMAIN_SHUTDOWN;
	}
}

const char *
domain_vm_state(virDomainPtr d)
{
	switch (domain_power(d)) {
	case DOMAIN_RUNNING:
		return "active";
	case DOMAIN_PAUSED:
		return "paused";
	default:
		return virDomainHasManagedSaveImage(d, 0) == 1 ? "suspended" :
		    "stopped";
	}
}

void
domain_stop(struct node_ctx *c, virDomainPtr d)
{
	double t0 = gr_now(), end = t0 + c->shutdown_timeout;
	const char *name = virDomainGetName(d);

	if (virDomainIsActive(d) != 1)
		return;
	if (c->shutdown_timeout > 0 && virDomainShutdown(d) == 0) {
		while (gr_now() < end && virDomainIsActive(d) == 1)
			usleep(20000);
		if (virDomainIsActive(d) != 1) {
			gr_info("%s: the guest shut down in %.0f ms", name,
			    (gr_now() - t0) * 1e3);
			return;
		}
	}
	virDomainDestroy(d);
	gr_info("%s: forced off (no clean shutdown within %ld s)", name,
	    c->shutdown_timeout);
}

void
domain_remove(struct node_ctx *c, const char *id)
{
	GR_AUTOFREE char *dir = node_inst_dir(c, id);
	virDomainPtr d = domain_lookup(c, id);

	if (d) {
		if (virDomainIsActive(d) == 1)
			virDomainDestroy(d);
		virDomainUndefineFlags(d, VIR_DOMAIN_UNDEFINE_MANAGED_SAVE);
		virDomainFree(d);
	}
	node_rm_rf(dir);
}
