/*
 * ipnet.h - IPv4 addresses and prefixes as numbers (ipnet.c): parsing
 * what clients send strictly, normalising a CIDR's host bits away, and
 * the checks a subnet's gateway and allocation pools must pass. Pure
 * functions, no database: the unit test covers them whole.
 */
#ifndef IPNET_H
#define IPNET_H

#include <stdint.h>

#define IPNET_ADDR_LEN	16	/* "255.255.255.255" and its NUL */
#define IPNET_CIDR_LEN	19	/* ... and "/32" */

struct ipnet {
	uint32_t	addr;	/* the network address, host order */
	int		prefix;	/* 0..32 */
};

/* A dotted-quad address (exactly four decimal parts, no mask) into *out.
 * 0, or -1 (nothing recorded: callers word their own sentence). */
int ipnet_addr(const char *s, uint32_t *out);
/* "A.B.C.D/N" into *out with the host bits cleared (10.0.0.5/24 is
 * 10.0.0.0/24). 0, or -1 when it is no IPv4 prefix. */
int ipnet_cidr(const char *s, struct ipnet *out);
void ipnet_addr_str(uint32_t a, char out[IPNET_ADDR_LEN]);
void ipnet_cidr_str(const struct ipnet *n, char out[IPNET_CIDR_LEN]);
/* The last address of the prefix (the broadcast address). */
uint32_t ipnet_last(const struct ipnet *n);
/* 1 if a is inside n. */
int ipnet_contains(const struct ipnet *n, uint32_t a);
/* 1 if a is a host address of n: inside it, and neither its network nor
 * its broadcast address (for /31 and /32, any address inside it). */
int ipnet_is_host(const struct ipnet *n, uint32_t a);

/* An allocation pool: first and last address, inclusive. */
struct ipnet_pool {
	uint32_t	start;
	uint32_t	end;
};

/*
 * The default pools of a subnet: every host address but the gateway (0 =
 * none), as one or two ranges. Returns how many were written to out[2].
 */
int ipnet_default_pools(const struct ipnet *n, uint32_t gateway,
    struct ipnet_pool out[2]);

enum ipnet_pool_fault {
	IPNET_POOL_OK,
	IPNET_POOL_REVERSED,	/* start > end: 400 */
	IPNET_POOL_OUTSIDE,	/* not host addresses of the subnet: 400 */
	IPNET_POOL_OVERLAP,	/* two pools share an address: 409 */
	IPNET_POOL_GATEWAY,	/* the gateway is in a pool: 409 */
};
/*
 * Checks pools against the subnet and its gateway (0 = none), in
 * Neutron's order. On a fault, *bad (and *other, for an overlap) is the
 * index of the offending pool.
 */
enum ipnet_pool_fault ipnet_check_pools(const struct ipnet *n,
    uint32_t gateway, const struct ipnet_pool *pools, int npools, int *bad,
    int *other);

#endif
