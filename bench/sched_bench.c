/*
 * sched_bench.c - scheduler throughput for `make bench` (bench/sched.sh):
 * how many placement decisions per second the controller's scheduler
 * makes, each one a sched_place() call on the real code path (the node
 * query, the filters, the weigher and the claim's transaction under the
 * node's row lock) against a real PostgreSQL.
 *
 * Usage: sched_bench CONNINFO NODES CLIENTS DECISIONS LOAD
 *
 * Migrates the database, then replaces every node, agent, instance and
 * claim in it with NODES simulated nodes (64 pCPUs, 256 GiB, 2 TB disk,
 * the default ratios, agents with fresh heartbeats) already holding LOAD
 * instances each (mixed sizes, one disk in five thick), and DECISIONS
 * instances waiting for a node (1 vCPU, 1 GiB, a thin 10 GB disk, so all
 * of them fit even on 10 nodes). CLIENTS threads, each with its own
 * database connection as a controller worker has, place DECISIONS /
 * CLIENTS of them each; the claims are kept, as in a burst of boots.
 * Each thread first makes a few untimed decisions (its statements are
 * prepared on first use) and releases them.
 *
 * Prints one line:
 *   RESULT nodes=N clients=C decisions=D seconds=S per_s=R p50_us=U
 *   p99_us=U hosts=H
 * (hosts: how many nodes got at least one claim). Exits 1 on any failure.
 *
 * Usage: sched_bench check CONNINFO
 *
 * Checks that the scheduler's shortcut (the best few nodes through the
 * weigher's index) places every request where weighing every node would,
 * or refuses it with the same reasons: random clouds of nodes of all
 * shapes (disabled, down, never seen, full, overcommitted, ties), random
 * requests under both weighers, each placed both ways. Prints "ok N
 * decisions" or the first difference, and exits 1 on one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_util.h"
#include "sched.h"

#define WARMUP		10	/* untimed decisions per client */
#define MAX_CLIENTS	16
#define CHECK_CLOUDS	6	/* random clouds the check builds */
#define CHECK_NODES	40	/* nodes in each */
#define CHECK_REQS	150	/* requests placed on each */

/* The controller's configuration, which sched.c reads (main.c is not
 * linked): heartbeats count for 2.5 h, so no node goes down mid-run. */
struct ctl_conf ctl = { .heartbeat_interval = 3600 };

struct client {
	pthread_t	 thread;
	int		 first, count;	/* its instances: bench-first.. */
	double		*lat;		/* count decision latencies, s */
	int		 failed;
};

static pthread_barrier_t start_line;

/*
 * The simulated cloud, in one transaction: `nodes` nodes holding `load`
 * instances each already, and `decisions` instances to place.
 */
static int
setup(int nodes, int load, int decisions)
{
	char v[3][16];
	const char *p[2] = { v[0], v[1] }, *d[1] = { v[2] };

	snprintf(v[0], sizeof(v[0]), "%d", nodes);
	snprintf(v[1], sizeof(v[1]), "%d", load);
	snprintf(v[2], sizeof(v[2]), "%d", decisions);
	if (gr_db_begin() < 0)
		return -1;
	if (gr_db_exec("DELETE FROM allocations", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM instances", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM agents", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM compute_nodes", 0, NULL) < 0 ||
	    gr_db_exec("INSERT INTO compute_nodes (host, host_ip, pcpus, "
	    "memory_mb, disk_gb, disk_used_gb, reserved_host_memory_mb) "
	    "SELECT format('sim%s', lpad(i::text, 5, '0')), "
	    "format('10.%s.%s.%s', i / 65536, i / 256 % 256, i % 256), "
	    "64, 262144, 2000, 200, 4096 FROM generate_series(1, $1::int) i",
	    1, p) < 0 ||
	    gr_db_exec("INSERT INTO agents (host, kind, host_ip) "
	    "SELECT host, 'compute', host_ip FROM compute_nodes", 0, NULL) < 0 ||
	    /* Mixed sizes: 1-4 vCPUs, 1-8 GiB, 10-40 GB, one in five thick. */
	    gr_db_exec("INSERT INTO instances (id, name, project_id, user_id, "
	    "flavor_id, flavor, host, vm_state, task_state) "
	    "SELECT 'load-' || i, 'load-' || i, 'p', 'u', 'f', '{}', "
	    "format('sim%s', lpad((1 + i % $1::int)::text, 5, '0')), "
	    "'active', NULL FROM generate_series(0, $1::int * $2::int - 1) i",
	    2, p) < 0 ||
	    gr_db_exec("INSERT INTO allocations (instance_id, host, vcpus, "
	    "memory_mb, disk_gb, thin) SELECT id, host, 1 + n % 4, "
	    "1024 << (n % 4), 10 * (1 + n % 4), n % 5 <> 0 "
	    "FROM (SELECT id, host, substr(id, 6)::int AS n FROM instances) s",
	    0, NULL) < 0 ||
	    gr_db_exec("INSERT INTO instances (id, name, project_id, user_id, "
	    "flavor_id, flavor) SELECT 'bench-' || i, 'bench-' || i, 'p', 'u', "
	    "'f', '{}' FROM generate_series(0, $1::int - 1) i", 1, d) < 0 ||
	    gr_db_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	return gr_db_exec("VACUUM ANALYZE", 0, NULL);
}

/* One decision for instance `id`: 0, or -1 with the reason printed. */
static int
decide(const char *id)
{
	struct sched_req r = { id, 1, 1024, 10, 1, NULL };
	char host[65], why[2048];

	if (sched_place(&r, host, why, sizeof(why), NULL, 0) < 0) {
		fprintf(stderr, "sched_bench: %s: %s\n", id, gr_err_msg());
		return -1;
	}
	return 0;
}

static void *
client_run(void *arg)
{
	struct client *c = arg;
	char id[32];

	for (int i = 0; i < WARMUP && !c->failed; i++) {
		snprintf(id, sizeof(id), "bench-%d", c->first + i);
		if (decide(id) < 0 || sched_release(id) < 0)
			c->failed = 1;
	}
	pthread_barrier_wait(&start_line);
	for (int i = 0; i < c->count && !c->failed; i++) {
		double t0 = gr_now();

		snprintf(id, sizeof(id), "bench-%d", c->first + i);
		if (decide(id) < 0)
			c->failed = 1;
		c->lat[i] = gr_now() - t0;
	}
	gr_db_close();
	return NULL;
}

/* A small deterministic generator, so a failing check can be re-run. */
static unsigned long long rng_state;

static int
rnd(int n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((rng_state >> 33) % (unsigned long long)n);
}

/* gr_db_exec with the parameters in an array of strings. */
static int
exec_v(const char *sql, int n, char v[][32])
{
	const char *p[16];

	for (int i = 0; i < n; i++)
		p[i] = v[i];
	return gr_db_exec(sql, n, p);
}

/* One random node: every fourth node is a copy of the one before, and
 * neither holds instances at first, so the weighers meet ties. */
static int
check_node(int i, char prev[][32])
{
	static const char *const cpu[] = { "1.0", "1.5", "4.0", "16.0" };
	static const char *const ram[] = { "0.9", "1.0", "1.1", "1.5" };
	static const char *const disk[] = { "1.0", "1.2" };
	static const char *const thin[] = { "1.0", "2.0", "2.5" };
	char v[12][32];
	int seen = rnd(20);

	if (i % 4 == 3) {
		memcpy(v, prev, sizeof(v));
	} else {
		snprintf(v[1], 32, "%d", 1 << rnd(6));		/* pCPUs */
		snprintf(v[2], 32, "%d", 1024 * (1 + rnd(64)));	/* MB */
		snprintf(v[3], 32, "%d", 20 + rnd(500));	/* disk GB */
		snprintf(v[4], 32, "%d", rnd(400));		/* used GB */
		snprintf(v[5], 32, "%d", 256 * rnd(9));		/* reserved MB */
		snprintf(v[6], 32, "%s", rnd(10) ? "t" : "f");	/* enabled */
		snprintf(v[7], 32, "%s", cpu[rnd(4)]);
		snprintf(v[8], 32, "%s", ram[rnd(4)]);
		snprintf(v[9], 32, "%s", disk[rnd(2)]);
		snprintf(v[10], 32, "%s", thin[rnd(3)]);
		snprintf(v[11], 32, "%d", rnd(3));		/* reserved vCPUs */
	}
	snprintf(v[0], 32, "node%02d", i);
	memcpy(prev, v, sizeof(v));
	if (exec_v("INSERT INTO compute_nodes (host, host_ip, pcpus, "
	    "memory_mb, disk_gb, disk_used_gb, reserved_host_memory_mb, "
	    "enabled, cpu_allocation_ratio, ram_allocation_ratio, "
	    "disk_allocation_ratio, thin_disk_allocation_ratio, "
	    "reserved_vcpus) VALUES ($1, '10.0.0.1', $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10, $11, $12)", 12, v) < 0)
		return -1;
	/* Most agents are alive; some stopped a day ago; some never came. */
	if (seen == 0)
		return 0;
	snprintf(v[1], 32, "%d", seen < 3);
	return exec_v("INSERT INTO agents (host, kind, host_ip, last_seen) "
	    "VALUES ($1, 'compute', '10.0.0.1', now() - make_interval(days => "
	    "$2::int))", 2, v);
}

/* A random cloud: CHECK_NODES nodes, instances on half of them. */
static int
check_cloud(void)
{
	char prev[12][32], v[6][32];

	if (gr_db_exec("DELETE FROM allocations", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM instances", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM agents", 0, NULL) < 0 ||
	    gr_db_exec("DELETE FROM compute_nodes", 0, NULL) < 0)
		return -1;
	for (int i = 0; i < CHECK_NODES; i++)
		if (check_node(i, prev) < 0)
			return -1;
	for (int i = 0; i < CHECK_NODES * 2; i++) {
		snprintf(v[0], 32, "old-%d", i);
		snprintf(v[1], 32, "node%02d", rnd(CHECK_NODES / 4) * 4 +
		    rnd(2));
		snprintf(v[2], 32, "%d", 1 + rnd(8));
		snprintf(v[3], 32, "%d", 512 * (1 + rnd(16)));
		snprintf(v[4], 32, "%d", 1 + rnd(80));
		snprintf(v[5], 32, "%s", rnd(3) ? "t" : "f");
		if (exec_v("INSERT INTO instances (id, name, project_id, "
		    "user_id, flavor_id, flavor, host) VALUES ($1, $1, 'p', 'u', "
		    "'f', '{}', $2)", 2, v) < 0 ||
		    exec_v("INSERT INTO allocations (instance_id, host, vcpus, "
		    "memory_mb, disk_gb, thin) VALUES ($1, $2, $3, $4, $5, $6)",
		    6, v) < 0)
			return -1;
	}
	return 0;
}

/* Places r with every node weighed or with the shortcut; the outcome
 * ("host" or "refused: why") into out, the claim released unless keep. */
static int
check_place(const struct sched_req *r, int weigh_all, int keep, char *out,
    size_t len)
{
	char host[65], why[2048];

	sched_weigh_all = weigh_all;
	if (sched_place(r, host, why, sizeof(why), NULL, 0) < 0) {
		if (gr_err_code() != GR_ERR_CONFLICT)
			return -1;
		snprintf(out, len, "refused: %s", why);
		return 0;
	}
	snprintf(out, len, "%s", host);
	return keep ? 0 : sched_release(r->instance_id);
}

static int
check(const char *conninfo)
{
	char id[32], a[2200], b[2200];
	int n = 0, placed = 0;

	if (gr_db_init(conninfo) < 0 || gr_db_migrate() < 0)
		return -1;
	for (int c = 0; c < CHECK_CLOUDS; c++) {
		rng_state = 1000 + (unsigned long long)c;
		if (check_cloud() < 0)
			return -1;
		for (int i = 0; i < CHECK_REQS; i++, n++) {
			struct sched_req r = { id };
			const char *p[1] = { id };

			snprintf(id, sizeof(id), "chk-%d-%d", c, i);
			r.vcpus = 1 + rnd(12);
			r.memory_mb = 256 * (1 + rnd(64));
			r.disk_gb = rnd(120);
			r.thin = rnd(3) != 0;
			sched_weigher = rnd(2) ? SCHED_PACK : SCHED_SPREAD;
			if (gr_db_exec("INSERT INTO instances (id, name, "
			    "project_id, user_id, flavor_id, flavor) VALUES ($1, "
			    "$1, 'p', 'u', 'f', '{}')", 1, p) < 0 ||
			    check_place(&r, 1, 0, a, sizeof(a)) < 0 ||
			    check_place(&r, 0, rnd(3) != 0, b, sizeof(b)) < 0)
				return -1;
			if (strcmp(a, b) != 0) {
				printf("DIFFERENT: cloud %d request %d (%d vCPUs, "
				    "%d MB, %s %d GB, %s)\n  every node: %s\n  "
				    "shortcut:   %s\n", c, i, r.vcpus, r.memory_mb,
				    r.thin ? "thin" : "thick", r.disk_gb,
				    sched_weigher == SCHED_PACK ? "pack" : "spread",
				    a, b);
				return 1;
			}
			placed += strncmp(a, "refused", 7) != 0;
		}
	}
	printf("ok %d decisions (%d placed, %d refused) the same both ways\n",
	    n, placed, n - placed);
	return 0;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	struct client cl[MAX_CLIENTS] = { 0 };
	int nodes, nclients, decisions, load, failed = 0, total = 0;
	double t0, secs, *lat;
	GR_AUTO_PGRES PGresult *res = NULL;

	if (argc == 3 && strcmp(argv[1], "check") == 0) {
		int rc = check(argv[2]);

		if (rc < 0)
			fprintf(stderr, "sched_bench: %s\n", gr_err_msg());
		gr_db_close();
		return rc != 0;
	}
	if (argc != 6 || (nodes = atoi(argv[2])) < 1 ||
	    (nclients = atoi(argv[3])) < 1 || nclients > MAX_CLIENTS ||
	    (decisions = atoi(argv[4])) < nclients || (load = atoi(argv[5])) < 0) {
		fprintf(stderr, "usage: sched_bench CONNINFO NODES CLIENTS "
		    "DECISIONS LOAD\n       sched_bench check CONNINFO\n");
		return 2;
	}
	if (gr_db_init(argv[1]) < 0 || gr_db_migrate() < 0 ||
	    setup(nodes, load, decisions) < 0) {
		fprintf(stderr, "sched_bench: %s\n", gr_err_msg());
		return 1;
	}
	lat = gr_xcalloc((size_t)decisions, sizeof(*lat));
	pthread_barrier_init(&start_line, NULL, (unsigned)nclients + 1);
	for (int i = 0; i < nclients; i++) {
		cl[i].first = total;
		cl[i].count = decisions / nclients +
		    (i < decisions % nclients);
		cl[i].lat = lat + total;
		total += cl[i].count;
		pthread_create(&cl[i].thread, NULL, client_run, &cl[i]);
	}
	pthread_barrier_wait(&start_line);
	t0 = gr_now();
	for (int i = 0; i < nclients; i++) {
		pthread_join(cl[i].thread, NULL);
		failed |= cl[i].failed;
	}
	secs = gr_now() - t0;
	pthread_barrier_destroy(&start_line);
	if (failed)
		return 1;
	res = gr_db_query("SELECT count(DISTINCT host) FROM allocations "
	    "WHERE instance_id LIKE $1", 1, (const char *[]){ "bench-%" });
	if (res == NULL) {
		fprintf(stderr, "sched_bench: %s\n", gr_err_msg());
		return 1;
	}
	qsort(lat, (size_t)decisions, sizeof(*lat), by_value);
	printf("RESULT nodes=%d clients=%d decisions=%d seconds=%.3f "
	    "per_s=%.0f p50_us=%.0f p99_us=%.0f hosts=%s\n", nodes, nclients,
	    decisions, secs, decisions / secs, lat[decisions / 2] * 1e6,
	    lat[(int)(decisions * 0.99)] * 1e6, PQgetvalue(res, 0, 0));
	free(lat);
	gr_db_close();
	return 0;
}
