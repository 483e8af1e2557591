/*
 * net_state.c - see net_state.h.
 *
 * The document is built in SQL (json_build_object, json_agg), one
 * subquery per top-level section: each section is a set of rows with
 * lists nested inside (a network's subnets and peers, a port's fixed IPs,
 * a group's rules), which SQL aggregates where the rows are, in one
 * statement whatever the number of ports, and ordered, so the same state
 * always gives the same document. json (not jsonb) keeps the
 * keys in the contract's order. C only checks the caller, reads the
 * generation and puts the sections together. The generation and the
 * sections are one statement, so one snapshot: an agent that applied
 * generation G has seen every change committed before G was.
 *
 * Names the agent gives its devices come from here, so that the
 * controller, the boot spec and the agent agree: "brq" + network[:11]
 * (VXLAN networks; a flat network's bridge is the node's mapping of its
 * physical_network, so null), "vxlan-<vni>", "tap" + port[:11],
 * "qdhcp-<network>", "ns-" + port[:11], "qrouter-<router>", "qr-"/"qg-" +
 * port[:11].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "auth.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "net_state.h"
#include "net_state_priv.h"

#define WAKE_TIMEOUT_S	2	/* a wake is a hint: the agents poll */

/* ---- the node document ---- */

/*
 * Where each port is: its binding, or for a router's legs the router's
 * host (the API may bind them or not: the router's host is where they
 * are plugged either way).
 */
#define PLACED \
	"placed AS (SELECT p.id, p.network_id, p.mac_address, " \
	"coalesce(p.binding_host, r.host) AS at FROM ports p LEFT JOIN " \
	"routers r ON p.device_owner IN ('network:router_interface', " \
	"'network:router_gateway') AND r.id::text = p.device_id)"

/* The bridge of network n (alias), null for a flat one. */
#define BRIDGE(n) \
	"CASE WHEN " n ".network_type = 'vxlan' THEN 'brq' || " \
	"left(" n ".id::text, 11) END"

/* The fixed IPs of port p (alias) as [{subnet_id, ip_address}]. */
#define FIXED_IPS(p) \
	"(SELECT coalesce(json_agg(json_build_object('subnet_id', " \
	"ia.subnet_id, 'ip_address', host(ia.ip)) ORDER BY ia.ip), '[]') " \
	"FROM ip_allocations ia WHERE ia.port_id = " p ".id)"

/* The lowest fixed IP of port p (alias), or null. */
#define FIRST_IP(p) \
	"(SELECT host(ia.ip) FROM ip_allocations ia WHERE ia.port_id = " \
	p ".id ORDER BY ia.ip LIMIT 1)"

/* The DHCP entries of network n: the node's own VM ports' addresses on
 * the network's DHCP subnets. */
#define DHCP_HOSTS \
	"(SELECT coalesce(json_agg(json_build_object('mac', " \
	"c.mac_address::text, 'ip', host(ia.ip), 'name', 'host-' || " \
	"replace(host(ia.ip), '.', '-')) ORDER BY ia.ip), '[]') FROM ports c " \
	"JOIN ip_allocations ia ON ia.port_id = c.id JOIN subnets s ON " \
	"s.id = ia.subnet_id WHERE c.network_id = n.id AND c.binding_host = " \
	"$1::text AND c.device_owner LIKE 'compute:%' AND s.enable_dhcp)"

/* Every network a port of the node is on: its VM ports, its DHCP port,
 * the legs of its routers. Peers and remote ports only on VXLAN ones. */
#define NETWORKS_SQL \
    "WITH " PLACED ", " \
    "mine AS (SELECT DISTINCT network_id AS id FROM placed WHERE at = " \
    "$1::text) " \
    "SELECT coalesce(json_agg(json_build_object(" \
    "'id', n.id, 'type', n.network_type, 'vni', n.segmentation_id, " \
    "'physical_network', n.physical_network, 'mtu', n.mtu, " \
    "'bridge', " BRIDGE("n") ", " \
    "'vxlan', CASE WHEN n.network_type = 'vxlan' THEN 'vxlan-' || " \
    "n.segmentation_id END, " \
    "'peers', CASE WHEN n.network_type <> 'vxlan' THEN '[]'::json ELSE " \
    "(SELECT coalesce(json_agg(DISTINCT a.host_ip ORDER BY a.host_ip), " \
    "'[]') FROM placed o JOIN agents a ON a.host = o.at AND a.kind = " \
    "'network' WHERE o.network_id = n.id AND o.at <> $1::text) END, " \
    "'remote_ports', CASE WHEN n.network_type <> 'vxlan' THEN '[]'::json " \
    "ELSE (SELECT coalesce(json_agg(json_build_object('mac', " \
    "o.mac_address::text, 'ip', " FIRST_IP("o") ", 'peer', a.host_ip) " \
    "ORDER BY o.mac_address), '[]') FROM placed o JOIN agents a ON " \
    "a.host = o.at AND a.kind = 'network' WHERE o.network_id = n.id AND " \
    "o.at <> $1::text) END, " \
    "'subnets', (SELECT coalesce(json_agg(json_build_object('id', s.id, " \
    "'cidr', s.cidr::text, 'gateway_ip', host(s.gateway_ip), " \
    "'enable_dhcp', s.enable_dhcp, 'dns_nameservers', s.dns_nameservers, " \
    "'host_routes', s.host_routes) ORDER BY s.cidr), '[]') FROM subnets s " \
    "WHERE s.network_id = n.id), " \
    "'dhcp', (SELECT json_build_object('port_id', d.id, 'mac', " \
    "d.mac_address::text, 'ips', " FIXED_IPS("d") ", 'namespace', " \
    "'qdhcp-' || n.id, 'device', 'ns-' || left(d.id::text, 11), 'hosts', " \
    DHCP_HOSTS ") FROM ports d WHERE d.network_id = n.id AND " \
    "d.binding_host = $1::text AND d.device_owner = 'network:dhcp' AND " \
    "d.device_id = 'dhcp-' || $1::text ORDER BY d.id LIMIT 1)" \
    ") ORDER BY n.id), '[]') FROM networks n JOIN mine USING (id)"

/* The node's VM ports, whose taps the agent makes. */
#define PORTS_SQL \
    "SELECT coalesce(json_agg(json_build_object(" \
    "'id', p.id, 'network_id', p.network_id, 'tap', 'tap' || " \
    "left(p.id::text, 11), 'mac', p.mac_address::text, 'fixed_ips', " \
    FIXED_IPS("p") ", 'admin_state_up', p.admin_state_up, " \
    "'port_security_enabled', p.port_security_enabled, 'security_groups', " \
    "(SELECT coalesce(json_agg(g.security_group_id ORDER BY " \
    "g.security_group_id), '[]') FROM port_security_groups g WHERE " \
    "g.port_id = p.id), 'device_owner', p.device_owner, 'device_id', " \
    "p.device_id) ORDER BY p.id), '[]') FROM ports p WHERE p.binding_host " \
    "= $1::text AND p.device_owner LIKE 'compute:%'"

/* Every group a VM port of the node is in, with its rules; a rule with a
 * remote group matches the fixed IPs of that group's ports, wherever
 * they are. */
#define GROUPS_SQL \
    "WITH used AS (SELECT DISTINCT " \
    "g.security_group_id AS id FROM port_security_groups g JOIN ports p ON " \
    "p.id = g.port_id WHERE p.binding_host = $1::text AND p.device_owner " \
    "LIKE 'compute:%') " \
    "SELECT coalesce(json_agg(json_build_object('id', u.id, 'rules', " \
    "(SELECT coalesce(json_agg(json_build_object('id', r.id, 'direction', " \
    "r.direction, 'ethertype', r.ethertype, 'protocol', r.protocol, " \
    "'port_range_min', r.port_range_min, 'port_range_max', " \
    "r.port_range_max, 'remote_ip_prefix', r.remote_ip_prefix::text, " \
    "'remote_group_id', r.remote_group_id, 'remote_ips', CASE WHEN " \
    "r.remote_group_id IS NULL THEN '[]'::json ELSE (SELECT " \
    "coalesce(json_agg(DISTINCT host(ia.ip) ORDER BY host(ia.ip)), '[]') " \
    "FROM port_security_groups m JOIN ip_allocations ia ON ia.port_id = " \
    "m.port_id WHERE m.security_group_id = r.remote_group_id) END) " \
    "ORDER BY r.id), '[]') FROM security_group_rules r WHERE " \
    "r.security_group_id = u.id)) ORDER BY u.id), '[]') FROM used u"

/* A router leg's address: its port's lowest fixed IP and that subnet. */
#define LEG_JOIN(p) \
	"LEFT JOIN LATERAL (SELECT ia.ip, ia.subnet_id FROM ip_allocations " \
	"ia WHERE ia.port_id = " p ".id ORDER BY ia.ip LIMIT 1) fi ON true " \
	"LEFT JOIN subnets s ON s.id = fi.subnet_id"

/* The routers the node runs. The gateway carries its network_id too: a
 * flat external network's bridge is the agent's mapping of it. */
#define ROUTERS_SQL \
    "SELECT coalesce(json_agg(" \
    "json_build_object('id', r.id, 'namespace', 'qrouter-' || r.id, " \
    "'enable_snat', r.enable_snat, " \
    "'gateway', (SELECT json_build_object('port_id', g.id, 'network_id', " \
    "g.network_id, 'device', 'qg-' || left(g.id::text, 11), 'mac', " \
    "g.mac_address::text, 'ip', host(fi.ip), 'prefixlen', masklen(s.cidr), " \
    "'gateway_ip', host(s.gateway_ip), 'bridge', " BRIDGE("gn") ", 'mtu', " \
    "gn.mtu) FROM ports g JOIN networks gn ON gn.id = g.network_id " \
    LEG_JOIN("g") " WHERE g.id = r.gw_port_id), " \
    "'interfaces', (SELECT coalesce(json_agg(json_build_object('port_id', " \
    "i.id, 'device', 'qr-' || left(i.id::text, 11), 'mac', " \
    "i.mac_address::text, 'ip', host(fi.ip), 'prefixlen', masklen(s.cidr), " \
    "'network_id', i.network_id, 'bridge', " BRIDGE("ln") ", 'mtu', " \
    "ln.mtu) ORDER BY i.id), '[]') FROM ports i JOIN networks ln ON " \
    "ln.id = i.network_id " LEG_JOIN("i") " WHERE i.device_id = " \
    "r.id::text AND i.device_owner = 'network:router_interface'), " \
    "'floating_ips', (SELECT coalesce(json_agg(json_build_object('id', " \
    "f.id, 'ip', host(f.floating_ip_address), 'fixed_ip', " \
    "host(f.fixed_ip_address), 'port_id', f.port_id) ORDER BY f.id), '[]') " \
    "FROM floatingips f WHERE f.router_id = r.id AND f.port_id IS NOT " \
    "NULL), " \
    "'port_forwards', (SELECT coalesce(json_agg(json_build_object('id', " \
    "pf.id, 'ip', host(f.floating_ip_address), 'protocol', pf.protocol, " \
    "'external_port', pf.external_port, 'internal_ip', " \
    "host(pf.internal_ip_address), 'internal_port', pf.internal_port) " \
    "ORDER BY pf.id), '[]') FROM port_forwardings pf JOIN floatingips f ON " \
    "f.id = pf.floatingip_id WHERE f.router_id = r.id)" \
    ") ORDER BY r.id), '[]') FROM routers r WHERE r.host = $1::text"

/*
 * The whole answer in one statement, so in one snapshot: the generation,
 * the node's underlay address and, unless the generation is still the
 * caller's ($2; -1 for none), the four sections (CASE evaluates only the
 * branch it takes, so a 304 costs one short query).
 */
#define SECTION(sql) "CASE WHEN s.generation = $2::bigint THEN NULL ELSE (" \
	sql ") END"
static const char document_sql[] = "SELECT s.generation, (SELECT host_ip "
    "FROM agents WHERE host = $1::text AND kind = 'network'), "
    SECTION(NETWORKS_SQL) ", " SECTION(PORTS_SQL) ", "
    SECTION(GROUPS_SQL) ", " SECTION(ROUTERS_SQL) " FROM net_state s";

static const char *const section_keys[] = {
	"networks", "ports", "security_groups", "routers",
};

/* The optional since=G: -1 when absent, else G (0..10^18). */
static int
since_param(struct gr_req *req, long long *since)
{
	const char *v = gr_req_query(req, "since");
	size_t n;

	*since = -1;
	if (v == NULL)
		return 0;
	n = strlen(v);
	if (n == 0 || n > 18 || strspn(v, "0123456789") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "The query parameter 'since' is "
		    "'%.32s'; it must be a generation, a number from 0.", v);
		return -1;
	}
	*since = strtoll(v, NULL, 10);
	return 0;
}

/* The generation and, unless it is still `since`, the document. *doc
 * stays NULL for a 304. */
static int
build(const char *host, long long since, json_t **doc)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char sbuf[24];
	const char *p[2] = { host, sbuf };
	json_error_t jerr;
	long long gen;

	*doc = NULL;
	snprintf(sbuf, sizeof(sbuf), "%lld", since);
	if ((r = gr_db_query(document_sql, 2, p)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		gr_error(GR_ERR_INTERNAL, "The table net_state has no row.");
		return -1;
	}
	if ((gen = strtoll(PQgetvalue(r, 0, 0), NULL, 10)) == since)
		return 0;
	*doc = json_pack("{s:I,s:s,s:o}", "generation", (json_int_t)gen,
	    "host", host, "underlay_ip", PQgetisnull(r, 0, 1) ? json_null() :
	    json_string(PQgetvalue(r, 0, 1)));
	for (size_t i = 0; i < sizeof(section_keys) / sizeof(*section_keys);
	    i++) {
		json_t *v = json_loads(PQgetvalue(r, 0, 2 + (int)i),
		    JSON_DECODE_ANY, &jerr);

		if (v == NULL) {
			gr_error(GR_ERR_INTERNAL, "The node document's %s are "
			    "not JSON: %s.", section_keys[i], jerr.text);
			json_decref(*doc);
			*doc = NULL;
			return -1;
		}
		json_object_set_new(*doc, section_keys[i], v);
	}
	return 0;
}

int
net_state_document(struct gr_req *req, struct gr_resp *resp)
{
	const char *host = req->params[0];
	long long since;
	json_t *doc;

	if (auth_node_speaks(req, host) < 0 || since_param(req, &since) < 0 ||
	    build(host, since, &doc) < 0)
		return -1;
	if (doc == NULL)
		gr_resp_empty(resp, 304);
	else
		gr_resp_json(resp, 200, doc);
	return 0;
}

/* ---- observations ---- */

/* 1 when s is a lower-case UUID (8-4-4-4-12), as the ports' ids are. */
static int
is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]) ||
		    s[i] == '\0')
			return 0;
	}
	return s[36] == '\0';
}

/* ports[i], labelled "ports[i].field" in what it refuses. */
static int
obs_port_parse(json_t *o, size_t i, struct port_obs *p)
{
	static const char *const known[] = { "id", "status", "reason",
	    "diagnostics", NULL };
	char what[64];
	json_t *v;

	snprintf(what, sizeof(what), "observation of ports[%zu]", i);
	if (!json_is_object(o)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu]' must be an "
		    "object.", i);
		return -1;
	}
	if (gr_json_only(o, what, known) < 0)
		return -1;
	v = json_object_get(o, "id");
	if (!json_is_string(v) || !is_uuid(json_string_value(v))) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu].id' must be "
		    "a port's id, a lower-case UUID.", i);
		return -1;
	}
	p->id = json_string_value(v);
	v = json_object_get(o, "status");
	if (!json_is_string(v) || (strcmp(json_string_value(v), "ACTIVE") &&
	    strcmp(json_string_value(v), "DOWN"))) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu].status' must "
		    "be 'ACTIVE' or 'DOWN'.", i);
		return -1;
	}
	p->status = json_string_value(v);
	v = json_object_get(o, "reason");
	if (v != NULL && !json_is_null(v) && (!json_is_string(v) ||
	    json_string_length(v) > NET_REASON_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu].reason' must "
		    "be null or a string of at most %d bytes.", i,
		    NET_REASON_MAX);
		return -1;
	}
	p->reason = json_is_string(v) ? json_string_value(v) : NULL;
	v = json_object_get(o, "diagnostics");
	if (v != NULL && !json_is_null(v) && !json_is_object(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu].diagnostics' "
		    "must be an object.", i);
		return -1;
	}
	p->diagnostics = json_is_object(v) ? v : NULL;
	return 0;
}

int
net_obs_parse(json_t *body, struct observation *o)
{
	static const char *const known[] = { "generation", "ports", NULL };
	GR_AUTO_JSON json_t *seen = json_object();
	json_t *ports = NULL;

	*o = (struct observation){ 0 };
	if (gr_json_only(body, "port observation", known) < 0 ||
	    gr_json_int(body, "generation", 1, 0, 1000000000000000000LL,
	    &o->generation) < 0 ||
	    gr_json_array(body, "ports", 1, &ports) < 0)
		return -1;
	if (json_array_size(ports) > NET_OBS_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'ports' has %zu entries; "
		    "at most %d are allowed.", json_array_size(ports),
		    NET_OBS_MAX);
		return -1;
	}
	o->ports = gr_xcalloc(json_array_size(ports) + 1, sizeof(*o->ports));
	for (size_t i = 0; i < json_array_size(ports); i++) {
		struct port_obs *p = &o->ports[i];

		if (obs_port_parse(json_array_get(ports, i), i, p) < 0)
			goto fail;
		if (json_object_get(seen, p->id)) {
			gr_error(GR_ERR_BAD_REQUEST, "The field 'ports[%zu].id' "
			    "repeats port %s.", i, p->id);
			goto fail;
		}
		json_object_set_new(seen, p->id, json_true());
		o->nports++;
	}
	return 0;
fail:
	net_obs_free(o);
	return -1;
}

void
net_obs_free(struct observation *o)
{
	free(o->ports);
	*o = (struct observation){ 0 };
}

/* The observations as the JSON list the UPDATE reads. */
static char *
obs_rows(const struct observation *o)
{
	GR_AUTO_JSON json_t *rows = json_array();

	for (size_t i = 0; i < o->nports; i++) {
		const struct port_obs *p = &o->ports[i];

		json_array_append_new(rows, json_pack("{s:s,s:s,s:o,s:O}", "id",
		    p->id, "status", p->status, "reason", p->reason ?
		    json_string(p->reason) : json_null(), "diagnostics",
		    p->diagnostics ? p->diagnostics : json_null()));
	}
	return json_dumps(rows, JSON_COMPACT);
}

int
net_state_observe(struct gr_req *req, struct gr_resp *resp)
{
	const char *host = req->params[0];
	struct observation o;
	json_t *body;
	GR_AUTOFREE char *rows = NULL;
	GR_AUTO_PGRES PGresult *r = NULL;
	int ret = -1;

	if (auth_node_speaks(req, host) < 0)
		return -1;
	if ((body = gr_req_json(req)) == NULL || net_obs_parse(body, &o) < 0)
		return -1;
	rows = obs_rows(&o);
	const char *p[2] = { host, rows };
	/* One statement: the report is stored whole or not at all. Only the
	 * observed columns change, which bump no generation (0007's
	 * triggers); a port not bound to this node is skipped. */
	r = gr_db_query("UPDATE ports p SET status = o.status, status_reason = "
	    "o.reason, diagnostics = o.diagnostics, observed_at = now() FROM "
	    "jsonb_to_recordset($2::jsonb) AS o(id uuid, status text, reason "
	    "text, diagnostics jsonb) WHERE p.id = o.id AND p.binding_host = $1",
	    2, p);
	if (r == NULL)
		goto out;
	if ((size_t)gr_db_affected(r) < o.nports)
		gr_debug("node %s observed %zu ports, %d of them bound to it",
		    host, o.nports, gr_db_affected(r));
	gr_resp_empty(resp, 204);
	ret = 0;
out:
	net_obs_free(&o);
	return ret;
}

/* ---- wakes ---- */

void
net_state_wake_hosts(const char *const *hosts, size_t n)
{
	GR_AUTO_PGRES PGresult *r = NULL;

	if (hosts != NULL) {
		for (size_t i = 0; i < n; i++)
			agent_rpc_network_hint(hosts[i], "/v1/wake",
			    WAKE_TIMEOUT_S);
		return;
	}
	r = gr_db_query("SELECT host FROM agents WHERE kind = 'network' AND "
	    "agent_url IS NOT NULL ORDER BY host", 0, NULL);
	if (r == NULL) {
		gr_err_log("cannot list the network agents to wake");
		return;
	}
	for (int i = 0; i < PQntuples(r); i++)
		agent_rpc_network_hint(PQgetvalue(r, i, 0), "/v1/wake",
		    WAKE_TIMEOUT_S);
}
