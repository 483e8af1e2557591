/* image_client.c - see image_client.h. */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_util.h"
#include "image_client.h"

#define IMAGE_TIMEOUT_MS	15000

char *
image_client_url(const char *id)
{
	return gr_xasprintf("http://%s:%ld/v2/images%s%s", ctl.public_host,
	    ctl.image_port, id ? "/" : "", id ? id : "");
}

json_t *
image_client_get(const char *token, const char *ref)
{
	GR_AUTOFREE char *url = NULL;
	struct gr_httpc_resp r;
	json_t *img = NULL;
	const char *status = NULL;

	if (gr_check_name("imageRef", ref, 64) < 0 || strchr(ref, '/')) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %.64s could not be found.",
		    ref);
		return NULL;
	}
	url = image_client_url(ref);
	if (gr_httpc_get_token(url, token, IMAGE_TIMEOUT_MS, &r) < 0)
		return NULL;
	if (r.status == 404) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %s could not be found.", ref);
	} else if (r.status != 200 || (img = json_loads(r.body, 0, NULL)) ==
	    NULL) {
		gr_error(GR_ERR_UNAVAILABLE, "The image service answered %ld for "
		    "image %s.", r.status, ref);
	} else if (gr_json_str(img, "status", 1, 32, &status) < 0 ||
	    strcmp(status, "active") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %s is not active (it is %s).",
		    ref, status ? status : "unknown");
		json_decref(img);
		img = NULL;
	}
	gr_httpc_resp_free(&r);
	return img;
}

int
image_client_create(const char *token, json_t *img, char id[37])
{
	GR_AUTOFREE char *url = image_client_url(NULL);
	struct gr_httpc_resp r = { 0 };
	json_t *made = NULL;
	const char *v;
	int ret = -1;

	if (gr_httpc_token("POST", url, img, token, IMAGE_TIMEOUT_MS, &r) < 0)
		return -1;
	made = r.status == 201 ? json_loads(r.body, 0, NULL) : NULL;
	v = json_string_value(json_object_get(made, "id"));
	if (v && strlen(v) == 36) {
		snprintf(id, 37, "%s", v);
		ret = 0;
	} else {
		json_t *e = json_loads(r.body ? r.body : "", 0, NULL);
		const char *m = json_string_value(json_object_get(
		    json_object_get(e, "error"), "message"));

		/* The image service's faults: {"error": {..., "message"}}. */
		gr_error(r.status == 400 || r.status == 403 || r.status == 413 ?
		    GR_ERR_BAD_REQUEST : GR_ERR_UNAVAILABLE, "The image service "
		    "refused the snapshot image (%ld): %s", r.status,
		    m ? m : "no reason given");
		json_decref(e);
	}
	json_decref(made);
	gr_httpc_resp_free(&r);
	return ret;
}

void
image_client_delete(const char *token, const char *id)
{
	GR_AUTOFREE char *url = image_client_url(id);
	struct gr_httpc_resp r;

	if (gr_httpc_token("DELETE", url, NULL, token, IMAGE_TIMEOUT_MS,
	    &r) == 0)
		gr_httpc_resp_free(&r);
}
