/*
 * ipam.h - fixed IP addresses of ports, handed out in PostgreSQL
 * (ipam.c). Every function runs inside the caller's net_begin()
 * transaction: the net_state row it holds serialises allocations, and
 * ip_allocations' primary key (subnet, address) is the guarantee that no
 * address is held twice.
 */
#ifndef IPAM_H
#define IPAM_H

#include <jansson.h>

/*
 * Gives port (on network) its fixed IPs. requested is the port's
 * fixed_ips ([{subnet_id?, ip_address?}, ...]) or NULL for "one address
 * from the first subnet with room". A subnet's gateway address goes only
 * to a router interface (router = 1). Returns 0, or -1 with Neutron's
 * answer: 400 for an address or subnet that is not the network's, 409
 * for one in use or an exhausted pool.
 */
int ipam_assign(const char *port_id, const char *network_id,
    json_t *requested, int router);
/* Drops every address of the port (before a new assignment). */
int ipam_release(const char *port_id);

#endif
