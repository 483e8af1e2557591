/*
 * images.c - Image v2 (the subset the openstack CLI and the compute agents
 * use): create, list (filters, sorting, paging), show, JSON-patch update,
 * delete, tags, deactivate/reactivate, streamed upload and ranged
 * download, the schemas and the discovery documents (/v2/info); members
 * (sharing) are members.c's.
 *
 * Visibility: members see public images, their own project's and the
 * shared images their project is a member of; other projects' private
 * images are 404 to them. Only admins publish public images. Signed agent
 * requests read like an admin (gr_auth).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gr_auth.h"
#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "images_priv.h"
#include "imgsvc.h"

#define NAME_MAX_LEN	255
#define PROP_MAX	128	/* custom properties per image */
#define PROP_VALUE_MAX	65535
#define TAG_MAX_LEN	255
#define LIST_DEFAULT	25
#define LIST_MAX	1000

#define IMG_COLS \
	"id, name, status, disk_format, container_format, size, virtual_size, " \
	"checksum, os_hash_algo, os_hash_value, min_disk, min_ram, visibility, " \
	"owner, protected, properties, tags, " \
	GR_DB_ISO_Z("created_at") ", " \
	GR_DB_ISO_Z("updated_at")

enum { C_ID, C_NAME, C_STATUS, C_DISK, C_CONT, C_SIZE, C_VSIZE, C_MD5,
    C_HALGO, C_HVAL, C_MINDISK, C_MINRAM, C_VIS, C_OWNER, C_PROT, C_PROPS,
    C_TAGS, C_CREATED, C_UPDATED,
    C_MEMBER };	/* load_image() only: the caller's project is a member */

/* Attributes a client may never set; Glance answers 403 for these. */
static const char *const readonly[] = { "status", "size", "virtual_size",
    "checksum", "os_hash_algo", "os_hash_value", "created_at", "updated_at",
    "self", "file", "schema", "direct_url", "locations", "deleted",
    "deleted_at", "stores", NULL };
/* Base attributes with their own columns. */
static const char *const base_attrs[] = { "id", "name", "disk_format",
    "container_format", "visibility", "protected", "min_disk", "min_ram",
    "tags", "owner", "os_hidden", NULL };
static const char *const disk_formats[] = { "qcow2", "raw", "iso", NULL };
static const char *const container_formats[] = { "bare", NULL };
static const char *const visibilities[] = { "public", "private", "shared",
    "community", NULL };

static int
in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

static json_t *
int_or_null(PGresult *r, int i, int c)
{
	return PQgetisnull(r, i, c) ? json_null() :
	    json_integer(strtoll(PQgetvalue(r, i, c), NULL, 10));
}

static json_t *
image_json(PGresult *r, int i)
{
	json_t *o = json_loads(PQgetvalue(r, i, C_PROPS), 0, NULL);
	const char *id = PQgetvalue(r, i, C_ID);
	char self[128], file[128];

	if (o == NULL)
		o = json_object();
	snprintf(self, sizeof(self), "/v2/images/%s", id);
	snprintf(file, sizeof(file), "/v2/images/%s/file", id);
	json_object_update_new(o, json_pack("{s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o,"
	    "s:o,s:o,s:i,s:i,s:s,s:s,s:b,s:o,s:s,s:s,s:s,s:s,s:s,s:b}",
	    "id", id, "name", gr_db_json_text(r, i, C_NAME),
	    "status", PQgetvalue(r, i, C_STATUS),
	    "disk_format", gr_db_json_text(r, i, C_DISK),
	    "container_format", gr_db_json_text(r, i, C_CONT),
	    "size", int_or_null(r, i, C_SIZE),
	    "virtual_size", int_or_null(r, i, C_VSIZE),
	    "checksum", gr_db_json_text(r, i, C_MD5),
	    "os_hash_algo", gr_db_json_text(r, i, C_HALGO),
	    "os_hash_value", gr_db_json_text(r, i, C_HVAL),
	    "min_disk", atoi(PQgetvalue(r, i, C_MINDISK)),
	    "min_ram", atoi(PQgetvalue(r, i, C_MINRAM)),
	    "visibility", PQgetvalue(r, i, C_VIS),
	    "owner", PQgetvalue(r, i, C_OWNER),
	    "protected", PQgetvalue(r, i, C_PROT)[0] == 't',
	    "tags", json_loads(PQgetvalue(r, i, C_TAGS), 0, NULL),
	    "created_at", PQgetvalue(r, i, C_CREATED),
	    "updated_at", PQgetvalue(r, i, C_UPDATED),
	    "self", self, "file", file, "schema", "/v2/schemas/image",
	    "os_hidden", 0));
	return o;
}

/* ---- access ---- */

static const char *
caller_project(struct gr_req *req)
{
	return gr_auth_of(req)->project_id;
}

static int
is_admin(struct gr_req *req)
{
	return gr_auth_of(req)->is_admin || gr_auth_of(req)->is_agent;
}

/*
 * Loads image id as the caller may see it: 404 when it does not exist or
 * is another project's private image (or shared image, to a project not
 * among its members); with write set, 403 when the caller may see it but
 * not change it (another project's public or shared image).
 */
static PGresult *
load_image(struct gr_req *req, const char *id, int write)
{
	PGresult *r;
	const char *p[2] = { id, caller_project(req) };
	int mine;

	r = gr_db_query("SELECT " IMG_COLS ", EXISTS (SELECT 1 FROM "
	    "image_members m WHERE m.image_id = i.id AND m.member = $2) FROM "
	    "images i WHERE id = $1", 2, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0)
		goto notfound;
	mine = is_admin(req) || strcmp(PQgetvalue(r, 0, C_OWNER),
	    caller_project(req)) == 0;
	/* A shared image's members see it whatever their status, as Glance. */
	if (!mine && strcmp(PQgetvalue(r, 0, C_VIS), "public") != 0 &&
	    strcmp(PQgetvalue(r, 0, C_VIS), "community") != 0 &&
	    (strcmp(PQgetvalue(r, 0, C_VIS), "shared") != 0 ||
	    PQgetvalue(r, 0, C_MEMBER)[0] != 't'))
		goto notfound;
	if (write && !mine) {
		gr_error(GR_ERR_FORBIDDEN, "You are not permitted to modify image "
		    "%s: it belongs to another project.", id);
		PQclear(r);
		return NULL;
	}
	return r;
notfound:
	gr_error(GR_ERR_NOT_FOUND, "No image found with ID %s.", id);
	PQclear(r);
	return NULL;
}

/* See imgsvc.h. */
int
images_access(struct gr_req *req, const char *id, char vis[16], int *mine)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, id, 0);

	if (r == NULL)
		return -1;
	snprintf(vis, 16, "%s", PQgetvalue(r, 0, C_VIS));
	*mine = is_admin(req) || strcmp(PQgetvalue(r, 0, C_OWNER),
	    caller_project(req)) == 0;
	return 0;
}

/* ---- validation shared by create and update ---- */

static int
check_prop_key(const char *key)
{
	size_t n = strlen(key);

	if (n == 0 || n > 255 || strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:-") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "The property name '%.64s' is not "
		    "allowed: use 1 to 255 letters, digits, '_', '.', ':' or '-' "
		    "(no path separators or control characters).", key);
		return -1;
	}
	return 0;
}

static int
check_prop_value(const char *key, json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The value of property '%s' must be "
		    "a string.", key);
		return -1;
	}
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > PROP_VALUE_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The value of property '%s' is "
		    "longer than %d bytes.", key, PROP_VALUE_MAX);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
			gr_error(GR_ERR_BAD_REQUEST, "The value of property '%s' "
			    "contains a control character (0x%02x).", key, c);
			return -1;
		}
	}
	return 0;
}

static int
check_tags(json_t *tags)
{
	if (!json_is_array(tags) || json_array_size(tags) > 128) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'tags' must be a list of "
		    "at most 128 strings.");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(tags); i++) {
		json_t *t = json_array_get(tags, i);

		if (!json_is_string(t) || strchr(json_string_value(t), '/')) {
			gr_error(GR_ERR_BAD_REQUEST, "Each tag must be a string "
			    "without '/'.");
			return -1;
		}
		if (gr_check_name("tag", json_string_value(t), TAG_MAX_LEN) < 0)
			return -1;
	}
	return 0;
}

/*
 * Sets one attribute in the image state st (the columns a client may
 * change, plus "properties"), for an administrator if admin is set. Used
 * by create for each member of the body and by update for each
 * add/replace operation.
 */
static int
set_attr(int admin, json_t *st, const char *key, json_t *v,
    const char *status)
{
	if (in_list(key, readonly)) {
		gr_error(GR_ERR_FORBIDDEN, "Attribute '%s' is read-only.", key);
		return -1;
	}
	if (strcmp(key, "name") == 0) {
		if (!json_is_null(v) && (!json_is_string(v) || gr_check_name(
		    "image name", json_string_value(v), NAME_MAX_LEN) < 0)) {
			if (!json_is_string(v))
				gr_error(GR_ERR_BAD_REQUEST, "The image name must "
				    "be a string.");
			return -1;
		}
	} else if (strcmp(key, "disk_format") == 0 ||
	    strcmp(key, "container_format") == 0) {
		const char *const *ok = key[0] == 'd' ? disk_formats :
		    container_formats;

		if (!json_is_string(v) || !in_list(json_string_value(v), ok)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid %s '%s': it must be "
			    "one of %s.", key, json_is_string(v) ?
			    json_string_value(v) : "(not a string)",
			    key[0] == 'd' ? "qcow2, raw, iso" : "bare");
			return -1;
		}
		if (status && strcmp(status, "queued") != 0) {
			gr_error(GR_ERR_FORBIDDEN, "The %s of an image can be "
			    "changed only while it is queued.", key);
			return -1;
		}
	} else if (strcmp(key, "visibility") == 0) {
		if (!json_is_string(v) || !in_list(json_string_value(v),
		    visibilities)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid visibility: it must "
			    "be public, private, shared or community.");
			return -1;
		}
		if (strcmp(json_string_value(v), "public") == 0 &&
		    !admin) {
			gr_error(GR_ERR_FORBIDDEN, "Only administrators may publish "
			    "public images; use 'shared', 'private' or "
			    "'community'.");
			return -1;
		}
	} else if (strcmp(key, "protected") == 0 ||
	    strcmp(key, "os_hidden") == 0) {
		if (!json_is_boolean(v)) {
			gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be true "
			    "or false.", key);
			return -1;
		}
	} else if (strcmp(key, "min_disk") == 0 || strcmp(key, "min_ram") == 0) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1 << 30) {
			gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be a "
			    "non-negative integer.", key);
			return -1;
		}
	} else if (strcmp(key, "tags") == 0) {
		if (check_tags(v) < 0)
			return -1;
	} else if (strcmp(key, "owner") == 0 || strcmp(key, "id") == 0) {
		if (strcmp(key, "owner") == 0 && !admin) {
			gr_error(GR_ERR_FORBIDDEN, "Only administrators may set "
			    "the owner of an image.");
			return -1;
		}
		if (!json_is_string(v) || gr_check_name(key,
		    json_string_value(v), 64) < 0) {
			if (!json_is_string(v))
				gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must "
				    "be a string.", key);
			return -1;
		}
	} else {
		json_t *props = json_object_get(st, "properties");

		if (check_prop_key(key) < 0 || check_prop_value(key, v) < 0)
			return -1;
		if (json_object_get(props, key) == NULL &&
		    json_object_size(props) >= PROP_MAX) {
			gr_error(GR_ERR_BAD_REQUEST, "An image may have at most "
			    "%d properties.", PROP_MAX);
			return -1;
		}
		json_object_set(props, key, v);
		return 0;
	}
	json_object_set(st, key, v);
	return 0;
}

/* Text parameter of a state member, or NULL. */
static char *
st_text(json_t *st, const char *key)
{
	json_t *v = json_object_get(st, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (json_is_string(v))
		return gr_xstrdup(json_string_value(v));
	if (json_is_boolean(v))
		return gr_xstrdup(json_is_true(v) ? "t" : "f");
	if (json_is_integer(v))
		return gr_xasprintf("%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	return json_dumps(v, JSON_COMPACT);
}

/* ---- handlers ---- */

static int
image_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_JSON json_t *st = NULL;
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *v;
	const char *key;
	char uuid[37];
	char *t[10] = { 0 };
	int ret = -1;

	if ((body = gr_req_json(req)) == NULL || gr_uuid(uuid) < 0)
		return -1;
	st = json_pack("{s:s,s:s,s:{},s:[]}", "id", uuid, "owner",
	    caller_project(req), "properties", "tags");
	json_object_foreach(body, key, v)
		if (set_attr(is_admin(req), st, key, v, NULL) < 0)
			return -1;
	if (gr_check_name("image id", json_string_value(json_object_get(st,
	    "id")), 36) < 0)
		return -1;
	static const char *const cols[] = { "id", "name", "disk_format",
	    "container_format", "visibility", "protected", "min_disk", "min_ram",
	    "owner", "tags" };
	for (int i = 0; i < 10; i++)
		t[i] = st_text(st, cols[i]);
	char *props = json_dumps(json_object_get(st, "properties"),
	    JSON_COMPACT);
	const char *p[11] = { t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7],
	    t[8], t[9], props };
	r = gr_db_query("INSERT INTO images (id, name, disk_format, "
	    "container_format, visibility, protected, min_disk, min_ram, owner, "
	    "tags, properties) VALUES ($1, $2, $3, $4, coalesce($5, 'shared'), "
	    "coalesce($6::boolean, false), coalesce($7::integer, 0), "
	    "coalesce($8::integer, 0), $9, $10, $11) RETURNING " IMG_COLS, 11, p);
	free(props);
	if (r == NULL) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "An image with ID %s already "
			    "exists.", t[0]);
		goto out;
	}
	gr_resp_json(resp, 201, image_json(r, 0));
	ret = 0;
out:
	for (int i = 0; i < 10; i++)
		free(t[i]);
	return ret;
}

static int
image_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 0);

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, image_json(r, 0));
	return 0;
}

/* Columns a list may be sorted by: constant SQL, never the client's text. */
static const char *
sort_column(const char *key)
{
	static const char *const keys[] = { "name", "status", "created_at",
	    "updated_at", "size", "id", "disk_format", "container_format",
	    "visibility", "min_disk", "min_ram", NULL };

	for (int i = 0; keys[i]; i++)
		if (strcmp(key, keys[i]) == 0)
			return keys[i];
	return NULL;
}

static int
list_sort(struct gr_req *req, const char **col, int *desc)
{
	const char *sort = gr_req_query(req, "sort");
	const char *key = gr_req_query(req, "sort_key");
	const char *dir = gr_req_query(req, "sort_dir");
	char buf[64];

	*col = "created_at";
	*desc = 1;
	if (sort) {
		/* "key:dir" (first key only). */
		snprintf(buf, sizeof(buf), "%s", sort);
		buf[strcspn(buf, ",")] = '\0';
		char *c = strchr(buf, ':');
		if (c) {
			*c = '\0';
			dir = c + 1;
		} else {
			dir = "desc";
		}
		key = buf;
	}
	if (key && (*col = sort_column(key)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Images cannot be sorted by '%.40s'.",
		    key);
		return -1;
	}
	if (dir && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The sort direction must be 'asc' or "
		    "'desc'.");
		return -1;
	}
	if (dir)
		*desc = strcmp(dir, "desc") == 0;
	return 0;
}

static int
image_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *col, *lim = gr_req_query(req, "limit");
	const char *marker = gr_req_query(req, "marker");
	const char *vis = gr_req_query(req, "visibility");
	const char *mstatus = gr_req_query(req, "member_status");
	int desc, limit = LIST_DEFAULT, n;
	char sql[2048], limbuf[16];
	json_t *list;

	if (list_sort(req, &col, &desc) < 0)
		return -1;
	if (lim) {
		char *end;
		long l = strtol(lim, &end, 10);

		if (*end || end == lim || l < 0 || l > LIST_MAX) {
			gr_error(GR_ERR_BAD_REQUEST, "The limit must be an integer "
			    "from 0 to %d.", LIST_MAX);
			return -1;
		}
		limit = (int)l;
	}
	if (vis && !in_list(vis, visibilities) && strcmp(vis, "all") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid visibility filter '%.20s'.",
		    vis);
		return -1;
	}
	if (mstatus == NULL)
		mstatus = "accepted";
	if (!members_status_ok(mstatus) && strcmp(mstatus, "all") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid member_status '%.20s': use "
		    "pending, accepted, rejected or all.", mstatus);
		return -1;
	}
	snprintf(limbuf, sizeof(limbuf), "%d", limit + 1);
	/* $1 project, $2 admin, $3 name, $4 status, $5 visibility, $6 owner,
	 * $7 marker, $8 limit+1, $9 member status. Community images are
	 * listed only when asked for; others' shared images when the caller's
	 * project is a member with that status (accepted unless asked), as
	 * in Glance. */
	snprintf(sql, sizeof(sql), "SELECT " IMG_COLS " FROM images i WHERE "
	    "(($2 AND ($5::text IS NOT NULL OR visibility <> 'community')) OR "
	    "owner = $1 OR visibility = 'public' OR (visibility = 'community' AND "
	    "$5 = 'community') OR (visibility = 'shared' AND EXISTS (SELECT 1 "
	    "FROM image_members m WHERE m.image_id = i.id AND m.member = $1 AND "
	    "($9 = 'all' OR m.status = $9)))) AND ($3::text IS NULL OR name = $3) "
	    "AND "
	    "($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR $5 = "
	    "'all' OR visibility = $5) AND ($6::text IS NULL OR owner = $6) AND "
	    "($7::text IS NULL OR (%s, id) %s (SELECT %s, id FROM images WHERE "
	    "id = $7)) ORDER BY %s %s, id %s LIMIT $8::integer", col,
	    desc ? "<" : ">", col, col, desc ? "DESC" : "ASC",
	    desc ? "DESC" : "ASC");
	const char *p[9] = { caller_project(req), is_admin(req) ? "t" : "f",
	    gr_req_query(req, "name"), gr_req_query(req, "status"), vis,
	    gr_req_query(req, "owner"), marker, limbuf, mstatus };
	if (marker) {
		GR_AUTO_PGRES PGresult *m = load_image(req, marker, 0);

		if (m == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "The marker %.64s is not an "
			    "image you can see.", marker);
			return -1;
		}
	}
	if ((r = gr_db_query(sql, 9, p)) == NULL)
		return -1;
	list = json_array();
	n = PQntuples(r) > limit ? limit : PQntuples(r);
	for (int i = 0; i < n; i++)
		json_array_append_new(list, image_json(r, i));
	json_t *o = json_pack("{s:o,s:s,s:s}", "images", list, "schema",
	    "/v2/schemas/images", "first", "/v2/images");
	if (PQntuples(r) > limit && n > 0) {
		/* The next page keeps the filters and the order. */
		static const char *const keep[] = { "name", "status",
		    "visibility", "owner", "member_status", "sort", "sort_key",
		    "sort_dir", NULL };
		struct gr_buf next = GR_BUF_INIT(0);

		gr_buf_printf(&next, "/v2/images?marker=%s&limit=%d",
		    PQgetvalue(r, n - 1, C_ID), limit);
		for (int k = 0; keep[k]; k++) {
			const char *v = gr_req_query(req, keep[k]);

			if (v == NULL)
				continue;
			gr_buf_printf(&next, "&%s=", keep[k]);
			gr_url_escape(&next, v);
		}
		json_object_set_new(o, "next", json_string(next.data));
		gr_buf_free(&next);
	}
	gr_resp_json(resp, 200, o);
	return 0;
}

/* Decodes a JSON pointer of one segment ("/name") into out. */
static int
patch_path(const char *path, char *out, size_t n)
{
	size_t j = 0;

	if (path[0] != '/' || strchr(path + 1, '/')) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid JSON-patch path '%.64s': "
		    "use '/attribute'.", path);
		return -1;
	}
	for (const char *s = path + 1; *s && j + 1 < n; s++) {
		if (s[0] == '~' && s[1] == '1') {
			out[j++] = '/';
			s++;
		} else if (s[0] == '~' && s[1] == '0') {
			out[j++] = '~';
			s++;
		} else {
			out[j++] = *s;
		}
	}
	out[j] = '\0';
	return 0;
}

/*
 * The operation and its path in op, in the draft the media type names:
 * 10 (v2.1, RFC 6902: {"op":"add","path":"/name"}) or 4 (v2.0, the older
 * Glance form: {"add":"/name"}, exactly one of add, remove or replace).
 */
static int
patch_op(json_t *op, int draft, const char **what, const char **path)
{
	static const char *const ops[] = { "add", "remove", "replace", NULL };

	if (draft == 10)
		return gr_json_str(op, "op", 1, 16, what) < 0 ||
		    gr_json_str(op, "path", 1, 300, path) < 0 ? -1 : 0;
	*what = NULL;
	for (int k = 0; ops[k]; k++) {
		if (json_object_get(op, ops[k]) == NULL)
			continue;
		if (*what) {
			gr_error(GR_ERR_BAD_REQUEST, "A v2.0 JSON-patch operation "
			    "must have only one member named \"add\", "
			    "\"remove\" or \"replace\".");
			return -1;
		}
		*what = ops[k];
	}
	if (*what == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "A v2.0 JSON-patch operation must "
		    "have exactly one member named \"add\", \"remove\" or "
		    "\"replace\", whose value is the path (as "
		    "{\"replace\": \"/name\", \"value\": ...}).");
		return -1;
	}
	return gr_json_str(op, *what, 1, 300, path);
}

/*
 * add or replace attr with v, as Glance: replacing a custom property
 * that is not there is 409, and so (in the v2.0 form only) is adding an
 * attribute or property that is already there.
 */
static int
patch_set(json_t *st, const char *what, const char *attr, json_t *v,
    int draft, int admin, const char *status)
{
	int present;

	if (strcmp(attr, "id") == 0 || strcmp(attr, "owner") == 0) {
		gr_error(GR_ERR_FORBIDDEN, "Attribute '%s' cannot be changed.",
		    attr);
		return -1;
	}
	if (!in_list(attr, readonly)) {
		present = in_list(attr, base_attrs) || json_object_get(
		    json_object_get(st, "properties"), attr) != NULL;
		if (strcmp(what, "add") == 0 && draft == 4 && present) {
			gr_error(GR_ERR_CONFLICT, "Property %.64s is already "
			    "present: use \"replace\" to change it.", attr);
			return -1;
		}
		if (strcmp(what, "replace") == 0 && !present) {
			gr_error(GR_ERR_CONFLICT, "Property %.64s does not exist: "
			    "use \"add\" to set it.", attr);
			return -1;
		}
	}
	return set_attr(admin, st, attr, v, status);
}

/* See images_priv.h. */
int
images_patch(json_t *st, const char *body, size_t len, int draft, int admin,
    const char *status)
{
	GR_AUTO_JSON json_t *ops = NULL;
	json_error_t jerr;

	ops = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (ops == NULL || !json_is_array(ops)) {
		gr_error(GR_ERR_BAD_REQUEST, "The JSON patch must be a list of "
		    "operations%s%s.", ops ? "" : ": ", ops ? "" : jerr.text);
		return -1;
	}
	for (size_t i = 0; i < json_array_size(ops); i++) {
		json_t *op = json_array_get(ops, i), *v;
		const char *what = NULL, *path = NULL;
		char attr[256];

		if (!json_is_object(op)) {
			gr_error(GR_ERR_BAD_REQUEST, "Operation %zu of the JSON "
			    "patch is not an object.", i + 1);
			return -1;
		}
		if (patch_op(op, draft, &what, &path) < 0 ||
		    patch_path(path, attr, sizeof(attr)) < 0)
			return -1;
		if (strcmp(what, "add") == 0 || strcmp(what, "replace") == 0) {
			if ((v = json_object_get(op, "value")) == NULL) {
				gr_error(GR_ERR_BAD_REQUEST, "The '%s' operation "
				    "needs a 'value'.", what);
				return -1;
			}
			if (patch_set(st, what, attr, v, draft, admin,
			    status) < 0)
				return -1;
		} else if (strcmp(what, "remove") == 0) {

			if (in_list(attr, readonly) || in_list(attr, base_attrs)) {
				gr_error(GR_ERR_FORBIDDEN, "Attribute '%s' cannot "
				    "be removed.", attr);
				return -1;
			}
			if (json_object_del(json_object_get(st, "properties"),
			    attr) < 0) {
				gr_error(GR_ERR_CONFLICT, "The image has no property "
				    "'%.64s' to remove.", attr);
				return -1;
			}
		} else {
			gr_error(GR_ERR_BAD_REQUEST, "Unsupported JSON-patch "
			    "operation '%.16s': use add, replace or remove.", what);
			return -1;
		}
	}
	return 0;
}

/*
 * The JSON-patch draft of a PATCH's media type (parameters such as
 * charset ignored): 10 for v2.1, 4 for v2.0; 0 (with the 415) otherwise.
 */
static int
patch_draft(struct gr_req *req, struct gr_resp *resp)
{
	static const char v21[] = "application/openstack-images-v2.1-json-patch";
	static const char v20[] = "application/openstack-images-v2.0-json-patch";
	const char *ct = gr_req_header(req, "Content-Type");
	size_t n = ct ? strcspn(ct, "; \t") : 0;

	if (n == sizeof(v21) - 1 && strncasecmp(ct, v21, n) == 0)
		return 10;
	if (n == sizeof(v20) - 1 && strncasecmp(ct, v20, n) == 0)
		return 4;
	gr_resp_header(resp, "Accept-Patch", "application/openstack-images-"
	    "v2.0-json-patch, application/openstack-images-v2.1-json-patch");
	gr_error(GR_ERR_MEDIA_TYPE, "The media type %.64s is not supported "
	    "here: send the changes as application/openstack-images-v2.1-json-"
	    "patch (RFC 6902) or application/openstack-images-v2.0-json-patch.",
	    ct ? ct : "(none)");
	return 0;
}

static int
image_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);
	GR_AUTO_PGRES PGresult *u = NULL;
	GR_AUTO_JSON json_t *st = NULL;
	char *t[8] = { 0 }, *props = NULL;
	int ret = -1, draft;

	if (r == NULL || (draft = patch_draft(req, resp)) == 0)
		return -1;
	st = json_pack("{s:o,s:o,s:o,s:o,s:b,s:i,s:i,s:o}",
	    "name", gr_db_json_text(r, 0, C_NAME),
	    "disk_format", gr_db_json_text(r, 0, C_DISK),
	    "container_format", gr_db_json_text(r, 0, C_CONT),
	    "visibility", json_string(PQgetvalue(r, 0, C_VIS)),
	    "protected", PQgetvalue(r, 0, C_PROT)[0] == 't',
	    "min_disk", atoi(PQgetvalue(r, 0, C_MINDISK)),
	    "min_ram", atoi(PQgetvalue(r, 0, C_MINRAM)),
	    "tags", json_loads(PQgetvalue(r, 0, C_TAGS), 0, NULL));
	json_object_set_new(st, "properties", json_loads(PQgetvalue(r, 0,
	    C_PROPS), 0, NULL));
	if (images_patch(st, req->body, req->body_len, draft, is_admin(req),
	    PQgetvalue(r, 0, C_STATUS)) < 0)
		return -1;
	static const char *const cols[] = { "name", "disk_format",
	    "container_format", "visibility", "protected", "min_disk", "min_ram",
	    "tags" };
	for (int i = 0; i < 8; i++)
		t[i] = st_text(st, cols[i]);
	props = json_dumps(json_object_get(st, "properties"), JSON_COMPACT);
	const char *p[10] = { req->params[0], t[0], t[1], t[2], t[3], t[4], t[5],
	    t[6], t[7], props };
	u = gr_db_query("UPDATE images SET name = $2, disk_format = $3, "
	    "container_format = $4, visibility = $5, protected = $6, min_disk = "
	    "$7, min_ram = $8, tags = $9, properties = $10, updated_at = now() "
	    "WHERE id = $1 RETURNING " IMG_COLS, 10, p);
	if (u == NULL)
		goto out;
	if (PQntuples(u) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "No image found with ID %s.",
		    req->params[0]);
		goto out;
	}
	gr_resp_json(resp, 200, image_json(u, 0));
	ret = 0;
out:
	for (int i = 0; i < 8; i++)
		free(t[i]);
	free(props);
	return ret;
}

static int
image_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);
	GR_AUTO_PGRES PGresult *d = NULL;
	const char *p[1] = { req->params[0] };

	if (r == NULL)
		return -1;
	if (PQgetvalue(r, 0, C_PROT)[0] == 't') {
		gr_error(GR_ERR_FORBIDDEN, "Image %s is protected and cannot be "
		    "deleted: set protected to false first.", req->params[0]);
		return -1;
	}
	d = gr_db_query("DELETE FROM images WHERE id = $1 AND NOT protected", 1,
	    p);
	if (d == NULL)
		return -1;
	if (gr_db_affected(d) == 0) {
		gr_error(GR_ERR_CONFLICT, "Image %s changed while it was being "
		    "deleted; try again.", req->params[0]);
		return -1;
	}
	store_remove(req->params[0]);
	gr_resp_empty(resp, 204);
	return 0;
}

/*
 * POST /v2/images/{id}/actions/deactivate and .../reactivate: moves an
 * image between active and deactivated (to is the status wanted, from the
 * other one); asking for the status it already has changes nothing.
 * The image's project or an administrator, as Glance's default policy
 * (Glance 25 lets the owner's members do it, whatever its api-ref says);
 * any other status is a 403, as Glance answers.
 */
static int
image_activation(struct gr_req *req, struct gr_resp *resp, const char *verb,
    const char *from, const char *to)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);
	GR_AUTO_PGRES PGresult *u = NULL;
	const char *p[3] = { req->params[0], from, to };

	if (r == NULL)
		return -1;
	u = gr_db_query("UPDATE images SET status = $3, updated_at = CASE WHEN "
	    "status = $3 THEN updated_at ELSE now() END WHERE id = $1 AND "
	    "status IN ($2, $3)", 3, p);
	if (u == NULL)
		return -1;
	if (gr_db_affected(u) == 0) {
		gr_error(GR_ERR_FORBIDDEN, "Image %s is %s: only an %s image can "
		    "be %sd.", req->params[0], PQgetvalue(r, 0, C_STATUS), from,
		    verb);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

static int
image_deactivate(struct gr_req *req, struct gr_resp *resp)
{
	return image_activation(req, resp, "deactivate", "active",
	    "deactivated");
}

static int
image_reactivate(struct gr_req *req, struct gr_resp *resp)
{
	return image_activation(req, resp, "reactivate", "deactivated",
	    "active");
}

static int
tag_add(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);
	const char *p[2] = { req->params[0], req->params[1] };

	if (r == NULL || gr_check_name("tag", req->params[1], TAG_MAX_LEN) < 0)
		return -1;
	if (gr_db_exec("UPDATE images SET tags = CASE WHEN tags ? $2 THEN tags "
	    "ELSE tags || to_jsonb($2::text) END, updated_at = now() WHERE id = "
	    "$1", 2, p) < 0)
		return -1;
	gr_resp_empty(resp, 204);
	return 0;
}

static int
tag_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);
	GR_AUTO_PGRES PGresult *d = NULL;
	const char *p[2] = { req->params[0], req->params[1] };

	if (r == NULL)
		return -1;
	d = gr_db_query("UPDATE images SET tags = tags - $2, updated_at = now() "
	    "WHERE id = $1 AND tags ? $2", 2, p);
	if (d == NULL)
		return -1;
	if (gr_db_affected(d) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Image %s has no tag '%.64s'.",
		    req->params[0], req->params[1]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

/* ---- upload ---- */

struct upload {
	char			 id[40];
	char			*disk_format;
	char			 want_md5[33];	/* from Content-MD5, or "" */
	long long		 room;		/* bytes the quota leaves */
	struct store_upload	*store;
};

/* Turns an image back from 'saving' (an upload that did not finish). */
static void
upload_undo(const char *id, const char *status)
{
	const char *p[2] = { id, status };

	gr_db_exec("UPDATE images SET status = $2, updated_at = now() WHERE id = "
	    "$1 AND status = 'saving'", 2, p);
}

/* Why an image cannot take an upload: 404, 403 or 409. */
static void
upload_refusal(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 1);

	if (r == NULL)
		return;
	gr_error(GR_ERR_CONFLICT, "Image %s is %s: data can be uploaded only to "
	    "a queued image.", req->params[0], PQgetvalue(r, 0, C_STATUS));
}

static int
parse_md5(const char *h, char out[33])
{
	/* Accept hex (as Glance sends it) or RFC 1864 base64. */
	if (strlen(h) == 32 && strspn(h, "0123456789abcdefABCDEF") == 32) {
		for (int i = 0; i < 33; i++)
			out[i] = (char)(h[i] >= 'A' && h[i] <= 'F' ? h[i] + 32 :
			    h[i]);
		return 0;
	}
	unsigned char raw[18];
	int n = EVP_DecodeBlock(raw, (const unsigned char *)h, (int)strlen(h));
	if (strlen(h) != 24 || n < 16) {
		gr_error(GR_ERR_BAD_REQUEST, "Content-MD5 must be an MD5 digest "
		    "in hex or base64.");
		return -1;
	}
	for (int i = 0; i < 16; i++)
		sprintf(out + 2 * i, "%02x", raw[i]);
	return 0;
}

static int
upload_begin(struct gr_req *req, void **state)
{
	GR_AUTO_PGRES PGresult *r = NULL, *q = NULL;
	const char *md5 = gr_req_header(req, "Content-MD5");
	const char *cl = gr_req_header(req, "Content-Length");
	struct upload *u;
	const char *p[3] = { req->params[0], caller_project(req),
	    is_admin(req) ? "t" : "f" };

	/* queued -> saving atomically: two uploads cannot both win. */
	r = gr_db_query("UPDATE images SET status = 'saving', updated_at = now() "
	    "WHERE id = $1 AND status = 'queued' AND (owner = $2 OR $3) "
	    "RETURNING disk_format, container_format, owner", 3, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		upload_refusal(req);
		return -1;
	}
	u = gr_xcalloc(1, sizeof(*u));
	snprintf(u->id, sizeof(u->id), "%s", req->params[0]);
	if (PQgetisnull(r, 0, 0) || PQgetisnull(r, 0, 1)) {
		gr_error(GR_ERR_BAD_REQUEST, "Set the image's disk_format and "
		    "container_format before uploading data.");
		goto fail;
	}
	u->disk_format = gr_xstrdup(PQgetvalue(r, 0, 0));
	if (md5 && parse_md5(md5, u->want_md5) < 0)
		goto fail;
	u->room = -1;
	if (img.quota_bytes > 0) {
		const char *qp[2] = { PQgetvalue(r, 0, 2), u->id };

		q = gr_db_query("SELECT coalesce(sum(size), 0) FROM images WHERE "
		    "owner = $1 AND id <> $2 AND size IS NOT NULL", 2, qp);
		if (q == NULL)
			goto fail;
		u->room = img.quota_bytes - atoll(PQgetvalue(q, 0, 0));
		if (cl && atoll(cl) > u->room) {
			gr_error(GR_ERR_TOO_LARGE, "This upload of %s bytes would "
			    "pass the project's image storage quota of %lld "
			    "bytes (%lld left).", cl, img.quota_bytes,
			    u->room < 0 ? 0 : u->room);
			goto fail;
		}
	}
	if ((u->store = store_begin(u->id)) == NULL)
		goto fail;
	*state = u;
	return 0;
fail:
	upload_undo(u->id, "queued");
	free(u->disk_format);
	free(u);
	return -1;
}

static int
upload_data(void *state, const char *buf, size_t len)
{
	struct upload *u = state;

	if (u->room >= 0 && store_size(u->store) + len > (uint64_t)u->room) {
		gr_error(GR_ERR_TOO_LARGE, "The upload passed the project's image "
		    "storage quota of %lld bytes and was stopped.",
		    img.quota_bytes);
		return -1;
	}
	return store_write(u->store, buf, len);
}

static void
upload_free(struct upload *u)
{
	free(u->disk_format);
	free(u);
}

static void
upload_abort(void *state)
{
	struct upload *u = state;

	store_abort(u->store);
	upload_undo(u->id, "queued");
	upload_free(u);
}

static int
upload_end(struct gr_req *req, void *state, struct gr_resp *resp)
{
	struct upload *u = state;
	GR_AUTO_PGRES PGresult *r = NULL;
	char md5[33], sha[129], size[24], vsize[24];
	uint64_t vs;

	(void)req;
	snprintf(size, sizeof(size), "%" PRIu64, store_size(u->store));
	if (store_finish(u->store, u->disk_format, md5, sha, &vs) < 0) {
		/* Bad data: the bytes are not what the image says it is. */
		upload_undo(u->id, "killed");
		upload_free(u);
		return -1;
	}
	if (u->want_md5[0] && strcmp(u->want_md5, md5) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The data's MD5 %s does not match "
		    "the Content-MD5 %s sent with it; the image is killed.", md5,
		    u->want_md5);
		store_remove(u->id);
		upload_undo(u->id, "killed");
		upload_free(u);
		return -1;
	}
	snprintf(vsize, sizeof(vsize), "%" PRIu64, vs);
	const char *p[5] = { u->id, size, md5, sha, vsize };
	r = gr_db_query("UPDATE images SET status = 'active', size = $2, "
	    "checksum = $3, os_hash_algo = 'sha512', os_hash_value = $4, "
	    "virtual_size = $5, updated_at = now() WHERE id = $1 AND status = "
	    "'saving'", 5, p);
	if (r == NULL || gr_db_affected(r) == 0) {
		if (r)
			gr_error(GR_ERR_CONFLICT, "Image %s was deleted during the "
			    "upload.", u->id);
		store_remove(u->id);
		upload_undo(u->id, "queued");
		upload_free(u);
		return -1;
	}
	upload_free(u);
	gr_resp_empty(resp, 204);
	return 0;
}

static const struct gr_upload image_upload = {
	upload_begin, upload_data, upload_end, upload_abort
};

/* ---- download ---- */

/* See images_priv.h. */
int
images_parse_range(const char *h, unsigned long long size,
    unsigned long long *off, unsigned long long *len)
{
	unsigned long long a = 0, b = 0;
	char *end;

	if (strncmp(h, "bytes=", 6) != 0 || strchr(h, ','))
		goto bad;
	h += 6;
	if (*h == '-') {
		b = strtoull(h + 1, &end, 10);
		if (*end || end == h + 1 || b == 0)
			goto bad;
		if (size == 0)
			goto unsatisfiable;
		if (b > size)
			b = size;
		*off = size - b;
		*len = b;
		return 0;
	}
	a = strtoull(h, &end, 10);
	if (end == h || *end != '-')
		goto bad;
	h = end + 1;
	if (*h) {
		b = strtoull(h, &end, 10);
		if (*end || b < a)
			goto bad;
	} else {
		b = size ? size - 1 : 0;
	}
	if (a >= size)
		goto unsatisfiable;
	if (b >= size)
		b = size - 1;
	*off = a;
	*len = b - a + 1;
	return 0;
bad:
unsatisfiable:
	gr_error(GR_ERR_RANGE, "The requested range is not satisfiable: the "
	    "image has %llu bytes.", size);
	return -1;
}

static int
image_download(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_image(req, req->params[0], 0);
	GR_AUTOFREE char *path = NULL;
	const char *range;
	unsigned long long off = 0, len;
	struct stat sb;
	int fd;

	if (r == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, C_STATUS), "deactivated") == 0 &&
	    !is_admin(req)) {
		gr_error(GR_ERR_FORBIDDEN, "Image %s has been deactivated: its "
		    "data cannot be downloaded until an administrator "
		    "reactivates it.", req->params[0]);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, C_STATUS), "active") != 0 &&
	    strcmp(PQgetvalue(r, 0, C_STATUS), "deactivated") != 0) {
		/* As Glance: an image without data answers 204, empty. */
		gr_resp_empty(resp, 204);
		return 0;
	}
	path = store_path(req->params[0]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		gr_error(GR_ERR_INTERNAL, "The data of image %s is missing from "
		    "the store (%s).", req->params[0], strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	len = (unsigned long long)sb.st_size;
	range = gr_req_header(req, "Range");
	if (range && images_parse_range(range, (unsigned long long)sb.st_size,
	    &off, &len) < 0) {
		char cr[64];

		close(fd);
		snprintf(cr, sizeof(cr), "bytes */%lld", (long long)sb.st_size);
		gr_resp_header(resp, "Content-Range", cr);
		return -1;
	}
	gr_resp_file(resp, range ? 206 : 200, fd, off, len);
	resp->content_type = "application/octet-stream";
	gr_resp_header(resp, "Content-MD5", PQgetvalue(r, 0, C_MD5));
	if (range) {
		char cr[96];

		snprintf(cr, sizeof(cr), "bytes %llu-%llu/%lld", off,
		    off + len - 1, (long long)sb.st_size);
		gr_resp_header(resp, "Content-Range", cr);
	}
	return 0;
}

/* ---- versions and schemas ---- */

static json_t *
version_json(const char *id, const char *status)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/v2/", img.public_host,
	    img.port);
	return json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "id", id, "status", status,
	    "links", "rel", "self", "href", url);
}

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 300, json_pack("{s:[o]}", "versions",
	    version_json("v2.9", "CURRENT")));
	return 0;
}

static json_t *
image_schema(void)
{
	json_t *props = json_pack("{s:{s:s},s:{s:[ss]},s:{s:s,s:[sssssss]},"
	    "s:{s:[ss],s:[ssss]},s:{s:[ss],s:[s]},s:{s:s},s:{s:s},s:{s:s},"
	    "s:{s:s,s:[ssss]},s:{s:s},s:{s:[ss]},s:{s:[ss]},s:{s:[ss]},"
	    "s:{s:[ss]},s:{s:s,s:{s:s}},s:{s:s},s:{s:s},s:{s:s}}",
	    "id", "type", "string",
	    "name", "type", "null", "string",
	    "status", "type", "string", "enum", "queued", "saving", "active",
	    "killed", "deleted", "deactivated", "uploading",
	    "disk_format", "type", "null", "string", "enum", "qcow2", "raw",
	    "iso", "",
	    "container_format", "type", "null", "string", "enum", "bare",
	    "min_disk", "type", "integer",
	    "min_ram", "type", "integer",
	    "protected", "type", "boolean",
	    "visibility", "type", "string", "enum", "public", "private",
	    "shared", "community",
	    "owner", "type", "string",
	    "size", "type", "null", "integer",
	    "virtual_size", "type", "null", "integer",
	    "checksum", "type", "null", "string",
	    "os_hash_value", "type", "null", "string",
	    "tags", "type", "array", "items", "type", "string",
	    "created_at", "type", "string",
	    "updated_at", "type", "string",
	    "os_hash_algo", "type", "string");
	return json_pack("{s:s,s:o,s:{s:s},s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}",
	    "name", "image", "properties", props,
	    "additionalProperties", "type", "string",
	    "links", "rel", "self", "href", "{self}", "rel", "enclosure", "href",
	    "{file}", "rel", "describedby", "href", "{schema}");
}

static int
schema_image(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, image_schema());
	return 0;
}

static int
schema_images(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:s,s:{s:{s:s,s:o}}}", "name",
	    "images", "properties", "images", "type", "array", "items",
	    image_schema()));
	return 0;
}

/* ---- metadata definitions: none ---- */

/* The schema of a metadata definition namespace, as glanceclient reads it
 * before it lists them (Horizon's launch wizard and its admin page). */
static json_t *
namespace_schema(void)
{
	return json_pack("{s:s,s:{s:{s:s},s:{s:s},s:{s:s},s:{s:s,s:[ss]},"
	    "s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s},s:{s:s}},s:[s],"
	    "s:b}", "name", "namespace", "properties",
	    "namespace", "type", "string",
	    "display_name", "type", "string",
	    "description", "type", "string",
	    "visibility", "type", "string", "enum", "public", "private",
	    "protected", "type", "boolean",
	    "owner", "type", "string",
	    "created_at", "type", "string",
	    "updated_at", "type", "string",
	    "schema", "type", "string",
	    "self", "type", "string",
	    "required", "namespace", "additionalProperties", 0);
}

static int
schema_namespace(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, namespace_schema());
	return 0;
}

static int
schema_namespaces(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:s,s:{s:{s:s,s:o},s:{s:s},"
	    "s:{s:s},s:{s:s}}}", "name", "namespaces", "properties",
	    "namespaces", "type", "array", "items", namespace_schema(),
	    "first", "type", "string", "next", "type", "string",
	    "schema", "type", "string"));
	return 0;
}

/* GET /v2/metadefs/namespaces: this cloud defines none. */
static int
metadefs_namespaces(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[],s:s,s:s}", "namespaces",
	    "first", "/v2/metadefs/namespaces", "schema",
	    "/v2/schemas/metadefs/namespaces"));
	return 0;
}

/* ---- discovery (/v2/info) ---- */

#define STORE_ID	"file"	/* the one store, by the type Glance calls it */

/* GET /v2/info/stores: one store, the default, as a one-backend Glance. */
static int
info_stores(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:s,s:s}]}", "stores",
	    "id", STORE_ID, "description", "The image service's file store: "
	    "one file per image.", "default", "true"));
	return 0;
}

/* GET /v2/info/stores/detail (administrators): with its type and place. */
static int
info_stores_detail(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:[{s:s,s:s,s:s,s:{s:s,s:b}}]}",
	    "stores", "id", STORE_ID, "default", "true", "type", "file",
	    "properties", "data_dir", img.store_dir, "thin_provisioning", 0));
	return 0;
}

/*
 * GET /v2/info/import: the interoperable import methods. There are none
 * (data goes up with PUT .../file), so the list is empty and clients that
 * look before importing know not to.
 */
static int
info_import(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:{s:s,s:s,s:[]}}",
	    "import-methods", "description", "Import methods available.",
	    "type", "array", "value"));
	return 0;
}

/*
 * GET /v2/info/usage: the caller's project against its storage quota, in
 * MiB as Glance's image_size_total; {} when there is no quota, as a
 * Glance without quotas answers.
 */
static int
info_usage(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { caller_project(req) };

	if (img.quota_bytes <= 0) {
		gr_resp_json(resp, 200, json_pack("{s:{}}", "usage"));
		return 0;
	}
	r = gr_db_query("SELECT coalesce(sum(size), 0) / 1048576 FROM images "
	    "WHERE owner = $1 AND size IS NOT NULL", 1, p);
	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:{s:I,s:I}}}", "usage",
	    "image_size_total", "limit", (json_int_t)(img.quota_bytes >> 20),
	    "usage", (json_int_t)strtoll(PQgetvalue(r, 0, 0), NULL, 10)));
	return 0;
}

const struct gr_route img_routes[] = {
	{ "GET",    "/",			get_versions,	GR_POLICY_PUBLIC },
	{ "GET",    "/versions",		get_versions,	GR_POLICY_PUBLIC },
	{ "GET",    "/v2/schemas/image",	schema_image,	GR_POLICY_USER },
	{ "GET",    "/v2/schemas/images",	schema_images,	GR_POLICY_USER },
	{ "GET",    "/v2/schemas/member",	members_schema,	GR_POLICY_USER },
	{ "GET",    "/v2/schemas/members",	members_schemas, GR_POLICY_USER },
	{ "GET",    "/v2/schemas/metadefs/namespace",	schema_namespace, GR_POLICY_USER },
	{ "GET",    "/v2/schemas/metadefs/namespaces",	schema_namespaces, GR_POLICY_USER },
	{ "GET",    "/v2/metadefs/namespaces",	metadefs_namespaces, GR_POLICY_USER },
	{ "GET",    "/v2/info/stores",		info_stores,	GR_POLICY_USER },
	{ "GET",    "/v2/info/stores/detail",	info_stores_detail,
	    GR_POLICY_ADMIN },
	{ "GET",    "/v2/info/import",		info_import,	GR_POLICY_USER },
	{ "GET",    "/v2/info/usage",		info_usage,	GR_POLICY_USER },
	{ "GET",    "/v2/images",		image_list,	GR_POLICY_USER },
	{ "POST",   "/v2/images",		image_create,	GR_POLICY_USER },
	{ "GET",    "/v2/images/{id}",		image_get,	GR_POLICY_USER_OR_AGENT },
	{ "PATCH",  "/v2/images/{id}",		image_update,	GR_POLICY_USER },
	{ "DELETE", "/v2/images/{id}",		image_delete,	GR_POLICY_USER },
	{ "PUT",    "/v2/images/{id}/file",	NULL,		GR_POLICY_USER, &image_upload },
	{ "GET",    "/v2/images/{id}/file",	image_download,	GR_POLICY_USER_OR_AGENT },
	{ "POST",   "/v2/images/{id}/actions/deactivate", image_deactivate,
	    GR_POLICY_USER },
	{ "POST",   "/v2/images/{id}/actions/reactivate", image_reactivate,
	    GR_POLICY_USER },
	{ "GET",    "/v2/images/{id}/members",	members_list,	GR_POLICY_USER },
	{ "POST",   "/v2/images/{id}/members",	members_create,	GR_POLICY_USER },
	{ "GET",    "/v2/images/{id}/members/{member}", members_get,
	    GR_POLICY_USER },
	{ "PUT",    "/v2/images/{id}/members/{member}", members_update,
	    GR_POLICY_USER },
	{ "DELETE", "/v2/images/{id}/members/{member}", members_delete,
	    GR_POLICY_USER },
	{ "PUT",    "/v2/images/{id}/tags/{tag}", tag_add,	GR_POLICY_USER },
	{ "DELETE", "/v2/images/{id}/tags/{tag}", tag_delete,	GR_POLICY_USER },
};
const size_t img_nroutes = sizeof(img_routes) / sizeof(img_routes[0]);
