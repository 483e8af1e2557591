/*
 * reconcile.c - see reconcile.h. Per network: the bridge (made for VXLAN
 * networks; a flat network's mapped bridge must exist and is only used),
 * its VXLAN device and FDB, the taps of its ports, its DHCP; then the
 * security groups' nftables tables for the whole node; then what the
 * document no longer names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "netlink.h"
#include "nft.h"
#include "reconcile.h"
#include "router.h"

#define ZERO_MAC	"00:00:00:00:00:00"

/* The first error of an apply that goes on after errors. */
struct first {
	int		 failed;
	enum gr_err_code code;
	char		 msg[1024];
};

static void
keep(struct first *f)
{
	gr_warn("%s", gr_err_msg());
	if (f->failed++)
		return;
	f->code = gr_err_code();
	snprintf(f->msg, sizeof(f->msg), "%s", gr_err_msg());
}

static int
first_ret(const struct first *f)
{
	if (!f->failed)
		return 0;
	gr_error(f->code, "%s", f->msg);
	return -1;
}

/* Gets the link, making it with make() when it is absent. */
static int
ensure(struct nl_sock *sk, const char *name, struct netlink_link *l,
    int (*make)(struct nl_sock *, const char *, void *), void *arg)
{
	int r = netlink_get(sk, name, l);

	if (r != 0)
		return r < 0 ? -1 : 0;
	gr_info("creating %s", name);
	if (make(sk, name, arg) < 0)
		return -1;
	if ((r = netlink_get(sk, name, l)) <= 0) {
		if (r == 0)
			gr_error(GR_ERR_SYSTEM, "%s vanished once made.", name);
		return -1;
	}
	return 0;
}

static int
make_bridge(struct nl_sock *sk, const char *name, void *arg)
{
	(void)arg;
	return netlink_bridge_add(sk, name);
}

static int
make_tap(struct nl_sock *sk, const char *name, void *arg)
{
	(void)sk;
	(void)arg;
	return netlink_tap_add(name);
}

struct vx {
	long		 vni;
	const char	*local;
};

static int
make_vxlan(struct nl_sock *sk, const char *name, void *arg)
{
	struct vx *v = arg;

	return netlink_vxlan_add(sk, name, v->vni, v->local);
}

/* The bridge of n, up with the network's MTU; its ifindex or -1. */
static int
bridge(struct netagent *a, const struct doc_net *n)
{
	struct netlink_link l;
	int r;

	if (n->flat) {
		/* A physical bridge belongs to the host's own set-up. */
		if ((r = netlink_get(a->sk, n->bridge, &l)) <= 0) {
			if (r == 0)
				gr_error(GR_ERR_NOT_FOUND, "The bridge %s of "
				    "physical network %s does not exist.",
				    n->bridge, n->physnet);
			return -1;
		}
		return l.ifindex;
	}
	if (ensure(a->sk, n->bridge, &l, make_bridge, NULL) < 0 ||
	    netlink_set(a->sk, n->bridge, &l, n->mtu, 0, 1) < 0)
		return -1;
	return l.ifindex;
}

static int
in_peers(const struct doc_net *n, const char *ip)
{
	for (int i = 0; i < n->npeers; i++)
		if (strcmp(n->peers[i], ip) == 0)
			return 1;
	return 0;
}

static int
in_remotes(const struct doc_net *n, const char *mac, const char *peer)
{
	for (int i = 0; i < n->nremotes; i++)
		if (strcmp(n->remotes[i].mac, mac) == 0 &&
		    strcmp(n->remotes[i].peer, peer) == 0)
			return 1;
	return 0;
}

static int
has_fdb(const struct netlink_fdb *v, int nv, const char *mac, const char *dst)
{
	for (int i = 0; i < nv; i++)
		if (strcmp(v[i].mac, mac) == 0 && strcmp(v[i].dst, dst) == 0)
			return 1;
	return 0;
}

/*
 * Head-end replication: one all-zero entry per peer, and one entry per
 * remote port's MAC so that its unicast goes to its node alone. Entries
 * with a destination that the document no longer has go.
 */
static int
fdb(struct netagent *a, const struct doc_net *n, int ifindex,
    struct first *f)
{
	GR_AUTOFREE struct netlink_fdb *v = NULL;
	int nv;

	if (netlink_fdb_list(a->sk, ifindex, &v, &nv) < 0)
		return -1;
	for (int i = 0; i < n->npeers; i++)
		if (!has_fdb(v, nv, ZERO_MAC, n->peers[i]) &&
		    netlink_fdb_add(a->sk, ifindex, ZERO_MAC, n->peers[i],
		    1) < 0)
			keep(f);
	for (int i = 0; i < n->nremotes; i++)
		if (!has_fdb(v, nv, n->remotes[i].mac, n->remotes[i].peer) &&
		    netlink_fdb_add(a->sk, ifindex, n->remotes[i].mac,
		    n->remotes[i].peer, 0) < 0)
			keep(f);
	for (int i = 0; i < nv; i++) {
		int zero = strcmp(v[i].mac, ZERO_MAC) == 0;

		if (v[i].dst[0] == '\0' || (zero && in_peers(n, v[i].dst)) ||
		    (!zero && in_remotes(n, v[i].mac, v[i].dst)))
			continue;
		if (netlink_fdb_del(a->sk, ifindex, v[i].mac, v[i].dst) < 0)
			keep(f);
	}
	return 0;
}

/* The VXLAN device of n on the bridge, made again if it is not what the
 * document says (another VNI or underlay address). */
static int
vxlan(struct netagent *a, const struct doc *d, const struct doc_net *n,
    int br, struct first *f)
{
	struct vx v = { n->vni, d->underlay };
	struct netlink_link l;
	int r = netlink_get(a->sk, n->vxlan, &l);

	if (r < 0)
		return -1;
	if (r == 1 && (strcmp(l.kind, "vxlan") != 0 || l.vni != n->vni ||
	    strcmp(l.local, d->underlay) != 0)) {
		gr_info("%s is not VNI %ld from %s: making it again", n->vxlan,
		    n->vni, d->underlay);
		if (netlink_del(a->sk, n->vxlan) < 0)
			return -1;
	}
	if (ensure(a->sk, n->vxlan, &l, make_vxlan, &v) < 0 ||
	    netlink_set(a->sk, n->vxlan, &l, n->mtu, br, 1) < 0)
		return -1;
	return fdb(a, n, l.ifindex, f);
}

/* A port's tap: persistent, on the bridge, the network's MTU, up unless
 * the port is administratively down. An existing link of that name (a
 * veth in the tests) is adopted as it is. */
static int
tap(struct netagent *a, const struct doc_port *p, int br)
{
	struct netlink_link l;

	if (ensure(a->sk, p->tap, &l, make_tap, NULL) < 0)
		return -1;
	return netlink_set(a->sk, p->tap, &l, p->net->mtu, br, p->admin_up);
}

static void
network(struct netagent *a, const struct doc *d, const struct doc_net *n,
    struct first *f)
{
	int br;

	if ((br = bridge(a, n)) < 0) {
		keep(f);
		return;
	}
	if (!n->flat && vxlan(a, d, n, br, f) < 0)
		keep(f);
	for (int i = 0; i < d->nports; i++)
		if (d->ports[i].net == n && tap(a, &d->ports[i], br) < 0)
			keep(f);
	if (n->dhcp && dhcp_apply(a, n, br) < 0)
		keep(f);
}

/* Is name one of the links the document wants? */
static int
wanted(const struct doc *d, const char *name)
{
	for (int i = 0; i < d->nnets; i++) {
		const struct doc_net *n = &d->nets[i];

		if (strcmp(n->bridge, name) == 0 ||
		    (n->vxlan[0] && strcmp(n->vxlan, name) == 0) ||
		    (n->dhcp && strcmp(n->dhcp->tap, name) == 0))
			return 1;
	}
	for (int i = 0; i < d->nports; i++)
		if (strcmp(d->ports[i].tap, name) == 0)
			return 1;
	for (int i = 0; i < d->nrouters; i++) {
		const struct doc_router *r = &d->routers[i];

		if (r->gateway && strcmp(r->gateway->tap, name) == 0)
			return 1;
		for (int k = 0; k < r->nlegs; k++)
			if (strcmp(r->legs[k].tap, name) == 0)
				return 1;
	}
	return 0;
}

/*
 * Only names Gureum gives: brq or tap and 11 characters of a UUID,
 * vxlan- and a VNI. Another program's tap0 on the node is not ours.
 */
static int
gureum_name(const char *name)
{
	const char *id = NULL;

	if (strncmp(name, "vxlan-", 6) == 0)
		return name[6] && strspn(name + 6, "0123456789") ==
		    strlen(name + 6);
	if (strncmp(name, "brq", 3) == 0 || strncmp(name, "tap", 3) == 0)
		id = name + 3;
	return id && strlen(id) == 11 &&
	    strspn(id, "0123456789abcdef-") == 11 && id[8] == '-';
}

/* Removes the links of Gureum's names the document no longer has. */
static void
prune(struct netagent *a, const struct doc *d, struct first *f)
{
	static const char *const ours[] = { "brq", "vxlan-", "tap", NULL };
	GR_AUTOFREE char (*names)[NETLINK_IFNAME] = NULL;
	int n;

	if (dhcp_prune(a, d) < 0 || router_prune(a, d) < 0)
		keep(f);
	if (netlink_names(a->sk, ours, &names, &n) < 0) {
		keep(f);
		return;
	}
	/* Taps and VXLAN devices before the bridges they are on. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			int isbr = strncmp(names[i], "brq", 3) == 0;

			if (isbr != pass || !gureum_name(names[i]) ||
			    wanted(d, names[i]))
				continue;
			gr_info("removing %s: no longer in the document",
			    names[i]);
			if (netlink_del(a->sk, names[i]) < 0)
				keep(f);
		}
}

int
reconcile_apply(struct netagent *a, const struct doc *d)
{
	struct first f = { 0 };

	for (int i = 0; i < d->nnets; i++)
		network(a, d, &d->nets[i], &f);
	for (int i = 0; i < d->nrouters; i++)
		if (router_apply(a, &d->routers[i]) < 0)
			keep(&f);
	if (nft_apply(a, d) < 0)
		keep(&f);
	if (a->may_delete)
		prune(a, d, &f);
	return first_ret(&f);
}
