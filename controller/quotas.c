/*
 * quotas.c - per-project limits (os-quota-sets), the limits summary, and
 * the availability zone list (one zone, "nova").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

static const struct {
	const char	*name;
	long		 def;
} defaults[] = {
	{ "instances", 10 }, { "cores", 20 }, { "ram", 51200 },
	{ "key_pairs", 100 }, { "metadata_items", 128 },
	{ "server_groups", 10 }, { "server_group_members", 10 },
	{ "injected_files", 5 }, { "injected_file_content_bytes", 10240 },
	{ "injected_file_path_bytes", 255 },
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

int
quota_limit(const char *project_id, const char *resource, long *out)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { project_id, resource };

	*out = -1;
	for (size_t i = 0; i < NDEFAULTS; i++)
		if (strcmp(defaults[i].name, resource) == 0)
			*out = defaults[i].def;
	if ((r = gr_db_query("SELECT hard_limit FROM quotas WHERE project_id = $1 "
	    "AND resource = $2", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 1)
		*out = atol(PQgetvalue(r, 0, 0));
	return 0;
}

static json_t *
quota_set(const char *project_id, int with_overrides)
{
	json_t *q = json_pack("{s:s}", "id", project_id);

	for (size_t i = 0; i < NDEFAULTS; i++) {
		long v = defaults[i].def;

		if (with_overrides)
			quota_limit(project_id, defaults[i].name, &v);
		json_object_set_new(q, defaults[i].name, json_integer(v));
	}
	/* Resources of services Gureum does not limit here. */
	json_object_update_new(q, json_pack("{s:i,s:i,s:i,s:i}", "fixed_ips", -1,
	    "floating_ips", -1, "security_groups", -1, "security_group_rules",
	    -1));
	return q;
}

static int
own_or_admin(struct gr_req *req)
{
	return gr_auth_admin_or(req, strcmp(req->params[0],
	    gr_auth_of(req)->project_id) == 0, "only admins may see other "
	    "projects' quotas");
}

int
quota_show(struct gr_req *req, struct gr_resp *resp)
{
	if (own_or_admin(req) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota_set",
	    quota_set(req->params[0], 1)));
	return 0;
}

int
quota_defaults(struct gr_req *req, struct gr_resp *resp)
{
	if (own_or_admin(req) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota_set",
	    quota_set(req->params[0], 0)));
	return 0;
}

int
quota_update(struct gr_req *req, struct gr_resp *resp)
{
	json_t *body, *q, *v;
	const char *key;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "quota_set", 1, &q) < 0)
		return -1;
	if (gr_check_name("project id", req->params[0], 64) < 0 ||
	    gr_db_begin() < 0)
		return -1;
	json_object_foreach(q, key, v) {
		int known = 0;
		char lim[24];

		if (strcmp(key, "force") == 0)
			continue;
		for (size_t i = 0; i < NDEFAULTS; i++)
			if (strcmp(defaults[i].name, key) == 0)
				known = 1;
		if (!known || !json_is_integer(v) || json_integer_value(v) < -1) {
			gr_error(GR_ERR_BAD_REQUEST, known ? "Quota '%s' must be an "
			    "integer, -1 for unlimited." : "Unknown quota '%.64s'.",
			    key);
			gr_db_rollback();
			return -1;
		}
		snprintf(lim, sizeof(lim), "%lld", (long long)json_integer_value(v));
		const char *p[3] = { req->params[0], key, lim };
		if (gr_db_exec("INSERT INTO quotas (project_id, resource, "
		    "hard_limit) VALUES ($1, $2, $3) ON CONFLICT (project_id, "
		    "resource) DO UPDATE SET hard_limit = $3", 3, p) < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if (gr_db_commit() < 0)
		return -1;
	json_t *out = quota_set(req->params[0], 1);
	json_object_del(out, "id");
	gr_resp_json(resp, 200, json_pack("{s:o}", "quota_set", out));
	return 0;
}

int
quota_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *p[1] = { req->params[0] };

	if (gr_db_exec("DELETE FROM quotas WHERE project_id = $1", 1, p) < 0)
		return -1;
	gr_resp_empty(resp, 202);
	return 0;
}

int
limits_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *pid = gr_auth_of(req)->project_id;
	const char *p[1] = { pid };
	long inst, cores, ram, keys;

	if (quota_limit(pid, "instances", &inst) < 0 ||
	    quota_limit(pid, "cores", &cores) < 0 ||
	    quota_limit(pid, "ram", &ram) < 0 ||
	    quota_limit(pid, "key_pairs", &keys) < 0 ||
	    (r = gr_db_query("SELECT count(*), coalesce(sum((flavor->>'vcpus')"
	    "::int), 0), coalesce(sum((flavor->>'ram')::int), 0) FROM instances "
	    "WHERE project_id = $1 AND NOT deleted", 1, p)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:[],s:{s:i,s:i,s:i,s:i,s:i,s:i,"
	    "s:i,s:i,s:i,s:i,s:i}}}", "limits", "rate", "absolute",
	    "maxTotalInstances", (int)inst, "maxTotalCores", (int)cores,
	    "maxTotalRAMSize", (int)ram, "maxTotalKeypairs", (int)keys,
	    "maxServerMeta", 128, "maxServerGroups", 10,
	    "maxServerGroupMembers", 10,
	    "totalInstancesUsed", atoi(PQgetvalue(r, 0, 0)),
	    "totalCoresUsed", atoi(PQgetvalue(r, 0, 1)),
	    "totalRAMUsed", atoi(PQgetvalue(r, 0, 2)),
	    "totalServerGroupsUsed", 0));
	return 0;
}

int
az_list(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:{s:b},s:n}]}",
	    "availabilityZoneInfo", "zoneName", "nova", "zoneState", "available",
	    1, "hosts"));
	return 0;
}

int
az_detail(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char ivl[24];
	const char *p[1] = { ivl };
	json_t *hosts = json_object();

	(void)req;
	snprintf(ivl, sizeof(ivl), "%.1f", ctl.heartbeat_interval * 2.5);
	r = gr_db_query("SELECT n.host, coalesce(a.last_seen > now() - "
	    "make_interval(secs => $1), false), to_char(a.last_seen AT TIME ZONE "
	    "'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM compute_nodes n LEFT "
	    "JOIN agents a ON a.host = n.host AND a.kind = 'compute' ORDER BY "
	    "n.host", 1, p);
	if (r == NULL) {
		json_decref(hosts);
		return -1;
	}
	for (int i = 0; i < PQntuples(r); i++)
		json_object_set_new(hosts, PQgetvalue(r, i, 0), json_pack(
		    "{s:{s:b,s:b,s:s}}", "nova-compute", "available",
		    PQgetvalue(r, i, 1)[0] == 't', "active", 1, "updated_at",
		    PQgetvalue(r, i, 2)));
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:{s:b},s:o}]}",
	    "availabilityZoneInfo", "zoneName", "nova", "zoneState", "available",
	    1, "hosts", hosts));
	return 0;
}
