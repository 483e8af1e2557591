/*
 * router.c - see router.h. What is done inside the namespace runs there
 * through netns_run: forwarding, the default route, the NAT table.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "leg.h"
#include "netlink.h"
#include "netns.h"
#include "nft.h"
#include "router.h"

static int
bridge_index(struct netagent *a, const char *name)
{
	struct netlink_link l;
	int r = netlink_get(a->sk, name, &l);

	if (r == 0)
		gr_error(GR_ERR_NOT_FOUND, "The bridge %s does not exist.", name);
	return r == 1 ? l.ifindex : -1;
}

static int
leg(struct netagent *a, const struct doc_router *r, const struct doc_leg *l,
    int gateway)
{
	struct leg g = { .ns = r->ns, .dev = l->dev, .tap = l->tap,
	    .mac = l->mac, .mtu = l->mtu };
	int br = bridge_index(a, l->bridge);

	if (br < 0)
		return -1;
	leg_addr(&g, l->ip, l->prefixlen);
	/* The floating IPs, and those only port forwards use, answer on
	 * the gateway. */
	for (int i = 0; gateway && i < r->nfips; i++)
		leg_addr(&g, r->fips[i].ip, 32);
	for (int i = 0; gateway && i < r->nforwards; i++)
		if (strcmp(r->forwards[i].ip, l->ip) != 0)
			leg_addr(&g, r->forwards[i].ip, 32);
	return leg_apply(a, &g, br);
}

/* Inside the namespace: forwarding, the default route, NAT. */
static int
inside(void *arg)
{
	const struct doc_router *r = arg;
	const struct doc_leg *gw = r->gateway;
	struct netlink_link l;
	struct nl_sock *sk;
	int fd, ret = -1;

	/* /proc/sys/net is this thread's namespace's. */
	if ((fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY |
	    O_CLOEXEC)) < 0 || write(fd, "1\n", 2) != 2) {
		gr_error(GR_ERR_SYSTEM, "Cannot turn forwarding on in %s.",
		    r->ns);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	if ((sk = netlink_open()) == NULL)
		return -1;
	if (gw && gw->gateway_ip[0] && (netlink_get(sk, gw->dev, &l) != 1 ||
	    netlink_default_route(sk, gw->gateway_ip, l.ifindex) < 0))
		goto out;
	ret = nft_router_apply(r);
out:
	netlink_close(sk);
	return ret;
}

int
router_apply(struct netagent *a, const struct doc_router *r)
{
	int ret = 0;

	if (netns_add(a->netns_dir, r->ns) < 0)
		return -1;
	for (int i = 0; i < r->nlegs; i++)
		if (leg(a, r, &r->legs[i], 0) < 0)
			ret = -1;
	if (r->gateway && leg(a, r, r->gateway, 1) < 0)
		return -1;
	if (netns_run(a->netns_dir, r->ns, inside, (void *)r) < 0)
		return -1;
	return ret;
}

static int
has_router(const struct doc *d, const char *id)
{
	for (int i = 0; i < d->nrouters; i++)
		if (strcmp(d->routers[i].id, id) == 0)
			return 1;
	return 0;
}

int
router_prune(struct netagent *a, const struct doc *d)
{
	GR_AUTOFREE char (*ids)[37] = NULL;
	char ns[64];
	int n, ret = 0;

	netns_ids(a->netns_dir, "qrouter-", &ids, &n);
	for (int i = 0; i < n; i++) {
		if (has_router(d, ids[i]))
			continue;
		gr_info("removing router %s: no longer in the document", ids[i]);
		snprintf(ns, sizeof(ns), "qrouter-%s", ids[i]);
		/* Its legs' inside ends die with it, and so the pairs. */
		if (netns_del(a->netns_dir, ns) < 0)
			ret = -1;
	}
	return ret;
}
