/* migrations.c - see migrations.h. */
#include <stdio.h>
#include <string.h>

#include "gr_auth.h"
#include "gr_db.h"
#include "gr_err.h"
#include "compute_api.h"
#include "gr_json.h"
#include "microversion.h"
#include "migrations.h"
#include "servers.h"

/* The query parameters Nova's 2.59 schema takes (additionalProperties
 * false: any other is a 400). */
static const char *const query_v259[] = { "hidden", "host", "instance_uuid",
    "source_compute", "status", "migration_type", "limit", "marker",
    "changes-since", NULL };

/* Nova's 2.59 checks: known parameters only, limit and marker and
 * changes-since at most once, limit a non-negative integer, changes-since
 * an ISO 8601 time; a marker is a migration's uuid, and none exists. */
static int
check_v259(struct gr_req *req)
{
	const char *since, *marker, *lim;
	char buf[24];

	/* The first six are Nova's common_query_param: they may repeat. */
	if (compute_query_only(req, "os-migrations takes", query_v259, 6) < 0)
		return -1;
	if (gr_req_query_int(req, "limit", 0, buf, &lim) < 0)
		return -1;
	if ((since = gr_req_query(req, "changes-since")) != NULL &&
	    !server_iso_time_ok(since)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for query parameters "
		    "changes-since: '%.64s' is not an ISO 8601 time.", since);
		return -1;
	}
	if ((marker = gr_req_query(req, "marker")) != NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Marker %.64s could not be found.",
		    marker);
		return -1;
	}
	return 0;
}

int
migration_list(struct gr_req *req, struct gr_resp *resp)
{
	if (compute_microversion(req) >= 59 && check_v259(req) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:[]}", "migrations"));
	return 0;
}

/* 404 below 2.23 (the route is not there) or for a server the caller
 * may not see. */
static int
server_seen(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *p[3] = { req->params[0], a->project_id,
	    a->is_admin ? "t" : "f" };

	if (compute_microversion(req) < 23) {
		gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
		return -1;
	}
	if ((r = gr_db_query("SELECT 1 FROM instances WHERE id = $1 AND NOT "
	    "deleted AND (project_id = $2 OR $3)", 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %.64s could not be found.",
		    req->params[0]);
		return -1;
	}
	return 0;
}

int
server_migration_list(struct gr_req *req, struct gr_resp *resp)
{
	if (server_seen(req) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:[]}", "migrations"));
	return 0;
}

int
server_migration_show(struct gr_req *req, struct gr_resp *resp)
{
	(void)resp;
	if (server_seen(req) < 0)
		return -1;
	gr_error(GR_ERR_NOT_FOUND, "In-progress live migration %.64s is not "
	    "found for server %.64s.", req->params[1], req->params[0]);
	return -1;
}
