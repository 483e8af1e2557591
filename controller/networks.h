/*
 * networks.h - the Network v2.0 networks resource (networks.c).
 */
#ifndef NETWORKS_H
#define NETWORKS_H

#include "gr_http.h"
#include "network_api.h"

/*
 * Whether the caller sees network id: -1 with a 404 if not, else 1 when
 * it is shared and 0 when not; *owned says whether the caller owns it (or
 * is an admin).
 */
int network_access(const char *id, const struct net_scope *s, int *owned);

int network_list(struct gr_req *req, struct gr_resp *resp);
int network_create(struct gr_req *req, struct gr_resp *resp);
int network_show(struct gr_req *req, struct gr_resp *resp);
int network_update(struct gr_req *req, struct gr_resp *resp);
int network_delete(struct gr_req *req, struct gr_resp *resp);

#endif
