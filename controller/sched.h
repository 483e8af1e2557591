/*
 * sched.h - placement: which node gets an instance, and the claim that
 * reserves its vCPUs, memory and disk there.
 *
 * Filters (enabled, alive, forced host, the overcommit rules of
 * DESIGN.md section 1), then a weigher (spread by free RAM, or pack). The
 * claim is made under the chosen node's row lock, with its usage summed
 * again inside that transaction, so concurrent placements can never
 * over-allocate a node. A server group's policy (affinity, anti-affinity)
 * is a filter too, checked again in the claim's transaction under the
 * group's row lock, so concurrent members cannot break it either.
 */
#ifndef SCHED_H
#define SCHED_H

#include <stddef.h>

struct sched_req {
	const char	*instance_id;
	int		 vcpus;
	int		 memory_mb;
	int		 disk_gb;
	int		 thin;		/* thin (qcow2 overlay) or thick disk */
	const char	*force_host;	/* "nova:NODE" asked by an admin */
	const char	*group_id;	/* server group whose policy applies */
};

enum sched_weigher { SCHED_SPREAD, SCHED_PACK };

/* Set once at start-up from the configuration. */
extern enum sched_weigher sched_weigher;
/* Sets sched_weigher from its setting ("spread" or "pack"); -1 with a 400
 * naming where (the configuration file) otherwise. */
int sched_set_weigher(const char *name, const char *where);
/* 0: try the best few nodes by the weigher's index first, and weigh every
 * node only if none of them can be claimed; 1: always weigh every node
 * (a test compares the two). */
extern int sched_weigh_all;

/*
 * Places and claims. Returns 0 with host[65] set, or -1 with a "No valid
 * host" error whose message lists why each node was rejected in `why`
 * (for admins), and in `summary` (may be NULL) a sentence that names the
 * rules and no node, for whoever made the request: "No valid host was
 * found: needs 3 vCPUs; no node has more than 2 cores (...)."
 */
int sched_place(const struct sched_req *r, char host[65], char *why,
    size_t whylen, char *summary, size_t sumlen);
/* Frees an instance's claim. */
int sched_release(const char *instance_id);

/*
 * The overcommitted limits of DESIGN.md section 1, as the filters apply
 * them: vCPU slots pcpus * cpu_ratio - reserved_vcpus; memory (mem_mb -
 * reserved_mb) * ram_ratio; a disk kind's GB disk_gb * its ratio (thick:
 * disk_allocation_ratio, thin: thin_disk_allocation_ratio, virtual size).
 * Fractions are dropped. The hypervisors API shows the same figures.
 */
long sched_vcpu_limit(int pcpus, double cpu_ratio, int reserved_vcpus);
long sched_mem_limit(long mem_mb, long reserved_mb, double ram_ratio);
long sched_disk_limit(long disk_gb, double ratio);

#endif
