/*
 * quotas.h - quota sets, limits, the project check, and the availability
 * zones (quotas.c).
 */
#ifndef QUOTAS_H
#define QUOTAS_H

#include "gr_http.h"

/* 0 if the project exists, else -1 with a 400 naming it (quotas.c). */
int project_check(const char *project_id);
/*
 * A project's limit on a resource ("instances", "cores", "ram",
 * "key_pairs", "metadata_items", "server_groups", ...): its override or
 * the default (the 'default' quota class's, else built in) into *out, -1 meaning unlimited (also for a resource Gureum
 * does not limit). Returns 0, or -1 with a database error.
 */
int quota_limit(const char *project_id, const char *resource, long *out);
/*
 * Checks that the project may have n more instances of vcpus cores and ram
 * MB each under its instances, cores and ram quotas (the same usage the
 * quota sets show). Returns 0, or -1 with a 403 naming the quota.
 */
int quota_check_instances(const char *project_id, int n, long vcpus,
    long ram);
int quota_show(struct gr_req *req, struct gr_resp *resp);
int quota_defaults(struct gr_req *req, struct gr_resp *resp);
int quota_detail(struct gr_req *req, struct gr_resp *resp);
int quota_update(struct gr_req *req, struct gr_resp *resp);
int quota_delete(struct gr_req *req, struct gr_resp *resp);
int quota_class_show(struct gr_req *req, struct gr_resp *resp);
int quota_class_update(struct gr_req *req, struct gr_resp *resp);
int limits_show(struct gr_req *req, struct gr_resp *resp);
int az_list(struct gr_req *req, struct gr_resp *resp);
int az_detail(struct gr_req *req, struct gr_resp *resp);

#endif
