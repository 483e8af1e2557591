/*
 * network_api.h - the Network v2.0 API's front (network_api.c): the
 * versions and extensions documents, the route table, and what every
 * network resource module shares: request bodies checked against the
 * resource's attributes, Neutron's `fields=` and list filters, the
 * caller's scope, and the lock every networking write takes.
 *
 * The resource modules build each object as JSON in SQL
 * (json_build_object), so one query gives the whole document and its
 * nested lists; these helpers parse, filter and trim it. Errors follow
 * gr_err.h; the listener answers them in Neutron's fault style.
 */
#ifndef NETWORK_API_H
#define NETWORK_API_H

#include <jansson.h>
#include <libpq-fe.h>

#include "gr_http.h"

extern const struct gr_route network_routes[];
extern const size_t network_nroutes;
void network_decorate(struct gr_req *req, struct gr_resp *resp);

/* network_api.c */

/*
 * The caller's project and whether it is an admin, as the two text
 * parameters every visibility clause takes: $1 project, $2 'true'/'false'.
 */
struct net_scope {
	const char	*project_id;
	int		 admin;
	const char	*admin_text;	/* "true" or "false" */
};
void net_scope_of(struct gr_req *req, struct net_scope *s);
/*
 * The request body's {"<member>": {...}} object, with every attribute in
 * the NULL-ended list `allowed`: NULL with a 400 "Unrecognized
 * attribute(s) 'a, b'" (Neutron's sentence) otherwise. Belongs to req.
 */
json_t *net_body(struct gr_req *req, const char *member,
    const char *const *allowed);
/*
 * The project a create body names in tenant_id or project_id (they must
 * agree), or the caller's. Another project than the caller's needs an
 * admin (403). Returns 0 or -1.
 */
int net_owner(struct gr_req *req, json_t *body, const char **project_id);
/* 403 unless the caller is an admin: "<attr> may be set only by an
 * admin." */
int net_admin_only(const struct net_scope *s, json_t *body,
    const char *attr);
/* What a resource's reads take: the document of one row, as the caller
 * may see it (e.g. without admin-only attributes). */
typedef json_t *(*net_fix)(json_t *doc, const struct net_scope *s);
/*
 * One resource by id as the caller may see it: sql takes $1 project, $2
 * admin, $3 id and answers the document as JSON text; fix (or NULL)
 * trims it. NULL with "<what> <id> could not be found." (404) for a
 * non-UUID or unseen id, or the database error.
 */
json_t *net_get(const char *sql, const char *what, const char *id,
    const struct net_scope *s, net_fix fix);
/* Answers a list: sql takes $1 project, $2 admin and answers one JSON
 * document a row, each through fix (or NULL), then filters and fields=. */
int net_list(struct gr_req *req, struct gr_resp *resp,
    const char *collection, const char *sql, net_fix fix);
/* Answers a show of req->params[0] through get. */
int net_show(struct gr_req *req, struct gr_resp *resp, const char *member,
    json_t *(*get)(const char *id, const struct net_scope *s));
/* Column 0 of every row, JSON text, as a new array. */
json_t *net_rows(PGresult *r);
/* Answers a list {"<collection>": [...]} after the query's filters and
 * fields= (items is taken). */
int net_reply_list(struct gr_req *req, struct gr_resp *resp,
    const char *collection, json_t *items);
/* Answers {"<member>": obj} with status after fields= (obj is taken). */
int net_reply(struct gr_req *req, struct gr_resp *resp, int status,
    const char *member, json_t *obj);
/*
 * Begins a networking write: a transaction holding the net_state row, so
 * networking writes are serialised (VNI, address, MAC and quota checks
 * cannot race; they all bump the generation in that row anyway).
 * Returns 0 or -1 with the database error.
 */
int net_begin(void);
/* Commits and wakes the network agents (best-effort, in the
 * background); -1 with the error (rolled back). */
int net_commit(void);
/* A 404 "<What> <id> could not be found." */
void net_not_found(const char *what, const char *id);
/*
 * The value of a JSON bool that Neutron also accepts as "true"/"false"
 * strings (any case): 1 or 0 into *out, 0 absent, -1 with a 400.
 */
int net_json_bool(json_t *obj, const char *key, int *out);

/* net_quotas.c */

/*
 * 0 if project may create n more of resource ("network", "subnet",
 * "port", "router", "floatingip", "security_group",
 * "security_group_rule") under its limit, else -1 with Neutron's 409
 * "Quota exceeded for resources: ['port']." Call inside net_begin().
 */
int net_quota_check(const char *project_id, const char *resource, int n);
int net_quota_show(struct gr_req *req, struct gr_resp *resp);
int net_quota_default(struct gr_req *req, struct gr_resp *resp);
int net_quota_details(struct gr_req *req, struct gr_resp *resp);
int net_quota_update(struct gr_req *req, struct gr_resp *resp);
int net_quota_delete(struct gr_req *req, struct gr_resp *resp);
int net_quota_list(struct gr_req *req, struct gr_resp *resp);

#endif
