/*
 * networks.c - Network v2.0 networks: tenant overlays (VXLAN, one VNI
 * each, handed out in the creating transaction) and flat networks on a
 * node bridge named by their physical network (the lab's `public`).
 *
 * A project sees its own networks, shared ones and external ones; it
 * changes only its own (admins see and change all). The provider
 * attributes are shown to admins only, as Neutron does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "network_api.h"
#include "networks.h"

#define VXLAN_MTU	1450	/* 1500 - 50: VXLAN, UDP, IPv4, Ethernet */
#define FLAT_MTU	1500
#define VNI_FIRST	1001
#define VNI_LAST	16777215

#define NETWORK_JSON \
	"json_build_object('id', n.id, 'name', n.name, 'description', " \
	"n.description, 'tenant_id', n.project_id, 'project_id', " \
	"n.project_id, 'admin_state_up', n.admin_state_up, 'status', " \
	"'ACTIVE', 'shared', n.shared, 'router:external', n.external, " \
	"'mtu', n.mtu, 'port_security_enabled', true, 'is_default', " \
	"n.is_default, 'availability_zone_hints', '[]'::json, " \
	"'availability_zones', json_build_array('nova'), " \
	"'ipv4_address_scope', NULL, 'ipv6_address_scope', NULL, " \
	"'l2_adjacency', true, 'tags', '[]'::json, 'subnets', " \
	"coalesce((SELECT json_agg(s.id ORDER BY s.created_at, s.id) FROM " \
	"subnets s WHERE s.network_id = n.id), '[]'::json), " \
	"'provider:network_type', n.network_type, " \
	"'provider:physical_network', n.physical_network, " \
	"'provider:segmentation_id', n.segmentation_id, " \
	"'created_at', " GR_DB_ISO_Z("n.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("n.updated_at") ", 'revision_number', n.revision_number)"
/* $1 project, $2 admin. */
#define NETWORK_VISIBLE \
	"(n.project_id = $1 OR n.shared OR n.external OR $2::boolean)"

/* Provider attributes are an admin's business. */
static json_t *
for_caller(json_t *net, const struct net_scope *s)
{
	if (!s->admin) {
		json_object_del(net, "provider:network_type");
		json_object_del(net, "provider:physical_network");
		json_object_del(net, "provider:segmentation_id");
	}
	return net;
}

/* The network's document as the caller may see it; NULL with a 404. */
static json_t *
network_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " NETWORK_JSON " FROM networks n WHERE n.id = "
	    "$3 AND " NETWORK_VISIBLE, "Network", id, s, for_caller);
}

int
network_access(const char *id, const struct net_scope *s, int *owned)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if (!gr_is_uuid(id)) {
		net_not_found("Network", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT n.project_id = $1 OR $2::boolean, "
	    "n.shared FROM networks n WHERE n.id = $3 AND " NETWORK_VISIBLE,
	    3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Network", id);
		return -1;
	}
	*owned = PQgetvalue(r, 0, 0)[0] == 't';
	return PQgetvalue(r, 0, 1)[0] == 't' ? 1 : 0;
}

/* 0 if the caller may change or delete the network: a 404 when it
 * cannot see it, a 403 when it sees it but does not own it. */
static int
network_writable(const char *id, const struct net_scope *s)
{
	int owned;

	if (network_access(id, s, &owned) < 0)
		return -1;
	if (!owned) {
		gr_error(GR_ERR_FORBIDDEN, "Network %s belongs to another "
		    "project: only its project or an admin may change it.", id);
		return -1;
	}
	return 0;
}

int
network_list(struct gr_req *req, struct gr_resp *resp)
{
	return net_list(req, resp, "networks", "SELECT " NETWORK_JSON " FROM "
	    "networks n WHERE " NETWORK_VISIBLE " ORDER BY n.created_at, n.id",
	    for_caller);
}

int
network_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "network", network_get);
}

/* What a create or update body says, checked (NULL/-1 = not given). */
struct net_attrs {
	const char	*name;
	const char	*description;
	int		 admin_state_up;
	int		 shared;
	int		 external;
	int		 is_default;
	long long	 mtu;
	const char	*type;
	const char	*physnet;
	long long	 vni;
};

static int
read_attrs(json_t *b, const struct net_scope *s, struct net_attrs *a)
{
	static const char *const admin_attrs[] = { "shared",
	    "router:external", "provider:network_type",
	    "provider:physical_network", "provider:segmentation_id",
	    "is_default", NULL };
	int pse = 1;

	memset(a, 0, sizeof(*a));
	a->admin_state_up = a->shared = a->external = a->is_default = -1;
	a->mtu = a->vni = -1;
	for (const char *const *k = admin_attrs; *k; k++)
		if (net_admin_only(s, b, *k) < 0)
			return -1;
	if (gr_json_str(b, "name", 0, 255, &a->name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &a->description) < 0 ||
	    net_json_bool(b, "admin_state_up", &a->admin_state_up) < 0 ||
	    net_json_bool(b, "shared", &a->shared) < 0 ||
	    net_json_bool(b, "router:external", &a->external) < 0 ||
	    net_json_bool(b, "is_default", &a->is_default) < 0 ||
	    net_json_bool(b, "port_security_enabled", &pse) < 0 ||
	    gr_json_int(b, "mtu", 0, 68, 9000, &a->mtu) < 0 ||
	    gr_json_str(b, "provider:network_type", 0, 32, &a->type) < 0 ||
	    gr_json_str(b, "provider:physical_network", 0, 64,
	    &a->physnet) < 0 ||
	    gr_json_int(b, "provider:segmentation_id", 0, 1, VNI_LAST,
	    &a->vni) < 0)
		return -1;
	if (!pse) {
		gr_error(GR_ERR_BAD_REQUEST, "Gureum enforces port security "
		    "per port: set port_security_enabled on the ports.");
		return -1;
	}
	return 0;
}

/* Checks the provider attributes of a create: type, physical network,
 * VNI and MTU fit together. Fills the defaults. */
static int
check_provider(struct net_attrs *a)
{
	long long max;

	if (a->type == NULL)
		a->type = a->physnet ? "flat" : "vxlan";
	if (strcmp(a->type, "vxlan") != 0 && strcmp(a->type, "flat") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for operation: "
		    "network type '%.32s' is not supported; Gureum serves "
		    "'vxlan' (an overlay between the nodes) and 'flat' (a node "
		    "bridge).", a->type);
		return -1;
	}
	if (strcmp(a->type, "flat") == 0) {
		if (a->physnet == NULL || a->physnet[0] == '\0' ||
		    a->vni >= 0) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
			    "operation: a flat network needs "
			    "provider:physical_network and takes no "
			    "provider:segmentation_id.");
			return -1;
		}
		max = FLAT_MTU;
	} else {
		if (a->physnet) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
			    "operation: a vxlan network takes no "
			    "provider:physical_network.");
			return -1;
		}
		max = VXLAN_MTU;
	}
	if (a->mtu > max) {
		gr_error(GR_ERR_BAD_REQUEST, "Requested MTU is too big, maximum "
		    "is %lld.", max);
		return -1;
	}
	if (a->mtu < 0)
		a->mtu = max;
	return 0;
}

/* The lowest free VNI from VNI_FIRST, or the one asked for if free. */
static int
pick_vni(long long want, char out[24])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char w[24];
	const char *p[1] = { w };

	if (want >= 0) {
		snprintf(w, sizeof(w), "%lld", want);
		if ((r = gr_db_query("SELECT 1 FROM networks WHERE "
		    "segmentation_id = $1", 1, p)) == NULL)
			return -1;
		if (PQntuples(r) > 0) {
			gr_error(GR_ERR_CONFLICT, "Unable to create the network. "
			    "The VXLAN segmentation id %lld is in use.", want);
			return -1;
		}
		snprintf(out, 24, "%lld", want);
		return 0;
	}
	if ((r = gr_db_query("SELECT v FROM generate_series(1001, 16777215) v "
	    "WHERE NOT EXISTS (SELECT 1 FROM networks WHERE segmentation_id = "
	    "v) LIMIT 1", 0, NULL)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_CONFLICT, "Unable to create the network. No "
		    "tenant network is available for allocation.");
		return -1;
	}
	snprintf(out, 24, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

static const char *
bool_text(int v, int def)
{
	return (v < 0 ? def : v) ? "true" : "false";
}

int
network_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "admin_state_up", "shared", "router:external", "mtu",
	    "provider:network_type", "provider:physical_network",
	    "provider:segmentation_id", "port_security_enabled", "is_default",
	    "tenant_id", "project_id", "availability_zone_hints", NULL };
	struct net_scope s;
	struct net_attrs a;
	const char *project;
	char id[37], vni[24] = "", mtu[24];
	json_t *b, *net;

	net_scope_of(req, &s);
	if ((b = net_body(req, "network", attrs)) == NULL ||
	    read_attrs(b, &s, &a) < 0 || net_owner(req, b, &project) < 0 ||
	    check_provider(&a) < 0)
		return -1;
	snprintf(mtu, sizeof(mtu), "%lld", a.mtu);
	gr_uuid(id);
	if (net_begin() < 0)
		return -1;
	if (net_quota_check(project, "network", 1) < 0 ||
	    (strcmp(a.type, "vxlan") == 0 && pick_vni(a.vni, vni) < 0))
		goto fail;
	{
		const char *p[12] = { id, a.name ? a.name : "",
		    a.description ? a.description : "", project,
		    bool_text(a.admin_state_up, 1), bool_text(a.shared, 0),
		    bool_text(a.external, 0), a.type, a.physnet,
		    vni[0] ? vni : NULL, mtu, bool_text(a.is_default, 0) };

		if (gr_db_exec("INSERT INTO networks (id, name, description, "
		    "project_id, admin_state_up, shared, external, network_type, "
		    "physical_network, segmentation_id, mtu, is_default) VALUES "
		    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)", 12,
		    p) < 0) {
			if (gr_err_code() == GR_ERR_CONFLICT)
				gr_error(GR_ERR_CONFLICT, "Unable to create the "
				    "flat network. Physical network %s is in "
				    "use.", a.physnet ? a.physnet : "");
			goto fail;
		}
	}
	if (net_commit() < 0)
		return -1;
	if ((net = network_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "network", net);
fail:
	gr_db_rollback();
	return -1;
}

int
network_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "admin_state_up", "shared", "router:external", "mtu",
	    "port_security_enabled", "is_default", NULL };
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	struct net_attrs a;
	char mtu[24];
	json_t *b, *net;

	net_scope_of(req, &s);
	if ((b = net_body(req, "network", attrs)) == NULL ||
	    read_attrs(b, &s, &a) < 0 || network_writable(id, &s) < 0)
		return -1;
	snprintf(mtu, sizeof(mtu), "%lld", a.mtu);
	{
		const char *p[8] = { id, a.name, a.description,
		    a.admin_state_up < 0 ? NULL : bool_text(a.admin_state_up, 0),
		    a.shared < 0 ? NULL : bool_text(a.shared, 0),
		    a.external < 0 ? NULL : bool_text(a.external, 0),
		    a.mtu < 0 ? NULL : mtu,
		    a.is_default < 0 ? NULL : bool_text(a.is_default, 0) };

		if (net_begin() < 0)
			return -1;
		/* The MTU may not pass what the network's type carries. */
		if ((r = gr_db_query("UPDATE networks SET name = coalesce($2, "
		    "name), description = coalesce($3, description), "
		    "admin_state_up = coalesce($4::boolean, admin_state_up), "
		    "shared = coalesce($5::boolean, shared), external = "
		    "coalesce($6::boolean, external), mtu = coalesce($7::integer, "
		    "mtu), is_default = coalesce($8::boolean, is_default), "
		    "revision_number = revision_number + 1, updated_at = now() "
		    "WHERE id = $1 RETURNING mtu <= CASE network_type WHEN "
		    "'vxlan' THEN 1450 ELSE 1500 END", 8, p)) == NULL)
			goto fail;
		if (PQgetvalue(r, 0, 0)[0] != 't') {
			gr_error(GR_ERR_BAD_REQUEST, "Requested MTU is too big "
			    "for the network's type (vxlan carries at most %d, "
			    "flat %d).", VXLAN_MTU, FLAT_MTU);
			goto fail;
		}
		if (net_commit() < 0)
			return -1;
	}
	if ((net = network_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, "network", net);
fail:
	gr_db_rollback();
	return -1;
}

int
network_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	const char *p[1] = { id };

	net_scope_of(req, &s);
	if (network_writable(id, &s) < 0 || net_begin() < 0)
		return -1;
	/* Ports in use: everything but the nodes' DHCP ports, which go with
	 * the network (as Neutron's own do). */
	if ((r = gr_db_query("SELECT string_agg(id::text, ', ' ORDER BY id) "
	    "FROM ports WHERE network_id = $1 AND device_owner <> "
	    "'network:dhcp'", 1, p)) == NULL)
		goto fail;
	if (!PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_CONFLICT, "Unable to complete operation on "
		    "network %s. There are one or more ports still in use on "
		    "the network, id for these ports is: %.2000s.", id,
		    PQgetvalue(r, 0, 0));
		goto fail;
	}
	if (gr_db_exec("DELETE FROM networks WHERE id = $1", 1, p) < 0 ||
	    net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}
