/*
 * hypervisors.c - os-hypervisors (list, detail, show, uptime, statistics,
 * search and servers by a hostname pattern) from what the compute agents
 * report with their heartbeats, and the (empty) os-aggregates. Used
 * figures are the claims (allocations) plus the host's reserved memory;
 * a node is up while its agent heartbeats.
 * Detail and show add the Gureum extension "gureum:capacity": per
 * resource the physical size, the overcommit ratio, the limit the
 * scheduler applies and what is claimed, and for disk what the thin
 * disks really use beside their virtual size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_api.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "microversion.h"
#include "sched.h"

#define HV_COLS \
	"n.id, n.host, n.host_ip, n.hypervisor_type, n.hypervisor_version, " \
	"n.pcpus, n.memory_mb, n.disk_gb, n.disk_used_gb, " \
	"n.reserved_host_memory_mb, n.cpu_info, n.enabled, " \
	HV_UP_SQL("n", "a", "$1") ", " \
	"coalesce(extract(epoch FROM now() - n.booted_at)::bigint, 0), " \
	"coalesce(u.vcpus, 0), coalesce(u.mem, 0), coalesce(u.disk, 0), " \
	"coalesce(u.n, 0), " \
	"n.cpu_allocation_ratio, n.ram_allocation_ratio, " \
	"n.disk_allocation_ratio, n.thin_disk_allocation_ratio, " \
	"n.reserved_vcpus, coalesce(u.thick, 0), coalesce(u.thin, 0), " \
	"n.thin_disks, n.thin_virtual_bytes, n.thin_real_bytes, " \
	"n.disabled_reason, n.uuid, n.service_uuid"

#define HV_FROM \
	" FROM compute_nodes n LEFT JOIN agents a ON a.host = n.host AND " \
	"a.kind = 'compute' LEFT JOIN (SELECT host, sum(vcpus) AS vcpus, " \
	"sum(memory_mb) AS mem, sum(disk_gb) AS disk, count(*) AS n, " \
	"sum(disk_gb) FILTER (WHERE NOT thin) AS thick, " \
	"sum(disk_gb) FILTER (WHERE thin) AS thin FROM " \
	"allocations GROUP BY host) u ON u.host = n.host"

static long
col_l(PGresult *r, int i, int c)
{
	return atol(PQgetvalue(r, i, c));
}

static double
col_f(PGresult *r, int i, int c)
{
	return atof(PQgetvalue(r, i, c));
}

/* The "gureum:capacity" object of row i: the overcommit rules made
 * visible (DESIGN.md section 1), with the scheduler's own limits. */
static json_t *
capacity_json(PGresult *r, int i)
{
	int pcpus = (int)col_l(r, i, 5), rv = (int)col_l(r, i, 22);
	long mem = col_l(r, i, 6), res = col_l(r, i, 9), disk = col_l(r, i, 7);
	double cr = col_f(r, i, 18), mr = col_f(r, i, 19);
	double dr = col_f(r, i, 20), tr = col_f(r, i, 21);

	return json_pack("{s:{s:i,s:i,s:f,s:I,s:I,s:i},"
	    "s:{s:I,s:I,s:f,s:I,s:I},"
	    "s:{s:I,s:I,s:{s:f,s:I,s:I},s:{s:f,s:I,s:I,s:I,s:I,s:I}}}",
	    "vcpus", "physical", pcpus, "reserved", rv, "allocation_ratio", cr,
	    "limit", (json_int_t)sched_vcpu_limit(pcpus, cr, rv),
	    "used", (json_int_t)col_l(r, i, 14), "max_unit", pcpus,
	    "memory_mb", "physical", (json_int_t)mem,
	    "reserved", (json_int_t)res,
	    "allocation_ratio", mr,
	    "limit", (json_int_t)sched_mem_limit(mem, res, mr),
	    "used", (json_int_t)col_l(r, i, 15),
	    "disk_gb", "physical", (json_int_t)disk,
	    "real_used", (json_int_t)col_l(r, i, 8),
	    "thick", "allocation_ratio", dr,
	    "limit", (json_int_t)sched_disk_limit(disk, dr),
	    "used", (json_int_t)col_l(r, i, 23),
	    "thin", "allocation_ratio", tr,
	    "limit", (json_int_t)sched_disk_limit(disk, tr),
	    "used", (json_int_t)col_l(r, i, 24),
	    "disks", (json_int_t)col_l(r, i, 25),
	    "virtual_bytes", (json_int_t)atoll(PQgetvalue(r, i, 26)),
	    "real_bytes", (json_int_t)atoll(PQgetvalue(r, i, 27)));
}

/* Row i's id (column c: the node's or its service's): the integer
 * below microversion 2.53, from it the uuid (column u). */
static json_t *
id_json(PGresult *r, int i, int minor, int c, int u)
{
	return minor >= 53 ? json_string(PQgetvalue(r, i, u)) :
	    json_integer(col_l(r, i, c));
}

static json_t *
hypervisor_json(PGresult *r, int i, int detail, int minor)
{
	long mem = col_l(r, i, 6), res = col_l(r, i, 9);
	long disk = col_l(r, i, 7), used = col_l(r, i, 8);
	json_t *h, *cpu;

	h = json_pack("{s:o,s:s,s:s,s:s}", "id", id_json(r, i, minor, 0, 29),
	    "hypervisor_hostname", PQgetvalue(r, i, 1),
	    "state", PQgetvalue(r, i, 12)[0] == 't' ? "up" : "down",
	    "status", PQgetvalue(r, i, 11)[0] == 't' ? "enabled" : "disabled");
	if (!detail)
		return h;
	/* Used = what instances claim (allocations), plus, for memory, what
	 * is reserved for the host, as Nova reports it: for disk the
	 * instances' disks (virtual size, thin ones too); what the file
	 * system really has left is disk_available_least. */
	long vused = col_l(r, i, 14), mused = col_l(r, i, 15) + res;
	long dused = col_l(r, i, 16);
	json_object_update_new(h, json_pack("{s:s,s:I,s:s,s:i,s:I,s:I,s:i,s:I,"
	    "s:I,s:I,s:I,s:i,s:i,s:I,s:{s:o,s:s,s:o}}",
	    "hypervisor_type", PQgetvalue(r, i, 3),
	    "hypervisor_version", (json_int_t)col_l(r, i, 4),
	    "host_ip", PQgetvalue(r, i, 2),
	    "vcpus", (int)col_l(r, i, 5),
	    "memory_mb", (json_int_t)mem,
	    "local_gb", (json_int_t)disk,
	    "vcpus_used", (int)vused,
	    "memory_mb_used", (json_int_t)mused,
	    "local_gb_used", (json_int_t)dused,
	    "free_ram_mb", (json_int_t)(mem - mused),
	    "free_disk_gb", (json_int_t)(disk - dused),
	    "current_workload", 0,
	    "running_vms", (int)col_l(r, i, 17),
	    "disk_available_least", (json_int_t)(disk - used),
	    "service", "id", id_json(r, i, minor, 0, 30),
	    "host", PQgetvalue(r, i, 1),
	    "disabled_reason", gr_db_json_text(r, i, 28)));
	/* Below microversion 2.28 cpu_info is a JSON-encoded string, from
	 * it the object. */
	if (minor < 28 || (cpu = json_loads(PQgetvalue(r, i, 10), 0,
	    NULL)) == NULL)
		cpu = minor < 28 ? json_string(PQgetvalue(r, i, 10)) :
		    json_object();
	json_object_set_new(h, "cpu_info", cpu);
	json_object_set_new(h, "gureum:capacity", capacity_json(r, i));
	return h;
}

void
hv_alive_secs(char out[24])
{
	snprintf(out, 24, "%.1f", ctl.heartbeat_interval * 2.5);
}

static int
hv_query(const char *where, const char *arg, PGresult **out)
{
	char ivl[24];
	const char *p[2] = { ivl, arg };
	char sql[2048];

	hv_alive_secs(ivl);
	snprintf(sql, sizeof(sql), "SELECT " HV_COLS HV_FROM " %s ORDER BY n.id",
	    where);
	*out = gr_db_query(sql, arg ? 2 : 1, p);
	return *out ? 0 : -1;
}

#define HV_MAX_LIMIT	1000	/* Nova's [api] max_limit */

static int hv_matching(const char *pattern, PGresult **r);

/* {pattern}/search and /servers are gone from 2.53 (the pattern is a
 * query parameter of the lists then): a 404. */
static int
hv_routes_gone(struct gr_req *req)
{
	if (compute_microversion(req) < 53)
		return 0;
	gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
	return -1;
}

/* What a list asks for: 2.33's page, 2.53's pattern and with_servers. */
struct hv_ask {
	char		 limit[24];	/* the page's size */
	const char	*marker;	/* the id (uuid from 2.53) or NULL */
	const char	*pattern;	/* hypervisor_hostname_pattern or NULL */
	int		 with_servers;
};

/* Nova's 2.53 query schemas: only the known parameters, each once;
 * with_servers one of its boolean words, into *with. */
static int
hv_query_only(struct gr_req *req, const char *const *known, int *with)
{
	static const char *const yes[] = { "True", "TRUE", "true", "1", "ON",
	    "On", "on", "YES", "Yes", "yes", NULL };
	static const char *const no[] = { "False", "FALSE", "false", "0",
	    "OFF", "Off", "off", "NO", "No", "no", NULL };
	const char *ws;
	int k;

	if (compute_query_only(req, "os-hypervisors takes", known, 0) < 0)
		return -1;
	if ((ws = gr_req_query(req, "with_servers")) != NULL) {
		for (k = 0; yes[k] && strcmp(yes[k], ws) != 0 &&
		    strcmp(no[k], ws) != 0; k++)
			;
		if (yes[k] == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for query "
			    "parameters with_servers: '%.64s' is not true or "
			    "false.", ws);
			return -1;
		}
		*with = strcmp(yes[k], ws) == 0;
	}
	return 0;
}

/* The lists' 2.53 query: no paging with a pattern. */
static int
hv_query_v253(struct gr_req *req, struct hv_ask *ask)
{
	static const char *const known[] = { "limit", "marker",
	    "hypervisor_hostname_pattern", "with_servers", NULL };

	if (hv_query_only(req, known, &ask->with_servers) < 0)
		return -1;
	ask->pattern = gr_req_query(req, "hypervisor_hostname_pattern");
	if (ask->pattern && (gr_req_has_query(req, "limit") ||
	    gr_req_has_query(req, "marker"))) {
		gr_error(GR_ERR_BAD_REQUEST, "Paging over hypervisors with the "
		    "hypervisor_hostname_pattern query parameter is not "
		    "supported.");
		return -1;
	}
	return 0;
}

/* limit and marker (2.33): a marker must be a node's id. */
static int
hv_page(struct gr_req *req, int minor, struct hv_ask *ask)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *l;

	if (gr_req_query_int(req, "limit", 0, ask->limit, &l) < 0)
		return -1;
	if (l == NULL || atol(ask->limit) > HV_MAX_LIMIT)
		snprintf(ask->limit, sizeof(ask->limit), "%d", HV_MAX_LIMIT);
	if ((ask->marker = gr_req_query(req, "marker")) == NULL)
		return 0;
	const char *p[1] = { ask->marker };
	int formed = minor >= 53 ? gr_is_uuid(ask->marker) :
	    ask->marker[0] != '\0' && strspn(ask->marker, "0123456789") ==
	    strlen(ask->marker) && strlen(ask->marker) <= 9;

	if (formed && (r = gr_db_query(minor >= 53 ? "SELECT 1 FROM "
	    "compute_nodes WHERE uuid = $1::uuid" : "SELECT 1 FROM "
	    "compute_nodes WHERE id = $1::integer", 1, p)) == NULL)
		return -1;
	if (!formed || PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "marker [%.64s] not found",
		    ask->marker);
		return -1;
	}
	return 0;
}

/* Adds row i's instances to h as Nova lists them (with_servers, 2.53,
 * and {pattern}/servers): their instance names and uuids, the member
 * left out when there are none (below 2.75). */
static int
add_servers(json_t *h, PGresult *r, int i)
{
	GR_AUTO_PGRES PGresult *s = NULL;
	const char *p[1] = { PQgetvalue(r, i, 1) };
	json_t *list;

	s = gr_db_query("SELECT 'instance-' || id, id FROM instances WHERE "
	    "host = $1 AND NOT deleted ORDER BY created_at, id", 1, p);
	if (s == NULL)
		return -1;
	if (PQntuples(s) == 0)
		return 0;
	list = json_array();
	for (int j = 0; j < PQntuples(s); j++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "name",
		    PQgetvalue(s, j, 0), "uuid", PQgetvalue(s, j, 1)));
	json_object_set_new(h, "servers", list);
	return 0;
}

static int
hv_list_common(struct gr_req *req, struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	int minor = compute_microversion(req);
	struct hv_ask ask = { .marker = NULL };
	char ivl[24];
	json_t *list, *h, *out;

	if ((minor >= 53 && hv_query_v253(req, &ask) < 0) ||
	    (minor >= 33 && ask.pattern == NULL && hv_page(req, minor,
	    &ask) < 0))
		return -1;
	if (ask.pattern && hv_matching(ask.pattern, &r) < 0)
		return -1;
	if (ask.pattern == NULL) {
		hv_alive_secs(ivl);
		const char *p[3] = { ivl, ask.limit[0] ? ask.limit : NULL,
		    ask.marker };
		r = gr_db_query("SELECT " HV_COLS HV_FROM " WHERE $3::text IS "
		    "NULL OR n.id > (SELECT id FROM compute_nodes WHERE id::text "
		    "= $3 OR uuid::text = lower($3)) ORDER BY n.id LIMIT "
		    "$2::bigint", 3, p);
		if (r == NULL)
			return -1;
	}
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		h = hypervisor_json(r, i, detail, minor);
		if (ask.with_servers && add_servers(h, r, i) < 0) {
			json_decref(h);
			json_decref(list);
			return -1;
		}
		json_array_append_new(list, h);
	}
	out = json_pack("{s:o}", "hypervisors", list);
	/* Nova 2.33: a full page links to the next (never with a pattern). */
	if (ask.limit[0] && atol(ask.limit) > 0 && PQntuples(r) ==
	    atol(ask.limit))
		json_object_set_new(out, "hypervisors_links", compute_next_link(
		    req, detail ? "os-hypervisors/detail" : "os-hypervisors",
		    minor >= 53 ? PQgetvalue(r, PQntuples(r) - 1, 29) :
		    PQgetvalue(r, PQntuples(r) - 1, 0)));
	gr_resp_json(resp, 200, out);
	return 0;
}

int
hv_list(struct gr_req *req, struct gr_resp *resp)
{
	return hv_list_common(req, resp, 0);
}

int
hv_detail(struct gr_req *req, struct gr_resp *resp)
{
	return hv_list_common(req, resp, 1);
}

/* Loads one hypervisor by its numeric id (404 for anything else), from
 * microversion 2.53 by its uuid (400 for anything else, as Nova). */
static int
hv_one(struct gr_req *req, PGresult **r)
{
	const char *id = req->params[0];

	if (compute_microversion(req) >= 53) {
		if (!gr_is_uuid(id)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid uuid %.64s", id);
			return -1;
		}
		if (hv_query("WHERE n.uuid = $2::uuid", id, r) < 0)
			return -1;
	} else if (strspn(id, "0123456789") != strlen(id) || strlen(id) > 9) {
		gr_error(GR_ERR_NOT_FOUND, "Hypervisor %s could not be found.",
		    id);
		return -1;
	} else if (hv_query("WHERE n.id = $2::integer", id, r) < 0) {
		return -1;
	}
	if (PQntuples(*r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Hypervisor %s could not be found.",
		    id);
		return -1;
	}
	return 0;
}

/* From 2.53 show takes with_servers (and nothing else). */
int
hv_show(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "with_servers", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	int minor = compute_microversion(req), with = 0;
	json_t *h;

	if ((minor >= 53 && hv_query_only(req, known, &with) < 0) ||
	    hv_one(req, &r) < 0)
		return -1;
	h = hypervisor_json(r, 0, 1, minor);
	if (with && add_servers(h, r, 0) < 0) {
		json_decref(h);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisor", h));
	return 0;
}

int
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
	h = hypervisor_json(r, 0, 0, compute_microversion(req));
	json_object_set_new(h, "uptime", json_string(up));
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisor", h));
	return 0;
}

/*
 * The sums over the enabled nodes (as Nova: a disabled service's node is
 * not counted) of what detail shows for each, so the two always agree.
 */
int
hv_statistics(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const sums[] = { "vcpus", "memory_mb", "local_gb",
	    "vcpus_used", "memory_mb_used", "local_gb_used", "free_ram_mb",
	    "free_disk_gb", "current_workload", "running_vms",
	    "disk_available_least", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *stats;

	(void)req;
	if (hv_query("WHERE n.enabled", NULL, &r) < 0)
		return -1;
	stats = json_pack("{s:i}", "count", PQntuples(r));
	for (int k = 0; sums[k]; k++)
		json_object_set_new(stats, sums[k], json_integer(0));
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *h = hypervisor_json(r, i, 1, 1);

		for (int k = 0; sums[k]; k++)
			json_object_set_new(stats, sums[k], json_integer(
			    json_integer_value(json_object_get(stats, sums[k])) +
			    json_integer_value(json_object_get(h, sums[k]))));
		json_decref(h);
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisor_statistics",
	    stats));
	return 0;
}

/* The nodes whose name matches pattern as Nova matches it (LIKE
 * %pattern%: % and _ are wildcards; no escape character), or a
 * 404 when none does. */
static int
hv_matching(const char *pattern, PGresult **r)
{
	if (hv_query("WHERE n.host LIKE '%' || $2 || '%' ESCAPE ''", pattern,
	    r) < 0)
		return -1;
	if (PQntuples(*r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "No hypervisor matching '%.64s' could "
		    "be found.", pattern);
		return -1;
	}
	return 0;
}

int
hv_search(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *list;

	if (hv_routes_gone(req) < 0 || hv_matching(req->params[0], &r) < 0)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, hypervisor_json(r, i, 0, 1));
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisors", list));
	return 0;
}

/* Row i's hypervisor with its instances as Nova 2.1 lists them. */
static json_t *
with_servers(PGresult *r, int i)
{
	json_t *h = hypervisor_json(r, i, 0, 1);

	if (add_servers(h, r, i) < 0) {
		json_decref(h);
		return NULL;
	}
	return h;
}

int
hv_servers(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *list, *h;

	if (hv_routes_gone(req) < 0 || hv_matching(req->params[0], &r) < 0)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		if ((h = with_servers(r, i)) == NULL) {
			json_decref(list);
			return -1;
		}
		json_array_append_new(list, h);
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "hypervisors", list));
	return 0;
}

int
hv_aggregates(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[]}", "aggregates"));
	return 0;
}
