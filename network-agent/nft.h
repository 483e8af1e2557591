/*
 * nft.h - security groups and anti-spoofing as two private nftables
 * tables, generated whole from the document and replaced in one
 * transaction (add table / delete table / the table's contents, in one
 * libnftables JSON buffer), so that there is never a moment without
 * rules, and conntrack entries survive a replace.
 *
 *   bridge gureum_l2  forward: anti-spoofing (a port's packets leave only
 *                     with its MAC and IPs; no DHCP server replies from
 *                     VMs); without bridge conntrack also the marks below.
 *   gureum_sg         stateful filter: established/related pass; then a
 *                     port's egress chain, and its ingress chain. With
 *                     nf_conntrack_bridge it is a bridge table matching
 *                     iifname/oifname; without it (dev machines' 6.18) an
 *                     inet table seeing bridged packets through
 *                     bridge-nf-call-iptables, which knows the ports by the
 *                     mark gureum_l2 set: source port's number in the high
 *                     16 bits, destination port's in the low 16. Its
 *                     zone-pre chain (priority raw, before conntrack) puts
 *                     each network's connections in the network's
 *                     conntrack zone (doc.h) by the bridge a packet is on,
 *                     zone-out the node's own packets out through one.
 *
 * Each table holds an empty chain "gen-<hash of the ruleset>": an apply
 * whose ruleset matches what is loaded changes nothing (same handles).
 * Errors: GR_ERR_INTERNAL with libnftables' message.
 */
#ifndef NFT_H
#define NFT_H

#include "doc.h"
#include "netagent.h"

#define NFT_L2		"gureum_l2"
#define NFT_SG		"gureum_sg"
#define NFT_ROUTER	"gureum_r"	/* ip, in each qrouter- namespace */

/*
 * The nftables JSON ({"nftables": [...]}) that replaces both tables with
 * d's rules, as a new string. Pure: golden files in tests/nft/.
 */
char *nft_ruleset(const struct doc *d, int bridge_ct);
/*
 * A router's NAT table (ip gureum_r, in its namespace): DNAT of each port
 * forward and floating IP in prerouting; in postrouting a floating IP's
 * SNAT before the router's own (enable_snat). Pure: golden files.
 */
char *nft_router_ruleset(const struct doc_router *r);
/* Replaces it unless loaded; to be run inside the router's namespace. */
int nft_router_apply(const struct doc_router *r);
/* Replaces the tables unless what is loaded has the same hash. */
int nft_apply(struct netagent *a, const struct doc *d);
/* 1 when the kernel has nf_conntrack_bridge (a dry-run probe), else 0. */
int nft_probe_bridge_ct(void);
/* The loaded tables as libnftables' JSON listing, a new string ("" when
 * they are absent). */
char *nft_listing(int bridge_ct);
/* The chain names of port p (ingress/egress), for observations. */
void nft_chains(const struct doc_port *p, char in[32], char out[32]);

#endif
