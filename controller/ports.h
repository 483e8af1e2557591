/*
 * ports.h - the Network v2.0 ports resource (ports.c).
 */
#ifndef PORTS_H
#define PORTS_H

#include <jansson.h>

#include "gr_http.h"
#include "network_api.h"

/* What a port create or update says (NULL / -1 = not given). */
struct port_spec {
	const char	*name;
	const char	*description;
	const char	*device_id;
	const char	*device_owner;
	const char	*host;			/* binding:host_id */
	const char	*vnic;
	const char	*mac;
	int		 admin_state_up;	/* -1 = not given */
	int		 pse;			/* port_security_enabled */
	json_t		*fixed_ips;		/* borrowed; NULL = one address */
	json_t		*groups;		/* owned; NULL = the default */
	json_t		*profile;		/* borrowed */
};

/*
 * Creates port id on network for project inside net_begin(): the port
 * quota, a MAC, the row, its addresses (ipam.c) and groups. The caller
 * checked that s may use the network. Returns 0 or -1 (the caller rolls
 * back).
 */
int port_create_locked(const char *id, const char *network_id,
    const char *project, const struct port_spec *spec,
    const struct net_scope *s);
/* The port's document as the caller may see it; NULL with a 404. */
json_t *port_get(const char *id, const struct net_scope *s);
/* Deletes the port inside net_begin(): its floating IPs are
 * disassociated, its addresses, groups and forwards go with it. */
int ports_delete_locked(const char *id);
/*
 * The nodes' DHCP ports follow their VM (compute:*) ports, inside
 * net_begin(): host, unless NULL, gets one on each network where such a
 * port is bound to it and a subnet serves DHCP (device_owner
 * network:dhcp, device_id dhcp-<host>, an address on each DHCP subnet),
 * and a node's DHCP port on a network where it has no such port left
 * goes. Returns 0 or -1 (the caller rolls back).
 */
int ports_dhcp_sync_locked(const char *host);

int port_list(struct gr_req *req, struct gr_resp *resp);
int port_create(struct gr_req *req, struct gr_resp *resp);
int port_show(struct gr_req *req, struct gr_resp *resp);
int port_update(struct gr_req *req, struct gr_resp *resp);
int port_delete(struct gr_req *req, struct gr_resp *resp);

#endif
