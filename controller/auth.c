/*
 * auth.c - the token API (issue, validate, revoke) and the service
 * catalog. Token validation itself is shared: common/gr_auth.c.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "ctl.h"
#include "gr_auth.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

#define PASSWORD_MAX	4096

/* ---- the service catalog ---- */

static json_t *
catalog_entry(const char *type, const char *name, long port, const char *path)
{
	json_t *eps = json_array();
	static const char *const ifaces[] = { "public", "internal", "admin" };
	char url[256], id[48];

	snprintf(url, sizeof(url), "http://%s:%ld%s", ctl.public_host, port, path);
	for (int i = 0; i < 3; i++) {
		snprintf(id, sizeof(id), "%s-%s", name, ifaces[i]);
		json_array_append_new(eps, json_pack("{s:s,s:s,s:s,s:s,s:s}",
		    "id", id, "interface", ifaces[i], "region", ctl.region,
		    "region_id", ctl.region, "url", url));
	}
	return json_pack("{s:o,s:s,s:s,s:s}", "endpoints", eps, "id", name,
	    "type", type, "name", name);
}

/* Built once: the catalog depends only on the configuration. jansson's
 * reference counts are atomic, so threads may share it read-only. */
static json_t *catalog;
static pthread_once_t catalog_once = PTHREAD_ONCE_INIT;

static void
catalog_build(void)
{
	json_t *c = json_array();

	json_array_append_new(c, catalog_entry("identity", "keystone",
	    ctl.identity_port, "/v3"));
	json_array_append_new(c, catalog_entry("compute", "nova",
	    ctl.compute_port, "/v2.1"));
	json_array_append_new(c, catalog_entry("image", "glance",
	    ctl.image_port, ""));
	json_array_append_new(c, catalog_entry("network", "neutron",
	    ctl.network_port, ""));
	catalog = c;
}

json_t *
auth_catalog_json(void)
{
	pthread_once(&catalog_once, catalog_build);
	return json_incref(catalog);
}

/* ---- token documents ---- */

static json_t *
domain_json(void)
{
	return json_pack("{s:s,s:s}", "id", "default", "name", "Default");
}

static json_t *
token_json(const struct gr_auth *a, int with_catalog)
{
	char issued[32], expires[32];
	json_t *t;

	gr_time_iso(a->issued_at, issued);
	gr_time_iso(a->expires_at, expires);
	t = json_pack("{s:[s],s:{s:s,s:s,s:o,s:n},s:[s],s:s,s:s}",
	    "methods", "password",
	    "user", "id", a->user_id, "name", a->user_name, "domain",
	    domain_json(), "password_expires_at",
	    "audit_ids", a->audit_id,
	    "issued_at", issued, "expires_at", expires);
	if (a->project_id[0]) {
		json_object_set_new(t, "project", json_pack("{s:s,s:s,s:o}",
		    "id", a->project_id, "name", a->project_name, "domain",
		    domain_json()));
		json_object_set_new(t, "is_domain", json_false());
		json_object_set(t, "roles", a->roles);
		if (with_catalog)
			json_object_set_new(t, "catalog", auth_catalog_json());
	}
	return json_pack("{s:o}", "token", t);
}

/* ---- POST /v3/auth/tokens ---- */

static int
check_domain(json_t *owner, const char *what)
{
	json_t *d = json_object_get(owner, "domain");
	const char *id = NULL, *name = NULL;

	if (d == NULL)
		return 0;
	if (!json_is_object(d)) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s's 'domain' must be an "
		    "object.", what);
		return -1;
	}
	if (gr_json_str(d, "id", 0, 64, &id) < 0 ||
	    gr_json_str(d, "name", 0, 255, &name) < 0)
		return -1;
	if ((id && strcmp(id, "default") != 0) ||
	    (name && strcasecmp(name, "Default") != 0)) {
		gr_error(GR_ERR_UNAUTHORIZED, "The %s's domain '%s' does not "
		    "exist; this cloud has only the domain 'Default'.", what,
		    id ? id : name);
		return -1;
	}
	return 0;
}

/* Finds the user named in the password method and checks the password.
 * Any failure is the same 401 so callers cannot probe for user names. */
static int
password_user(json_t *user, char uid[33])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = NULL, *name = NULL, *pw = NULL;

	if (gr_json_str(user, "id", 0, 64, &id) < 0 ||
	    gr_json_str(user, "name", 0, 255, &name) < 0 ||
	    gr_json_str(user, "password", 1, PASSWORD_MAX, &pw) < 0 ||
	    check_domain(user, "user") < 0)
		return -1;
	if (id == NULL && name == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The password method needs the "
		    "user's 'id' or 'name'.");
		return -1;
	}
	const char *p[1] = { id ? id : name };
	r = gr_db_query(id ? "SELECT id, password_hash, enabled FROM users "
	    "WHERE id = $1" : "SELECT id, password_hash, enabled FROM users "
	    "WHERE name = $1 AND domain_id = 'default'", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || PQgetisnull(r, 0, 1) ||
	    !gr_pw_verify(pw, PQgetvalue(r, 0, 1))) {
		gr_error(GR_ERR_UNAUTHORIZED, "The user name or password is "
		    "wrong.");
		return -1;
	}
	if (PQgetvalue(r, 0, 2)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The user '%s' is disabled.",
		    id ? id : name);
		return -1;
	}
	snprintf(uid, 33, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

/* Resolves the requested project scope (or the user's default project)
 * to an id the user holds a role on; "" means unscoped. */
static int
scope_project(json_t *auth, const char *uid, char pid[33])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *scope = NULL, *proj = NULL;
	const char *id = NULL, *name = NULL;

	pid[0] = '\0';
	if (gr_json_object(auth, "scope", 0, &scope) < 0)
		return -1;
	if (scope == NULL) {
		const char *p[1] = { uid };

		/* As Keystone: no scope means the default project if the user
		 * holds a role on it, else an unscoped token. */
		r = gr_db_query("SELECT u.default_project_id FROM users u WHERE "
		    "u.id = $1 AND EXISTS (SELECT 1 FROM role_assignments ra "
		    "WHERE ra.user_id = u.id AND ra.project_id = "
		    "u.default_project_id)", 1, p);
		if (r == NULL)
			return -1;
		if (PQntuples(r) == 1)
			snprintf(pid, 33, "%s", PQgetvalue(r, 0, 0));
		return 0;
	}
	if (json_object_get(scope, "domain") || json_object_get(scope,
	    "system")) {
		gr_error(GR_ERR_BAD_REQUEST, "Only project scope is supported: "
		    "use scope.project.");
		return -1;
	}
	if (gr_json_object(scope, "project", 1, &proj) < 0 ||
	    gr_json_str(proj, "id", 0, 64, &id) < 0 ||
	    gr_json_str(proj, "name", 0, 255, &name) < 0 ||
	    check_domain(proj, "project") < 0)
		return -1;
	if (id == NULL && name == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The project scope needs an 'id' or "
		    "a 'name'.");
		return -1;
	}
	const char *p[2] = { id ? id : name, uid };
	r = gr_db_query(id ?
	    "SELECT p.id, p.enabled, EXISTS (SELECT 1 FROM role_assignments ra "
	    "WHERE ra.project_id = p.id AND ra.user_id = $2) FROM projects p "
	    "WHERE p.id = $1" :
	    "SELECT p.id, p.enabled, EXISTS (SELECT 1 FROM role_assignments ra "
	    "WHERE ra.project_id = p.id AND ra.user_id = $2) FROM projects p "
	    "WHERE p.name = $1 AND p.domain_id = 'default'", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || PQgetvalue(r, 0, 2)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The user has no role on the "
		    "project '%s' (or it does not exist).", id ? id : name);
		return -1;
	}
	if (PQgetvalue(r, 0, 1)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The project '%s' is disabled.",
		    id ? id : name);
		return -1;
	}
	snprintf(pid, 33, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

int
auth_issue(struct gr_req *req, struct gr_resp *resp)
{
	json_t *body, *auth, *ident, *methods, *pw, *user;
	char uid[33], pid[33], token[65], hash[GR_SHA256_HEX], ttl[24];
	struct gr_auth *a;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "auth", 1, &auth) < 0 ||
	    gr_json_object(auth, "identity", 1, &ident) < 0 ||
	    gr_json_array(ident, "methods", 1, &methods) < 0)
		return -1;
	if (json_array_size(methods) != 1 || !json_is_string(
	    json_array_get(methods, 0)) || strcmp(json_string_value(
	    json_array_get(methods, 0)), "password") != 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "Only the 'password' "
		    "authentication method is supported.");
		return -1;
	}
	if (gr_json_object(ident, "password", 1, &pw) < 0 ||
	    gr_json_object(pw, "user", 1, &user) < 0 ||
	    password_user(user, uid) < 0 ||
	    scope_project(auth, uid, pid) < 0 ||
	    gr_random_hex(token, 32) < 0)
		return -1;
	gr_sha256_hex(token, 64, hash);
	snprintf(ttl, sizeof(ttl), "%ld", ctl.token_ttl);
	const char *p[4] = { hash, uid, pid[0] ? pid : NULL, ttl };
	if (gr_db_exec("INSERT INTO tokens (hash, user_id, project_id, "
	    "expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4))",
	    4, p) < 0)
		return -1;
	/* Read it back through the query every later request uses (not
	 * cached: a token is cached when it is first used). */
	if ((a = gr_auth_load_fresh(hash)) == NULL)
		return -1;
	gr_resp_json(resp, 201, token_json(a, !gr_req_has_query(req,
	    "nocatalog")));
	gr_resp_header(resp, "X-Subject-Token", token);
	gr_auth_free(a);
	return 0;
}

/* The subject token of GET/DELETE /v3/auth/tokens, checked against the
 * caller: anyone may act on their own token, admins on any. */
static struct gr_auth *
subject(struct gr_req *req, char hash[GR_SHA256_HEX])
{
	const char *tok = gr_req_header(req, "X-Subject-Token");
	struct gr_auth *s;

	if (tok == NULL || *tok == '\0') {
		gr_error(GR_ERR_BAD_REQUEST, "Send the token to check in the "
		    "X-Subject-Token header.");
		return NULL;
	}
	gr_sha256_hex(tok, strlen(tok), hash);
	/* Checking one's own token: it was loaded to authorize the call. */
	const char *own = gr_req_header(req, "X-Auth-Token");
	if (own && gr_auth_of(req)->user_name && gr_str_equal_ct(tok, own))
		return gr_auth_dup(gr_auth_of(req));
	if ((s = gr_auth_load(hash)) == NULL) {
		/* Keystone answers 404 for a subject token that is not valid
		 * (copied first: gr_err_msg() is the buffer gr_error fills). */
		char why[512];

		snprintf(why, sizeof(why), "%s", gr_err_msg());
		gr_error(GR_ERR_NOT_FOUND, "%s", why);
		return NULL;
	}
	if (gr_auth_admin_or(req, strcmp(s->user_id, gr_auth_of(req)->user_id) == 0,
	    "only admins may check or revoke other users' tokens") < 0) {
		gr_auth_free(s);
		return NULL;
	}
	return s;
}

int
auth_validate(struct gr_req *req, struct gr_resp *resp)
{
	char hash[GR_SHA256_HEX];
	struct gr_auth *s = subject(req, hash);

	if (s == NULL)
		return -1;
	gr_resp_json(resp, 200, token_json(s, !gr_req_has_query(req,
	    "nocatalog")));
	gr_resp_header(resp, "X-Subject-Token", gr_req_header(req,
	    "X-Subject-Token"));
	gr_auth_free(s);
	return 0;
}

int
auth_revoke(struct gr_req *req, struct gr_resp *resp)
{
	char hash[GR_SHA256_HEX];
	struct gr_auth *s = subject(req, hash);
	const char *p[1] = { hash };

	if (s == NULL)
		return -1;
	gr_auth_free(s);
	if (gr_db_exec("UPDATE tokens SET revoked = true WHERE hash = $1", 1,
	    p) < 0)
		return -1;
	/* Other daemons hear of it from the database's notification. */
	gr_auth_flush();
	gr_resp_empty(resp, 204);
	return 0;
}

int
auth_catalog(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:o,s:{s:n,s:n,s:s}}", "catalog",
	    auth_catalog_json(), "links", "next", "previous", "self", ""));
	return 0;
}

int
auth_node_speaks(struct gr_req *req, const char *host)
{
	const char *node = gr_auth_of(req)->node;

	if (strcmp(node, host) == 0)
		return 0;
	gr_error(GR_ERR_FORBIDDEN, "Node %s may not speak for node %s: each "
	    "node signs for itself.", node, host);
	return -1;
}

int
auth_authorize(struct gr_req *req, enum gr_policy policy)
{
	struct gr_trust trust = { .cluster_secret = ctl.cluster_secret,
	    .tokens = gr_auth_load };

	return gr_auth_check(req, policy, &trust);
}
