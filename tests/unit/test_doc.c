/*
 * Unit tests for network-agent/doc.c, golden files: each
 * tests/netdoc/NAME.json is a node document that is either refused, with
 * the message in NAME.err, or parsed, with what the agent will act on
 * summarised in NAME.txt. Run from the repository root;
 * GR_TEST_REGENERATE=1 rewrites the expected files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "gr_buf.h"
#include "gr_err.h"
#include "gr_test.h"
#include "gr_golden.h"
#include "gr_util.h"

#define GOLDEN	"tests/netdoc"

/* A second mapping: a flat network's zone follows its mapping's place. */
static const struct doc_mapping maps[] = { { "public", "br-ex" },
    { "provider", "br-prov" } };

/* What the agent will act on, one line per object. */
static char *
summary(const struct doc *d)
{
	struct gr_buf b = GR_BUF_INIT(0);

	gr_buf_printf(&b, "generation %lld host %s underlay %s routers %d\n",
	    d->generation, d->host, d->underlay, d->nrouters);
	for (int i = 0; i < d->nnets; i++) {
		const struct doc_net *n = &d->nets[i];

		gr_buf_printf(&b, "network %s %s vni %ld mtu %d bridge %s "
		    "vxlan %s peers %d remotes %d subnets %d dhcp %s zone %d\n",
		    n->id, n->flat ? "flat" : "vxlan", n->vni, n->mtu,
		    n->bridge, n->vxlan, n->npeers, n->nremotes, n->nsubnets,
		    n->dhcp ? n->dhcp->dev : "-", n->zone);
		for (int k = 0; k < n->nsubnets; k++)
			gr_buf_printf(&b, " subnet %s %s gateway %s dhcp %d "
			    "dns %d routes %d\n", n->subnets[k].id,
			    n->subnets[k].cidr, n->subnets[k].gateway[0] ?
			    n->subnets[k].gateway : "-",
			    n->subnets[k].enable_dhcp, n->subnets[k].ndns,
			    n->subnets[k].nroutes);
	}
	for (int i = 0; i < d->nports; i++)
		gr_buf_printf(&b, "port %s tap %s mac %s ips %d up %d "
		    "security %d groups %d on %s\n", d->ports[i].id,
		    d->ports[i].tap, d->ports[i].mac, d->ports[i].nips,
		    d->ports[i].admin_up, d->ports[i].port_security,
		    d->ports[i].nsgs, d->ports[i].net->bridge);
	for (int i = 0; i < d->nsgs; i++)
		for (int k = 0; k < d->sgs[i].nrules; k++) {
			const struct doc_rule *r = &d->sgs[i].rules[k];

			gr_buf_printf(&b, "rule %s %s %s %s %d-%d prefix %s "
			    "group %d ips %d\n", r->id, r->egress ? "egress" :
			    "ingress", r->ipv6 ? "IPv6" : "IPv4", r->proto[0] ?
			    r->proto : "any", r->pmin, r->pmax, r->prefix[0] ?
			    r->prefix : "-", r->remote_group, r->nremote_ips);
		}
	for (int i = 0; i < d->nrouters; i++) {
		const struct doc_router *r = &d->routers[i];

		gr_buf_printf(&b, "router %s ns %s snat %d gateway %s legs %d "
		    "fips %d forwards %d\n", r->id, r->ns, r->enable_snat,
		    r->gateway ? r->gateway->dev : "-", r->nlegs, r->nfips,
		    r->nforwards);
		if (r->gateway)
			gr_buf_printf(&b, " gateway %s/%d on %s via %s\n",
			    r->gateway->ip, r->gateway->prefixlen,
			    r->gateway->bridge, r->gateway->tap);
		for (int k = 0; k < r->nlegs; k++)
			gr_buf_printf(&b, " leg %s %s/%d on %s via %s\n",
			    r->legs[k].dev, r->legs[k].ip, r->legs[k].prefixlen,
			    r->legs[k].bridge, r->legs[k].tap);
	}
	return gr_buf_steal(&b);
}

static void
golden(const char *name, int regen)
{
	GR_AUTOFREE char *jpath = gr_xasprintf(GOLDEN "/%s.json", name);
	GR_AUTOFREE char *tpath = gr_xasprintf(GOLDEN "/%s.txt", name);
	GR_AUTOFREE char *epath = gr_xasprintf(GOLDEN "/%s.err", name);
	GR_AUTOFREE char *got = NULL, *desc = NULL;
	json_error_t je;
	json_t *j = json_load_file(jpath, 0, &je);
	struct doc *d;

	if (j == NULL) {
		CHECK(0, name);
		printf("#   %s:%d: %s\n", jpath, je.line, je.text);
		return;
	}
	d = doc_parse(j, "node1", maps, 2);
	json_decref(j);
	if (d == NULL) {
		got = gr_xasprintf("%s\n", gr_err_msg());
		desc = gr_xasprintf("%s: refused as a bad request", name);
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST, desc);
		golden_check(name, epath, tpath, got, regen);
		return;
	}
	got = summary(d);
	doc_free(d);
	golden_check(name, tpath, epath, got, regen);
}

static void
mappings(void)
{
	struct doc_mapping m[2];

	CHECK(doc_mappings("public:br-ex, lab:br-lab", m, 2) == 2 &&
	    strcmp(m[1].bridge, "br-lab") == 0, "two bridge mappings parse");
	CHECK(doc_mappings("", m, 2) == 0, "no bridge mappings is fine");
	CHECK(doc_mappings("public", m, 2) < 0 && strstr(gr_err_msg(),
	    "\"public\" is not PHYSNET:BRIDGE"), "a mapping without a bridge "
	    "is refused, quoted");
	CHECK(doc_mappings("a:b,c:d,e:f", m, 2) < 0, "too many mappings are "
	    "refused");
	CHECK(doc_mappings("p:a-bridge-name-too-long", m, 2) < 0,
	    "a bridge name past 15 bytes is refused");
}

int
main(void)
{
	golden_each(GOLDEN, golden);
	mappings();
	CHECK(doc_is_uuid("9f8e7d6c-5b4a-4c3d-8e2f-1a2b3c4d5e6f") &&
	    !doc_is_uuid("9F8E7D6C-5B4A-4C3D-8E2F-1A2B3C4D5E6F") &&
	    !doc_is_uuid("9f8e7d6c-5b4a-4c3d-8e2f-1a2b3c4d5e6") &&
	    !doc_is_uuid("../../etc/passwd"), "only lower-case UUIDs are ids");
	GR_TEST_END();
}
