/*
 * routers.c - Network v2.0 routers. A router's interfaces are ports on
 * tenant subnets holding each subnet's gateway address
 * (network:router_interface); its gateway is a port on an external
 * network (network:router_gateway, no project, so it counts against no
 * one's quota and shows in no tenant's port list). It runs on one node,
 * `host`, chosen when it first needs one: the live network agent with
 * the fewest routers. Its ports are bound there, so that node's document
 * carries the networks the router joins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "network_api.h"
#include "networks.h"
#include "ports.h"
#include "routers.h"

#define ROUTER_JSON \
	"json_build_object('id', r.id, 'name', r.name, 'description', " \
	"r.description, 'tenant_id', r.project_id, 'project_id', " \
	"r.project_id, 'admin_state_up', r.admin_state_up, 'status', " \
	"r.status, 'external_gateway_info', CASE WHEN r.gw_network_id IS " \
	"NULL THEN NULL ELSE json_build_object('network_id', " \
	"r.gw_network_id, 'enable_snat', r.enable_snat, " \
	"'external_fixed_ips', coalesce((SELECT json_agg(" \
	"json_build_object('subnet_id', a.subnet_id, 'ip_address', " \
	"host(a.ip))) FROM ip_allocations a WHERE a.port_id = " \
	"r.gw_port_id), '[]'::json)) END, 'routes', '[]'::json, " \
	"'distributed', false, 'ha', false, 'availability_zone_hints', " \
	"'[]'::json, 'availability_zones', json_build_array('nova'), " \
	"'flavor_id', NULL, 'tags', '[]'::json, 'created_at', " \
	GR_DB_ISO_Z("r.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("r.updated_at") ", 'revision_number', r.revision_number)"
/* $1 project, $2 admin. */
#define ROUTER_VISIBLE	"(r.project_id = $1 OR $2::boolean)"

static json_t *
router_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " ROUTER_JSON " FROM routers r WHERE r.id = $3 "
	    "AND " ROUTER_VISIBLE, "Router", id, s, NULL);
}

/* The router's project if the caller may change it, else -1 (404). */
static int
router_writable(const char *id, const struct net_scope *s,
    char project[256])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if (!gr_is_uuid(id)) {
		net_not_found("Router", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT r.project_id FROM routers r WHERE r.id = "
	    "$3 AND " ROUTER_VISIBLE, 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Router", id);
		return -1;
	}
	snprintf(project, 256, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

int
router_list(struct gr_req *req, struct gr_resp *resp)
{
	return net_list(req, resp, "routers", "SELECT " ROUTER_JSON " FROM "
	    "routers r WHERE " ROUTER_VISIBLE " ORDER BY r.created_at, r.id",
	    NULL);
}

int
router_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "router", router_get);
}

/*
 * Gives the router a node if it has none: the live network agent with
 * the fewest routers (then by name), and binds its ports there. Without
 * any network agent it stays unplaced until one comes.
 */
static int
place(const char *id)
{
	char ivl[24];
	const char *p[2] = { id, ivl };

	hv_alive_secs(ivl);
	if (gr_db_exec("UPDATE routers SET host = (SELECT a.host FROM agents a "
	    "WHERE a.kind = 'network' AND a.last_seen > now() - $2::numeric * "
	    "interval '1 second' ORDER BY (SELECT count(*) FROM routers x WHERE "
	    "x.host = a.host), a.host LIMIT 1) WHERE id = $1::uuid AND host IS "
	    "NULL", 2, p) < 0)
		return -1;
	return gr_db_exec("UPDATE ports SET binding_host = (SELECT host FROM "
	    "routers WHERE id = $1::uuid) WHERE device_id = $1::text AND "
	    "device_owner IN ('network:router_interface', "
	    "'network:router_gateway') AND binding_host IS DISTINCT FROM "
	    "(SELECT host FROM routers WHERE id = $1::uuid)", 1, p);
}

/* external_gateway_info: {network_id, enable_snat?, external_fixed_ips?}. */
struct gateway {
	int		 given;		/* the key was in the body */
	const char	*network_id;	/* NULL: clear the gateway */
	int		 snat;
	json_t		*fixed_ips;
};

static int
read_gateway(json_t *b, const struct net_scope *s, struct gateway *g)
{
	static const char *const keys[] = { "network_id", "enable_snat",
	    "external_fixed_ips", NULL };
	json_t *v = json_object_get(b, "external_gateway_info");

	memset(g, 0, sizeof(*g));
	g->snat = 1;
	if (v == NULL)
		return 0;
	g->given = 1;
	if (json_is_null(v) || (json_is_object(v) && json_object_size(v) ==
	    0))
		return 0;
	if (!json_is_object(v) || gr_json_only(v, "external_gateway_info",
	    keys) < 0 || gr_json_str(v, "network_id", 1, 64,
	    &g->network_id) < 0 || net_json_bool(v, "enable_snat",
	    &g->snat) < 0 || gr_json_array(v, "external_fixed_ips", 0,
	    &g->fixed_ips) < 0)
		return -1;
	if (!s->admin && (json_object_get(v, "enable_snat") ||
	    json_object_get(v, "external_fixed_ips"))) {
		gr_error(GR_ERR_FORBIDDEN, "enable_snat and external_fixed_ips of "
		    "a router's gateway may be set only by an admin.");
		return -1;
	}
	return 0;
}

/* 409 if floating IPs are associated through the router. */
static int
gateway_unused(const char *id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	if ((r = gr_db_query("SELECT string_agg(host(floating_ip_address), ', ') "
	    "FROM floatingips WHERE router_id = $1", 1, p)) == NULL)
		return -1;
	if (!PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_CONFLICT, "Gateway cannot be updated for router "
		    "%s, since a gateway to external network is required by one "
		    "or more floating IPs (%.1000s).", id, PQgetvalue(r, 0, 0));
		return -1;
	}
	return 0;
}

/* Drops the router's gateway port, inside net_begin(). */
static int
clear_gateway(const char *id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	if (gateway_unused(id) < 0 || (r = gr_db_query("SELECT gw_port_id "
	    "FROM routers WHERE id = $1 AND gw_port_id IS NOT NULL", 1,
	    p)) == NULL)
		return -1;
	if (gr_db_exec("UPDATE routers SET gw_network_id = NULL, gw_port_id = "
	    "NULL WHERE id = $1", 1, p) < 0)
		return -1;
	if (PQntuples(r) == 1) {
		const char *q[1] = { PQgetvalue(r, 0, 0) };

		return gr_db_exec("DELETE FROM ports WHERE id = $1", 1, q);
	}
	return 0;
}

/* Sets the router's gateway, inside net_begin(): a port on the external
 * network with an address of its (or the given one). */
static int
set_gateway(const char *id, const struct gateway *g,
    const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct port_spec spec = { .device_id = id,
	    .device_owner = "network:router_gateway", .admin_state_up = 1,
	    .pse = 0, .fixed_ips = g->fixed_ips };
	char port[37];
	const char *p[1] = { g->network_id };
	int owned;

	if (network_access(g->network_id, s, &owned) < 0)
		return -1;
	if ((r = gr_db_query("SELECT external FROM networks WHERE id = $1", 1,
	    p)) == NULL)
		return -1;
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		gr_error(GR_ERR_BAD_REQUEST, "Bad router request: Network %s is "
		    "not an external network.", g->network_id);
		return -1;
	}
	if (clear_gateway(id) < 0)
		return -1;
	gr_uuid(port);
	spec.groups = json_array();
	if (port_create_locked(port, g->network_id, "", &spec, s) < 0) {
		json_decref(spec.groups);
		return -1;
	}
	json_decref(spec.groups);
	{
		const char *q[4] = { id, g->network_id, port, g->snat ? "true" :
		    "false" };

		if (gr_db_exec("UPDATE routers SET gw_network_id = $2, "
		    "gw_port_id = $3, enable_snat = $4 WHERE id = $1", 4, q) < 0)
			return -1;
	}
	return place(id);
}

int
router_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "admin_state_up", "external_gateway_info", "tenant_id",
	    "project_id", "distributed", "ha", "availability_zone_hints",
	    NULL };
	struct net_scope s;
	struct gateway g;
	const char *name = NULL, *desc = NULL, *project;
	int up = 1, distributed = 0, ha = 0;
	char id[37];
	json_t *b, *o;

	net_scope_of(req, &s);
	if ((b = net_body(req, "router", attrs)) == NULL ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    net_json_bool(b, "admin_state_up", &up) < 0 ||
	    net_json_bool(b, "distributed", &distributed) < 0 ||
	    net_json_bool(b, "ha", &ha) < 0 ||
	    read_gateway(b, &s, &g) < 0 || net_owner(req, b, &project) < 0)
		return -1;
	if (distributed || ha) {
		gr_error(GR_ERR_BAD_REQUEST, "Gureum runs each router on one node: "
		    "distributed and ha routers are not served.");
		return -1;
	}
	gr_uuid(id);
	if (net_begin() < 0)
		return -1;
	{
		const char *p[5] = { id, name ? name : "", desc ? desc : "",
		    project, up ? "true" : "false" };

		if (net_quota_check(project, "router", 1) < 0 ||
		    gr_db_exec("INSERT INTO routers (id, name, description, "
		    "project_id, admin_state_up) VALUES ($1, $2, $3, $4, $5)", 5,
		    p) < 0 || (g.network_id && set_gateway(id, &g, &s) < 0) ||
		    net_commit() < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if ((o = router_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "router", o);
}

int
router_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "admin_state_up", "external_gateway_info", "routes", NULL };
	const char *id = req->params[0], *name = NULL, *desc = NULL;
	struct net_scope s;
	struct gateway g;
	char project[256];
	int up = -1;
	json_t *b, *o, *routes = NULL;

	net_scope_of(req, &s);
	if ((b = net_body(req, "router", attrs)) == NULL ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    net_json_bool(b, "admin_state_up", &up) < 0 ||
	    gr_json_array(b, "routes", 0, &routes) < 0 ||
	    read_gateway(b, &s, &g) < 0 ||
	    router_writable(id, &s, project) < 0)
		return -1;
	if (routes && json_array_size(routes) > 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Gureum routers take no extra "
		    "routes: give subnets host_routes instead.");
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	{
		const char *p[4] = { id, name, desc, up < 0 ? NULL : up ? "true" :
		    "false" };

		if (gr_db_exec("UPDATE routers SET name = coalesce($2, name), "
		    "description = coalesce($3, description), admin_state_up = "
		    "coalesce($4::boolean, admin_state_up), revision_number = "
		    "revision_number + 1, updated_at = now() WHERE id = $1", 4,
		    p) < 0 || (g.given && (g.network_id ? set_gateway(id, &g,
		    &s) : clear_gateway(id)) < 0) || net_commit() < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if ((o = router_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, "router", o);
}

int
router_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	char project[256];
	const char *p[1] = { id };

	net_scope_of(req, &s);
	if (router_writable(id, &s, project) < 0 || net_begin() < 0)
		return -1;
	if ((r = gr_db_query("SELECT string_agg(id::text, ', ') FROM ports "
	    "WHERE device_id = $1::text AND device_owner = "
	    "'network:router_interface'", 1, p)) == NULL)
		goto fail;
	if (!PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_CONFLICT, "Router %s still has ports (%.1000s): "
		    "remove its interfaces first.", id, PQgetvalue(r, 0, 0));
		goto fail;
	}
	if (clear_gateway(id) < 0 || gr_db_exec("DELETE FROM routers WHERE id = "
	    "$1", 1, p) < 0 || net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}

/* ---- interfaces ---- */

/* The answer of add/remove_router_interface. */
static int
interface_reply(struct gr_resp *resp, const char *router,
    const char *project, const char *port)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { port };
	json_t *o;

	if ((r = gr_db_query("SELECT p.network_id, coalesce((SELECT "
	    "json_agg(a.subnet_id) FROM ip_allocations a WHERE a.port_id = "
	    "p.id), '[]'::json) FROM ports p WHERE p.id = $1", 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Port", port);
		return -1;
	}
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", router, "tenant_id",
	    project, "project_id", project, "port_id", port, "network_id",
	    PQgetvalue(r, 0, 0), "subnet_ids", json_loads(PQgetvalue(r, 0, 1),
	    0, NULL));
	json_object_set(o, "subnet_id", json_array_get(json_object_get(o,
	    "subnet_ids"), 0));
	gr_resp_json(resp, 200, o);
	return 0;
}

/* {"subnet_id": S} or {"port_id": P}, not both. */
static int
read_interface(struct gr_req *req, const char **subnet, const char **port)
{
	static const char *const keys[] = { "subnet_id", "port_id", NULL };
	json_t *b;

	*subnet = *port = NULL;
	if ((b = gr_req_json(req)) == NULL ||
	    gr_json_only(b, "router interface", keys) < 0 ||
	    gr_json_str(b, "subnet_id", 0, 64, subnet) < 0 ||
	    gr_json_str(b, "port_id", 0, 64, port) < 0)
		return -1;
	if ((*subnet == NULL) == (*port == NULL)) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad router request: Either subnet_id "
		    "or port_id must be specified.");
		return -1;
	}
	if (!gr_is_uuid(*subnet ? *subnet : *port)) {
		net_not_found(*subnet ? "Subnet" : "Port", *subnet ? *subnet :
		    *port);
		return -1;
	}
	return 0;
}

/* An interface on the subnet, inside net_begin(): a port holding its
 * gateway address. */
static int
add_on_subnet(const char *router, const char *project, const char *subnet,
    const struct net_scope *s, char port[37])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[4] = { s->project_id, s->admin_text, subnet, router };
	struct port_spec spec = { .device_id = router,
	    .device_owner = "network:router_interface", .admin_state_up = 1,
	    .pse = 0 };
	json_t *ips;
	int ret;

	if ((r = gr_db_query("SELECT s.network_id, host(s.gateway_ip), "
	    "EXISTS (SELECT 1 FROM ip_allocations a JOIN ports q ON q.id = "
	    "a.port_id WHERE a.subnet_id = s.id AND q.device_id = $4::text "
	    "AND q.device_owner = 'network:router_interface') FROM subnets s "
	    "WHERE s.id = $3 AND (s.project_id = $1 OR $2::boolean)", 4,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Subnet", subnet);
		return -1;
	}
	if (PQgetisnull(r, 0, 1)) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad router request: Subnet for "
		    "router interface must have a gateway IP.");
		return -1;
	}
	if (PQgetvalue(r, 0, 2)[0] == 't') {
		gr_error(GR_ERR_BAD_REQUEST, "Bad router request: Router %s "
		    "already has a port on subnet %s.", router, subnet);
		return -1;
	}
	ips = json_pack("[{s:s,s:s}]", "subnet_id", subnet, "ip_address",
	    PQgetvalue(r, 0, 1));
	spec.fixed_ips = ips;
	spec.groups = json_array();
	gr_uuid(port);
	ret = port_create_locked(port, PQgetvalue(r, 0, 0), project, &spec, s);
	json_decref(spec.groups);
	json_decref(ips);
	if (ret < 0 && gr_err_code() == GR_ERR_CONFLICT)
		gr_error(GR_ERR_CONFLICT, "The gateway address %s of subnet %s "
		    "is held by another port: the router cannot take it.",
		    PQgetvalue(r, 0, 1), subnet);
	return ret;
}

/* A port the project made becomes the interface, inside net_begin(). */
static int
add_port(const char *router, const char *port, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[4] = { s->project_id, s->admin_text, port, router };

	if ((r = gr_db_query("UPDATE ports p SET device_id = $4, device_owner = "
	    "'network:router_interface', port_security_enabled = false, "
	    "updated_at = now() WHERE p.id = $3 AND (p.project_id = $1 OR "
	    "$2::boolean) AND p.device_id = '' RETURNING (SELECT count(*) FROM "
	    "ip_allocations a WHERE a.port_id = p.id)", 4, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_CONFLICT, "Port %s is not a free port of the "
		    "project: it is in use by another device, or not found.",
		    port);
		return -1;
	}
	if (atoi(PQgetvalue(r, 0, 0)) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad router request: Router port "
		    "must have at least one fixed IP.");
		return -1;
	}
	return gr_db_exec("DELETE FROM port_security_groups WHERE port_id = $1",
	    1, &p[2]);
}

int
router_add_interface(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0], *subnet, *port;
	struct net_scope s;
	char project[256], made[37];

	net_scope_of(req, &s);
	if (read_interface(req, &subnet, &port) < 0 ||
	    router_writable(id, &s, project) < 0 || net_begin() < 0)
		return -1;
	if ((subnet ? add_on_subnet(id, project, subnet, &s, made) :
	    add_port(id, port, &s)) < 0 || place(id) < 0 || net_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	return interface_reply(resp, id, project, subnet ? made : port);
}

int
router_remove_interface(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0], *subnet, *port;
	GR_AUTO_PGRES PGresult *r = NULL, *fip = NULL;
	struct net_scope s;
	char project[256];
	json_t *o = NULL;

	net_scope_of(req, &s);
	if (read_interface(req, &subnet, &port) < 0 ||
	    router_writable(id, &s, project) < 0 || net_begin() < 0)
		return -1;
	{
		const char *p[3] = { id, subnet ? subnet : "", port ? port : "" };

		if ((r = gr_db_query("SELECT p.id, p.network_id, coalesce(("
		    "SELECT json_agg(a.subnet_id) FROM ip_allocations a WHERE "
		    "a.port_id = p.id), '[]'::json) FROM ports p WHERE "
		    "p.device_id = $1::text AND p.device_owner = "
		    "'network:router_interface' AND (p.id::text = $3 OR EXISTS "
		    "(SELECT 1 FROM ip_allocations a WHERE a.port_id = p.id AND "
		    "a.subnet_id::text = $2))", 3, p)) == NULL)
			goto fail;
	}
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Router %s does not have an interface "
		    "with %s %s.", id, subnet ? "subnet" : "port id",
		    subnet ? subnet : port);
		goto fail;
	}
	{
		const char *p[2] = { id, PQgetvalue(r, 0, 0) };

		/* A floating IP reaching a port through this interface. */
		if ((fip = gr_db_query("SELECT host(f.floating_ip_address) FROM "
		    "floatingips f JOIN ip_allocations a ON a.port_id = f.port_id "
		    "AND a.ip = f.fixed_ip_address WHERE f.router_id = $1 AND "
		    "a.subnet_id IN (SELECT subnet_id FROM ip_allocations WHERE "
		    "port_id = $2) LIMIT 1", 2, p)) == NULL)
			goto fail;
		if (PQntuples(fip) > 0) {
			gr_error(GR_ERR_CONFLICT, "Router interface for subnet "
			    "cannot be deleted, as it is required by one or more "
			    "floating IPs (%s).", PQgetvalue(fip, 0, 0));
			goto fail;
		}
	}
	o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o}", "id", id, "tenant_id",
	    project, "project_id", project, "port_id", PQgetvalue(r, 0, 0),
	    "network_id", PQgetvalue(r, 0, 1), "subnet_ids",
	    json_loads(PQgetvalue(r, 0, 2), 0, NULL));
	json_object_set(o, "subnet_id", json_array_get(json_object_get(o,
	    "subnet_ids"), 0));
	if (ports_delete_locked(PQgetvalue(r, 0, 0)) < 0 || net_commit() < 0)
		goto fail;
	gr_resp_json(resp, 200, o);
	return 0;
fail:
	json_decref(o);
	gr_db_rollback();
	return -1;
}

int
router_for(const char *port_id, const char *fixed_ip, const char *network_id,
    char router_id[37])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { port_id, fixed_ip, network_id };

	/* The routers with an interface on the fixed IP's subnet, the ones
	 * with a gateway on the network first. */
	if ((r = gr_db_query("SELECT x.id, x.gw_network_id = $3::uuid, "
	    "s.name, s.id FROM ip_allocations a JOIN subnets s ON s.id = "
	    "a.subnet_id LEFT JOIN ip_allocations ia ON ia.subnet_id = "
	    "a.subnet_id AND ia.port_id <> a.port_id LEFT JOIN ports q ON q.id "
	    "= ia.port_id AND q.device_owner = 'network:router_interface' LEFT "
	    "JOIN routers x ON x.id::text = q.device_id WHERE a.port_id = $1 "
	    "AND a.ip = $2::inet ORDER BY (x.gw_network_id = $3::uuid) IS TRUE "
	    "DESC, x.id NULLS LAST LIMIT 1", 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The fixed IP %s is not an address "
		    "of port %s.", fixed_ip, port_id);
		return -1;
	}
	if (PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_NOT_FOUND, "External network %s is not reachable "
		    "from subnet %s (%s): the subnet has no router. Add it to a "
		    "router with a gateway on that network (router add subnet) "
		    "first.", network_id, PQgetvalue(r, 0, 2),
		    PQgetvalue(r, 0, 3));
		return 0;
	}
	if (PQgetvalue(r, 0, 1)[0] != 't') {
		gr_error(GR_ERR_NOT_FOUND, "External network %s is not reachable "
		    "from subnet %s (%s): its router %s has no gateway on that "
		    "network (router set --external-gateway).", network_id,
		    PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3),
		    PQgetvalue(r, 0, 0));
		return 0;
	}
	snprintf(router_id, 37, "%s", PQgetvalue(r, 0, 0));
	return 1;
}
