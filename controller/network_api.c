/*
 * network_api.c - the Network v2.0 API's front: the unversioned
 * endpoint's versions document, the extensions Gureum implements, the
 * route table, and the helpers its resource modules share (bodies,
 * scope, fields= and filters, the write lock). The handlers live in
 * networks.c, subnets.c, ports.c, secgroups.c and net_quotas.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "ctl.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "network_api.h"
#include "net_state.h"
#include "networks.h"
#include "floatingips.h"
#include "port_diag.h"
#include "ports.h"
#include "routers.h"
#include "secgroups.h"
#include "subnets.h"

/* ---- shared helpers ---- */

void
net_scope_of(struct gr_req *req, struct net_scope *s)
{
	struct gr_auth *a = gr_auth_of(req);

	s->project_id = a->project_id;
	s->admin = a->is_admin;
	s->admin_text = a->is_admin ? "true" : "false";
}

json_t *
net_body(struct gr_req *req, const char *member, const char *const *allowed)
{
	json_t *body, *obj, *v;
	const char *key;
	struct gr_buf bad = GR_BUF_INIT(1024);

	if ((body = gr_req_json(req)) == NULL)
		return NULL;
	obj = json_object_get(body, member);
	if (!json_is_object(obj) || json_object_size(body) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "Resource body required: the "
		    "request must be one object {\"%s\": {...}}.", member);
		return NULL;
	}
	json_object_foreach(obj, key, v) {
		int ok = 0;

		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (!ok)
			gr_buf_printf(&bad, "%s%s", bad.len ? ", " : "", key);
	}
	if (bad.len) {
		gr_error(GR_ERR_BAD_REQUEST, "Unrecognized attribute(s) '%s'",
		    bad.data);
		gr_buf_free(&bad);
		return NULL;
	}
	gr_buf_free(&bad);
	return obj;
}

int
net_owner(struct gr_req *req, json_t *body, const char **project_id)
{
	struct net_scope s;
	const char *t = NULL, *p = NULL;

	net_scope_of(req, &s);
	if (gr_json_str(body, "tenant_id", 0, 255, &t) < 0 ||
	    gr_json_str(body, "project_id", 0, 255, &p) < 0)
		return -1;
	if (t && p && strcmp(t, p) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "'project_id' and 'tenant_id' do "
		    "not match.");
		return -1;
	}
	*project_id = p ? p : t ? t : s.project_id;
	if (strcmp(*project_id, s.project_id) != 0 && !s.admin) {
		gr_error(GR_ERR_FORBIDDEN, "Specifying 'project_id' or "
		    "'tenant_id' other than the authenticated project in a "
		    "request requires admin privileges.");
		return -1;
	}
	return 0;
}

int
net_admin_only(const struct net_scope *s, json_t *body, const char *attr)
{
	if (s->admin || json_object_get(body, attr) == NULL)
		return 0;
	gr_error(GR_ERR_FORBIDDEN, "The attribute '%s' may be set only by an "
	    "admin.", attr);
	return -1;
}

json_t *
net_rows(PGresult *r)
{
	json_t *list = json_array();

	for (int i = 0; i < PQntuples(r); i++) {
		json_t *o = json_loads(PQgetvalue(r, i, 0), 0, NULL);

		if (o)
			json_array_append_new(list, o);
	}
	return list;
}

json_t *
net_get(const char *sql, const char *what, const char *id,
    const struct net_scope *s, net_fix fix)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };
	json_t *list, *o;

	if (!gr_is_uuid(id)) {
		net_not_found(what, id);
		return NULL;
	}
	if ((r = gr_db_query(sql, 3, p)) == NULL)
		return NULL;
	list = net_rows(r);
	o = json_incref(json_array_get(list, 0));
	json_decref(list);
	if (o == NULL) {
		net_not_found(what, id);
		return NULL;
	}
	return fix ? fix(o, s) : o;
}

int
net_list(struct gr_req *req, struct gr_resp *resp, const char *collection,
    const char *sql, net_fix fix)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	const char *p[2];
	json_t *list, *o;
	size_t i;

	net_scope_of(req, &s);
	p[0] = s.project_id;
	p[1] = s.admin_text;
	if ((r = gr_db_query(sql, 2, p)) == NULL)
		return -1;
	list = net_rows(r);
	if (fix)
		json_array_foreach(list, i, o)
			fix(o, &s);
	return net_reply_list(req, resp, collection, list);
}

int
net_show(struct gr_req *req, struct gr_resp *resp, const char *member,
    json_t *(*get)(const char *id, const struct net_scope *s))
{
	struct net_scope s;
	json_t *o;

	net_scope_of(req, &s);
	if ((o = get(req->params[0], &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, member, o);
}

int
net_json_bool(json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	const char *s;

	if (v == NULL)
		return 0;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 1;
	}
	s = json_string_value(v);
	if (s && (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)) {
		*out = strcasecmp(s, "true") == 0;
		return 1;
	}
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for %s. Reason: it is not "
	    "a valid boolean value.", key);
	return -1;
}

void
net_not_found(const char *what, const char *id)
{
	gr_error(GR_ERR_NOT_FOUND, "%s %.64s could not be found.", what, id);
}

int
net_begin(void)
{
	if (gr_db_begin() < 0)
		return -1;
	if (gr_db_exec("SELECT 1 FROM net_state FOR UPDATE", 0, NULL) < 0) {
		gr_db_rollback();
		return -1;
	}
	return 0;
}

int
net_commit(void)
{
	if (gr_db_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	/* The agents poll anyway; a wake makes them fetch now. */
	net_state_wake_hosts(NULL, 0);
	return 0;
}

/* ---- fields= and filters ---- */

/* Query keys that are not filters. */
static int
not_a_filter(const char *key)
{
	static const char *const keys[] = { "fields", "sort_key", "sort_dir",
	    "limit", "marker", "page_reverse", "verbose", NULL };

	for (const char *const *k = keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return 1;
	return 0;
}

/* Whether one value of an object matches a filter's text: strings
 * exactly, booleans as Neutron prints them (True/False, any case),
 * numbers in decimal, an array when one element matches. A fixed_ips
 * filter is "ip_address=A" or "subnet_id=S". */
static int
value_matches(json_t *v, const char *want)
{
	char num[32];
	size_t i;
	json_t *e;

	switch (json_typeof(v)) {
	case JSON_STRING:
		return strcmp(json_string_value(v), want) == 0;
	case JSON_TRUE:
	case JSON_FALSE:
		return strcasecmp(want, json_is_true(v) ? "true" : "false") == 0 ||
		    strcmp(want, json_is_true(v) ? "1" : "0") == 0;
	case JSON_INTEGER:
		snprintf(num, sizeof(num), "%lld",
		    (long long)json_integer_value(v));
		return strcmp(num, want) == 0;
	case JSON_NULL:
		return want[0] == '\0' || strcmp(want, "None") == 0;
	case JSON_ARRAY:
		json_array_foreach(v, i, e) {
			const char *eq = strchr(want, '=');

			if (json_is_object(e) && eq) {
				char key[32];
				size_t n = (size_t)(eq - want);
				json_t *sub;

				if (n >= sizeof(key))
					continue;
				memcpy(key, want, n);
				key[n] = '\0';
				sub = json_object_get(e, key);
				if (sub && value_matches(sub, eq + 1))
					return 1;
			} else if (value_matches(e, want)) {
				return 1;
			}
		}
		return 0;
	default:
		return 0;
	}
}

/* 1 if the object passes every filter of the query (a repeated key
 * matches any of its values; a key the object lacks is ignored). */
static int
passes(json_t *obj, json_t *query)
{
	const char *key;
	json_t *values, *have, *v;
	size_t i;

	json_object_foreach(query, key, values) {
		int any = 0;

		if (not_a_filter(key) || (have = json_object_get(obj, key)) ==
		    NULL)
			continue;
		json_array_foreach(values, i, v)
			if (value_matches(have, json_string_value(v)))
				any = 1;
		if (!any)
			return 0;
	}
	return 1;
}

/* The object with only the keys fields= names (all when it names none). */
static json_t *
trim(json_t *obj, json_t *fields)
{
	json_t *out, *f;
	size_t i;

	if (fields == NULL || json_array_size(fields) == 0)
		return json_incref(obj);
	out = json_object();
	json_array_foreach(fields, i, f) {
		json_t *v = json_object_get(obj, json_string_value(f));

		if (v)
			json_object_set(out, json_string_value(f), v);
	}
	return out;
}

int
net_reply_list(struct gr_req *req, struct gr_resp *resp,
    const char *collection, json_t *items)
{
	GR_AUTO_JSON json_t *query = gr_req_query_all(req);
	json_t *fields = json_object_get(query, "fields"), *out, *o;
	size_t i;

	out = json_array();
	json_array_foreach(items, i, o)
		if (passes(o, query))
			json_array_append_new(out, trim(o, fields));
	json_decref(items);
	gr_resp_json(resp, 200, json_pack("{s:o}", collection, out));
	return 0;
}

int
net_reply(struct gr_req *req, struct gr_resp *resp, int status,
    const char *member, json_t *obj)
{
	GR_AUTO_JSON json_t *query = gr_req_query_all(req);
	json_t *out = trim(obj, json_object_get(query, "fields"));

	json_decref(obj);
	gr_resp_json(resp, status, json_pack("{s:o}", member, out));
	return 0;
}

/* ---- versions and extensions ---- */

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	char url[300];

	(void)req;
	snprintf(url, sizeof(url), "http://%s:%ld/v2.0/", ctl.public_host,
	    ctl.network_port);
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:s,s:[{s:s,s:s}]}]}",
	    "versions", "id", "v2.0", "status", "CURRENT", "links", "rel",
	    "self", "href", url));
	return 0;
}

static int
get_v2(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const res[][2] = { { "network", "networks" },
	    { "subnet", "subnets" }, { "port", "ports" } };
	json_t *list = json_array();
	char url[300];

	(void)req;
	for (size_t i = 0; i < sizeof(res) / sizeof(res[0]); i++) {
		snprintf(url, sizeof(url), "http://%s:%ld/v2.0/%s",
		    ctl.public_host, ctl.network_port, res[i][1]);
		json_array_append_new(list, json_pack("{s:s,s:s,s:[{s:s,s:s}]}",
		    "name", res[i][0], "collection", res[i][1], "links", "rel",
		    "self", "href", url));
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "resources", list));
	return 0;
}

/*
 * What Gureum implements, by Neutron's aliases: clients test an alias
 * before they use a feature (port create asks for
 * tag-ports-during-bulk-creation, which is absent because bulk creation
 * is not served).
 */
static const struct {
	const char	*alias;
	const char	*name;
	const char	*description;
} extensions[] = {
	{ "external-net", "Neutron external network",
	    "Adds external network attribute to network resource." },
	{ "net-mtu", "Network MTU", "Provides MTU attribute for a network "
	    "resource." },
	{ "provider", "Provider Network", "Expose mapping of virtual networks "
	    "to physical networks" },
	{ "binding", "Port Binding", "Expose port bindings of a virtual port "
	    "to external application" },
	{ "port-security", "Port Security", "Provides port security" },
	{ "security-group", "security-group", "The security groups "
	    "extension." },
	{ "quotas", "Quota management support", "Expose functions for quotas "
	    "management per project" },
	{ "quota_details", "Quota details management support", "Expose "
	    "functions for quotas usage statistics per project" },
	{ "project-id", "project_id field enabled", "Extension that indicates "
	    "that project_id field is enabled." },
	{ "router", "Neutron L3 Router", "Router abstraction for basic L3 "
	    "forwarding between L2 Neutron networks and access to external "
	    "networks via a NAT gateway." },
	{ "ext-gw-mode", "Neutron L3 Configurable external gateway mode",
	    "Extension of the router abstraction for specifying whether SNAT "
	    "should occur on the external gateway" },
	{ "floating-ip-port-forwarding", "Floating IP Port Forwarding",
	    "Provide a way to configure port forwarding rules for floating "
	    "IPs" },
	{ "expose-port-forwarding-in-fip", "Expose port forwarding in "
	    "floating IP", "Expose the port forwarding rules of a floating "
	    "IP" },
	{ "fip-port-details", "Floating IP Port Details Extension", "Add "
	    "port_details attribute to Floating IP resource" },
	{ "gureum-port-diagnostics", "Port diagnostics", "Gureum: why a "
	    "port works or not, GET /v2.0/ports/{id}/diagnostics: the node's "
	    "hops (tap, bridge, VXLAN, flood entries, DHCP, rules) and the "
	    "links from outside (router, gateway, floating IP, ingress "
	    "rules), the first missing one as the reason." },
	{ "standard-attr-description", "standard-attr-description",
	    "Extension to add descriptions to standard attributes" },
	{ "standard-attr-revisions", "Resource revision numbers", "This "
	    "extension will display the revision number of neutron "
	    "resources." },
	{ "standard-attr-timestamp", "Resource timestamps", "Adds created_at "
	    "and updated_at fields to all Neutron resources that have Neutron "
	    "standard attributes." },
};
#define NEXTENSIONS (sizeof(extensions) / sizeof(extensions[0]))

static json_t *
extension_json(size_t i)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:[]}", "alias", extensions[i].alias,
	    "name", extensions[i].name, "description",
	    extensions[i].description, "updated", "2026-12-01T00:00:00-00:00",
	    "links");
}

static int
extension_list(struct gr_req *req, struct gr_resp *resp)
{
	json_t *list = json_array();

	(void)req;
	for (size_t i = 0; i < NEXTENSIONS; i++)
		json_array_append_new(list, extension_json(i));
	gr_resp_json(resp, 200, json_pack("{s:o}", "extensions", list));
	return 0;
}

static int
extension_show(struct gr_req *req, struct gr_resp *resp)
{
	for (size_t i = 0; i < NEXTENSIONS; i++)
		if (strcmp(extensions[i].alias, req->params[0]) == 0) {
			gr_resp_json(resp, 200, json_pack("{s:o}", "extension",
			    extension_json(i)));
			return 0;
		}
	gr_error(GR_ERR_NOT_FOUND, "Extension with alias %.64s does not "
	    "exist", req->params[0]);
	return -1;
}

void
network_decorate(struct gr_req *req, struct gr_resp *resp)
{
	gr_resp_header(resp, "X-Openstack-Request-Id", req->request_id);
}

const struct gr_route network_routes[] = {
	{ "GET",    "/",					get_versions,	GR_POLICY_PUBLIC },
	{ "GET",    "/v2.0",					get_v2,		GR_POLICY_USER },
	{ "GET",    "/v2.0/extensions",				extension_list,	GR_POLICY_USER },
	{ "GET",    "/v2.0/extensions/{alias}",			extension_show,	GR_POLICY_USER },
	{ "GET",    "/v2.0/networks",				network_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/networks",				network_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/networks/{id}",			network_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/networks/{id}",			network_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/networks/{id}",			network_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/subnets",				subnet_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/subnets",				subnet_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/subnets/{id}",			subnet_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/subnets/{id}",			subnet_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/subnets/{id}",			subnet_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/ports",				port_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/ports",				port_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/ports/{id}",				port_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/ports/{id}",				port_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/ports/{id}",				port_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/ports/{id}/diagnostics",		port_diagnostics, GR_POLICY_USER },
	{ "GET",    "/v2.0/security-groups",			sg_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/security-groups",			sg_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/security-groups/{id}",		sg_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/security-groups/{id}",		sg_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/security-groups/{id}",		sg_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/security-group-rules",		sg_rule_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/security-group-rules",		sg_rule_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/security-group-rules/{id}",		sg_rule_show,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/security-group-rules/{id}",		sg_rule_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/routers",				router_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/routers",				router_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/routers/{id}",			router_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/routers/{id}",			router_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/routers/{id}",			router_delete,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/routers/{id}/add_router_interface",	router_add_interface, GR_POLICY_USER },
	{ "PUT",    "/v2.0/routers/{id}/remove_router_interface", router_remove_interface, GR_POLICY_USER },
	{ "GET",    "/v2.0/floatingips",			fip_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/floatingips",			fip_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/floatingips/{id}",			fip_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/floatingips/{id}",			fip_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/floatingips/{id}",			fip_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/floatingips/{id}/port_forwardings",	pf_list,	GR_POLICY_USER },
	{ "POST",   "/v2.0/floatingips/{id}/port_forwardings",	pf_create,	GR_POLICY_USER },
	{ "GET",    "/v2.0/floatingips/{id}/port_forwardings/{pf}", pf_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.0/floatingips/{id}/port_forwardings/{pf}", pf_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.0/floatingips/{id}/port_forwardings/{pf}", pf_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.0/quotas",				net_quota_list,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.0/quotas/{project}",			net_quota_show,	GR_POLICY_USER },
	{ "GET",    "/v2.0/quotas/{project}/default",		net_quota_default, GR_POLICY_USER },
	{ "GET",    "/v2.0/quotas/{project}/details",		net_quota_details, GR_POLICY_USER },
	{ "PUT",    "/v2.0/quotas/{project}",			net_quota_update, GR_POLICY_ADMIN },
	{ "DELETE", "/v2.0/quotas/{project}",			net_quota_delete, GR_POLICY_ADMIN },
};
const size_t network_nroutes = sizeof(network_routes) /
    sizeof(network_routes[0]);
