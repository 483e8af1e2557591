/*
 * compute_api.c - Compute v2.1: version documents, microversion headers,
 * and the hypervisors the node agents report. The rest of the compute API
 * (flavors, servers, the scheduler) lives in its own modules as it lands.
 *
 * Also the agents' side door on the same port: POST
 * /internal/v1/agents/heartbeat, signed with the cluster secret, by which a
 * node's compute and network agents register, report inventory and show
 * they are alive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

/* Highest microversion whose formats we serve exactly. */
#define MV_MIN_MINOR	1
#define MV_MAX_MINOR	1

static json_t *
version_json(void)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/v2.1/", ctl.public_host,
	    ctl.compute_port);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}",
	    "id", "v2.1", "status", "CURRENT", "version", "2.1",
	    "min_version", "2.1", "updated", "2013-07-23T11:33:21Z",
	    "links", "rel", "self", "href", url,
	    "media-types", "base", "application/json", "type",
	    "application/vnd.openstack.compute+json;version=2.1");
}

static int
get_version(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:o}", "version", version_json()));
	return 0;
}

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[o]}", "versions",
	    version_json()));
	return 0;
}

/*
 * The requested microversion's minor number: from OpenStack-API-Version
 * ("compute 2.30") or X-OpenStack-Nova-API-Version ("2.30"); "latest" is
 * the maximum. Returns -1 (406 in Nova; 400 here is clearer to clients that
 * do not negotiate) for a version we do not serve.
 */
static int
microversion(struct gr_req *req, int *minor)
{
	const char *h = gr_req_header(req, "OpenStack-API-Version");
	const char *v = NULL;
	int major;

	*minor = MV_MIN_MINOR;
	if (h && strncasecmp(h, "compute ", 8) == 0)
		v = h + 8;
	else
		v = gr_req_header(req, "X-OpenStack-Nova-API-Version");
	if (v == NULL)
		return 0;
	if (strcmp(v, "latest") == 0) {
		*minor = MV_MAX_MINOR;
		return 0;
	}
	if (sscanf(v, "%d.%d", &major, minor) != 2 || major != 2 ||
	    *minor < MV_MIN_MINOR || *minor > MV_MAX_MINOR) {
		gr_error(GR_ERR_BAD_REQUEST, "Version %s is not supported by the "
		    "API. Minimum is 2.%d and maximum is 2.%d.", v, MV_MIN_MINOR,
		    MV_MAX_MINOR);
		*minor = MV_MIN_MINOR;
		return -1;
	}
	return 0;
}

int
compute_authorize(struct gr_req *req, enum gr_policy policy)
{
	int minor;

	if (microversion(req, &minor) < 0)
		return -1;
	return auth_authorize(req, policy);
}

void
compute_decorate(struct gr_req *req, struct gr_resp *resp)
{
	char v[32];
	int minor;

	microversion(req, &minor);
	snprintf(v, sizeof(v), "compute 2.%d", minor);
	gr_resp_header(resp, "OpenStack-API-Version", v);
	gr_resp_header(resp, "X-OpenStack-Nova-API-Version", v + 8);
	gr_resp_header(resp, "Vary", "OpenStack-API-Version, "
	    "X-OpenStack-Nova-API-Version");
	gr_resp_header(resp, "x-compute-request-id", req->request_id);
}

/* ---- hypervisors ---- */

#define HV_COLS \
	"n.id, n.host, n.host_ip, n.hypervisor_type, n.hypervisor_version, " \
	"n.pcpus, n.memory_mb, n.disk_gb, n.disk_used_gb, " \
	"n.reserved_host_memory_mb, n.cpu_info, n.enabled, " \
	"coalesce(a.last_seen > now() - make_interval(secs => $1), false), " \
	"coalesce(extract(epoch FROM now() - n.booted_at)::bigint, 0), " \
	"coalesce(u.vcpus, 0), coalesce(u.mem, 0), coalesce(u.disk, 0), " \
	"coalesce(u.n, 0)"

#define HV_FROM \
	" FROM compute_nodes n LEFT JOIN agents a ON a.host = n.host AND " \
	"a.kind = 'compute' LEFT JOIN (SELECT host, sum(vcpus) AS vcpus, " \
	"sum(memory_mb) AS mem, sum(disk_gb) AS disk, count(*) AS n FROM " \
	"allocations GROUP BY host) u ON u.host = n.host"

static long
col_l(PGresult *r, int i, int c)
{
	return atol(PQgetvalue(r, i, c));
}

static json_t *
hypervisor_json(PGresult *r, int i, int detail)
{
	long mem = col_l(r, i, 6), res = col_l(r, i, 9);
	long disk = col_l(r, i, 7), used = col_l(r, i, 8);
	json_t *h;

	h = json_pack("{s:i,s:s,s:s,s:s}", "id", (int)col_l(r, i, 0),
	    "hypervisor_hostname", PQgetvalue(r, i, 1),
	    "state", PQgetvalue(r, i, 12)[0] == 't' ? "up" : "down",
	    "status", PQgetvalue(r, i, 11)[0] == 't' ? "enabled" : "disabled");
	if (!detail)
		return h;
	/* Used = what instances claim (allocations), plus, for memory, what
	 * is reserved for the host, as Nova reports it. */
	long vused = col_l(r, i, 14), mused = col_l(r, i, 15) + res;
	json_object_update_new(h, json_pack("{s:s,s:I,s:s,s:i,s:I,s:I,s:i,s:I,"
	    "s:I,s:I,s:I,s:i,s:i,s:I,s:{s:i,s:s,s:n},s:s}",
	    "hypervisor_type", PQgetvalue(r, i, 3),
	    "hypervisor_version", (json_int_t)col_l(r, i, 4),
	    "host_ip", PQgetvalue(r, i, 2),
	    "vcpus", (int)col_l(r, i, 5),
	    "memory_mb", (json_int_t)mem,
	    "local_gb", (json_int_t)disk,
	    "vcpus_used", (int)vused,
	    "memory_mb_used", (json_int_t)mused,
	    "local_gb_used", (json_int_t)used,
	    "free_ram_mb", (json_int_t)(mem - mused),
	    "free_disk_gb", (json_int_t)(disk - used),
	    "current_workload", 0,
	    "running_vms", (int)col_l(r, i, 17),
	    "disk_available_least", (json_int_t)(disk - used),
	    "service", "id", (int)col_l(r, i, 0), "host", PQgetvalue(r, i, 1),
	    "disabled_reason",
	    /* Below microversion 2.28 cpu_info is a JSON-encoded string. */
	    "cpu_info", PQgetvalue(r, i, 10)));
	return h;
}

void
ctl_alive_secs(char out[24])
{
	snprintf(out, 24, "%.1f", ctl.heartbeat_interval * 2.5);
}

static int
hv_query(const char *where, const char *arg, PGresult **out)
{
	char ivl[24];
	const char *p[2] = { ivl, arg };
	char sql[1024];

	ctl_alive_secs(ivl);
	snprintf(sql, sizeof(sql), "SELECT " HV_COLS HV_FROM " %s ORDER BY n.id",
	    where);
	*out = gr_db_query(sql, arg ? 2 : 1, p);
	return *out ? 0 : -1;
}

static int
hv_list_common(struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *list;

	if (hv_query("", NULL, &r) < 0)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, hypervisor_json(r, i, detail));
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisors", list));
	return 0;
}

static int
hv_list(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	return hv_list_common(resp, 0);
}

static int
hv_detail(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	return hv_list_common(resp, 1);
}

/* Loads one hypervisor by its numeric id (404 for anything else). */
static int
hv_one(struct gr_req *req, PGresult **r)
{
	const char *id = req->params[0];

	if (strspn(id, "0123456789") != strlen(id) || strlen(id) > 9) {
		gr_error(GR_ERR_NOT_FOUND, "Hypervisor %s could not be found.",
		    id);
		return -1;
	}
	if (hv_query("WHERE n.id = $2::integer", id, r) < 0)
		return -1;
	if (PQntuples(*r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Hypervisor %s could not be found.",
		    id);
		return -1;
	}
	return 0;
}

static int
hv_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;

	if (hv_one(req, &r) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisor",
	    hypervisor_json(r, 0, 1)));
	return 0;
}

static int
hv_uptime(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *h;
	char up[128];
	long s;

	if (hv_one(req, &r) < 0)
		return -1;
	s = col_l(r, 0, 13);
	snprintf(up, sizeof(up), " %02ld:%02ld:%02ld up %ld days", s / 3600 % 24,
	    s / 60 % 60, s % 60, s / 86400);
	h = hypervisor_json(r, 0, 0);
	json_object_set_new(h, "uptime", json_string(up));
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisor", h));
	return 0;
}

static int
hv_statistics(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	long count = 0, vcpus = 0, mem = 0, res = 0, disk = 0, used = 0;

	(void)req;
	if (hv_query("", NULL, &r) < 0)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		count++;
		vcpus += col_l(r, i, 5);
		mem += col_l(r, i, 6);
		disk += col_l(r, i, 7);
		used += col_l(r, i, 8);
		res += col_l(r, i, 9);
	}
	gr_resp_json(resp, 200, json_pack("{s:{s:I,s:I,s:I,s:I,s:i,s:I,s:I,"
	    "s:I,s:I,s:i,s:i,s:I}}", "hypervisor_statistics",
	    "count", (json_int_t)count, "vcpus", (json_int_t)vcpus,
	    "memory_mb", (json_int_t)mem, "local_gb", (json_int_t)disk,
	    "vcpus_used", 0, "memory_mb_used", (json_int_t)res,
	    "local_gb_used", (json_int_t)used,
	    "free_ram_mb", (json_int_t)(mem - res),
	    "free_disk_gb", (json_int_t)(disk - used),
	    "current_workload", 0, "running_vms", 0,
	    "disk_available_least", (json_int_t)(disk - used)));
	return 0;
}

static int
aggregates(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[]}", "aggregates"));
	return 0;
}

/* ---- agents ---- */

/* Overcommit settings and the agent's own URL, optional in a report. */
static int
store_ratios(const char *host, json_t *inv)
{
	static const char *const keys[] = { "cpu_allocation_ratio",
	    "ram_allocation_ratio", "disk_allocation_ratio",
	    "thin_disk_allocation_ratio" };
	char v[4][32];
	const char *url = NULL;
	long long rv = 0;

	for (int i = 0; i < 4; i++) {
		json_t *x = json_object_get(inv, keys[i]);

		if (x == NULL) {
			v[i][0] = '\0';
			continue;
		}
		if (!json_is_number(x) || json_number_value(x) <= 0 ||
		    json_number_value(x) > 1000) {
			gr_error(GR_ERR_BAD_REQUEST, "'%s' must be a number above "
			    "0.", keys[i]);
			return -1;
		}
		snprintf(v[i], sizeof(v[i]), "%g", json_number_value(x));
	}
	if (gr_json_str(inv, "agent_url", 0, 200, &url) < 0 ||
	    gr_json_int(inv, "reserved_vcpus", 0, 0, 4096, &rv) < 0)
		return -1;
	char rvs[24];
	snprintf(rvs, sizeof(rvs), "%lld", rv);
	const char *p[7] = { host, v[0][0] ? v[0] : NULL, v[1][0] ? v[1] : NULL,
	    v[2][0] ? v[2] : NULL, v[3][0] ? v[3] : NULL, url, rvs };
	return gr_db_exec("UPDATE compute_nodes SET cpu_allocation_ratio = "
	    "coalesce($2::float8, cpu_allocation_ratio), ram_allocation_ratio = "
	    "coalesce($3::float8, ram_allocation_ratio), disk_allocation_ratio = "
	    "coalesce($4::float8, disk_allocation_ratio), "
	    "thin_disk_allocation_ratio = coalesce($5::float8, "
	    "thin_disk_allocation_ratio), agent_url = coalesce($6, agent_url), "
	    "reserved_vcpus = $7::integer WHERE host = $1", 7, p);
}

/* Inventory a compute agent reports with its heartbeat. */
static int
store_inventory(const char *host, const char *ip, json_t *inv)
{
	long long pcpus, mem, disk, used, reserved, hvver;
	const char *hvtype, *virt;
	json_t *cpu = NULL;
	GR_AUTOFREE char *cpustr = NULL;
	char s[6][24];

	if (gr_json_int(inv, "pcpus", 1, 1, 4096, &pcpus) < 0 ||
	    gr_json_int(inv, "memory_mb", 1, 1, 1LL << 40, &mem) < 0 ||
	    gr_json_int(inv, "disk_gb", 1, 0, 1LL << 40, &disk) < 0 ||
	    gr_json_int(inv, "disk_used_gb", 1, 0, 1LL << 40, &used) < 0 ||
	    gr_json_int(inv, "reserved_host_memory_mb", 1, 0, 1LL << 40,
	    &reserved) < 0 ||
	    gr_json_int(inv, "hypervisor_version", 1, 0, 1LL << 40, &hvver) < 0 ||
	    gr_json_name(inv, "hypervisor_type", 1, 32, &hvtype) < 0 ||
	    gr_json_name(inv, "virt_type", 1, 16, &virt) < 0 ||
	    gr_json_object(inv, "cpu_info", 1, &cpu) < 0)
		return -1;
	snprintf(s[0], 24, "%lld", pcpus);
	snprintf(s[1], 24, "%lld", mem);
	snprintf(s[2], 24, "%lld", disk);
	snprintf(s[3], 24, "%lld", used);
	snprintf(s[4], 24, "%lld", reserved);
	snprintf(s[5], 24, "%lld", hvver);
	cpustr = json_dumps(cpu, JSON_COMPACT | JSON_SORT_KEYS);
	const char *p[11] = { host, ip, hvtype, s[5], virt, s[0], s[1], s[2],
	    s[3], s[4], cpustr };
	return gr_db_exec("INSERT INTO compute_nodes (host, host_ip, "
	    "hypervisor_type, hypervisor_version, virt_type, pcpus, memory_mb, "
	    "disk_gb, disk_used_gb, reserved_host_memory_mb, cpu_info, "
	    "booted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	    "now()) ON CONFLICT (host) DO UPDATE SET host_ip = $2, "
	    "hypervisor_type = $3, hypervisor_version = $4, virt_type = $5, "
	    "pcpus = $6, memory_mb = $7, disk_gb = $8, disk_used_gb = $9, "
	    "reserved_host_memory_mb = $10, cpu_info = $11, updated_at = now()",
	    11, p) < 0 ? -1 : store_ratios(host, inv);
}

static int
agent_heartbeat(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "host", "kind", "host_ip",
	    "version", "inventory", "started", NULL };
	json_t *body, *inv = NULL;
	const char *host, *kind, *ip, *ver = "";
	int started = 0, schema;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "heartbeat", known) < 0 ||
	    gr_json_name(body, "host", 1, 64, &host) < 0 ||
	    gr_json_name(body, "kind", 1, 16, &kind) < 0 ||
	    gr_json_name(body, "host_ip", 1, 64, &ip) < 0 ||
	    gr_json_str(body, "version", 0, 64, &ver) < 0 ||
	    gr_json_bool(body, "started", 0, &started) < 0 ||
	    gr_json_object(body, "inventory", 0, &inv) < 0)
		return -1;
	if (ctl_node_speaks(req, host) < 0)
		return -1;
	if (strcmp(kind, "compute") != 0 && strcmp(kind, "network") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The agent kind must be 'compute' or "
		    "'network', not '%s'.", kind);
		return -1;
	}
	if (gr_db_schema_version(&schema) < 0 || gr_db_begin() < 0)
		return -1;
	const char *p[5] = { host, kind, ip, ver ? ver : "", started ? "t" :
	    "f" };
	if (gr_db_exec("INSERT INTO agents (host, kind, host_ip, version) VALUES "
	    "($1, $2, $3, $4) ON CONFLICT (host, kind) DO UPDATE SET host_ip = "
	    "$3, version = $4, last_seen = now(), started_at = CASE WHEN "
	    "$5::boolean THEN now() ELSE agents.started_at END", 5, p) < 0 ||
	    (inv && store_inventory(host, ip, inv) < 0) || gr_db_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:i,s:i}", "schema_version", schema,
	    "heartbeat_interval", (int)ctl.heartbeat_interval));
	return 0;
}

const struct gr_route compute_routes[] = {
	{ "GET",  "/",					get_versions,	GR_POLICY_PUBLIC },
	{ "GET",  "/v2.1",				get_version,	GR_POLICY_PUBLIC },
	{ "GET",  "/v2.1/os-hypervisors",		hv_list,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/detail",	hv_detail,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/statistics",	hv_statistics,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}",		hv_show,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}/uptime",	hv_uptime,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-aggregates",		aggregates,	GR_POLICY_ADMIN },
	{ "POST", "/internal/v1/agents/heartbeat",	agent_heartbeat, GR_POLICY_AGENT },
	/* flavors.c, keypairs.c, quotas.c */
	{ "GET",    "/v2.1/flavors",				flavor_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/flavors/detail",			flavor_detail,	GR_POLICY_USER },
	{ "POST",   "/v2.1/flavors",				flavor_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}",			flavor_show,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/flavors/{id}",			flavor_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-extra_specs",	flavor_specs_get, GR_POLICY_USER },
	{ "POST",   "/v2.1/flavors/{id}/os-extra_specs",	flavor_specs_set, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_get, GR_POLICY_USER },
	{ "PUT",    "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_put, GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_delete, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-flavor-access",	flavor_access_list, GR_POLICY_ADMIN },
	{ "POST",   "/v2.1/flavors/{id}/action",		flavor_action,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/os-keypairs",			keypair_list,	GR_POLICY_USER },
	{ "POST",   "/v2.1/os-keypairs",			keypair_create,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-keypairs/{name}",			keypair_show,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/os-keypairs/{name}",			keypair_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}",			quota_show,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}/defaults",	quota_defaults,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}/detail",		quota_detail,	GR_POLICY_USER },
	{ "PUT",    "/v2.1/os-quota-sets/{id}",			quota_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/os-quota-sets/{id}",			quota_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/limits",				limits_show,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-availability-zone",		az_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-availability-zone/detail",	az_detail,	GR_POLICY_ADMIN },
	/* server_groups.c */
	{ "GET",    "/v2.1/os-server-groups",		server_group_list, GR_POLICY_USER },
	{ "POST",   "/v2.1/os-server-groups",		server_group_create, GR_POLICY_USER },
	{ "GET",    "/v2.1/os-server-groups/{id}",	server_group_show, GR_POLICY_USER },
	{ "DELETE", "/v2.1/os-server-groups/{id}",	server_group_delete, GR_POLICY_USER },
	/* servers.c */
	{ "GET",    "/v2.1/servers",			server_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/detail",		server_detail,	GR_POLICY_USER },
	{ "POST",   "/v2.1/servers",			server_create,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}",		server_show,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/servers/{id}",		server_delete,	GR_POLICY_USER },
	{ "POST",   "/v2.1/servers/{id}/action",	server_action,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-instance-actions", action_list, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-instance-actions/{rid}", action_show, GR_POLICY_USER },
	{ "POST",   "/internal/v1/instances/{id}/state", instance_state, GR_POLICY_AGENT },
	{ "GET",    "/internal/v1/hosts/{host}/instances", host_instances, GR_POLICY_AGENT },
};
const size_t compute_nroutes = sizeof(compute_routes) /
    sizeof(compute_routes[0]);
