/*
 * Unit tests for network-agent/dhcp.c's pure part, golden files: each
 * tests/dnsmasq/NAME.json is a node document whose first network's
 * dnsmasq command line (one argument a line) is NAME.args, its hosts file
 * NAME.hosts and its options file NAME.opts, with the state directory
 * /var/lib/gureum/network. Run from the repository root;
 * GR_TEST_REGENERATE=1 rewrites the expected files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "doc.h"
#include "gr_buf.h"
#include "gr_err.h"
#include "gr_test.h"
#include "gr_golden.h"
#include "gr_util.h"

#define GOLDEN	"tests/dnsmasq"

static void
check_file(const char *name, const char *ext, const char *got, int regen)
{
	GR_AUTOFREE char *path = gr_xasprintf(GOLDEN "/%s.%s", name, ext);
	GR_AUTOFREE char *desc = gr_xasprintf("%s: %s", name, ext);

	golden_check(desc, path, NULL, got, regen);
}

static void
golden(const char *name, int regen)
{
	GR_AUTOFREE char *path = gr_xasprintf(GOLDEN "/%s.json", name);
	GR_AUTOFREE char *hosts = NULL, *opts = NULL;
	struct gr_buf args = GR_BUF_INIT(0);
	struct dhcp_paths p;
	json_error_t je;
	json_t *j = json_load_file(path, 0, &je);
	struct doc *d = j ? doc_parse(j, NULL, NULL, 0) : NULL;
	char **argv;

	json_decref(j);
	CHECK(d && d->nnets > 0, name);
	if (d == NULL || d->nnets == 0) {
		printf("#   %s: %s\n", path, j ? gr_err_msg() : je.text);
		doc_free(d);
		return;
	}
	dhcp_paths("/var/lib/gureum/network", d->nets[0].id, &p);
	argv = dhcp_argv(&p, &d->nets[0]);
	for (char **a = argv; *a; a++)
		gr_buf_printf(&args, "%s\n", *a);
	dhcp_argv_free(argv);
	hosts = dhcp_hosts_text(&d->nets[0]);
	opts = dhcp_opts_text(&d->nets[0]);
	check_file(name, "args", args.data ? args.data : "", regen);
	check_file(name, "hosts", hosts, regen);
	check_file(name, "opts", opts, regen);
	gr_buf_free(&args);
	doc_free(d);
}

int
main(void)
{
	golden_each(GOLDEN, golden);
	GR_TEST_END();
}
