/*
 * server_groups.h - os-server-groups, membership, and the placement rule
 * sched.c applies (server_groups.c).
 */
#ifndef SERVER_GROUPS_H
#define SERVER_GROUPS_H

#include "gr_http.h"

struct gr_buf;
int server_group_list(struct gr_req *req, struct gr_resp *resp);
int server_group_show(struct gr_req *req, struct gr_resp *resp);
int server_group_create(struct gr_req *req, struct gr_resp *resp);
int server_group_delete(struct gr_req *req, struct gr_resp *resp);
/*
 * Checks a server create's scheduler hint "group": a UUID of a group the
 * caller may see (its project's; any for admins) with room for n more
 * members under the group's project's server_group_members quota. Returns
 * 0, or -1 with a 400 (malformed, unknown or another project's group), a
 * 403 (quota) or a database error.
 */
int server_group_check(const char *group_id, const char *project_id,
    int is_admin, int n);
/* Adds instance_id to group_id inside the caller's transaction, under the
 * group's row lock, checking the member quota again. 0, or -1 as above. */
int server_group_join(const char *group_id, const char *instance_id);
/* Takes a (deleted) instance out of its group, if any. 0 or -1. */
int server_group_leave(const char *instance_id);
/* What placing one member must respect (server_group_rule fills it). */
struct server_group_rule {
	char	  name[256];	/* the group's, for the refusal's reason */
	int	  anti;		/* 1: (soft-)anti-affinity, 0: (soft-)affinity */
	int	  soft;		/* a preference, never a refusal (2.15) */
	char	**hosts;	/* the host of each other live member */
	int	  nhosts;
};
/*
 * Loads group_id's policy and the hosts of its live members other than
 * instance_id. With lock set (inside the claim's transaction) the group's
 * row is locked FOR UPDATE first, which serialises placements into one
 * group. Returns 0 (free it with server_group_rule_free), or -1 with
 * GR_ERR_NOT_FOUND (the group is gone) or a database error.
 */
int server_group_rule(const char *group_id, const char *instance_id,
    int lock, struct server_group_rule *g);
/* 1 if host satisfies the rule (always for a soft one); else 0 with the reason appended to why
 * ("node1: server group 'g1' (anti-affinity) already has a member on this
 * host; "). */
int server_group_allows(const struct server_group_rule *g, const char *host,
    struct gr_buf *why);
/* A soft policy's preference for host, higher better: for
 * soft-affinity the number of the group's other members on it, for
 * soft-anti-affinity minus that; 0 for the hard policies. */
int server_group_preference(const struct server_group_rule *g,
    const char *host);
/* Frees what server_group_rule allocated; accepts NULL. */
void server_group_rule_free(struct server_group_rule *g);

#endif
