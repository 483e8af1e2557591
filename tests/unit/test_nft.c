/*
 * Unit tests for network-agent/nft.c, golden files: each tests/nft/NAME.json
 * is a node document whose ruleset, as handed to libnftables, is
 * NAME.brnf without bridge conntrack (marks and an inet table) and
 * NAME.brct with it (bridge tables only); a document with routers also
 * has their NAT tables in NAME.router. Run from the repository
 * root; GR_TEST_REGENERATE=1 rewrites the expected files.
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
#include "nft.h"

#define GOLDEN	"tests/nft"

static const struct doc_mapping maps[] = { { "public", "br-ex" } };

static struct doc *
load(const char *name)
{
	GR_AUTOFREE char *path = gr_xasprintf(GOLDEN "/%s.json", name);
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	struct doc *d;

	if (j == NULL) {
		printf("#   %s:%d: %s\n", path, je.line, je.text);
		return NULL;
	}
	if ((d = doc_parse(j, NULL, maps, 1)) == NULL)
		printf("#   %s: %s\n", path, gr_err_msg());
	json_decref(j);
	return d;
}

static void
golden(const char *name, int regen)
{
	struct doc *d = load(name);
	static const char *const ext[2] = { "brnf", "brct" };

	CHECK(d != NULL, name);
	for (int ct = 0; d && ct < 2; ct++) {
		GR_AUTOFREE char *path = gr_xasprintf(GOLDEN "/%s.%s", name,
		    ext[ct]);
		GR_AUTOFREE char *desc = gr_xasprintf("%s: ruleset (%s)", name,
		    ext[ct]);
		GR_AUTOFREE char *got = nft_ruleset(d, ct);
		GR_AUTOFREE char *nl = gr_xasprintf("%s\n", got);

		golden_check(desc, path, NULL, nl, regen);
	}
	if (d && d->nrouters) {
		GR_AUTOFREE char *path = gr_xasprintf(GOLDEN "/%s.router", name);
		GR_AUTOFREE char *desc = gr_xasprintf("%s: routers' NAT", name);
		struct gr_buf b = GR_BUF_INIT(0);

		for (int i = 0; i < d->nrouters; i++) {
			char *r = nft_router_ruleset(&d->routers[i]);

			gr_buf_printf(&b, "%s\n", r);
			free(r);
		}
		golden_check(desc, path, NULL, b.data, regen);
		gr_buf_free(&b);
	}
	doc_free(d);
}

/* The hash marker follows the rules: a changed rule is a new marker, the
 * same document the same one. */
static void
marker_follows_rules(void)
{
	struct doc *d = load("two_ports");
	GR_AUTOFREE char *a = NULL, *b = NULL, *c = NULL;

	if (d == NULL) {
		CHECK(0, "two_ports loads");
		return;
	}
	a = nft_ruleset(d, 0);
	b = nft_ruleset(d, 0);
	d->sgs[0].rules[0].pmin = 443;
	c = nft_ruleset(d, 0);
	CHECK(strcmp(a, b) == 0, "the same document gives the same ruleset");
	CHECK(strstr(a, "\"gen-") && strcmp(strstr(a, "\"gen-"),
	    strstr(c, "\"gen-")) != 0, "a changed rule changes the marker");
	doc_free(d);
}

int
main(void)
{
	golden_each(GOLDEN, golden);
	marker_follows_rules();
	GR_TEST_END();
}
