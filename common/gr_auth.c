/* gr_auth.c - see gr_auth.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gr_auth.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_sign.h"
#include "gr_util.h"

struct gr_auth *
gr_auth_of(struct gr_req *req)
{
	return req->auth;
}

void
gr_auth_free(void *p)
{
	struct gr_auth *a = p;

	if (a == NULL)
		return;
	free(a->user_name);
	free(a->project_name);
	json_decref(a->roles);
	free(a);
}

/* Loads the context of a token hash. Distinguishes why a token fails so the
 * caller learns whether to re-authenticate. */
struct gr_auth *
gr_auth_load(const char *hash)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { hash };
	struct gr_auth *a;

	r = gr_db_query(
	    "SELECT t.user_id, u.name, coalesce(t.project_id, ''), "
	    "coalesce(p.name, ''), extract(epoch FROM t.issued_at)::bigint, "
	    "extract(epoch FROM t.expires_at)::bigint, t.revoked, "
	    "t.expires_at <= now(), u.enabled AND coalesce(p.enabled, true), "
	    "coalesce((SELECT json_agg(json_build_object('id', ro.id, "
	    "'name', ro.name) ORDER BY ro.name) FROM role_assignments ra "
	    "JOIN roles ro ON ro.id = ra.role_id WHERE ra.user_id = t.user_id "
	    "AND ra.project_id = t.project_id), '[]'), substr(t.hash, 1, 22) "
	    "FROM tokens t JOIN users u ON u.id = t.user_id "
	    "LEFT JOIN projects p ON p.id = t.project_id WHERE t.hash = $1",
	    1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "The token is not valid: no such "
		    "token was issued here.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 6)[0] == 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token has been revoked.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 7)[0] == 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token has expired: ask for a "
		    "new one.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 8)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token's user or project has "
		    "been disabled.");
		return NULL;
	}
	a = gr_xcalloc(1, sizeof(*a));
	snprintf(a->user_id, sizeof(a->user_id), "%s", PQgetvalue(r, 0, 0));
	a->user_name = gr_xstrdup(PQgetvalue(r, 0, 1));
	snprintf(a->project_id, sizeof(a->project_id), "%s",
	    PQgetvalue(r, 0, 2));
	a->project_name = gr_xstrdup(PQgetvalue(r, 0, 3));
	a->issued_at = atoll(PQgetvalue(r, 0, 4));
	a->expires_at = atoll(PQgetvalue(r, 0, 5));
	a->roles = json_loads(PQgetvalue(r, 0, 9), 0, NULL);
	snprintf(a->audit_id, sizeof(a->audit_id), "%s", PQgetvalue(r, 0, 10));
	if (a->roles == NULL)
		a->roles = json_array();
	for (size_t i = 0; i < json_array_size(a->roles); i++) {
		json_t *n = json_object_get(json_array_get(a->roles, i), "name");

		if (strcmp(json_string_value(n), "admin") == 0)
			a->is_admin = 1;
	}
	return a;
}

static int
authorize_agent(struct gr_req *req, const char *secret)
{
	struct gr_auth *a;

	if (gr_sign_verify(secret, req->method, req->path,
	    gr_req_header(req, "X-Gureum-Timestamp"),
	    gr_req_header(req, "X-Gureum-Signature"), req->body, req->body_len,
	    time(NULL)) < 0)
		return -1;
	a = gr_xcalloc(1, sizeof(*a));
	a->is_agent = 1;
	req->auth = a;
	return 0;
}

int
gr_auth_check(struct gr_req *req, enum gr_policy policy, const char *secret)
{
	const char *token;
	char hash[GR_SHA256_HEX];

	if (policy == GR_POLICY_PUBLIC)
		return 0;
	/* A node agent signs with the cluster secret instead of a token; it
	 * may use agent routes and read what users read (image downloads). */
	if (policy == GR_POLICY_AGENT || (policy == GR_POLICY_USER &&
	    gr_req_header(req, "X-Gureum-Signature") != NULL))
		return authorize_agent(req, secret);
	token = gr_req_header(req, "X-Auth-Token");
	if (token == NULL || *token == '\0') {
		gr_error(GR_ERR_UNAUTHORIZED, "The request you have made requires "
		    "authentication: send a token in the X-Auth-Token header.");
		return -1;
	}
	gr_sha256_hex(token, strlen(token), hash);
	req->auth = gr_auth_load(hash);
	if (req->auth == NULL)
		return -1;
	if (policy == GR_POLICY_ADMIN && !gr_auth_of(req)->is_admin) {
		gr_error(GR_ERR_FORBIDDEN, "You are not authorized to perform the "
		    "requested action: %s %s needs the admin role.", req->method,
		    req->route->pattern);
		return -1;
	}
	return 0;
}

int
gr_auth_admin_or(struct gr_req *req, int cond, const char *action)
{
	if (gr_auth_of(req)->is_admin || cond)
		return 0;
	gr_error(GR_ERR_FORBIDDEN, "You are not authorized to perform the "
	    "requested action: %s.", action);
	return -1;
}

