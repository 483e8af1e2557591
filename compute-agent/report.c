/* report.c - see report.h. */
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_log.h"
#include "gr_util.h"
#include "report.h"

void
report_state(struct gr_agent *a, const char *id, const char *vm_state,
    int power, const char *event, const char *fault)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/internal/v1/instances/%s/state",
	    a->controller_url, id);
	json_t *body = json_pack("{s:s,s:i,s:s,s:s}", "vm_state", vm_state,
	    "power_state", power, "event", event, "host", a->host);
	struct gr_httpc_resp r;

	if (fault)
		json_object_set_new(body, "fault", json_pack("{s:s}", "message",
		    fault));
	/* A lost report is repaired by the next resync; log and go on. */
	if (gr_httpc_json("POST", url, body, &a->signer, REPORT_TIMEOUT_MS,
	    &r) < 0)
		gr_warn("cannot report %s of %s: %s", event, id, gr_err_msg());
	else if (r.status != 204)
		gr_warn("the controller answered %ld to the %s report of %s: %s",
		    r.status, event, id, r.body);
	if (r.body)
		gr_httpc_resp_free(&r);
	json_decref(body);
}

json_t *
report_placed(struct gr_agent *a)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/internal/v1/hosts/%s/instances",
	    a->controller_url, a->host);
	struct gr_httpc_resp r;
	json_t *doc = NULL, *ids;

	if (gr_httpc_json("GET", url, NULL, &a->signer, REPORT_TIMEOUT_MS,
	    &r) < 0)
		return NULL;
	if (r.status == 200)
		doc = json_loads(r.body, 0, NULL);
	gr_httpc_resp_free(&r);
	ids = json_object_get(doc, "instances");
	if (!json_is_array(ids)) {
		json_decref(doc);
		gr_error(GR_ERR_UNAVAILABLE, "The controller did not list this "
		    "node's instances (%ld).", r.status);
		return NULL;
	}
	json_incref(ids);
	json_decref(doc);
	return ids;
}
