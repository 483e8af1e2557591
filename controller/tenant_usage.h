/*
 * tenant_usage.h - os-simple-tenant-usage (tenant_usage.c): what each
 * project's servers used over a period, in hours and in vCPU, memory and
 * disk hours, from their rows (when each was launched and terminated,
 * and the copy of its flavor), as Nova 2.1 reports it. Errors are a 400
 * naming the bad date.
 */
#ifndef TENANT_USAGE_H
#define TENANT_USAGE_H

#include "gr_http.h"

/* GET /os-simple-tenant-usage?start=&end=&detailed=1: every project
 * (admins only, by the route). */
int tenant_usage_list(struct gr_req *req, struct gr_resp *resp);
/* GET /os-simple-tenant-usage/{project_id}: one project, its servers
 * listed (its members and admins). */
int tenant_usage_show(struct gr_req *req, struct gr_resp *resp);

#endif
