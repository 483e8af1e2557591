/*
 * ports.h - the Network v2.0 ports resource (ports.c).
 */
#ifndef PORTS_H
#define PORTS_H

#include <jansson.h>

#include "gr_http.h"
#include "network_api.h"

/* The port's document as the caller may see it; NULL with a 404. */
json_t *port_get(const char *id, const struct net_scope *s);
/* Deletes the port inside net_begin(): its floating IPs are
 * disassociated, its addresses, groups and forwards go with it. */
int ports_delete_locked(const char *id);

int port_list(struct gr_req *req, struct gr_resp *resp);
int port_create(struct gr_req *req, struct gr_resp *resp);
int port_show(struct gr_req *req, struct gr_resp *resp);
int port_update(struct gr_req *req, struct gr_resp *resp);
int port_delete(struct gr_req *req, struct gr_resp *resp);

#endif
