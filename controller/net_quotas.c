/*
 * net_quotas.c - the Network v2.0 quotas (/v2.0/quotas/{project}), kept
 * beside the compute ones in the quotas table under Neutron's resource
 * names, with Neutron's defaults. What a project uses is counted from its
 * rows, inside the writing transaction (net_begin() serialises the
 * writes), so a limit cannot be passed by racing clients.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "network_api.h"

static const struct {
	const char	*name;
	long		 def;		/* neutron/conf/quota.py */
	const char	*count;		/* $1 = project; NULL: nothing to count */
} resources[] = {
	{ "network", 100, "SELECT count(*) FROM networks WHERE project_id = $1" },
	{ "subnet", 100, "SELECT count(*) FROM subnets WHERE project_id = $1" },
	{ "port", 500, "SELECT count(*) FROM ports WHERE project_id = $1" },
	{ "router", 10, "SELECT count(*) FROM routers WHERE project_id = $1" },
	{ "floatingip", 50, "SELECT count(*) FROM floatingips WHERE "
	    "project_id = $1" },
	{ "security_group", 10, "SELECT count(*) FROM security_groups WHERE "
	    "project_id = $1" },
	{ "security_group_rule", 100, "SELECT count(*) FROM "
	    "security_group_rules WHERE project_id = $1" },
	{ "rbac_policy", 10, NULL },
	{ "subnetpool", -1, NULL },
};
#define NRES (sizeof(resources) / sizeof(resources[0]))

static int
index_of(const char *name)
{
	for (size_t i = 0; i < NRES; i++)
		if (strcmp(resources[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Every limit of the project, overrides over the defaults. */
static int
limits(const char *project_id, long lim[NRES])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { project_id };

	for (size_t i = 0; i < NRES; i++)
		lim[i] = resources[i].def;
	if ((r = gr_db_query("SELECT resource, hard_limit FROM quotas WHERE "
	    "project_id = $1", 1, p)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		int k = index_of(PQgetvalue(r, i, 0));

		if (k >= 0)
			lim[k] = atol(PQgetvalue(r, i, 1));
	}
	return 0;
}

static long
used(const char *project_id, size_t i)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { project_id };

	if (resources[i].count == NULL)
		return 0;
	if ((r = gr_db_query(resources[i].count, 1, p)) == NULL)
		return -1;
	return atol(PQgetvalue(r, 0, 0));
}

int
net_quota_check(const char *project_id, const char *resource, int n)
{
	long lim[NRES], u;
	int k = index_of(resource);

	if (k < 0 || limits(project_id, lim) < 0)
		return k < 0 ? 0 : -1;
	if (lim[k] < 0)
		return 0;
	if ((u = used(project_id, (size_t)k)) < 0)
		return -1;
	if (u + n > lim[k]) {
		gr_error(GR_ERR_CONFLICT, "Quota exceeded for resources: ['%s']: "
		    "the project uses %ld of %ld.", resource, u, lim[k]);
		return -1;
	}
	return 0;
}

/* A member sees its own project's quotas; an admin any project's. */
static int
may_see(struct gr_req *req, const char *project_id)
{
	struct net_scope s;

	net_scope_of(req, &s);
	if (s.admin || strcmp(s.project_id, project_id) == 0)
		return 0;
	gr_error(GR_ERR_FORBIDDEN, "Non-admin is not authorised to access "
	    "quotas for another project.");
	return -1;
}

static json_t *
quota_json(const long lim[NRES])
{
	json_t *q = json_object();

	for (size_t i = 0; i < NRES; i++)
		json_object_set_new(q, resources[i].name,
		    json_integer(lim[i]));
	return q;
}

static int
answer_limits(struct gr_req *req, struct gr_resp *resp, int defaults)
{
	const char *pid = req->params[0];
	long lim[NRES];

	if (may_see(req, pid) < 0)
		return -1;
	if (defaults) {
		for (size_t i = 0; i < NRES; i++)
			lim[i] = resources[i].def;
	} else if (limits(pid, lim) < 0) {
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota", quota_json(lim)));
	return 0;
}

int
net_quota_show(struct gr_req *req, struct gr_resp *resp)
{
	return answer_limits(req, resp, 0);
}

int
net_quota_default(struct gr_req *req, struct gr_resp *resp)
{
	return answer_limits(req, resp, 1);
}

int
net_quota_details(struct gr_req *req, struct gr_resp *resp)
{
	const char *pid = req->params[0];
	long lim[NRES], u;
	json_t *q;

	if (may_see(req, pid) < 0 || limits(pid, lim) < 0)
		return -1;
	q = json_object();
	for (size_t i = 0; i < NRES; i++) {
		if ((u = used(pid, i)) < 0) {
			json_decref(q);
			return -1;
		}
		json_object_set_new(q, resources[i].name, json_pack("{s:i,s:i,"
		    "s:i}", "limit", (json_int_t)lim[i], "used", (json_int_t)u,
		    "reserved", 0));
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota", q));
	return 0;
}

/* A limit as Neutron takes it: an integer of -1 or more, or its text. */
static int
read_limit(const char *key, json_t *v, long *out)
{
	const char *s = json_string_value(v);
	char *end;

	if (json_is_integer(v)) {
		*out = (long)json_integer_value(v);
	} else if (s && *s) {
		*out = strtol(s, &end, 10);
		if (*end != '\0')
			goto bad;
	} else {
		goto bad;
	}
	if (*out >= -1 && *out <= 2147483647L)
		return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for %s. Reason: it must be "
	    "an integer of -1 (unlimited) or more.", key);
	return -1;
}

int
net_quota_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *allowed[NRES + 1];
	const char *pid = req->params[0], *key;
	long lim[NRES], v[NRES];
	int set[NRES] = { 0 };
	json_t *b, *val;

	for (size_t i = 0; i < NRES; i++)
		allowed[i] = resources[i].name;
	if ((b = net_body(req, "quota", allowed)) == NULL)
		return -1;
	json_object_foreach(b, key, val) {
		int k = index_of(key);

		if (read_limit(key, val, &v[k]) < 0)
			return -1;
		set[k] = 1;
	}
	if (gr_db_begin() < 0)
		return -1;
	for (size_t i = 0; i < NRES; i++) {
		char n[24];
		const char *p[3] = { pid, resources[i].name, n };

		if (!set[i])
			continue;
		snprintf(n, sizeof(n), "%ld", v[i]);
		if (gr_db_exec("INSERT INTO quotas (project_id, resource, "
		    "hard_limit) VALUES ($1, $2, $3) ON CONFLICT (project_id, "
		    "resource) DO UPDATE SET hard_limit = EXCLUDED.hard_limit", 3,
		    p) < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if (gr_db_commit() < 0 || limits(pid, lim) < 0) {
		gr_db_rollback();
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota", quota_json(lim)));
	return 0;
}

int
net_quota_delete(struct gr_req *req, struct gr_resp *resp)
{
	for (size_t i = 0; i < NRES; i++) {
		const char *p[2] = { req->params[0], resources[i].name };

		if (gr_db_exec("DELETE FROM quotas WHERE project_id = $1 AND "
		    "resource = $2", 2, p) < 0)
			return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

int
net_quota_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *list = json_array();

	(void)req;
	if ((r = gr_db_query("SELECT DISTINCT project_id FROM quotas WHERE "
	    "resource IN ('network', 'subnet', 'port', 'router', 'floatingip', "
	    "'security_group', 'security_group_rule', 'rbac_policy', "
	    "'subnetpool') ORDER BY project_id", 0, NULL)) == NULL) {
		json_decref(list);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		long lim[NRES];
		json_t *q;

		if (limits(PQgetvalue(r, i, 0), lim) < 0) {
			json_decref(list);
			return -1;
		}
		q = quota_json(lim);
		json_object_set_new(q, "project_id",
		    json_string(PQgetvalue(r, i, 0)));
		json_object_set_new(q, "tenant_id",
		    json_string(PQgetvalue(r, i, 0)));
		json_array_append_new(list, q);
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "quotas", list));
	return 0;
}
