/*
 * services.c - see services.h. Nova lists a record per service binary and
 * host; here the compute service of a node is its compute_nodes row (its
 * id is the hypervisor's service id, as os-hypervisors shows it), up
 * while its agent heartbeats (hv_alive_secs) and no admin forced it down,
 * disabled when an admin says so. The controller's own parts (Nova's
 * scheduler and conductor) are the controller itself and are not listed:
 * they are up while it answers.
 * Formats by microversion: 2.1 integer ids; 2.11 forced_down and the
 * force-down action; 2.53 the service's uuid as its id, PUT and DELETE on
 * /os-services/{uuid}, the actions gone.
 */
#include <stdio.h>
#include <string.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "microversion.h"
#include "services.h"

#define BINARY	"nova-compute"

#define SVC_COLS \
	"n.id, n.host, n.enabled, n.disabled_reason, " \
	HV_UP_SQL("n", "a", "$1") ", " GR_DB_ISO_US("a.last_seen") ", " \
	"n.service_uuid, n.forced_down FROM compute_nodes n LEFT JOIN agents " \
	"a ON a.host = n.host AND a.kind = 'compute' "

enum { S_ID, S_HOST, S_ENABLED, S_REASON, S_UP, S_UPDATED, S_UUID, S_FORCED };

static json_t *
service_json(PGresult *r, int i, int minor)
{
	json_t *s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o}",
	    "binary", BINARY, "host", PQgetvalue(r, i, S_HOST),
	    "zone", "nova",
	    "status", PQgetvalue(r, i, S_ENABLED)[0] == 't' ? "enabled" :
	    "disabled",
	    "state", PQgetvalue(r, i, S_UP)[0] == 't' ? "up" : "down",
	    "updated_at", gr_db_json_text(r, i, S_UPDATED),
	    "disabled_reason", gr_db_json_text(r, i, S_REASON));

	json_object_set_new(s, "id", minor >= 53 ?
	    json_string(PQgetvalue(r, i, S_UUID)) :
	    json_integer(atoi(PQgetvalue(r, i, S_ID))));
	if (minor >= 11)
		json_object_set_new(s, "forced_down",
		    json_boolean(PQgetvalue(r, i, S_FORCED)[0] == 't'));
	return s;
}

int
services_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *host = gr_req_query(req, "host");
	const char *binary = gr_req_query(req, "binary");
	int minor = compute_microversion(req);
	char ivl[24];
	const char *p[2] = { ivl, host };
	json_t *list = json_array();

	hv_alive_secs(ivl);
	/* Another binary than ours matches none, as in Nova. */
	if (binary && *binary && strcmp(binary, BINARY) != 0) {
		gr_resp_json(resp, 200, json_pack("{s:o}", "services", list));
		return 0;
	}
	r = gr_db_query("SELECT " SVC_COLS "WHERE $2::text IS NULL OR $2 = '' "
	    "OR n.host = $2 ORDER BY n.id", 2, p);
	if (r == NULL) {
		json_decref(list);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, service_json(r, i, minor));
	gr_resp_json(resp, 200, json_pack("{s:o}", "services", list));
	return 0;
}

/* Sets column (enabled or forced_down) of host's node, and the reason
 * with enabled; 404 naming the host when it has no compute service. */
static int
set_flag(const char *host, const char *column, int on, const char *reason)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { host, on ? "t" : "f", reason };

	r = gr_db_query(strcmp(column, "enabled") == 0 ?
	    "UPDATE compute_nodes SET enabled = $2::boolean, disabled_reason = "
	    "$3 WHERE host = $1 RETURNING id" :
	    "UPDATE compute_nodes SET forced_down = $2::boolean WHERE host = "
	    "$1 AND $3::text IS NULL RETURNING id", 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find binary %s on host "
		    "%s.", BINARY, host);
		return -1;
	}
	return 0;
}

static int
not_compute(const char *binary)
{
	gr_error(GR_ERR_BAD_REQUEST, "Updating a %.255s service is not "
	    "supported. Only %s services can be updated.", binary, BINARY);
	return -1;
}

/* Nova's boolean forced_down ("true", "yes", "1"... as well); null is
 * refused as Nova's schema does. */
static int
forced_down_of(json_t *body, int *present, int *down)
{
	if (json_is_null(json_object_get(body, "forced_down"))) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field "
		    "'forced_down': null is not true or false.");
		return -1;
	}
	*present = gr_json_nova_bool(body, "forced_down", 0, down);
	return *present;
}

/* PUT /os-services/force-down (2.11 to 2.52): answers host, binary and
 * forced_down. */
static int
force_down(struct gr_resp *resp, json_t *body, const char *host,
    const char *binary)
{
	int present, down;

	if (forced_down_of(body, &present, &down) < 0)
		return -1;
	if (!present) {
		gr_error(GR_ERR_BAD_REQUEST, "Missing forced_down field");
		return -1;
	}
	if (strcmp(binary, BINARY) != 0)
		return not_compute(binary);
	if (set_flag(host, "forced_down", down, NULL) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:s,s:s,s:b}}", "service",
	    "host", host, "binary", binary, "forced_down", down));
	return 0;
}

/* PUT /os-services/{action} below 2.53: enable, disable,
 * disable-log-reason, and from 2.11 force-down, the service named by host
 * and binary in the body. */
static int
update_v21(struct gr_req *req, struct gr_resp *resp, int minor)
{
	static const char *const known[] = { "host", "binary",
	    "disabled_reason", NULL };
	static const char *const known_v211[] = { "host", "binary",
	    "disabled_reason", "forced_down", NULL };
	const char *action = req->params[0];
	const char *host, *binary, *reason = NULL;
	int enable, log_reason, forcing;
	json_t *body, *svc;

	enable = strcmp(action, "enable") == 0;
	log_reason = strcmp(action, "disable-log-reason") == 0;
	forcing = minor >= 11 && strcmp(action, "force-down") == 0;
	if (!enable && !log_reason && !forcing && strcmp(action, "disable") !=
	    0) {
		gr_error(GR_ERR_NOT_FOUND, "Unknown action");
		return -1;
	}
	/* forced_down is a member Nova's schema knows from 2.11 only. */
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", minor >= 11 ? known_v211 : known) <
	    0 ||
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
	if (forcing)
		return force_down(resp, body, host, binary);
	if (minor >= 11) {
		int present, down;

		/* Checked as the schema does, then ignored as Nova does. */
		if (forced_down_of(body, &present, &down) < 0)
			return -1;
	}
	if (log_reason && reason == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Missing disabled reason field");
		return -1;
	}
	if (strcmp(binary, BINARY) != 0)
		return not_compute(binary);
	/* Nova keeps a reason only from disable-log-reason. */
	if (!log_reason)
		reason = NULL;
	if (set_flag(host, "enabled", enable, reason) < 0)
		return -1;
	svc = json_pack("{s:s,s:s,s:s}", "host", host, "binary", binary,
	    "status", enable ? "enabled" : "disabled");
	if (reason)
		json_object_set_new(svc, "disabled_reason", json_string(reason));
	gr_resp_json(resp, 200, json_pack("{s:o}", "service", svc));
	return 0;
}

/* Loads the service whose uuid is id (2.53): 400 for what is not a uuid,
 * 404 for an unknown one. */
static int
service_by_uuid(const char *id, PGresult **r)
{
	char ivl[24];
	const char *p[2] = { ivl, id };

	if (!gr_is_uuid(id)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid uuid %.64s", id);
		return -1;
	}
	hv_alive_secs(ivl);
	if ((*r = gr_db_query("SELECT " SVC_COLS "WHERE n.service_uuid = "
	    "$2::uuid", 2, p)) == NULL)
		return -1;
	if (PQntuples(*r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Service %s could not be found.", id);
		return -1;
	}
	return 0;
}

/* The 2.53 body: status, disabled_reason (kept only with status
 * disabled; refused with enabled), forced_down; at least one of status
 * and forced_down. */
static int
update_fields(json_t *body, const char **status, const char **reason,
    int *forced, int *down)
{
	static const char *const known[] = { "status", "disabled_reason",
	    "forced_down", NULL };
	json_t *v;

	*status = *reason = NULL;
	if (gr_json_only(body, "request", known) < 0 ||
	    forced_down_of(body, forced, down) < 0)
		return -1;
	if ((v = json_object_get(body, "status")) != NULL &&
	    (!json_is_string(v) || (strcmp(json_string_value(v), "enabled") !=
	    0 && strcmp(json_string_value(v), "disabled") != 0))) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field 'status': "
		    "it must be \"enabled\" or \"disabled\".");
		return -1;
	}
	*status = json_string_value(v);
	if ((v = json_object_get(body, "disabled_reason")) != NULL &&
	    (!json_is_string(v) || json_string_length(v) < 1 ||
	    json_string_length(v) > 255)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field "
		    "'disabled_reason': it must be a string of 1 to 255 "
		    "characters.");
		return -1;
	}
	*reason = json_string_value(v);
	if (*status && strcmp(*status, "enabled") == 0 && *reason) {
		gr_error(GR_ERR_BAD_REQUEST, "Specifying 'disabled_reason' with "
		    "status 'enabled' is invalid.");
		return -1;
	}
	if (*status == NULL && !*forced) {
		gr_error(GR_ERR_BAD_REQUEST, "No updates were requested. Fields "
		    "'status' or 'forced_down' should be specified.");
		return -1;
	}
	return 0;
}

/* PUT /os-services/{service_uuid} (2.53): answers the whole service. */
static int
update_v253(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL, *u = NULL;
	const char *status, *reason;
	int forced, down;
	json_t *body;

	if (service_by_uuid(req->params[0], &r) < 0 ||
	    (body = gr_req_json(req)) == NULL ||
	    update_fields(body, &status, &reason, &forced, &down) < 0)
		return -1;
	const char *p[4] = { req->params[0], status, reason, forced ? down ?
	    "t" : "f" : NULL };
	if (gr_db_exec("UPDATE compute_nodes SET enabled = CASE $2::text WHEN "
	    "'enabled' THEN true WHEN 'disabled' THEN false ELSE enabled END, "
	    "disabled_reason = CASE WHEN $2::text IS NULL THEN disabled_reason "
	    "WHEN $2 = 'disabled' THEN $3 END, forced_down = coalesce("
	    "$4::boolean, forced_down) WHERE service_uuid = $1::uuid", 4, p) < 0 ||
	    service_by_uuid(req->params[0], &u) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "service",
	    service_json(u, 0, 53)));
	return 0;
}

int
services_update(struct gr_req *req, struct gr_resp *resp)
{
	int minor = compute_microversion(req);

	return minor >= 53 ? update_v253(req, resp) :
	    update_v21(req, resp, minor);
}

/*
 * DELETE /os-services/{id}: the integer id below 2.53, the uuid from it.
 * Refused (409, as Nova) while instances are on the node; else its row
 * goes, so neither os-services nor os-hypervisors lists it, and its
 * agent's heartbeats do not bring it back until the agent restarts.
 */
int
services_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL, *d = NULL;
	const char *id = req->params[0];
	int minor = compute_microversion(req);
	char ivl[24];
	const char *p[2] = { ivl, id };

	if (minor >= 53) {
		if (service_by_uuid(id, &r) < 0)
			return -1;
	} else {
		if (id[0] == '\0' || strspn(id, "0123456789") != strlen(id) ||
		    strlen(id) > 9) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid ID %.64s: it must "
			    "be an integer (a service's id below microversion "
			    "2.53).", id);
			return -1;
		}
		hv_alive_secs(ivl);
		if ((r = gr_db_query("SELECT " SVC_COLS "WHERE n.id = "
		    "$2::integer", 2, p)) == NULL)
			return -1;
		if (PQntuples(r) == 0) {
			gr_error(GR_ERR_NOT_FOUND, "Service %s not found.", id);
			return -1;
		}
	}
	const char *q[1] = { PQgetvalue(r, 0, S_HOST) };
	if (gr_db_begin() < 0)
		return -1;
	/* The node's row lock keeps a claim from landing meanwhile. */
	if (gr_db_exec("SELECT 1 FROM compute_nodes WHERE host = $1 FOR "
	    "UPDATE", 1, q) < 0)
		goto fail;
	if ((d = gr_db_query("SELECT (SELECT count(*) FROM instances WHERE "
	    "host = $1 AND NOT deleted) + (SELECT count(*) FROM allocations "
	    "WHERE host = $1)", 1, q)) == NULL)
		goto fail;
	if (atol(PQgetvalue(d, 0, 0)) > 0) {
		gr_error(GR_ERR_CONFLICT, "Unable to delete compute service that "
		    "is hosting instances. Migrate or delete the instances "
		    "first.");
		goto fail;
	}
	if (gr_db_exec("DELETE FROM compute_nodes WHERE host = $1", 1, q) < 0 ||
	    gr_db_exec("UPDATE agents SET node_deleted = true WHERE host = $1 "
	    "AND kind = 'compute'", 1, q) < 0 || gr_db_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}
