/* reconcile.c - see reconcile.h. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "reconcile.h"
#include "report.h"

/* An instance this node holds: its domain, its directory, or both. */
struct held {
	char	id[37];
	int	dom, dir;
};

void
reconcile_resync(struct node_ctx *c)
{
	virDomainPtr *doms = NULL;
	int n;

	if (inv_connect(c->inv) < 0)
		return;
	n = virConnectListAllDomains(c->inv->conn, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *id = domain_instance(doms[i]);
		enum domain_power ps = domain_power(doms[i]);

		if (id)
			report_state(c->agent, id, domain_vm_state(doms[i]),
			    ps, "resync", NULL);
		virDomainFree(doms[i]);
	}
	free(doms);
	gr_err_clear();
}

static struct held *
held_add(struct held **v, int *n, const char *id)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*v)[i].id, id) == 0)
			return &(*v)[i];
	*v = gr_xrealloc(*v, (size_t)(*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	snprintf((*v)[*n].id, sizeof((*v)[*n].id), "%s", id);
	return &(*v)[(*n)++];
}

/* What libvirt and the instances directory hold, or -1 with the error. */
static int
held_list(struct node_ctx *c, struct held **v, int *n)
{
	virDomainPtr *doms = NULL;
	struct dirent *e;
	DIR *d;
	int nd;

	if (inv_connect(c->inv) < 0 ||
	    (nd = virConnectListAllDomains(c->inv->conn, &doms, 0)) < 0) {
		if (gr_err_code() == GR_ERR_NONE)
			gr_error(GR_ERR_INTERNAL, "Cannot list domains: %s",
			    inv_virt_msg());
		return -1;
	}
	for (int i = 0; i < nd; i++) {
		const char *id = domain_instance(doms[i]);

		if (id)
			held_add(v, n, id)->dom = 1;
		virDomainFree(doms[i]);
	}
	free(doms);
	if ((d = opendir(c->dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && node_check_id(e->d_name) == 0)
				held_add(v, n, e->d_name)->dir = 1;
		closedir(d);
	}
	gr_err_clear();
	return 0;
}

static json_t *
placed(json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(json_object_get(v, "id"));

		if (s && strcmp(s, id) == 0)
			return v;
	}
	return NULL;
}

/*
 * Tells the controller what libvirt says of an instance it places here
 * when the two disagree and no task is under way: a boot whose report
 * was lost (the controller was down) still shows building; a guest that
 * powered itself off, or was started or stopped behind the API's back,
 * shows the wrong state. As Nova's power-state sync, libvirt wins.
 */
static void
sync_state(struct node_ctx *c, json_t *inst, const char *id)
{
	const char *vm = json_string_value(json_object_get(inst, "vm_state"));
	const char *task = json_string_value(json_object_get(inst,
	    "task_state"));
	const char *now;
	virDomainPtr d;
	enum domain_power ps;

	if (vm == NULL || (task && strcmp(vm, "building") != 0) ||
	    (d = domain_lookup(c, id)) == NULL)
		return;
	ps = domain_power(d);
	now = domain_vm_state(d);
	virDomainFree(d);
	if (strcmp(vm, "building") == 0 && ps == DOMAIN_RUNNING)
		report_state(c->agent, id, now, ps, "spawned", NULL);
	else if (strcmp(vm, "building") != 0 && strcmp(vm, "error") != 0 &&
	    strcmp(vm, now) != 0 && !(strcmp(vm, "soft-delete") == 0 &&
	    strcmp(now, "stopped") == 0))
		report_state(c->agent, id, now, ps, "power_sync", NULL);
	else
		return;
	gr_info("instance %s: the controller had it %s; libvirt has it %s",
	    id, vm, ps == DOMAIN_RUNNING ? "running" : "not running");
}

/* Removes an orphan, or only names it (orphan_action = report). */
static void
orphan(struct node_ctx *c, const struct held *h)
{
	const char *what = !h->dir ? "domain" : !h->dom ? "disk directory" :
	    "domain and disk directory";

	if (!c->orphan_remove) {
		gr_warn("orphan instance %s: the controller does not place it "
		    "here, but this node holds its %s in %s/%s (left, as "
		    "orphan_action = report)", h->id, what, c->dir, h->id);
		return;
	}
	domain_remove(c, h->id);
	gr_warn("orphan instance %s removed (its %s): the controller does not "
	    "place it here", h->id, what);
}

int
reconcile_run(struct node_ctx *c)
{
	struct held *v = NULL;
	json_t *ids = NULL, *inst;
	int n = 0, found = 0;

	/* Local view first: an instance placed after it cannot be in it,
	 * and one placed before it is in the controller's answer. */
	if (held_list(c, &v, &n) < 0 || (ids = report_placed(c->agent)) ==
	    NULL) {
		gr_warn("reconcile skipped: %s", gr_err_msg());
		free(v);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		if ((inst = placed(ids, v[i].id)) != NULL) {
			if (v[i].dom)
				sync_state(c, inst, v[i].id);
			continue;
		}
		found++;
		orphan(c, &v[i]);
	}
	gr_debug("reconcile pass: %d instances held here, %zu placed here, %d "
	    "orphans", n, json_array_size(ids), found);
	json_decref(ids);
	free(v);
	gr_err_clear();
	return found;
}
