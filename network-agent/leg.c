/*
 * leg.c - see leg.h. The inside end is configured by a function run in
 * the namespace (netns_run), with a netlink socket of that namespace.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "gr_err.h"
#include "gr_log.h"
#include "leg.h"
#include "netlink.h"
#include "netns.h"

struct inside {
	const struct leg	*leg;
	int			 present;	/* out: the end is there */
};

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
	for (int i = 0; i < g->naddrs; i++)
		if (netlink_addr_add(sk, l.ifindex, g->addrs[i]) < 0)
			goto out;
	ret = 0;
out:
	netlink_close(sk);
	return ret;
}

void
leg_addr(struct leg *l, const char *ip, int len)
{
	if (l->naddrs < LEG_ADDRS)
		snprintf(l->addrs[l->naddrs++], sizeof(l->addrs[0]), "%s/%d",
		    ip, len);
}

int
leg_apply(struct netagent *a, const struct leg *g, int br)
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
