/*
 * server_tags.c - /servers/{id}/tags[/{tag}], Nova's server tags from
 * microversion 2.26 (404 below, as a route the version does not have):
 * list, replace all (PUT), delete all, check one (204 or 404), add one
 * (201 with its Location, 204 if it was there) and delete one. A tag is
 * 1..60 characters without '/' or ','; a server has at most 50. Tags
 * change in ACTIVE, BUILD, PAUSED, SHUTOFF and SUSPENDED (Nova's valid
 * states), else 409; a write wins only over the tags it read.
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "microversion.h"
#include "server_tags.h"
#include "servers.h"

#define TAG_LEN_MAX	60
#define TAGS_MAX	50
/* Nova's _check_instance_in_valid_state for tags (no task required). */
#define TAG_STATES	"active,building,paused,stopped,suspended"

int
server_tag_check(const char *tag)
{
	size_t n = gr_utf8_chars(tag);

	if (n == 0 || n > TAG_LEN_MAX || !gr_utf8_valid(tag, strlen(tag)) ||
	    strpbrk(tag, "/,") != NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid tag '%.64s': a tag is 1 "
		    "to %d characters, without '/' or ','.", tag, TAG_LEN_MAX);
		return -1;
	}
	return 0;
}

int
server_tags_check(json_t *tags)
{
	size_t i;
	json_t *t;

	if (!json_is_array(tags)) {
		gr_error(GR_ERR_BAD_REQUEST, "tags must be a list of strings.");
		return -1;
	}
	if (json_array_size(tags) > TAGS_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "At most %d tags are allowed on a "
		    "server; %zu were given.", TAGS_MAX, json_array_size(tags));
		return -1;
	}
	json_array_foreach(tags, i, t) {
		if (!json_is_string(t)) {
			gr_error(GR_ERR_BAD_REQUEST, "tags must be a list of "
			    "strings; item %zu is not one.", i);
			return -1;
		}
		if (server_tag_check(json_string_value(t)) < 0)
			return -1;
	}
	return 0;
}

json_t *
server_tags_unique(json_t *tags)
{
	json_t *out = json_array(), *t, *u;
	size_t i, k;

	json_array_foreach(tags, i, t) {
		int seen = 0;

		json_array_foreach(out, k, u)
			seen |= json_equal(t, u);
		if (!seen)
			json_array_append(out, t);
	}
	return out;
}

/* The path's server, if the request's microversion has tags: else 404 as
 * Nova answers a route its version lacks. The caller PQclear()s it. */
static PGresult *
load(struct gr_req *req)
{
	if (compute_microversion(req) < 26) {
		gr_error(GR_ERR_NOT_FOUND, "Server tags need microversion 2.26 "
		    "or later.");
		return NULL;
	}
	return server_load(req, req->params[0]);
}

static json_t *
row_tags(PGresult *r)
{
	json_t *t = json_loads(PQgetvalue(r, 0, I_TAGS), 0, NULL);

	return t ? t : json_array();
}

/* Stores tags (borrowed) if the server may change now and still has the
 * tags r was read with. 0, or -1 with a 409 or a database error. */
static int
store(PGresult *r, json_t *tags)
{
	GR_AUTO_PGRES PGresult *u = NULL;
	GR_AUTOFREE char *text = json_dumps(tags, JSON_COMPACT);
	const char *p[4] = { PQgetvalue(r, 0, I_ID), text,
	    PQgetvalue(r, 0, I_TAGS), TAG_STATES };

	if (server_check_state_any_task(r, "update tags", TAG_STATES) < 0)
		return -1;
	u = gr_db_query("UPDATE instances SET tags = $2::jsonb, updated_at = "
	    "now() WHERE id = $1 AND tags = $3::jsonb AND NOT deleted", 3, p);
	if (u == NULL)
		return -1;
	if (gr_db_affected(u) == 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s changed while its tags "
		    "were written; try again.", PQgetvalue(r, 0, I_ID));
		return -1;
	}
	return 0;
}

int
server_tags_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "tags", row_tags(r)));
	return 0;
}

/* PUT /servers/{id}/tags {"tags": [...]}: the whole set, repeats kept
 * once. */
int
server_tags_replace(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "tags", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *tags;

	if ((r = load(req)) == NULL || (body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request body", known) < 0)
		return -1;
	if ((tags = json_object_get(body, "tags")) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "'tags' is a required property.");
		return -1;
	}
	if (server_tags_check(tags) < 0)
		return -1;
	tags = server_tags_unique(tags);
	if (store(r, tags) < 0) {
		json_decref(tags);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "tags", tags));
	return 0;
}

int
server_tags_clear(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);
	GR_AUTO_JSON json_t *none = json_array();

	if (r == NULL || store(r, none) < 0)
		return -1;
	gr_resp_empty(resp, 204);
	return 0;
}

/* The index of tag in tags, or -1. */
static int
tag_index(json_t *tags, const char *tag)
{
	size_t i;
	json_t *t;

	json_array_foreach(tags, i, t)
		if (strcmp(json_string_value(t), tag) == 0)
			return (int)i;
	return -1;
}

int
server_tag_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);
	GR_AUTO_JSON json_t *tags = NULL;

	if (r == NULL)
		return -1;
	tags = row_tags(r);
	if (tag_index(tags, req->params[1]) < 0) {
		gr_error(GR_ERR_NOT_FOUND, "Tag %.64s could not be found on "
		    "server %s.", req->params[1], req->params[0]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

int
server_tag_add(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *tags = NULL;
	char loc[512];

	if ((r = load(req)) == NULL || server_tag_check(req->params[1]) < 0)
		return -1;
	tags = row_tags(r);
	if (tag_index(tags, req->params[1]) >= 0) {
		gr_resp_empty(resp, 204);
		return 0;
	}
	if (json_array_size(tags) >= TAGS_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The number of tags exceeded the "
		    "per-server limit %d.", TAGS_MAX);
		return -1;
	}
	json_array_append_new(tags, json_string(req->params[1]));
	if (store(r, tags) < 0)
		return -1;
	snprintf(loc, sizeof(loc), "http://%s:%ld/v2.1/servers/%s/tags/%s",
	    ctl.public_host, ctl.compute_port, req->params[0], req->params[1]);
	gr_resp_empty(resp, 201);
	gr_resp_header(resp, "Location", loc);
	return 0;
}

int
server_tag_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req);
	GR_AUTO_JSON json_t *tags = NULL;
	int i;

	if (r == NULL)
		return -1;
	tags = row_tags(r);
	if ((i = tag_index(tags, req->params[1])) < 0) {
		gr_error(GR_ERR_NOT_FOUND, "Tag %.64s could not be found on "
		    "server %s.", req->params[1], req->params[0]);
		return -1;
	}
	json_array_remove(tags, (size_t)i);
	if (store(r, tags) < 0)
		return -1;
	gr_resp_empty(resp, 204);
	return 0;
}
