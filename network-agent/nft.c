/*
 * nft.c - see nft.h. The ruleset is built as jansson objects in the
 * schema of libnftables-json(5) and handed to libnftables as JSON.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <nftables/libnftables.h>

#include "gr_cmd.h"
#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "ct.h"
#include "nft.h"

#define BRIDGE_FILTER_PRIO	(-200)	/* "priority filter" in bridge */
#define RAW_PRIO		(-300)	/* "priority raw": before conntrack */
#define REGULAR			INT_MIN	/* a chain without a hook */

/* The family and table the stateful filter lives in. */
struct gen {
	json_t		*cmds;		/* the "nftables" array */
	const char	*sgfam;		/* "bridge" or "inet" */
	int		 bridge_ct;
	json_t		*members;	/* set: remote groups' addresses are
					 * keys here ("K.N IP"), not in the
					 * rules */
};

static json_t *
meta(const char *key)
{
	return json_pack("{s:{s:s}}", "meta", "key", key);
}

static json_t *
payload(const char *proto, const char *field)
{
	return json_pack("{s:{s:s,s:s}}", "payload", "protocol", proto, "field",
	    field);
}

static json_t *
match(json_t *left, const char *op, json_t *right)
{
	return json_pack("{s:{s:s,s:o,s:o}}", "match", "op", op, "left", left,
	    "right", right);
}

static json_t *
verdict(const char *v)
{
	return json_pack("{s:n}", v);
}

static json_t *
jump(const char *chain)
{
	return json_pack("{s:{s:s}}", "jump", "target", chain);
}

static void
cmd(struct gen *g, const char *verb, const char *kind, json_t *obj)
{
	json_array_append_new(g->cmds, json_pack("{s:{s:o}}", verb, kind, obj));
}

/* add table, delete table, add table: a replace that works whether or
 * not the table exists, in the same transaction as its contents. */
static void
table(struct gen *g, const char *family, const char *name)
{
	cmd(g, "add", "table", json_pack("{s:s,s:s}", "family", family, "name",
	    name));
	cmd(g, "delete", "table", json_pack("{s:s,s:s}", "family", family,
	    "name", name));
	cmd(g, "add", "table", json_pack("{s:s,s:s}", "family", family, "name",
	    name));
}

/* A chain; a base chain of type on hook unless prio is REGULAR. */
static void
chain_on(struct gen *g, const char *family, const char *tbl, const char *name,
    const char *type, const char *hook, int prio)
{
	json_t *c = json_pack("{s:s,s:s,s:s}", "family", family, "table", tbl,
	    "name", name);

	if (prio != REGULAR)
		json_object_update_new(c, json_pack("{s:s,s:s,s:i,s:s}", "type",
		    type, "hook", hook, "prio", prio, "policy", "accept"));
	cmd(g, "add", "chain", c);
}

static void
chain(struct gen *g, const char *family, const char *tbl, const char *name,
    int prio)
{
	chain_on(g, family, tbl, name, "filter", "forward", prio);
}

/* Adds a rule of the expressions given (a NULL-ended list, taken). */
static void
rule(struct gen *g, const char *family, const char *tbl, const char *ch, ...)
{
	json_t *expr = json_array(), *e;
	va_list ap;

	va_start(ap, ch);
	while ((e = va_arg(ap, json_t *)) != NULL)
		json_array_append_new(expr, e);
	va_end(ap);
	cmd(g, "add", "rule", json_pack("{s:s,s:s,s:s,s:o}", "family", family,
	    "table", tbl, "chain", ch, "expr", expr));
}

static void
rule_expr(struct gen *g, const char *family, const char *tbl, const char *ch,
    json_t *expr)
{
	cmd(g, "add", "rule", json_pack("{s:s,s:s,s:s,s:o}", "family", family,
	    "table", tbl, "chain", ch, "expr", expr));
}

static int
enforced(const struct doc_port *p)
{
	return p->port_security;
}

void
nft_chains(const struct doc_port *p, char in[32], char out[32])
{
	snprintf(in, 32, "ingress-%.11s", p->id);
	snprintf(out, 32, "egress-%.11s", p->id);
}

static json_t *
ifname(const char *dir, const struct doc_port *p)
{
	return match(meta(dir), "==", json_string(p->tap));
}

/* The port's addresses of one family as a set, with IPv6 link-local
 * addresses; NULL when it has none. */
static json_t *
addr_set(const struct doc_port *p, int v6)
{
	json_t *s = json_array();

	for (int i = 0; i < p->nips; i++)
		if ((strchr(p->ips[i].ip, ':') != NULL) == v6)
			json_array_append_new(s, json_string(p->ips[i].ip));
	if (v6)
		json_array_append_new(s, json_pack("{s:{s:s,s:i}}", "prefix",
		    "addr", "fe80::", "len", 10));
	if (json_array_size(s) == 0) {
		json_decref(s);
		return NULL;
	}
	return json_pack("{s:o}", "set", s);
}

/*
 * Anti-spoofing (as Neutron's iptables_firewall spoof chain): a port's
 * frames leave only with its MAC and its IPs (and 0.0.0.0 for a DHCP
 * request), ARP only for its IPs, and never as a DHCP server.
 */
static void
antispoof(struct gen *g, const struct doc_port *p)
{
	const char *f = "bridge", *t = NFT_L2, *c = "sgfwd";
	json_t *v4 = addr_set(p, 0), *v6 = addr_set(p, 1);

	rule(g, f, t, c, ifname("iifname", p), match(payload("ether", "saddr"),
	    "!=", json_string(p->mac)), verdict("drop"), NULL);
	rule(g, f, t, c, ifname("iifname", p), match(payload("udp", "sport"),
	    "==", json_integer(67)), match(payload("udp", "dport"), "==",
	    json_integer(68)), verdict("drop"), NULL);
	rule(g, f, t, c, ifname("iifname", p), match(payload("ip", "saddr"),
	    "==", json_string("0.0.0.0")), match(payload("udp", "sport"), "==",
	    json_integer(68)), match(payload("udp", "dport"), "==",
	    json_integer(67)), verdict("accept"), NULL);
	if (v4) {
		rule(g, f, t, c, ifname("iifname", p), match(payload("ip",
		    "saddr"), "!=", json_incref(v4)), verdict("drop"), NULL);
		rule(g, f, t, c, ifname("iifname", p), match(payload("arp",
		    "saddr ip"), "!=", v4), verdict("drop"), NULL);
	} else {
		rule(g, f, t, c, ifname("iifname", p), match(meta("protocol"),
		    "==", json_string("ip")), verdict("drop"), NULL);
		rule(g, f, t, c, ifname("iifname", p), match(meta("protocol"),
		    "==", json_string("arp")), verdict("drop"), NULL);
	}
	rule(g, f, t, c, ifname("iifname", p), match(payload("ip6", "saddr"),
	    "!=", v6), verdict("drop"), NULL);
}

/* "a/len" as an nft prefix, or NULL for a prefix matching everything. */
static json_t *
prefix(const char *cidr)
{
	char a[DOC_CIDR], *slash;
	int len;

	snprintf(a, sizeof(a), "%s", cidr);
	if ((slash = strchr(a, '/')) == NULL)
		return json_string(a);
	*slash = '\0';
	len = atoi(slash + 1);
	if (len == 0)
		return NULL;
	return json_pack("{s:{s:s,s:i}}", "prefix", "addr", a, "len", len);
}

static json_t *
ports(const struct doc_rule *r)
{
	if (r->pmin < 0 && r->pmax < 0)
		return NULL;
	if (r->pmax < 0 || r->pmin == r->pmax || r->pmin < 0)
		return json_integer(r->pmin >= 0 ? r->pmin : r->pmax);
	return json_pack("{s:[i,i]}", "range", r->pmin, r->pmax);
}

/*
 * One security group rule as the expressions of an nft rule, ending in
 * its verdict (egress: return, so that the destination's ingress chain
 * still runs; ingress: accept). NULL when the rule can match nothing
 * here (a remote group without addresses of its family).
 */
static json_t *
sg_rule(struct gen *g, const struct doc_rule *r, int k, int n)
{
	const char *fam = r->ipv6 ? "ip6" : "ip";
	const char *addr = r->egress ? "daddr" : "saddr";
	json_t *e = json_array(), *x;

	/* meta protocol (the ethertype), valid in bridge and inet alike. */
	json_array_append_new(e, match(meta("protocol"), "==",
	    json_string(fam)));
	if (r->remote_group) {
		json_t *s = json_array();

		for (int i = 0; i < r->nremote_ips; i++)
			if ((strchr(r->remote_ips[i], ':') != NULL) == r->ipv6)
				json_array_append_new(s,
				    json_string(r->remote_ips[i]));
		if (json_array_size(s) == 0) {
			json_decref(s);
			json_decref(e);
			return NULL;
		}
		if (g->members) {
			/* Rule k.n's addresses, for a digest of the shape. */
			size_t i;
			json_t *v;
			char key[64];

			json_array_foreach(s, i, v) {
				snprintf(key, sizeof(key), "%d.%d %s", k, n,
				    json_string_value(v));
				json_object_set_new(g->members, key,
				    json_true());
			}
			json_decref(s);
			s = json_string("remote group");
		} else {
			s = json_pack("{s:o}", "set", s);
		}
		json_array_append_new(e, match(payload(fam, addr), "==", s));
	} else if (r->prefix[0] && (x = prefix(r->prefix)) != NULL) {
		json_array_append_new(e, match(payload(fam, addr), "==", x));
	}
	if (strcmp(r->proto, "tcp") == 0 || strcmp(r->proto, "udp") == 0) {
		json_array_append_new(e, match(meta("l4proto"), "==",
		    json_string(r->proto)));
		if ((x = ports(r)) != NULL)
			json_array_append_new(e, match(payload(r->proto,
			    "dport"), "==", x));
	} else if (strcmp(r->proto, "icmp") == 0) {
		const char *icmp = r->ipv6 ? "icmpv6" : "icmp";

		json_array_append_new(e, match(meta("l4proto"), "==",
		    json_string(r->ipv6 ? "ipv6-icmp" : "icmp")));
		/* For ICMP the "port range" is type and code. */
		if (r->pmin >= 0)
			json_array_append_new(e, match(payload(icmp, "type"),
			    "==", json_integer(r->pmin)));
		if (r->pmax >= 0)
			json_array_append_new(e, match(payload(icmp, "code"),
			    "==", json_integer(r->pmax)));
	} else if (r->proto[0]) {
		json_array_append_new(e, match(meta("l4proto"), "==",
		    json_integer(atoi(r->proto))));
	}
	json_array_append_new(e, verdict(r->egress ? "return" : "accept"));
	return e;
}

/* The port's two chains: DHCP allowed, its groups' rules, then drop. */
static void
port_chains(struct gen *g, const struct doc *d, const struct doc_port *p)
{
	char in[32], out[32];

	nft_chains(p, in, out);
	chain(g, g->sgfam, NFT_SG, in, REGULAR);
	chain(g, g->sgfam, NFT_SG, out, REGULAR);
	rule(g, g->sgfam, NFT_SG, out, match(payload("udp", "sport"), "==",
	    json_integer(68)), match(payload("udp", "dport"), "==",
	    json_integer(67)), verdict("return"), NULL);
	rule(g, g->sgfam, NFT_SG, in, match(payload("udp", "sport"), "==",
	    json_integer(67)), match(payload("udp", "dport"), "==",
	    json_integer(68)), verdict("accept"), NULL);
	for (int k = 0; k < p->nsgs; k++) {
		const struct doc_sg *sg = doc_sg(d, p->sgs[k]);

		for (int i = 0; sg && i < sg->nrules; i++) {
			json_t *e = sg_rule(g, &sg->rules[i], k, i);

			if (e)
				rule_expr(g, g->sgfam, NFT_SG,
				    sg->rules[i].egress ? out : in, e);
		}
	}
	rule(g, g->sgfam, NFT_SG, out, verdict("drop"), NULL);
	rule(g, g->sgfam, NFT_SG, in, verdict("drop"), NULL);
}

/*
 * ct state STATES VERDICT, for the packets of filtered ports only: with
 * bridge conntrack all bridged packets (a port's chain decides the
 * rest), else those the bridge table marked.
 */
static void
ct_rule(struct gen *g, json_t *states, const char *v)
{
	json_t *e = json_array();

	if (!g->bridge_ct)
		json_array_append_new(e, match(meta("mark"), "!=",
		    json_integer(0)));
	json_array_append_new(e, match(json_pack("{s:{s:s}}", "ct", "key",
	    "state"), "in", states));
	json_array_append_new(e, verdict(v));
	rule_expr(g, g->sgfam, NFT_SG, "sgfwd", e);
}

static void
dispatch(struct gen *g, const struct doc_port *p, int idx)
{
	char in[32], out[32];

	nft_chains(p, in, out);
	if (g->bridge_ct) {
		rule(g, g->sgfam, NFT_SG, "sgfwd", ifname("iifname", p),
		    jump(out), NULL);
		rule(g, g->sgfam, NFT_SG, "sgfwd", ifname("oifname", p),
		    jump(in), NULL);
		return;
	}
	rule(g, g->sgfam, NFT_SG, "sgfwd", match(json_pack("{s:[o,i]}", "&",
	    meta("mark"), 0xffff0000), "==", json_integer((json_int_t)idx <<
	    16)), jump(out), NULL);
	rule(g, g->sgfam, NFT_SG, "sgfwd", match(json_pack("{s:[o,i]}", "&",
	    meta("mark"), 0xffff), "==", json_integer(idx)), jump(in), NULL);
}

/* ct zone set KEY map { bridge : zone, ... }, each network's. */
static json_t *
zone_set(const struct doc *d, const char *key)
{
	json_t *m = json_array();

	for (int i = 0; i < d->nnets; i++)
		json_array_append_new(m, json_pack("[s,i]", d->nets[i].bridge,
		    d->nets[i].zone));
	return json_pack("{s:{s:{s:{s:s}},s:{s:{s:o,s:{s:o}}}}}", "mangle",
	    "key", "ct", "key", "zone", "value", "map", "key", meta(key),
	    "data", "set", m);
}

/*
 * Each network's connections in its own conntrack zone (doc.h), chosen
 * before conntrack by the bridge a packet is on, so that two networks'
 * identical addresses never share an entry. Through
 * bridge-nf-call-iptables the inet hooks see the bridge as the input
 * interface of every packet bridged on it, both ways; the node's own
 * packets out through a bridge (an address on a flat network's bridge)
 * get its zone too, so that their replies match. With bridge conntrack,
 * the bridge a port belongs to (ibrname), on bridged frames.
 */
static void
zone_chains(struct gen *g, const struct doc *d)
{
	chain_on(g, g->sgfam, NFT_SG, "zone-pre", "filter", "prerouting",
	    RAW_PRIO);
	if (!g->bridge_ct)
		chain_on(g, g->sgfam, NFT_SG, "zone-out", "filter", "output",
		    RAW_PRIO);
	if (d->nnets == 0)
		return;
	rule(g, g->sgfam, NFT_SG, "zone-pre", zone_set(d, g->bridge_ct ?
	    "ibrname" : "iifname"), NULL);
	if (!g->bridge_ct)
		rule(g, g->sgfam, NFT_SG, "zone-out", zone_set(d, "oifname"),
		    NULL);
}

/* meta mark set meta mark | value */
static json_t *
mark_or(json_int_t value)
{
	return json_pack("{s:{s:o,s:{s:[o,I]}}}", "mangle", "key",
	    meta("mark"), "value", "|", meta("mark"), value);
}

static json_t *
build(const struct doc *d, int bridge_ct)
{
	struct gen g = { json_array(), bridge_ct ? "bridge" : "inet",
	    bridge_ct };
	int idx = 0;

	table(&g, "bridge", NFT_L2);
	chain(&g, "bridge", NFT_L2, "sgfwd", BRIDGE_FILTER_PRIO);
	table(&g, g.sgfam, NFT_SG);
	chain(&g, g.sgfam, NFT_SG, "sgfwd", bridge_ct ? BRIDGE_FILTER_PRIO : 0);
	zone_chains(&g, d);
	for (int i = 0; i < d->nports; i++) {
		const struct doc_port *p = &d->ports[i];

		if (!enforced(p))
			continue;
		idx++;
		if (!bridge_ct) {
			rule(&g, "bridge", NFT_L2, "sgfwd", ifname("iifname", p),
			    mark_or((json_int_t)idx << 16), NULL);
			rule(&g, "bridge", NFT_L2, "sgfwd", ifname("oifname", p),
			    mark_or(idx), NULL);
		}
	}
	for (int i = 0; i < d->nports; i++)
		if (enforced(&d->ports[i]))
			antispoof(&g, &d->ports[i]);
	/* The chains before the jumps to them (libnftables resolves a
	 * jump's target when it adds the rule). */
	for (int i = 0; i < d->nports; i++)
		if (enforced(&d->ports[i]))
			port_chains(&g, d, &d->ports[i]);
	/* Replies of allowed connections pass without the port chains. */
	ct_rule(&g, json_pack("[s,s]", "established", "related"), "accept");
	ct_rule(&g, json_string("invalid"), "drop");
	idx = 0;
	for (int i = 0; i < d->nports; i++)
		if (enforced(&d->ports[i]))
			dispatch(&g, &d->ports[i], ++idx);
	return g.cmds;
}

/*
 * What is recorded of a filtered port: the digest of its rules with the
 * remote groups' addresses left out ("rules"), those addresses
 * ("members"), its zone and its addresses (to forget its connections
 * once it is gone).
 */
static json_t *
port_record(const struct doc *d, const struct doc_port *p)
{
	struct gen g = { json_array(), "inet", 0, json_object() };
	json_t *ips = json_array();
	char dg[GR_SHA256_HEX];
	char *text;

	port_chains(&g, d, p);
	antispoof(&g, p);
	text = json_dumps(g.cmds, JSON_COMPACT);
	gr_sha256_hex(text, strlen(text), dg);
	free(text);
	json_decref(g.cmds);
	for (int i = 0; i < p->nips; i++)
		json_array_append_new(ips, json_string(p->ips[i].ip));
	return json_pack("{s:s,s:o,s:i,s:o}", "rules", dg, "members",
	    g.members, "zone", p->net->zone, "ips", ips);
}

/* 1 when the rules of was allow something that those of now do not: a
 * rule changed or went, or a remote group lost an address. A record of
 * another form (an older agent's) counts as narrowed. */
static int
narrowed(json_t *was, json_t *now)
{
	json_t *rules = json_object_get(was, "rules"), *v;
	json_t *members = json_object_get(now, "members");
	const char *key;

	if (!json_is_string(rules) || strcmp(json_string_value(rules),
	    json_string_value(json_object_get(now, "rules"))) != 0)
		return 1;
	json_object_foreach(json_object_get(was, "members"), key, v)
		if (json_object_get(members, key) == NULL)
			return 1;
	return 0;
}

/* rec's addresses in its zone join the list m of n forgotten. */
static void
forget_add(json_t *rec, struct ct_match **m, int *n)
{
	json_t *zone = json_object_get(rec, "zone"), *v;
	size_t i;

	json_array_foreach(json_object_get(rec, "ips"), i, v) {
		if (!json_is_string(v) || !json_is_integer(zone))
			continue;
		*m = gr_xrealloc(*m, (size_t)(*n + 1) * sizeof(**m));
		(*m)[(*n)++] = (struct ct_match){ (int)json_integer_value(zone),
		    json_string_value(v) };
	}
}

/*
 * Records each filtered port (port_record); with flush, forgets the
 * connections that the new rules may no longer allow: a port's whose
 * rules narrowed (a rule changed or went, a remote group lost an
 * address; a group that only gained one keeps them), and those of a port
 * gone (its address may come back on another port). A new port has none
 * to forget. After a restart the records in state_dir still count.
 */
static void
track(struct netagent *a, const struct doc *d, int flush)
{
	GR_AUTOFREE char *path = gr_xasprintf("%s/nft-ports.json",
	    a->state_dir);
	GR_AUTOFREE char *tmp = gr_xasprintf("%s.tmp", path);
	GR_AUTOFREE struct ct_match *forget = NULL;
	json_t *now = json_object(), *was, *rec;
	const char *id;
	int nforget = 0;

	if (a->sg_records == NULL)
		a->sg_records = json_load_file(path, 0, NULL);
	for (int i = 0; i < d->nports; i++) {
		const struct doc_port *p = &d->ports[i];

		if (!enforced(p))
			continue;
		rec = port_record(d, p);
		json_object_set_new(now, p->id, rec);
		was = a->sg_records ? json_object_get(a->sg_records, p->id) :
		    NULL;
		if (flush && was && narrowed(was, rec)) {
			gr_info("forgetting the connections of port %s in zone "
			    "%d: its rules changed", p->id, p->net->zone);
			forget_add(rec, &forget, &nforget);
		}
	}
	if (flush)
		json_object_foreach(a->sg_records, id, was)
			if (json_object_get(now, id) == NULL)
				forget_add(was, &forget, &nforget);
	/* One pass over the table for all of them; a failure only leaves
	 * connections that the rules no longer allow to time out. */
	if (ct_forget(forget, nforget) < 0)
		gr_err_log("cannot forget the connections of changed ports");
	json_decref(a->sg_records);
	a->sg_records = now;
	mkdir(a->state_dir, 0755);
	if (json_dump_file(now, tmp, JSON_COMPACT) < 0 ||
	    rename(tmp, path) < 0)
		gr_warn("cannot record the ports' rules in %s", path);
}

/* "gen-" and 16 hex digits of the ruleset's hash. */
static void
marker(const char *text, char out[24])
{
	char sum[GR_SHA256_HEX];

	gr_sha256_hex(text, strlen(text), sum);
	snprintf(out, 24, "gen-%.16s", sum);
}

/* Ends a ruleset: its marker chain in each of the tables, then the
 * JSON text. Takes cmds. */
static char *
finish(json_t *cmds, const char *const tables[][2], int ntables)
{
	GR_AUTOFREE char *text = json_dumps(cmds, JSON_COMPACT);
	struct gen g = { cmds, NULL, 0 };
	json_t *doc_json;
	char mk[24];
	char *out;

	marker(text, mk);
	for (int i = 0; i < ntables; i++)
		chain(&g, tables[i][0], tables[i][1], mk, REGULAR);
	doc_json = json_pack("{s:o}", "nftables", cmds);
	out = json_dumps(doc_json, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(doc_json);
	return out;
}

char *
nft_router_ruleset(const struct doc_router *r)
{
	static const char *const tables[][2] = { { "ip", NFT_ROUTER } };
	struct gen g = { json_array(), "ip", 0 };
	const char *f = "ip", *t = NFT_ROUTER;
	const struct doc_leg *gw = r->gateway;

	table(&g, f, t);
	chain_on(&g, f, t, "prerouting", "nat", "prerouting", -100);
	chain_on(&g, f, t, "postrouting", "nat", "postrouting", 100);
	for (int i = 0; gw && i < r->nforwards; i++) {
		const struct doc_forward *fw = &r->forwards[i];

		rule(&g, f, t, "prerouting", match(payload("ip", "daddr"), "==",
		    json_string(fw->ip)), match(meta("l4proto"), "==",
		    json_string(fw->proto)), match(payload(fw->proto, "dport"),
		    "==", json_integer(fw->external_port)), json_pack(
		    "{s:{s:s,s:i}}", "dnat", "addr", fw->internal_ip, "port",
		    fw->internal_port), NULL);
	}
	for (int i = 0; gw && i < r->nfips; i++)
		rule(&g, f, t, "prerouting", match(payload("ip", "daddr"), "==",
		    json_string(r->fips[i].ip)), json_pack("{s:{s:s}}", "dnat",
		    "addr", r->fips[i].fixed_ip), NULL);
	/* A floating IP's own address out, before the router's. */
	for (int i = 0; gw && i < r->nfips; i++)
		rule(&g, f, t, "postrouting", match(payload("ip", "saddr"), "==",
		    json_string(r->fips[i].fixed_ip)), match(meta("oifname"),
		    "==", json_string(gw->dev)), json_pack("{s:{s:s}}", "snat",
		    "addr", r->fips[i].ip), NULL);
	if (gw && r->enable_snat)
		rule(&g, f, t, "postrouting", match(meta("oifname"), "==",
		    json_string(gw->dev)), json_pack("{s:{s:s}}", "snat", "addr",
		    gw->ip), NULL);
	return finish(g.cmds, tables, 1);
}

char *
nft_ruleset(const struct doc *d, int bridge_ct)
{
	json_t *cmds = build(d, bridge_ct);
	const char *const tables[][2] = { { "bridge", NFT_L2 },
	    { bridge_ct ? "bridge" : "inet", NFT_SG } };

	return finish(cmds, tables, 2);
}

/* Runs a command buffer; its output (a new string) into *out when out
 * is not NULL. */
static int
run(const char *buf, int dry, char **out)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	int r;

	if (ctx == NULL) {
		gr_error(GR_ERR_INTERNAL, "Cannot make a libnftables context.");
		return -1;
	}
	/* JSON input is parsed only with JSON output set, whatever
	 * libnftables(3) says; else "syntax error, unexpected '{'". */
	nft_ctx_output_set_flags(ctx, NFT_CTX_OUTPUT_JSON);
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	nft_ctx_set_dry_run(ctx, dry);
	r = nft_run_cmd_from_buffer(ctx, buf);
	if (r != 0) {
		const char *e = nft_ctx_get_error_buffer(ctx);
		char first[512];

		snprintf(first, sizeof(first), "%s", e ? e : "");
		first[strcspn(first, "\n")] = '\0';
		gr_error(GR_ERR_INTERNAL, "nftables refused the ruleset: %s",
		    first);
	} else if (out) {
		*out = gr_xstrdup(nft_ctx_get_output_buffer(ctx));
	}
	nft_ctx_free(ctx);
	return r == 0 ? 0 : -1;
}

char *
nft_listing(int bridge_ct)
{
	char *l2 = NULL, *sg = NULL, *all;
	char cmd_l2[64], cmd_sg[64];

	snprintf(cmd_l2, sizeof(cmd_l2), "list table bridge %s", NFT_L2);
	snprintf(cmd_sg, sizeof(cmd_sg), "list table %s %s",
	    bridge_ct ? "bridge" : "inet", NFT_SG);
	/* Absent tables are errors to libnftables, and no error here. */
	if (run(cmd_l2, 0, &l2) < 0 || run(cmd_sg, 0, &sg) < 0)
		gr_err_clear();
	all = gr_xasprintf("%s\n%s", l2 ? l2 : "", sg ? sg : "");
	free(l2);
	free(sg);
	return all;
}

int
nft_probe_bridge_ct(void)
{
	static const char probe[] = "{\"nftables\":["
	    "{\"add\":{\"table\":{\"family\":\"bridge\",\"name\":\"gureum_probe\"}}},"
	    "{\"add\":{\"chain\":{\"family\":\"bridge\",\"table\":\"gureum_probe\","
	    "\"name\":\"c\",\"type\":\"filter\",\"hook\":\"forward\","
	    "\"prio\":0,\"policy\":\"accept\"}}},"
	    "{\"add\":{\"rule\":{\"family\":\"bridge\",\"table\":\"gureum_probe\","
	    "\"chain\":\"c\",\"expr\":[{\"match\":{\"op\":\"in\",\"left\":"
	    "{\"ct\":{\"key\":\"state\"}},\"right\":\"established\"}},"
	    "{\"accept\":null}]}}},"
	    /* and zones by the bridge, as zone_chains() sets them */
	    "{\"add\":{\"chain\":{\"family\":\"bridge\",\"table\":\"gureum_probe\","
	    "\"name\":\"z\",\"type\":\"filter\",\"hook\":\"prerouting\","
	    "\"prio\":-300,\"policy\":\"accept\"}}},"
	    "{\"add\":{\"rule\":{\"family\":\"bridge\",\"table\":\"gureum_probe\","
	    "\"chain\":\"z\",\"expr\":[{\"mangle\":{\"key\":{\"ct\":{\"key\":"
	    "\"zone\"}},\"value\":{\"map\":{\"key\":{\"meta\":{\"key\":"
	    "\"ibrname\"}},\"data\":{\"set\":[[\"brq\",1]]}}}}}]}}}]}";
	char *argv[] = { "modprobe", "-q", "nf_conntrack_bridge", NULL };

	/* Absent as a module on some kernels: the probe decides. */
	if (gr_cmd_run(argv, NULL) < 0)
		gr_err_clear();
	if (run(probe, 1, NULL) < 0) {
		gr_info("no conntrack (or no zones by bridge) in the bridge "
		    "family (%s): bridged packets are filtered statefully "
		    "through bridge-nf-call-iptables", gr_err_msg());
		gr_err_clear();
		return 0;
	}
	return 1;
}

/* Without bridge conntrack, bridged IP packets must reach the inet
 * hooks. */
static int
bridge_nf(void)
{
	static const char *const files[] = {
	    "/proc/sys/net/bridge/bridge-nf-call-iptables",
	    "/proc/sys/net/bridge/bridge-nf-call-ip6tables" };
	char *argv[] = { "modprobe", "-q", "br_netfilter", NULL };

	if (access(files[0], F_OK) < 0 && gr_cmd_run(argv, NULL) < 0)
		return -1;
	for (size_t i = 0; i < 2; i++) {
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);

		if (fd < 0 || write(fd, "1\n", 2) != 2) {
			gr_error(GR_ERR_SYSTEM, "Cannot set %s.", files[i]);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* 1 when loaded (a listing) carries the marker of rules in each of its
 * ntables tables: loaded as generated. */
static int
loaded_as(const char *rules, const char *loaded, int ntables)
{
	char quoted[32];
	const char *p, *q;

	/* The marker is the last chain of the ruleset. */
	if ((p = strstr(rules, "\"gen-")) == NULL ||
	    (q = strchr(p + 1, '"')) == NULL || q - p > 23)
		return 0;
	snprintf(quoted, sizeof(quoted), "%.*s", (int)(q - p + 1), p);
	for (p = loaded; ntables-- > 0; p++)
		if ((p = strstr(p, quoted)) == NULL)
			return 0;
	return 1;
}

int
nft_apply(struct netagent *a, const struct doc *d)
{
	GR_AUTOFREE char *rules = nft_ruleset(d, a->bridge_ct);
	GR_AUTOFREE char *loaded = NULL;

	if (!a->bridge_ct && bridge_nf() < 0)
		return -1;
	loaded = nft_listing(a->bridge_ct);
	if (loaded_as(rules, loaded, 2)) {
		track(a, d, 0);
		return 0;
	}
	gr_info("loading the security group rules");
	if (run(rules, 0, NULL) < 0)
		return -1;
	track(a, d, 1);
	return 0;
}

/* Runs in the router's namespace: replaces its table unless loaded. */
int
nft_router_apply(const struct doc_router *r)
{
	GR_AUTOFREE char *rules = nft_router_ruleset(r);
	GR_AUTOFREE char *loaded = NULL;
	char cmd_list[64];

	snprintf(cmd_list, sizeof(cmd_list), "list table ip %s", NFT_ROUTER);
	if (run(cmd_list, 0, &loaded) < 0)
		gr_err_clear();
	if (loaded && loaded_as(rules, loaded, 1))
		return 0;
	gr_info("loading the NAT rules of router %s", r->id);
	return run(rules, 0, NULL);
}
