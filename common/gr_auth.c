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

int
gr_auth_unscoped(const struct gr_auth *a)
{
	return !a->project_id[0] && !a->domain_id[0] && !a->system;
}

struct gr_auth *
gr_auth_dup(const struct gr_auth *a)
{
	struct gr_auth *c = gr_xmalloc(sizeof(*c));

	*c = *a;
	c->user_name = gr_xstrdup(a->user_name);
	c->project_name = gr_xstrdup(a->project_name);
	c->roles = json_deep_copy(a->roles);
	return c;
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

/* A node's signed request: the key of the node it names (derived, or this
 * agent's own), checked over method, path, time and body. */
static int
authorize_agent(struct gr_req *req, const struct gr_trust *trust)
{
	const char *node = gr_req_header(req, "X-Gureum-Node");
	struct gr_signer k;
	struct gr_auth *a;

	if (node == NULL) {
		gr_error(GR_ERR_UNAUTHORIZED, "This agent call needs the "
		    "X-Gureum-Node header naming the node that signed it.");
		return -1;
	}
	if (gr_sign_check_node("X-Gureum-Node", node) < 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "X-Gureum-Node is not a node name.");
		return -1;
	}
	if (trust->self) {
		if (strcmp(node, trust->self->node) != 0) {
			gr_error(GR_ERR_FORBIDDEN, "This agent serves node %s; a "
			    "request signed for node %s is refused.",
			    trust->self->node, node);
			return -1;
		}
		k = *trust->self;
	} else if (trust->cluster_secret == NULL ||
	    gr_sign_node(trust->cluster_secret, node, &k) < 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "This service takes no signed "
		    "agent calls.");
		return -1;
	}
	if (gr_sign_verify(&k, req->method, req->path,
	    gr_req_header(req, "X-Gureum-Timestamp"),
	    gr_req_header(req, "X-Gureum-Signature"), req->body, req->body_len,
	    time(NULL)) < 0)
		return -1;
	a = gr_xcalloc(1, sizeof(*a));
	a->is_agent = 1;
	snprintf(a->node, sizeof(a->node), "%s", node);
	req->auth = a;
	return 0;
}

int
gr_auth_check(struct gr_req *req, enum gr_policy policy,
    const struct gr_trust *trust)
{
	int signed_req = gr_req_header(req, "X-Gureum-Signature") != NULL;
	const char *token;
	char hash[GR_SHA256_HEX];

	if (policy == GR_POLICY_PUBLIC)
		return 0;
	if (policy == GR_POLICY_AGENT || (policy == GR_POLICY_USER_OR_AGENT &&
	    signed_req))
		return authorize_agent(req, trust);
	/* Agents may use exactly the routes marked for them: a signature
	 * never stands in for a user's token. */
	if (signed_req) {
		gr_error(GR_ERR_FORBIDDEN, "%s %s takes a user's token; node "
		    "agents may not call it.", req->method, req->route->pattern);
		return -1;
	}
	token = gr_req_header(req, "X-Auth-Token");
	if (token == NULL || *token == '\0') {
		gr_error(GR_ERR_UNAUTHORIZED, "The request you have made requires "
		    "authentication: send a token in the X-Auth-Token header.");
		return -1;
	}
	if (trust->tokens == NULL) {
		gr_error(GR_ERR_UNAUTHORIZED, "This service takes signed agent "
		    "requests only, not tokens.");
		return -1;
	}
	gr_sha256_hex(token, strlen(token), hash);
	req->auth = trust->tokens(hash);
	if (req->auth == NULL)
		return -1;
	if (trust->project_only && gr_auth_of(req)->project_id[0] == '\0') {
		gr_error(GR_ERR_FORBIDDEN, "This service needs a token scoped to "
		    "a project; this one is %s: ask for a new one with "
		    "scope.project.", gr_auth_unscoped(gr_auth_of(req)) ?
		    "unscoped" : gr_auth_of(req)->system ? "scoped to the system" :
		    "scoped to a domain");
		return -1;
	}
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

