/*
 * Unit tests for the scheduler's filters in controller/sched.c
 * (sched_node_fits, through sched_priv.h): the placement rules of DESIGN.md
 * section 1 on nodes built in memory, and the reason each refusal names.
 * The controller's other modules are linked (sched.c calls them), so this
 * file supplies the configuration main.c would.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_test.h"
#include "sched_priv.h"
#include "server_groups.h"

struct ctl_conf ctl;

/* A 4-pCPU node with 4 GiB (512 MB reserved), 100 GB of disk and the
 * default ratios (sql/0003_compute.sql), enabled, alive and empty. */
static struct sched_node
node(void)
{
	struct sched_node n = {
		.pcpus = 4, .enabled = 1, .alive = 1,
		.mem_mb = 4096, .reserved_mb = 512, .disk_gb = 100,
		.cpu_ratio = 4.0, .ram_ratio = 1.0, .disk_ratio = 1.0,
		.thin_ratio = 2.0,
	};

	snprintf(n.host, sizeof(n.host), "node1");
	return n;
}

static struct sched_req
req(int vcpus, int memory_mb, int disk_gb, int thin)
{
	struct sched_req r = { .instance_id = "i-1", .vcpus = vcpus,
	    .memory_mb = memory_mb, .disk_gb = disk_gb, .thin = thin };

	return r;
}

static char why_text[1024];

/* sched_node_fits on a fresh buffer; the reason is left in why_text. */
static int
fits(const struct sched_node *n, struct sched_req r)
{
	struct gr_buf why = GR_BUF_INIT(0);
	int ok = sched_node_fits(n, &r, &why);

	snprintf(why_text, sizeof(why_text), "%s", why.data ? why.data : "");
	gr_buf_free(&why);
	return ok;
}

/* Fits, and no reason is written. */
#define FITS(n, r, desc) \
	CHECK(fits((n), (r)) && why_text[0] == '\0', desc)

/* Refused, with one reason that starts with the host, ends in "; " and
 * contains want; the host is named once. */
#define REFUSED(n, r, want, desc) do {					\
	int ok_ = fits((n), (r));					\
	size_t l_ = strlen(why_text);					\
	int good_ = !ok_ && strncmp(why_text, "node1: ", 7) == 0 &&	\
	    l_ > 2 && strcmp(why_text + l_ - 2, "; ") == 0 &&		\
	    strstr(why_text + 1, "node1: ") == NULL &&			\
	    strstr(why_text, (want)) != NULL;				\
	CHECK(good_, desc);						\
	if (!good_)							\
		printf("#   fits %d, reason '%s', wanted '%s'\n", ok_,	\
		    why_text, (want));					\
} while (0)

static void
test_state(void)
{
	struct sched_node n = node();

	FITS(&n, req(1, 512, 10, 1), "an empty node takes a small VM");
	n.enabled = 0;
	REFUSED(&n, req(1, 512, 10, 1), "node1: its compute service is "
	    "disabled (os-services); ",
	    "a disabled node is refused as disabled");
	struct sched_req small = req(1, 512, 10, 1);

	CHECK(sched_node_rule(&n, &small) == SCHED_DISABLED,
	    "... the rule it breaks is SCHED_DISABLED");
	n = node();
	n.alive = 0;
	REFUSED(&n, req(1, 512, 10, 1), "node1: down (its compute agent "
	    "stopped sending heartbeats, or an admin forced its service "
	    "down); ",
	    "a node without heartbeats is down");
	n.enabled = 0;
	REFUSED(&n, req(64, 1 << 20, 10000, 0), "disabled",
	    "the first rule that fails is the one named");
	CHECK(strstr(why_text, "pCPUs") == NULL && strstr(why_text, "down") ==
	    NULL, "and no other");
}

static void
test_vcpus(void)
{
	struct sched_node n = node();

	FITS(&n, req(4, 512, 10, 1),
	    "a VM may have as many vCPUs as the host has pCPUs");
	REFUSED(&n, req(5, 512, 10, 1), "needs 5 vCPUs but host has 4 pCPUs",
	    "one vCPU more than the host's pCPUs is refused");
	struct sched_req five = req(5, 512, 10, 1), four = req(4, 512, 10, 1);

	CHECK(sched_node_rule(&n, &five) == SCHED_CORES &&
	    sched_node_rule(&n, &four) == SCHED_FITS,
	    "... the rule it breaks is SCHED_CORES; four fit");
	REFUSED(&n, req(6, 512, 10, 1), "(one VM may not have more vCPUs "
	    "than the host has cores)", "the refusal names the pCPU rule");
	n.cpu_ratio = 16.0;
	REFUSED(&n, req(6, 512, 10, 1), "needs 6 vCPUs but host has 4 pCPUs",
	    "overcommit does not lift the pCPU rule");

	/* 4 pCPUs x 4.0 = 16 vCPUs: 8 VMs x 2 vCPUs fit, a ninth does not. */
	n = node();
	n.vcpus_used = 14;
	FITS(&n, req(2, 256, 1, 1), "the 8th 2-vCPU VM fits on 4 pCPUs x 4.0");
	n.vcpus_used = 16;
	REFUSED(&n, req(2, 256, 1, 1), "needs 2 vCPUs but only 0 of 16 are "
	    "free (4 pCPUs x 4.0 overcommit)", "the 9th is refused");
	n.vcpus_used = 15;
	FITS(&n, req(1, 256, 1, 1), "the last vCPU fits");
	REFUSED(&n, req(2, 256, 1, 1), "only 1 of 16 are free",
	    "the reason counts the vCPUs left");
	REFUSED(&n, req(2, 256, 1, 1), "needs 2 vCPUs but",
	    "and says vCPUs, plural");
	n.vcpus_used = 16;
	REFUSED(&n, req(1, 256, 1, 1), "needs 1 vCPU but",
	    "one vCPU is singular");

	/* Reserved vCPUs come off the total: 4 x 4.0 - 2 = 14. */
	n = node();
	n.reserved_vcpus = 2;
	n.vcpus_used = 12;
	FITS(&n, req(2, 256, 1, 1), "up to pcpus x ratio - reserved fits");
	n.vcpus_used = 13;
	REFUSED(&n, req(2, 256, 1, 1), "only 1 of 14 are free",
	    "past pcpus x ratio - reserved is refused");

	/* A ratio of 1.0 is no overcommit; fractions round down. */
	n = node();
	n.cpu_ratio = 1.0;
	n.vcpus_used = 2;
	REFUSED(&n, req(3, 256, 1, 1), "only 2 of 4 are free (4 pCPUs x 1.0",
	    "ratio 1.0 gives one vCPU per pCPU");
	n.pcpus = 3;
	n.cpu_ratio = 1.5;
	n.vcpus_used = 4;
	REFUSED(&n, req(1, 256, 1, 1), "only 0 of 4 are free",
	    "3 pCPUs x 1.5 offer 4 vCPUs, not 4.5");
}

static void
test_memory(void)
{
	struct sched_node n = node();

	/* (4096 - 512) x 1.0 = 3584 MB. */
	FITS(&n, req(1, 3584, 10, 1), "RAM up to (memory - reserved) fits");
	REFUSED(&n, req(1, 3585, 10, 1), "needs 3585 MB of RAM but only 3584 "
	    "of 3584 MB are free (512 MB reserved for the host, ratio 1.0)",
	    "one MB more is refused, naming the reserve and the ratio");
	n.mem_used = 3000;
	FITS(&n, req(1, 584, 10, 1), "what claims leave fits");
	REFUSED(&n, req(1, 585, 10, 1), "only 584 of 3584 MB are free",
	    "claims count against the RAM");
	n.mem_used = 4000;
	REFUSED(&n, req(1, 1, 10, 1), "only 0 of 3584 MB are free",
	    "an over-claimed node shows 0 free, not a negative number");

	/* (4096 - 512) x 1.5 = 5376 MB. */
	n = node();
	n.ram_ratio = 1.5;
	FITS(&n, req(1, 5376, 10, 1), "RAM up to (memory - reserved) x ratio");
	REFUSED(&n, req(1, 5377, 10, 1), "only 5376 of 5376 MB are free (512 "
	    "MB reserved for the host, ratio 1.5)", "and not one MB more");
	n = node();
	n.reserved_mb = 4096;
	REFUSED(&n, req(1, 16, 10, 1), "of 0 MB are free",
	    "a node that keeps all its memory takes no VM");
}

static void
test_thick(void)
{
	struct sched_node n = node();

	FITS(&n, req(1, 256, 100, 0), "a thick disk as big as the node's fits");
	REFUSED(&n, req(1, 256, 101, 0), "a thick 101 GB disk does not fit: 0 "
	    "of 100 GB are claimed by thick disks",
	    "a thick disk counts 1:1 against the disk");
	n.thick_used = 60;
	n.disk_used_gb = 60;
	FITS(&n, req(1, 256, 40, 0), "thick claims plus the disk fill it");
	REFUSED(&n, req(1, 256, 41, 0), "60 of 100 GB are claimed by thick "
	    "disks", "one GB more is refused");
	n = node();
	n.thin_used = 200;
	n.disk_used_gb = 10;
	FITS(&n, req(1, 256, 90, 0), "thin claims do not count against thick");
}

static void
test_thin(void)
{
	struct sched_node n = node();

	/* 100 GB x 2.0 = 200 GB of virtual size. */
	FITS(&n, req(1, 256, 200, 1), "thin virtual size up to disk x thin "
	    "ratio fits");
	REFUSED(&n, req(1, 256, 201, 1), "a thin 201 GB disk does not fit: 0 "
	    "of 200 GB of virtual size are claimed (100 GB disk x 2.0 thin "
	    "overcommit)", "past disk x thin ratio is refused, naming both");
	n.thin_used = 190;
	FITS(&n, req(1, 256, 10, 1), "the thin claims' sum counts");
	REFUSED(&n, req(1, 256, 11, 1), "190 of 200 GB", "and one more GB "
	    "is refused");
	n = node();
	n.thick_used = 100;
	FITS(&n, req(1, 256, 50, 1), "thick claims do not count against thin");
	n.thin_ratio = 1.0;
	REFUSED(&n, req(1, 256, 101, 1), "of 100 GB of virtual size",
	    "thin ratio 1.0 is no overcommit");
}

static void
test_free_space(void)
{
	struct sched_node n = node();

	/* A thin disk needs 1 GB really free now, a thick one all of it. */
	n.disk_used_gb = 99;
	FITS(&n, req(1, 256, 50, 1), "a thin disk fits in 1 GB of real space");
	n.disk_used_gb = 100;
	REFUSED(&n, req(1, 256, 1, 1), "only 0 GB of the disk are really "
	    "free; a thin disk needs 1 GB now",
	    "a full disk takes no thin disk, whatever the claims");
	n.disk_used_gb = 95;
	FITS(&n, req(1, 256, 5, 0), "a thick disk fits in its size");
	REFUSED(&n, req(1, 256, 6, 0), "only 5 GB of the disk are really "
	    "free; a thick disk needs 6 GB now",
	    "a thick disk needs its whole size really free");
	n.disk_used_gb = 150;
	REFUSED(&n, req(1, 256, 1, 1), "GB of the disk are really free",
	    "a disk used past its size is refused too");
}

/*
 * The soft policies (2.15) are preferences: they refuse no host, and
 * the order puts the hosts that keep them first, before the weigher's
 * score; a hard policy adds no preference.
 */
static void
test_soft_groups(void)
{
	char *hosts[] = { "node1", NULL };
	struct server_group_rule g = { .anti = 1, .soft = 1, .hosts = hosts,
	    .nhosts = 1 };
	struct sched_node nodes[2] = { node(), node() };
	struct gr_buf why = GR_BUF_INIT(0);

	snprintf(g.name, sizeof(g.name), "g1");
	snprintf(nodes[1].host, sizeof(nodes[1].host), "node2");
	CHECK(server_group_allows(&g, "node1", &why) == 1 && why.len == 0,
	    "soft-anti-affinity refuses no host, not even a member's");
	/* node1 has the member and more free RAM: the weigher alone would
	 * put the second member beside the first. */
	nodes[0].weight = 3000;
	nodes[1].weight = 1000;
	for (int i = 0; i < 2; i++)
		nodes[i].pref = server_group_preference(&g, nodes[i].host);
	sched_sort(nodes, 2);
	CHECK(strcmp(nodes[0].host, "node2") == 0,
	    "soft-anti-affinity spreads: the host without a member first");
	g.anti = 0;
	for (int i = 0; i < 2; i++)
		nodes[i].pref = server_group_preference(&g, nodes[i].host);
	sched_sort(nodes, 2);
	CHECK(strcmp(nodes[0].host, "node1") == 0,
	    "soft-affinity packs: the member's host first, less RAM or not");
	CHECK(server_group_allows(&g, "node2", &why) == 1 && why.len == 0,
	    "soft-affinity refuses no host either");
	g.soft = 0;
	CHECK(server_group_preference(&g, "node1") == 0,
	    "a hard policy adds no preference");
	CHECK(server_group_allows(&g, "node2", &why) == 0,
	    "... and still refuses (affinity, away from the member)");
	nodes[0].pref = nodes[1].pref = 0;
	nodes[0].weight = nodes[1].weight = 1000;
	sched_sort(nodes, 2);
	CHECK(strcmp(nodes[0].host, "node1") == 0, "equal scores: by name");
	gr_buf_free(&why);
}

int
main(void)
{
	test_state();
	test_vcpus();
	test_memory();
	test_thick();
	test_thin();
	test_free_space();
	test_soft_groups();
	GR_TEST_END();
}
