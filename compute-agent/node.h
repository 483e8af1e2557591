/*
 * node.h - what the work on this node's instances shares: the context
 * (libvirt, the image cache, who to report to, the instances' directory,
 * the task runner), an instance's directory and id check, and removal of
 * a directory tree. Below boot.c, snapshot.c, domain.c, reconcile.c and
 * instances.c, which all use it; set up by instances.c (inst_init).
 */
#ifndef NODE_H
#define NODE_H

#include "gr_agent.h"
#include "gr_task.h"
#include "imgcache.h"
#include "inventory.h"

struct node_ctx {
	struct inv_ctx		*inv;		/* the libvirt connection */
	struct imgcache		*cache;		/* base images; image_url */
	struct gr_agent		*agent;		/* who we report to */
	char			*dir;		/* STATE/instances */
	long			 shutdown_timeout; /* s before a forced stop */
	int			 orphan_remove;	/* else only report them */
	struct gr_tasks		 tasks;		/* boots and operations */
};

/* 0 when id is an instance id (36 lower-case UUID characters), else -1
 * with GR_ERR_BAD_REQUEST. Ids become paths and domain names. */
int node_check_id(const char *id);
/* STATE/instances/ID, a new string the caller frees. */
char *node_inst_dir(const struct node_ctx *ctx, const char *id);
/* Removes a directory tree; what is missing is no error. */
void node_rm_rf(const char *path);

#endif
