/*
 * server_nets.h - a server's vNICs, as Nova wires them (server_nets.c):
 * the `networks` and `security_groups` of a create checked before
 * anything is made; the ports made (or given ports claimed) for each
 * instance in one networking transaction; on the job's thread before the
 * boot, the ports bound to the chosen node and that node's network agent
 * asked to plug them (the boot waits for "port ACTIVE", bounded by
 * vif_plugging_timeout); on delete, made ports deleted and given ones
 * unbound. Also the server's addresses, /ips and os-interface.
 */
#ifndef SERVER_NETS_H
#define SERVER_NETS_H

#include <jansson.h>

#include "gr_http.h"

#define SERVER_NICS_MAX	8

struct server_nic_req {
	char	 network_id[37];	/* "" when a port is given */
	char	 port_id[37];		/* "" when a network is given */
	char	 fixed_ip[16];		/* "" for any */
};

/* What a create asked for, checked. */
struct server_nets {
	struct server_nic_req	 nics[SERVER_NICS_MAX];
	int			 n;
	json_t			*groups;	/* group ids, or NULL: default */
};

/*
 * Reads `networks` and `security_groups` of a create's server object
 * for the caller's project: absent networks (or "auto") pick the
 * project's one network as Nova does (none: no vNIC; several: 409),
 * "none" or [] none. Returns 0, or -1 with Nova's answer (400 for a
 * malformed or unknown network, port or group, 409 for a port in use or
 * an ambiguous choice, 403 for an external network).
 */
int server_nets_parse(struct gr_req *req, json_t *server,
    struct server_nets *out);
void server_nets_clear(struct server_nets *n);
/*
 * Makes instance_id's ports (or claims the given ones) in one
 * transaction: *nics is the boot spec's list ([{port_id, mac, tap,
 * mtu}], new) and *record what instances.nics keeps (new string).
 * Returns 0, or -1 with the reason (nothing is left behind).
 */
int server_nets_allocate(struct gr_req *req, const struct server_nets *n,
    const char *instance_id, json_t **nics, char **record);
/* Undoes server_nets_allocate when the instance could not be stored. */
void server_nets_undo(const char *record);
/*
 * agent_rpc_prepare of a boot: binds the instance's ports to host, gives
 * the node a DHCP port on each of their networks, and has its network
 * agent plug them. -1 with a sentence naming the port and the hop that
 * is missing when they are not ACTIVE within vif_plugging_timeout.
 */
int server_nets_plug(const char *instance_id, const char *host,
    json_t *spec);
/* Releases a deleted instance's ports: its own deleted, given ones
 * unbound (their floating IPs disassociated), the node's DHCP port
 * dropped with the network's last port there. */
int server_nets_release(const char *instance_id);
/* The server document's `addresses` (new). */
json_t *server_nets_addresses(const char *instance_id);
/* Addresses with only version and addr (as /ips and a 2.1 PUT show them);
 * takes addresses, returns a new object. */
json_t *server_nets_addresses_plain(json_t *addresses);
/* The names of the security groups of the instance's ports (new), or
 * NULL when it has no port. */
json_t *server_nets_groups(const char *instance_id);

int server_ips(struct gr_req *req, struct gr_resp *resp);
int server_ips_network(struct gr_req *req, struct gr_resp *resp);
int server_interface_list(struct gr_req *req, struct gr_resp *resp);
int server_interface_show(struct gr_req *req, struct gr_resp *resp);

#endif
