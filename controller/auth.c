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
domain_json(const char *id, const char *name)
{
	return json_pack("{s:s,s:s}", "id", id, "name", name);
}

/* "token,password" -> ["token", "password"] */
static json_t *
methods_json(const char *methods)
{
	json_t *l = json_array();
	const char *s = methods;

	while (*s) {
		size_t n = strcspn(s, ",");

		json_array_append_new(l, json_stringn(s, n));
		s += n + (s[n] == ',');
	}
	return l;
}

/* Keystone's token document: an unscoped token has no roles and no
 * catalog; a scoped one names its scope (project, domain or system). */
static json_t *
token_json(const struct gr_auth *a, int with_catalog)
{
	char issued[32], expires[32];
	json_t *t;

	gr_time_iso(a->issued_at, issued);
	gr_time_iso(a->expires_at, expires);
	t = json_pack("{s:o,s:{s:s,s:s,s:o,s:n},s:[s],s:s,s:s}",
	    "methods", methods_json(a->methods),
	    "user", "id", a->user_id, "name", a->user_name, "domain",
	    domain_json(a->user_domain_id, a->user_domain_name),
	    "password_expires_at",
	    "audit_ids", a->audit_id,
	    "issued_at", issued, "expires_at", expires);
	if (a->parent_audit_id[0])
		json_array_append_new(json_object_get(t, "audit_ids"),
		    json_string(a->parent_audit_id));
	if (gr_auth_unscoped(a))
		return json_pack("{s:o}", "token", t);
	if (a->project_id[0]) {
		json_object_set_new(t, "project", json_pack("{s:s,s:s,s:o}",
		    "id", a->project_id, "name", a->project_name, "domain",
		    domain_json(a->project_domain_id, a->project_domain_name)));
		json_object_set_new(t, "is_domain", json_false());
	} else if (a->domain_id[0]) {
		json_object_set_new(t, "domain", domain_json(a->domain_id,
		    a->domain_name));
	} else {
		json_object_set_new(t, "system", json_pack("{s:b}", "all", 1));
	}
	json_object_set(t, "roles", a->roles);
	if (with_catalog)
		json_object_set_new(t, "catalog", auth_catalog_json());
	return json_pack("{s:o}", "token", t);
}

/* ---- POST /v3/auth/tokens ---- */

/* What a new token is for: at most one of the three ("" and 0: unscoped). */
struct scope {
	char	project_id[33];
	char	domain_id[65];
	int	system;
};

/* A domain reference {id|name}: the domain's id into id. One that does
 * not exist or is disabled is Keystone's 401. */
static int
check_domain(json_t *d, const char *what, char id[65])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *did = NULL, *name = NULL;

	if (gr_json_str(d, "id", 0, 64, &did) < 0 ||
	    gr_json_str(d, "name", 0, 255, &name) < 0)
		return -1;
	if (did == NULL && name == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s's domain needs an 'id' or "
		    "a 'name'.", what);
		return -1;
	}
	const char *p[1] = { did ? did : name };
	if ((r = gr_db_query(did ? "SELECT id, enabled FROM domains WHERE id = "
	    "$1" : "SELECT id, enabled FROM domains WHERE name = $1", 1, p)) ==
	    NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "The %s's domain '%s' does not "
		    "exist.", what, p[0]);
		return -1;
	}
	if (PQgetvalue(r, 0, 1)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The %s's domain '%s' is "
		    "disabled.", what, p[0]);
		return -1;
	}
	snprintf(id, 65, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

/* The owner's optional "domain" member: its id into id ("default" if
 * there is none). */
static int
check_owner_domain(json_t *owner, const char *what, char id[65])
{
	json_t *d = NULL;

	snprintf(id, 65, "default");
	if (gr_json_object(owner, "domain", 0, &d) < 0)
		return -1;
	return d ? check_domain(d, what, id) : 0;
}

/* Finds the user named in the password method and checks the password.
 * Any failure is the same 401 so callers cannot probe for user names. */
static int
password_user(json_t *user, char uid[33])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = NULL, *name = NULL, *pw = NULL;
	char dom[65];

	if (gr_json_str(user, "id", 0, 64, &id) < 0 ||
	    gr_json_str(user, "name", 0, 255, &name) < 0 ||
	    gr_json_str(user, "password", 1, PASSWORD_MAX, &pw) < 0 ||
	    check_owner_domain(user, "user", dom) < 0)
		return -1;
	if (id == NULL && name == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The password method needs the "
		    "user's 'id' or 'name'.");
		return -1;
	}
	const char *p[2] = { id ? id : name, dom };
	r = gr_db_query(id ? "SELECT u.id, u.password_hash, u.enabled, "
	    "d.enabled FROM users u JOIN domains d ON d.id = u.domain_id WHERE "
	    "u.id = $1 AND $2::text IS NOT NULL" : "SELECT u.id, "
	    "u.password_hash, u.enabled, d.enabled FROM users u JOIN domains d "
	    "ON d.id = u.domain_id WHERE u.name = $1 AND u.domain_id = $2", 2,
	    p);
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
	if (PQgetvalue(r, 0, 3)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The domain of the user '%s' is "
		    "disabled.", id ? id : name);
		return -1;
	}
	snprintf(uid, 33, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

/* Loads a token the caller names; one that is not valid is a 404 with the
 * reason, as Keystone answers (gr_err_msg() is the buffer gr_error fills,
 * so the reason is copied first). */
static struct gr_auth *
load_named(const char *tok, char hash[GR_SHA256_HEX])
{
	char why[512];
	struct gr_auth *a;

	gr_sha256_hex(tok, strlen(tok), hash);
	if ((a = gr_auth_load(hash)) != NULL || gr_err_code() !=
	    GR_ERR_UNAUTHORIZED)
		return a;
	snprintf(why, sizeof(why), "%s", gr_err_msg());
	gr_error(GR_ERR_NOT_FOUND, "%s", why);
	return NULL;
}

/* The user's default project if they hold a role on it (Keystone scopes
 * a token asked for without a scope to it), else unscoped. */
static int
scope_default(const char *uid, struct scope *sc)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { uid };

	r = gr_db_query("SELECT p.id FROM users u JOIN projects p ON p.id = "
	    "u.default_project_id WHERE u.id = $1 AND p.enabled AND EXISTS "
	    "(SELECT 1 FROM user_project_roles ra WHERE ra.user_id = u.id AND "
	    "ra.project_id = p.id)", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1)
		snprintf(sc->project_id, sizeof(sc->project_id), "%s",
		    PQgetvalue(r, 0, 0));
	return 0;
}

/* scope.project {id | name [, domain]}: a project the user holds a role
 * on; anything else is Keystone's 401. */
static int
scope_project(json_t *proj, const char *uid, struct scope *sc)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = NULL, *name = NULL;
	char dom[65];

	if (gr_json_str(proj, "id", 0, 64, &id) < 0 ||
	    gr_json_str(proj, "name", 0, 255, &name) < 0 ||
	    check_owner_domain(proj, "project", dom) < 0)
		return -1;
	if (id == NULL && name == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The project scope needs an 'id' or "
		    "a 'name'.");
		return -1;
	}
	const char *p[3] = { id ? id : name, uid, dom };
	r = gr_db_query(id ?
	    "SELECT p.id, p.enabled AND d.enabled, EXISTS (SELECT 1 FROM "
	    "user_project_roles ra WHERE ra.project_id = p.id AND ra.user_id = $2) "
	    "FROM projects p JOIN domains d ON d.id = p.domain_id "
	    "WHERE p.id = $1 AND $3::text IS NOT NULL" :
	    "SELECT p.id, p.enabled AND d.enabled, EXISTS (SELECT 1 FROM "
	    "user_project_roles ra WHERE ra.project_id = p.id AND ra.user_id = $2) "
	    "FROM projects p JOIN domains d ON d.id = p.domain_id "
	    "WHERE p.name = $1 AND p.domain_id = $3", 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || PQgetvalue(r, 0, 2)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The user has no role on the "
		    "project '%s' (or it does not exist).", id ? id : name);
		return -1;
	}
	if (PQgetvalue(r, 0, 1)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The project '%s' or its domain is "
		    "disabled.", id ? id : name);
		return -1;
	}
	snprintf(sc->project_id, sizeof(sc->project_id), "%s",
	    PQgetvalue(r, 0, 0));
	return 0;
}

/* scope.domain {id | name}, or scope.system {all: true}: the user needs a
 * role on it, its own or its groups' (user_domain_roles,
 * user_system_roles). */
static int
scope_domain_or_system(json_t *dom, json_t *sys, const char *uid,
    struct scope *sc)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char did[65] = "";
	const char *p[2] = { uid, did };
	int all = 0;

	if (dom && check_domain(dom, "scope", did) < 0)
		return -1;
	if (sys && gr_json_bool(sys, "all", 0, &all) < 0)
		return -1;
	if (sys && !all) {
		gr_error(GR_ERR_UNAUTHORIZED, "A system scope must be "
		    "{\"all\": true}: the whole system is the only one.");
		return -1;
	}
	r = gr_db_query(dom ? "SELECT 1 FROM user_domain_roles WHERE "
	    "domain_id = $2 AND user_id = $1 LIMIT 1" : "SELECT 1 FROM "
	    "user_system_roles WHERE user_id = $1 AND $2::text IS NOT NULL "
	    "LIMIT 1", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "The user has no role on %s%s%s.",
		    dom ? "the domain '" : "the system", did, dom ? "'" : "");
		return -1;
	}
	if (dom)
		snprintf(sc->domain_id, sizeof(sc->domain_id), "%s", did);
	sc->system = sys != NULL;
	return 0;
}

/*
 * Resolves auth.scope for user uid: absent means the default project (or
 * unscoped), "unscoped" (or {"unscoped": {}}, as older clients send) an
 * unscoped token; an object names exactly one of project, domain, system.
 * from is the token the token method exchanges, or NULL.
 */
static int
resolve_scope(json_t *auth, const char *uid, const struct gr_auth *from,
    struct scope *sc)
{
	json_t *scope = json_object_get(auth, "scope");
	json_t *proj, *dom, *sys;

	memset(sc, 0, sizeof(*sc));
	if (scope == NULL)
		return scope_default(uid, sc);
	if (json_is_string(scope) && strcmp(json_string_value(scope),
	    "unscoped") == 0)
		return 0;
	proj = json_object_get(scope, "project");
	dom = json_object_get(scope, "domain");
	sys = json_object_get(scope, "system");
	if (!json_is_object(scope) || (proj != NULL) + (dom != NULL) +
	    (sys != NULL) + (json_object_get(scope, "unscoped") != NULL) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "The scope must be \"unscoped\" or "
		    "an object naming exactly one of 'project', 'domain', "
		    "'system' or 'unscoped'.");
		return -1;
	}
	if ((proj && !json_is_object(proj)) || (dom && !json_is_object(dom)) ||
	    (sys && !json_is_object(sys))) {
		gr_error(GR_ERR_BAD_REQUEST, "The scope's '%s' must be an "
		    "object.", proj ? "project" : dom ? "domain" : "system");
		return -1;
	}
	if (from && from->system && (proj || dom)) {
		gr_error(GR_ERR_FORBIDDEN, "You are not authorized to perform the "
		    "requested action: a system-scoped token cannot be "
		    "exchanged for a project- or domain-scoped one.");
		return -1;
	}
	if (proj)
		return scope_project(proj, uid, sc);
	if (dom || sys)
		return scope_domain_or_system(dom, sys, uid, sc);
	return 0;
}

/* Who the identity methods prove the caller to be: password, token, or
 * both for one user. *from is the token the token method exchanges (its
 * hash in from_hash). */
static int
authenticate(json_t *ident, char uid[33], struct gr_auth **from,
    char from_hash[GR_SHA256_HEX])
{
	json_t *methods, *m, *payload, *user;
	const char *tok = NULL;
	size_t i;
	int password = 0, token = 0;

	*from = NULL;
	if (gr_json_array(ident, "methods", 1, &methods) < 0)
		return -1;
	json_array_foreach(methods, i, m) {
		const char *s = json_string_value(m);

		if (s == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "The identity's 'methods' "
			    "must be a list of strings.");
			return -1;
		}
		if (strcmp(s, "password") == 0)
			password = 1;
		else if (strcmp(s, "token") == 0)
			token = 1;
		else {
			gr_error(GR_ERR_UNAUTHORIZED, "The authentication method "
			    "'%s' is not supported: use 'password' or 'token'.",
			    s);
			return -1;
		}
	}
	if (!password && !token) {
		gr_error(GR_ERR_UNAUTHORIZED, "The identity's 'methods' name no "
		    "method: use 'password' or 'token'.");
		return -1;
	}
	if (password && (gr_json_object(ident, "password", 1, &payload) < 0 ||
	    gr_json_object(payload, "user", 1, &user) < 0 ||
	    password_user(user, uid) < 0))
		return -1;
	if (!token)
		return 0;
	if (gr_json_object(ident, "token", 1, &payload) < 0 ||
	    gr_json_str(payload, "id", 1, 256, &tok) < 0 ||
	    (*from = load_named(tok, from_hash)) == NULL)
		return -1;
	if (password && strcmp(uid, (*from)->user_id) != 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "The password and the token belong "
		    "to different users.");
		goto fail;
	}
	snprintf(uid, 33, "%s", (*from)->user_id);
	return 0;
fail:
	gr_auth_free(*from);
	*from = NULL;
	return -1;
}

/* A new token's methods: a token made with the token method lists it
 * first and keeps the ones of the token it came from, as Keystone's do
 * (password and token are the only methods there are). */
static const char *
new_methods(json_t *ident, const struct gr_auth *from)
{
	int pw = from && strstr(from->methods, "password") != NULL;
	size_t i;
	json_t *m;

	if (from == NULL)
		return "password";
	json_array_foreach(json_object_get(ident, "methods"), i, m)
		pw |= strcmp(json_string_value(m), "password") == 0;
	return pw ? "token,password" : "token";
}

int
auth_issue(struct gr_req *req, struct gr_resp *resp)
{
	json_t *body, *auth, *ident;
	char uid[33], token[65], hash[GR_SHA256_HEX], ttl[24];
	char parent[GR_SHA256_HEX] = "", from_hash[GR_SHA256_HEX];
	struct gr_auth *from = NULL, *a = NULL;
	struct scope sc;
	int ret = -1;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "auth", 1, &auth) < 0 ||
	    gr_json_object(auth, "identity", 1, &ident) < 0 ||
	    authenticate(ident, uid, &from, from_hash) < 0 ||
	    resolve_scope(auth, uid, from, &sc) < 0 ||
	    gr_random_hex(token, 32) < 0)
		goto cleanup;
	gr_sha256_hex(token, 64, hash);
	snprintf(ttl, sizeof(ttl), "%ld", ctl.token_ttl);
	if (from)
		snprintf(parent, sizeof(parent), "%s", from->parent_audit_id[0] ?
		    from->parent_audit_id : from->audit_id);
	/* A token from a token keeps its expiry: no one extends a session by
	 * exchanging tokens. */
	const char *p[9] = { hash, uid, sc.project_id[0] ? sc.project_id :
	    NULL, sc.domain_id[0] ? sc.domain_id : NULL, sc.system ? "t" : "f",
	    new_methods(ident, from), parent[0] ? parent : NULL, ttl,
	    from ? from_hash : NULL };
	if (gr_db_exec("INSERT INTO tokens (hash, user_id, project_id, "
	    "domain_id, system, methods, parent_audit_id, expires_at) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, coalesce((SELECT expires_at FROM "
	    "tokens WHERE hash = $9), now() + make_interval(secs => $8)))", 9,
	    p) < 0)
		goto cleanup;
	/* Read it back through the query every later request uses (not
	 * cached: a token is cached when it is first used). */
	if ((a = gr_auth_load_fresh(hash)) == NULL)
		goto cleanup;
	gr_resp_json(resp, 201, token_json(a, !gr_req_has_query(req,
	    "nocatalog")));
	gr_resp_header(resp, "X-Subject-Token", token);
	ret = 0;
cleanup:
	gr_auth_free(from);
	gr_auth_free(a);
	return ret;
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
	/* Keystone answers 404 for a subject token that is not valid. */
	if ((s = load_named(tok, hash)) == NULL)
		return NULL;
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
	char self[300];

	if (gr_auth_unscoped(gr_auth_of(req))) {
		gr_error(GR_ERR_FORBIDDEN, "You are not authorized to perform the "
		    "requested action: an unscoped token has no catalog; scope "
		    "it to a project first.");
		return -1;
	}
	snprintf(self, sizeof(self), "http://%s:%ld/v3/auth/catalog",
	    ctl.public_host, ctl.identity_port);
	gr_resp_json(resp, 200, json_pack("{s:o,s:{s:s}}", "catalog",
	    auth_catalog_json(), "links", "self", self));
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

int
auth_authorize_project(struct gr_req *req, enum gr_policy policy)
{
	struct gr_trust trust = { .cluster_secret = ctl.cluster_secret,
	    .tokens = gr_auth_load, .project_only = 1 };

	return gr_auth_check(req, policy, &trust);
}
