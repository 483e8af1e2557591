/*
 * compute_api.c - Compute v2.1's front: version documents, microversion
 * headers and the route table. The handlers live in their modules
 * (hypervisors.c, flavors.c, keypairs.c, quotas.c, server_groups.c,
 * servers.c, server_actions.c, actions.c, services.c); the agents' side door is
 * internal_api.c, on its own listener.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "auth.h"
#include "compute_api.h"
#include "console.h"
#include "ctl.h"
#include "flavors.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "keypairs.h"
#include "microversion.h"
#include "migrations.h"
#include "quotas.h"
#include "server_groups.h"
#include "server_nets.h"
#include "server_tags.h"
#include "server_volumes.h"
#include "servers.h"
#include "services.h"
#include "tenant_usage.h"


/*
 * Nova's two versions (its VERSIONS table, as Debian 12's Nova 26 lists
 * them): v2.0, the old API, SUPPORTED, and v2.1, CURRENT, with the
 * microversions served. Only v2.1's API is served here; /v2 answers its
 * version document so the link in the list is not dead.
 */
static const struct version {
	const char	*id;		/* "v2.1" */
	const char	*path;		/* its root: "v2.1" */
	const char	*status;
	int		 micro;		/* has version and min_version */
	const char	*updated;
	const char	*media;		/* media type's version= */
} versions[] = {
	{ "v2.0", "v2", "SUPPORTED", 0, "2011-01-21T11:33:21Z", "2" },
	{ "v2.1", "v2.1", "CURRENT", 1, "2013-07-23T11:33:21Z", "2.1" },
};

static json_t *
version_self(const struct version *v)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/%s/", ctl.public_host,
	    ctl.compute_port, v->path);
	return json_pack("{s:s,s:s}", "rel", "self", "href", url);
}

/* The members GET / lists for a version. */
static json_t *
version_brief(const struct version *v)
{
	char max[16] = "", min[16] = "";

	if (v->micro) {
		snprintf(max, sizeof(max), "2.%d", MV_MAX_MINOR);
		snprintf(min, sizeof(min), "2.%d", MV_MIN_MINOR);
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[o]}", "id", v->id, "status",
	    v->status, "version", max, "min_version", min, "updated",
	    v->updated, "links", version_self(v));
}

/* GET /v2.1/: its brief form, a describedby link and the media type. */
static int
version_doc(struct gr_resp *resp, const struct version *v)
{
	char type[80];
	json_t *doc = version_brief(v);

	snprintf(type, sizeof(type), "application/vnd.openstack.compute+json;"
	    "version=%s", v->media);
	json_array_append_new(json_object_get(doc, "links"), json_pack(
	    "{s:s,s:s,s:s}", "rel", "describedby", "type", "text/html", "href",
	    "http://docs.openstack.org/"));
	json_object_set_new(doc, "media-types", json_pack("[{s:s,s:s}]",
	    "base", "application/json", "type", type));
	gr_resp_json(resp, 200, json_pack("{s:o}", "version", doc));
	return 0;
}

static int
get_version(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	return version_doc(resp, &versions[1]);
}

static int
get_version_v20(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	return version_doc(resp, &versions[0]);
}

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	json_t *list = json_array();

	(void)req;
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		json_array_append_new(list, version_brief(&versions[i]));
	gr_resp_json(resp, 200, json_pack("{s:o}", "versions", list));
	return 0;
}

int
compute_authorize(struct gr_req *req, enum gr_policy policy)
{
	int minor;

	if (microversion(req, &minor) < 0)
		return -1;
	return auth_authorize_project(req, policy);
}

void
compute_decorate(struct gr_req *req, struct gr_resp *resp)
{
	char v[32];
	int minor;

	microversion(req, &minor);
	snprintf(v, sizeof(v), "compute 2.%d", minor);
	gr_resp_header(resp, "OpenStack-API-Version", v);
	gr_resp_header(resp, "X-OpenStack-Nova-API-Version", v + 8);
	gr_resp_header(resp, "Vary", "OpenStack-API-Version, "
	    "X-OpenStack-Nova-API-Version");
	gr_resp_header(resp, "x-compute-request-id", req->request_id);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *
compute_next_link(struct gr_req *req, const char *collection,
    const char *last)
{
	GR_AUTO_JSON json_t *q = gr_req_query_all(req);
	struct gr_buf b = GR_BUF_INIT(0);
	size_t n = 0, i, j;
	const char **keys = gr_xmalloc((json_object_size(q) + 1) *
	    sizeof(*keys));
	const char *key;
	json_t *v, *links;

	json_object_foreach(q, key, v)
		if (strcmp(key, "marker") != 0)
			keys[n++] = key;
	qsort(keys, n, sizeof(*keys), cmp_str);
	gr_buf_printf(&b, "http://%s:%ld/v2.1/%s?", ctl.public_host,
	    ctl.compute_port, collection);
	for (i = 0; i < n; i++) {
		v = json_object_get(q, keys[i]);
		for (j = 0; j < json_array_size(v); j++) {
			gr_url_escape(&b, keys[i]);
			gr_buf_puts(&b, "=");
			gr_url_escape(&b, json_string_value(json_array_get(v, j)));
			gr_buf_puts(&b, "&");
		}
	}
	gr_buf_puts(&b, "marker=");
	gr_url_escape(&b, last);
	free(keys);
	links = json_pack("[{s:s,s:s}]", "rel", "next", "href", b.data);
	gr_buf_free(&b);
	return links;
}

int
compute_query_only(struct gr_req *req, const char *api,
    const char *const *known, int repeatable)
{
	GR_AUTO_JSON json_t *q = gr_req_query_all(req);
	const char *key;
	json_t *v;
	int k;

	json_object_foreach(q, key, v) {
		for (k = 0; known[k] && strcmp(known[k], key) != 0; k++)
			;
		if (known[k] == NULL || (k >= repeatable &&
		    json_array_size(v) > 1)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for query "
			    "parameters: '%.64s' is %s%s.", key, known[k] ?
			    "given more than once" : "not a parameter ", known[k] ?
			    "" : api);
			return -1;
		}
	}
	return 0;
}

const struct gr_route compute_routes[] = {
	{ "GET",  "/",					get_versions,	GR_POLICY_PUBLIC },
	{ "GET",  "/v2",				get_version_v20, GR_POLICY_PUBLIC },
	{ "GET",  "/v2.1",				get_version,	GR_POLICY_PUBLIC },
	{ "GET",  "/v2.1/os-hypervisors",		hv_list,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/detail",	hv_detail,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/statistics",	hv_statistics,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}",		hv_show,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}/uptime",	hv_uptime,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}/search",	hv_search,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-hypervisors/{id}/servers",	hv_servers,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-aggregates",		hv_aggregates,	GR_POLICY_ADMIN },
	{ "GET",  "/v2.1/os-services",			services_list,	GR_POLICY_ADMIN },
	{ "PUT",  "/v2.1/os-services/{id}",		services_update, GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/os-services/{id}",		services_delete, GR_POLICY_ADMIN },
	/* flavors.c, keypairs.c, quotas.c */
	{ "GET",    "/v2.1/flavors",				flavor_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/flavors/detail",			flavor_detail,	GR_POLICY_USER },
	{ "POST",   "/v2.1/flavors",				flavor_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}",			flavor_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.1/flavors/{id}",			flavor_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/flavors/{id}",			flavor_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-extra_specs",	flavor_specs_get, GR_POLICY_USER },
	{ "POST",   "/v2.1/flavors/{id}/os-extra_specs",	flavor_specs_set, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_get, GR_POLICY_USER },
	{ "PUT",    "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_put, GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/flavors/{id}/os-extra_specs/{key}",	flavor_spec_delete, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/flavors/{id}/os-flavor-access",	flavor_access_list, GR_POLICY_ADMIN },
	{ "POST",   "/v2.1/flavors/{id}/action",		flavor_action,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/os-keypairs",			keypair_list,	GR_POLICY_USER },
	{ "POST",   "/v2.1/os-keypairs",			keypair_create,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-keypairs/{name}",			keypair_show,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/os-keypairs/{name}",			keypair_delete,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}",			quota_show,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}/defaults",	quota_defaults,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-quota-sets/{id}/detail",		quota_detail,	GR_POLICY_USER },
	{ "PUT",    "/v2.1/os-quota-sets/{id}",			quota_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v2.1/os-quota-sets/{id}",			quota_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/os-quota-class-sets/{id}",		quota_class_show, GR_POLICY_ADMIN },
	{ "PUT",    "/v2.1/os-quota-class-sets/{id}",		quota_class_update, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/limits",				limits_show,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-console-auth-tokens/{token}", console_token_show, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/os-availability-zone",		az_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/os-availability-zone/detail",	az_detail,	GR_POLICY_ADMIN },
	/* tenant_usage.c */
	{ "GET",    "/v2.1/os-simple-tenant-usage",	tenant_usage_list, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/os-simple-tenant-usage/{id}", tenant_usage_show, GR_POLICY_USER },
	/* server_groups.c */
	{ "GET",    "/v2.1/os-server-groups",		server_group_list, GR_POLICY_USER },
	{ "POST",   "/v2.1/os-server-groups",		server_group_create, GR_POLICY_USER },
	{ "GET",    "/v2.1/os-server-groups/{id}",	server_group_show, GR_POLICY_USER },
	{ "DELETE", "/v2.1/os-server-groups/{id}",	server_group_delete, GR_POLICY_USER },
	/* servers.c */
	{ "GET",    "/v2.1/servers",			server_list,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/detail",		server_detail,	GR_POLICY_USER },
	{ "POST",   "/v2.1/servers",			server_create,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}",		server_show,	GR_POLICY_USER },
	{ "PUT",    "/v2.1/servers/{id}",		server_update,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/servers/{id}",		server_delete,	GR_POLICY_USER },
	{ "POST",   "/v2.1/servers/{id}/action",	server_action,	GR_POLICY_USER },
	{ "POST",   "/v2.1/servers/{id}/remote-consoles", console_create, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/metadata",	server_metadata_list, GR_POLICY_USER },
	{ "POST",   "/v2.1/servers/{id}/metadata",	server_metadata_merge, GR_POLICY_USER },
	{ "PUT",    "/v2.1/servers/{id}/metadata",	server_metadata_replace, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/metadata/{key}", server_metadata_show, GR_POLICY_USER },
	{ "PUT",    "/v2.1/servers/{id}/metadata/{key}", server_metadata_set, GR_POLICY_USER },
	{ "DELETE", "/v2.1/servers/{id}/metadata/{key}", server_metadata_delete, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/tags",		server_tags_list, GR_POLICY_USER },
	{ "PUT",    "/v2.1/servers/{id}/tags",		server_tags_replace, GR_POLICY_USER },
	{ "DELETE", "/v2.1/servers/{id}/tags",		server_tags_clear, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/tags/{tag}",	server_tag_show, GR_POLICY_USER },
	{ "PUT",    "/v2.1/servers/{id}/tags/{tag}",	server_tag_add,	GR_POLICY_USER },
	{ "DELETE", "/v2.1/servers/{id}/tags/{tag}",	server_tag_delete, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/ips",		server_ips,	GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/ips/{network}",	server_ips_network, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-interface",	server_interface_list, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-interface/{port}", server_interface_show, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-volume_attachments", server_volumes_list, GR_POLICY_USER },
	{ "POST",   "/v2.1/servers/{id}/os-volume_attachments", server_volumes_attach, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-volume_attachments/{vol}", server_volumes_show, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-instance-actions", action_list, GR_POLICY_USER },
	{ "GET",    "/v2.1/servers/{id}/os-instance-actions/{rid}", action_show, GR_POLICY_USER },
	/* migrations.c */
	{ "GET",    "/v2.1/os-migrations",		migration_list,	GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/servers/{id}/migrations",	server_migration_list, GR_POLICY_ADMIN },
	{ "GET",    "/v2.1/servers/{id}/migrations/{mid}", server_migration_show, GR_POLICY_ADMIN },
};
const size_t compute_nroutes = sizeof(compute_routes) /
    sizeof(compute_routes[0]);
