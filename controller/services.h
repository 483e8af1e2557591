/*
 * services.h - os-services: each node's compute service (nova-compute),
 * listed with its state and status, and disabled or enabled by an admin
 * (the scheduler skips a disabled node).
 */
#ifndef SERVICES_H
#define SERVICES_H

#include "gr_http.h"

int services_list(struct gr_req *req, struct gr_resp *resp);
/* PUT /os-services/{action}: enable, disable, disable-log-reason. */
int services_update(struct gr_req *req, struct gr_resp *resp);

#endif
