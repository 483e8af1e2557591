/*
 * ports.c - Network v2.0 ports: a vNIC's place on a network (its MAC,
 * unique per network; its fixed IPs from ipam.c; its security groups,
 * the project's `default` unless told otherwise) and where it is bound
 * (binding:host_id, the node whose network agent plugs it). Its status
 * is what that agent last observed (net_state.c stores it).
 *
 * A project sees its own ports and those on its networks; the binding
 * attributes but binding:vnic_type are an admin's, as in Neutron.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "ipam.h"
#include "network_api.h"
#include "networks.h"
#include "ports.h"
#include "secgroups.h"

#define MAX_GROUPS	16

#define PORT_JSON \
	"json_build_object('id', p.id, 'name', p.name, 'description', " \
	"p.description, 'network_id', p.network_id, 'tenant_id', " \
	"p.project_id, 'project_id', p.project_id, 'mac_address', " \
	"p.mac_address, 'admin_state_up', p.admin_state_up, 'status', " \
	"p.status, 'device_id', p.device_id, 'device_owner', " \
	"p.device_owner, 'fixed_ips', coalesce((SELECT json_agg(" \
	"json_build_object('subnet_id', a.subnet_id, 'ip_address', " \
	"host(a.ip)) ORDER BY a.created_at, a.ip) FROM ip_allocations a " \
	"WHERE a.port_id = p.id), '[]'::json), 'security_groups', " \
	"coalesce((SELECT json_agg(g.security_group_id ORDER BY " \
	"g.security_group_id) FROM port_security_groups g WHERE g.port_id = " \
	"p.id), '[]'::json), 'port_security_enabled', " \
	"p.port_security_enabled, 'binding:host_id', " \
	"coalesce(p.binding_host, ''), 'binding:profile', " \
	"p.binding_profile, 'binding:vnic_type', p.binding_vnic_type, " \
	"'binding:vif_type', CASE WHEN p.binding_host IS NULL THEN " \
	"'unbound' ELSE 'bridge' END, 'binding:vif_details', CASE WHEN " \
	"p.binding_host IS NULL THEN '{}'::json ELSE json_build_object(" \
	"'port_filter', true, 'connectivity', 'l2') END, " \
	"'allowed_address_pairs', '[]'::json, 'extra_dhcp_opts', " \
	"'[]'::json, 'dns_name', '', 'propagate_uplink_status', false, " \
	"'ip_allocation', 'immediate', 'tags', '[]'::json, 'created_at', " \
	GR_DB_ISO_Z("p.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("p.updated_at") ", 'revision_number', p.revision_number)"
/* $1 project, $2 admin. */
#define PORT_VISIBLE \
	"(p.project_id = $1 OR $2::boolean OR EXISTS (SELECT 1 FROM " \
	"networks n WHERE n.id = p.network_id AND n.project_id = $1))"

static json_t *
for_caller(json_t *port, const struct net_scope *s)
{
	if (!s->admin) {
		json_object_del(port, "binding:host_id");
		json_object_del(port, "binding:profile");
		json_object_del(port, "binding:vif_type");
		json_object_del(port, "binding:vif_details");
	}
	return port;
}

json_t *
port_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " PORT_JSON " FROM ports p WHERE p.id = $3 AND "
	    PORT_VISIBLE, "Port", id, s, for_caller);
}

int
port_list(struct gr_req *req, struct gr_resp *resp)
{
	return net_list(req, resp, "ports", "SELECT " PORT_JSON " FROM ports p "
	    "WHERE " PORT_VISIBLE " ORDER BY p.created_at, p.id", for_caller);
}

int
port_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "port", port_get);
}

/* ---- attributes ---- */

/* A MAC as Neutron takes it: six hex pairs, unicast; lower-cased. */
static int
read_mac(const char *in, char out[18])
{
	unsigned b[6];
	char tail;

	if (strlen(in) != 17 || sscanf(in, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0],
	    &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
	    strspn(in, "0123456789abcdefABCDEF:") != 17 || (b[0] & 1) ||
	    (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for mac_address. "
		    "Reason: '%.32s' is not a valid unicast MAC address.", in);
		return -1;
	}
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0] & 255,
	    b[1] & 255, b[2] & 255, b[3] & 255, b[4] & 255, b[5] & 255);
	return 0;
}

/* A free MAC on the network into mac: the one asked for (409 if taken)
 * or fa:16:3e plus three random bytes. Inside net_begin(). */
static int
pick_mac(const char *network_id, const char *want, char mac[18])
{
	for (int tries = 0; tries < 16; tries++) {
		GR_AUTO_PGRES PGresult *r = NULL;
		const char *p[2] = { network_id, mac };
		char hex[7];

		if (want)
			snprintf(mac, 18, "%s", want);
		else {
			if (gr_random_hex(hex, 3) < 0)
				return -1;
			snprintf(mac, 18, "fa:16:3e:%.2s:%.2s:%.2s", hex, hex + 2,
			    hex + 4);
		}
		if ((r = gr_db_query("SELECT 1 FROM ports WHERE network_id = $1 "
		    "AND mac_address = $2::macaddr", 2, p)) == NULL)
			return -1;
		if (PQntuples(r) == 0)
			return 0;
		if (want) {
			gr_error(GR_ERR_CONFLICT, "Unable to complete operation "
			    "for network %s. The mac address %s is in use.",
			    network_id, want);
			return -1;
		}
	}
	gr_error(GR_ERR_CONFLICT, "Unable to generate a unique mac on network "
	    "%s.", network_id);
	return -1;
}

/*
 * The port's security groups: the ids given (each one the owner's, or
 * any for an admin) or, when absent and port security is on, the owner's
 * default group. Writes n ids to ids. Inside net_begin().
 */
static int
pick_groups(json_t *given, int pse, const char *project,
    const struct net_scope *s, char ids[][37], int *n)
{
	json_t *e;
	size_t i;

	*n = 0;
	if (given == NULL) {
		if (!pse)
			return 0;
		*n = 1;
		return sg_default_id(project, ids[0]);
	}
	if (!json_is_array(given) || json_array_size(given) > MAX_GROUPS) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
		    "security_groups. Reason: it must be a list of at most %d "
		    "group ids.", MAX_GROUPS);
		return -1;
	}
	if (!pse && json_array_size(given) > 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Port has security group "
		    "associated. Cannot disable port security or ip address "
		    "until security group is removed.");
		return -1;
	}
	json_array_foreach(given, i, e) {
		GR_AUTO_PGRES PGresult *r = NULL;
		const char *id = json_string_value(e);
		const char *p[3] = { id, project, s->admin_text };

		if (id == NULL || !gr_is_uuid(id)) {
			gr_error(GR_ERR_NOT_FOUND, "Security group %.64s does not "
			    "exist.", id ? id : "(not a string)");
			return -1;
		}
		if ((r = gr_db_query("SELECT id FROM security_groups WHERE id = "
		    "$1 AND (project_id = $2 OR $3::boolean)", 3, p)) == NULL)
			return -1;
		if (PQntuples(r) == 0) {
			gr_error(GR_ERR_NOT_FOUND, "Security group %s does not "
			    "exist.", id);
			return -1;
		}
		snprintf(ids[*n], 37, "%s", PQgetvalue(r, 0, 0));
		for (int k = 0; k < *n; k++)
			if (strcmp(ids[k], ids[*n]) == 0)
				goto dup;
		(*n)++;
dup:
		;
	}
	return 0;
}

static int
set_groups(const char *port_id, char ids[][37], int n)
{
	const char *p[2] = { port_id, NULL };

	if (gr_db_exec("DELETE FROM port_security_groups WHERE port_id = $1",
	    1, p) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		p[1] = ids[i];
		if (gr_db_exec("INSERT INTO port_security_groups (port_id, "
		    "security_group_id) VALUES ($1, $2)", 2, p) < 0)
			return -1;
	}
	return 0;
}

static int
read_attrs(json_t *b, const struct net_scope *s, struct port_spec *a)
{
	static const char *const admin_attrs[] = { "binding:host_id",
	    "binding:profile", NULL };
	json_t *aap = NULL, *edo = NULL;

	memset(a, 0, sizeof(*a));
	a->admin_state_up = a->pse = -1;
	for (const char *const *k = admin_attrs; *k; k++)
		if (net_admin_only(s, b, *k) < 0)
			return -1;
	if (gr_json_str(b, "name", 0, 255, &a->name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &a->description) < 0 ||
	    gr_json_str(b, "device_id", 0, 255, &a->device_id) < 0 ||
	    gr_json_str(b, "device_owner", 0, 255, &a->device_owner) < 0 ||
	    gr_json_str(b, "binding:host_id", 0, 255, &a->host) < 0 ||
	    gr_json_str(b, "binding:vnic_type", 0, 64, &a->vnic) < 0 ||
	    gr_json_str(b, "mac_address", 0, 64, &a->mac) < 0 ||
	    net_json_bool(b, "admin_state_up", &a->admin_state_up) < 0 ||
	    net_json_bool(b, "port_security_enabled", &a->pse) < 0 ||
	    gr_json_object(b, "binding:profile", 0, &a->profile) < 0 ||
	    gr_json_array(b, "allowed_address_pairs", 0, &aap) < 0 ||
	    gr_json_array(b, "extra_dhcp_opts", 0, &edo) < 0)
		return -1;
	if (a->vnic && strcmp(a->vnic, "normal") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
		    "binding:vnic_type. Reason: Gureum plugs 'normal' vNICs "
		    "(a tap on a bridge) only.");
		return -1;
	}
	if ((aap && json_array_size(aap)) || (edo && json_array_size(edo))) {
		gr_error(GR_ERR_BAD_REQUEST, "Gureum does not serve "
		    "allowed_address_pairs or extra_dhcp_opts: give an empty "
		    "list or leave them out.");
		return -1;
	}
	a->fixed_ips = json_object_get(b, "fixed_ips");
	a->groups = json_object_get(b, "security_groups");
	/* null is "none", as [] (a new reference either way) */
	a->groups = json_is_null(a->groups) ? json_array() :
	    json_incref(a->groups);
	return 0;
}

static void
attrs_clear(struct port_spec *a)
{
	json_decref(a->groups);
}

/* Whether the caller may put a port on the network: its own, a shared
 * one, or any for an admin. */
static int
network_usable(const char *id, const struct net_scope *s)
{
	int owned, shared;

	if ((shared = network_access(id, s, &owned)) < 0)
		return -1;
	if (!owned && !shared) {
		gr_error(GR_ERR_FORBIDDEN, "Network %s is not shared: only its "
		    "project or an admin may create ports on it.", id);
		return -1;
	}
	return 0;
}

int
port_create_locked(const char *id, const char *network_id, const char *project,
    const struct port_spec *a, const struct net_scope *s)
{
	char mac[18], want[18], groups[MAX_GROUPS][37], *profile;
	int ngroups, pse = a->pse < 0 ? 1 : a->pse, ret;
	const char *owner = a->device_owner ? a->device_owner : "";

	if (a->mac && read_mac(a->mac, want) < 0)
		return -1;
	if (net_quota_check(project, "port", 1) < 0 ||
	    pick_mac(network_id, a->mac ? want : NULL, mac) < 0 ||
	    pick_groups(a->groups, pse, project, s, groups, &ngroups) < 0)
		return -1;
	profile = a->profile ? json_dumps(a->profile, JSON_COMPACT) :
	    gr_xstrdup("{}");
	{
		const char *p[12] = { id, network_id, a->name ? a->name : "",
		    a->description ? a->description : "", project, mac,
		    a->admin_state_up == 0 ? "false" : "true",
		    a->device_id ? a->device_id : "", owner,
		    a->host && a->host[0] ? a->host : NULL, profile,
		    pse ? "true" : "false" };

		ret = gr_db_exec("INSERT INTO ports (id, network_id, name, "
		    "description, project_id, mac_address, admin_state_up, "
		    "device_id, device_owner, binding_host, binding_profile, "
		    "port_security_enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, "
		    "$8, $9, $10, $11, $12)", 12, p);
	}
	free(profile);
	if (ret < 0)
		return -1;
	if (ipam_assign(id, network_id, json_is_null(a->fixed_ips) ? NULL :
	    a->fixed_ips, strcmp(owner, "network:router_interface") == 0) < 0)
		return -1;
	return set_groups(id, groups, ngroups);
}

int
port_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "network_id", "admin_state_up", "mac_address", "fixed_ips",
	    "device_id", "device_owner", "security_groups",
	    "port_security_enabled", "binding:host_id", "binding:profile",
	    "binding:vnic_type", "tenant_id", "project_id",
	    "allowed_address_pairs", "extra_dhcp_opts", NULL };
	struct port_spec a = { 0 };
	struct net_scope s;
	const char *network_id, *project;
	char id[37];
	json_t *b, *port;
	int ret = -1;

	net_scope_of(req, &s);
	if ((b = net_body(req, "port", attrs)) == NULL ||
	    gr_json_str(b, "network_id", 1, 64, &network_id) < 0 ||
	    read_attrs(b, &s, &a) < 0)
		goto out;
	if (net_owner(req, b, &project) < 0 ||
	    network_usable(network_id, &s) < 0)
		goto out;
	gr_uuid(id);
	if (net_begin() < 0)
		goto out;
	/* Only a VM port brings its node's DHCP port: a port of another
	 * owner (a DHCP port made by hand among them) changes none. */
	if (port_create_locked(id, network_id, project, &a, &s) < 0 ||
	    (a.device_owner && strncmp(a.device_owner, "compute:", 8) == 0 &&
	    ports_dhcp_sync_locked(a.host) < 0) || net_commit() < 0) {
		gr_db_rollback();
		goto out;
	}
	if ((port = port_get(id, &s)) == NULL)
		goto out;
	ret = net_reply(req, resp, 201, "port", port);
out:
	attrs_clear(&a);
	return ret;
}

/* The port's network, project and owner, if the caller may change it. */
static int
port_writable(const char *id, const struct net_scope *s, char network[37],
    char project[256], char owner[256])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if (!gr_is_uuid(id)) {
		net_not_found("Port", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT p.network_id, p.project_id, "
	    "p.device_owner FROM ports p WHERE p.id = $3 AND " PORT_VISIBLE, 3,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Port", id);
		return -1;
	}
	snprintf(network, 37, "%s", PQgetvalue(r, 0, 0));
	snprintf(project, 256, "%s", PQgetvalue(r, 0, 1));
	snprintf(owner, 256, "%s", PQgetvalue(r, 0, 2));
	return 0;
}

static int
update_locked(const char *id, const char *network, const char *project,
    const struct port_spec *a, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char mac[18] = "", groups[MAX_GROUPS][37];
	GR_AUTOFREE char *profile = NULL;
	int ngroups, pse;

	if (a->mac) {
		char want[18];

		if (!s->admin) {
			gr_error(GR_ERR_FORBIDDEN, "The attribute 'mac_address' "
			    "may be changed only by an admin.");
			return -1;
		}
		if (read_mac(a->mac, want) < 0 || pick_mac(network, want,
		    mac) < 0)
			return -1;
	}
	profile = a->profile ? json_dumps(a->profile, JSON_COMPACT) : NULL;
	{
		const char *p[10] = { id, a->name, a->description,
		    a->admin_state_up < 0 ? NULL : a->admin_state_up ? "true" :
		    "false", a->device_id, a->device_owner,
		    a->host ? "true" : "false", a->host && a->host[0] ? a->host :
		    NULL, profile, a->pse < 0 ? NULL : a->pse ? "true" :
		    "false" };
		const char *m[2] = { id, mac };

		if ((r = gr_db_query("UPDATE ports SET name = coalesce($2, "
		    "name), description = coalesce($3, description), "
		    "admin_state_up = coalesce($4::boolean, admin_state_up), "
		    "device_id = coalesce($5, device_id), device_owner = "
		    "coalesce($6, device_owner), binding_host = CASE WHEN "
		    "$7::boolean THEN $8 ELSE binding_host END, binding_profile = "
		    "coalesce($9::jsonb, binding_profile), port_security_enabled "
		    "= coalesce($10::boolean, port_security_enabled), "
		    "revision_number = revision_number + 1, updated_at = now() "
		    "WHERE id = $1 RETURNING port_security_enabled, (SELECT "
		    "count(*) FROM port_security_groups g WHERE g.port_id = $1), "
		    "binding_host",
		    10, p)) == NULL)
			return -1;
		if (mac[0] && gr_db_exec("UPDATE ports SET mac_address = "
		    "$2::macaddr WHERE id = $1", 2, m) < 0)
			return -1;
	}
	pse = PQgetvalue(r, 0, 0)[0] == 't';
	if (a->groups) {
		if (pick_groups(a->groups, pse, project, s, groups, &ngroups) <
		    0 || set_groups(id, groups, ngroups) < 0)
			return -1;
	} else if (!pse && atoi(PQgetvalue(r, 0, 1)) > 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Port has security group "
		    "associated. Cannot disable port security or ip address "
		    "until security group is removed.");
		return -1;
	}
	if (a->fixed_ips && !json_is_null(a->fixed_ips) &&
	    (ipam_release(id) < 0 || ipam_assign(id, network, a->fixed_ips,
	    a->device_owner ? strcmp(a->device_owner,
	    "network:router_interface") == 0 : 0) < 0))
		return -1;
	/* A bind, a move or an unbind: the nodes' DHCP ports follow. */
	return ports_dhcp_sync_locked(PQgetisnull(r, 0, 2) ? NULL :
	    PQgetvalue(r, 0, 2));
}

int
port_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "admin_state_up", "mac_address", "fixed_ips", "device_id",
	    "device_owner", "security_groups", "port_security_enabled",
	    "binding:host_id", "binding:profile", "binding:vnic_type",
	    "allowed_address_pairs", "extra_dhcp_opts", NULL };
	const char *id = req->params[0];
	struct port_spec a = { 0 };
	struct net_scope s;
	char network[37], project[256], owner[256];
	json_t *b, *port;
	int ret = -1;

	net_scope_of(req, &s);
	if ((b = net_body(req, "port", attrs)) == NULL ||
	    read_attrs(b, &s, &a) < 0 ||
	    port_writable(id, &s, network, project, owner) < 0)
		goto out;
	if (net_begin() < 0)
		goto out;
	if (update_locked(id, network, project, &a, &s) < 0 ||
	    net_commit() < 0) {
		gr_db_rollback();
		goto out;
	}
	if ((port = port_get(id, &s)) == NULL)
		goto out;
	ret = net_reply(req, resp, 200, "port", port);
out:
	attrs_clear(&a);
	return ret;
}

/* A DHCP port for host on each network of its VM ports with a DHCP
 * subnet that has none there yet. */
static int
dhcp_ports_add(const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { host };
	struct net_scope admin = { "", 1, "true" };
	char device[300];

	snprintf(device, sizeof(device), "dhcp-%s", host);
	if ((r = gr_db_query("SELECT n.id, n.project_id, (SELECT json_agg("
	    "json_build_object('subnet_id', s.id) ORDER BY s.cidr) FROM "
	    "subnets s WHERE s.network_id = n.id AND s.enable_dhcp) FROM "
	    "networks n WHERE EXISTS (SELECT 1 FROM ports c WHERE c.network_id "
	    "= n.id AND c.binding_host = $1 AND c.device_owner LIKE "
	    "'compute:%') AND EXISTS (SELECT 1 FROM subnets s WHERE "
	    "s.network_id = n.id AND s.enable_dhcp) AND NOT EXISTS (SELECT 1 "
	    "FROM ports d WHERE d.network_id = n.id AND d.device_owner = "
	    "'network:dhcp' AND d.binding_host = $1) ORDER BY n.id", 1,
	    p)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *ips = json_loads(PQgetvalue(r, i, 2), 0, NULL);
		struct port_spec spec = { .device_id = device,
		    .device_owner = "network:dhcp", .host = host,
		    .admin_state_up = 1, .pse = 0, .fixed_ips = ips,
		    .groups = json_array() };
		char id[37];
		int ret;

		gr_uuid(id);
		ret = port_create_locked(id, PQgetvalue(r, i, 0),
		    PQgetvalue(r, i, 1), &spec, &admin);
		json_decref(spec.groups);
		json_decref(ips);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int
ports_dhcp_sync_locked(const char *host)
{
	if (host && host[0] && dhcp_ports_add(host) < 0)
		return -1;
	/* A node's DHCP port goes with the network's last VM port there. */
	return gr_db_exec("DELETE FROM ports d WHERE d.device_owner = "
	    "'network:dhcp' AND NOT EXISTS (SELECT 1 FROM ports p WHERE "
	    "p.network_id = d.network_id AND p.binding_host = d.binding_host "
	    "AND p.device_owner LIKE 'compute:%')", 0, NULL);
}

int
ports_delete_locked(const char *id)
{
	const char *p[1] = { id };

	/* Its floating IPs stay the project's, unassociated (l3_db). */
	if (gr_db_exec("UPDATE floatingips SET port_id = NULL, "
	    "fixed_ip_address = NULL, router_id = NULL, status = 'DOWN', "
	    "updated_at = now() WHERE port_id = $1", 1, p) < 0)
		return -1;
	return gr_db_exec("DELETE FROM ports WHERE id = $1", 1, p);
}

int
port_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	struct net_scope s;
	char network[37], project[256], owner[256];

	net_scope_of(req, &s);
	if (port_writable(id, &s, network, project, owner) < 0)
		return -1;
	if (strcmp(owner, "network:router_interface") == 0 ||
	    strcmp(owner, "network:router_gateway") == 0 ||
	    strcmp(owner, "network:floatingip") == 0) {
		gr_error(GR_ERR_CONFLICT, "Port %s cannot be deleted directly "
		    "via the port API: has device owner %s.", id, owner);
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	if (ports_delete_locked(id) < 0 || ports_dhcp_sync_locked(NULL) < 0 ||
	    net_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}
