/*
 * instances.h - instances on this node: the boot path (base image from the
 * cache, thin overlay or thick preallocated disk, config drive, domain
 * XML, libvirt), delete, stop, start, reboot, snapshot, console output, and reports
 * of each outcome to the controller. Long work runs in its own thread;
 * the API call that asked for it has already been answered 202.
 *
 * libvirt is the truth about what runs here: domains are persistent and
 * named "instance-<uuid>"; a restarted agent reports what it finds and
 * never stops a running guest.
 */
#ifndef INSTANCES_H
#define INSTANCES_H

#include <libvirt/libvirt.h>

#include "gr_agent.h"
#include "gr_http.h"
#include "imgcache.h"
#include "inventory.h"

struct inst_ctx {
	struct inv_ctx		*inv;		/* the libvirt connection */
	struct imgcache		*cache;
	struct gr_agent		*agent;		/* who we report to */
	char			*dir;		/* STATE/instances */
	long			 shutdown_timeout; /* s before a forced stop */
	int			 orphan_remove;	/* else only report them */
};

/* Creates the instances directory; -1 with the error. */
int inst_init(struct inst_ctx *c, struct inv_ctx *inv, struct imgcache *cache,
    struct gr_agent *agent, long shutdown_timeout);
void inst_free(struct inst_ctx *c);
/* Reports the state of every instance domain found in libvirt. */
void inst_resync(struct inst_ctx *c);
/*
 * Reconcile with the controller: domains and instance directories it does
 * not place on this node (deleted while the node was down, or left by a
 * crash) are removed, or only logged when orphan_remove is 0; for those
 * it does place, libvirt's power state is reported where the controller
 * has another and no task runs. Returns how many orphans were found, or
 * -1 (with a warning) when the pass could not run.
 */
int inst_reconcile(struct inst_ctx *c);

int inst_create(struct gr_req *req, struct gr_resp *resp);
int inst_delete(struct gr_req *req, struct gr_resp *resp);
int inst_stop(struct gr_req *req, struct gr_resp *resp);
int inst_start(struct gr_req *req, struct gr_resp *resp);
int inst_reboot(struct gr_req *req, struct gr_resp *resp);
int inst_snapshot(struct gr_req *req, struct gr_resp *resp);
int inst_console(struct gr_req *req, struct gr_resp *resp);

#endif
