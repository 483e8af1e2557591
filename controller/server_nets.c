/*
 * server_nets.c - see server_nets.h. The ports a create makes are the
 * instance's from the start (device_id, device_owner compute:nova), so
 * `server add floating ip` finds them at once; they are bound to a node
 * only once the scheduler chose one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "ctl.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "ipnet.h"
#include "microversion.h"
#include "net_state.h"
#include "network_api.h"
#include "ports.h"
#include "server_nets.h"
#include "servers.h"

/* ---- the request ---- */

/* A network the caller may put a vNIC on: its own or a shared one, not
 * an external one it does not share. */
static int
check_network(const char *id, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if ((r = gr_db_query("SELECT n.external AND NOT n.shared FROM networks "
	    "n WHERE n.id = $3 AND (n.project_id = $1 OR n.shared OR "
	    "$2::boolean OR n.external)", 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Network %s could not be found.", id);
		return -1;
	}
	if (PQgetvalue(r, 0, 0)[0] == 't') {
		gr_error(GR_ERR_FORBIDDEN, "It is not allowed to create an "
		    "interface on external network %s.", id);
		return -1;
	}
	return 0;
}

static int
check_port(const char *id, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if ((r = gr_db_query("SELECT p.device_id FROM ports p WHERE p.id = $3 "
	    "AND (p.project_id = $1 OR $2::boolean)", 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Port id %s could not be found.", id);
		return -1;
	}
	if (PQgetvalue(r, 0, 0)[0] != '\0') {
		gr_error(GR_ERR_CONFLICT, "Port %s is still in use by %s.", id,
		    PQgetvalue(r, 0, 0));
		return -1;
	}
	return 0;
}

/* No networks asked for: the project's one network (Nova's rule before
 * 2.37), none when it sees none. */
static int
pick_auto(struct server_nets *out, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { s->project_id };

	if ((r = gr_db_query("SELECT id FROM networks WHERE (project_id = $1 "
	    "AND NOT external) OR shared ORDER BY created_at LIMIT 2", 1,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) > 1) {
		gr_error(GR_ERR_CONFLICT, "Multiple possible networks found, use "
		    "a Network ID to be more specific.");
		return -1;
	}
	if (PQntuples(r) == 1) {
		snprintf(out->nics[0].network_id, 37, "%s", PQgetvalue(r, 0, 0));
		out->n = 1;
	}
	return 0;
}

static int
read_nic(json_t *e, struct server_nic_req *nic, const struct net_scope *s)
{
	static const char *const keys[] = { "uuid", "port", "fixed_ip", "tag",
	    NULL };
	const char *uuid = NULL, *port = NULL, *ip = NULL, *tag = NULL;
	uint32_t a;

	if (!json_is_object(e) || gr_json_only(e, "network", keys) < 0 ||
	    gr_json_str(e, "uuid", 0, 64, &uuid) < 0 ||
	    gr_json_str(e, "port", 0, 64, &port) < 0 ||
	    gr_json_str(e, "fixed_ip", 0, 64, &ip) < 0 ||
	    gr_json_str(e, "tag", 0, 60, &tag) < 0) {
		if (!json_is_object(e))
			gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: each "
			    "network is an object with uuid or port.");
		return -1;
	}
	if (port) {
		if (ip) {
			gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: a "
			    "port and a fixed_ip may not be given together.");
			return -1;
		}
		if (!gr_is_uuid(port)) {
			gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: port "
			    "uuid is not in proper format (%.64s).", port);
			return -1;
		}
		snprintf(nic->port_id, 37, "%s", port);
		return check_port(port, s);
	}
	if (uuid == NULL || !gr_is_uuid(uuid)) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: network uuid "
		    "is not in proper format (%.64s).", uuid ? uuid : "");
		return -1;
	}
	if (ip && ipnet_addr(ip, &a) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid fixed IP address (%.64s).",
		    ip);
		return -1;
	}
	snprintf(nic->network_id, 37, "%s", uuid);
	if (ip)
		snprintf(nic->fixed_ip, 16, "%s", ip);
	return check_network(uuid, s);
}

/* security_groups: [{"name": NAME or ID}], the project's groups. */
static int
read_groups(json_t *server, struct server_nets *out,
    const struct net_scope *s)
{
	json_t *list = NULL, *e;
	size_t i;
	int only_default = 1;

	if (gr_json_array(server, "security_groups", 0, &list) < 0)
		return -1;
	if (list == NULL || json_array_size(list) == 0)
		return 0;
	out->groups = json_array();
	json_array_foreach(list, i, e) {
		GR_AUTO_PGRES PGresult *r = NULL;
		const char *name = json_string_value(json_object_get(e, "name"));
		const char *p[2] = { s->project_id, name };

		if (name == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid security_groups: "
			    "each is {\"name\": NAME}.");
			return -1;
		}
		if ((r = gr_db_query("SELECT id, is_default FROM security_groups "
		    "WHERE project_id = $1 AND (name = $2 OR id::text = $2) "
		    "ORDER BY id::text = $2 DESC LIMIT 2", 2, p)) == NULL)
			return -1;
		if (PQntuples(r) == 0 && strcmp(name, "default") != 0) {
			gr_error(GR_ERR_BAD_REQUEST, "Security group %.255s not "
			    "found for project %s.", name, s->project_id);
			return -1;
		}
		if (PQntuples(r) == 0)
			continue;	/* default, made with the first port */
		if (PQgetvalue(r, 0, 1)[0] != 't')
			only_default = 0;
		json_array_append_new(out->groups,
		    json_string(PQgetvalue(r, 0, 0)));
	}
	/* Only `default`: what every port gets anyway (Nova drops it). */
	if (only_default) {
		json_decref(out->groups);
		out->groups = NULL;
	}
	return 0;
}

int
server_nets_parse(struct gr_req *req, json_t *server, struct server_nets *out)
{
	struct net_scope s;
	json_t *nets = json_object_get(server, "networks"), *e;
	size_t i;

	int mv = compute_microversion(req);

	memset(out, 0, sizeof(*out));
	net_scope_of(req, &s);
	if (read_groups(server, out, &s) < 0)
		return -1;
	/* Nova's schemas: from 2.37 networks is required and may be "auto"
	 * or "none"; below, a list or nothing (the project's network). */
	if (nets == NULL && mv >= 37) {
		gr_error(GR_ERR_BAD_REQUEST, "'networks' is a required property "
		    "from microversion 2.37: a list, \"auto\" or \"none\".");
		return -1;
	}
	if (json_is_string(nets) && mv < 37) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: it must be a "
		    "list (\"auto\" and \"none\" need microversion 2.37).");
		return -1;
	}
	if (nets == NULL || (json_is_string(nets) &&
	    strcmp(json_string_value(nets), "auto") == 0))
		return pick_auto(out, &s);
	if (json_is_string(nets) && strcmp(json_string_value(nets), "none") ==
	    0)
		return 0;
	if (!json_is_array(nets)) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: it must be a "
		    "list, \"auto\" or \"none\".");
		return -1;
	}
	if (json_array_size(nets) > SERVER_NICS_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: at most %d "
		    "networks.", SERVER_NICS_MAX);
		return -1;
	}
	json_array_foreach(nets, i, e) {
		/* A NIC's tag: 2.32 to 2.36, and again from 2.42 (Nova). */
		if (json_object_get(e, "tag") && (mv < 32 || (mv > 36 &&
		    mv < 42))) {
			gr_error(GR_ERR_BAD_REQUEST, "Bad networks format: a "
			    "network's tag is taken at microversions 2.32 to "
			    "2.36 and from 2.42, not at 2.%d.", mv);
			return -1;
		}
		if (read_nic(e, &out->nics[i], &s) < 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (out->nics[i].port_id[0] &&
			    strcmp(out->nics[i].port_id, out->nics[k].port_id) ==
			    0) {
				gr_error(GR_ERR_BAD_REQUEST, "Port %s is given more "
				    "than once.", out->nics[i].port_id);
				return -1;
			}
		out->n++;
	}
	return 0;
}

void
server_nets_clear(struct server_nets *n)
{
	json_decref(n->groups);
	n->groups = NULL;
}

/* ---- making the ports ---- */

/* The Network API's refusals, as Nova words them for a create. */
static void
as_compute_error(void)
{
	GR_AUTOFREE char *msg = gr_xstrdup(gr_err_msg());

	if (gr_err_code() != GR_ERR_CONFLICT)
		return;
	if (strncmp(msg, "Quota exceeded", 14) == 0)
		gr_error(GR_ERR_FORBIDDEN, "Maximum number of ports exceeded: %s",
		    msg);
	else
		gr_error(GR_ERR_BAD_REQUEST, "%s", msg);
}

static int
allocate_locked(struct gr_req *req, const struct server_nets *n,
    const char *instance_id, json_t *record)
{
	struct net_scope s;

	net_scope_of(req, &s);
	for (int i = 0; i < n->n; i++) {
		const struct server_nic_req *nic = &n->nics[i];
		char id[37];

		if (nic->port_id[0]) {
			GR_AUTO_PGRES PGresult *r = NULL;
			const char *p[2] = { nic->port_id, instance_id };

			if ((r = gr_db_query("UPDATE ports SET device_id = $2, "
			    "device_owner = 'compute:nova', updated_at = now() "
			    "WHERE id = $1 AND device_id = ''", 2, p)) == NULL)
				return -1;
			if (gr_db_affected(r) == 0) {
				gr_error(GR_ERR_CONFLICT, "Port %s is still in "
				    "use.", nic->port_id);
				return -1;
			}
			json_array_append_new(record, json_pack("{s:s,s:b}",
			    "port_id", nic->port_id, "created", 0));
			continue;
		}
		{
			json_t *ips = nic->fixed_ip[0] ? json_pack("[{s:s}]",
			    "ip_address", nic->fixed_ip) : NULL;
			struct port_spec spec = { .device_id = instance_id,
			    .device_owner = "compute:nova", .admin_state_up = 1,
			    .pse = -1, .fixed_ips = ips,
			    .groups = json_incref(n->groups) };
			int ret;

			gr_uuid(id);
			ret = port_create_locked(id, nic->network_id,
			    s.project_id, &spec, &s);
			json_decref(spec.groups);
			json_decref(ips);
			if (ret < 0)
				return -1;
		}
		json_array_append_new(record, json_pack("{s:s,s:b}", "port_id",
		    id, "created", 1));
	}
	return 0;
}

/* The boot spec's NICs for the recorded ports. */
static json_t *
spec_nics(json_t *record)
{
	json_t *nics = json_array(), *e;
	size_t i;

	json_array_foreach(record, i, e) {
		GR_AUTO_PGRES PGresult *r = NULL;
		const char *id = json_string_value(json_object_get(e, "port_id"));
		const char *p[1] = { id };
		char tap[16];

		if ((r = gr_db_query("SELECT p.mac_address, n.mtu FROM ports p "
		    "JOIN networks n ON n.id = p.network_id WHERE p.id = $1", 1,
		    p)) == NULL || PQntuples(r) == 0) {
			json_decref(nics);
			if (r)
				gr_error(GR_ERR_INTERNAL, "Port %s went away.", id);
			return NULL;
		}
		snprintf(tap, sizeof(tap), "tap%.11s", id);
		json_array_append_new(nics, json_pack("{s:s,s:s,s:s,s:i}",
		    "port_id", id, "mac", PQgetvalue(r, 0, 0), "tap", tap, "mtu",
		    atoi(PQgetvalue(r, 0, 1))));
	}
	return nics;
}

int
server_nets_allocate(struct gr_req *req, const struct server_nets *n,
    const char *instance_id, json_t **nics, char **record)
{
	json_t *rec = json_array();

	*nics = NULL;
	*record = NULL;
	if (n->n > 0) {
		if (net_begin() < 0)
			goto fail;
		if (allocate_locked(req, n, instance_id, rec) < 0 ||
		    net_commit() < 0) {
			as_compute_error();
			gr_db_rollback();
			goto fail;
		}
	}
	if ((*nics = spec_nics(rec)) == NULL) {
		*record = json_dumps(rec, JSON_COMPACT);
		server_nets_undo(*record);
		free(*record);
		*record = NULL;
		goto fail;
	}
	*record = json_dumps(rec, JSON_COMPACT);
	json_decref(rec);
	return 0;
fail:
	json_decref(rec);
	return -1;
}

/* Deletes the ports the record says were made, unbinds the others,
 * inside net_begin(). */
static int
release_locked(json_t *record, const char *instance_id)
{
	json_t *e;
	size_t i;

	json_array_foreach(record, i, e) {
		const char *id = json_string_value(json_object_get(e, "port_id"));
		const char *p[1] = { id };

		if (json_is_true(json_object_get(e, "created"))) {
			if (ports_delete_locked(id) < 0)
				return -1;
		} else if (gr_db_exec("UPDATE floatingips SET port_id = NULL, "
		    "fixed_ip_address = NULL, router_id = NULL, status = 'DOWN' "
		    "WHERE port_id = $1", 1, p) < 0) {
			return -1;
		}
	}
	{
		const char *p[1] = { instance_id };

		/* Given ports, and any other port still naming the server. */
		if (gr_db_exec("UPDATE ports SET device_id = '', device_owner = "
		    "'', binding_host = NULL, updated_at = now() WHERE device_id = "
		    "$1 AND device_owner LIKE 'compute:%'", 1, p) < 0)
			return -1;
	}
	return ports_dhcp_sync_locked(NULL);
}

void
server_nets_undo(const char *record)
{
	json_t *rec = record ? json_loads(record, 0, NULL) : NULL;

	if (json_array_size(rec) == 0 || net_begin() < 0) {
		json_decref(rec);
		return;
	}
	if (release_locked(rec, "") < 0 || net_commit() < 0) {
		gr_warn("the ports of a server that was not made stay: %s",
		    gr_err_msg());
		gr_db_rollback();
	}
	json_decref(rec);
}

int
server_nets_release(const char *instance_id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { instance_id };
	json_t *rec;
	int ret = -1;

	if ((r = gr_db_query("SELECT nics FROM instances WHERE id = $1", 1,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	rec = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	{
		GR_AUTO_PGRES PGresult *any = gr_db_query("SELECT 1 FROM ports "
		    "WHERE device_id = $1 LIMIT 1", 1, p);

		if (any && PQntuples(any) == 0 && json_array_size(rec) == 0) {
			json_decref(rec);
			return 0;
		}
	}
	if (net_begin() == 0) {
		if (release_locked(rec, instance_id) == 0 && net_commit() == 0)
			ret = 0;
		else
			gr_db_rollback();
	}
	json_decref(rec);
	return ret;
}

/* ---- plugging them on the node ---- */

/* The instance's ports bound to host, with the node's DHCP ports, in one
 * transaction. */
static int
bind_ports(const char *instance_id, const char *host)
{
	const char *p[2] = { instance_id, host };

	if (net_begin() < 0)
		return -1;
	if (gr_db_exec("UPDATE ports SET binding_host = $2, status = 'DOWN', "
	    "status_reason = NULL, updated_at = now() WHERE device_id = $1 AND "
	    "device_owner LIKE 'compute:%'", 2, p) < 0 ||
	    ports_dhcp_sync_locked(host) < 0 || net_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	return 0;
}

/* The first port of the answer that is not ACTIVE, in a sentence. */
static void
not_ready(const char *host, json_t *answer, int status)
{
	json_t *ports = json_object_get(answer, "ports"), *e;
	size_t i;

	json_array_foreach(ports, i, e) {
		const char *st = json_string_value(json_object_get(e, "status"));
		const char *why = json_string_value(json_object_get(e,
		    "reason"));

		if (st && strcmp(st, "ACTIVE") == 0)
			continue;
		gr_error(GR_ERR_UNAVAILABLE, "The network on node %s is not "
		    "ready for port %s after %ld s: %s.", host,
		    json_string_value(json_object_get(e, "id")),
		    ctl.vif_plugging_timeout, why ? why : "no reason given");
		return;
	}
	gr_error(GR_ERR_UNAVAILABLE, "The network agent on node %s answered "
	    "%d to the plug request: the instance's ports did not come up.",
	    host, status);
}

int
server_nets_plug(const char *instance_id, const char *host, json_t *spec)
{
	json_t *nics = json_object_get(spec, "nics"), *e, *ids, *answer = NULL;
	size_t i;
	int status = 0;

	if (json_array_size(nics) == 0)
		return 0;
	if (bind_ports(instance_id, host) < 0)
		return -1;
	ids = json_array();
	json_array_foreach(nics, i, e)
		json_array_append(ids, json_object_get(e, "port_id"));
	{
		json_t *body = json_pack("{s:o,s:i}", "ports", ids, "timeout",
		    (int)ctl.vif_plugging_timeout);
		int ret = agent_rpc_network(host, "POST", "/v1/ports/ensure",
		    body, ctl.vif_plugging_timeout + 10, &status, &answer);

		json_decref(body);
		if (ret < 0) {
			GR_AUTOFREE char *why = gr_xstrdup(gr_err_msg());

			gr_error(GR_ERR_UNAVAILABLE, "The network on node %s could "
			    "not be set up for the instance: %s", host, why);
			return -1;
		}
	}
	if (status != 200) {
		not_ready(host, answer, status);
		json_decref(answer);
		return -1;
	}
	json_decref(answer);
	return 0;
}

/* ---- what the server shows ---- */

json_t *
server_nets_addresses(const char *instance_id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { instance_id };
	json_t *out = json_object();

	/* Fixed addresses, then the floating ones of each, per network. */
	if ((r = gr_db_query("SELECT n.name, host(a.ip), p.mac_address::text, "
	    "'fixed', p.created_at, p.id, 0 FROM ports p JOIN networks n ON n.id "
	    "= p.network_id JOIN ip_allocations a ON a.port_id = p.id WHERE "
	    "p.device_id = $1 AND p.device_owner LIKE 'compute:%' UNION ALL "
	    "SELECT n.name, host(f.floating_ip_address), p.mac_address::text, "
	    "'floating', p.created_at, p.id, 1 FROM floatingips f JOIN ports p "
	    "ON p.id = f.port_id JOIN networks n ON n.id = p.network_id WHERE "
	    "p.device_id = $1 AND p.device_owner LIKE 'compute:%' ORDER BY 5, "
	    "6, 7, 2", 1, p)) == NULL) {
		gr_err_clear();
		return out;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		const char *net = PQgetvalue(r, i, 0);
		json_t *list = json_object_get(out, net);

		if (list == NULL) {
			list = json_array();
			json_object_set_new(out, net, list);
		}
		json_array_append_new(list, json_pack("{s:i,s:s,s:s,s:s}",
		    "version", 4, "addr", PQgetvalue(r, i, 1), "OS-EXT-IPS:type",
		    PQgetvalue(r, i, 3), "OS-EXT-IPS-MAC:mac_addr",
		    PQgetvalue(r, i, 2)));
	}
	return out;
}

json_t *
server_nets_groups(const char *instance_id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { instance_id };
	json_t *out;

	if ((r = gr_db_query("SELECT DISTINCT g.name FROM ports p JOIN "
	    "port_security_groups x ON x.port_id = p.id JOIN security_groups g "
	    "ON g.id = x.security_group_id WHERE p.device_id = $1 AND "
	    "p.device_owner LIKE 'compute:%' ORDER BY 1", 1, p)) == NULL) {
		gr_err_clear();
		return NULL;
	}
	if (PQntuples(r) == 0)
		return NULL;
	out = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(out, json_pack("{s:s}", "name",
		    PQgetvalue(r, i, 0)));
	return out;
}

json_t *
server_nets_addresses_plain(json_t *addresses)
{
	json_t *out = json_object(), *list, *e;
	const char *net;
	size_t i;

	json_object_foreach(addresses, net, list) {
		json_t *l = json_array();

		json_array_foreach(list, i, e)
			json_array_append_new(l, json_pack("{s:O,s:O}", "version",
			    json_object_get(e, "version"), "addr",
			    json_object_get(e, "addr")));
		json_object_set_new(out, net, l);
	}
	json_decref(addresses);
	return out;
}

int
server_ips(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = server_load(req, req->params[0]);
	json_t *a;

	if (r == NULL)
		return -1;
	a = server_nets_addresses_plain(server_nets_addresses(req->params[0]));
	gr_resp_json(resp, 200, json_pack("{s:o}", "addresses", a));
	return 0;
}

int
server_ips_network(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = server_load(req, req->params[0]);
	json_t *b, *one;

	if (r == NULL)
		return -1;
	b = server_nets_addresses_plain(server_nets_addresses(req->params[0]));
	if ((one = json_object_get(b, req->params[1])) == NULL) {
		json_decref(b);
		gr_error(GR_ERR_NOT_FOUND, "Instance %s is not on network %.64s.",
		    req->params[0], req->params[1]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:O}", req->params[1], one));
	json_decref(b);
	return 0;
}

#define INTERFACE_JSON \
	"json_build_object('net_id', p.network_id, 'port_id', p.id, " \
	"'mac_addr', p.mac_address, 'port_state', p.status, 'fixed_ips', " \
	"coalesce((SELECT json_agg(json_build_object('subnet_id', " \
	"a.subnet_id, 'ip_address', host(a.ip)) ORDER BY a.created_at) FROM " \
	"ip_allocations a WHERE a.port_id = p.id), '[]'::json))"

int
server_interface_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *s = server_load(req, req->params[0]);
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if (s == NULL || (r = gr_db_query("SELECT " INTERFACE_JSON " FROM ports "
	    "p WHERE p.device_id = $1 AND p.device_owner LIKE 'compute:%' ORDER "
	    "BY p.created_at, p.id", 1, p)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "interfaceAttachments",
	    net_rows(r)));
	return 0;
}

int
server_interface_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *s = server_load(req, req->params[0]);
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { req->params[0], req->params[1] };
	json_t *list;

	if (s == NULL)
		return -1;
	if (!gr_is_uuid(req->params[1])) {
		gr_error(GR_ERR_NOT_FOUND, "Port %.64s is not attached to the "
		    "instance.", req->params[1]);
		return -1;
	}
	if ((r = gr_db_query("SELECT " INTERFACE_JSON " FROM ports p WHERE "
	    "p.device_id = $1 AND p.id = $2 AND p.device_owner LIKE "
	    "'compute:%'", 2, p)) == NULL)
		return -1;
	list = net_rows(r);
	if (json_array_size(list) == 0) {
		json_decref(list);
		gr_error(GR_ERR_NOT_FOUND, "Port %s is not attached to the "
		    "instance.", req->params[1]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:O}", "interfaceAttachment",
	    json_array_get(list, 0)));
	json_decref(list);
	return 0;
}
