/*
 * services.c - see services.h. Nova lists a record per service binary and
 * host; here the compute service of a node is its compute_nodes row (its
 * id is the hypervisor's service id, as os-hypervisors shows it), up
 * while its agent heartbeats (hv_alive_secs), disabled when an admin says
 * so. The controller's own parts (Nova's scheduler and conductor) are the
 * controller itself and are not listed: they are up while it answers.
 * Microversion 2.1 formats (no forced_down, integer ids).
 */
#include <stdio.h>
#include <string.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "hypervisors.h"
#include "services.h"

#define BINARY	"nova-compute"

int
services_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *host = gr_req_query(req, "host");
	const char *binary = gr_req_query(req, "binary");
	char ivl[24];
	const char *p[2] = { ivl, host };
	json_t *list = json_array();

	hv_alive_secs(ivl);
	/* Another binary than ours matches none, as in Nova. */
	if (binary && *binary && strcmp(binary, BINARY) != 0) {
		gr_resp_json(resp, 200, json_pack("{s:o}", "services", list));
		return 0;
	}
	r = gr_db_query("SELECT n.id, n.host, n.enabled, n.disabled_reason, "
	    "coalesce(a.last_seen > now() - make_interval(secs => "
	    "$1::float8), false), " GR_DB_ISO_US("a.last_seen") " FROM "
	    "compute_nodes n LEFT JOIN agents a ON a.host = n.host AND "
	    "a.kind = 'compute' WHERE $2::text IS NULL OR $2 = '' OR n.host = "
	    "$2 ORDER BY n.id", 2, p);
	if (r == NULL) {
		json_decref(list);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:s,s:s,"
		    "s:s,s:o,s:o}", "id", atoi(PQgetvalue(r, i, 0)),
		    "binary", BINARY, "host", PQgetvalue(r, i, 1),
		    "zone", "nova",
		    "status", PQgetvalue(r, i, 2)[0] == 't' ? "enabled" :
		    "disabled",
		    "state", PQgetvalue(r, i, 4)[0] == 't' ? "up" : "down",
		    "updated_at", gr_db_json_text(r, i, 5),
		    "disabled_reason", gr_db_json_text(r, i, 3)));
	gr_resp_json(resp, 200, json_pack("{s:o}", "services", list));
	return 0;
}

/* Sets the node's status; 404 naming the host when it has no compute
 * service. */
static int
set_status(const char *host, int enable, const char *reason)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { host, enable ? "t" : "f", reason };

	r = gr_db_query("UPDATE compute_nodes SET enabled = $2::boolean, "
	    "disabled_reason = $3 WHERE host = $1 RETURNING id", 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find binary %s on host "
		    "%s.", BINARY, host);
		return -1;
	}
	return 0;
}

int
services_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "host", "binary",
	    "disabled_reason", NULL };
	const char *action = req->params[0];
	const char *host, *binary, *reason = NULL;
	int enable, log_reason;
	json_t *body, *svc;

	enable = strcmp(action, "enable") == 0;
	log_reason = strcmp(action, "disable-log-reason") == 0;
	if (!enable && !log_reason && strcmp(action, "disable") != 0) {
		gr_error(GR_ERR_NOT_FOUND, "Unknown action");
		return -1;
	}
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", known) < 0 ||
	    gr_json_str(body, "host", 1, 255, &host) < 0 ||
	    gr_json_str(body, "binary", 1, 255, &binary) < 0 ||
	    gr_json_str(body, "disabled_reason", 0, 255, &reason) < 0)
		return -1;
	if (*host == '\0' || *binary == '\0' || (reason && *reason == '\0')) {
		gr_error(GR_ERR_BAD_REQUEST, "'%s' is too short: host, binary "
		    "and disabled_reason take 1 to 255 characters.", *host ?
		    *binary ? "disabled_reason" : "binary" : "host");
		return -1;
	}
	if (log_reason && reason == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Missing disabled reason field");
		return -1;
	}
	if (strcmp(binary, BINARY) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Updating a %.255s service is not "
		    "supported. Only %s services can be updated.", binary,
		    BINARY);
		return -1;
	}
	/* Nova keeps a reason only from disable-log-reason. */
	if (!log_reason)
		reason = NULL;
	if (set_status(host, enable, reason) < 0)
		return -1;
	svc = json_pack("{s:s,s:s,s:s}", "host", host, "binary", binary,
	    "status", enable ? "enabled" : "disabled");
	if (reason)
		json_object_set_new(svc, "disabled_reason", json_string(reason));
	gr_resp_json(resp, 200, json_pack("{s:o}", "service", svc));
	return 0;
}
