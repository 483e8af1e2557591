/* gr_auth.c - see gr_auth.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gr_auth.h"
#include "gr_crypto.h"
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

/*
 * Tokens are validated in gr_auth_db.c, on the database. A daemon that
 * serves tokens links it (it starts the token cache); a node agent serves
 * only signed routes and links neither it nor libpq, and there this weak
 * reference is NULL.
 */
extern struct gr_auth *gr_auth_load(const char *token_hash)
    __attribute__((weak));

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
	if (gr_auth_load == NULL) {
		gr_error(GR_ERR_UNAUTHORIZED, "This service takes signed agent "
		    "requests only, not tokens.");
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

