/*
 * flavors.h - flavors, their extra specs and access lists (flavors.c).
 */
#ifndef FLAVORS_H
#define FLAVORS_H

#include <jansson.h>

#include "gr_http.h"

/*
 * A flavor by id, name or link (its last segment) as the caller may see
 * it: a new object {id, name, vcpus, ram, disk, swap, ephemeral,
 * extra_specs:{...}} the caller json_decref()s, or NULL with
 * GR_ERR_NOT_FOUND (no such flavor visible), GR_ERR_BAD_REQUEST (an empty
 * or overlong reference) or a database error.
 */
json_t *flavor_find(const char *id_or_name, const char *project_id,
    int is_admin);
int flavor_list(struct gr_req *req, struct gr_resp *resp);
int flavor_detail(struct gr_req *req, struct gr_resp *resp);
int flavor_show(struct gr_req *req, struct gr_resp *resp);
int flavor_create(struct gr_req *req, struct gr_resp *resp);
/* PUT /flavors/{id}: its description, from microversion 2.55. */
int flavor_update(struct gr_req *req, struct gr_resp *resp);
int flavor_delete(struct gr_req *req, struct gr_resp *resp);
int flavor_specs_get(struct gr_req *req, struct gr_resp *resp);
int flavor_specs_set(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_get(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_put(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_delete(struct gr_req *req, struct gr_resp *resp);
int flavor_access_list(struct gr_req *req, struct gr_resp *resp);
int flavor_action(struct gr_req *req, struct gr_resp *resp);

#endif
