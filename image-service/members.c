/*
 * members.c - image members, as Glance's: the projects a 'shared' image is
 * shared with (table image_members). The image's owner (or an
 * administrator) adds and removes members; each member project accepts or
 * rejects the image for itself. Members see the image whatever their
 * status (images.c's load_image); their image list shows it once accepted.
 *
 * Who sees which memberships, as Glance: the owner and administrators all
 * of them, a member only its own; others cannot see the image (404).
 * Errors are reported with gr_error and returned as -1, as every handler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_auth.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "imgsvc.h"

#define MEMBER_ID_MAX	255	/* Glance's column */
#define MEMBERS_MAX	128	/* Glance's image_member_quota */

#define MEMBER_COLS \
	"member, image_id, status, " GR_DB_ISO_Z("created_at") ", " \
	GR_DB_ISO_Z("updated_at")

static const char *const statuses[] = { "pending", "accepted", "rejected",
    NULL };

int
members_status_ok(const char *s)
{
	for (int i = 0; statuses[i]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

static json_t *
member_json(PGresult *r, int i)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
	    "member_id", PQgetvalue(r, i, 0), "image_id", PQgetvalue(r, i, 1),
	    "status", PQgetvalue(r, i, 2), "created_at", PQgetvalue(r, i, 3),
	    "updated_at", PQgetvalue(r, i, 4), "schema", "/v2/schemas/member");
}

static const char *
caller_project(struct gr_req *req)
{
	return gr_auth_of(req)->project_id;
}

/*
 * Image id as the caller may see it, and shared: 404 when it cannot see
 * it; otherwise 403 (or 404 when not_shared says so, as Glance's show)
 * unless its visibility is 'shared'. *mine: the caller owns it or is an
 * administrator.
 */
static int
shared_image(struct gr_req *req, const char *id, enum gr_err_code not_shared,
    int *mine)
{
	char vis[16];

	if (images_access(req, id, vis, mine) < 0)
		return -1;
	if (strcmp(vis, "shared") != 0) {
		gr_error(not_shared, "Image %s is %s: only shared images have "
		    "members (set its visibility to shared first).", id, vis);
		return -1;
	}
	return 0;
}

/* POST /v2/images/{id}/members {"member": PROJECT}: 200, pending. */
int
members_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = req->params[0], *member = NULL;
	json_t *body;
	int mine;

	if ((body = gr_req_json(req)) == NULL)
		return -1;
	if (json_object_get(body, "member") == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Name the project to share the "
		    "image with: {\"member\": \"PROJECT_ID\"}.");
		return -1;
	}
	if (gr_json_name(body, "member", 1, MEMBER_ID_MAX, &member) < 0 ||
	    shared_image(req, id, GR_ERR_FORBIDDEN, &mine) < 0)
		return -1;
	if (!mine) {
		gr_error(GR_ERR_FORBIDDEN, "Only the owner of image %s may share "
		    "it with other projects.", id);
		return -1;
	}
	/* One statement: the image is still shared and has room. */
	char max[12];
	snprintf(max, sizeof(max), "%d", MEMBERS_MAX);
	const char *p[3] = { id, member, max };
	r = gr_db_query("INSERT INTO image_members (image_id, member) SELECT "
	    "id, $2 FROM images WHERE id = $1 AND visibility = 'shared' AND "
	    "(SELECT count(*) FROM image_members WHERE image_id = $1) < "
	    "$3::integer RETURNING " MEMBER_COLS, 3, p);
	if (r == NULL) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "Project %s is already a member "
			    "of image %s.", member, id);
		return -1;
	}
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_TOO_LARGE, "Image %s already has %d members, the "
		    "most an image may have (or it stopped being shared "
		    "meanwhile).", id, MEMBERS_MAX);
		return -1;
	}
	gr_resp_json(resp, 200, member_json(r, 0));
	return 0;
}

/* GET /v2/images/{id}/members: all to the owner, its own to a member. */
int
members_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *id = req->params[0];
	json_t *list;
	int mine;

	if (shared_image(req, id, GR_ERR_FORBIDDEN, &mine) < 0)
		return -1;
	const char *p[3] = { id, caller_project(req), mine ? "t" : "f" };
	r = gr_db_query("SELECT " MEMBER_COLS " FROM image_members WHERE "
	    "image_id = $1 AND ($3 OR member = $2) ORDER BY created_at, member",
	    3, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, member_json(r, i));
	gr_resp_json(resp, 200, json_pack("{s:o,s:s}", "members", list,
	    "schema", "/v2/schemas/members"));
	return 0;
}

/* The 404 for a membership params[1] of image params[0] that is not. */
static int
not_member(struct gr_req *req)
{
	gr_error(GR_ERR_NOT_FOUND, "Project %.64s is not a member of image %s.",
	    req->params[1], req->params[0]);
	return -1;
}

/* 200 with the membership in r's first row, or the 404 if r has none. */
static int
member_reply(struct gr_req *req, struct gr_resp *resp, PGresult *r)
{
	if (PQntuples(r) == 0)
		return not_member(req);
	gr_resp_json(resp, 200, member_json(r, 0));
	return 0;
}

/*
 * The membership params[1] of image params[0] as the caller may see it
 * (another project's is 404 to a member). Returns the row or NULL.
 */
static PGresult *
load_member(struct gr_req *req, int mine)
{
	PGresult *r;
	const char *p[2] = { req->params[0], req->params[1] };

	if (!mine && strcmp(req->params[1], caller_project(req)) != 0)
		goto notfound;
	if ((r = gr_db_query("SELECT " MEMBER_COLS " FROM image_members WHERE "
	    "image_id = $1 AND member = $2", 2, p)) == NULL)
		return NULL;
	if (PQntuples(r) > 0)
		return r;
	PQclear(r);
notfound:
	not_member(req);
	return NULL;
}

/* GET /v2/images/{id}/members/{member}; 404 on an unshared image. */
int
members_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	int mine;

	if (shared_image(req, req->params[0], GR_ERR_NOT_FOUND, &mine) < 0 ||
	    (r = load_member(req, mine)) == NULL)
		return -1;
	return member_reply(req, resp, r);
}

/*
 * PUT /v2/images/{id}/members/{member} {"status": S}: the member project
 * itself (or an administrator) accepts, rejects or sets it back pending;
 * the owner may not decide for its members.
 */
int
members_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL, *u = NULL;
	const char *id = req->params[0], *status = NULL;
	json_t *body;
	int mine;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_str(body, "status", 1, 16, &status) < 0)
		return -1;
	if (!members_status_ok(status)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid member status '%.16s': it "
		    "must be pending, accepted or rejected.", status);
		return -1;
	}
	if (shared_image(req, id, GR_ERR_FORBIDDEN, &mine) < 0)
		return -1;
	if (mine && !gr_auth_of(req)->is_admin &&
	    strcmp(req->params[1], caller_project(req)) != 0) {
		gr_error(GR_ERR_FORBIDDEN, "The owner of image %s cannot accept "
		    "or reject it for project %.64s: the member project "
		    "decides.", id, req->params[1]);
		return -1;
	}
	if ((r = load_member(req, mine)) == NULL)
		return -1;
	const char *p[3] = { id, req->params[1], status };
	u = gr_db_query("UPDATE image_members SET status = $3, updated_at = "
	    "now() WHERE image_id = $1 AND member = $2 RETURNING " MEMBER_COLS,
	    3, p);
	if (u == NULL)
		return -1;
	return member_reply(req, resp, u);
}

/* DELETE /v2/images/{id}/members/{member}: the owner's; 204. */
int
members_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *d = NULL;
	const char *id = req->params[0];
	int mine;

	if (shared_image(req, id, GR_ERR_FORBIDDEN, &mine) < 0)
		return -1;
	if (!mine) {
		gr_error(GR_ERR_FORBIDDEN, "Only the owner of image %s may remove "
		    "its members.", id);
		return -1;
	}
	const char *p[2] = { id, req->params[1] };
	d = gr_db_query("DELETE FROM image_members WHERE image_id = $1 AND "
	    "member = $2", 2, p);
	if (d == NULL)
		return -1;
	if (gr_db_affected(d) == 0) {
		return not_member(req);
	}
	gr_resp_empty(resp, 204);
	return 0;
}

/* The member schema, as Glance's (without its UUID pattern for image_id:
 * an image's id here may be any name a client gave it). */
static json_t *
member_schema(void)
{
	return json_pack("{s:s,s:{s:{s:s,s:s},s:{s:s,s:s},s:{s:s,s:s},"
	    "s:{s:s,s:s},s:{s:s,s:s,s:[sss]},s:{s:b,s:s}}}",
	    "name", "member", "properties",
	    "member_id", "type", "string", "description",
	    "An identifier for the image member (tenantId)",
	    "image_id", "type", "string", "description",
	    "An identifier for the image",
	    "created_at", "type", "string", "description",
	    "Date and time of image member creation",
	    "updated_at", "type", "string", "description",
	    "Date and time of last modification of image member",
	    "status", "type", "string", "description",
	    "The status of this image member", "enum", "pending", "accepted",
	    "rejected",
	    "schema", "readOnly", 1, "type", "string");
}

/* GET /v2/schemas/member */
int
members_schema(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, member_schema());
	return 0;
}

/* GET /v2/schemas/members */
int
members_schemas(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:s,s:{s:{s:s,s:o},s:{s:s}},"
	    "s:[{s:s,s:s}]}", "name", "members", "properties", "members",
	    "type", "array", "items", member_schema(), "schema", "type",
	    "string", "links", "rel", "describedby", "href", "{schema}"));
	return 0;
}
