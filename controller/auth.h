/*
 * auth.h - tokens (issue, validate, revoke), the service catalog, and the
 * authorize hook every controller listener uses (auth.c).
 */
#ifndef AUTH_H
#define AUTH_H

#include <jansson.h>

#include "gr_auth.h"
#include "gr_http.h"

/* gr_auth_check with the cluster secret: the authorize hook. */
int auth_authorize(struct gr_req *req, enum gr_policy policy);
/* The same for the compute and network APIs: a token must be scoped to a
 * project (403 for an unscoped, domain- or system-scoped one). */
int auth_authorize_project(struct gr_req *req, enum gr_policy policy);
/* Issues a token: handler for POST /v3/auth/tokens. */
int auth_issue(struct gr_req *req, struct gr_resp *resp);
int auth_validate(struct gr_req *req, struct gr_resp *resp);
int auth_revoke(struct gr_req *req, struct gr_resp *resp);
int auth_catalog(struct gr_req *req, struct gr_resp *resp);
/* The service catalog the token response carries (a new reference to a
 * shared, read-only object). */
json_t *auth_catalog_json(void);


/* 0 if the signed request comes from node host, else -1 with a 403: a
 * node speaks only for itself. */
int auth_node_speaks(struct gr_req *req, const char *host);

#endif
