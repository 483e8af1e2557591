/*
 * port_diag.c - why a port works or not, in two parts. The dataplane:
 * what its node's network agent sees, hop by hop (tap, bridge, VXLAN,
 * flood entries, DHCP, rules), asked afresh, or its last report when the
 * agent does not answer. Reachability, from the model: whether its
 * subnet has a router, the router a gateway, the port a floating IP, and
 * whether its groups admit ICMP echo and which TCP ports from outside,
 * so that "why does ping FIP fail" has a sentence. The reason is the
 * first hop that is not ok.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "network_api.h"
#include "port_diag.h"
#include "ports.h"

static void
check(json_t *list, const char *name, int ok, const char *detail)
{
	json_array_append_new(list, json_pack("{s:s,s:b,s:s}", "check", name,
	    "ok", ok, "detail", detail));
}

/* The dataplane part: the agent's answer, or its last report. */
static json_t *
dataplane(const char *id, const char *host, PGresult *stored)
{
	GR_AUTOFREE char *path = NULL;
	json_t *answer = NULL, *out;
	int status = 0;

	if (host[0] == '\0')
		return json_pack("{s:s,s:b,s:s}", "source", "none", "ok", 0,
		    "detail", "the port is bound to no node: no server uses it, "
		    "or its server is not scheduled yet");
	path = gr_xasprintf("/v1/ports/%s/diagnostics", id);
	if (agent_rpc_network(host, "GET", path, NULL, 5, &status,
	    &answer) == 0 && status == 200 && json_is_object(answer)) {
		json_object_set_new(answer, "source", json_string("agent"));
		return answer;
	}
	json_decref(answer);
	out = PQgetisnull(stored, 0, 0) ? json_object() :
	    json_loads(PQgetvalue(stored, 0, 0), 0, NULL);
	if (out == NULL)
		out = json_object();
	json_object_set_new(out, "source", json_string("last report"));
	json_object_set_new(out, "agent", json_sprintf("the network agent of "
	    "node %s did not answer (%s); this is its last report, of %s",
	    host, status ? "it refused" : gr_err_msg(), PQgetisnull(stored, 0,
	    1) ? "never" : PQgetvalue(stored, 0, 1)));
	gr_err_clear();
	return out;
}

/* The reachability part, one check per link from outside to the port. */
static json_t *
reachability(const char *id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };
	json_t *list = json_array();
	char msg[600];

	/* Per fixed IP: its subnet, the router on it and that router's
	 * gateway network, the floating IPs on that address. */
	if ((r = gr_db_query("SELECT host(a.ip), s.name, s.id, (SELECT x.name "
	    "|| ' (' || x.id || ')' FROM ports q JOIN routers x ON x.id::text "
	    "= q.device_id JOIN ip_allocations qa ON qa.port_id = q.id WHERE "
	    "q.device_owner = 'network:router_interface' AND qa.subnet_id = "
	    "a.subnet_id LIMIT 1), (SELECT n.name FROM ports q JOIN routers x "
	    "ON x.id::text = q.device_id JOIN ip_allocations qa ON qa.port_id "
	    "= q.id JOIN networks n ON n.id = x.gw_network_id WHERE "
	    "q.device_owner = 'network:router_interface' AND qa.subnet_id = "
	    "a.subnet_id LIMIT 1), (SELECT string_agg(host(f.floating_ip_address), "
	    "', ') FROM floatingips f WHERE f.port_id = a.port_id AND "
	    "f.fixed_ip_address = a.ip), (SELECT string_agg(host(f.floating_ip_address) "
	    "|| ':' || w.external_port || '->' || w.internal_port, ', ') FROM "
	    "port_forwardings w JOIN floatingips f ON f.id = w.floatingip_id "
	    "WHERE w.internal_port_id = a.port_id) FROM ip_allocations a JOIN "
	    "subnets s ON s.id = a.subnet_id WHERE a.port_id = $1 ORDER BY "
	    "a.created_at", 1, p)) == NULL) {
		gr_err_clear();
		return list;
	}
	if (PQntuples(r) == 0)
		check(list, "address", 0, "the port has no fixed IP");
	for (int i = 0; i < PQntuples(r); i++) {
		const char *ip = PQgetvalue(r, i, 0), *sub = PQgetvalue(r, i, 1);

		if (PQgetisnull(r, i, 3)) {
			snprintf(msg, sizeof(msg), "subnet %s of %s has no router: "
			    "nothing outside the network reaches it (router add "
			    "subnet)", sub[0] ? sub : PQgetvalue(r, i, 2), ip);
			check(list, "router", 0, msg);
			continue;
		}
		snprintf(msg, sizeof(msg), "subnet %s of %s is on router %s", sub,
		    ip, PQgetvalue(r, i, 3));
		check(list, "router", 1, msg);
		if (PQgetisnull(r, i, 4)) {
			snprintf(msg, sizeof(msg), "router %s has no external "
			    "gateway (router set --external-gateway)",
			    PQgetvalue(r, i, 3));
			check(list, "gateway", 0, msg);
			continue;
		}
		snprintf(msg, sizeof(msg), "router %s has its gateway on %s",
		    PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
		check(list, "gateway", 1, msg);
		if (PQgetisnull(r, i, 5) && PQgetisnull(r, i, 6)) {
			snprintf(msg, sizeof(msg), "%s has no floating IP and no "
			    "port forward: it reaches out (SNAT), nothing reaches "
			    "in", ip);
			check(list, "floating_ip", 0, msg);
			continue;
		}
		snprintf(msg, sizeof(msg), "%s is reached as %s%s%s", ip,
		    PQgetisnull(r, i, 5) ? "" : PQgetvalue(r, i, 5),
		    !PQgetisnull(r, i, 5) && !PQgetisnull(r, i, 6) ? ", " : "",
		    PQgetisnull(r, i, 6) ? "" : PQgetvalue(r, i, 6));
		check(list, "floating_ip", 1, msg);
	}
	return list;
}

/* Whether the port's groups admit ICMP echo and TCP from anywhere. */
static void
ingress(const char *id, json_t *list)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	if ((r = gr_db_query("SELECT p.port_security_enabled, EXISTS (SELECT 1 "
	    "FROM port_security_groups x JOIN security_group_rules u ON "
	    "u.security_group_id = x.security_group_id WHERE x.port_id = p.id "
	    "AND u.direction = 'ingress' AND u.ethertype = 'IPv4' AND "
	    "u.remote_group_id IS NULL AND (u.protocol IS NULL OR u.protocol IN "
	    "('icmp', '1')) AND (u.port_range_min IS NULL OR u.port_range_min = "
	    "8)), (SELECT string_agg(DISTINCT CASE WHEN u.port_range_min IS NULL "
	    "THEN 'all' WHEN u.port_range_min = u.port_range_max THEN "
	    "u.port_range_min::text ELSE u.port_range_min || '-' || "
	    "u.port_range_max END, ', ') FROM port_security_groups x JOIN "
	    "security_group_rules u ON u.security_group_id = x.security_group_id "
	    "WHERE x.port_id = p.id AND u.direction = 'ingress' AND "
	    "u.remote_group_id IS NULL AND u.protocol IN ('tcp', '6')) FROM "
	    "ports p WHERE p.id = $1", 1, p)) == NULL || PQntuples(r) == 0) {
		gr_err_clear();
		return;
	}
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		check(list, "icmp_ingress", 1, "port security is off: everything "
		    "reaches the port");
		return;
	}
	check(list, "icmp_ingress", PQgetvalue(r, 0, 1)[0] == 't',
	    PQgetvalue(r, 0, 1)[0] == 't' ? "a rule of its groups admits ICMP "
	    "echo from outside" : "no rule of its groups admits ICMP echo from "
	    "outside its groups, so a ping from outside is dropped (security "
	    "group rule create --protocol icmp GROUP)");
	{
		char msg[300];

		if (PQgetisnull(r, 0, 2))
			snprintf(msg, sizeof(msg), "no rule admits TCP from outside "
			    "its groups");
		else
			snprintf(msg, sizeof(msg), "TCP from outside is admitted "
			    "to port(s) %s", PQgetvalue(r, 0, 2));
		json_array_append_new(list, json_pack("{s:s,s:b,s:s}", "check",
		    "tcp_ingress", "ok", !PQgetisnull(r, 0, 2), "detail", msg));
	}
}

/* The first failing hop or check, in words. */
static json_t *
first_reason(json_t *dp, json_t *reach)
{
	json_t *hops = json_object_get(dp, "hops"), *e;
	size_t i;

	json_array_foreach(hops, i, e)
		if (!json_is_true(json_object_get(e, "ok")))
			return json_incref(json_object_get(e, "detail"));
	if (json_is_false(json_object_get(dp, "ok")))
		return json_incref(json_object_get(dp, "detail"));
	json_array_foreach(reach, i, e)
		if (!json_is_true(json_object_get(e, "ok")))
			return json_incref(json_object_get(e, "detail"));
	return json_null();
}

int
port_diagnostics(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = req->params[0];
	struct net_scope s;
	json_t *port, *dp, *reach;
	const char *p[1] = { id };

	net_scope_of(req, &s);
	if ((port = port_get(id, &s)) == NULL)
		return -1;
	json_decref(port);
	if ((r = gr_db_query("SELECT diagnostics, " GR_DB_ISO_Z("observed_at")
	    ", coalesce(binding_host, ''), status, status_reason FROM ports "
	    "WHERE id = $1", 1, p)) == NULL || PQntuples(r) == 0)
		return -1;
	dp = dataplane(id, PQgetvalue(r, 0, 2), r);
	reach = reachability(id);
	ingress(id, reach);
	gr_resp_json(resp, 200, json_pack("{s:{s:s,s:s,s:s,s:o,s:o,s:o}}",
	    "port_diagnostics", "port_id", id, "status", PQgetvalue(r, 0, 3),
	    "host", PQgetvalue(r, 0, 2), "reason", first_reason(dp, reach),
	    "dataplane", dp, "reachability", reach));
	return 0;
}
