/* snapshot.c - see snapshot.h. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "boot_spec.h"
#include "disk.h"
#include "gr_cmd.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "report.h"
#include "snapshot.h"

#define UPLOAD_TIMEOUT_S	3600

int
snap_parse(json_t *body, struct snap_req *out)
{
	static const char *const keys[] = { "image_id", "token", NULL };
	const char *img, *token;

	if (gr_json_only(body, "snapshot request", keys) < 0 ||
	    gr_json_str(body, "image_id", 1, 36, &img) < 0 ||
	    gr_json_str(body, "token", 1, SNAP_TOKEN_MAX, &token) < 0)
		return -1;
	if (!boot_spec_is_uuid(img)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'image_id' must be a "
		    "lower-case UUID, not '%s'.", img);
		return -1;
	}
	if (*token == '\0') {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'token' is empty.");
		return -1;
	}
	snprintf(out->image_id, sizeof(out->image_id), "%s", img);
	snprintf(out->token, sizeof(out->token), "%s", token);
	return 0;
}

/* Uploads the file out to r's image. */
static int
upload(struct node_ctx *c, const struct snap_req *r, const char *out)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s/file",
	    c->cache->image_url, r->image_id);
	struct gr_httpc_resp resp = { 0 };
	int ret;

	ret = gr_httpc_put_file(url, r->token, out, NULL, UPLOAD_TIMEOUT_S,
	    &resp);
	if (ret == 0 && resp.status != 204) {
		gr_error(GR_ERR_UNAVAILABLE, "The image service refused the "
		    "snapshot's data (%ld): %.300s", resp.status,
		    resp.body ? resp.body : "");
		ret = -1;
	}
	gr_httpc_resp_free(&resp);
	return ret;
}

int
snap_take(struct node_ctx *c, const char *id, const struct snap_req *r,
    virDomainPtr d)
{
	GR_AUTOFREE char *dir = node_inst_dir(c, id);
	GR_AUTOFREE char *disk = NULL;
	GR_AUTOFREE char *out = gr_xasprintf("%s/snapshot-%s.qcow2", dir,
	    r->image_id);
	const char *fmt;
	int paused = 0, ret;
	double t0 = gr_now();

	disk_find(dir, &disk, &fmt);
	if (virDomainIsActive(d) == 1) {
		if (virDomainSuspend(d) < 0) {
			gr_error(GR_ERR_INTERNAL, "Cannot pause the guest for "
			    "the snapshot: %s", inv_virt_msg());
			return -1;
		}
		paused = 1;
	}
	/* -U: qemu keeps its lock on the disk while the guest is paused. */
	char *argv[] = { "qemu-img", "convert", "-q", "-U", "-f", (char *)fmt,
	    "-O", "qcow2", disk, out, NULL };
	ret = gr_cmd_run(argv, NULL);
	if (paused && virDomainResume(d) < 0)
		gr_warn("instance %s: cannot resume after the snapshot: %s", id,
		    inv_virt_msg());
	gr_info("instance %s: disk copied for image %s in %.0f ms%s", id,
	    r->image_id, (gr_now() - t0) * 1e3, paused ? " (guest paused)" :
	    "");
	if (ret == 0)
		ret = upload(c, r, out);
	unlink(out);
	return ret;
}

void
snap_undo(struct node_ctx *c, const struct snap_req *r)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s",
	    c->cache->image_url, r->image_id);
	struct gr_httpc_resp resp;

	if (gr_httpc_token("DELETE", url, NULL, r->token, REPORT_TIMEOUT_MS,
	    &resp) == 0)
		gr_httpc_resp_free(&resp);
}
