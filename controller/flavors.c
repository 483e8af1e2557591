/*
 * flavors.c - Compute v2.1 flavors (microversion 2.1 formats, and from
 * 2.55 a description: shown, given at create, changed by PUT), their
 * extra specs (gureum:disk_provisioning = thin | thick chooses the disk
 * kind) and per-project access to private flavors.
 *
 * Who sees what, as in Nova: admins see every flavor by id; members see
 * public flavors and the private ones shared with their project. Lists
 * default to that same set (is_public=True); admins may ask for
 * is_public=False (private only) or None (all).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compute_api.h"
#include "ctl.h"
#include "flavors.h"
#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "microversion.h"
#include "quotas.h"

#define FLV_COLS "f.id, f.name, f.vcpus, f.ram, f.disk, f.swap, f.ephemeral, " \
	"f.rxtx_factor, f.is_public, f.extra_specs, f.description"
enum { C_ID, C_NAME, C_VCPUS, C_RAM, C_DISK, C_SWAP, C_EPH, C_RXTX, C_PUBLIC,
	C_SPECS, C_DESC };

/* Who may see a flavor: public ones, private ones shared with the
 * project, and everything for admins. $2 project, $3 admin. */
#define FLV_VISIBLE "(f.is_public OR $3::boolean OR EXISTS (SELECT 1 FROM " \
	"flavor_access fa WHERE fa.flavor_id = f.id AND fa.project_id = $2))"

#define SPEC_MAX	255	/* bytes in an extra spec key or value */
#define DESC_MAX	65535	/* characters in a description (Nova's TEXT) */
#define PAGE_MAX	1000	/* Nova's osapi_max_limit */

static const char spec_key_chars[] = "abcdefghijklmnopqrstuvwxyz"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.: -";

static int
col_i(PGresult *r, int i, int c)
{
	return atoi(PQgetvalue(r, i, c));
}

static json_t *
flavor_links(const char *id)
{
	GR_AUTOFREE char *self = NULL, *book = NULL;
	struct gr_buf e = GR_BUF_INIT(0);
	json_t *links;

	gr_url_escape(&e, id);
	self = gr_xasprintf("http://%s:%ld/v2.1/flavors/%s", ctl.public_host,
	    ctl.compute_port, e.data ? e.data : "");
	book = gr_xasprintf("http://%s:%ld/flavors/%s", ctl.public_host,
	    ctl.compute_port, e.data ? e.data : "");
	gr_buf_free(&e);
	links = json_pack("[{s:s,s:s},{s:s,s:s}]", "rel", "self", "href", self,
	    "rel", "bookmark", "href", book);
	return links;
}

/* A flavor document: {id, name, links} in a plain list, every field in a
 * detailed one; from 2.55 both have the description (null if none). */
static json_t *
flavor_json(struct gr_req *req, PGresult *r, int i, int detail)
{
	const char *id = PQgetvalue(r, i, C_ID);
	int swap = col_i(r, i, C_SWAP);
	json_t *f = json_pack("{s:s,s:s,s:o}", "id", id, "name",
	    PQgetvalue(r, i, C_NAME), "links", flavor_links(id));

	if (compute_microversion(req) >= 55)
		json_object_set_new(f, "description", PQgetisnull(r, i, C_DESC) ?
		    json_null() : json_string(PQgetvalue(r, i, C_DESC)));
	if (!detail)
		return f;
	json_object_update_new(f, json_pack("{s:i,s:i,s:i,s:o,s:f,s:i,s:b,s:b}",
	    "vcpus", col_i(r, i, C_VCPUS), "ram", col_i(r, i, C_RAM),
	    "disk", col_i(r, i, C_DISK),
	    /* Nova before 2.75 shows no swap as "". */
	    "swap", swap ? json_integer(swap) : json_string(""),
	    "rxtx_factor", atof(PQgetvalue(r, i, C_RXTX)),
	    "OS-FLV-EXT-DATA:ephemeral", col_i(r, i, C_EPH),
	    "os-flavor-access:is_public", PQgetvalue(r, i, C_PUBLIC)[0] == 't',
	    "OS-FLV-DISABLED:disabled", 0));
	return f;
}

/* One flavor by exact id as the caller may see it; NULL with 404. */
static PGresult *
load_visible(const char *id, const char *project_id, int is_admin)
{
	const char *p[3] = { id, project_id, is_admin ? "t" : "f" };
	PGresult *r = gr_db_query("SELECT " FLV_COLS " FROM flavors f WHERE "
	    "f.id = $1 AND " FLV_VISIBLE, 3, p);

	if (r && PQntuples(r) == 0) {
		PQclear(r);
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s could not be found.", id);
		return NULL;
	}
	return r;
}

static PGresult *
load(struct gr_req *req)
{
	struct gr_auth *a = gr_auth_of(req);

	return load_visible(req->params[0], a->project_id, a->is_admin);
}

json_t *
flavor_find(const char *id_or_name, const char *project_id, int is_admin)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = id_or_name;
	json_t *f, *specs;

	/* A flavorRef may be the flavor's link: its last segment is the id. */
	if (id && (strncmp(id, "http://", 7) == 0 ||
	    strncmp(id, "https://", 8) == 0))
		id = strrchr(id, '/') + 1;
	if (id == NULL || id[0] == '\0' || strlen(id) > 255) {
		gr_error(GR_ERR_BAD_REQUEST, "A flavor reference must be a flavor "
		    "id or name of 1 to 255 characters.");
		return NULL;
	}
	const char *p[3] = { id, project_id, is_admin ? "t" : "f" };
	r = gr_db_query("SELECT " FLV_COLS " FROM flavors f WHERE (f.id = $1 OR "
	    "f.name = $1) AND " FLV_VISIBLE " ORDER BY f.id = $1 DESC LIMIT 1",
	    3, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s could not be found.", id);
		return NULL;
	}
	specs = json_loads(PQgetvalue(r, 0, C_SPECS), 0, NULL);
	f = json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:o}",
	    "id", PQgetvalue(r, 0, C_ID), "name", PQgetvalue(r, 0, C_NAME),
	    "vcpus", col_i(r, 0, C_VCPUS), "ram", col_i(r, 0, C_RAM),
	    "disk", col_i(r, 0, C_DISK), "swap", col_i(r, 0, C_SWAP),
	    "ephemeral", col_i(r, 0, C_EPH),
	    "extra_specs", specs ? specs : json_object());
	return f;
}

/* ---- listing ---- */

/* Nova's sort keys and the columns they order by. The ORDER BY clause is
 * assembled only from these constant strings. */
static const struct {
	const char	*key;
	const char	*col;
} sort_keys[] = {
	{ "flavorid", "id" }, { "name", "name" }, { "memory_mb", "ram" },
	{ "vcpus", "vcpus" }, { "root_gb", "disk" },
	{ "ephemeral_gb", "ephemeral" }, { "swap", "swap" },
	{ "rxtx_factor", "rxtx_factor" }, { "is_public", "is_public" },
	{ "created_at", "created_at" }, { "id", "created_at" },
};

/* is_public as oslo's bool_from_string reads it, or "none": sets *mode
 * to "t", "f" or NULL (all). */
static int
parse_is_public(const char *v, const char **mode)
{
	static const char *const yes[] = { "1", "t", "true", "on", "y", "yes",
	    NULL };
	static const char *const no[] = { "0", "f", "false", "off", "n", "no",
	    NULL };

	*mode = "t";
	if (v == NULL)
		return 0;
	if (strcasecmp(v, "none") == 0) {
		*mode = NULL;
		return 0;
	}
	for (int i = 0; yes[i]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return 0;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(v, no[i]) == 0) {
			*mode = "f";
			return 0;
		}
	gr_error(GR_ERR_BAD_REQUEST, "Invalid is_public filter [%.64s]: use "
	    "True, False or None.", v);
	return -1;
}


static int
list_common(struct gr_req *req, struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *key = gr_req_query(req, "sort_key");
	const char *dir = gr_req_query(req, "sort_dir");
	const char *marker = gr_req_query(req, "marker");
	const char *mode, *minram, *mindisk, *limit, *col = NULL;
	char ram[24], disk[24], lim[24], sql[1024];
	json_t *list, *out;

	if (parse_is_public(gr_req_query(req, "is_public"), &mode) < 0 ||
	    gr_req_query_int(req, "minRam", INT32_MIN, ram, &minram) < 0 ||
	    gr_req_query_int(req, "minDisk", INT32_MIN, disk, &mindisk) < 0 ||
	    gr_req_query_int(req, "limit", 0, lim, &limit) < 0)
		return -1;
	/* Only admins choose; members always get public + shared. */
	if (!a->is_admin)
		mode = "t";
	if (limit && (strcmp(limit, "0") == 0 || atol(limit) > PAGE_MAX))
		snprintf(lim, sizeof(lim), "%d", PAGE_MAX);
	for (size_t i = 0; i < sizeof(sort_keys) / sizeof(sort_keys[0]); i++)
		if (strcmp(sort_keys[i].key, key ? key : "flavorid") == 0)
			col = sort_keys[i].col;
	if (col == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Sort key supplied is invalid: "
		    "%.64s.", key);
		return -1;
	}
	if (dir == NULL)
		dir = "asc";
	if (strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Sort direction supplied is invalid: "
		    "%.64s: use asc or desc.", dir);
		return -1;
	}
	if (marker) {
		GR_AUTO_PGRES PGresult *m = load_visible(marker, a->project_id,
		    a->is_admin);

		if (m == NULL) {
			if (gr_err_code() == GR_ERR_NOT_FOUND)
				gr_error(GR_ERR_BAD_REQUEST, "Marker %.255s could "
				    "not be found.", marker);
			return -1;
		}
	}
	/* $1 "t": public or shared with $2; "f": private; NULL: all. */
	snprintf(sql, sizeof(sql), "SELECT " FLV_COLS " FROM flavors f WHERE "
	    "($1::boolean IS NULL OR f.is_public = $1::boolean OR ($1::boolean "
	    "AND EXISTS (SELECT 1 FROM flavor_access fa WHERE fa.flavor_id = "
	    "f.id AND fa.project_id = $2))) AND ($3::integer IS NULL OR f.ram >= "
	    "$3::integer) AND ($4::integer IS NULL OR f.disk >= $4::integer) AND "
	    "($5::text IS NULL OR (f.%s, f.id) %s (SELECT m.%s, m.id FROM "
	    "flavors m WHERE m.id = $5)) ORDER BY f.%s %s, f.id %s LIMIT "
	    "$6::bigint", col, dir[0] == 'a' ? ">" : "<", col, col, dir, dir);
	const char *p[6] = { mode, a->project_id, minram, mindisk, marker,
	    limit ? lim : NULL };
	if ((r = gr_db_query(sql, 6, p)) == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, flavor_json(req, r, i, detail));
	out = json_pack("{s:o}", "flavors", list);
	if (limit && PQntuples(r) > 0 && PQntuples(r) == atoi(lim))
		json_object_set_new(out, "flavors_links", compute_next_link(req,
		    detail ? "flavors/detail" : "flavors", PQgetvalue(r,
		    PQntuples(r) - 1, C_ID)));
	gr_resp_json(resp, 200, out);
	return 0;
}

int
flavor_list(struct gr_req *req, struct gr_resp *resp)
{
	return list_common(req, resp, 0);
}

int
flavor_detail(struct gr_req *req, struct gr_resp *resp)
{
	return list_common(req, resp, 1);
}

int
flavor_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor",
	    flavor_json(req, r, 0, 1)));
	return 0;
}

/* ---- create, delete ---- */

/*
 * The id a client asked for: null, absent or "auto" (a UUID is made), an
 * integer (Nova keeps ids as strings), or a string of letters, digits,
 * '.', '_', '-' and inner spaces.
 */
static int
flavor_id_of(json_t *f, char *buf, size_t bufsz, const char **id)
{
	json_t *v = json_object_get(f, "id");
	const char *s;
	size_t n;

	if (v == NULL || json_is_null(v) || (json_is_string(v) &&
	    strcmp(json_string_value(v), "auto") == 0)) {
		if (gr_uuid(buf) < 0) {
			gr_error(GR_ERR_INTERNAL, "Making a flavor id failed.");
			return -1;
		}
		*id = buf;
		return 0;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
		*id = buf;
		return 0;
	}
	if (!json_is_string(v))
		goto bad;
	s = json_string_value(v);
	n = strlen(s);
	if (n == 0 || n > 255 || n != json_string_length(v) ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789._- ") != n || s[0] == ' ' || s[n - 1] == ' ')
		goto bad;
	*id = s;
	return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "The flavor id must be null, \"auto\", a "
	    "non-negative integer, or 1 to 255 letters, digits, '.', '_', '-' "
	    "and inner spaces.");
	return -1;
}

/*
 * The "description" of f (2.55): absent or null (*desc NULL), or a string
 * of at most 65535 characters with no control characters or line breaks,
 * Nova's valid_description_regex (printable, spaces allowed).
 */
static int
description_of(json_t *f, const char **desc)
{
	json_t *v = json_object_get(f, "description");
	const unsigned char *s;
	size_t n, chars = 0;

	*desc = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		goto bad;
	s = (const unsigned char *)json_string_value(v);
	n = json_string_length(v);
	if (strlen((const char *)s) != n)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		/* C0 and DEL; C1 (U+0080-U+009F); U+2028, U+2029. */
		if (s[i] < 0x20 || s[i] == 0x7f ||
		    (s[i] == 0xc2 && i + 1 < n && s[i + 1] < 0xa0) ||
		    (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x80 &&
		    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9)))
			goto bad;
		if ((s[i] & 0xc0) != 0x80)
			chars++;
	}
	if (chars > DESC_MAX)
		goto bad;
	*desc = (const char *)s;
	return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
	    "description: it must be null or a string of at most %d printable "
	    "characters (no control characters or line breaks).", DESC_MAX);
	return -1;
}

/* After a unique violation: says whether the id or the name is taken. */
static void
explain_conflict(const char *id, const char *name)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	r = gr_db_query("SELECT 1 FROM flavors WHERE id = $1", 1, p);
	if (r && PQntuples(r) > 0)
		gr_error(GR_ERR_CONFLICT, "Flavor with ID %s already exists.", id);
	else
		gr_error(GR_ERR_CONFLICT, "Flavor with name %s already exists.",
		    name);
}

int
flavor_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "flavor", NULL };
	static const char *const known[] = { "id", "name", "vcpus", "ram",
	    "disk", "swap", "rxtx_factor", "OS-FLV-EXT-DATA:ephemeral",
	    "os-flavor-access:is_public", NULL };
	static const char *const known255[] = { "id", "name", "vcpus", "ram",
	    "disk", "swap", "rxtx_factor", "OS-FLV-EXT-DATA:ephemeral",
	    "os-flavor-access:is_public", "description", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *f;
	const char *name, *id, *desc;
	long long vcpus, ram, disk = 0, swap = 0, eph = 0;
	int pub = 1;
	double rxtx = 1.0;
	char idbuf[40], s[5][24], rx[32];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "flavor", 1, &f) < 0 ||
	    gr_json_only(f, "flavor", compute_microversion(req) >= 55 ?
	    known255 : known) < 0 ||
	    description_of(f, &desc) < 0 ||
	    gr_json_str(f, "name", 1, 255, &name) < 0 ||
	    gr_check_trimmed_name("flavor name", name, 255) < 0 ||
	    gr_json_nova_int(f, "vcpus", 1, 1, INT32_MAX, &vcpus) < 0 ||
	    gr_json_nova_int(f, "ram", 1, 1, INT32_MAX, &ram) < 0 ||
	    gr_json_nova_int(f, "disk", 0, 0, INT32_MAX, &disk) < 0 ||
	    gr_json_nova_int(f, "swap", 0, 0, INT32_MAX, &swap) < 0 ||
	    gr_json_nova_int(f, "OS-FLV-EXT-DATA:ephemeral", 0, 0, INT32_MAX,
	    &eph) < 0 ||
	    gr_json_nova_bool(f, "os-flavor-access:is_public", 0, &pub) < 0 ||
	    gr_json_nova_number(f, "rxtx_factor", 0, 3.40282e+38, &rxtx) < 0 ||
	    flavor_id_of(f, idbuf, sizeof(idbuf), &id) < 0)
		return -1;
	snprintf(s[0], 24, "%lld", vcpus);
	snprintf(s[1], 24, "%lld", ram);
	snprintf(s[2], 24, "%lld", disk);
	snprintf(s[3], 24, "%lld", swap);
	snprintf(s[4], 24, "%lld", eph);
	snprintf(rx, sizeof(rx), "%.17g", rxtx);
	const char *p[10] = { id, name, s[0], s[1], s[2], s[3], s[4], rx,
	    pub ? "t" : "f", desc };
	r = gr_db_query("INSERT INTO flavors AS f (id, name, vcpus, ram, disk, "
	    "swap, ephemeral, rxtx_factor, is_public, description) VALUES ($1, "
	    "$2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING " FLV_COLS, 10, p);
	if (r == NULL) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			explain_conflict(id, name);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor",
	    flavor_json(req, r, 0, 1)));
	return 0;
}

/* PUT /flavors/{id} (2.55): {"flavor": {"description": D}}, D a string
 * or null; nothing else of a flavor changes. Below 2.55 the method is not
 * there, Nova's 404. */
int
flavor_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "flavor", NULL };
	static const char *const known[] = { "description", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *f;
	const char *desc;

	if (compute_microversion(req) < 55) {
		gr_error(GR_ERR_NOT_FOUND, "Updating a flavor (its description) "
		    "needs microversion 2.55 or later.");
		return -1;
	}
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "flavor", 1, &f) < 0 ||
	    gr_json_only(f, "flavor", known) < 0)
		return -1;
	if (json_object_get(f, "description") == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "flavor: 'description' is a required property.");
		return -1;
	}
	if (description_of(f, &desc) < 0)
		return -1;
	const char *p[2] = { req->params[0], desc };
	if ((r = gr_db_query("UPDATE flavors AS f SET description = $2 WHERE "
	    "f.id = $1 RETURNING " FLV_COLS, 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s could not be found.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor",
	    flavor_json(req, r, 0, 1)));
	return 0;
}

int
flavor_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if ((r = gr_db_query("DELETE FROM flavors WHERE id = $1", 1, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s could not be found.",
		    req->params[0]);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

/* ---- extra specs ---- */

static int
check_spec_key(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > SPEC_MAX || strspn(key, spec_key_chars) != n) {
		gr_error(GR_ERR_BAD_REQUEST, "The extra spec key '%.64s' is not "
		    "allowed: use 1 to %d letters, digits, '_', '.', ':', '-' or "
		    "spaces.", key, SPEC_MAX);
		return -1;
	}
	return 0;
}

/* A value: a string of at most 255 bytes of UTF-8 text; Gureum's own
 * keys are checked for their meaning. */
static int
check_spec(const char *key, json_t *v)
{
	const char *s;
	size_t n;

	if (check_spec_key(key) < 0)
		return -1;
	if (!json_is_string(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The value of extra spec '%s' must be "
		    "a string.", key);
		return -1;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > SPEC_MAX || strlen(s) != n || !gr_utf8_valid(s, n)) {
		gr_error(GR_ERR_BAD_REQUEST, "The value of extra spec '%s' must be "
		    "UTF-8 text of at most %d bytes.", key, SPEC_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			gr_error(GR_ERR_BAD_REQUEST, "The value of extra spec "
			    "'%s' contains a control character.", key);
			return -1;
		}
	if (strcmp(key, "gureum:disk_provisioning") == 0 &&
	    strcmp(s, "thin") != 0 && strcmp(s, "thick") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The extra spec "
		    "gureum:disk_provisioning must be 'thin' or 'thick', not "
		    "'%.64s'.", s);
		return -1;
	}
	return 0;
}

static json_t *
specs_of(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = load(req);
	json_t *s;

	if (r == NULL)
		return NULL;
	if ((s = json_loads(PQgetvalue(r, 0, C_SPECS), 0, NULL)) == NULL)
		gr_error(GR_ERR_INTERNAL, "The extra specs of flavor %s are not "
		    "JSON.", req->params[0]);
	return s;
}

int
flavor_specs_get(struct gr_req *req, struct gr_resp *resp)
{
	json_t *s = specs_of(req);

	if (s == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "extra_specs", s));
	return 0;
}

/* Adds set's keys to the flavor's specs in one statement; answers with
 * set itself, wrapped in {"extra_specs": ...} or bare. */
static int
specs_merge(struct gr_req *req, struct gr_resp *resp, json_t *set, int wrap)
{
	GR_AUTO_PGRES PGresult *r = load(req);
	GR_AUTOFREE char *text = NULL;
	const char *key;
	json_t *v;

	if (r == NULL)
		return -1;
	json_object_foreach(set, key, v)
		if (check_spec(key, v) < 0)
			return -1;
	text = json_dumps(set, JSON_COMPACT);
	const char *p[2] = { req->params[0], text };
	if (gr_db_exec("UPDATE flavors SET extra_specs = extra_specs || "
	    "$2::jsonb WHERE id = $1", 2, p) < 0)
		return -1;
	gr_resp_json(resp, 200, wrap ? json_pack("{s:O}", "extra_specs", set) :
	    json_incref(set));
	return 0;
}

int
flavor_specs_set(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "extra_specs", NULL };
	json_t *body, *set;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "extra_specs", 1, &set) < 0)
		return -1;
	return specs_merge(req, resp, set, 1);
}

int
flavor_spec_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_JSON json_t *s = specs_of(req);
	json_t *v;

	if (s == NULL)
		return -1;
	if ((v = json_object_get(s, req->params[1])) == NULL) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s has no extra specs with "
		    "key %.255s.", req->params[0], req->params[1]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:O}", req->params[1], v));
	return 0;
}

int
flavor_spec_put(struct gr_req *req, struct gr_resp *resp)
{
	json_t *body = gr_req_json(req);

	if (body == NULL)
		return -1;
	if (json_object_size(body) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "The body must set exactly one extra "
		    "spec, the key '%.64s' named in the URL.", req->params[1]);
		return -1;
	}
	if (json_object_get(body, req->params[1]) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Request body and URI mismatch: the "
		    "body must set the key '%.64s' named in the URL.",
		    req->params[1]);
		return -1;
	}
	return specs_merge(req, resp, body, 0);
}

int
flavor_spec_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *f = load(req), *r = NULL;
	const char *p[2] = { req->params[0], req->params[1] };

	if (f == NULL)
		return -1;
	if ((r = gr_db_query("UPDATE flavors SET extra_specs = extra_specs - $2 "
	    "WHERE id = $1 AND extra_specs ? $2", 2, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %.255s has no extra specs with "
		    "key %.255s.", req->params[0], req->params[1]);
		return -1;
	}
	/* Nova answers 200 with no body here. */
	gr_resp_empty(resp, 200);
	return 0;
}

/* ---- access to private flavors ---- */

static int
access_list_of(const char *id, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };
	json_t *list;

	r = gr_db_query("SELECT project_id FROM flavor_access WHERE flavor_id = "
	    "$1 ORDER BY project_id", 1, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:s,s:s}", "flavor_id",
		    id, "tenant_id", PQgetvalue(r, i, 0)));
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor_access", list));
	return 0;
}

int
flavor_access_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);

	if (r == NULL)
		return -1;
	if (PQgetvalue(r, 0, C_PUBLIC)[0] == 't') {
		gr_error(GR_ERR_NOT_FOUND, "Access list not available for public "
		    "flavors.");
		return -1;
	}
	return access_list_of(req->params[0], resp);
}

static int
access_add(const char *id, const char *tenant)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { id, tenant };

	if ((r = gr_db_query("INSERT INTO flavor_access (flavor_id, project_id) "
	    "VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_CONFLICT, "Flavor access already exists for "
		    "flavor %s and project %s combination.", id, tenant);
		return -1;
	}
	return 0;
}

static int
access_remove(const char *id, const char *tenant)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { id, tenant };

	if ((r = gr_db_query("DELETE FROM flavor_access WHERE flavor_id = $1 "
	    "AND project_id = $2", 2, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor access not found for %s / %s "
		    "combination.", id, tenant);
		return -1;
	}
	return 0;
}

/* POST /flavors/{id}/action: {"addTenantAccess": {"tenant": P}} or
 * {"removeTenantAccess": {"tenant": P}}; answers the access list. */
int
flavor_action(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const only_tenant[] = { "tenant", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *action, *tenant;
	json_t *body, *a;
	int add;

	if ((body = gr_req_json(req)) == NULL)
		return -1;
	if (json_object_size(body) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "The body must name exactly one "
		    "action: addTenantAccess or removeTenantAccess.");
		return -1;
	}
	action = json_object_iter_key(json_object_iter(body));
	add = strcmp(action, "addTenantAccess") == 0;
	if (!add && strcmp(action, "removeTenantAccess") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "There is no such action: %.64s.",
		    action);
		return -1;
	}
	if (gr_json_object(body, action, 1, &a) < 0 ||
	    gr_json_only(a, action, only_tenant) < 0 ||
	    gr_json_name(a, "tenant", 1, 255, &tenant) < 0 ||
	    (r = load(req)) == NULL)
		return -1;
	if (add && PQgetvalue(r, 0, C_PUBLIC)[0] == 't') {
		gr_error(GR_ERR_CONFLICT, "Can not add access to a public flavor: "
		    "flavor %s is seen by every project.", req->params[0]);
		return -1;
	}
	/* A stale entry of a deleted project can still be removed. */
	if (add ? project_check(tenant) < 0 ||
	    access_add(req->params[0], tenant) < 0 :
	    access_remove(req->params[0], tenant) < 0)
		return -1;
	return access_list_of(req->params[0], resp);
}
