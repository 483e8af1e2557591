/*
 * server_groups.c - os-server-groups at microversion 2.1: named sets of
 * instances with a placement policy, "affinity" (every member on one host)
 * or "anti-affinity" (no two members on one host), and the rule the
 * scheduler applies when it places a member.
 *
 * A group belongs to the project that made it; other projects' groups are
 * 404 to members, admins see every group and list them all with
 * all_projects. An instance joins a group when it is created with the
 * scheduler hint "group" and leaves it when it is deleted. From 2.15 the
 * soft policies are taken too: the scheduler prefers hosts that keep them
 * and never refuses one for them. The policy is
 * checked again inside the scheduler's claim transaction, under the
 * group's row lock (server_group_rule with lock set), so members placed
 * at the same time can never break it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "microversion.h"
#include "quotas.h"
#include "server_groups.h"

#define NAME_MAX_LEN	255
#define PAGE_MAX	1000	/* Nova's osapi_max_limit */

/* A group with its live members as a JSON array (text). */
#define SG_COLS "g.id, g.name, g.policy, coalesce((SELECT " \
	"json_agg(m.instance_id ORDER BY m.created_at, m.instance_id) FROM " \
	"server_group_members m JOIN instances i ON i.id = m.instance_id " \
	"WHERE m.group_id = g.id AND NOT i.deleted), '[]'), g.project_id, " \
	"g.user_id"
enum { G_ID, G_NAME, G_POLICY, G_MEMBERS, G_PROJECT, G_USER };

/* Who may see a group: its project, and admins. $2 project, $3 admin. */
#define SG_VISIBLE "(g.project_id = $2 OR $3::boolean)"

/* The 2.1 document: {id, name, policies, members, metadata}; from 2.13
 * also project_id and user_id (strict clients refuse unknown keys, so
 * not before). */
static json_t *
group_json(struct gr_req *req, PGresult *r, int i)
{
	json_t *members = json_loads(PQgetvalue(r, i, G_MEMBERS), 0, NULL);
	json_t *g = json_pack("{s:s,s:s,s:[s],s:o,s:{}}",
	    "id", PQgetvalue(r, i, G_ID), "name", PQgetvalue(r, i, G_NAME),
	    "policies", PQgetvalue(r, i, G_POLICY),
	    "members", members ? members : json_array(), "metadata");

	if (compute_microversion(req) >= 13)
		json_object_update_new(g, json_pack("{s:s,s:s}", "project_id",
		    PQgetvalue(r, i, G_PROJECT), "user_id",
		    PQgetvalue(r, i, G_USER)));
	return g;
}

/* One group as the caller may see it; NULL with a 404. */
static PGresult *
load_visible(const char *id, struct gr_auth *a)
{
	const char *p[3] = { id, a->project_id, a->is_admin ? "t" : "f" };
	PGresult *r;

	if (!gr_is_uuid(id)) {
		gr_error(GR_ERR_NOT_FOUND, "Server group %.64s could not be "
		    "found.", id);
		return NULL;
	}
	r = gr_db_query("SELECT " SG_COLS " FROM server_groups g WHERE g.id = "
	    "$1::uuid AND " SG_VISIBLE, 3, p);
	if (r && PQntuples(r) == 0) {
		PQclear(r);
		gr_error(GR_ERR_NOT_FOUND, "Server group %s could not be found.",
		    id);
		return NULL;
	}
	return r;
}

/* ---- API ---- */

/* all_projects=True: every project's groups, for admins only (403 for
 * members, as Nova's policy). */
static int
all_projects(struct gr_req *req, int *all)
{
	const char *v = gr_req_query(req, "all_projects");

	*all = 0;
	if (v == NULL || strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0 ||
	    strcasecmp(v, "no") == 0)
		return 0;
	if (strcasecmp(v, "true") != 0 && strcmp(v, "1") != 0 &&
	    strcasecmp(v, "yes") != 0 && v[0] != '\0') {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid all_projects [%.64s]: use "
		    "True or False.", v);
		return -1;
	}
	if (gr_auth_admin_or(req, 0, "only admins may list the server groups "
	    "of all projects") < 0)
		return -1;
	*all = 1;
	return 0;
}

int
server_group_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *limit, *offset;
	char lim[24], off[24];
	json_t *list;
	int all;

	if (all_projects(req, &all) < 0 ||
	    gr_req_query_int(req, "limit", 0, lim, &limit) < 0 ||
	    gr_req_query_int(req, "offset", 0, off, &offset) < 0)
		return -1;
	/* As Nova's common.limited: no limit or 0 means the maximum. */
	if (limit == NULL || atol(limit) == 0 || atol(limit) > PAGE_MAX)
		snprintf(lim, sizeof(lim), "%d", PAGE_MAX);
	const char *p[4] = { all ? "t" : "f", a->project_id, lim,
	    offset ? offset : "0" };
	r = gr_db_query("SELECT " SG_COLS " FROM server_groups g WHERE "
	    "($1::boolean OR g.project_id = $2) ORDER BY g.created_at, g.id "
	    "LIMIT $3::bigint OFFSET $4::bigint", 4, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, group_json(req, r, i));
	gr_resp_json(resp, 200, json_pack("{s:o}", "server_groups", list));
	return 0;
}

int
server_group_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_visible(req->params[0],
	    gr_auth_of(req));

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "server_group",
	    group_json(req, r, 0)));
	return 0;
}

/* "policies": a list of exactly one policy: affinity, anti-affinity, and
 * from 2.15 soft-affinity and soft-anti-affinity. */
static int
policy_of(json_t *g, int mv, const char **policy)
{
	json_t *list = NULL, *v;
	const char *s;

	if (gr_json_array(g, "policies", 1, &list) < 0)
		return -1;
	v = json_array_get(list, 0);
	if (json_array_size(list) != 1 || !json_is_string(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "'policies' must be a list of "
		    "exactly one policy: 'affinity' or 'anti-affinity'.");
		return -1;
	}
	s = json_string_value(v);
	if (mv >= 15 && (strcmp(s, "soft-affinity") == 0 ||
	    strcmp(s, "soft-anti-affinity") == 0)) {
		*policy = s;
		return 0;
	}
	if (strcmp(s, "affinity") != 0 && strcmp(s, "anti-affinity") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, mv >= 15 ? "Invalid server group "
		    "policy '%.64s': the allowed policies are 'affinity', "
		    "'anti-affinity', 'soft-affinity' and 'soft-anti-affinity'." :
		    "Invalid server group policy '%.64s': the allowed policies "
		    "are 'affinity' and 'anti-affinity' (the soft ones need "
		    "microversion 2.15).", s);
		return -1;
	}
	*policy = s;
	return 0;
}

/* Inserts a group under the project's server_groups quota (counted under
 * a per-project lock, so concurrent creates cannot pass it). */
static int
insert_group(struct gr_auth *a, const char *id, const char *name,
    const char *policy, PGresult **out)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *pp[1] = { a->project_id };
	const char *p[5] = { id, name, a->project_id, a->user_id, policy };
	long lim;

	if (quota_limit(a->project_id, "server_groups", &lim) < 0 ||
	    gr_db_begin() < 0)
		return -1;
	if (gr_db_exec("SELECT pg_advisory_xact_lock(hashtext('server_groups:' "
	    "|| $1))", 1, pp) < 0 ||
	    (r = gr_db_query("SELECT count(*) FROM server_groups WHERE "
	    "project_id = $1", 1, pp)) == NULL)
		goto fail;
	if (lim >= 0 && atol(PQgetvalue(r, 0, 0)) >= lim) {
		gr_error(GR_ERR_FORBIDDEN, "Quota exceeded, too many server "
		    "groups: the limit is %ld.", lim);
		goto fail;
	}
	if ((*out = gr_db_query("INSERT INTO server_groups AS g (id, name, "
	    "project_id, user_id, policy) VALUES ($1, $2, $3, $4, $5) "
	    "RETURNING " SG_COLS, 5, p)) == NULL)
		goto fail;
	if (gr_db_commit() < 0) {
		PQclear(*out);
		*out = NULL;
		return -1;
	}
	return 0;
fail:
	gr_db_rollback();
	return -1;
}

int
server_group_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "server_group", NULL };
	static const char *const known[] = { "name", "policies", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *name, *policy;
	json_t *body, *g;
	char id[37];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "server_group", 1, &g) < 0 ||
	    gr_json_only(g, "server_group", known) < 0 ||
	    gr_json_str(g, "name", 1, NAME_MAX_LEN, &name) < 0 ||
	    gr_check_trimmed_name("server group name", name, NAME_MAX_LEN) < 0 ||
	    policy_of(g, compute_microversion(req), &policy) < 0)
		return -1;
	if (gr_uuid(id) < 0) {
		gr_error(GR_ERR_INTERNAL, "Making a server group id failed.");
		return -1;
	}
	if (insert_group(gr_auth_of(req), id, name, policy, &r) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "server_group",
	    group_json(req, r, 0)));
	return 0;
}

/* Members stay instances; they only leave the group (the cascade). */
int
server_group_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_visible(req->params[0],
	    gr_auth_of(req)), *d = NULL;
	const char *p[1] = { req->params[0] };

	if (r == NULL ||
	    (d = gr_db_query("DELETE FROM server_groups WHERE id = $1::uuid", 1,
	    p)) == NULL)
		return -1;
	if (gr_db_affected(d) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Server group %s could not be found.",
		    req->params[0]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

/* ---- membership ---- */

/* Fails with 403 if group (locked or not) cannot take n more members under
 * its project's server_group_members quota. */
static int
check_room(const char *group_id, const char *project_id, long n)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { group_id };
	long lim, used;

	if (quota_limit(project_id, "server_group_members", &lim) < 0)
		return -1;
	if (lim < 0)
		return 0;
	if ((r = gr_db_query("SELECT count(*) FROM server_group_members m JOIN "
	    "instances i ON i.id = m.instance_id WHERE m.group_id = $1::uuid "
	    "AND NOT i.deleted", 1, p)) == NULL)
		return -1;
	used = atol(PQgetvalue(r, 0, 0));
	if (used + n > lim) {
		gr_error(GR_ERR_FORBIDDEN, "Quota exceeded, too many servers in "
		    "group %s: it has %ld of at most %ld members, and %ld more "
		    "were asked for.", group_id, used, lim, n);
		return -1;
	}
	return 0;
}

int
server_group_check(const char *group_id, const char *project_id,
    int is_admin, int n)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { group_id, project_id, is_admin ? "t" : "f" };

	if (!gr_is_uuid(group_id)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid scheduler hint 'group': "
		    "'%.64s' is not a server group UUID.", group_id);
		return -1;
	}
	if ((r = gr_db_query("SELECT g.project_id FROM server_groups g WHERE "
	    "g.id = $1::uuid AND " SG_VISIBLE, 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Server group %s could not be "
		    "found.", group_id);
		return -1;
	}
	return check_room(group_id, PQgetvalue(r, 0, 0), n);
}

int
server_group_join(const char *group_id, const char *instance_id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { group_id, instance_id };

	/* The lock serialises joins, so the quota holds under concurrency. */
	if ((r = gr_db_query("SELECT project_id FROM server_groups WHERE id = "
	    "$1::uuid FOR UPDATE", 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Server group %s could not be "
		    "found.", group_id);
		return -1;
	}
	if (check_room(group_id, PQgetvalue(r, 0, 0), 1) < 0)
		return -1;
	return gr_db_exec("INSERT INTO server_group_members (group_id, "
	    "instance_id) VALUES ($1::uuid, $2)", 2, p);
}

int
server_group_leave(const char *instance_id)
{
	const char *p[1] = { instance_id };

	return gr_db_exec("DELETE FROM server_group_members WHERE instance_id "
	    "= $1", 1, p);
}

/* ---- the scheduler's rule ---- */

int
server_group_rule(const char *group_id, const char *instance_id, int lock,
    struct server_group_rule *g)
{
	GR_AUTO_PGRES PGresult *r = NULL, *h = NULL;
	const char *p[2] = { group_id, instance_id };

	memset(g, 0, sizeof(*g));
	/* Row lock first: members placed meanwhile are then committed and
	 * seen by the query below (read committed: a snapshot per query). */
	r = gr_db_query(lock ? "SELECT name, policy FROM server_groups WHERE "
	    "id = $1::uuid FOR UPDATE" : "SELECT name, policy FROM "
	    "server_groups WHERE id = $1::uuid", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Server group %s was deleted before "
		    "its member %s was placed.", group_id, instance_id);
		return -1;
	}
	snprintf(g->name, sizeof(g->name), "%s", PQgetvalue(r, 0, 0));
	g->soft = strncmp(PQgetvalue(r, 0, 1), "soft-", 5) == 0;
	g->anti = strcmp(PQgetvalue(r, 0, 1) + (g->soft ? 5 : 0),
	    "anti-affinity") == 0;
	/* A host once per member: the soft policies weigh by the count. */
	h = gr_db_query("SELECT i.host FROM server_group_members m "
	    "JOIN instances i ON i.id = m.instance_id WHERE m.group_id = "
	    "$1::uuid AND m.instance_id <> $2 AND NOT i.deleted AND i.host IS "
	    "NOT NULL ORDER BY i.host", 2, p);
	if (h == NULL)
		return -1;
	g->nhosts = PQntuples(h);
	g->hosts = gr_xcalloc((size_t)g->nhosts + 1, sizeof(*g->hosts));
	for (int i = 0; i < g->nhosts; i++)
		g->hosts[i] = gr_xstrdup(PQgetvalue(h, i, 0));
	return 0;
}

int
server_group_allows(const struct server_group_rule *g, const char *host,
    struct gr_buf *why)
{
	int on = 0;

	/* The soft policies are preferences (server_group_preference). */
	if (g->soft)
		return 1;
	for (int i = 0; i < g->nhosts; i++)
		if (strcmp(g->hosts[i], host) == 0)
			on = 1;
	if (g->anti && on) {
		gr_buf_printf(why, "%s: server group '%s' (anti-affinity) "
		    "already has a member on this host; ", host, g->name);
		return 0;
	}
	if (!g->anti && g->nhosts > 0 && !on) {
		gr_buf_printf(why, "%s: server group '%s' (affinity) has its "
		    "members on %s; ", host, g->name, g->hosts[0]);
		return 0;
	}
	return 1;
}

int
server_group_preference(const struct server_group_rule *g,
    const char *host)
{
	int on = 0;

	if (!g->soft)
		return 0;
	for (int i = 0; i < g->nhosts; i++)
		if (strcmp(g->hosts[i], host) == 0)
			on++;
	return g->anti ? -on : on;
}

void
server_group_rule_free(struct server_group_rule *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < g->nhosts; i++)
		free(g->hosts[i]);
	free(g->hosts);
	g->hosts = NULL;
	g->nhosts = 0;
}
