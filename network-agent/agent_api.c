/*
 * agent_api.c - the network agent's own HTTP API, called by the
 * controller with requests signed as this node (GR_POLICY_AGENT): make a
 * boot wait for its ports, wake the fetch loop, a port's diagnostics.
 */
#include <string.h>
#include <time.h>

#include "agent_api.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "observe.h"

#define ENSURE_MAX_PORTS	64
#define ENSURE_POLL_NS		(20 * 1000 * 1000)

static struct fetcher *fetcher;

void
agent_api_init(struct fetcher *f)
{
	fetcher = f;
}

static int
check_uuid(const char *what, const char *s)
{
	if (doc_is_uuid(s))
		return 0;
	gr_error(GR_ERR_BAD_REQUEST, "The %s '%.64s' is not a lower-case UUID.",
	    what, s);
	return -1;
}

/* The observations of the listed ports; *all_active says whether every
 * one is ACTIVE. -1 with a 404 for a port not in the document. */
static json_t *
observe_listed(json_t *ids, int *all_active)
{
	struct netagent *na = fetcher->na;
	json_t *out = json_array(), *v;
	size_t i;

	*all_active = 1;
	pthread_mutex_lock(&na->lock);
	json_array_foreach(ids, i, v) {
		const char *id = json_string_value(v);
		const struct doc_port *p = na->doc ? doc_port(na->doc, id) : NULL;
		json_t *dg;

		if (p == NULL) {
			pthread_mutex_unlock(&na->lock);
			json_decref(out);
			gr_error(GR_ERR_NOT_FOUND, "The port %s is not bound to "
			    "this node.", id);
			return NULL;
		}
		dg = observe_port(na, na->doc, p);
		if (strcmp(json_string_value(json_object_get(dg, "status")),
		    "ACTIVE") != 0)
			*all_active = 0;
		json_array_append_new(out, json_pack("{s:s,s:O,s:O,s:o}", "id",
		    id, "status", json_object_get(dg, "status"), "reason",
		    json_object_get(dg, "reason") ? json_object_get(dg,
		    "reason") : json_null(), "diagnostics", dg));
	}
	pthread_mutex_unlock(&na->lock);
	return out;
}

/* POST /v1/ports/ensure: apply now, answer once the ports are ACTIVE. */
static int
ensure(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const keys[] = { "ports", "timeout", NULL };
	json_t *body, *ids, *v, *out;
	long long timeout = 30;
	double until;
	size_t i;
	int active;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "ensure request", keys) < 0 ||
	    gr_json_array(body, "ports", 1, &ids) < 0 ||
	    gr_json_int(body, "timeout", 0, 1, 300, &timeout) < 0)
		return -1;
	if (json_array_size(ids) == 0 || json_array_size(ids) >
	    ENSURE_MAX_PORTS) {
		gr_error(GR_ERR_BAD_REQUEST, "The list 'ports' must have 1..%d "
		    "port ids.", ENSURE_MAX_PORTS);
		return -1;
	}
	json_array_foreach(ids, i, v)
		if (!json_is_string(v) || check_uuid("port id",
		    json_string_value(v)) < 0) {
			if (!json_is_string(v))
				gr_error(GR_ERR_BAD_REQUEST, "The list 'ports' "
				    "must hold port ids.");
			return -1;
		}
	until = gr_now() + (double)timeout;
	/* The newest document, applied unless the fetch loop (woken by the
	 * same change) has applied it already; once more if the ports are
	 * not up after that, then the loop's reconciles are waited for. */
	if (fetch_apply(fetcher, 0, 0) < 0)
		return -1;
	for (int round = 0;; round++) {
		struct timespec ts = { 0, ENSURE_POLL_NS };

		if ((out = observe_listed(ids, &active)) == NULL)
			return -1;
		if (active || gr_now() >= until)
			break;
		json_decref(out);
		if (round == 0 && fetch_apply(fetcher, 0, 1) < 0)
			return -1;
		nanosleep(&ts, NULL);
	}
	gr_resp_json(resp, active ? 200 : 504, json_pack("{s:o}", "ports", out));
	return 0;
}

/* POST /v1/wake: the controller changed something; poll now. */
static int
wake(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	fetch_wake(fetcher);
	gr_resp_empty(resp, 204);
	return 0;
}

/* GET /v1/ports/{id}/diagnostics: the port's hops, checked afresh. */
static int
diagnostics(struct gr_req *req, struct gr_resp *resp)
{
	struct netagent *na = fetcher->na;
	const struct doc_port *p;
	json_t *dg;

	if (check_uuid("port id", req->params[0]) < 0)
		return -1;
	pthread_mutex_lock(&na->lock);
	if (na->doc == NULL || (p = doc_port(na->doc, req->params[0])) ==
	    NULL) {
		pthread_mutex_unlock(&na->lock);
		gr_error(GR_ERR_NOT_FOUND, "The port %s is not bound to this "
		    "node.", req->params[0]);
		return -1;
	}
	dg = observe_port(na, na->doc, p);
	pthread_mutex_unlock(&na->lock);
	gr_resp_json(resp, 200, dg);
	return 0;
}

const struct gr_route agent_routes[] = {
	{ "POST", "/v1/ports/ensure",		ensure,		GR_POLICY_AGENT },
	{ "POST", "/v1/wake",			wake,		GR_POLICY_AGENT },
	{ "GET",  "/v1/ports/{id}/diagnostics",	diagnostics,	GR_POLICY_AGENT },
};
const size_t agent_nroutes = sizeof(agent_routes) / sizeof(agent_routes[0]);
