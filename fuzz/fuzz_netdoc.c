/*
 * fuzz_netdoc.c - libFuzzer target for the node's network document the
 * network agent pulls from the controller (network-agent/doc.c), parsed
 * as the fetch loop does, then turned into what the agent hands the
 * kernel and dnsmasq: the nftables rulesets (nft.c) and dnsmasq's command
 * line, hosts and options files (dhcp.c).
 *
 * Besides the sanitizers, it checks the contract and traps when it fails:
 * a document is refused with GR_ERR_BAD_REQUEST and a message, or
 * accepted with every kernel name one the agent owns (brq<net[:11]>,
 * vxlan-<vni>, tap<port[:11]>, ns-<port[:11]>, at most 15 bytes), every
 * port on a network of the document; its rulesets are JSON, and each line
 * of the hosts file is exactly MAC,IP,NAME.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "dhcp.h"
#include "doc.h"
#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"
#include "nft.h"

static const struct doc_mapping maps[] = { { "public", "br-ex" } };

static void
owned(const char *name, const char *prefix, const char *id, size_t n)
{
	CHECK(strlen(name) <= 15);
	CHECK(strncmp(name, prefix, strlen(prefix)) == 0);
	CHECK(strncmp(name + strlen(prefix), id, n) == 0);
}

static void
check_net(const struct doc_net *n)
{
	char *hosts, *opts, **argv;
	struct dhcp_paths p;
	int commas = 0;

	CHECK(doc_is_uuid(n->id) && n->mtu >= 68 && n->mtu <= 9000);
	if (n->flat)
		CHECK(strcmp(n->bridge, "br-ex") == 0);
	else
		owned(n->bridge, "brq", n->id, 11);
	if (n->dhcp) {
		owned(n->dhcp->dev, "ns-", n->dhcp->port_id, 11);
		owned(n->dhcp->tap, "tap", n->dhcp->port_id, 11);
	}
	dhcp_paths("/var/lib/gureum/network", n->id, &p);
	argv = dhcp_argv(&p, n);
	CHECK(argv[0] && strcmp(argv[0], "/usr/sbin/dnsmasq") == 0);
	dhcp_argv_free(argv);
	hosts = dhcp_hosts_text(n);
	for (const char *c = hosts; *c; c++) {
		if (*c == ',')
			commas++;
		if (*c == '\n') {
			CHECK(commas == 2);
			commas = 0;
		}
	}
	CHECK(commas == 0);
	opts = dhcp_opts_text(n);
	free(hosts);
	free(opts);
}

FUZZ_JSON_SEEDED

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_json_body(data, size), *j;
	struct doc *d;

	if (body == NULL)
		return 0;
	gr_err_clear();
	if ((d = doc_parse(body, "node1", maps, 1)) == NULL) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(gr_err_msg()[0] != '\0');
		fuzz_check_fault();
		json_decref(body);
		return 0;
	}
	CHECK(strcmp(d->host, "node1") == 0);
	for (int i = 0; i < d->nnets; i++)
		check_net(&d->nets[i]);
	for (int i = 0; i < d->nports; i++) {
		CHECK(d->ports[i].net != NULL);
		owned(d->ports[i].tap, "tap", d->ports[i].id, 11);
	}
	for (int ct = 0; ct < 2; ct++) {
		char *rules = nft_ruleset(d, ct);

		CHECK((j = json_loads(rules, 0, NULL)) != NULL);
		json_decref(j);
		free(rules);
	}
	doc_free(d);
	json_decref(body);
	return 0;
}
