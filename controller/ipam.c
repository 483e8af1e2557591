/*
 * ipam.c - see ipam.h. The lowest free address of a subnet's pools is
 * found by one query over the pools' ranges; a fixed address may be
 * anywhere in the subnet but its network, broadcast and gateway
 * addresses, as in Neutron.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "ipam.h"
#include "ipnet.h"

/* A subnet of the network, by id: its prefix and gateway (0 if none). */
struct subnet_row {
	char		id[37];
	struct ipnet	net;
	uint32_t	gateway;
};

/* The network's subnets in creation order, at most max. */
static int
subnets_of(const char *network_id, struct subnet_row *out, int max)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { network_id };
	int n = 0;

	if ((r = gr_db_query("SELECT id, cidr, coalesce(host(gateway_ip), '') "
	    "FROM subnets WHERE network_id = $1 ORDER BY created_at, id", 1,
	    p)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && n < max; i++) {
		snprintf(out[n].id, sizeof(out[n].id), "%s", PQgetvalue(r, i, 0));
		if (ipnet_cidr(PQgetvalue(r, i, 1), &out[n].net) < 0)
			continue;
		out[n].gateway = 0;
		ipnet_addr(PQgetvalue(r, i, 2), &out[n].gateway);
		n++;
	}
	return n;
}

static int
insert(const char *subnet_id, const char *ip, const char *port_id,
    const char *network_id)
{
	const char *p[4] = { subnet_id, ip, port_id, network_id };

	if (gr_db_exec("INSERT INTO ip_allocations (subnet_id, ip, port_id, "
	    "network_id) VALUES ($1, $2, $3, $4)", 4, p) < 0) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "IP address %s already "
			    "allocated in subnet %s.", ip, subnet_id);
		return -1;
	}
	return 0;
}

/* The lowest free address of the subnet's pools into ip; 0 when the
 * pools are full, 1 when one was found. */
static int
lowest_free(const char *subnet_id, char ip[IPNET_ADDR_LEN])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { subnet_id };

	if ((r = gr_db_query("SELECT host(c.ip) FROM (SELECT (p->>'start')::inet "
	    "+ g AS ip FROM subnets s, jsonb_array_elements(s.allocation_pools) "
	    "p, generate_series(0::bigint, (p->>'end')::inet - "
	    "(p->>'start')::inet) g WHERE s.id = $1) c WHERE NOT EXISTS "
	    "(SELECT 1 FROM ip_allocations a WHERE a.subnet_id = $1 AND a.ip = "
	    "c.ip) ORDER BY c.ip LIMIT 1", 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0)
		return 0;
	snprintf(ip, IPNET_ADDR_LEN, "%s", PQgetvalue(r, 0, 0));
	return 1;
}

/* One requested entry: a subnet, an address, or both. */
static int
assign_one(const char *port_id, const char *network_id, json_t *e,
    const struct subnet_row *subs, int nsubs, int router)
{
	static const char *const keys[] = { "subnet_id", "ip_address", NULL };
	const struct subnet_row *sub = NULL;
	const char *sid = NULL, *ip = NULL;
	char found[IPNET_ADDR_LEN];
	uint32_t a = 0;

	if (!json_is_object(e) || gr_json_only(e, "fixed IP", keys) < 0 ||
	    gr_json_str(e, "subnet_id", 0, 64, &sid) < 0 ||
	    gr_json_str(e, "ip_address", 0, 64, &ip) < 0) {
		if (!json_is_object(e))
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
			    "fixed_ips. Reason: each entry must be an object "
			    "with subnet_id and/or ip_address.");
		return -1;
	}
	if (sid == NULL && ip == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for fixed_ips. "
		    "Reason: an entry needs subnet_id or ip_address.");
		return -1;
	}
	if (ip && ipnet_addr(ip, &a) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for ip_address. "
		    "Reason: '%.64s' is not a valid IP address.", ip);
		return -1;
	}
	for (int i = 0; i < nsubs; i++)
		if (sid ? strcasecmp(subs[i].id, sid) == 0 :
		    ipnet_contains(&subs[i].net, a))
			sub = &subs[i];
	if (sub == NULL) {
		if (sid)
			gr_error(GR_ERR_BAD_REQUEST, "Failed to create port on "
			    "network %s, because fixed_ips included invalid "
			    "subnet %.64s.", network_id, sid);
		else
			gr_error(GR_ERR_BAD_REQUEST, "IP address %s is not a "
			    "valid IP for any of the subnets on the specified "
			    "network.", ip);
		return -1;
	}
	if (ip == NULL) {
		switch (lowest_free(sub->id, found)) {
		case -1:
			return -1;
		case 0:
			gr_error(GR_ERR_CONFLICT, "No more IP addresses "
			    "available for subnet %s.", sub->id);
			return -1;
		}
		return insert(sub->id, found, port_id, network_id);
	}
	if (!ipnet_is_host(&sub->net, a)) {
		gr_error(GR_ERR_BAD_REQUEST, "IP address %s is not a valid IP "
		    "for the specified subnet.", ip);
		return -1;
	}
	if (a == sub->gateway && !router) {
		gr_error(GR_ERR_CONFLICT, "IP address %s already allocated in "
		    "subnet %s: it is the subnet's gateway.", ip, sub->id);
		return -1;
	}
	ipnet_addr_str(a, found);
	return insert(sub->id, found, port_id, network_id);
}

#define MAX_SUBNETS	64

int
ipam_assign(const char *port_id, const char *network_id, json_t *requested,
    int router)
{
	struct subnet_row subs[MAX_SUBNETS];
	char ip[IPNET_ADDR_LEN];
	int n;
	size_t i;
	json_t *e;

	if ((n = subnets_of(network_id, subs, MAX_SUBNETS)) < 0)
		return -1;
	if (requested) {
		if (!json_is_array(requested) || json_array_size(requested) >
		    16) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid input for "
			    "fixed_ips. Reason: it must be a list of at most 16 "
			    "entries.");
			return -1;
		}
		json_array_foreach(requested, i, e)
			if (assign_one(port_id, network_id, e, subs, n,
			    router) < 0)
				return -1;
		return 0;
	}
	if (n == 0)
		return 0;
	for (int k = 0; k < n; k++) {
		int got = lowest_free(subs[k].id, ip);

		if (got < 0)
			return -1;
		if (got)
			return insert(subs[k].id, ip, port_id, network_id);
	}
	gr_error(GR_ERR_CONFLICT, "No more IP addresses available on network "
	    "%s.", network_id);
	return -1;
}

int
ipam_release(const char *port_id)
{
	const char *p[1] = { port_id };

	return gr_db_exec("DELETE FROM ip_allocations WHERE port_id = $1", 1,
	    p);
}
