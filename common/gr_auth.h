/*
 * gr_auth.h - who is calling: token validation against the identity tables
 * (shared by every daemon on the database) and signed agent requests.
 *
 * A token is 256 random bits sent as 64 hex digits; the database keeps only
 * its SHA-256, so a leaked table holds no usable token. Validation is one
 * indexed query per request, which also tells why a token fails.
 *
 * gr_auth.c holds the policy check and signed requests, without libpq;
 * gr_auth_db.c the tokens and their cache, on the database. A daemon that
 * validates tokens links both; a node agent links only gr_auth.c, and its
 * gr_auth_check() refuses tokens with 401.
 */
#ifndef GR_AUTH_H
#define GR_AUTH_H

#include <jansson.h>

#include "gr_http.h"
#include "gr_sign.h"

/* What a validated token says about its bearer (req->auth). */
struct gr_auth {
	char	 user_id[33];
	char	*user_name;
	char	 project_id[33];	/* "" unless scoped to a project */
	char	*project_name;
	char	 domain_id[65];		/* "" unless scoped to a domain */
	char	 domain_name[257];	/* ...and its name */
	char	 user_domain_id[65];	/* the user's domain */
	char	 user_domain_name[257];
	char	 project_domain_id[65];	/* the project's domain, or "" */
	char	 project_domain_name[257];
	int	 system;		/* scoped to the system ("all") */
	int	 is_admin;		/* admin role on the token's scope */
	int	 is_agent;		/* a signed agent request */
	char	 node[65];		/* ...for this node ("" for users) */
	json_t	*roles;			/* [{"id":..,"name":..}] */
	long long issued_at;
	long long expires_at;
	char	 audit_id[23];
	char	 parent_audit_id[23];	/* a rescoped token's first one, or "" */
	char	 methods[48];		/* "password", "token,password" */
};

/* 1 if the token is scoped to nothing (no project, domain or system). */
int gr_auth_unscoped(const struct gr_auth *a);

/* Loads the context of a token by its SHA-256 hex; NULL with a 401 saying
 * why (unknown, revoked, expired, disabled) or a database error. */
struct gr_auth *gr_auth_load(const char *token_hash);
/* The same, always from the database, without touching the cache. */
struct gr_auth *gr_auth_load_fresh(const char *token_hash);
/* A copy the caller frees with gr_auth_free (roles copied deep, so the
 * copy may go to another thread). */
struct gr_auth *gr_auth_dup(const struct gr_auth *a);
void gr_auth_free(void *auth);
/*
 * Starts caching validated tokens, with a thread that listens on its own
 * connection for the database's change notifications and empties the
 * cache on each (and disables it while not listening). Returns -1 with the
 * error if the thread cannot start.
 */
int gr_auth_cache_start(const char *conninfo);
void gr_auth_cache_stop(void);
/* gr_auth_cache_start(), stopped at d's teardown. */
struct gr_daemon;
int gr_auth_cache_daemon(struct gr_daemon *d, const char *conninfo);
/* Empties the cache now (after a change made by this process). */
void gr_auth_flush(void);
/*
 * How a daemon checks signed requests (gr_sign.h). The controller and the
 * image service know the cluster secret and derive the key of the node a
 * request names; an agent knows only its own node's key and refuses (403)
 * a request signed for another node.
 */
struct gr_trust {
	const char		*cluster_secret;	/* or NULL... */
	const struct gr_signer	*self;		/* ...and this node's key */
	/* Validates a token by its hash (gr_auth_load, on the database); NULL
	 * in an agent, which takes no tokens and links no libpq. */
	struct gr_auth		*(*tokens)(const char *token_hash);
	/* Tokens must be scoped to a project (the compute, network and image
	 * APIs: their objects belong to one); others are 403. */
	int			 project_only;
};
/*
 * The authorize hook of gr_http, by the route's policy: X-Auth-Token on
 * user and admin routes (403 for a member on an admin route, and for a
 * signed request: agents may not act as users; for a token not scoped to
 * a project where trust->project_only), a node's signature on
 * agent routes, either on user-or-agent routes. Sets req->auth.
 */
int gr_auth_check(struct gr_req *req, enum gr_policy policy,
    const struct gr_trust *trust);
/* The caller's context (never NULL inside a non-public handler). */
struct gr_auth *gr_auth_of(struct gr_req *req);
/* 0 if the caller is admin or cond holds, else -1 with a 403 naming action. */
int gr_auth_admin_or(struct gr_req *req, int cond, const char *action);

#endif
