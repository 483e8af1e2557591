/*
 * server_metadata.c - /servers/{id}/metadata[/{key}], Nova's server
 * metadata at 2.1: the instance row's metadata object, read whole or by
 * key, merged (POST, and PUT of one key), replaced (PUT) or cut by a key
 * (DELETE). Bodies are checked as Nova's schema (keys of 1..255 of
 * [a-zA-Z0-9-_:. ], string values of at most 255 bytes: 400); more items
 * than the project's metadata_items quota is Nova's 403. A change needs
 * the instance unlocked (or an admin), with no task, in ACTIVE, PAUSED,
 * SUSPENDED or SHUTOFF: else 409. A write wins only over the metadata it
 * read, so two writers cannot lose each other's items silently.
 */
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "quotas.h"
#include "servers.h"

#define META_LEN_MAX	255
#define META_STATES	"active,paused,suspended,stopped"

/* Nova's key pattern ^[a-zA-Z0-9-_:. ]{1,255}$. */
static int
key_ok(const char *k)
{
	size_t n = strlen(k);

	if (n == 0 || n > META_LEN_MAX)
		return 0;
	return strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_:. ") == n;
}

int
server_check_metadata_items(json_t *m)
{
	const char *k;
	json_t *v;

	json_object_foreach(m, k, v) {
		if (!key_ok(k)) {
			gr_error(GR_ERR_BAD_REQUEST, "Invalid metadata key "
			    "'%.64s': 1 to 255 of a-z, A-Z, 0-9, '-', '_', ':', "
			    "'.' and space.", k);
			return -1;
		}
		if (!json_is_string(v) || json_string_length(v) >
		    META_LEN_MAX) {
			gr_error(GR_ERR_BAD_REQUEST, "The metadata value of "
			    "'%s' must be a string of at most 255 bytes.", k);
			return -1;
		}
	}
	return 0;
}

/* The body's one member `name`, a metadata object as Nova's schema has
 * it; with one_item, exactly one pair. Borrowed, or NULL with a 400. */
static json_t *
body_metadata(struct gr_req *req, const char *name, int one_item)
{
	const char *const known[] = { name, NULL };
	json_t *body, *m;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request body", known) < 0)
		return NULL;
	if (!json_is_object(m = json_object_get(body, name))) {
		gr_error(GR_ERR_BAD_REQUEST, "'%s' is a required object.", name);
		return NULL;
	}
	if (one_item && json_object_size(m) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "'%s' must hold exactly one "
		    "item.", name);
		return NULL;
	}
	if (server_check_metadata_items(m) < 0)
		return NULL;
	return m;
}

/* The instance's metadata (a new reference), or NULL. */
static json_t *
row_metadata(PGresult *r)
{
	json_t *m = json_loads(PQgetvalue(r, 0, I_META), 0, NULL);

	if (!json_is_object(m)) {
		json_decref(m);
		gr_error(GR_ERR_INTERNAL, "The metadata of instance %s is not "
		    "an object.", PQgetvalue(r, 0, I_ID));
		return NULL;
	}
	return m;
}

/* Instance r's metadata with add's items over it (a new reference), or
 * NULL. */
static json_t *
merged(PGresult *r, json_t *add)
{
	json_t *m = row_metadata(r);

	if (m)
		json_object_update(m, add);
	return m;
}

/*
 * Stores m (taken) as instance r's metadata if the instance may change
 * now and m is within the project's quota; action words the 409. On
 * success *out is m; else m is freed and -1 returned with the error.
 */
static int
store(struct gr_req *req, PGresult *r, const char *action, json_t *m,
    json_t **out)
{
	GR_AUTO_PGRES PGresult *u = NULL;
	GR_AUTOFREE char *text = NULL;
	const char *p[4] = { PQgetvalue(r, 0, I_ID), NULL,
	    PQgetvalue(r, 0, I_META), META_STATES };
	long limit;

	if (server_check_unlocked(req, r) < 0 ||
	    server_check_state(r, action, META_STATES) < 0 ||
	    quota_limit(PQgetvalue(r, 0, I_PROJECT), "metadata_items",
	    &limit) < 0)
		goto fail;
	if (limit >= 0 && (long)json_object_size(m) > limit) {
		gr_error(GR_ERR_FORBIDDEN, "Maximum number of metadata items "
		    "exceeds %ld", limit);
		goto fail;
	}
	p[1] = text = json_dumps(m, JSON_COMPACT);
	u = gr_db_query("UPDATE instances SET metadata = $2::jsonb, updated_at "
	    "= now() WHERE id = $1 AND metadata = $3::jsonb AND task_state IS "
	    "NULL AND vm_state = ANY (string_to_array($4, ',')) AND NOT deleted", 4, p);
	if (u == NULL)
		goto fail;
	if (gr_db_affected(u) == 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s changed while its "
		    "metadata was written; try again.", PQgetvalue(r, 0, I_ID));
		goto fail;
	}
	*out = m;
	return 0;
fail:
	json_decref(m);
	return -1;
}

/* POST (merge) or PUT (replace) of the whole metadata. */
static int
write_all(struct gr_req *req, struct gr_resp *resp, int replace)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *m, *now;

	if ((m = body_metadata(req, "metadata", 0)) == NULL ||
	    (r = server_load(req, req->params[0])) == NULL)
		return -1;
	now = replace ? json_deep_copy(m) : merged(r, m);
	if (now == NULL || store(req, r, "update metadata", now, &now) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "metadata", now));
	return 0;
}

int
server_metadata_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = server_load(req, req->params[0]);
	json_t *m;

	if (r == NULL || (m = row_metadata(r)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "metadata", m));
	return 0;
}

int
server_metadata_merge(struct gr_req *req, struct gr_resp *resp)
{
	return write_all(req, resp, 0);
}

int
server_metadata_replace(struct gr_req *req, struct gr_resp *resp)
{
	return write_all(req, resp, 1);
}

/* Loads the path's instance into *r (the caller PQclear()s it) and
 * returns its metadata when it has the path's key; NULL with a 404
 * (Nova's sentence) or another error. */
static json_t *
load_with_key(struct gr_req *req, PGresult **r)
{
	json_t *m;

	if ((*r = server_load(req, req->params[0])) == NULL ||
	    (m = row_metadata(*r)) == NULL)
		return NULL;
	if (json_object_get(m, req->params[1]) == NULL) {
		json_decref(m);
		gr_error(GR_ERR_NOT_FOUND, "Metadata item was not found");
		return NULL;
	}
	return m;
}

int
server_metadata_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *key = req->params[1];
	json_t *m;

	if ((m = load_with_key(req, &r)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:O}}", "meta", key,
	    json_object_get(m, key)));
	json_decref(m);
	return 0;
}

/* PUT /servers/{id}/metadata/{key} {"meta": {key: value}}: the one item,
 * whose key must be the path's. */
int
server_metadata_set(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *key = req->params[1];
	json_t *item, *m;

	if ((item = body_metadata(req, "meta", 1)) == NULL)
		return -1;
	if (json_object_get(item, key) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Request body and URI mismatch");
		return -1;
	}
	if ((r = server_load(req, req->params[0])) == NULL ||
	    (m = merged(r, item)) == NULL ||
	    store(req, r, "update metadata", m, &m) < 0)
		return -1;
	json_decref(m);
	gr_resp_json(resp, 200, json_pack("{s:O}", "meta", item));
	return 0;
}

int
server_metadata_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *m;

	if ((m = load_with_key(req, &r)) == NULL)
		return -1;
	json_object_del(m, req->params[1]);
	if (store(req, r, "delete metadata", m, &m) < 0)
		return -1;
	json_decref(m);
	gr_resp_empty(resp, 204);
	return 0;
}
