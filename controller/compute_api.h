/*
 * compute_api.h - Compute v2.1's front: versions, microversions, routes
 * (compute_api.c).
 */
#ifndef COMPUTE_API_H
#define COMPUTE_API_H

#include <stddef.h>

#include <jansson.h>

#include "gr_http.h"

extern const struct gr_route compute_routes[];
extern const size_t compute_nroutes;
void compute_decorate(struct gr_req *req, struct gr_resp *resp);

/* Checks the requested microversion, then the token (auth_authorize). */
int compute_authorize(struct gr_req *req, enum gr_policy policy);

/*
 * A full page's links, Nova's [{"rel": "next", "href": ...}]: the
 * collection ("servers/detail") under /v2.1 with the request's query
 * parameters in key order and marker=last. A new reference.
 */
json_t *compute_next_link(struct gr_req *req, const char *collection,
    const char *last);

/*
 * Nova's query schemas with additionalProperties false: -1 with a 400
 * naming the first parameter not in the NULL-ended known list (api names
 * what takes them: "os-migrations takes"), or given more than once when
 * its index is repeatable or more (Nova's single_param).
 */
int compute_query_only(struct gr_req *req, const char *api,
    const char *const *known, int repeatable);

#endif
