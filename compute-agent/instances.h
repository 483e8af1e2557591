/*
 * instances.h - the instances API of this node (POST /v1/instances and
 * /v1/instances/{id}/...): each handler checks its request, answers 202
 * and hands the work to a task (boot.c for a create, the op table in
 * instances.c for delete, stop, start, reboot, snapshot, pause, unpause,
 * suspend, resume and rebuild); console
 * output is read at once. Owns struct node_ctx, the one context of this
 * work, which the daemon sets up (inst_init) and tears down (inst_free,
 * after its HTTP server stopped and before the image cache and libvirt
 * go), and the task runner that counts the work under way.
 *
 * libvirt is the truth about what runs here: domains are persistent and
 * named "instance-<uuid>"; a restarted agent reports what it finds and
 * never stops a running guest (reconcile.c).
 */
#ifndef INSTANCES_H
#define INSTANCES_H

#include "gr_agent.h"
#include "gr_conf.h"
#include "gr_http.h"
#include "node.h"

#define INST_GRACE_S	30	/* s a stopping agent waits past shutdown */

/*
 * Reads shutdown_timeout and orphan_action from c, creates the instances
 * directory and makes ctx the handlers' context (the HTTP layer passes
 * none). Returns 0, or -1 with the error.
 */
int inst_init(struct node_ctx *ctx, const struct gr_conf *c,
    struct inv_ctx *inv, struct imgcache *cache, struct gr_agent *agent);
/* Refuses new work and waits for the boots and operations under way (up
 * to shutdown_timeout + INST_GRACE_S), then frees ctx's memory. */
void inst_free(struct node_ctx *ctx);
int inst_create(struct gr_req *req, struct gr_resp *resp);
int inst_delete(struct gr_req *req, struct gr_resp *resp);
int inst_stop(struct gr_req *req, struct gr_resp *resp);
int inst_start(struct gr_req *req, struct gr_resp *resp);
int inst_reboot(struct gr_req *req, struct gr_resp *resp);
int inst_snapshot(struct gr_req *req, struct gr_resp *resp);
int inst_rebuild(struct gr_req *req, struct gr_resp *resp);
/* pause, unpause, suspend and resume, by the path's last segment. */
int inst_power(struct gr_req *req, struct gr_resp *resp);
int inst_console(struct gr_req *req, struct gr_resp *resp);

#endif
