/*
 * snapshot.h - an instance's snapshot: the guest is paused (if it runs)
 * while qemu-img copies its disk, overlay and base flattened into one
 * standalone qcow2, then resumed; the copy is uploaded with the user's
 * token to the image the controller queued, and removed. The pause makes
 * the copy crash-consistent, as a power cut at that instant would leave
 * it. A snapshot that fails deletes the queued image (snap_undo).
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include <jansson.h>
#include <libvirt/libvirt.h>

#include "node.h"

#define SNAP_TOKEN_MAX	128	/* bytes of the user's token */

/* The body of POST /v1/instances/{id}/snapshot. */
struct snap_req {
	char	image_id[37];		/* the queued image to fill */
	char	token[SNAP_TOKEN_MAX + 1]; /* the user's, for the upload */
};

/* Parses {"image_id", "token"}, nothing else. Returns 0, or -1 with
 * GR_ERR_BAD_REQUEST naming the field. */
int snap_parse(json_t *body, struct snap_req *out);
/* Takes the snapshot of instance id (domain d) into r's image. Returns 0,
 * or -1 with the error; the guest runs again either way. */
int snap_take(struct node_ctx *c, const char *id, const struct snap_req *r,
    virDomainPtr d);
/* Deletes r's image from the image service (a failed snapshot leaves no
 * image behind). Cannot fail: what is left is the controller's to see. */
void snap_undo(struct node_ctx *c, const struct snap_req *r);

#endif
