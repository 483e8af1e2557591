/*
 * routers.h - Network v2.0 routers (routers.c): a namespace on one node
 * joining tenant subnets (its interfaces) to an external network (its
 * gateway), with SNAT for the subnets and DNAT for floating IPs and port
 * forwards.
 */
#ifndef ROUTERS_H
#define ROUTERS_H

#include "gr_http.h"

int router_list(struct gr_req *req, struct gr_resp *resp);
int router_create(struct gr_req *req, struct gr_resp *resp);
int router_show(struct gr_req *req, struct gr_resp *resp);
int router_update(struct gr_req *req, struct gr_resp *resp);
int router_delete(struct gr_req *req, struct gr_resp *resp);
int router_add_interface(struct gr_req *req, struct gr_resp *resp);
int router_remove_interface(struct gr_req *req, struct gr_resp *resp);

/*
 * The router that joins the subnet of fixed_ip (on port_id) to
 * network_id (external) into router_id, inside net_begin(). Returns 1
 * when there is one, 0 when not (with a 404 explaining which link is
 * missing: no router on the subnet, or a router without a gateway there),
 * -1 on a database error.
 */
int router_for(const char *port_id, const char *fixed_ip,
    const char *network_id, char router_id[37]);

#endif
