/*
 * subnets.c - Network v2.0 subnets (IPv4): the CIDR normalised, the
 * gateway (the first address unless given or null), allocation pools
 * (the rest of the prefix unless given), DNS servers, host routes and
 * whether the network's DHCP serves it. Overlaps on one network are
 * refused here with Neutron's sentence, under the networking lock, and
 * by 0007's exclusion constraint behind it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "ipnet.h"
#include "network_api.h"
#include "networks.h"
#include "subnets.h"

#define MAX_POOLS	16
#define MAX_DNS		5	/* Neutron's max_dns_nameservers */
#define MAX_ROUTES	20	/* Neutron's max_subnet_host_routes */

#define SUBNET_JSON \
	"json_build_object('id', s.id, 'name', s.name, 'description', " \
	"s.description, 'tenant_id', s.project_id, 'project_id', " \
	"s.project_id, 'network_id', s.network_id, 'ip_version', 4, " \
	"'cidr', s.cidr, 'gateway_ip', host(s.gateway_ip), 'enable_dhcp', " \
	"s.enable_dhcp, 'dns_nameservers', s.dns_nameservers, " \
	"'host_routes', s.host_routes, 'allocation_pools', " \
	"s.allocation_pools, 'ipv6_ra_mode', NULL, 'ipv6_address_mode', " \
	"NULL, 'subnetpool_id', NULL, 'segment_id', NULL, 'service_types', " \
	"'[]'::json, 'tags', '[]'::json, 'created_at', " \
	GR_DB_ISO_Z("s.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("s.updated_at") ", 'revision_number', s.revision_number)"
/* $1 project, $2 admin: a project sees its subnets and those of shared
 * networks. */
#define SUBNET_VISIBLE \
	"(s.project_id = $1 OR $2::boolean OR EXISTS (SELECT 1 FROM " \
	"networks n WHERE n.id = s.network_id AND n.shared))"

static json_t *
subnet_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " SUBNET_JSON " FROM subnets s WHERE s.id = $3 "
	    "AND " SUBNET_VISIBLE, "Subnet", id, s, NULL);
}

int
subnet_list(struct gr_req *req, struct gr_resp *resp)
{
	return net_list(req, resp, "subnets", "SELECT " SUBNET_JSON " FROM "
	    "subnets s WHERE " SUBNET_VISIBLE " ORDER BY s.created_at, s.id",
	    NULL);
}

int
subnet_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "subnet", subnet_get);
}

/* ---- the subnet's addresses, checked ---- */

/* A subnet's shape as a create sets it or an update changes it. */
struct shape {
	struct ipnet	 net;
	int		 dhcp;
	uint32_t	 gateway;		/* 0 = none */
	struct ipnet_pool pools[MAX_POOLS];
	int		 npools;
	json_t		*dns;			/* new reference or NULL */
	json_t		*routes;		/* new reference or NULL */
};

static void
shape_clear(struct shape *sh)
{
	json_decref(sh->dns);
	json_decref(sh->routes);
}

static int
bad_cidr(const char *cidr)
{
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for cidr. Reason: '%.64s' "
	    "is not a valid IP subnet.", cidr);
	return -1;
}

static int
read_cidr(json_t *b, struct shape *sh)
{
	const char *cidr;

	if (gr_json_str(b, "cidr", 1, 64, &cidr) < 0)
		return -1;
	if (ipnet_cidr(cidr, &sh->net) < 0)
		return bad_cidr(cidr);
	if (sh->net.prefix == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "0 is not allowed as CIDR prefix "
		    "length.");
		return -1;
	}
	return 0;
}

/* gateway_ip: absent keeps *gw (a create's default), null is none. */
static int
read_gateway(json_t *b, struct shape *sh)
{
	json_t *v = json_object_get(b, "gateway_ip");
	char c[IPNET_CIDR_LEN];

	if (v == NULL)
		return 0;
	if (json_is_null(v)) {
		sh->gateway = 0;
		return 0;
	}
	if (!json_is_string(v) || ipnet_addr(json_string_value(v),
	    &sh->gateway) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for gateway_ip. "
		    "Reason: '%.64s' is not a valid IP address.",
		    json_is_string(v) ? json_string_value(v) : "(not a string)");
		return -1;
	}
	if (!ipnet_is_host(&sh->net, sh->gateway)) {
		ipnet_cidr_str(&sh->net, c);
		gr_error(GR_ERR_BAD_REQUEST, "Gateway is not valid on subnet: "
		    "%s is not a host address of %s.", json_string_value(v), c);
		return -1;
	}
	return 1;
}

static int
read_pools(json_t *b, struct shape *sh, int *given)
{
	json_t *list = NULL, *e;
	size_t i;

	*given = 0;
	if (gr_json_array(b, "allocation_pools", 0, &list) < 0)
		return -1;
	if (list == NULL)
		return 0;
	if (json_array_size(list) > MAX_POOLS) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
		    "allocation_pools. Reason: at most %d pools.", MAX_POOLS);
		return -1;
	}
	*given = 1;
	sh->npools = 0;
	json_array_foreach(list, i, e) {
		static const char *const keys[] = { "start", "end", NULL };
		const char *s = NULL, *en = NULL;
		struct ipnet_pool *p = &sh->pools[sh->npools];

		if (!json_is_object(e) || gr_json_only(e, "allocation pool",
		    keys) < 0 || gr_json_str(e, "start", 1, 64, &s) < 0 ||
		    gr_json_str(e, "end", 1, 64, &en) < 0)
			return -1;
		if (ipnet_addr(s, &p->start) < 0 || ipnet_addr(en, &p->end) <
		    0) {
			gr_error(GR_ERR_BAD_REQUEST, "The allocation pool "
			    "%.64s-%.64s is not valid: its ends must be IPv4 "
			    "addresses.", s, en);
			return -1;
		}
		sh->npools++;
	}
	return 0;
}

/* The pools against the prefix and gateway, as Neutron words each. */
static int
check_pools(const struct shape *sh)
{
	char a[IPNET_ADDR_LEN], z[IPNET_ADDR_LEN], a2[IPNET_ADDR_LEN],
	    z2[IPNET_ADDR_LEN], c[IPNET_CIDR_LEN], g[IPNET_ADDR_LEN];
	int bad, other;
	enum ipnet_pool_fault f;

	f = ipnet_check_pools(&sh->net, sh->gateway, sh->pools, sh->npools,
	    &bad, &other);
	if (f == IPNET_POOL_OK)
		return 0;
	ipnet_addr_str(sh->pools[bad].start, a);
	ipnet_addr_str(sh->pools[bad].end, z);
	ipnet_addr_str(sh->pools[other].start, a2);
	ipnet_addr_str(sh->pools[other].end, z2);
	ipnet_cidr_str(&sh->net, c);
	ipnet_addr_str(sh->gateway, g);
	switch (f) {
	case IPNET_POOL_REVERSED:
		gr_error(GR_ERR_BAD_REQUEST, "The allocation pool %s-%s is not "
		    "valid: its start is after its end.", a, z);
		break;
	case IPNET_POOL_OUTSIDE:
		gr_error(GR_ERR_BAD_REQUEST, "The allocation pool %s-%s spans "
		    "beyond the host addresses of the subnet cidr %s.", a, z, c);
		break;
	case IPNET_POOL_OVERLAP:
		gr_error(GR_ERR_CONFLICT, "Found overlapping allocation pools: "
		    "%s-%s and %s-%s for subnet %s.", a, z, a2, z2, c);
		break;
	default:
		gr_error(GR_ERR_CONFLICT, "Gateway ip %s conflicts with "
		    "allocation pool %s-%s.", g, a, z);
		break;
	}
	return -1;
}

static int
read_dns(json_t *b, struct shape *sh)
{
	json_t *list = NULL, *e, *out;
	size_t i, j;
	uint32_t a;

	if (gr_json_array(b, "dns_nameservers", 0, &list) < 0)
		return -1;
	if (list == NULL)
		return 0;
	if (json_array_size(list) > MAX_DNS) {
		gr_error(GR_ERR_BAD_REQUEST, "Unable to complete operation for "
		    "the subnet. The number of DNS nameservers exceeds the "
		    "limit %d.", MAX_DNS);
		return -1;
	}
	out = json_array();
	json_array_foreach(list, i, e) {
		if (!json_is_string(e) || ipnet_addr(json_string_value(e), &a) <
		    0) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
			    "dns_nameservers. Reason: '%.64s' is not a valid "
			    "nameserver.", json_is_string(e) ?
			    json_string_value(e) : "(not a string)");
			json_decref(out);
			return -1;
		}
		for (j = 0; j < i; j++)
			if (json_equal(e, json_array_get(list, j))) {
				gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
				    "dns_nameservers. Reason: duplicate "
				    "nameserver '%s'.", json_string_value(e));
				json_decref(out);
				return -1;
			}
		json_array_append(out, e);
	}
	json_decref(sh->dns);
	sh->dns = out;
	return 0;
}

static int
read_routes(json_t *b, struct shape *sh)
{
	static const char *const keys[] = { "destination", "nexthop", NULL };
	json_t *list = NULL, *e, *out;
	size_t i;

	if (gr_json_array(b, "host_routes", 0, &list) < 0)
		return -1;
	if (list == NULL)
		return 0;
	if (json_array_size(list) > MAX_ROUTES) {
		gr_error(GR_ERR_BAD_REQUEST, "Unable to complete operation for "
		    "the subnet. The number of host routes exceeds the limit "
		    "%d.", MAX_ROUTES);
		return -1;
	}
	out = json_array();
	json_array_foreach(list, i, e) {
		const char *d = NULL, *h = NULL;
		struct ipnet dn;
		uint32_t hop;
		char dc[IPNET_CIDR_LEN], hc[IPNET_ADDR_LEN];

		if (!json_is_object(e) || gr_json_only(e, "host route",
		    keys) < 0 || gr_json_str(e, "destination", 1, 64, &d) < 0 ||
		    gr_json_str(e, "nexthop", 1, 64, &h) < 0 ||
		    ipnet_cidr(d, &dn) < 0 || ipnet_addr(h, &hop) < 0) {
			if (json_is_object(e) && d && h)
				gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
				    "host_routes. Reason: '%.64s' via '%.64s' is "
				    "not a prefix and an address.", d, h);
			else if (!json_is_object(e))
				gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
				    "host_routes. Reason: each route is "
				    "{\"destination\": CIDR, \"nexthop\": IP}.");
			json_decref(out);
			return -1;
		}
		ipnet_cidr_str(&dn, dc);
		ipnet_addr_str(hop, hc);
		json_array_append_new(out, json_pack("{s:s,s:s}", "destination",
		    dc, "nexthop", hc));
	}
	json_decref(sh->routes);
	sh->routes = out;
	return 0;
}

static int
check_dhcp(const struct shape *sh)
{
	if (sh->dhcp && sh->net.prefix >= 31) {
		gr_error(GR_ERR_BAD_REQUEST, "Subnet has a prefix length that is "
		    "incompatible with DHCP service enabled.");
		return -1;
	}
	return 0;
}

static char *
pools_text(const struct shape *sh)
{
	json_t *list = json_array();
	char a[IPNET_ADDR_LEN], z[IPNET_ADDR_LEN], *text;

	for (int i = 0; i < sh->npools; i++) {
		ipnet_addr_str(sh->pools[i].start, a);
		ipnet_addr_str(sh->pools[i].end, z);
		json_array_append_new(list, json_pack("{s:s,s:s}", "start", a,
		    "end", z));
	}
	text = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return text;
}

/* 400 if cidr overlaps another subnet of the network (but skip). */
static int
check_overlap(const char *network_id, const struct shape *sh,
    const char *skip)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char c[IPNET_CIDR_LEN];
	const char *p[3] = { network_id, c, skip ? skip : "" };

	ipnet_cidr_str(&sh->net, c);
	if ((r = gr_db_query("SELECT cidr FROM subnets WHERE network_id = $1 "
	    "AND cidr && $2::cidr AND id::text <> $3 LIMIT 1", 3, p)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for operation: "
		    "Requested subnet with cidr: %s for network: %s overlaps "
		    "with another subnet (%s).", c, network_id,
		    PQgetvalue(r, 0, 0));
		return -1;
	}
	return 0;
}

/* ---- create, update, delete ---- */

int
subnet_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "network_id", "cidr", "ip_version", "gateway_ip", "enable_dhcp",
	    "dns_nameservers", "host_routes", "allocation_pools", "tenant_id",
	    "project_id", "ipv6_ra_mode", "ipv6_address_mode",
	    "subnetpool_id", "use_default_subnetpool", "service_types",
	    "segment_id", NULL };
	struct shape sh = { .dhcp = 1 };
	struct net_scope s;
	const char *name = NULL, *desc = NULL, *net_id, *project;
	GR_AUTOFREE char *pools = NULL, *dns = NULL, *routes = NULL;
	char id[37], c[IPNET_CIDR_LEN], g[IPNET_ADDR_LEN];
	long long version = 4;
	int given, owned, ret = -1;
	json_t *b, *sub;

	net_scope_of(req, &s);
	if ((b = net_body(req, "subnet", attrs)) == NULL ||
	    gr_json_str(b, "network_id", 1, 64, &net_id) < 0 ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    gr_json_int(b, "ip_version", 0, 0, 99, &version) < 0 ||
	    net_json_bool(b, "enable_dhcp", &sh.dhcp) < 0 ||
	    net_owner(req, b, &project) < 0)
		goto out;
	if (version != 4) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for ip_version. "
		    "Reason: Gureum serves IPv4 subnets only (ip_version 4).");
		goto out;
	}
	if (read_cidr(b, &sh) < 0 || check_dhcp(&sh) < 0)
		goto out;
	sh.gateway = sh.net.prefix >= 31 ? 0 : sh.net.addr + 1;
	if (read_gateway(b, &sh) < 0 || read_pools(b, &sh, &given) < 0 ||
	    read_dns(b, &sh) < 0 || read_routes(b, &sh) < 0)
		goto out;
	if (!given)
		sh.npools = ipnet_default_pools(&sh.net, sh.gateway, sh.pools);
	if (check_pools(&sh) < 0 || network_access(net_id, &s, &owned) < 0)
		goto out;
	if (!owned) {
		gr_error(GR_ERR_FORBIDDEN, "Network %s belongs to another "
		    "project: only its project or an admin may add subnets.",
		    net_id);
		goto out;
	}
	ipnet_cidr_str(&sh.net, c);
	ipnet_addr_str(sh.gateway, g);
	pools = pools_text(&sh);
	dns = sh.dns ? json_dumps(sh.dns, JSON_COMPACT) : gr_xstrdup("[]");
	routes = sh.routes ? json_dumps(sh.routes, JSON_COMPACT) :
	    gr_xstrdup("[]");
	gr_uuid(id);
	if (net_begin() < 0)
		goto out;
	{
		const char *p[11] = { id, net_id, name ? name : "",
		    desc ? desc : "", project, c, sh.gateway ? g : NULL,
		    sh.dhcp ? "true" : "false", dns, routes, pools };

		if (net_quota_check(project, "subnet", 1) < 0 ||
		    check_overlap(net_id, &sh, NULL) < 0 ||
		    gr_db_exec("INSERT INTO subnets (id, network_id, name, "
		    "description, project_id, cidr, gateway_ip, enable_dhcp, "
		    "dns_nameservers, host_routes, allocation_pools) VALUES ($1, "
		    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11, p) < 0 ||
		    net_commit() < 0) {
			gr_db_rollback();
			goto out;
		}
	}
	if ((sub = subnet_get(id, &s)) == NULL)
		goto out;
	ret = net_reply(req, resp, 201, "subnet", sub);
out:
	shape_clear(&sh);
	return ret;
}

/* The subnet as stored, for an update: network, shape, and whether the
 * caller may change it. */
static int
load_shape(const char *id, const struct net_scope *s, char net_id[37],
    struct shape *sh)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };
	json_t *pools, *e;
	size_t i;

	if (!gr_is_uuid(id)) {
		net_not_found("Subnet", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT s.network_id, s.cidr, coalesce(host("
	    "s.gateway_ip), ''), s.enable_dhcp, s.allocation_pools, "
	    "s.project_id = $1 OR $2::boolean FROM subnets s WHERE s.id = $3 "
	    "AND " SUBNET_VISIBLE, 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Subnet", id);
		return -1;
	}
	if (PQgetvalue(r, 0, 5)[0] != 't') {
		gr_error(GR_ERR_FORBIDDEN, "Subnet %s belongs to another "
		    "project: only its project or an admin may change it.", id);
		return -1;
	}
	snprintf(net_id, 37, "%s", PQgetvalue(r, 0, 0));
	ipnet_cidr(PQgetvalue(r, 0, 1), &sh->net);
	sh->gateway = 0;
	ipnet_addr(PQgetvalue(r, 0, 2), &sh->gateway);
	sh->dhcp = PQgetvalue(r, 0, 3)[0] == 't';
	pools = json_loads(PQgetvalue(r, 0, 4), 0, NULL);
	sh->npools = 0;
	json_array_foreach(pools, i, e) {
		if (sh->npools == MAX_POOLS)
			break;
		ipnet_addr(json_string_value(json_object_get(e, "start")),
		    &sh->pools[sh->npools].start);
		ipnet_addr(json_string_value(json_object_get(e, "end")),
		    &sh->pools[sh->npools].end);
		sh->npools++;
	}
	json_decref(pools);
	return 0;
}

/* 409 if a router interface holds the subnet's gateway address. */
static int
gateway_free(const char *id, uint32_t old)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char g[IPNET_ADDR_LEN];
	const char *p[2] = { id, g };

	if (old == 0)
		return 0;
	ipnet_addr_str(old, g);
	if ((r = gr_db_query("SELECT a.port_id FROM ip_allocations a JOIN ports "
	    "p ON p.id = a.port_id WHERE a.subnet_id = $1 AND a.ip = $2::inet "
	    "AND p.device_owner = 'network:router_interface'", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		gr_error(GR_ERR_CONFLICT, "Gateway ip %s is in use by router "
		    "interface port %s: remove the interface first.", g,
		    PQgetvalue(r, 0, 0));
		return -1;
	}
	return 0;
}

int
subnet_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "gateway_ip", "enable_dhcp", "dns_nameservers", "host_routes",
	    "allocation_pools", NULL };
	const char *id = req->params[0], *name = NULL, *desc = NULL;
	struct shape sh = { 0 };
	struct net_scope s;
	GR_AUTOFREE char *pools = NULL, *dns = NULL, *routes = NULL;
	char net_id[37], g[IPNET_ADDR_LEN];
	uint32_t old_gw;
	int given, gw_given, ret = -1;
	json_t *b, *sub;

	net_scope_of(req, &s);
	if ((b = net_body(req, "subnet", attrs)) == NULL ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    load_shape(id, &s, net_id, &sh) < 0)
		goto out;
	old_gw = sh.gateway;
	if (net_json_bool(b, "enable_dhcp", &sh.dhcp) < 0 ||
	    check_dhcp(&sh) < 0 ||
	    read_gateway(b, &sh) < 0 ||
	    read_pools(b, &sh, &given) < 0 || read_dns(b, &sh) < 0 ||
	    read_routes(b, &sh) < 0 || check_pools(&sh) < 0)
		goto out;
	gw_given = json_object_get(b, "gateway_ip") != NULL;
	ipnet_addr_str(sh.gateway, g);
	pools = given ? pools_text(&sh) : NULL;
	dns = sh.dns ? json_dumps(sh.dns, JSON_COMPACT) : NULL;
	routes = sh.routes ? json_dumps(sh.routes, JSON_COMPACT) : NULL;
	if (net_begin() < 0)
		goto out;
	{
		const char *p[9] = { id, name, desc, gw_given ? "true" :
		    "false", sh.gateway ? g : NULL, sh.dhcp ? "true" : "false",
		    dns, routes, pools };

		if ((gw_given && sh.gateway != old_gw &&
		    gateway_free(id, old_gw) < 0) ||
		    gr_db_exec("UPDATE subnets SET name = coalesce($2, name), "
		    "description = coalesce($3, description), gateway_ip = CASE "
		    "WHEN $4::boolean THEN $5::inet ELSE gateway_ip END, "
		    "enable_dhcp = $6::boolean, dns_nameservers = coalesce("
		    "$7::jsonb, dns_nameservers), host_routes = coalesce($8::jsonb, "
		    "host_routes), allocation_pools = coalesce($9::jsonb, "
		    "allocation_pools), revision_number = revision_number + 1, "
		    "updated_at = now() WHERE id = $1", 9, p) < 0 ||
		    net_commit() < 0) {
			gr_db_rollback();
			goto out;
		}
	}
	if ((sub = subnet_get(id, &s)) == NULL)
		goto out;
	ret = net_reply(req, resp, 200, "subnet", sub);
out:
	shape_clear(&sh);
	return ret;
}

int
subnet_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct shape sh = { 0 };
	struct net_scope s;
	char net_id[37];
	const char *p[1] = { id };

	net_scope_of(req, &s);
	if (load_shape(id, &s, net_id, &sh) < 0 || net_begin() < 0)
		return -1;
	/* Addresses in use: every port's but the nodes' DHCP ports. */
	if ((r = gr_db_query("SELECT string_agg(DISTINCT a.port_id::text, ', ') "
	    "FROM ip_allocations a JOIN ports p ON p.id = a.port_id WHERE "
	    "a.subnet_id = $1 AND p.device_owner <> 'network:dhcp'", 1,
	    p)) == NULL)
		goto fail;
	if (!PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_CONFLICT, "Unable to complete operation on subnet "
		    "%s: One or more ports have an IP allocation from this "
		    "subnet (%.2000s).", id, PQgetvalue(r, 0, 0));
		goto fail;
	}
	if (gr_db_exec("DELETE FROM subnets WHERE id = $1", 1, p) < 0 ||
	    net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}
