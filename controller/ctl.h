/*
 * ctl.h - the controller's shared state and its modules' entry points.
 *
 * The controller is stateless between requests: everything lives in
 * PostgreSQL. What is here is read-only after start-up (configuration).
 */
#ifndef CTL_H
#define CTL_H

#include <time.h>

#include <jansson.h>

#include "gr_auth.h"
#include "gr_http.h"

struct ctl_conf {
	char	*public_host;		/* host name/IP in catalog URLs */
	char	*region;		/* "RegionOne" */
	char	*cluster_secret;	/* signs agent <-> controller calls */
	long	 token_ttl;		/* seconds a token lives */
	long	 heartbeat_interval;	/* seconds between agent heartbeats */
	long	 identity_port;		/* ports as published in the catalog */
	long	 compute_port;
	long	 image_port;
	long	 network_port;
	long	 build_timeout;		/* s an instance may stay building */
	long	 task_timeout;		/* s a task may wait for its report */
	long	 reconcile_interval;	/* s between convergence passes */
};

extern struct ctl_conf ctl;

/* auth.c */
/* gr_auth_check with the cluster secret: the authorize hook. */
int auth_authorize(struct gr_req *req, enum gr_policy policy);
/* Issues a token: handler for POST /v3/auth/tokens. */
int auth_issue(struct gr_req *req, struct gr_resp *resp);
int auth_validate(struct gr_req *req, struct gr_resp *resp);
int auth_revoke(struct gr_req *req, struct gr_resp *resp);
int auth_catalog(struct gr_req *req, struct gr_resp *resp);
/* The service catalog the token response carries (a new reference to a
 * shared, read-only object). */
json_t *auth_catalog_json(void);

/* identity.c */
extern const struct gr_route identity_routes[];
extern const size_t identity_nroutes;
/* Creates the default roles and the admin user/project if missing. */
int identity_bootstrap(const char *user, const char *password,
    const char *project);

/* reconcile.c */
/* One convergence pass (see reconcile.c); -1 with the error. */
int reconcile_once(void);
int reconcile_start(void);
void reconcile_stop_wait(void);

/* compute_api.c */
extern const struct gr_route compute_routes[];
extern const size_t compute_nroutes;
void compute_decorate(struct gr_req *req, struct gr_resp *resp);
/* hypervisors.c: handlers listed in compute_routes */
int hv_list(struct gr_req *req, struct gr_resp *resp);
int hv_detail(struct gr_req *req, struct gr_resp *resp);
int hv_show(struct gr_req *req, struct gr_resp *resp);
int hv_uptime(struct gr_req *req, struct gr_resp *resp);
int hv_statistics(struct gr_req *req, struct gr_resp *resp);
int hv_aggregates(struct gr_req *req, struct gr_resp *resp);
/* flavors.c, keypairs.c, quotas.c: handlers listed in compute_routes */
/*
 * A flavor by id, name or link (its last segment) as the caller may see
 * it: a new object {id, name, vcpus, ram, disk, swap, ephemeral,
 * extra_specs:{...}} the caller json_decref()s, or NULL with
 * GR_ERR_NOT_FOUND (no such flavor visible), GR_ERR_BAD_REQUEST (an empty
 * or overlong reference) or a database error.
 */
json_t *flavor_find(const char *id_or_name, const char *project_id,
    int is_admin);
/* The public key of a user's keypair (a new string the caller frees), or
 * NULL with GR_ERR_NOT_FOUND or a database error. */
char *keypair_public_key(const char *user_id, const char *name);
/* 0 if the project exists, else -1 with a 400 naming it (quotas.c). */
int project_check(const char *project_id);
/*
 * A project's limit on a resource ("instances", "cores", "ram",
 * "key_pairs", "metadata_items", "server_groups", ...): its override or
 * the default into *out, -1 meaning unlimited (also for a resource Gureum
 * does not limit). Returns 0, or -1 with a database error.
 */
int quota_limit(const char *project_id, const char *resource, long *out);
/*
 * Checks that the project may have n more instances of vcpus cores and ram
 * MB each under its instances, cores and ram quotas (the same usage the
 * quota sets show). Returns 0, or -1 with a 403 naming the quota.
 */
int quota_check_instances(const char *project_id, int n, long vcpus,
    long ram);
int flavor_list(struct gr_req *req, struct gr_resp *resp);
int flavor_detail(struct gr_req *req, struct gr_resp *resp);
int flavor_show(struct gr_req *req, struct gr_resp *resp);
int flavor_create(struct gr_req *req, struct gr_resp *resp);
int flavor_delete(struct gr_req *req, struct gr_resp *resp);
int flavor_specs_get(struct gr_req *req, struct gr_resp *resp);
int flavor_specs_set(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_get(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_put(struct gr_req *req, struct gr_resp *resp);
int flavor_spec_delete(struct gr_req *req, struct gr_resp *resp);
int flavor_access_list(struct gr_req *req, struct gr_resp *resp);
int flavor_action(struct gr_req *req, struct gr_resp *resp);
int keypair_list(struct gr_req *req, struct gr_resp *resp);
int keypair_show(struct gr_req *req, struct gr_resp *resp);
int keypair_create(struct gr_req *req, struct gr_resp *resp);
int keypair_delete(struct gr_req *req, struct gr_resp *resp);
int quota_show(struct gr_req *req, struct gr_resp *resp);
int quota_defaults(struct gr_req *req, struct gr_resp *resp);
int quota_detail(struct gr_req *req, struct gr_resp *resp);
int quota_update(struct gr_req *req, struct gr_resp *resp);
int quota_delete(struct gr_req *req, struct gr_resp *resp);
int limits_show(struct gr_req *req, struct gr_resp *resp);
int az_list(struct gr_req *req, struct gr_resp *resp);
int az_detail(struct gr_req *req, struct gr_resp *resp);

/* server_groups.c: os-server-groups handlers listed in compute_routes,
 * membership, and the placement rule sched.c applies */
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
	int	  anti;		/* 1: anti-affinity, 0: affinity */
	char	**hosts;	/* hosts the other live members are on */
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
/* 1 if host satisfies the rule; else 0 with the reason appended to why
 * ("node1: server group 'g1' (anti-affinity) already has a member on this
 * host; "). */
int server_group_allows(const struct server_group_rule *g, const char *host,
    struct gr_buf *why);
/* Frees what server_group_rule allocated; accepts NULL. */
void server_group_rule_free(struct server_group_rule *g);

/* actions.c: os-instance-actions */
int action_list(struct gr_req *req, struct gr_resp *resp);
int action_show(struct gr_req *req, struct gr_resp *resp);
/* Records that the caller asked action ("create", "stop"...) of an
 * instance, under the request's id. */
void action_start(struct gr_req *req, const char *instance_id,
    const char *action);
/* Ends the instance's latest open action; message NULL = success. */
void action_finish(const char *instance_id, const char *message);

/* The seconds since its last heartbeat within which an agent counts as
 * alive (2.5 intervals: a stopped agent shows down within three), as a
 * query parameter. Hypervisors, zones, the scheduler and delete agree. */
void ctl_alive_secs(char out[24]);

/* 0 if the signed request comes from node host, else -1 with a 403: a
 * node speaks only for itself. */
int ctl_node_speaks(struct gr_req *req, const char *host);

/* Checks the requested microversion, then the token (auth_authorize). */
int compute_authorize(struct gr_req *req, enum gr_policy policy);

#endif
