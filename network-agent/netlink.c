/*
 * netlink.c - see netlink.h. libnl objects live only inside each call;
 * what callers keep is copied into the module's own small structs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "gr_err.h"
#include "gr_util.h"
#include "netlink.h"

#define VXLAN_PORT	4789

static int
fail(int err, const char *what, const char *name)
{
	gr_error(GR_ERR_SYSTEM, "Cannot %s %s: %s.", what, name,
	    nl_geterror(err));
	return -1;
}

struct nl_sock *
netlink_open(void)
{
	struct nl_sock *sk = nl_socket_alloc();
	int err;

	if (sk == NULL) {
		gr_error(GR_ERR_SYSTEM, "Cannot allocate a netlink socket.");
		return NULL;
	}
	if ((err = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		fail(err, "open", "a route netlink socket");
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

void
netlink_close(struct nl_sock *sk)
{
	if (sk)
		nl_socket_free(sk);
}

static void
fill(struct rtnl_link *k, struct netlink_link *l)
{
	const char *type = rtnl_link_get_type(k);
	uint32_t vni;
	struct nl_addr *a = NULL;

	memset(l, 0, sizeof(*l));
	l->ifindex = rtnl_link_get_ifindex(k);
	l->master = rtnl_link_get_master(k);
	l->up = (rtnl_link_get_flags(k) & IFF_UP) != 0;
	l->mtu = (int)rtnl_link_get_mtu(k);
	l->vni = -1;
	snprintf(l->kind, sizeof(l->kind), "%s", type ? type : "");
	if (rtnl_link_get_addr(k))
		nl_addr2str(rtnl_link_get_addr(k), l->mac, sizeof(l->mac));
	if (type && strcmp(type, "vxlan") == 0) {
		if (rtnl_link_vxlan_get_id(k, &vni) == 0)
			l->vni = (long)vni;
		if (rtnl_link_vxlan_get_local(k, &a) == 0 && a) {
			nl_addr2str(a, l->local, sizeof(l->local));
			nl_addr_put(a);
		}
	}
}

int
netlink_get(struct nl_sock *sk, const char *name, struct netlink_link *l)
{
	struct rtnl_link *k = NULL;
	int err = rtnl_link_get_kernel(sk, 0, name, &k);

	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return 0;
	if (err < 0)
		return fail(err, "look up link", name);
	fill(k, l);
	rtnl_link_put(k);
	return 1;
}

int
netlink_names(struct nl_sock *sk, const char *const *prefixes,
    char (**names)[NETLINK_IFNAME], int *n)
{
	struct nl_cache *cache = NULL;
	struct nl_object *o;
	int err, cap;

	*names = NULL;
	*n = 0;
	if ((err = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache)) < 0)
		return fail(err, "list", "links");
	cap = nl_cache_nitems(cache) + 1;
	*names = gr_xcalloc((size_t)cap, sizeof(**names));
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		const char *nm = rtnl_link_get_name((struct rtnl_link *)o);

		for (const char *const *p = prefixes; nm && *p; p++)
			if (strncmp(nm, *p, strlen(*p)) == 0 && *n < cap) {
				snprintf((*names)[(*n)++], NETLINK_IFNAME, "%s",
				    nm);
				break;
			}
	}
	nl_cache_free(cache);
	return 0;
}

/* Adds a link built by the caller; EEXIST is not an error (a race with
 * an earlier apply, or a link made by hand with this name). */
static int
add(struct nl_sock *sk, struct rtnl_link *k, const char *name)
{
	int err;

	rtnl_link_set_name(k, name);
	err = rtnl_link_add(sk, k, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(k);
	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? fail(err, "create", name) : 0;
}

int
netlink_bridge_add(struct nl_sock *sk, const char *name)
{
	int err = rtnl_link_bridge_add(sk, name);

	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? fail(err, "create bridge", name) : 0;
}

int
netlink_vxlan_add(struct nl_sock *sk, const char *name, long vni,
    const char *local)
{
	struct rtnl_link *k = rtnl_link_vxlan_alloc();
	struct nl_addr *a = NULL;
	int err;

	if (k == NULL) {
		gr_error(GR_ERR_SYSTEM, "Cannot allocate a VXLAN link.");
		return -1;
	}
	if ((err = nl_addr_parse(local, AF_INET, &a)) < 0) {
		rtnl_link_put(k);
		return fail(err, "parse the underlay address", local);
	}
	rtnl_link_vxlan_set_id(k, (uint32_t)vni);
	rtnl_link_vxlan_set_local(k, a);
	rtnl_link_vxlan_set_port(k, VXLAN_PORT);
	/* Peers come from the document (FDB entries), not from learning. */
	rtnl_link_vxlan_disable_learning(k);
	nl_addr_put(a);
	return add(sk, k, name);
}

int
netlink_tap_add(const char *name)
{
	struct ifreq ifr;
	int fd;

	if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot open /dev/net/tun for %s: %s.",
		    name, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	/* IFF_VNET_HDR as QEMU opens it; persistent so that it outlives
	 * this descriptor and waits for the domain. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETPERSIST, 1) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the tap %s: %s.", name,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
netlink_veth_add(struct nl_sock *sk, const char *name, const char *peer)
{
	int err = rtnl_link_veth_add(sk, name, peer, getpid());

	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? fail(err, "create veth", name) : 0;
}

int
netlink_del(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *k = rtnl_link_alloc();
	int err;

	rtnl_link_set_name(k, name);
	err = rtnl_link_delete(sk, k);
	rtnl_link_put(k);
	if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV)
		return 0;
	return err < 0 ? fail(err, "delete link", name) : 0;
}

/* Sends the changes to the link of l. */
static int
change(struct nl_sock *sk, const char *name, const struct netlink_link *l,
    struct rtnl_link *ch)
{
	struct rtnl_link *orig = rtnl_link_alloc();
	int err;

	rtnl_link_set_ifindex(orig, l->ifindex);
	rtnl_link_set_name(orig, name);
	err = rtnl_link_change(sk, orig, ch, 0);
	rtnl_link_put(orig);
	rtnl_link_put(ch);
	return err < 0 ? fail(err, "change link", name) : 0;
}

int
netlink_set(struct nl_sock *sk, const char *name, const struct netlink_link *l,
    int mtu, int master, int up)
{
	struct rtnl_link *ch;

	/* The master first: enslaving can reset the MTU to the bridge's. */
	if (master > 0 && l->master != master) {
		ch = rtnl_link_alloc();
		rtnl_link_set_master(ch, master);
		if (change(sk, name, l, ch) < 0)
			return -1;
	}
	if (mtu > 0 && l->mtu != mtu) {
		ch = rtnl_link_alloc();
		rtnl_link_set_mtu(ch, (unsigned)mtu);
		if (change(sk, name, l, ch) < 0)
			return -1;
	}
	if (up >= 0 && l->up != up) {
		ch = rtnl_link_alloc();
		if (up)
			rtnl_link_set_flags(ch, IFF_UP);
		else
			rtnl_link_unset_flags(ch, IFF_UP);
		if (change(sk, name, l, ch) < 0)
			return -1;
	}
	return 0;
}

int
netlink_set_mac(struct nl_sock *sk, const char *name,
    const struct netlink_link *l, const char *mac)
{
	struct nl_addr *a = NULL;
	struct rtnl_link *ch;
	int err;

	if (strcmp(l->mac, mac) == 0)
		return 0;
	if ((err = nl_addr_parse(mac, AF_LLC, &a)) < 0)
		return fail(err, "parse the MAC address", mac);
	ch = rtnl_link_alloc();
	rtnl_link_set_addr(ch, a);
	nl_addr_put(a);
	return change(sk, name, l, ch);
}

int
netlink_move(struct nl_sock *sk, const char *name, int fd)
{
	struct netlink_link l;
	struct rtnl_link *ch;
	int r;

	if ((r = netlink_get(sk, name, &l)) <= 0) {
		if (r == 0)
			gr_error(GR_ERR_SYSTEM, "Cannot move %s: no such link.",
			    name);
		return -1;
	}
	ch = rtnl_link_alloc();
	rtnl_link_set_ns_fd(ch, fd);
	return change(sk, name, &l, ch);
}

int
netlink_addr_add(struct nl_sock *sk, int ifindex, const char *cidr)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int err;

	if ((err = nl_addr_parse(cidr, AF_UNSPEC, &local)) < 0) {
		rtnl_addr_put(a);
		return fail(err, "parse the address", cidr);
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	err = rtnl_addr_add(sk, a, 0);
	rtnl_addr_put(a);
	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? fail(err, "add the address", cidr) : 0;
}

/* One IPv4 address of ifindex, with the list being built. */
struct addr_walk {
	int		  ifindex;
	char		(*v)[NETLINK_CIDR];
	int		  n;
};

static void
addr_one(struct nl_object *o, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)o;
	struct addr_walk *w = arg;
	struct nl_addr *local = rtnl_addr_get_local(a);
	char ip[64];

	if (rtnl_addr_get_ifindex(a) != w->ifindex ||
	    rtnl_addr_get_family(a) != AF_INET || local == NULL ||
	    inet_ntop(AF_INET, nl_addr_get_binary_addr(local), ip,
	    sizeof(ip)) == NULL)
		return;
	w->v = gr_xrealloc(w->v, (size_t)(w->n + 1) * sizeof(*w->v));
	snprintf(w->v[w->n++], NETLINK_CIDR, "%s/%d", ip,
	    rtnl_addr_get_prefixlen(a));
}

int
netlink_addr_list(struct nl_sock *sk, int ifindex, char (**out)[NETLINK_CIDR],
    int *n)
{
	struct nl_cache *c = NULL;
	struct addr_walk w = { .ifindex = ifindex };
	int err;

	*out = NULL;
	*n = 0;
	if ((err = rtnl_addr_alloc_cache(sk, &c)) < 0)
		return fail(err, "list", "the addresses");
	nl_cache_foreach(c, addr_one, &w);
	nl_cache_free(c);
	*out = w.v;
	*n = w.n;
	return 0;
}

int
netlink_addr_del(struct nl_sock *sk, int ifindex, const char *cidr)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int err;

	if ((err = nl_addr_parse(cidr, AF_INET, &local)) < 0) {
		rtnl_addr_put(a);
		return fail(err, "parse the address", cidr);
	}
	rtnl_addr_set_ifindex(a, ifindex);
	rtnl_addr_set_local(a, local);
	nl_addr_put(local);
	err = rtnl_addr_delete(sk, a, 0);
	rtnl_addr_put(a);
	if (err == -NLE_NOADDR || err == -NLE_OBJ_NOTFOUND)
		return 0;
	return err < 0 ? fail(err, "remove the address", cidr) : 0;
}

int
netlink_default_route(struct nl_sock *sk, const char *gw, int ifindex)
{
	struct rtnl_route *rt = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL, *via = NULL;
	int err;

	if ((err = nl_addr_parse("0.0.0.0/0", AF_INET, &dst)) < 0 ||
	    (err = nl_addr_parse(gw, AF_INET, &via)) < 0) {
		nl_addr_put(dst);
		rtnl_route_nh_free(nh);
		rtnl_route_put(rt);
		return fail(err, "parse the gateway", gw);
	}
	rtnl_route_set_family(rt, AF_INET);
	rtnl_route_set_dst(rt, dst);
	rtnl_route_nh_set_gateway(nh, via);
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_add_nexthop(rt, nh);
	err = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_REPLACE);
	nl_addr_put(dst);
	nl_addr_put(via);
	rtnl_route_put(rt);
	return err < 0 ? fail(err, "set the default route via", gw) : 0;
}

struct fdb_dump {
	int			 ifindex;
	struct netlink_fdb	*v;
	int			 n, cap;
};

static void
fdb_one(struct nl_object *o, void *arg)
{
	struct rtnl_neigh *ne = (struct rtnl_neigh *)o;
	struct fdb_dump *d = arg;
	struct nl_addr *ll = rtnl_neigh_get_lladdr(ne);
	struct nl_addr *dst = rtnl_neigh_get_dst(ne);
	struct netlink_fdb *e;

	if (rtnl_neigh_get_ifindex(ne) != d->ifindex || ll == NULL)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap * 2 + 16;
		d->v = gr_xrealloc(d->v, (size_t)d->cap * sizeof(*d->v));
	}
	e = &d->v[d->n++];
	nl_addr2str(ll, e->mac, sizeof(e->mac));
	e->dst[0] = '\0';
	if (dst && nl_addr_get_len(dst) > 0)
		nl_addr2str(dst, e->dst, sizeof(e->dst));
}

static int
fdb_msg(struct nl_msg *msg, void *arg)
{
	nl_msg_parse(msg, fdb_one, arg);
	return NL_OK;
}

/*
 * A dump of our own rather than libnl's neighbour cache: the cache keys
 * bridge entries by MAC, so the several flood entries (one MAC, one per
 * peer) of a VXLAN device would collapse into one.
 */
int
netlink_fdb_list(struct nl_sock *sk, int ifindex, struct netlink_fdb **out,
    int *n)
{
	struct ndmsg ndm = { .ndm_family = AF_BRIDGE };
	struct fdb_dump d = { .ifindex = ifindex };
	int err;

	*out = NULL;
	*n = 0;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, fdb_msg, &d);
	err = nl_send_simple(sk, RTM_GETNEIGH, NLM_F_DUMP, &ndm, sizeof(ndm));
	if (err >= 0)
		err = nl_recvmsgs_default(sk);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_DEFAULT, NULL, NULL);
	if (err < 0) {
		free(d.v);
		return fail(err, "list", "the bridge FDB");
	}
	*out = d.v;
	*n = d.n;
	return 0;
}

/* A neighbour object for mac -> dst on ifindex, or NULL with the error. */
static struct rtnl_neigh *
fdb_entry(int ifindex, const char *mac, const char *dst)
{
	struct rtnl_neigh *ne = rtnl_neigh_alloc();
	struct nl_addr *ll = NULL, *d = NULL;
	int err;

	if ((err = nl_addr_parse(mac, AF_LLC, &ll)) < 0 ||
	    (err = nl_addr_parse(dst, AF_INET, &d)) < 0) {
		nl_addr_put(ll);
		rtnl_neigh_put(ne);
		fail(err, "parse the FDB entry for", mac);
		return NULL;
	}
	rtnl_neigh_set_ifindex(ne, ifindex);
	rtnl_neigh_set_lladdr(ne, ll);
	/* The destination before the family: libnl checks the family of
	 * dst against the object's (-NLE_AF_MISMATCH otherwise). */
	rtnl_neigh_set_dst(ne, d);
	rtnl_neigh_set_family(ne, AF_BRIDGE);
	rtnl_neigh_set_flags(ne, NTF_SELF);
	rtnl_neigh_set_state(ne, NUD_NOARP | NUD_PERMANENT);
	nl_addr_put(ll);
	nl_addr_put(d);
	return ne;
}

int
netlink_fdb_add(struct nl_sock *sk, int ifindex, const char *mac,
    const char *dst, int append)
{
	struct rtnl_neigh *ne = fdb_entry(ifindex, mac, dst);
	int err;

	if (ne == NULL)
		return -1;
	err = rtnl_neigh_add(sk, ne, NLM_F_CREATE |
	    (append ? NLM_F_APPEND : NLM_F_REPLACE));
	rtnl_neigh_put(ne);
	if (err == -NLE_EXIST)
		return 0;
	return err < 0 ? fail(err, "add the FDB entry for", mac) : 0;
}

int
netlink_fdb_del(struct nl_sock *sk, int ifindex, const char *mac,
    const char *dst)
{
	struct rtnl_neigh *ne = fdb_entry(ifindex, mac, dst);
	int err;

	if (ne == NULL)
		return -1;
	err = rtnl_neigh_delete(sk, ne, 0);
	rtnl_neigh_put(ne);
	if (err == -NLE_OBJ_NOTFOUND)
		return 0;
	return err < 0 ? fail(err, "delete the FDB entry for", mac) : 0;
}
