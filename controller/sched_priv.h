/*
 * sched_priv.h - the scheduler's filters, exported for its unit test
 * (tests/unit/test_sched.c) only; the rest of the controller uses sched.h.
 *
 * A struct sched_node is one node as the scheduler reads it: what it
 * offers and what is already claimed on it. sched_node_fits() applies the
 * rules of DESIGN.md section 1 to it and touches no database.
 */
#ifndef SCHED_PRIV_H
#define SCHED_PRIV_H

#include "gr_buf.h"
#include "sched.h"

struct sched_node {
	char	host[65];
	int	pcpus, reserved_vcpus, enabled, alive;
	long	mem_mb, reserved_mb, disk_gb, disk_used_gb;
	double	cpu_ratio, ram_ratio, disk_ratio, thin_ratio;
	long	vcpus_used, mem_used, thick_used, thin_used;
	double	weight;		/* the weigher's score, higher first */
	int	pref;		/* a soft group policy's, before weight */
};

/* Orders nodes best first: a soft server group policy's preference
 * (server_group_preference), then the weigher's score, then by name. */
void sched_sort(struct sched_node *nodes, int n);

/* The rule a node breaks for a request, in the order they are tried. */
enum sched_rule {
	SCHED_FITS, SCHED_DISABLED, SCHED_DOWN, SCHED_CORES, SCHED_VCPUS,
	SCHED_RAM, SCHED_THICK, SCHED_THIN, SCHED_REAL_DISK, SCHED_GROUP,
	SCHED_NRULES
};

/* The first rule of sched_node_fits() that n breaks for r, or SCHED_FITS
 * (never SCHED_GROUP: the group's policy is the caller's). */
enum sched_rule sched_node_rule(const struct sched_node *n,
    const struct sched_req *r);

/*
 * Returns 1 if node n can take request r, else 0 with the reason
 * appended to why ("node2: needs 6 vCPUs but host has 4 pCPUs; "). The
 * first rule that fails is the one named: disabled, down, more vCPUs
 * than pCPUs, vCPUs over pcpus * cpu_ratio - reserved_vcpus, RAM over
 * (mem_mb - reserved_mb) * ram_ratio, a thick disk over disk_gb *
 * disk_ratio, a thin disk's virtual size over disk_gb * thin_ratio, then
 * the real free space a new disk needs. Cannot fail otherwise.
 */
int sched_node_fits(const struct sched_node *n, const struct sched_req *r,
    struct gr_buf *why);
/* The same, saying which rule n breaks (SCHED_FITS when none). */
enum sched_rule sched_node_check(const struct sched_node *n,
    const struct sched_req *r, struct gr_buf *why);

#endif
