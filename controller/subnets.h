/*
 * subnets.h - the Network v2.0 subnets resource (subnets.c).
 */
#ifndef SUBNETS_H
#define SUBNETS_H

#include "gr_http.h"

int subnet_list(struct gr_req *req, struct gr_resp *resp);
int subnet_create(struct gr_req *req, struct gr_resp *resp);
int subnet_show(struct gr_req *req, struct gr_resp *resp);
int subnet_update(struct gr_req *req, struct gr_resp *resp);
int subnet_delete(struct gr_req *req, struct gr_resp *resp);

#endif
