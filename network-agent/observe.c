/*
 * observe.c - see observe.h. Each hop is a function that says whether it
 * holds and, in words, what it saw.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "netlink.h"
#include "nft.h"
#include "observe.h"

struct hops {
	json_t	*list;
	char	 reason[1024];	/* the first failing hop's detail */
};

static int
hop(struct hops *h, const char *name, int ok, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	json_array_append_new(h->list, json_pack("{s:s,s:b,s:s}", "hop", name,
	    "ok", ok, "detail", detail));
	if (!ok && h->reason[0] == '\0')
		snprintf(h->reason, sizeof(h->reason), "%s", detail);
	return ok;
}

/* Reads a link; a read error counts as absent, saying so. */
static int
link_of(struct netagent *a, const char *name, struct netlink_link *l)
{
	int r = netlink_get(a->sk, name, l);

	if (r < 0)
		gr_err_clear();
	return r == 1;
}

static void
tap_hops(struct netagent *a, const struct doc_port *p, struct hops *h,
    struct netlink_link *b, int *have_b)
{
	const struct doc_net *n = p->net;
	struct netlink_link t;
	int have_t = link_of(a, p->tap, &t);

	*have_b = link_of(a, n->bridge, b);
	if (!have_t)
		hop(h, "tap", 0, "tap %s does not exist", p->tap);
	else if (!t.up)
		hop(h, "tap", 0, "tap %s is down", p->tap);
	else if (t.mtu != n->mtu)
		hop(h, "tap", 0, "tap %s has MTU %d, not the network's %d",
		    p->tap, t.mtu, n->mtu);
	else
		hop(h, "tap", 1, "tap %s is up with MTU %d", p->tap, t.mtu);
	if (!*have_b)
		hop(h, "bridge", 0, "bridge %s does not exist", n->bridge);
	else if (!b->up)
		hop(h, "bridge", 0, "bridge %s is down", n->bridge);
	else if (!have_t || t.master != b->ifindex)
		hop(h, "bridge", 0, "tap %s is not on bridge %s", p->tap,
		    n->bridge);
	else
		hop(h, "bridge", 1, "tap %s is on bridge %s, which is up",
		    p->tap, n->bridge);
}

static void
flood_hop(struct netagent *a, const struct doc_net *n, int ifindex,
    struct hops *h)
{
	GR_AUTOFREE struct netlink_fdb *f = NULL;
	int nf = 0;

	if (netlink_fdb_list(a->sk, ifindex, &f, &nf) < 0)
		gr_err_clear();
	for (int i = 0; i < n->npeers; i++) {
		int found = 0;

		for (int k = 0; k < nf && !found; k++)
			found = strcmp(f[k].mac, "00:00:00:00:00:00") == 0 &&
			    strcmp(f[k].dst, n->peers[i]) == 0;
		if (!found) {
			hop(h, "flood", 0, "%s has no flood entry for peer %s",
			    n->vxlan, n->peers[i]);
			return;
		}
	}
	hop(h, "flood", 1, "%s floods to %d peer(s)", n->vxlan, n->npeers);
}

static void
l2_hops(struct netagent *a, const struct doc_port *p, struct hops *h)
{
	const struct doc_net *n = p->net;
	struct netlink_link b, v;
	int have_b, have_v;

	tap_hops(a, p, h, &b, &have_b);
	if (n->flat)
		return;
	if (!(have_v = link_of(a, n->vxlan, &v)))
		hop(h, "vxlan", 0, "%s does not exist", n->vxlan);
	else if (v.vni != n->vni)
		hop(h, "vxlan", 0, "%s is VNI %ld, not %ld", n->vxlan, v.vni,
		    n->vni);
	else if (!v.up)
		hop(h, "vxlan", 0, "%s is down", n->vxlan);
	else if (!have_b || v.master != b.ifindex)
		hop(h, "vxlan", 0, "%s is not on bridge %s", n->vxlan, n->bridge);
	else
		hop(h, "vxlan", 1, "%s (VNI %ld) is up on bridge %s", n->vxlan,
		    n->vni, n->bridge);
	if (have_v)
		flood_hop(a, n, v.ifindex, h);
	else
		hop(h, "flood", 0, "%s has no flood entries", n->vxlan);
}

/* Does any of the port's addresses come from DHCP here? */
static int
wants_dhcp(const struct doc_port *p)
{
	for (int i = 0; i < p->nips; i++) {
		const struct doc_subnet *s = doc_subnet(p->net,
		    p->ips[i].subnet_id);

		if (s && s->enable_dhcp && strchr(p->ips[i].ip, ':') == NULL)
			return 1;
	}
	return 0;
}

static void
dhcp_hop(struct netagent *a, const struct doc_port *p, struct hops *h)
{
	const struct doc_net *n = p->net;

	if (!wants_dhcp(p)) {
		hop(h, "dhcp", 1, "no DHCP-served address");
		return;
	}
	if (n->dhcp == NULL) {
		hop(h, "dhcp", 0, "network %s has no DHCP port on this node",
		    n->id);
		return;
	}
	if (!dhcp_alive(a, n))
		hop(h, "dhcp", 0, "dnsmasq of network %s is not running", n->id);
	else if (!dhcp_has_host(a, n->id, p->mac))
		hop(h, "dhcp", 0, "dnsmasq of network %s has no entry for %s",
		    n->id, p->mac);
	else
		hop(h, "dhcp", 1, "dnsmasq of network %s serves %s", n->id,
		    p->mac);
}

static void
rules_hop(const struct doc_port *p, const char *listing, struct hops *h)
{
	char in[32], out[32], qin[40], qout[40];

	if (!p->port_security) {
		hop(h, "rules", 1, "port security is disabled");
		return;
	}
	nft_chains(p, in, out);
	snprintf(qin, sizeof(qin), "\"%s\"", in);
	snprintf(qout, sizeof(qout), "\"%s\"", out);
	hop(h, "rules", strstr(listing, qin) && strstr(listing, qout),
	    strstr(listing, qin) && strstr(listing, qout) ? "chains %s and %s "
	    "are loaded" : "the security group chains %s, %s are not loaded",
	    in, out);
}

static json_t *
observe_one(struct netagent *a, const struct doc *d, const struct doc_port *p,
    const char *listing)
{
	struct hops h = { json_array(), "" };
	char now[32];

	gr_time_iso((long long)time(NULL), now);
	if (!p->admin_up)
		hop(&h, "admin", 0, "port %s is administratively down", p->id);
	l2_hops(a, p, &h);
	dhcp_hop(a, p, &h);
	rules_hop(p, listing, &h);
	return json_pack("{s:s,s:s,s:s,s:s?,s:o,s:O?}", "host", d->host,
	    "checked_at", now, "status", h.reason[0] ? "DOWN" : "ACTIVE",
	    "reason", h.reason[0] ? h.reason : NULL, "hops", h.list,
	    "last_down", a->last_down ? json_object_get(a->last_down, p->id) :
	    NULL);
}

json_t *
observe_port(struct netagent *a, const struct doc *d, const struct doc_port *p)
{
	GR_AUTOFREE char *listing = nft_listing(a->bridge_ct);

	return observe_one(a, d, p, listing);
}

json_t *
observe_all(struct netagent *a, const struct doc *d)
{
	GR_AUTOFREE char *listing = nft_listing(a->bridge_ct);
	json_t *all = json_array();

	for (int i = 0; i < d->nports; i++) {
		json_t *dg = observe_one(a, d, &d->ports[i], listing);

		json_array_append_new(all, json_pack("{s:s,s:O,s:O,s:o}", "id",
		    d->ports[i].id, "status", json_object_get(dg, "status"),
		    "reason", json_object_get(dg, "reason") ?
		    json_object_get(dg, "reason") : json_null(), "diagnostics",
		    dg));
	}
	return all;
}

void
observe_drift(struct netagent *a, const struct doc *d)
{
	GR_AUTOFREE char *listing = nft_listing(a->bridge_ct);
	json_t *keep = json_object(), *was;
	char now[32];

	gr_time_iso((long long)time(NULL), now);
	for (int i = 0; i < d->nports; i++) {
		const struct doc_port *p = &d->ports[i];
		json_t *dg;

		if (a->last_down && (was = json_object_get(a->last_down,
		    p->id)) != NULL)
			json_object_set(keep, p->id, was);
		if (!p->admin_up)
			continue;
		dg = observe_one(a, d, p, listing);
		if (json_is_string(json_object_get(dg, "reason"))) {
			gr_warn("port %s was down, repairing: %s", p->id,
			    json_string_value(json_object_get(dg, "reason")));
			json_object_set_new(keep, p->id, json_pack("{s:s,s:O}",
			    "at", now, "reason", json_object_get(dg, "reason")));
		}
		json_decref(dg);
	}
	/* Ports the node no longer has are forgotten. */
	json_decref(a->last_down);
	a->last_down = keep;
}
