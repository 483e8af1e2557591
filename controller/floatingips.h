/*
 * floatingips.h - floating IPs and their port forwards (floatingips.c):
 * addresses of an external network, held by a port there
 * (network:floatingip), that a router DNATs to a port's fixed IP, or
 * per protocol and port to several internal ones.
 */
#ifndef FLOATINGIPS_H
#define FLOATINGIPS_H

#include "gr_http.h"

int fip_list(struct gr_req *req, struct gr_resp *resp);
int fip_create(struct gr_req *req, struct gr_resp *resp);
int fip_show(struct gr_req *req, struct gr_resp *resp);
int fip_update(struct gr_req *req, struct gr_resp *resp);
int fip_delete(struct gr_req *req, struct gr_resp *resp);
int pf_list(struct gr_req *req, struct gr_resp *resp);
int pf_create(struct gr_req *req, struct gr_resp *resp);
int pf_show(struct gr_req *req, struct gr_resp *resp);
int pf_update(struct gr_req *req, struct gr_resp *resp);
int pf_delete(struct gr_req *req, struct gr_resp *resp);

#endif
