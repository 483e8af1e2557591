/*
 * leg.c - see leg.h. The inside end is configured by a function run in
 * the namespace (netns_run), with a netlink socket of that namespace.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ct.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "leg.h"
#include "netlink.h"
#include "netns.h"

struct inside {
	const struct leg	*leg;
	int			 present;	/* out: the end is there */
};

static int
wanted(const struct leg *g, const char *a)
{
	for (int i = 0; i < g->naddrs; i++)
		if (strcmp(g->addrs[i], a) == 0)
			return 1;
	return 0;
}

/* In the namespace: the end's IPv4 addresses become g's. */
static int
addrs_sync(struct nl_sock *sk, int ifindex, const struct leg *g)
{
	GR_AUTOFREE char (*have)[NETLINK_CIDR] = NULL;
	char ip[NETLINK_CIDR];
	int n;

	for (int i = 0; i < g->naddrs; i++)
		if (netlink_addr_add(sk, ifindex, g->addrs[i]) < 0)
			return -1;
	if (netlink_addr_list(sk, ifindex, &have, &n) < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (wanted(g, have[i]))
			continue;
		gr_info("removing %s from %s in %s", have[i], g->dev, g->ns);
		if (netlink_addr_del(sk, ifindex, have[i]) < 0)
			return -1;
		snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(have[i], "/"),
		    have[i]);
		/* Connections to or from it (a floating IP's DNAT) end. */
		if (ct_forget(&(struct ct_match){ -1, ip }, 1) < 0)
			gr_err_log("cannot forget the connections of %s", ip);
	}
	return 0;
}

static int
configure_inside(void *arg)
{
	struct inside *in = arg;
	const struct leg *g = in->leg;
	struct nl_sock *sk = netlink_open();
	struct netlink_link l, lo;
	int ret = -1, r;

	if (sk == NULL)
		return -1;
	if ((r = netlink_get(sk, g->dev, &l)) <= 0) {
		in->present = 0;
		ret = r;
		goto out;
	}
	in->present = 1;
	/* The port's MAC, as the controller allocated it. */
	if (netlink_set_mac(sk, g->dev, &l, g->mac) < 0 ||
	    netlink_set(sk, g->dev, &l, g->mtu, 0, 1) < 0 ||
	    (netlink_get(sk, "lo", &lo) == 1 &&
	    netlink_set(sk, "lo", &lo, 0, 0, 1) < 0))
		goto out;
	if (addrs_sync(sk, l.ifindex, g) < 0)
		goto out;
	ret = 0;
out:
	netlink_close(sk);
	return ret;
}

void
leg_addr(struct leg *l, const char *ip, int len)
{
	char a[72];

	snprintf(a, sizeof(a), "%s/%d", ip, len);
	for (int i = 0; i < l->naddrs; i++)
		if (strcmp(l->addrs[i], a) == 0)
			return;
	l->addrs = gr_xrealloc(l->addrs, (size_t)(l->naddrs + 1) *
	    sizeof(*l->addrs));
	memcpy(l->addrs[l->naddrs++], a, sizeof(a));
}

static int
plumb(struct netagent *a, const struct leg *g, int br)
{
	struct inside in = { g, 0 };
	struct netlink_link l;
	int r, fd, ret;

	if (netns_run(a->netns_dir, g->ns, configure_inside, &in) < 0)
		return -1;
	if (!in.present) {
		gr_info("plumbing %s into %s", g->dev, g->ns);
		if ((fd = netns_open(a->netns_dir, g->ns)) < 0)
			return -1;
		/* A bridge end without its peer in the namespace is useless:
		 * made again with it. */
		ret = netlink_del(a->sk, g->tap) < 0 ||
		    netlink_del(a->sk, g->dev) < 0 ||
		    netlink_veth_add(a->sk, g->tap, g->dev) < 0 ||
		    netlink_move(a->sk, g->dev, fd) < 0 ||
		    netns_run(a->netns_dir, g->ns, configure_inside, &in) < 0;
		close(fd);
		if (ret)
			return -1;
	}
	if ((r = netlink_get(a->sk, g->tap, &l)) <= 0) {
		if (r == 0)
			gr_error(GR_ERR_SYSTEM, "The bridge end %s of %s is "
			    "missing.", g->tap, g->dev);
		return -1;
	}
	return netlink_set(a->sk, g->tap, &l, g->mtu, br, 1);
}

int
leg_apply(struct netagent *a, struct leg *g, int br)
{
	int r = plumb(a, g, br);

	free(g->addrs);
	g->addrs = NULL;
	g->naddrs = 0;
	return r;
}
