/*
 * actions.c - os-instance-actions: what was asked of an instance, by whom,
 * under which request id (the x-openstack-request-id the API answered),
 * and how it ended. servers.c and server_actions.c record an action when
 * they accept one; it is finished when the agent's report (or a failure)
 * comes back. Each action carries the one event Gureum's agents perform
 * for it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "compute_api.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "microversion.h"
#include "servers.h"

#define MAX_ACTIONS	1000	/* Nova's [api] max_limit */

/* updated_at: Nova's moves with the action's events; here the one event
 * ends with the action. */
#define ACTION_COLS \
	"action, instance_id, request_id, user_id, project_id, message, " \
	GR_DB_ISO_US("start_time") ", " \
	GR_DB_ISO_US("finish_time") ", " \
	GR_DB_ISO_US("coalesce(finish_time, start_time)")

enum { A_ACTION, A_INSTANCE, A_REQUEST, A_USER, A_PROJECT, A_MESSAGE,
    A_START, A_FINISH, A_UPDATED };

void
action_start(struct gr_req *req, const char *instance_id, const char *action)
{
	struct gr_auth *a = gr_auth_of(req);
	const char *p[5] = { instance_id, action, req->request_id, a->user_id,
	    a->project_id };

	gr_db_exec("INSERT INTO instance_actions (instance_id, action, "
	    "request_id, user_id, project_id) VALUES ($1, $2, $3, $4, $5)", 5, p);
}

void
action_finish(const char *instance_id, const char *message)
{
	const char *p[2] = { instance_id, message };

	gr_db_exec("UPDATE instance_actions SET finish_time = now(), message = "
	    "$2 WHERE id = (SELECT max(id) FROM instance_actions WHERE "
	    "instance_id = $1 AND finish_time IS NULL)", 2, p);
}

/* Row i as Nova lists an action; updated_at from microversion 2.58. */
static json_t *
action_json(PGresult *r, int i, int minor)
{
	json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s}",
	    "action", PQgetvalue(r, i, A_ACTION),
	    "instance_uuid", PQgetvalue(r, i, A_INSTANCE),
	    "request_id", PQgetvalue(r, i, A_REQUEST),
	    "user_id", PQgetvalue(r, i, A_USER),
	    "project_id", PQgetvalue(r, i, A_PROJECT),
	    "message", PQgetisnull(r, i, A_MESSAGE) ? json_null() :
	    json_string("Error"),
	    "start_time", PQgetvalue(r, i, A_START));

	if (minor >= 58)
		json_object_set_new(a, "updated_at", json_string(PQgetvalue(r,
		    i, A_UPDATED)));
	return a;
}

/* 404 unless the caller may see the instance: not deleted below
 * microversion 2.21, from it deleted ones too (their rows are kept). */
static int
visible(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *p[4] = { req->params[0], a->project_id,
	    a->is_admin ? "t" : "f", compute_microversion(req) >= 21 ? "t" :
	    "f" };

	r = gr_db_query("SELECT 1 FROM instances WHERE id = $1 AND (NOT "
	    "deleted OR $4::boolean) AND (project_id = $2 OR $3)", 4, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.",
		    req->params[0]);
		return -1;
	}
	return 0;
}

/*
 * The 2.58 query: only limit (a non-negative integer, at most
 * MAX_ACTIONS), marker (a request id of this server's; an unknown one is
 * a 400) and changes-since (an ISO 8601 time), each at most once, as
 * Nova's schema (changes-before is 2.66's).
 */
static int
query_v258(struct gr_req *req, char lim[24], const char **marker,
    const char **since)
{
	static const char *const known[] = { "limit", "marker",
	    "changes-since", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *l;

	if (compute_query_only(req, "os-instance-actions takes (limit, "
	    "marker, changes-since)", known, 0) < 0)
		return -1;
	if (gr_req_query_int(req, "limit", 0, lim, &l) < 0)
		return -1;
	if (l == NULL || atol(lim) > MAX_ACTIONS)
		snprintf(lim, 24, "%d", MAX_ACTIONS);
	if ((*since = gr_req_query(req, "changes-since")) != NULL &&
	    !server_iso_time_ok(*since)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for query parameters "
		    "changes-since: '%.64s' is not an ISO 8601 time.", *since);
		return -1;
	}
	if ((*marker = gr_req_query(req, "marker")) == NULL)
		return 0;
	const char *p[2] = { req->params[0], *marker };
	if ((r = gr_db_query("SELECT 1 FROM instance_actions WHERE instance_id "
	    "= $1 AND request_id = $2", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Marker %.64s could not be found.",
		    *marker);
		return -1;
	}
	return 0;
}

int
action_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	int minor = compute_microversion(req);
	const char *marker = NULL, *since = NULL;
	char lim[24], coll[128];
	json_t *list, *out;

	snprintf(lim, sizeof(lim), "%d", MAX_ACTIONS);
	if (visible(req) < 0 ||
	    (minor >= 58 && query_v258(req, lim, &marker, &since) < 0))
		return -1;
	/* Below 2.58 every action (LIMIT NULL). */
	const char *p[4] = { req->params[0], minor >= 58 ? lim : NULL, marker,
	    since };
	/* Newest first; a page starts after its marker's place. */
	r = gr_db_query("SELECT " ACTION_COLS " FROM instance_actions WHERE "
	    "instance_id = $1 AND ($3::text IS NULL OR (start_time, id) < "
	    "(SELECT start_time, id FROM instance_actions WHERE instance_id = $1 "
	    "AND request_id = $3 ORDER BY id DESC LIMIT 1)) AND ($4::text IS "
	    "NULL OR coalesce(finish_time, start_time) >= $4::timestamptz) "
	    "ORDER BY start_time DESC, id DESC LIMIT $2::bigint", 4, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, action_json(r, i, minor));
	out = json_pack("{s:o}", "instanceActions", list);
	/* Nova 2.58: a full page links to the next. */
	if (minor >= 58 && atol(lim) > 0 && PQntuples(r) == atol(lim)) {
		snprintf(coll, sizeof(coll), "servers/%.64s/os-instance-actions",
		    req->params[0]);
		json_object_set_new(out, "links", compute_next_link(req, coll,
		    PQgetvalue(r, PQntuples(r) - 1, A_REQUEST)));
	}
	gr_resp_json(resp, 200, out);
	return 0;
}

int
action_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { req->params[0], req->params[1] };
	json_t *a, *ev;
	char name[80];

	if (visible(req) < 0)
		return -1;
	r = gr_db_query("SELECT " ACTION_COLS " FROM instance_actions WHERE "
	    "instance_id = $1 AND request_id = $2 ORDER BY id DESC LIMIT 1", 2,
	    p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Action %s could not be found for "
		    "instance %s.", req->params[1], req->params[0]);
		return -1;
	}
	a = action_json(r, 0, compute_microversion(req));
	/* Below 2.51 Nova shows events to admins only. */
	if (!gr_auth_of(req)->is_admin && compute_microversion(req) < 51) {
		gr_resp_json(resp, 200, json_pack("{s:o}", "instanceAction", a));
		return 0;
	}
	/* One event per action: the agent's work (or the scheduler's). */
	snprintf(name, sizeof(name), "compute_%s", PQgetvalue(r, 0, A_ACTION));
	ev = json_pack("{s:s,s:s,s:o,s:o}", "event", name,
	    "start_time", PQgetvalue(r, 0, A_START),
	    "finish_time", gr_db_json_text(r, 0, A_FINISH),
	    "result", PQgetisnull(r, 0, A_FINISH) ? json_null() :
	    json_string(PQgetisnull(r, 0, A_MESSAGE) ? "Success" : "Error"));
	/* Nova shows the failure's details to admins only. */
	if (gr_auth_of(req)->is_admin && !PQgetisnull(r, 0, A_MESSAGE))
		json_object_set_new(ev, "traceback", json_string(PQgetvalue(r,
		    0, A_MESSAGE)));
	json_object_set_new(a, "events", json_pack("[o]", ev));
	gr_resp_json(resp, 200, json_pack("{s:o}", "instanceAction", a));
	return 0;
}
