/* boot.c - see boot.h. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "boot.h"
#include "config_drive.h"
#include "disk.h"
#include "domain.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "report.h"
#include "vm_xml.h"

/* The phases of a boot, in order; each ends at t[phase]. */
enum { PH_IMAGE, PH_DISK, PH_CDRIVE, PH_DEFINE, PH_START, PH_N };

struct boot {
	struct node_ctx		*ctx;
	struct boot_spec	 spec;
	double			 t0;		/* when the task began */
	double			 t[PH_N];	/* when each phase ended */
};

/* Where a boot writes: STATE/instances/ID/{disk.*,config.iso,...}. */
struct boot_paths {
	char		*dir;
	char		*base;		/* the cached base image */
	char		*disk;
	const char	*format;	/* of disk: qcow2 | raw */
	char		*iso;		/* the config drive */
	char		*log;		/* the serial console's file */
};

static void
paths_free(struct boot_paths *p)
{
	free(p->dir);
	free(p->base);
	free(p->disk);
	free(p->iso);
	free(p->log);
}

/* The vm_xml spec of the instance: the boot spec and the files made. */
static int
vm_spec_of(const struct boot *b, const struct boot_paths *p,
    struct vm_spec *vs)
{
	const struct boot_spec *s = &b->spec;
	char dname[64], mac[18];
	json_t *vj;
	int ret;

	domain_name(s->id, dname);
	vj = json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:s,s:s,s:s,s:s,s:s,s:s,"
	    "s:[]}", "uuid", s->id, "name", dname, "display_name", s->name,
	    "flavor_name", s->flavor_name, "vcpus", s->vcpus,
	    "memory_mb", (json_int_t)s->memory_mb,
	    "disk_path", p->disk, "disk_format", p->format,
	    "disk_bus", s->disk_bus, "config_drive", p->iso,
	    "console_log", p->log, "virt_type", b->ctx->inv->virt_type, "nics");
	/* The ports' taps, which the network agent made and libvirt only
	 * opens; with no port, one NIC on user-mode NAT (the guest gets
	 * 10.0.2.15 by DHCP). Either of the model the image asks for. */
	for (int i = 0; i < s->nnics; i++)
		json_array_append_new(json_object_get(vj, "nics"), json_pack(
		    "{s:s,s:s,s:s,s:i}", "mac", s->nics[i].mac, "model",
		    s->vif_model, "tap", s->nics[i].tap, "mtu",
		    s->nics[i].mtu));
	snprintf(mac, sizeof(mac), "52:54:00:%.2s:%.2s:%.2s", s->id, s->id + 2,
	    s->id + 4);
	if (s->nnics == 0)
		json_array_append_new(json_object_get(vj, "nics"), json_pack(
		    "{s:s,s:s}", "mac", mac, "model", s->vif_model));
	ret = vm_spec_from_json(vj, vs);
	json_decref(vj);
	return ret;
}

/* Every NIC's tap is on this node: the network agent makes them before
 * the controller asks for the boot, and libvirt (managed='no') only opens
 * them. */
static int
taps_present(const struct boot_spec *s)
{
	for (int i = 0; i < s->nnics; i++) {
		if (if_nametoindex(s->nics[i].tap) != 0)
			continue;
		gr_error(GR_ERR_CONFLICT, "tap %s for port %s is not on this "
		    "node (the network agent has not plugged it)",
		    s->nics[i].tap, s->nics[i].port_id);
		return -1;
	}
	return 0;
}

/* Defines the persistent domain and starts it; undefined if it fails. */
static int
define_start(struct boot *b, const struct vm_spec *vs)
{
	struct node_ctx *c = b->ctx;
	GR_AUTOFREE char *xml = vm_xml(vs);
	virDomainPtr dom;
	int ret = -1;

	if (inv_connect(c->inv) < 0)
		return -1;
	if ((dom = virDomainDefineXML(c->inv->conn, xml)) == NULL) {
		gr_error(GR_ERR_INTERNAL, "libvirt refused the domain: %s",
		    inv_virt_msg());
		return -1;
	}
	b->t[PH_DEFINE] = gr_now();
	if (virDomainCreate(dom) < 0) {
		gr_error(GR_ERR_INTERNAL, "libvirt could not start the domain: "
		    "%s", inv_virt_msg());
		virDomainUndefine(dom);
		goto free_dom;
	}
	b->t[PH_START] = gr_now();
	ret = 0;
free_dom:
	virDomainFree(dom);
	return ret;
}

static int
boot(struct boot *b)
{
	struct node_ctx *c = b->ctx;
	struct boot_paths p = { 0 };
	struct vm_spec vs = { 0 };
	int downloaded, ret = -1;

	p.dir = node_inst_dir(c, b->spec.id);
	p.iso = gr_xasprintf("%s/config.iso", p.dir);
	p.log = gr_xasprintf("%s/console.log", p.dir);
	if (mkdir(p.dir, 0755) < 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s already exists on this "
		    "node.", b->spec.id);
		goto free_paths;
	}
	gr_info("instance %s: boot started (image %s)", b->spec.id,
	    b->spec.image_id);
	if (imgcache_get(c->cache, b->spec.image_id, &p.base,
	    &downloaded) < 0)
		goto rm_dir;
	b->t[PH_IMAGE] = gr_now();
	if (disk_make(p.dir, p.base, b->spec.prov, b->spec.disk_gb, &p.disk,
	    &p.format) < 0)
		goto rm_dir;
	b->t[PH_DISK] = gr_now();
	if (cdrive_make(p.dir, &b->spec, p.iso) < 0)
		goto rm_dir;
	b->t[PH_CDRIVE] = gr_now();
	if (taps_present(&b->spec) < 0 || vm_spec_of(b, &p, &vs) < 0 ||
	    define_start(b, &vs) < 0)
		goto rm_dir;
	ret = 0;
	goto free_spec;
rm_dir:
	node_rm_rf(p.dir);
free_spec:
	vm_spec_free(&vs);
free_paths:
	paths_free(&p);
	return ret;
}

static void
boot_task(void *arg)
{
	struct boot *b = arg;
	struct gr_agent *a = b->ctx->agent;
	const char *id = b->spec.id;
	double *t = b->t;

	b->t0 = gr_now();
	if (boot(b) < 0) {
		gr_warn("instance %s failed to boot: %s", id, gr_err_msg());
		report_state(a, id, "error", DOMAIN_NOSTATE, "error",
		    gr_err_msg());
	} else {
		gr_info("instance %s running (%.0f ms: image %.0f, disk %.0f, "
		    "config drive %.0f, define %.0f, start %.0f)", id,
		    (gr_now() - b->t0) * 1e3, (t[PH_IMAGE] - b->t0) * 1e3,
		    (t[PH_DISK] - t[PH_IMAGE]) * 1e3,
		    (t[PH_CDRIVE] - t[PH_DISK]) * 1e3,
		    (t[PH_DEFINE] - t[PH_CDRIVE]) * 1e3,
		    (t[PH_START] - t[PH_DEFINE]) * 1e3);
		report_state(a, id, "active", DOMAIN_RUNNING, "spawned", NULL);
	}
	boot_spec_free(&b->spec);
	free(b);
}

int
boot_start(struct node_ctx *c, struct boot_spec *spec)
{
	struct boot *b = gr_xcalloc(1, sizeof(*b));

	b->ctx = c;
	b->spec = *spec;
	if (gr_task_run(&c->tasks, boot_task, b) < 0) {
		free(b);
		return -1;
	}
	memset(spec, 0, sizeof(*spec));
	return 0;
}
