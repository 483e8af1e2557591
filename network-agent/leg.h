/*
 * leg.h - a veth from a bridge into a named namespace: the bridge end
 * (tap<port[:11]>) on the bridge, up, with the MTU; the inside end (ns-,
 * qr- or qg-<port[:11]>) with the port's MAC, the MTU, up, its addresses,
 * and lo up. Made when the namespace lacks its end; corrected otherwise.
 * The DHCP ports and the routers' legs are legs. Errors: -1 with the
 * error recorded.
 */
#ifndef LEG_H
#define LEG_H

#include "netagent.h"

struct leg {
	const char	*ns;		/* namespace under netns_dir */
	const char	*dev;		/* the inside end */
	const char	*tap;		/* the bridge end */
	const char	*mac;
	int		 mtu;
	char		(*addrs)[72];	/* "IP/LEN", the inside end's */
	int		 naddrs;
};

/*
 * Plumbs l onto bridge ifindex br; the namespace must exist. The inside
 * end's IPv4 addresses become exactly l's: one no longer there has its
 * connections in the namespace forgotten (a floating IP's NAT would live
 * on). Frees l's address list.
 */
int leg_apply(struct netagent *a, struct leg *l, int br);
/* Adds "ip/len" to l, once. */
void leg_addr(struct leg *l, const char *ip, int len);

#endif
