/*
 * floatingips.c - floating IPs and port forwards. A floating IP is an
 * address of an external network's subnet, held by a port there with no
 * project (network:floatingip) so IPAM knows it is taken. Associating it
 * with a port's fixed IP needs a router joining that port's subnet to
 * the external network; the refusal names the missing link. A floating
 * IP either is associated or carries port forwards, never both (as in
 * Neutron).
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
#include "ports.h"
#include "routers.h"
#include "floatingips.h"

#define PF_JSON \
	"json_build_object('id', f.id, 'external_port', f.external_port, " \
	"'internal_port', f.internal_port, 'internal_ip_address', " \
	"host(f.internal_ip_address), 'protocol', f.protocol, " \
	"'internal_port_id', f.internal_port_id, 'description', " \
	"f.description, 'internal_port_range', f.internal_port || ':' || " \
	"f.internal_port, 'external_port_range', f.external_port || ':' || " \
	"f.external_port)"
#define FIP_JSON \
	"json_build_object('id', i.id, 'tenant_id', i.project_id, " \
	"'project_id', i.project_id, 'floating_network_id', " \
	"i.floating_network_id, 'floating_ip_address', " \
	"host(i.floating_ip_address), 'router_id', i.router_id, 'port_id', " \
	"i.port_id, 'fixed_ip_address', host(i.fixed_ip_address), 'status', " \
	"i.status, 'description', i.description, 'port_details', (SELECT " \
	"json_build_object('name', p.name, 'network_id', p.network_id, " \
	"'mac_address', p.mac_address, 'admin_state_up', p.admin_state_up, " \
	"'status', p.status, 'device_id', p.device_id, 'device_owner', " \
	"p.device_owner) FROM ports p WHERE p.id = i.port_id), " \
	"'port_forwardings', coalesce((SELECT json_agg(" PF_JSON " ORDER BY " \
	"f.created_at, f.id) FROM port_forwardings f WHERE f.floatingip_id = " \
	"i.id), '[]'::json), 'dns_domain', '', 'dns_name', '', " \
	"'qos_policy_id', NULL, 'tags', '[]'::json, 'created_at', " \
	GR_DB_ISO_Z("i.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("i.updated_at") ", 'revision_number', i.revision_number)"
/* $1 project, $2 admin. */
#define FIP_VISIBLE	"(i.project_id = $1 OR $2::boolean)"

static json_t *
fip_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " FIP_JSON " FROM floatingips i WHERE i.id = $3 "
	    "AND " FIP_VISIBLE, "Floating IP", id, s, NULL);
}

/* The floating IP's network and whether it is associated, if the caller
 * may change it. */
static int
fip_writable(const char *id, const struct net_scope *s, char network[37],
    char address[IPNET_ADDR_LEN], int *associated, int *forwards)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if (!gr_is_uuid(id)) {
		net_not_found("Floating IP", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT i.floating_network_id, "
	    "host(i.floating_ip_address), i.port_id IS NOT NULL, (SELECT "
	    "count(*) FROM port_forwardings f WHERE f.floatingip_id = i.id) "
	    "FROM floatingips i WHERE i.id = $3 AND " FIP_VISIBLE, 3,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Floating IP", id);
		return -1;
	}
	snprintf(network, 37, "%s", PQgetvalue(r, 0, 0));
	snprintf(address, IPNET_ADDR_LEN, "%s", PQgetvalue(r, 0, 1));
	*associated = PQgetvalue(r, 0, 2)[0] == 't';
	*forwards = atoi(PQgetvalue(r, 0, 3));
	return 0;
}

int
fip_list(struct gr_req *req, struct gr_resp *resp)
{
	return net_list(req, resp, "floatingips", "SELECT " FIP_JSON " FROM "
	    "floatingips i WHERE " FIP_VISIBLE " ORDER BY i.created_at, i.id",
	    NULL);
}

int
fip_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "floatingip", fip_get);
}

/*
 * Associates floating IP id (on network, at address) with a fixed IP of
 * port, inside net_begin(): the port is the caller's, the fixed IP one
 * of its own (its first when not given), and a router joins its subnet
 * to the network.
 */
static int
associate(const char *id, const char *network, const char *address,
    const char *port, const char *fixed, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[4] = { s->project_id, s->admin_text, port,
	    fixed ? fixed : "" };
	char router[37], ip[IPNET_ADDR_LEN];
	uint32_t a;

	if (!gr_is_uuid(port)) {
		net_not_found("Port", port);
		return -1;
	}
	if (fixed && ipnet_addr(fixed, &a) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
		    "fixed_ip_address. Reason: '%.64s' is not a valid IP "
		    "address.", fixed);
		return -1;
	}
	if ((r = gr_db_query("SELECT (SELECT host(a.ip) FROM ip_allocations a "
	    "WHERE a.port_id = p.id AND ($4 = '' OR a.ip = $4::inet) ORDER BY "
	    "a.created_at LIMIT 1) FROM ports p WHERE p.id = $3 AND "
	    "(p.project_id = $1 OR $2::boolean) AND p.device_owner NOT LIKE "
	    "'network:%'", 4, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Port", port);
		return -1;
	}
	if (PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_BAD_REQUEST, fixed ? "Port %s does not have fixed "
		    "ip %s." : "Port %s has no fixed IP to associate a floating "
		    "IP with%s.", port, fixed ? fixed : "");
		return -1;
	}
	snprintf(ip, sizeof(ip), "%s", PQgetvalue(r, 0, 0));
	if (router_for(port, ip, network, router) <= 0)
		return -1;
	{
		const char *q[4] = { id, port, ip, router };

		if (gr_db_exec("UPDATE floatingips SET port_id = $2, "
		    "fixed_ip_address = $3, router_id = $4, status = 'ACTIVE', "
		    "revision_number = revision_number + 1, updated_at = now() "
		    "WHERE id = $1", 4, q) < 0) {
			if (gr_err_code() == GR_ERR_CONFLICT)
				gr_error(GR_ERR_CONFLICT, "Cannot associate "
				    "floating IP %s (%s) with port %s using fixed "
				    "IP %s, as that fixed IP already has a floating "
				    "IP on external network %s.", address, id, port,
				    ip, network);
			return -1;
		}
	}
	return 0;
}

static int
disassociate(const char *id)
{
	const char *p[1] = { id };

	return gr_db_exec("UPDATE floatingips SET port_id = NULL, "
	    "fixed_ip_address = NULL, router_id = NULL, status = 'DOWN', "
	    "revision_number = revision_number + 1, updated_at = now() WHERE "
	    "id = $1", 1, p);
}

/* The floating IP's row, with the address its port was given; a 409
 * when the network had none to give (no subnet). */
static int
fip_insert(const char *id, const char *project, const char *network,
    const char *fport, const char *desc)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[5] = { id, project, network, fport, desc ? desc : "" };

	if ((r = gr_db_query("INSERT INTO floatingips (id, project_id, "
	    "floating_network_id, floating_port_id, floating_ip_address, "
	    "description) SELECT $1, $2, $3, $4, a.ip, $5 FROM ip_allocations "
	    "a WHERE a.port_id = $4 LIMIT 1", 5, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_CONFLICT, "No more IP addresses available on "
		    "network %s: it has no subnet to take a floating IP from.",
		    network);
		return -1;
	}
	return 0;
}

int
fip_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "floating_network_id",
	    "floating_ip_address", "subnet_id", "port_id", "fixed_ip_address",
	    "description", "tenant_id", "project_id", "dns_domain",
	    "dns_name", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	const char *network, *want = NULL, *subnet = NULL, *port = NULL,
	    *fixed = NULL, *desc = NULL, *project;
	char id[37], fport[37];
	struct port_spec spec = { .device_owner = "network:floatingip",
	    .admin_state_up = 1, .pse = 0 };
	json_t *b, *o, *ips = NULL;
	int owned, ret;

	net_scope_of(req, &s);
	if ((b = net_body(req, "floatingip", attrs)) == NULL ||
	    gr_json_str(b, "floating_network_id", 1, 64, &network) < 0 ||
	    gr_json_str(b, "floating_ip_address", 0, 64, &want) < 0 ||
	    gr_json_str(b, "subnet_id", 0, 64, &subnet) < 0 ||
	    gr_json_str(b, "port_id", 0, 64, &port) < 0 ||
	    gr_json_str(b, "fixed_ip_address", 0, 64, &fixed) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    net_owner(req, b, &project) < 0 ||
	    network_access(network, &s, &owned) < 0)
		return -1;
	{
		const char *p[1] = { network };

		if ((r = gr_db_query("SELECT external FROM networks WHERE id = "
		    "$1", 1, p)) == NULL)
			return -1;
	}
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		gr_error(GR_ERR_BAD_REQUEST, "Bad floatingip request: Network %s "
		    "is not a valid external network.", network);
		return -1;
	}
	if (want || subnet)
		ips = json_pack("[{s:s?,s:s?}]", "ip_address", want, "subnet_id",
		    subnet);
	gr_uuid(id);
	gr_uuid(fport);
	spec.device_id = id;
	spec.fixed_ips = ips;
	spec.groups = json_array();
	if (net_begin() < 0) {
		ret = -1;
		goto out;
	}
	ret = net_quota_check(project, "floatingip", 1) < 0 ||
	    port_create_locked(fport, network, "", &spec, &s) < 0 ||
	    fip_insert(id, project, network, fport, desc) < 0 ||
	    (port && associate(id, network, "", port, fixed, &s) < 0) ||
	    net_commit() < 0 ? -1 : 0;
	if (ret < 0)
		gr_db_rollback();
out:
	json_decref(spec.groups);
	json_decref(ips);
	if (ret < 0)
		return -1;
	if ((o = fip_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "floatingip", o);
}

int
fip_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "port_id", "fixed_ip_address",
	    "description", NULL };
	const char *id = req->params[0], *port = NULL, *fixed = NULL,
	    *desc = NULL;
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards, ret;
	json_t *b, *o, *pv;

	net_scope_of(req, &s);
	if ((b = net_body(req, "floatingip", attrs)) == NULL ||
	    gr_json_str(b, "port_id", 0, 64, &port) < 0 ||
	    gr_json_str(b, "fixed_ip_address", 0, 64, &fixed) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    fip_writable(id, &s, network, address, &associated, &forwards) < 0)
		return -1;
	pv = json_object_get(b, "port_id");
	if (port && forwards) {
		gr_error(GR_ERR_BAD_REQUEST, "Cannot associate floating IP %s "
		    "with a port: it has %d port forwarding(s); delete them "
		    "first.", address, forwards);
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	{
		const char *p[2] = { id, desc };

		ret = gr_db_exec("UPDATE floatingips SET description = coalesce("
		    "$2, description), updated_at = now() WHERE id = $1", 2, p) <
		    0 || (pv && (port ? associate(id, network, address, port,
		    fixed, &s) : disassociate(id)) < 0) || net_commit() < 0 ?
		    -1 : 0;
	}
	if (ret < 0) {
		gr_db_rollback();
		return -1;
	}
	if ((o = fip_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, "floatingip", o);
}

int
fip_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards;
	const char *p[1] = { id };

	net_scope_of(req, &s);
	if (fip_writable(id, &s, network, address, &associated, &forwards) < 0)
		return -1;
	if (forwards) {
		gr_error(GR_ERR_CONFLICT, "Floating IP %s (%s) has %d port "
		    "forwarding(s): delete them first.", address, id, forwards);
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	if ((r = gr_db_query("DELETE FROM floatingips WHERE id = $1 RETURNING "
	    "floating_port_id", 1, p)) == NULL)
		goto fail;
	{
		const char *q[1] = { PQgetvalue(r, 0, 0) };

		if (gr_db_exec("DELETE FROM ports WHERE id = $1", 1, q) < 0 ||
		    net_commit() < 0)
			goto fail;
	}
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}

/* ---- port forwards ---- */

static json_t *
pf_get(const char *fip, const char *id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { fip, id };
	json_t *list, *o;

	if (!gr_is_uuid(id)) {
		net_not_found("Port forwarding", id);
		return NULL;
	}
	if ((r = gr_db_query("SELECT " PF_JSON " FROM port_forwardings f WHERE "
	    "f.floatingip_id = $1 AND f.id = $2", 2, p)) == NULL)
		return NULL;
	list = net_rows(r);
	o = json_incref(json_array_get(list, 0));
	json_decref(list);
	if (o == NULL)
		net_not_found("Port forwarding", id);
	return o;
}

int
pf_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards;
	const char *p[1] = { req->params[0] };

	net_scope_of(req, &s);
	if (fip_writable(req->params[0], &s, network, address, &associated,
	    &forwards) < 0 || (r = gr_db_query("SELECT " PF_JSON " FROM "
	    "port_forwardings f WHERE f.floatingip_id = $1 ORDER BY "
	    "f.created_at, f.id", 1, p)) == NULL)
		return -1;
	return net_reply_list(req, resp, "port_forwardings", net_rows(r));
}

int
pf_show(struct gr_req *req, struct gr_resp *resp)
{
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards;
	json_t *o;

	net_scope_of(req, &s);
	if (fip_writable(req->params[0], &s, network, address, &associated,
	    &forwards) < 0 || (o = pf_get(req->params[0],
	    req->params[1])) == NULL)
		return -1;
	return net_reply(req, resp, 200, "port_forwarding", o);
}

/* A port number from a port or a "N:N" range (ranges of one port only). */
static int
read_pf_port(json_t *b, const char *key, const char *range_key,
    long long *out)
{
	const char *range = NULL;
	long long a, z;
	char tail;

	*out = -1;
	if (gr_json_int(b, key, 0, 1, 65535, out) < 0 ||
	    gr_json_str(b, range_key, 0, 16, &range) < 0)
		return -1;
	if (range == NULL)
		return 0;
	if (sscanf(range, "%lld:%lld%c", &a, &z, &tail) != 2 || a != z ||
	    a < 1 || a > 65535 || (*out >= 0 && *out != a)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for %s. Reason: "
		    "Gureum forwards single ports: give N or N:N.", range_key);
		return -1;
	}
	*out = a;
	return 0;
}

int
pf_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "external_port",
	    "internal_port", "internal_ip_address", "internal_port_id",
	    "protocol", "description", "external_port_range",
	    "internal_port_range", NULL };
	const char *fip = req->params[0], *ip, *port, *proto, *desc = NULL;
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN], id[37], router[37],
	    ext[24], in[24];
	long long ext_port, in_port;
	int associated, forwards;
	uint32_t a;
	json_t *b, *o;

	net_scope_of(req, &s);
	if ((b = net_body(req, "port_forwarding", attrs)) == NULL ||
	    gr_json_str(b, "internal_ip_address", 1, 64, &ip) < 0 ||
	    gr_json_str(b, "internal_port_id", 1, 64, &port) < 0 ||
	    gr_json_str(b, "protocol", 1, 8, &proto) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    read_pf_port(b, "external_port", "external_port_range",
	    &ext_port) < 0 ||
	    read_pf_port(b, "internal_port", "internal_port_range",
	    &in_port) < 0 ||
	    fip_writable(fip, &s, network, address, &associated, &forwards) < 0)
		return -1;
	if (ext_port < 0 || in_port < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "A port forwarding needs "
		    "external_port and internal_port.");
		return -1;
	}
	if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for protocol. Reason: "
		    "'%.8s' is not in ['tcp', 'udp'].", proto);
		return -1;
	}
	if (ipnet_addr(ip, &a) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
		    "internal_ip_address. Reason: '%.64s' is not a valid IP "
		    "address.", ip);
		return -1;
	}
	if (associated) {
		gr_error(GR_ERR_CONFLICT, "Cannot create port forwarding to "
		    "floating IP %s (%s) as it's bound to a port: disassociate "
		    "it first.", address, fip);
		return -1;
	}
	if (!gr_is_uuid(port)) {
		net_not_found("Port", port);
		return -1;
	}
	snprintf(ext, sizeof(ext), "%lld", ext_port);
	snprintf(in, sizeof(in), "%lld", in_port);
	gr_uuid(id);
	if (net_begin() < 0)
		return -1;
	{
		const char *p[4] = { s.project_id, s.admin_text, port, ip };

		if ((r = gr_db_query("SELECT 1 FROM ports p JOIN ip_allocations a "
		    "ON a.port_id = p.id WHERE p.id = $3 AND (p.project_id = $1 "
		    "OR $2::boolean) AND a.ip = $4::inet", 4, p)) == NULL)
			goto fail;
	}
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The internal IP %s does not belong "
		    "to port %s (or the port is not found).", ip, port);
		goto fail;
	}
	if (router_for(port, ip, network, router) <= 0)
		goto fail;
	{
		const char *p[8] = { id, fip, port, ip, proto, in, ext,
		    desc ? desc : "" };
		const char *q[2] = { fip, router };

		if (gr_db_exec("INSERT INTO port_forwardings (id, floatingip_id, "
		    "internal_port_id, internal_ip_address, protocol, "
		    "internal_port, external_port, description) VALUES ($1, $2, "
		    "$3, $4, $5, $6, $7, $8)", 8, p) < 0) {
			if (gr_err_code() == GR_ERR_CONFLICT)
				gr_error(GR_ERR_BAD_REQUEST, "A duplicate port "
				    "forwarding entry with same attributes already "
				    "exists, conflicting values are "
				    "{floatingip_id: %s, protocol: %s, "
				    "external_port: %s} or {internal_port_id: %s, "
				    "internal_ip_address: %s, internal_port: %s}.",
				    fip, proto, ext, port, ip, in);
			goto fail;
		}
		if (gr_db_exec("UPDATE floatingips SET router_id = $2, status = "
		    "'ACTIVE', updated_at = now() WHERE id = $1", 2, q) < 0 ||
		    net_commit() < 0)
			goto fail;
	}
	if ((o = pf_get(fip, id)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "port_forwarding", o);
fail:
	gr_db_rollback();
	return -1;
}

int
pf_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "description", NULL };
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards;
	const char *desc = NULL;
	json_t *b, *o;

	net_scope_of(req, &s);
	if ((b = net_body(req, "port_forwarding", attrs)) == NULL ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    fip_writable(req->params[0], &s, network, address, &associated,
	    &forwards) < 0 || (o = pf_get(req->params[0],
	    req->params[1])) == NULL)
		return -1;
	json_decref(o);
	{
		const char *p[3] = { req->params[0], req->params[1], desc };

		if (gr_db_exec("UPDATE port_forwardings SET description = "
		    "coalesce($3, description), revision_number = "
		    "revision_number + 1, updated_at = now() WHERE floatingip_id = "
		    "$1 AND id = $2", 3, p) < 0)
			return -1;
	}
	if ((o = pf_get(req->params[0], req->params[1])) == NULL)
		return -1;
	return net_reply(req, resp, 200, "port_forwarding", o);
}

int
pf_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	char network[37], address[IPNET_ADDR_LEN];
	int associated, forwards;
	const char *p[2] = { req->params[0], req->params[1] };

	net_scope_of(req, &s);
	if (fip_writable(req->params[0], &s, network, address, &associated,
	    &forwards) < 0)
		return -1;
	if (!gr_is_uuid(req->params[1])) {
		net_not_found("Port forwarding", req->params[1]);
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	if ((r = gr_db_query("DELETE FROM port_forwardings WHERE floatingip_id = "
	    "$1 AND id = $2", 2, p)) == NULL)
		goto fail;
	if (gr_db_affected(r) == 0) {
		net_not_found("Port forwarding", req->params[1]);
		goto fail;
	}
	/* The last forward takes the floating IP's router with it. */
	if (gr_db_exec("UPDATE floatingips SET router_id = NULL, status = "
	    "'DOWN' WHERE id = $1 AND port_id IS NULL AND NOT EXISTS (SELECT 1 "
	    "FROM port_forwardings WHERE floatingip_id = $1)", 1, p) < 0 ||
	    net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}
