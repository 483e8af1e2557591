/* sched.c - see sched.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "sched.h"
#include "sched_priv.h"
#include "server_groups.h"

#define MAX_NODES	4096
#define MIN_FREE_GB	1	/* real free disk a new disk needs at least */

enum sched_weigher sched_weigher = SCHED_SPREAD;
int sched_weigh_all;

/* What a node offers: node_from()'s first 13 columns. */
#define NODE_OFFER \
	"n.host, n.pcpus, n.reserved_vcpus, n.enabled, " \
	HV_UP_SQL("n", "ag", "$1") ", " \
	"n.memory_mb, n.reserved_host_memory_mb, n.disk_gb, n.disk_used_gb, " \
	"n.cpu_allocation_ratio, n.ram_allocation_ratio, " \
	"n.disk_allocation_ratio, n.thin_disk_allocation_ratio, "
#define NODE_FROM \
	"FROM compute_nodes n LEFT JOIN agents ag ON ag.host = n.host AND " \
	"ag.kind = 'compute' "

/* A node with its claims summed from allocations: what the claim reads
 * under the node's row lock. */
#define NODE_COLS NODE_OFFER \
	"coalesce((SELECT sum(vcpus) FROM allocations a WHERE a.host = n.host), 0), " \
	"coalesce((SELECT sum(memory_mb) FROM allocations a WHERE a.host = n.host), 0), " \
	"coalesce((SELECT sum(disk_gb) FROM allocations a WHERE a.host = n.host AND NOT a.thin), 0), " \
	"coalesce((SELECT sum(disk_gb) FROM allocations a WHERE a.host = n.host AND a.thin), 0) " \
	NODE_FROM

/* Nodes with their claims as compute_nodes keeps them (migration 0006):
 * no sum over every claim in the cloud. */
#define NODE_LIST NODE_OFFER \
	"n.claimed_vcpus, n.claimed_memory_mb, n.claimed_thick_gb, " \
	"n.claimed_thin_gb " NODE_FROM

/*
 * The best few candidates in the weigher's order, ties by name as the full
 * list leaves them, read through index compute_nodes_spread or _pack. The
 * WHERE clause only saves reading nodes that cannot fit: it must never
 * refuse one sched_node_fits() would take (RAM: one MB looser, as
 * sched_node_fits() truncates the capacity).
 */
#define BEST_WHERE \
	"WHERE n.enabled AND " HV_UP_SQL("n", "ag", "$1") " " \
	"AND n.ram_free_mb > $2::float8 - 1 "
#define BEST_SPREAD "SELECT " NODE_LIST BEST_WHERE \
	"ORDER BY n.ram_free_mb DESC, n.host LIMIT 8"
#define BEST_PACK "SELECT " NODE_LIST BEST_WHERE \
	"ORDER BY n.ram_free_mb, n.host LIMIT 8"

static void
node_from(PGresult *r, int i, struct sched_node *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->host, sizeof(n->host), "%s", PQgetvalue(r, i, 0));
	n->pcpus = atoi(PQgetvalue(r, i, 1));
	n->reserved_vcpus = atoi(PQgetvalue(r, i, 2));
	n->enabled = PQgetvalue(r, i, 3)[0] == 't';
	n->alive = PQgetvalue(r, i, 4)[0] == 't';
	n->mem_mb = atol(PQgetvalue(r, i, 5));
	n->reserved_mb = atol(PQgetvalue(r, i, 6));
	n->disk_gb = atol(PQgetvalue(r, i, 7));
	n->disk_used_gb = atol(PQgetvalue(r, i, 8));
	n->cpu_ratio = atof(PQgetvalue(r, i, 9));
	n->ram_ratio = atof(PQgetvalue(r, i, 10));
	n->disk_ratio = atof(PQgetvalue(r, i, 11));
	n->thin_ratio = atof(PQgetvalue(r, i, 12));
	n->vcpus_used = atol(PQgetvalue(r, i, 13));
	n->mem_used = atol(PQgetvalue(r, i, 14));
	n->thick_used = atol(PQgetvalue(r, i, 15));
	n->thin_used = atol(PQgetvalue(r, i, 16));
}

long
sched_vcpu_limit(int pcpus, double cpu_ratio, int reserved_vcpus)
{
	return (long)(pcpus * cpu_ratio) - reserved_vcpus;
}

long
sched_mem_limit(long mem_mb, long reserved_mb, double ram_ratio)
{
	return (long)((mem_mb - reserved_mb) * ram_ratio);
}

long
sched_disk_limit(long disk_gb, double ratio)
{
	return (long)(disk_gb * ratio);
}

/* The filters: see sched_priv.h. */
enum sched_rule
sched_node_rule(const struct sched_node *n, const struct sched_req *r)
{
	long vcpu_cap = sched_vcpu_limit(n->pcpus, n->cpu_ratio,
	    n->reserved_vcpus);
	long mem_cap = sched_mem_limit(n->mem_mb, n->reserved_mb, n->ram_ratio);

	if (!n->enabled)
		return SCHED_DISABLED;
	if (!n->alive)
		return SCHED_DOWN;
	if (r->vcpus > n->pcpus)
		return SCHED_CORES;
	if (n->vcpus_used + r->vcpus > vcpu_cap)
		return SCHED_VCPUS;
	if (n->mem_used + r->memory_mb > mem_cap)
		return SCHED_RAM;
	if (!r->thin && n->thick_used + r->disk_gb >
	    sched_disk_limit(n->disk_gb, n->disk_ratio))
		return SCHED_THICK;
	if (r->thin && n->thin_used + r->disk_gb >
	    sched_disk_limit(n->disk_gb, n->thin_ratio))
		return SCHED_THIN;
	if (n->disk_gb - n->disk_used_gb < (r->thin ? MIN_FREE_GB : r->disk_gb))
		return SCHED_REAL_DISK;
	return SCHED_FITS;
}

int
sched_node_fits(const struct sched_node *n, const struct sched_req *r,
    struct gr_buf *why)
{
	return sched_node_check(n, r, why) == SCHED_FITS;
}

enum sched_rule
sched_node_check(const struct sched_node *n, const struct sched_req *r,
    struct gr_buf *why)
{
	long vcpu_cap = sched_vcpu_limit(n->pcpus, n->cpu_ratio,
	    n->reserved_vcpus);
	long mem_cap = sched_mem_limit(n->mem_mb, n->reserved_mb, n->ram_ratio);
	long thick_cap = sched_disk_limit(n->disk_gb, n->disk_ratio);
	long thin_cap = sched_disk_limit(n->disk_gb, n->thin_ratio);
	long free_real = n->disk_gb - n->disk_used_gb;

	enum sched_rule rule = sched_node_rule(n, r);

	switch (rule) {
	case SCHED_FITS:
		return rule;
	case SCHED_DISABLED:
		gr_buf_printf(why, "%s: its compute service is disabled "
		    "(os-services); ", n->host);
		break;
	case SCHED_DOWN:
		gr_buf_printf(why, "%s: down (its compute agent stopped sending "
		    "heartbeats, or an admin forced its service down); ",
		    n->host);
		break;
	case SCHED_CORES:
		gr_buf_printf(why, "%s: needs %d vCPUs but host has %d pCPUs (one "
		    "VM may not have more vCPUs than the host has cores); ",
		    n->host, r->vcpus, n->pcpus);
		break;
	case SCHED_VCPUS:
		gr_buf_printf(why, "%s: needs %d vCPU%s but only %ld of %ld are "
		    "free (%d pCPUs x %.1f overcommit); ", n->host, r->vcpus,
		    r->vcpus == 1 ? "" : "s", vcpu_cap - n->vcpus_used > 0 ?
		    vcpu_cap - n->vcpus_used : 0, vcpu_cap, n->pcpus,
		    n->cpu_ratio);
		break;
	case SCHED_RAM:
		gr_buf_printf(why, "%s: needs %d MB of RAM but only %ld of %ld MB "
		    "are free (%ld MB reserved for the host, ratio %.1f); ",
		    n->host, r->memory_mb, mem_cap - n->mem_used > 0 ?
		    mem_cap - n->mem_used : 0, mem_cap, n->reserved_mb,
		    n->ram_ratio);
		break;
	case SCHED_THICK:
		gr_buf_printf(why, "%s: a thick %d GB disk does not fit: %ld of "
		    "%ld GB are claimed by thick disks; ", n->host, r->disk_gb,
		    n->thick_used, thick_cap);
		break;
	case SCHED_THIN:
		gr_buf_printf(why, "%s: a thin %d GB disk does not fit: %ld of "
		    "%ld GB of virtual size are claimed (%ld GB disk x %.1f thin "
		    "overcommit); ", n->host, r->disk_gb, n->thin_used,
		    thin_cap, n->disk_gb, n->thin_ratio);
		break;
	default:
		gr_buf_printf(why, "%s: only %ld GB of the disk are really free; "
		    "a %s disk needs %d GB now; ", n->host, free_real,
		    r->thin ? "thin" : "thick", r->thin ? MIN_FREE_GB :
		    r->disk_gb);
		break;
	}
	return rule;
}

/* How many nodes broke each rule, and the most cores any node has. */
struct refusals {
	int	count[SCHED_NRULES];
	int	nodes, max_pcpus;
};

static void
refusal_add(struct refusals *f, const struct sched_node *n,
    enum sched_rule rule)
{
	f->nodes++;
	f->count[rule]++;
	if (n->pcpus > f->max_pcpus)
		f->max_pcpus = n->pcpus;
}

/*
 * The rules that refused r, as a sentence that names no node (for whoever
 * made the request: a member may not see the nodes): "needs 3 vCPUs; no
 * node has more than 2 cores".
 */
static void
refusal_summary(const struct refusals *f, const struct sched_req *r,
    int nodes, struct gr_buf *out)
{
	static const char *const what[SCHED_NRULES] = {
		[SCHED_DISABLED] = "a disabled compute service",
		[SCHED_DOWN] = "a compute agent that stopped sending "
		    "heartbeats or a service forced down",
		[SCHED_VCPUS] = "too few free vCPU slots",
		[SCHED_RAM] = "too little free RAM",
		[SCHED_THICK] = "no room for the thick disk",
		[SCHED_THIN] = "no room for the thin disk's virtual size",
		[SCHED_REAL_DISK] = "too little real free disk",
		[SCHED_GROUP] = "the server group's policy against it",
	};
	const char *sep = "";

	if (f->nodes == 0) {
		/* No node refused it by a rule: there was none, or each one
		 * that could take it was claimed by another request first. */
		if (nodes > 0)
			gr_buf_printf(out, "each node that could take it was "
			    "claimed by other requests meanwhile; try again");
		else if (r->force_host)
			gr_buf_printf(out, "no node is named '%s'",
			    r->force_host);
		else
			gr_buf_printf(out, "no compute nodes are registered");
		return;
	}
	if (f->count[SCHED_CORES] == f->nodes) {
		gr_buf_printf(out, "needs %d vCPUs; no node has more than %d "
		    "cores (one VM may not have more vCPUs than its host has "
		    "cores)", r->vcpus, f->max_pcpus);
		return;
	}
	gr_buf_printf(out, "needs %d vCPU%s, %d MB of RAM and a %d GB %s "
	    "disk; of %d node%s:", r->vcpus, r->vcpus == 1 ? "" : "s",
	    r->memory_mb, r->disk_gb, r->thin ? "thin" : "thick", f->nodes,
	    f->nodes == 1 ? "" : "s");
	for (int k = SCHED_DISABLED; k < SCHED_NRULES; k++) {
		int c = f->count[k];

		if (c == 0)
			continue;
		if (k == SCHED_CORES)
			gr_buf_printf(out, "%s %d ha%s fewer cores than that", sep,
			    c, c == 1 ? "s" : "ve");
		else
			gr_buf_printf(out, "%s %d ha%s %s", sep, c, c == 1 ? "s" :
			    "ve", what[k]);
		sep = ",";
	}
}

static int
by_weight(const void *a, const void *b)
{
	const struct sched_node *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? 1 : -1;
	if (x->weight != y->weight)
		return (x->weight < y->weight) - (x->weight > y->weight);
	return strcmp(x->host, y->host);
}

void
sched_sort(struct sched_node *nodes, int n)
{
	qsort(nodes, (size_t)n, sizeof(*nodes), by_weight);
}

/* The server group's policy on host, with the group's members read again
 * under its row lock (taken before the node's, always in that order).
 * 1 = allowed, 0 = not (why says so), -1 = error. */
static int
group_allows_locked(const struct sched_req *r, const char *host,
    struct gr_buf *why)
{
	struct server_group_rule g;
	int ok;

	if (server_group_rule(r->group_id, r->instance_id, 1, &g) < 0)
		return -1;
	ok = server_group_allows(&g, host, why);
	server_group_rule_free(&g);
	return ok;
}

/* Claims on node host inside a transaction, after locking its row and
 * summing its usage again. 1 = claimed, 0 = no longer fits, -1 = error. */
static int
claim(const struct sched_req *r, const char *host, struct gr_buf *why)
{
	GR_AUTO_PGRES PGresult *res = NULL;
	char ivl[24], v[3][16];
	struct sched_node n;
	int g;

	hv_alive_secs(ivl);
	if (gr_db_begin() < 0)
		return -1;
	if (r->group_id && (g = group_allows_locked(r, host, why)) != 1) {
		gr_db_rollback();
		return g;
	}
	const char *lp[2] = { ivl, host };
	/* The row lock serialises claims on this node. */
	if (gr_db_exec("SELECT 1 FROM compute_nodes WHERE host = $1 FOR UPDATE",
	    1, lp + 1) < 0 ||
	    (res = gr_db_query("SELECT " NODE_COLS "WHERE n.host = $2", 2,
	    lp)) == NULL)
		goto fail;
	if (PQntuples(res) == 0) {
		gr_db_rollback();
		return 0;
	}
	node_from(res, 0, &n);
	if (!sched_node_fits(&n, r, why)) {
		gr_db_rollback();
		return 0;
	}
	snprintf(v[0], 16, "%d", r->vcpus);
	snprintf(v[1], 16, "%d", r->memory_mb);
	snprintf(v[2], 16, "%d", r->disk_gb);
	const char *ap[6] = { r->instance_id, host, v[0], v[1], v[2],
	    r->thin ? "t" : "f" };
	if (gr_db_exec("INSERT INTO allocations (instance_id, host, vcpus, "
	    "memory_mb, disk_gb, thin) VALUES ($1, $2, $3, $4, $5, $6)", 6,
	    ap) < 0 ||
	    gr_db_exec("UPDATE instances SET host = $2, task_state = "
	    "'spawning', updated_at = now() WHERE id = $1", 2, ap) < 0 ||
	    gr_db_commit() < 0)
		goto fail;
	return 1;
fail:
	gr_db_rollback();
	return -1;
}

/*
 * Claims on the first of the best candidates that fits and can still be
 * claimed. Returns 1 with host set; 0 when none could be, and the caller
 * then weighs every node (and says why none fits); -1 on error.
 */
static int
place_best(const struct sched_req *r, char host[65])
{
	GR_AUTO_PGRES PGresult *res = NULL;
	struct gr_buf why = GR_BUF_INIT(4096);	/* not reported */
	char ivl[24], mem[16];
	int c = 0;

	hv_alive_secs(ivl);
	snprintf(mem, sizeof(mem), "%d", r->memory_mb);
	const char *p[2] = { ivl, mem };
	res = gr_db_query(sched_weigher == SCHED_PACK ? BEST_PACK : BEST_SPREAD,
	    2, p);
	if (res == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res) && c == 0; i++) {
		struct sched_node nd;

		node_from(res, i, &nd);
		if (sched_node_fits(&nd, r, &why) &&
		    (c = claim(r, nd.host, &why)) == 1)
			snprintf(host, 65, "%s", nd.host);
	}
	gr_buf_free(&why);
	return c;
}

int
sched_place(const struct sched_req *r, char host[65], char *whyout,
    size_t whylen, char *summary, size_t sumlen)
{
	GR_AUTO_PGRES PGresult *res = NULL;
	struct gr_buf why = GR_BUF_INIT(4096), sum = GR_BUF_INIT(1024);
	struct refusals f = { 0 };
	struct server_group_rule group = { 0 };
	struct sched_node *nodes = NULL;
	char ivl[24];
	int n, nfit = 0, ret = -1;

	if (r->group_id && server_group_rule(r->group_id, r->instance_id, 0,
	    &group) < 0)
		return -1;
	/* Most decisions end here, without reading every node; a soft
	 * policy's preference needs every node weighed. */
	int best = r->force_host || sched_weigh_all || group.soft ? 0 :
	    place_best(r, host);
	if (best != 0) {
		server_group_rule_free(&group);
		return best < 0 ? -1 : 0;
	}
	hv_alive_secs(ivl);
	const char *p[2] = { ivl, r->force_host };
	res = gr_db_query("SELECT " NODE_LIST "WHERE ($2::text IS NULL OR "
	    "n.host = $2) ORDER BY n.host", 2, p);
	if (res == NULL) {
		server_group_rule_free(&group);
		return -1;
	}
	n = PQntuples(res) < MAX_NODES ? PQntuples(res) : MAX_NODES;
	nodes = gr_xcalloc((size_t)n + 1, sizeof(*nodes));
	for (int i = 0; i < n; i++) {
		struct sched_node nd;

		node_from(res, i, &nd);
		enum sched_rule rule = sched_node_check(&nd, r, &why);

		if (rule != SCHED_FITS) {
			refusal_add(&f, &nd, rule);
			continue;
		}
		if (r->group_id && !server_group_allows(&group, nd.host, &why)) {
			refusal_add(&f, &nd, SCHED_GROUP);
			continue;
		}
		/* Spread: most free RAM first; pack: least free first. */
		nd.weight = (double)((nd.mem_mb - nd.reserved_mb) * nd.ram_ratio -
		    nd.mem_used);
		if (sched_weigher == SCHED_PACK)
			nd.weight = -nd.weight;
		if (r->group_id)
			nd.pref = server_group_preference(&group, nd.host);
		nodes[nfit++] = nd;
	}
	sched_sort(nodes, nfit);
	for (int i = 0; i < nfit; i++) {
		int c = claim(r, nodes[i].host, &why);

		if (c < 0)
			goto out;
		if (c == 1) {
			snprintf(host, 65, "%s", nodes[i].host);
			ret = 0;
			goto out;
		}
	}
	if (n == 0)
		gr_buf_printf(&why, r->force_host ? "no node is named '%s'" :
		    "no compute nodes are registered", r->force_host ?
		    r->force_host : "");
	/* Trim the trailing "; ". */
	if (why.len >= 2 && why.data[why.len - 2] == ';')
		why.data[why.len -= 2] = '\0';
	snprintf(whyout, whylen, "%s", why.data ? why.data : "");
	if (summary) {
		refusal_summary(&f, r, n, &sum);
		snprintf(summary, sumlen, "No valid host was found: %s.",
		    sum.data ? sum.data : "");
	}
	gr_error(GR_ERR_CONFLICT, "No valid host was found. %s", whyout);
out:
	gr_buf_free(&sum);
	gr_buf_free(&why);
	server_group_rule_free(&group);
	free(nodes);
	return ret;
}

int
sched_release(const char *instance_id)
{
	const char *p[1] = { instance_id };

	return gr_db_exec("DELETE FROM allocations WHERE instance_id = $1", 1, p);
}

int
sched_set_weigher(const char *name, const char *where)
{
	if (strcmp(name, "spread") != 0 && strcmp(name, "pack") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: scheduler_weigher must be "
		    "'spread' or 'pack', not '%s'.", where, name);
		return -1;
	}
	sched_weigher = name[0] == 'p' ? SCHED_PACK : SCHED_SPREAD;
	return 0;
}
