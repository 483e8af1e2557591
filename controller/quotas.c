/*
 * quotas.c - per-project limits (os-quota-sets), the limits summary
 * (/limits) and the availability zones (one zone, "nova"), in the formats
 * of microversions 2.1 to 2.60: from 2.36 the network service's quotas
 * and limits leave both documents (and may not be set), from 2.39
 * maxImageMeta leaves /limits, from 2.57 the injected file ones leave.
 *
 * Limits live in the quotas table as overrides; a resource with no row
 * has its default: the 'default' quota class's limit (os-quota-class-sets,
 * the quota_classes table) where it has one, else the built-in one. -1
 * means unlimited. Quota class sets answer in their own formats: the
 * network quotas leave them only at 2.50, where server_groups and
 * server_group_members join them. What a project uses is counted
 * from its instances (their flavor copies) and its server groups, so
 * there are no reservations to drift (server_groups.c enforces
 * server_groups and server_group_members). Resources of the network
 * service (floating IPs, security groups) show as unlimited here, as Nova
 * shows them beside Neutron.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "microversion.h"
#include "quotas.h"
#include "server_groups.h"

static const struct {
	const char	*name;
	long		 def;
} defaults[] = {
	{ "instances", 10 }, { "cores", 20 }, { "ram", 51200 },
	{ "key_pairs", 100 }, { "metadata_items", 128 },
	{ "server_groups", 10 }, { "server_group_members", 10 },
	{ "injected_files", 5 }, { "injected_file_content_bytes", 10240 },
	{ "injected_file_path_bytes", 255 },
};
#define NDEFAULTS (sizeof(defaults) / sizeof(defaults[0]))

/* Shown as unlimited; only -1 may be set (network quotas are the network
 * API's business). */
static const char *const fixed[] = { "fixed_ips", "floating_ips",
	"security_groups", "security_group_rules", NULL };

/* A project's quota set, or a quota class's. */
enum qkind { Q_PROJECT, Q_CLASS };

/* The microversion from which the network quotas leave a kind's sets. */
static int
net_gone(enum qkind k)
{
	return k == Q_CLASS ? 50 : 36;
}

/* The microversion from which a resource leaves the quota sets (Nova's
 * FILTERED_QUOTAS): the network ones (see net_gone), the injected files
 * at 2.57. */
static int
gone_from(enum qkind k, const char *resource)
{
	static const char *const v257[] = { "injected_files",
	    "injected_file_content_bytes", "injected_file_path_bytes", NULL };

	for (int i = 0; fixed[i]; i++)
		if (strcmp(fixed[i], resource) == 0)
			return net_gone(k);
	for (int i = 0; v257[i]; i++)
		if (strcmp(v257[i], resource) == 0)
			return 57;
	return 0;
}

/* The server group quotas join the quota class sets at 2.50. */
static int
shown(enum qkind k, const char *resource, int mv)
{
	int v = gone_from(k, resource);

	if (k == Q_CLASS && mv < 50 &&
	    strncmp(resource, "server_group", 12) == 0)
		return 0;
	return v == 0 || mv < v;
}

/* What a project uses of the resources its instances hold, and its
 * server groups. */
struct usage {
	long	instances;
	long	cores;
	long	ram;
	long	server_groups;
};

static long
default_of(const char *resource)
{
	for (size_t i = 0; i < NDEFAULTS; i++)
		if (strcmp(defaults[i].name, resource) == 0)
			return defaults[i].def;
	return -1;
}

/*
 * Every limit, in the order of defaults[]: the built-in ones, replaced by
 * the 'default' class's (except for another class, which stands over the
 * built-in ones, as in Nova), then by class_name's and then by
 * project_id's overrides, each where given (NULL: none).
 */
static int
limits_of(const char *project_id, const char *class_name,
    long lim[NDEFAULTS])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { project_id, class_name };

	for (size_t i = 0; i < NDEFAULTS; i++)
		lim[i] = defaults[i].def;
	if ((r = gr_db_query("SELECT resource, hard_limit FROM (SELECT resource, "
	    "hard_limit, 0 AS o FROM quota_classes WHERE class_name = 'default' "
	    "AND coalesce($2 = 'default', true) UNION ALL SELECT resource, "
	    "hard_limit, 1 FROM quota_classes WHERE class_name = $2 UNION ALL SELECT resource, hard_limit, 2 FROM "
	    "quotas WHERE project_id = $1) x ORDER BY o", 2, p)) == NULL)
		return -1;
	for (int row = 0; row < PQntuples(r); row++)
		for (size_t i = 0; i < NDEFAULTS; i++)
			if (strcmp(defaults[i].name, PQgetvalue(r, row, 0)) == 0)
				lim[i] = atol(PQgetvalue(r, row, 1));
	return 0;
}

int
quota_limit(const char *project_id, const char *resource, long *out)
{
	long lim[NDEFAULTS];

	*out = -1;
	if (limits_of(project_id, NULL, lim) < 0)
		return -1;
	for (size_t i = 0; i < NDEFAULTS; i++)
		if (strcmp(defaults[i].name, resource) == 0)
			*out = lim[i];
	return 0;
}

static int
usage_of(const char *project_id, struct usage *u)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { project_id };

	r = gr_db_query("SELECT count(*), coalesce(sum((flavor->>'vcpus')::int), "
	    "0), coalesce(sum((flavor->>'ram')::int), 0), (SELECT count(*) FROM "
	    "server_groups WHERE project_id = $1) FROM instances WHERE "
	    "project_id = $1 AND NOT deleted", 1, p);
	if (r == NULL)
		return -1;
	u->instances = atol(PQgetvalue(r, 0, 0));
	u->cores = atol(PQgetvalue(r, 0, 1));
	u->ram = atol(PQgetvalue(r, 0, 2));
	u->server_groups = atol(PQgetvalue(r, 0, 3));
	return 0;
}

static long
used_of(const struct usage *u, const char *resource)
{
	if (strcmp(resource, "instances") == 0)
		return u->instances;
	if (strcmp(resource, "cores") == 0)
		return u->cores;
	if (strcmp(resource, "ram") == 0)
		return u->ram;
	if (strcmp(resource, "server_groups") == 0)
		return u->server_groups;
	return 0;
}

/*
 * The quota_set document at microversion mv, of the project's limits
 * (defaults only with project_id NULL) or of class_name's: each
 * resource's limit, or with u given {"in_use", "limit", "reserved"} (the
 * /detail form). id is added unless NULL. A new object, or NULL with the
 * error.
 */
static json_t *
quota_set(const char *project_id, const char *class_name, const char *id,
    const struct usage *u, int mv)
{
	enum qkind k = class_name ? Q_CLASS : Q_PROJECT;
	long lim[NDEFAULTS];
	json_t *q;

	if (limits_of(project_id, class_name, lim) < 0)
		return NULL;
	q = id ? json_pack("{s:s}", "id", id) : json_object();
	for (size_t i = 0; i < NDEFAULTS; i++)
		if (shown(k, defaults[i].name, mv))
			json_object_set_new(q, defaults[i].name, u ? json_pack(
			    "{s:I,s:I,s:i}", "in_use", (json_int_t)used_of(u,
			    defaults[i].name), "limit", (json_int_t)lim[i],
			    "reserved", 0) : json_integer(lim[i]));
	for (int i = 0; fixed[i] && mv < net_gone(k); i++)
		json_object_set_new(q, fixed[i], u ? json_pack("{s:i,s:i,s:i}",
		    "in_use", 0, "limit", -1, "reserved", 0) : json_integer(-1));
	return q;
}

static int
own_or_admin(struct gr_req *req, const char *project_id)
{
	return gr_auth_admin_or(req, strcmp(project_id,
	    gr_auth_of(req)->project_id) == 0, "only admins may see another "
	    "project's quotas and limits");
}

/* Answers 200 with {doc: q}; -1 when q is NULL (its error recorded). */
static int
answer_doc(struct gr_resp *resp, const char *doc, json_t *q)
{
	if (q == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", doc, q));
	return 0;
}

static int
answer(struct gr_resp *resp, json_t *q)
{
	return answer_doc(resp, "quota_set", q);
}

int
quota_show(struct gr_req *req, struct gr_resp *resp)
{
	const char *pid = req->params[0];

	if (own_or_admin(req, pid) < 0)
		return -1;
	return answer(resp, quota_set(pid, NULL, pid, NULL,
	    compute_microversion(req)));
}

int
quota_detail(struct gr_req *req, struct gr_resp *resp)
{
	const char *pid = req->params[0];
	struct usage u;

	if (own_or_admin(req, pid) < 0 || usage_of(pid, &u) < 0)
		return -1;
	return answer(resp, quota_set(pid, NULL, pid, &u,
	    compute_microversion(req)));
}

/* Anyone may read the defaults, as in Nova. */
int
quota_defaults(struct gr_req *req, struct gr_resp *resp)
{
	return answer(resp, quota_set(NULL, NULL, req->params[0], NULL,
	    compute_microversion(req)));
}

/* Nova checks the project against Identity; ours is in the same database. */
int
project_check(const char *project_id)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { project_id };

	if ((r = gr_db_query("SELECT 1 FROM projects WHERE id = $1", 1,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Project ID %.64s is not a valid "
		    "project.", project_id);
		return -1;
	}
	return 0;
}

int
quota_check_instances(const char *project_id, int n, long vcpus, long ram)
{
	/* defaults[] begins with instances, cores and ram. */
	const long want[3] = { n, n * vcpus, n * ram };
	long lim[NDEFAULTS];
	struct usage u;

	if (usage_of(project_id, &u) < 0 || limits_of(project_id, NULL, lim) < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		const char *res = defaults[i].name;
		long used = used_of(&u, res);

		if (lim[i] >= 0 && used + want[i] > lim[i]) {
			gr_error(GR_ERR_FORBIDDEN, "Quota exceeded for %s: "
			    "requested %ld, but already used %ld of %ld %s.",
			    res, want[i], used, lim[i], res);
			return -1;
		}
	}
	return 0;
}

/*
 * Checks member key of a quota set update q (of kind k) at microversion
 * mv: a known resource still in the API at mv, an integer (or, as Nova
 * takes it, a string of one) from -1 (unlimited) to 2^31-1, not below
 * what the project uses (u) unless forced or u is NULL; *out is its value.
 * Returns 1 to store it, 0 to skip it (a fixed resource set to -1), -1.
 */
static int
check_update(enum qkind k, json_t *q, const char *key,
    const struct usage *u, int force, int mv, long long *out)
{
	const char *doc = k == Q_CLASS ? "quota_class_set" : "quota_set";
	long long n;

	/* Before 2.50 a class takes server group quotas it does not show. */
	if (gone_from(k, key) != 0 && mv >= gone_from(k, key)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "%s: additional properties are not allowed ('%s' was "
		    "unexpected): the compute API has no %s quota from "
		    "microversion 2.%d.", doc, key, key, gone_from(k, key));
		return -1;
	}
	if (gr_json_nova_int(q, key, 1, -1, INT32_MAX, &n) < 0)
		return -1;
	*out = n;
	for (int i = 0; fixed[i]; i++)
		if (strcmp(fixed[i], key) == 0) {
			if (n == -1)
				return 0;
			gr_error(GR_ERR_BAD_REQUEST, "Quota '%s' is not limited by "
			    "the compute API here (it is always -1); set network "
			    "quotas through the network API.", key);
			return -1;
		}
	if (default_of(key) == -1) {
		gr_error(GR_ERR_BAD_REQUEST, "Unknown quota resource '%.64s'.",
		    key);
		return -1;
	}
	if (u && !force && n >= 0 && n < used_of(u, key)) {
		gr_error(GR_ERR_BAD_REQUEST, "Quota limit %lld for %s must be "
		    "greater than or equal to already used and reserved %ld.",
		    n, key, used_of(u, key));
		return -1;
	}
	return 1;
}

/*
 * Stores the limits of checked update q for a project or a class (owner),
 * in one transaction; resources that are not limited here (the fixed ones
 * at -1) and "force" are skipped. Returns 0 or -1.
 */
static int
store_limits(enum qkind k, const char *owner, json_t *q)
{
	const char *sql = k == Q_CLASS ? "INSERT INTO quota_classes (class_name, "
	    "resource, hard_limit) VALUES ($1, $2, $3) ON CONFLICT (class_name, "
	    "resource) DO UPDATE SET hard_limit = $3" : "INSERT INTO quotas "
	    "(project_id, resource, hard_limit) VALUES ($1, $2, $3) ON CONFLICT "
	    "(project_id, resource) DO UPDATE SET hard_limit = $3";
	const char *key;
	json_t *v;
	long long n;

	if (gr_db_begin() < 0)
		return -1;
	json_object_foreach(q, key, v) {
		char lim[24];

		if (default_of(key) == -1 ||
		    gr_json_nova_int(q, key, 1, -1, INT32_MAX, &n) < 0)
			continue;
		snprintf(lim, sizeof(lim), "%lld", n);
		const char *p[3] = { owner, key, lim };
		if (gr_db_exec(sql, 3, p) < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	return gr_db_commit();
}

int
quota_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "quota_set", NULL };
	const char *pid = req->params[0], *key;
	json_t *body, *q, *v;
	struct usage u;
	long long n;
	int force = 0, mv = compute_microversion(req);

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "quota_set", 1, &q) < 0 ||
	    gr_json_nova_bool(q, "force", 0, &force) < 0 ||
	    project_check(pid) < 0 || usage_of(pid, &u) < 0)
		return -1;
	json_object_foreach(q, key, v)
		if (strcmp(key, "force") != 0 && check_update(Q_PROJECT, q, key,
		    &u, force, mv, &n) < 0)
			return -1;
	if (store_limits(Q_PROJECT, pid, q) < 0)
		return -1;
	/* Nova's update answers without the id. */
	return answer(resp, quota_set(pid, NULL, NULL, NULL, mv));
}

/* ---- quota classes ---- */

/* A quota class name, as Nova checks it: 1 to 255 characters. */
static int
class_check(const char *name)
{
	if (strlen(name) > 255) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input: quota_class_name must "
		    "be at most 255 characters long.");
		return -1;
	}
	return 0;
}

/* GET /os-quota-class-sets/{id}: the class's limits over the defaults. */
int
quota_class_show(struct gr_req *req, struct gr_resp *resp)
{
	const char *name = req->params[0];

	/* Nova checks the name's length on update only. */
	return answer_doc(resp, "quota_class_set", quota_set(NULL, name, name,
	    NULL, compute_microversion(req)));
}

/* PUT /os-quota-class-sets/{id}: sets the class's limits; setting the
 * 'default' class changes every project that has no override. */
int
quota_class_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "quota_class_set", NULL };
	const char *name = req->params[0], *key;
	int mv = compute_microversion(req);
	json_t *body, *q, *v;
	long long n;

	if (class_check(name) < 0 || (body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "quota_class_set", 1, &q) < 0)
		return -1;
	json_object_foreach(q, key, v)
		if (check_update(Q_CLASS, q, key, NULL, 0, mv, &n) < 0)
			return -1;
	if (store_limits(Q_CLASS, name, q) < 0)
		return -1;
	/* Nova's update answers without the id. */
	return answer_doc(resp, "quota_class_set", quota_set(NULL, name, NULL,
	    NULL, mv));
}

int
quota_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *p[1] = { req->params[0] };

	if (gr_db_exec("DELETE FROM quotas WHERE project_id = $1", 1, p) < 0)
		return -1;
	gr_resp_empty(resp, 202);
	return 0;
}

/* GET /limits[?tenant_id=P]: the absolute limits of the caller's project
 * (another's for admins), with what it uses, at the request's version. */
int
limits_show(struct gr_req *req, struct gr_resp *resp)
{
	const char *pid = gr_req_query(req, "tenant_id");
	int mv = compute_microversion(req);
	long lim[NDEFAULTS];
	struct usage u;
	json_t *abs;

	if (pid == NULL)
		pid = gr_auth_of(req)->project_id;
	if (own_or_admin(req, pid) < 0 || limits_of(pid, NULL, lim) < 0 ||
	    usage_of(pid, &u) < 0)
		return -1;
	/* lim[] follows defaults[]: instances, cores, ram, key_pairs,
	 * metadata_items, server_groups, server_group_members,
	 * injected_files, injected_file_content_bytes, *_path_bytes. */
	abs = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
	    "maxTotalInstances", (json_int_t)lim[0],
	    "maxTotalCores", (json_int_t)lim[1],
	    "maxTotalRAMSize", (json_int_t)lim[2],
	    "maxTotalKeypairs", (json_int_t)lim[3],
	    "maxServerMeta", (json_int_t)lim[4],
	    "maxServerGroups", (json_int_t)lim[5],
	    "maxServerGroupMembers", (json_int_t)lim[6],
	    "totalInstancesUsed", (json_int_t)u.instances,
	    "totalCoresUsed", (json_int_t)u.cores,
	    "totalRAMUsed", (json_int_t)u.ram);
	json_object_set_new(abs, "totalServerGroupsUsed",
	    json_integer(u.server_groups));
	/* Nova's FILTERED_LIMITS: the network ones leave at 2.36, the
	 * injected files at 2.57; maxImageMeta leaves at 2.39. */
	if (mv < 36)
		json_object_update_new(abs, json_pack("{s:i,s:i,s:i,s:i,s:i}",
		    "maxSecurityGroups", -1, "maxSecurityGroupRules", -1,
		    "maxTotalFloatingIps", -1, "totalSecurityGroupsUsed", 0,
		    "totalFloatingIpsUsed", 0));
	if (mv < 39)
		json_object_set_new(abs, "maxImageMeta", json_integer(lim[4]));
	if (mv < 57)
		json_object_update_new(abs, json_pack("{s:I,s:I}",
		    "maxPersonality", (json_int_t)lim[7],
		    "maxPersonalitySize", (json_int_t)lim[8]));
	gr_resp_json(resp, 200, json_pack("{s:{s:[],s:o}}", "limits", "rate",
	    "absolute", abs));
	return 0;
}

/* ---- availability zones ---- */

int
az_list(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:{s:b},s:n}]}",
	    "availabilityZoneInfo", "zoneName", "nova", "zoneState", "available",
	    1, "hosts"));
	return 0;
}

/* Admins see the zone's compute hosts: available = up (HV_UP_SQL: a
 * heartbeat within 2.5 intervals and not forced down, as Nova's service
 * group says), active = enabled, updated_at = the last heartbeat. */
int
az_detail(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char ivl[24];
	const char *p[1] = { ivl };
	json_t *hosts;

	(void)req;
	hv_alive_secs(ivl);
	r = gr_db_query("SELECT n.host, " HV_UP_SQL("n", "a", "$1") ", n.enabled, "
	    GR_DB_ISO_US("a.last_seen") " FROM compute_nodes n LEFT JOIN "
	    "agents a ON a.host = n.host AND a.kind = 'compute' ORDER BY n.host",
	    1, p);
	if (r == NULL)
		return -1;
	hosts = json_object();
	for (int i = 0; i < PQntuples(r); i++) {
		const char *up = PQgetisnull(r, i, 3) ? NULL :
		    PQgetvalue(r, i, 3);

		json_object_set_new(hosts, PQgetvalue(r, i, 0), json_pack(
		    "{s:{s:b,s:b,s:s?}}", "nova-compute", "available",
		    PQgetvalue(r, i, 1)[0] == 't', "active",
		    PQgetvalue(r, i, 2)[0] == 't', "updated_at", up));
	}
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:{s:b},s:o}]}",
	    "availabilityZoneInfo", "zoneName", "nova", "zoneState", "available",
	    1, "hosts", hosts));
	return 0;
}
