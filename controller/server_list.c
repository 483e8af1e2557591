/*
 * server_list.c - GET /servers and /servers/detail as Nova answers them:
 * the filters (all_tenants, name, status, changes-since, image, flavor,
 * ip, ip6, reservation_id, host for admins, the tags of 2.26), Nova's
 * sort keys (several sort_key/sort_dir pairs; created_at desc and then
 * the id by default), and pages of at most `limit` servers (Nova's max_limit, 1000)
 * after a `marker`, with a "next" link when a page is full. A page is the
 * rows after the marker's own sort values (keyset paging), so a second
 * page never repeats the first. The SQL is assembled only from the
 * constant fragments below; every value from the request is a parameter.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compute_api.h"
#include "ctl.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "microversion.h"
#include "servers.h"

#define MAX_LIMIT	1000	/* Nova's [api] max_limit */
#define MAX_SORT	16	/* sort_key/sort_dir pairs a request gives */

/*
 * Nova's valid sort keys (schemas/servers.py VALID_SORT_KEYS) and the SQL
 * each orders by: never NULL (coalesce), so equality with the marker's
 * values holds; NULLs sort first ascending, as in Nova's MySQL. Keys Nova
 * has no data for here order by a constant.
 */
static const struct sort_key {
	const char	*key;
	const char	*expr;
	int		 admin_only;	/* host and node: 403 to others */
} sort_keys[] = {
	{ "access_ip_v4", "coalesce(host(i.access_ip_v4), '')", 0 },
	{ "access_ip_v6", "coalesce(host(i.access_ip_v6), '')", 0 },
	{ "auto_disk_config", "(i.disk_config = 'AUTO')", 0 },
	{ "availability_zone", "coalesce(i.availability_zone, '')", 0 },
	{ "config_drive", "i.config_drive", 0 },
	{ "created_at", "i.created_at", 0 },
	{ "display_description", "coalesce(i.description, '')", 0 },
	{ "display_name", "i.name", 0 },
	{ "host", "coalesce(i.host, '')", 1 },
	{ "hostname", "i.name", 0 },
	{ "image_ref", "coalesce(i.image_id, '')", 0 },
	{ "instance_type_id", "i.flavor_id", 0 },
	{ "kernel_id", "''::text", 0 },
	{ "key_name", "coalesce(i.key_name, '')", 0 },
	{ "launch_index", "0", 0 },
	{ "launched_at", "coalesce(i.launched_at, '-infinity')", 0 },
	{ "locked_by", "''::text", 0 },
	{ "node", "coalesce(i.host, '')", 1 },
	{ "power_state", "i.power_state", 0 },
	{ "progress", "0", 0 },
	{ "project_id", "i.project_id", 0 },
	{ "ramdisk_id", "''::text", 0 },
	{ "root_device_name", "''::text", 0 },
	{ "task_state", "coalesce(i.task_state, '')", 0 },
	{ "terminated_at", "coalesce(i.terminated_at, '-infinity')", 0 },
	{ "updated_at", "i.updated_at", 0 },
	{ "user_id", "i.user_id", 0 },
	{ "uuid", "i.id", 0 },
	{ "vm_state", "i.vm_state", 0 },
};

/* Keys Nova accepts but ignores, with their sort_dir (its
 * SERVER_LIST_IGNORE_SORT_KEY). */
static const char *const ignored_keys[] = { "architecture", "cell_name",
    "cleaned", "default_ephemeral_device", "default_swap_device", "deleted",
    "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid",
    "id", "key_data", "launched_on", "locked", "memory_mb", "os_type",
    "reservation_id", "root_gb", "shutdown_terminate", "user_data", "vcpus",
    "vm_mode", NULL };

struct sort {
	const struct sort_key	*key[MAX_SORT + 2];
	int			 desc[MAX_SORT + 2];
	int			 n;
};

static const struct sort_key *
sort_key_find(const char *name)
{
	for (size_t i = 0; i < sizeof(sort_keys) / sizeof(sort_keys[0]); i++)
		if (strcmp(sort_keys[i].key, name) == 0)
			return &sort_keys[i];
	return NULL;
}

static int
is_ignored(const char *name)
{
	for (int i = 0; ignored_keys[i]; i++)
		if (strcmp(ignored_keys[i], name) == 0)
			return 1;
	return 0;
}

/* A query value without the blanks around it, as Nova strips them. */
static void
strip(const char *v, char *out, size_t outsz)
{
	size_t n;

	while (isspace((unsigned char)*v))
		v++;
	n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	snprintf(out, outsz, "%.*s", (int)n, v);
}

/*
 * The sort order of the request, as Nova builds it (common.get_sort_params,
 * remove_invalid_sort_keys, db.utils.process_sort_params): every sort_key
 * (unknown: 400; one Nova ignores is dropped with the sort_dir of its
 * place; host and node are for admins), each with the sort_dir of its
 * place, or the first sort_dir (desc when none is given), then created_at
 * and the id unless already there. 0, or -1 with a 400 or 403.
 */
static int
parse_sort(json_t *query, int admin, struct sort *s)
{
	json_t *keys = json_object_get(query, "sort_key");
	json_t *dirs = json_object_get(query, "sort_dir");
	char dir[MAX_SORT][8], name[64];
	int nd = 0, def_desc = 1;
	size_t i;

	s->n = 0;
	if (json_array_size(keys) > MAX_SORT ||
	    json_array_size(dirs) > MAX_SORT) {
		gr_error(GR_ERR_BAD_REQUEST, "At most %d sort_key and %d "
		    "sort_dir parameters are allowed.", MAX_SORT, MAX_SORT);
		return -1;
	}
	for (i = 0; i < json_array_size(dirs); i++) {
		strip(json_string_value(json_array_get(dirs, i)), name,
		    sizeof(name));
		if (strcmp(name, "asc") != 0 && strcmp(name, "desc") != 0) {
			gr_error(GR_ERR_BAD_REQUEST, "Unknown sort direction "
			    "[%.32s], must be 'desc' or 'asc'.", name);
			return -1;
		}
		memcpy(dir[nd++], name, strlen(name) + 1);
	}
	for (i = 0; i < json_array_size(keys); i++) {
		const struct sort_key *k;

		strip(json_string_value(json_array_get(keys, i)), name,
		    sizeof(name));
		if (is_ignored(name)) {
			/* Its sort_dir goes with it. */
			if (nd > s->n) {
				memmove(dir[s->n], dir[s->n + 1],
				    (size_t)(nd - s->n - 1) * sizeof(dir[0]));
				nd--;
			}
			continue;
		}
		if ((k = sort_key_find(name)) == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid sort_key "
			    "[%.64s]: servers cannot be sorted by it.", name);
			return -1;
		}
		if (k->admin_only && !admin) {
			gr_error(GR_ERR_FORBIDDEN, "Only administrators can "
			    "sort servers by %s.", name);
			return -1;
		}
		s->key[s->n++] = k;
	}
	if (nd > s->n) {
		gr_error(GR_ERR_BAD_REQUEST, "Sort direction size exceeds sort "
		    "key size: %d sort_dir for %d sort_key.", nd, s->n);
		return -1;
	}
	if (nd > 0)
		def_desc = strcmp(dir[0], "desc") == 0;
	for (int j = 0; j < s->n; j++)
		s->desc[j] = j < nd ? strcmp(dir[j], "desc") == 0 : def_desc;
	for (const char *const *d = (const char *const[]){ "created_at",
	    "uuid", NULL }; *d; d++) {
		const struct sort_key *k = sort_key_find(*d);
		int have = 0;

		for (int j = 0; j < s->n; j++)
			have |= s->key[j] == k;
		if (!have) {
			s->desc[s->n] = def_desc;
			s->key[s->n++] = k;
		}
	}
	return 0;
}

/*
 * The query: $1 project, $2 every project, $3 name regex, $4
 * changes-since, $5 status, $6 marker, $7 limit, $8..$11 the tag filters
 * (2.26: tags, tags-any, not-tags, not-tags-any; comma-separated), $12
 * image, $13 flavor, $14 ip and $15 ip6 (regular expressions matched at
 * the start of a fixed address), $16 reservation_id, $17 host. The
 * marker's own sort values (the CTE m) bound the page: rows after it in
 * the sort order.
 */
static char *
list_sql(const struct sort *s)
{
	struct gr_buf b = GR_BUF_INIT(0);
	int i, j;

	gr_buf_puts(&b, "WITH m AS (SELECT ");
	for (i = 0; i < s->n; i++)
		gr_buf_printf(&b, "%s%s AS k%d", i ? ", " : "",
		    s->key[i]->expr, i);
	gr_buf_puts(&b, " FROM instances i WHERE i.id = $6) SELECT "
	    SERVER_COLS " FROM instances i WHERE ($4::timestamptz IS NULL AND "
	    "NOT i.deleted OR i.updated_at >= $4::timestamptz) AND ($2 OR "
	    "i.project_id = $1) AND ($3::text IS NULL OR i.name ~ $3) AND "
	    "($5::text IS NULL OR " SERVER_STATUS_SQL " = upper($5)) AND "
	    "($8::text IS NULL OR i.tags ?& string_to_array($8, ',')) AND "
	    "($9::text IS NULL OR i.tags ?| string_to_array($9, ',')) AND "
	    "($10::text IS NULL OR NOT i.tags ?& string_to_array($10, ',')) "
	    "AND ($11::text IS NULL OR NOT i.tags ?| string_to_array($11, "
	    "',')) AND ($12::text IS NULL OR i.image_id = $12) AND ($13::text "
	    "IS NULL OR i.flavor_id = $13) AND ($14::text IS NULL OR EXISTS "
	    "(SELECT 1 FROM ports p JOIN ip_allocations a ON a.port_id = p.id "
	    "WHERE p.device_id = i.id AND family(a.ip) = 4 AND host(a.ip) ~ "
	    "('^' || $14))) AND ($15::text IS NULL OR EXISTS (SELECT 1 FROM "
	    "ports p JOIN ip_allocations a ON a.port_id = p.id WHERE "
	    "p.device_id = i.id AND family(a.ip) = 6 AND host(a.ip) ~ ('^' || "
	    "$15))) AND ($16::text IS NULL OR i.reservation_id = $16) AND "
	    "($17::text IS NULL OR i.host = $17) AND ($6::text IS NULL OR "
	    "EXISTS (SELECT 1 FROM m WHERE ");
	for (i = 0; i < s->n; i++) {
		gr_buf_puts(&b, i ? " OR (" : "(");
		for (j = 0; j < i; j++)
			gr_buf_printf(&b, "%s = m.k%d AND ",
			    s->key[j]->expr, j);
		gr_buf_printf(&b, "%s %s m.k%d)", s->key[i]->expr,
		    s->desc[i] ? "<" : ">", i);
	}
	gr_buf_puts(&b, ")) ORDER BY ");
	for (i = 0; i < s->n; i++)
		gr_buf_printf(&b, "%s%s %s", i ? ", " : "", s->key[i]->expr,
		    s->desc[i] ? "DESC" : "ASC");
	gr_buf_puts(&b, " LIMIT $7::bigint");
	return gr_buf_steal(&b);
}

/*
 * 1 if t is an ISO 8601 time changes-since takes: YYYY-MM-DDTHH:MM[:SS
 * [.ffffff]] (or a space for the T), then Z, +HH:MM, -HH:MM or nothing
 * (UTC). PostgreSQL reads it; this keeps anything else from reaching it.
 */
int
server_iso_time_ok(const char *t)
{
	static const char form[] = "dddd-dd-ddTdd:dd";
	size_t i;

	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)t[i]) :
		    form[i] == 'T' ? t[i] != 'T' && t[i] != ' ' : t[i] != form[i])
			return 0;
	t += i;
	if (t[0] == ':' && isdigit((unsigned char)t[1]) &&
	    isdigit((unsigned char)t[2])) {
		t += 3;
		if (t[0] == '.' && (i = strspn(t + 1, "0123456789")) >= 1 &&
		    i <= 6)
			t += 1 + i;
	}
	if (t[0] == 'Z')
		t++;
	else if ((t[0] == '+' || t[0] == '-') && strspn(t + 1, "0123456789") ==
	    2 && t[3] == ':' && strspn(t + 4, "0123456789") == 2)
		t += 6;
	return t[0] == '\0';
}

/* 0 if the marker is an instance the caller may see (deleted ones too,
 * as Nova); -1 with Nova's 400 otherwise. */
static int
check_marker(struct gr_auth *a, const char *marker)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { marker, a->project_id, a->is_admin ? "t" : "f" };

	r = gr_db_query("SELECT 1 FROM instances WHERE id = $1 AND "
	    "(project_id = $2 OR $3)", 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "marker [%.64s] not found",
		    marker);
		return -1;
	}
	return 0;
}

/* The brief form of GET /servers: id, name, links. */
static json_t *
brief(PGresult *r, int i)
{
	return json_pack("{s:s,s:s,s:o}", "id", PQgetvalue(r, i, I_ID),
	    "name", PQgetvalue(r, i, I_NAME), "links",
	    server_links(PQgetvalue(r, i, I_ID)));
}

/* The statuses Nova knows (common._STATE_MAP): from 2.38 any other in
 * ?status= is a 400; below, it matches nothing. */
static int
status_known(const char *st)
{
	static const char *const known[] = { "ACTIVE", "BUILD", "DELETED",
	    "ERROR", "HARD_REBOOT", "MIGRATING", "PASSWORD", "PAUSED",
	    "REBOOT", "REBUILD", "RESCUE", "RESIZE", "REVERT_RESIZE",
	    "SHELVED", "SHELVED_OFFLOADED", "SHUTOFF", "SOFT_DELETED",
	    "SUSPENDED", "UNKNOWN", "VERIFY_RESIZE", NULL };

	for (int i = 0; known[i]; i++)
		if (strcasecmp(known[i], st) == 0)
			return 1;
	return 0;
}

static int
list_common(struct gr_req *req, struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *query = gr_req_query_all(req);
	GR_AUTOFREE char *sql = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *all = gr_req_query(req, "all_tenants");
	int everyone = a->is_admin && all && strcmp(all, "0") != 0 &&
	    strcasecmp(all, "false") != 0;
	const char *marker = gr_req_query(req, "marker"), *limit;
	char lim[24];
	struct sort s;
	json_t *list, *out;
	long n;

	if (gr_req_query_int(req, "limit", 0, lim, &limit) < 0)
		return -1;
	n = limit && atol(lim) < MAX_LIMIT ? atol(lim) : MAX_LIMIT;
	snprintf(lim, sizeof(lim), "%ld", n);
	struct server_view v;
	int mv = compute_microversion(req);
	const char *p[17] = { a->project_id, everyone ? "t" : "f",
	    gr_req_query(req, "name"), gr_req_query(req, "changes-since"),
	    gr_req_query(req, "status"), marker, lim,
	    mv >= 26 ? gr_req_query(req, "tags") : NULL,
	    mv >= 26 ? gr_req_query(req, "tags-any") : NULL,
	    mv >= 26 ? gr_req_query(req, "not-tags") : NULL,
	    mv >= 26 ? gr_req_query(req, "not-tags-any") : NULL,
	    gr_req_query(req, "image"), gr_req_query(req, "flavor"),
	    gr_req_query(req, "ip"),
	    /* Nova: ip6 for members from 2.5; host for admins only (others'
	     * filters it drops). */
	    mv >= 5 || a->is_admin ? gr_req_query(req, "ip6") : NULL,
	    gr_req_query(req, "reservation_id"),
	    a->is_admin ? gr_req_query(req, "host") : NULL };
	if (mv >= 38 && p[4] && !status_known(p[4])) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid status value '%.32s'.",
		    p[4]);
		return -1;
	}
	if (p[3] && !server_iso_time_ok(p[3])) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid filter: changes-since "
		    "'%.64s' is not an ISO 8601 time.", p[3]);
		return -1;
	}
	if (parse_sort(query, a->is_admin, &s) < 0 ||
	    (marker && check_marker(a, marker) < 0))
		return -1;
	sql = list_sql(&s);
	if ((r = gr_db_query(sql, 17, p)) == NULL)
		return -1;
	list = json_array();
	server_view_init(&v, req, 1);
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, detail ? server_doc(r, i, &v) :
		    brief(r, i));
	server_view_clear(&v);
	out = json_pack("{s:o}", "servers", list);
	/* Nova: a full page (of limit, or of max_limit) links to the next. */
	if (n > 0 && PQntuples(r) == n)
		json_object_set_new(out, "servers_links", compute_next_link(req,
		    detail ? "servers/detail" : "servers",
		    PQgetvalue(r, PQntuples(r) - 1, I_ID)));
	gr_resp_json(resp, 200, out);
	return 0;
}

int
server_list(struct gr_req *req, struct gr_resp *resp)
{
	return list_common(req, resp, 0);
}

int
server_detail(struct gr_req *req, struct gr_resp *resp)
{
	return list_common(req, resp, 1);
}
