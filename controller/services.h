/*
 * services.h - os-services: each node's compute service (nova-compute),
 * listed with its state and status, and disabled or enabled by an admin
 * (the scheduler skips a disabled or forced-down node), and deleted.
 */
#ifndef SERVICES_H
#define SERVICES_H

#include "gr_http.h"

int services_list(struct gr_req *req, struct gr_resp *resp);
/* PUT /os-services/{action}: enable, disable, disable-log-reason and
 * (2.11) force-down; from 2.53 PUT /os-services/{service_uuid}. */
int services_update(struct gr_req *req, struct gr_resp *resp);
/* DELETE /os-services/{id}: the node's service, while it hosts nothing. */
int services_delete(struct gr_req *req, struct gr_resp *resp);

#endif
