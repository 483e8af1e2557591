/*
 * secgroups.c - security groups and their rules. Every project has one
 * `default` group, made on first use (listing, showing, or a port that
 * needs it) with Neutron's four rules: ingress from members of the group
 * itself, egress anywhere, for IPv4 and IPv6. A new group gets the two
 * egress rules. The network agents enforce them statefully per port.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "ipnet.h"
#include "network_api.h"
#include "secgroups.h"

#define RULE_JSON \
	"json_build_object('id', r.id, 'tenant_id', r.project_id, " \
	"'project_id', r.project_id, 'security_group_id', " \
	"r.security_group_id, 'direction', r.direction, 'ethertype', " \
	"r.ethertype, 'protocol', r.protocol, 'port_range_min', " \
	"r.port_range_min, 'port_range_max', r.port_range_max, " \
	"'remote_ip_prefix', r.remote_ip_prefix, 'normalized_cidr', " \
	"r.remote_ip_prefix, 'remote_group_id', r.remote_group_id, " \
	"'remote_address_group_id', NULL, 'description', r.description, " \
	"'belongs_to_default_sg', (SELECT d.is_default FROM " \
	"security_groups d WHERE d.id = r.security_group_id), 'tags', " \
	"'[]'::json, 'created_at', " GR_DB_ISO_Z("r.created_at") \
	", 'updated_at', " GR_DB_ISO_Z("r.updated_at") ", " \
	"'revision_number', r.revision_number)"
#define GROUP_JSON \
	"json_build_object('id', g.id, 'name', g.name, 'description', " \
	"g.description, 'tenant_id', g.project_id, 'project_id', " \
	"g.project_id, 'stateful', g.stateful, 'shared', false, 'tags', " \
	"'[]'::json, 'security_group_rules', coalesce((SELECT json_agg(" \
	RULE_JSON " ORDER BY r.created_at, r.id) FROM security_group_rules r " \
	"WHERE r.security_group_id = g.id), '[]'::json), 'created_at', " \
	GR_DB_ISO_Z("g.created_at") ", 'updated_at', " \
	GR_DB_ISO_Z("g.updated_at") ", 'revision_number', g.revision_number)"
/* $1 project, $2 admin. */
#define GROUP_VISIBLE	"(g.project_id = $1 OR $2::boolean)"
#define RULE_VISIBLE	"(r.project_id = $1 OR $2::boolean)"

int
sg_default_id(const char *project_id, char id[37])
{
	char fresh[37];
	const char *p[2] = { project_id, fresh };

	for (int tries = 0; tries < 2; tries++) {
		GR_AUTO_PGRES PGresult *r = NULL;

		if ((r = gr_db_query("SELECT id FROM security_groups WHERE "
		    "project_id = $1 AND is_default", 1, p)) == NULL)
			return -1;
		if (PQntuples(r) == 1) {
			snprintf(id, 37, "%s", PQgetvalue(r, 0, 0));
			return 0;
		}
		/* Made once: a concurrent first use finds the index taken
		 * and inserts nothing, then both read the one group. */
		if (gr_uuid(fresh) < 0 || gr_db_exec("WITH g AS (INSERT INTO "
		    "security_groups (id, name, description, project_id, "
		    "is_default) VALUES ($2, 'default', 'Default security group', "
		    "$1, true) ON CONFLICT (project_id) WHERE is_default DO "
		    "NOTHING RETURNING id) INSERT INTO security_group_rules (id, "
		    "security_group_id, project_id, direction, ethertype, "
		    "remote_group_id) SELECT gen_random_uuid(), g.id, $1, v.d, "
		    "v.e, CASE WHEN v.d = 'ingress' THEN g.id END FROM g, (VALUES "
		    "('ingress', 'IPv4'), ('ingress', 'IPv6'), ('egress', "
		    "'IPv4'), ('egress', 'IPv6')) v(d, e)", 2, p) < 0)
			return -1;
	}
	gr_error(GR_ERR_INTERNAL, "The default security group of project %s "
	    "could not be made.", project_id);
	return -1;
}

static json_t *
group_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " GROUP_JSON " FROM security_groups g WHERE g.id "
	    "= $3 AND " GROUP_VISIBLE, "Security group", id, s, NULL);
}

static json_t *
rule_get(const char *id, const struct net_scope *s)
{
	return net_get("SELECT " RULE_JSON " FROM security_group_rules r WHERE "
	    "r.id = $3 AND " RULE_VISIBLE, "Security group rule", id, s, NULL);
}

/* The caller's project has its default group before it looks. */
static int
ensure_default(const struct net_scope *s)
{
	char id[37];

	return s->project_id[0] ? sg_default_id(s->project_id, id) : 0;
}

int
sg_list(struct gr_req *req, struct gr_resp *resp)
{
	struct net_scope s;

	net_scope_of(req, &s);
	if (ensure_default(&s) < 0)
		return -1;
	return net_list(req, resp, "security_groups", "SELECT " GROUP_JSON
	    " FROM security_groups g WHERE " GROUP_VISIBLE " ORDER BY "
	    "g.created_at, g.id", NULL);
}

int
sg_show(struct gr_req *req, struct gr_resp *resp)
{
	struct net_scope s;
	json_t *g;

	net_scope_of(req, &s);
	if (ensure_default(&s) < 0 ||
	    (g = group_get(req->params[0], &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, "security_group", g);
}

int
sg_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "stateful", "tenant_id", "project_id", NULL };
	struct net_scope s;
	const char *name = NULL, *desc = NULL, *project;
	char id[37], def[37];
	int stateful = 1;
	json_t *b, *g;

	net_scope_of(req, &s);
	if ((b = net_body(req, "security_group", attrs)) == NULL ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    net_json_bool(b, "stateful", &stateful) < 0 ||
	    net_owner(req, b, &project) < 0)
		return -1;
	if (name && strcmp(name, "default") == 0) {
		gr_error(GR_ERR_CONFLICT, "Default security group already "
		    "exists: every project has one 'default' group.");
		return -1;
	}
	gr_uuid(id);
	if (net_begin() < 0)
		return -1;
	{
		const char *p[5] = { id, name ? name : "", desc ? desc : "",
		    project, stateful ? "true" : "false" };
		const char *e[2] = { id, project };

		if (sg_default_id(project, def) < 0 ||
		    net_quota_check(project, "security_group", 1) < 0 ||
		    gr_db_exec("INSERT INTO security_groups (id, name, "
		    "description, project_id, stateful) VALUES ($1, $2, $3, $4, "
		    "$5)", 5, p) < 0 ||
		    gr_db_exec("INSERT INTO security_group_rules (id, "
		    "security_group_id, project_id, direction, ethertype) SELECT "
		    "gen_random_uuid(), $1, $2, 'egress', v.e FROM (VALUES "
		    "('IPv4'), ('IPv6')) v(e)", 2, e) < 0 ||
		    net_commit() < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if ((g = group_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "security_group", g);
}

/* The group's default flag, if the caller may change it (0/1), or -1. */
static int
group_writable(const char *id, const struct net_scope *s)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { s->project_id, s->admin_text, id };

	if (!gr_is_uuid(id)) {
		net_not_found("Security group", id);
		return -1;
	}
	if ((r = gr_db_query("SELECT g.is_default FROM security_groups g WHERE "
	    "g.id = $3 AND " GROUP_VISIBLE, 3, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		net_not_found("Security group", id);
		return -1;
	}
	return PQgetvalue(r, 0, 0)[0] == 't';
}

int
sg_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "name", "description",
	    "stateful", NULL };
	const char *id = req->params[0], *name = NULL, *desc = NULL;
	struct net_scope s;
	int def, stateful = -1;
	json_t *b, *g;

	net_scope_of(req, &s);
	if ((b = net_body(req, "security_group", attrs)) == NULL ||
	    gr_json_str(b, "name", 0, 255, &name) < 0 ||
	    gr_json_str(b, "description", 0, 255, &desc) < 0 ||
	    net_json_bool(b, "stateful", &stateful) < 0 ||
	    (def = group_writable(id, &s)) < 0)
		return -1;
	if (def && name && strcmp(name, "default") != 0) {
		gr_error(GR_ERR_CONFLICT, "Updating default security group not "
		    "allowed: its name stays 'default'.");
		return -1;
	}
	if (!def && name && strcmp(name, "default") == 0) {
		gr_error(GR_ERR_CONFLICT, "Default security group already "
		    "exists: every project has one 'default' group.");
		return -1;
	}
	{
		const char *p[4] = { id, name, desc, stateful < 0 ? NULL :
		    stateful ? "true" : "false" };

		if (net_begin() < 0)
			return -1;
		if (gr_db_exec("UPDATE security_groups SET name = coalesce($2, "
		    "name), description = coalesce($3, description), stateful = "
		    "coalesce($4::boolean, stateful), revision_number = "
		    "revision_number + 1, updated_at = now() WHERE id = $1", 4,
		    p) < 0 || net_commit() < 0) {
			gr_db_rollback();
			return -1;
		}
	}
	if ((g = group_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 200, "security_group", g);
}

int
sg_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	const char *p[1] = { id };
	int def;

	net_scope_of(req, &s);
	if ((def = group_writable(id, &s)) < 0)
		return -1;
	if (def && !s.admin) {
		gr_error(GR_ERR_CONFLICT, "Insufficient rights for removing "
		    "default security group.");
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	if ((r = gr_db_query("SELECT string_agg(port_id::text, ', ') FROM "
	    "port_security_groups WHERE security_group_id = $1", 1,
	    p)) == NULL)
		goto fail;
	if (!PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_CONFLICT, "Security Group %s in use by ports "
		    "%.2000s.", id, PQgetvalue(r, 0, 0));
		goto fail;
	}
	if (gr_db_exec("DELETE FROM security_groups WHERE id = $1", 1, p) < 0 ||
	    net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}

/* ---- rules ---- */

int
sg_rule_list(struct gr_req *req, struct gr_resp *resp)
{
	struct net_scope s;

	net_scope_of(req, &s);
	if (ensure_default(&s) < 0)
		return -1;
	return net_list(req, resp, "security_group_rules", "SELECT " RULE_JSON
	    " FROM security_group_rules r WHERE " RULE_VISIBLE " ORDER BY "
	    "r.created_at, r.id", NULL);
}

int
sg_rule_show(struct gr_req *req, struct gr_resp *resp)
{
	return net_show(req, resp, "security_group_rule", rule_get);
}

/* A rule as given, checked and normalised into text parameters. */
struct rule {
	const char	*group;
	const char	*direction;
	const char	*ethertype;
	char		 protocol[16];	/* "" = any */
	char		 min[24];	/* "" = none */
	char		 max[24];
	char		 prefix[80];	/* "" = none */
	const char	*remote_group;
	const char	*description;
};

/* The protocol: a name Neutron knows or a number 0..255; "" for any. */
static int
read_protocol(json_t *b, struct rule *r)
{
	static const char *const names[] = { "tcp", "udp", "icmp", "icmpv6",
	    "ipv6-icmp", "sctp", "gre", "esp", "ah", "igmp", "dccp", "egp",
	    "ipip", "ospf", "pgm", "rsvp", "vrrp", "udplite", NULL };
	json_t *v = json_object_get(b, "protocol");
	const char *s;
	char *end;
	long n;

	r->protocol[0] = '\0';
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		n = (long)json_integer_value(v);
		if (n < 0 || n > 255)
			goto bad;
		snprintf(r->protocol, sizeof(r->protocol), "%ld", n);
		return 0;
	}
	if ((s = json_string_value(v)) == NULL)
		goto bad;
	if (strcasecmp(s, "any") == 0 || s[0] == '\0')
		return 0;
	for (const char *const *k = names; *k; k++)
		if (strcasecmp(s, *k) == 0) {
			snprintf(r->protocol, sizeof(r->protocol), "%s", *k);
			return 0;
		}
	n = strtol(s, &end, 10);
	if (*end == '\0' && n >= 0 && n <= 255 && s[0] >= '0' && s[0] <= '9') {
		snprintf(r->protocol, sizeof(r->protocol), "%ld", n);
		return 0;
	}
bad:
	gr_error(GR_ERR_BAD_REQUEST, "Security group rule protocol %.32s not "
	    "supported. Only protocol values tcp, udp, icmp, icmpv6 and "
	    "others by name, and integer representations [0 to 255] are "
	    "supported.", json_is_string(v) ? json_string_value(v) :
	    "(not a string)");
	return -1;
}

/* The port range against the protocol, as Neutron words each refusal. */
static int
read_ports(json_t *b, struct rule *r)
{
	long long min = -1, max = -1;
	int icmp = strcmp(r->protocol, "icmp") == 0 ||
	    strcmp(r->protocol, "icmpv6") == 0 ||
	    strcmp(r->protocol, "ipv6-icmp") == 0 ||
	    strcmp(r->protocol, "1") == 0 || strcmp(r->protocol, "58") == 0;
	int ported = strcmp(r->protocol, "tcp") == 0 ||
	    strcmp(r->protocol, "udp") == 0 ||
	    strcmp(r->protocol, "sctp") == 0 ||
	    strcmp(r->protocol, "dccp") == 0 ||
	    strcmp(r->protocol, "udplite") == 0 ||
	    strcmp(r->protocol, "6") == 0 || strcmp(r->protocol, "17") == 0;

	if (gr_json_int(b, "port_range_min", 0, -1, 65535, &min) < 0 ||
	    gr_json_int(b, "port_range_max", 0, -1, 65535, &max) < 0)
		return -1;
	r->min[0] = r->max[0] = '\0';
	if (min < 0 && max < 0)
		return 0;
	if (r->protocol[0] == '\0') {
		gr_error(GR_ERR_BAD_REQUEST, "Must also specify protocol if port "
		    "range is given.");
		return -1;
	}
	if (icmp) {
		if ((min > 255) || (max > 255)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid value for ICMP "
			    "%s (port_range_%s) %lld. It must be 0 to 255.",
			    min > 255 ? "type" : "code", min > 255 ? "min" :
			    "max", min > 255 ? min : max);
			return -1;
		}
		if (min < 0 && max >= 0) {
			gr_error(GR_ERR_BAD_REQUEST, "ICMP code (port-range-max) "
			    "%lld is provided but ICMP type (port-range-min) is "
			    "missing.", max);
			return -1;
		}
	} else if (ported) {
		if (min < 0 || max < 0 || min == 0 || min > max) {
			gr_error(GR_ERR_BAD_REQUEST, "For TCP/UDP protocols, "
			    "port_range_min must be <= port_range_max, both "
			    "between 1 and 65535 (got %lld-%lld).", min, max);
			return -1;
		}
	} else {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid protocol %s for port "
		    "range: only TCP, UDP, SCTP and ICMP rules take ports.",
		    r->protocol);
		return -1;
	}
	if (min >= 0)
		snprintf(r->min, sizeof(r->min), "%lld", min);
	if (max >= 0)
		snprintf(r->max, sizeof(r->max), "%lld", max);
	return 0;
}

/* remote_ip_prefix, normalised, of the rule's ethertype. */
static int
read_prefix(const char *given, struct rule *r)
{
	struct ipnet n;
	unsigned char v6[16];
	char addr[64], *slash, *end;
	long len;

	r->prefix[0] = '\0';
	if (given == NULL)
		return 0;
	if (strchr(given, ':') == NULL) {
		if (ipnet_cidr(given, &n) < 0) {
			/* Neutron takes a bare address as its /32. */
			char with[40];

			snprintf(with, sizeof(with), "%.24s/32", given);
			if (strchr(given, '/') || ipnet_cidr(with, &n) < 0)
				goto bad;
		}
		if (strcmp(r->ethertype, "IPv4") != 0)
			goto conflict;
		ipnet_cidr_str(&n, r->prefix);
		return 0;
	}
	snprintf(addr, sizeof(addr), "%s", given);
	len = 128;
	if ((slash = strchr(addr, '/')) != NULL) {
		*slash = '\0';
		len = strtol(slash + 1, &end, 10);
		if (*end != '\0' || slash[1] == '\0' || len < 0 || len > 128)
			goto bad;
	}
	if (inet_pton(AF_INET6, addr, v6) != 1)
		goto bad;
	if (strcmp(r->ethertype, "IPv6") != 0)
		goto conflict;
	/* PostgreSQL clears the host bits (network()). */
	snprintf(r->prefix, sizeof(r->prefix), "%.63s/%ld", addr, len);
	return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for remote_ip_prefix. "
	    "Reason: '%.64s' is not a valid IP prefix.", given);
	return -1;
conflict:
	gr_error(GR_ERR_BAD_REQUEST, "Conflicting value ethertype %s for CIDR "
	    "%.64s.", r->ethertype, given);
	return -1;
}

static int
read_rule(json_t *b, struct rule *r)
{
	const char *prefix = NULL, *ag = NULL;

	memset(r, 0, sizeof(*r));
	r->ethertype = "IPv4";
	if (gr_json_str(b, "security_group_id", 1, 64, &r->group) < 0 ||
	    gr_json_str(b, "direction", 1, 16, &r->direction) < 0 ||
	    gr_json_str(b, "ethertype", 0, 16, &r->ethertype) < 0 ||
	    gr_json_str(b, "remote_ip_prefix", 0, 64, &prefix) < 0 ||
	    gr_json_str(b, "remote_group_id", 0, 64, &r->remote_group) < 0 ||
	    gr_json_str(b, "remote_address_group_id", 0, 64, &ag) < 0 ||
	    gr_json_str(b, "description", 0, 255, &r->description) < 0)
		return -1;
	if (r->ethertype == NULL)
		r->ethertype = "IPv4";
	if (strcmp(r->direction, "ingress") != 0 &&
	    strcmp(r->direction, "egress") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for direction. "
		    "Reason: '%s' is not in ['ingress', 'egress'].",
		    r->direction);
		return -1;
	}
	if (strcasecmp(r->ethertype, "ipv4") == 0)
		r->ethertype = "IPv4";
	else if (strcasecmp(r->ethertype, "ipv6") == 0)
		r->ethertype = "IPv6";
	else {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for ethertype. "
		    "Reason: '%s' is not in ['IPv4', 'IPv6'].", r->ethertype);
		return -1;
	}
	if (ag) {
		gr_error(GR_ERR_BAD_REQUEST, "Gureum has no address groups: use "
		    "remote_ip_prefix or remote_group_id.");
		return -1;
	}
	if (prefix && r->remote_group) {
		gr_error(GR_ERR_BAD_REQUEST, "Only remote_ip_prefix or "
		    "remote_group_id may be provided.");
		return -1;
	}
	return read_protocol(b, r) < 0 || read_ports(b, r) < 0 ||
	    read_prefix(prefix, r) < 0 ? -1 : 0;
}

/* The rule's group and remote group are the caller's to use. */
static int
check_groups(const struct rule *r, const struct net_scope *s,
    char project[256])
{
	GR_AUTO_PGRES PGresult *g = NULL;
	const char *p[1] = { r->group };

	if (group_writable(r->group, s) < 0 || (g = gr_db_query("SELECT "
	    "project_id FROM security_groups g WHERE g.id = $1", 1, p)) ==
	    NULL)
		return -1;
	snprintf(project, 256, "%s", PQgetvalue(g, 0, 0));
	if (r->remote_group) {
		int k;

		if (!gr_is_uuid(r->remote_group) ||
		    (k = group_writable(r->remote_group, s)) < 0) {
			gr_error(GR_ERR_NOT_FOUND, "Security group %.64s does "
			    "not exist.", r->remote_group);
			return -1;
		}
	}
	return 0;
}

int
sg_rule_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const attrs[] = { "security_group_id",
	    "direction", "ethertype", "protocol", "port_range_min",
	    "port_range_max", "remote_ip_prefix", "remote_group_id",
	    "remote_address_group_id", "description", "tenant_id",
	    "project_id", NULL };
	GR_AUTO_PGRES PGresult *dup = NULL;
	struct net_scope s;
	struct rule r;
	char id[37], project[256];
	const char *owner;
	json_t *b, *rule;

	net_scope_of(req, &s);
	if ((b = net_body(req, "security_group_rule", attrs)) == NULL ||
	    read_rule(b, &r) < 0 || net_owner(req, b, &owner) < 0 ||
	    check_groups(&r, &s, project) < 0)
		return -1;
	gr_uuid(id);
	if (net_begin() < 0)
		return -1;
	{
		const char *d[11] = { id, r.group, project, r.direction,
		    r.ethertype, r.protocol[0] ? r.protocol : NULL,
		    r.min[0] ? r.min : NULL, r.max[0] ? r.max : NULL,
		    r.prefix[0] ? r.prefix : NULL, r.remote_group,
		    r.description ? r.description : "" };
		const char *p[8] = { d[1], d[3], d[4], d[5], d[6], d[7], d[8],
		    d[9] };

		if ((dup = gr_db_query("SELECT id FROM security_group_rules "
		    "WHERE security_group_id = $1 AND direction = $2 AND "
		    "ethertype = $3 AND protocol IS NOT DISTINCT FROM $4 AND "
		    "port_range_min IS NOT DISTINCT FROM $5::integer AND "
		    "port_range_max IS NOT DISTINCT FROM $6::integer AND "
		    "remote_ip_prefix IS NOT DISTINCT FROM network($7::inet) AND "
		    "remote_group_id IS NOT DISTINCT FROM $8::uuid", 8, p)) ==
		    NULL)
			goto fail;
		if (PQntuples(dup) > 0) {
			gr_error(GR_ERR_CONFLICT, "Security group rule already "
			    "exists. Rule id is %s.", PQgetvalue(dup, 0, 0));
			goto fail;
		}
		if (net_quota_check(project, "security_group_rule", 1) < 0 ||
		    gr_db_exec("INSERT INTO security_group_rules (id, "
		    "security_group_id, project_id, direction, ethertype, "
		    "protocol, port_range_min, port_range_max, remote_ip_prefix, "
		    "remote_group_id, description) VALUES ($1, $2, $3, $4, $5, "
		    "$6, $7, $8, network($9::inet), $10, $11)", 11, d) < 0 ||
		    net_commit() < 0)
			goto fail;
	}
	if ((rule = rule_get(id, &s)) == NULL)
		return -1;
	return net_reply(req, resp, 201, "security_group_rule", rule);
fail:
	gr_db_rollback();
	return -1;
}

int
sg_rule_delete(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	GR_AUTO_PGRES PGresult *r = NULL;
	struct net_scope s;
	const char *p[3];

	net_scope_of(req, &s);
	p[0] = s.project_id;
	p[1] = s.admin_text;
	p[2] = id;
	if (!gr_is_uuid(id)) {
		net_not_found("Security group rule", id);
		return -1;
	}
	if (net_begin() < 0)
		return -1;
	if ((r = gr_db_query("DELETE FROM security_group_rules r WHERE r.id = "
	    "$3 AND " RULE_VISIBLE, 3, p)) == NULL)
		goto fail;
	if (gr_db_affected(r) == 0) {
		net_not_found("Security group rule", id);
		goto fail;
	}
	if (net_commit() < 0)
		goto fail;
	gr_resp_empty(resp, 204);
	return 0;
fail:
	gr_db_rollback();
	return -1;
}
