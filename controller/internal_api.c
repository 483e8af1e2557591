/*
 * internal_api.c - the controller's side door for the node agents, on its
 * own listener (`internal_listen`, the management address), apart from
 * the tenant ports: heartbeats with inventory, instance state reports and
 * the host listing a node's reconcile reads. Every route takes only a
 * node's signed request, and a node speaks only for itself: its
 * heartbeat names its own host, it reports only instances placed on it,
 * and lists only its own. The network routes (a node's document and its
 * port observations) are net_state.c's. Each body is parsed into a struct first; a bad
 * field is a 400 that names it. docs/internal-api.md lists the routes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "auth.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "internal_api.h"
#include "net_state.h"
#include "servers.h"

/* ---- heartbeats ---- */

/* POST /internal/v1/agents/heartbeat */
struct heartbeat {
	const char	*host;		/* the node, as it signed */
	const char	*kind;		/* "compute" or "network" */
	const char	*host_ip;	/* its underlay address */
	const char	*version;	/* "gureum-0.1" */
	int		 started;	/* first beat since the agent started */
	json_t		*inventory;	/* compute agents: what the node has */
};

static int
heartbeat_parse(struct gr_req *req, struct heartbeat *h)
{
	static const char *const known[] = { "host", "kind", "host_ip",
	    "version", "inventory", "started", NULL };
	json_t *body;

	*h = (struct heartbeat){ .version = "" };
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "heartbeat", known) < 0 ||
	    gr_json_name(body, "host", 1, 64, &h->host) < 0 ||
	    gr_json_name(body, "kind", 1, 16, &h->kind) < 0 ||
	    gr_json_name(body, "host_ip", 1, 64, &h->host_ip) < 0 ||
	    gr_json_str(body, "version", 0, 64, &h->version) < 0 ||
	    gr_json_bool(body, "started", 0, &h->started) < 0 ||
	    gr_json_object(body, "inventory", 0, &h->inventory) < 0)
		return -1;
	if (strcmp(h->kind, "compute") != 0 && strcmp(h->kind, "network") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The agent kind must be 'compute' or "
		    "'network', not '%s'.", h->kind);
		return -1;
	}
	if (h->version == NULL)
		h->version = "";
	return 0;
}

/* A network agent's inventory: only where the controller calls it. */
static int
store_net_inventory(const char *host, json_t *inv)
{
	static const char *const known[] = { "agent_url", NULL };
	const char *url = NULL;

	if (gr_json_only(inv, "network agent inventory", known) < 0 ||
	    gr_json_str(inv, "agent_url", 0, 200, &url) < 0)
		return -1;
	if (url == NULL)
		return 0;
	if (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) !=
	    0) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'agent_url' must be an "
		    "http:// or https:// URL.");
		return -1;
	}
	const char *p[2] = { host, url };
	return gr_db_exec("UPDATE agents SET agent_url = $2 WHERE host = $1 AND "
	    "kind = 'network'", 2, p);
}

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

/* What the node's thin disks really use, optional in a report (an agent
 * from before it was reported leaves the last figures). */
static int
store_thin(const char *host, json_t *inv)
{
	json_t *t = NULL;
	long long n, vb, rb;
	char s[3][24];

	if (gr_json_object(inv, "thin_disks", 0, &t) < 0)
		return -1;
	if (t == NULL)
		return 0;
	if (gr_json_int(t, "count", 1, 0, 1 << 30, &n) < 0 ||
	    gr_json_int(t, "virtual_bytes", 1, 0, 1LL << 60, &vb) < 0 ||
	    gr_json_int(t, "real_bytes", 1, 0, 1LL << 60, &rb) < 0)
		return -1;
	snprintf(s[0], 24, "%lld", n);
	snprintf(s[1], 24, "%lld", vb);
	snprintf(s[2], 24, "%lld", rb);
	const char *p[4] = { host, s[0], s[1], s[2] };
	return gr_db_exec("UPDATE compute_nodes SET thin_disks = $2, "
	    "thin_virtual_bytes = $3, thin_real_bytes = $4 WHERE host = $1",
	    4, p);
}

/* 1 if an admin deleted host's compute service and its agent has not
 * restarted since (the heartbeat clears node_deleted then): its node
 * stays away until it does. */
static int
node_deleted(const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { host };

	r = gr_db_query("SELECT 1 FROM agents WHERE host = $1 AND kind = "
	    "'compute' AND node_deleted", 1, p);
	return r != NULL && PQntuples(r) > 0;
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
	if (node_deleted(host))
		return 0;
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
	    11, p) < 0 || store_ratios(host, inv) < 0 ? -1 :
	    store_thin(host, inv);
}

static int
agent_heartbeat(struct gr_req *req, struct gr_resp *resp)
{
	struct heartbeat h;
	int schema;

	if (heartbeat_parse(req, &h) < 0 || auth_node_speaks(req, h.host) < 0)
		return -1;
	if (gr_db_schema_version(&schema) < 0 || gr_db_begin() < 0)
		return -1;
	const char *p[5] = { h.host, h.kind, h.host_ip, h.version, h.started ?
	    "t" : "f" };
	if (gr_db_exec("INSERT INTO agents (host, kind, host_ip, version) VALUES "
	    "($1, $2, $3, $4) ON CONFLICT (host, kind) DO UPDATE SET host_ip = "
	    "$3, version = $4, last_seen = now(), started_at = CASE WHEN "
	    "$5::boolean THEN now() ELSE agents.started_at END, node_deleted = "
	    "agents.node_deleted AND NOT $5::boolean", 5, p) < 0 ||
	    (h.inventory && (strcmp(h.kind, "network") == 0 ?
	    store_net_inventory(h.host, h.inventory) :
	    store_inventory(h.host, h.host_ip, h.inventory)) < 0) ||
	    gr_db_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	/* The agents beat at the controller's interval: liveness is judged
	 * by it (hv_alive_secs). */
	gr_resp_json(resp, 200, json_pack("{s:i,s:i}", "schema_version", schema,
	    "heartbeat_interval", (int)ctl.heartbeat_interval));
	return 0;
}

/* ---- instance reports ---- */

/* GET /internal/v1/hosts/{host}/instances: the instances the controller
 * places on host and their states, for its agent's reconcile. */
static int
host_instances(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };
	json_t *list;

	if (auth_node_speaks(req, req->params[0]) < 0)
		return -1;
	r = gr_db_query("SELECT id, vm_state, task_state FROM instances WHERE "
	    "host = $1 AND NOT deleted", 1, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "id",
		    PQgetvalue(r, i, 0), "vm_state", PQgetvalue(r, i, 1),
		    "task_state", gr_db_json_text(r, i, 2)));
	gr_resp_json(resp, 200, json_pack("{s:o}", "instances", list));
	return 0;
}

/* 0 if instance id is (or was last) on host, else -1 with a 403; an
 * instance the controller does not know is a 404. */
static int
instance_on(const char *id, const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	r = gr_db_query("SELECT coalesce(host, '') FROM instances WHERE id = "
	    "$1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.", id);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 0), host) != 0) {
		gr_error(GR_ERR_FORBIDDEN, "Node %s may not report for instance "
		    "%s: the instance is not on that node.", host, id);
		return -1;
	}
	return 0;
}

/* POST /internal/v1/instances/{id}/state */
struct state_report {
	const char	*vm_state;	/* active, stopped, paused... */
	const char	*event;		/* what happened: spawned, stopped... */
	const char	*host;		/* the reporting node */
	long long	 power_state;	/* Nova's numbers, 0..7 */
	int		 failed;	/* a fault came with the report... */
	const char	*fault;		/* ...and its message, or NULL */
};

static int
one_of(const char *field, const char *v, const char *const *allowed)
{
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*a, v) == 0)
			return 0;
	gr_error(GR_ERR_BAD_REQUEST, "'%s' is not a known %s.", v, field);
	return -1;
}

static int
report_parse(struct gr_req *req, struct state_report *s)
{
	static const char *const known[] = { "vm_state", "power_state", "event",
	    "fault", "host", NULL };
	static const char *const states[] = { "active", "stopped", "paused",
	    "suspended", "error", "deleted", NULL };
	static const char *const events[] = { "spawned", "resync",
	    "power_sync", "stopped", "start", "reboot", "deleted", "error",
	    "snapshot", "snapshot_failed", "pause", "unpause", "suspend",
	    "resume", "rebuild", "crash_dump", "failed", NULL };
	static const char *const fault_keys[] = { "message", NULL };
	json_t *body, *fault = NULL;

	*s = (struct state_report){ 0 };
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "state report", known) < 0 ||
	    gr_json_name(body, "vm_state", 1, 16, &s->vm_state) < 0 ||
	    one_of("vm_state", s->vm_state, states) < 0 ||
	    gr_json_name(body, "event", 1, 16, &s->event) < 0 ||
	    one_of("event", s->event, events) < 0 ||
	    gr_json_name(body, "host", 1, 64, &s->host) < 0 ||
	    gr_json_int(body, "power_state", 1, 0, 7, &s->power_state) < 0 ||
	    gr_json_object(body, "fault", 0, &fault) < 0)
		return -1;
	s->failed = fault != NULL;
	if (fault && (gr_json_only(fault, "fault", fault_keys) < 0 ||
	    gr_json_str(fault, "message", 0, 4096, &s->fault) < 0))
		return -1;
	return 0;
}

static int
instance_state(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	struct state_report s;
	char pw[8];
	int failed;

	if (report_parse(req, &s) < 0 || auth_node_speaks(req, s.host) < 0 ||
	    instance_on(id, s.host) < 0)
		return -1;
	if (strcmp(s.vm_state, "deleted") == 0) {
		if (server_mark_deleted(id) < 0)
			return -1;
		action_finish(id, NULL);
		gr_resp_empty(resp, 204);
		return 0;
	}
	if (strcmp(s.vm_state, "error") == 0 && s.failed) {
		server_set_error(id, 500, s.fault ? s.fault : "The instance "
		    "failed on its node.");
		gr_resp_empty(resp, 204);
		return 0;
	}
	/* An operation that failed on the node without harm (snapshot,
	 * pause...): the instance is as libvirt has it, the action failed. */
	failed = strcmp(s.event, "snapshot_failed") == 0 ||
	    strcmp(s.event, "failed") == 0;
	if (failed)
		gr_warn("instance %s: an operation failed on %s: %s", id,
		    s.host, s.fault ? s.fault : "no reason given");
	snprintf(pw, sizeof(pw), "%lld", s.power_state);
	const char *p[5] = { id, s.vm_state, pw, s.event, s.host };
	/* Only the node that holds the instance may move it; a power-state
	 * sync never overrides a task under way (its own report will come). */
	/* A soft delete's power-off, and any later report of its domain
	 * off, leave it SOFT_DELETED. */
	if (gr_db_exec("UPDATE instances SET vm_state = CASE WHEN $2 = "
	    "'stopped' AND (task_state = 'soft-deleting' OR vm_state = "
	    "'soft-delete') THEN 'soft-delete' ELSE $2 END, power_state = $3, "
	    "task_state = NULL, fault = NULL, launched_at = CASE WHEN $4 = "
	    "'spawned' THEN now() ELSE launched_at END, updated_at = now() "
	    "WHERE id = $1 AND host = $5 AND NOT deleted AND ($4 <> "
	    "'power_sync' OR task_state IS NULL)", 5, p) < 0)
		return -1;
	action_finish(id, failed ? (s.fault ? s.fault : "The operation "
	    "failed on the node.") : NULL);
	gr_resp_empty(resp, 204);
	return 0;
}

const struct gr_route internal_routes[] = {
	{ "POST", "/internal/v1/agents/heartbeat",	agent_heartbeat, GR_POLICY_AGENT },
	{ "POST", "/internal/v1/instances/{id}/state",	instance_state,	GR_POLICY_AGENT },
	{ "GET",  "/internal/v1/hosts/{host}/instances", host_instances, GR_POLICY_AGENT },
	{ "GET",  "/internal/v1/hosts/{host}/network",	net_state_document, GR_POLICY_AGENT },
	{ "POST", "/internal/v1/hosts/{host}/ports",	net_state_observe, GR_POLICY_AGENT },
};
const size_t internal_nroutes = sizeof(internal_routes) /
    sizeof(internal_routes[0]);
