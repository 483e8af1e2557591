/*
 * identity.c - Identity v3 (the subset the openstack CLI uses): version
 * documents, tokens (auth.c), domains, projects, users, roles and role
 * assignments. Writes are single statements or one transaction, so a
 * refused request writes nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "ctl.h"
#include "gr_auth.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "identity.h"

#define NAME_MAX_LEN	255	/* Keystone's limit on user and role names */
#define PROJECT_NAME_MAX 64	/* ...and on project (and domain) names */
#define DESC_MAX_LEN	4096
#define PASSWORD_MAX	4096
#define EXTRA_MAX	16	/* extra attributes kept per object */

static json_t *
links_self(const char *kind, const char *id)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/v3/%s%s%s", ctl.public_host,
	    ctl.identity_port, kind, id ? "/" : "", id ? id : "");
	return json_pack("{s:s}", "self", url);
}

static json_t *
list_links(const char *kind)
{
	json_t *l = links_self(kind, NULL);

	json_object_set_new(l, "next", json_null());
	json_object_set_new(l, "previous", json_null());
	return l;
}

static json_t *
version_json(void)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/v3/", ctl.public_host,
	    ctl.identity_port);
	return json_pack("{s:s,s:s,s:s,s:[{s:s,s:s}],s:[{s:s,s:s}]}",
	    "id", "v3.14", "status", "stable", "updated", "2020-04-07T00:00:00Z",
	    "links", "rel", "self", "href", url,
	    "media-types", "base", "application/json", "type",
	    "application/vnd.openstack.identity-v3+json");
}

static int
get_version(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:o}", "version", version_json()));
	return 0;
}

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 300, json_pack("{s:{s:[o]}}", "versions", "values",
	    version_json()));
	return 0;
}

static int
new_id(char id[33])
{
	return gr_random_hex(id, 16);
}

/* Keeps extra string attributes (email...) that Keystone round-trips;
 * refuses other unknown members so typos are not silently dropped. */
static int
collect_extra(json_t *obj, const char *what, const char *const *known,
    json_t **extra)
{
	const char *key;
	json_t *v;

	*extra = json_object();
	json_object_foreach(obj, key, v) {
		int k = 0;

		for (const char *const *a = known; *a; a++)
			if (strcmp(*a, key) == 0)
				k = 1;
		if (k)
			continue;
		if (!json_is_string(v) && !json_is_null(v)) {
			gr_error(GR_ERR_BAD_REQUEST, "The %s has an unknown field "
			    "'%s'; extra fields must be strings.", what, key);
			goto fail;
		}
		if (json_object_size(*extra) >= EXTRA_MAX ||
		    json_string_length(v) > DESC_MAX_LEN) {
			gr_error(GR_ERR_BAD_REQUEST, "The %s has too many or too "
			    "long extra fields (at most %d of %d bytes).", what,
			    EXTRA_MAX, DESC_MAX_LEN);
			goto fail;
		}
		if (gr_check_name("extra field name", key, 64) < 0)
			goto fail;
		if (!json_is_null(v))
			json_object_set(*extra, key, v);
	}
	return 0;
fail:
	json_decref(*extra);
	*extra = NULL;
	return -1;
}

/* Fails with code (Keystone: 404 for a user's, 400 for a project's)
 * naming the domain unless it exists. */
static int
domain_exists(const char *id, enum gr_err_code code)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	if ((r = gr_db_query("SELECT 1 FROM domains WHERE id = $1", 1, p)) ==
	    NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(code, "Could not find domain '%s'.", id);
		return -1;
	}
	return 0;
}

/*
 * The "domain_id" of a new project or user: one that exists (else the
 * error code missing), by default the token's domain if it is scoped to
 * one, else "default", as Keystone's. On update (old: the current one) it
 * cannot change.
 */
static int
domain_field(json_t *obj, struct gr_req *req, const char *old,
    enum gr_err_code missing, const char **out)
{
	const char *d = NULL;

	if (gr_json_str(obj, "domain_id", 0, 64, &d) < 0)
		return -1;
	if (old) {
		if (d && strcmp(d, old) != 0) {
			gr_error(GR_ERR_BAD_REQUEST, "Cannot change Domain ID: "
			    "'%s' belongs to the domain '%s'.", req->params[0],
			    old);
			return -1;
		}
		return 0;
	}
	if (d == NULL)
		d = gr_auth_of(req)->domain_id[0] ? gr_auth_of(req)->domain_id :
		    "default";
	*out = d;
	return domain_exists(d, missing);
}

/* The domain_id of row id of table sql ("SELECT domain_id ... $1"), into
 * dom; a 404 naming what if there is none. */
static int
current_domain(const char *sql, const char *what, const char *id,
    char dom[65])
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	if ((r = gr_db_query(sql, 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find %s '%s'.", what, id);
		return -1;
	}
	snprintf(dom, 65, "%s", PQgetvalue(r, 0, 0));
	return 0;
}

/* The "name" of a project, user or role, counted as Keystone counts it:
 * in characters (its schemas' maxLength), at most max of them. */
static int
name_field(json_t *obj, int required, size_t max, const char **out)
{
	int ret = gr_json_str(obj, "name", required, (size_t)-1, out);
	size_t n;

	if (ret != 1)
		return ret;
	if ((n = gr_utf8_chars(*out)) > max) {
		gr_error(GR_ERR_BAD_REQUEST, "The name is %zu characters long; at "
		    "most %zu are allowed.", n, max);
		return -1;
	}
	return gr_check_name("name", *out, 4 * max) < 0 ? -1 : 1;
}

/* An object's extra attributes (the JSON text in column col of row i)
 * overlaid with its fields (taken). */
static json_t *
with_extra(PGresult *r, int i, int col, json_t *fields)
{
	json_t *o = json_loads(PQgetvalue(r, i, col), 0, NULL);

	if (o == NULL)
		o = json_object();
	json_object_update_new(o, fields);
	return o;
}

/* Answers {key: [row(r, i)...], links} for a statement's rows (r NULL:
 * it failed), the list's self link self. */
static int
rows_reply(PGresult *r, const char *key, json_t *(*row)(PGresult *, int),
    const char *self, struct gr_resp *resp)
{
	json_t *list;

	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, row(r, i));
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", key, list, "links",
	    list_links(self)));
	return 0;
}

/* Re-words a unique violation as a sentence about the named thing. */
static int
conflict(const char *what, const char *name)
{
	if (gr_err_code() == GR_ERR_CONFLICT)
		gr_error(GR_ERR_CONFLICT, "A %s named '%s' already exists.", what,
		    name);
	return -1;
}

/* ---- projects ---- */

/* The columns project_json reads, from projects as n. */
#define PROJECT_COLS "n.id, n.name, n.domain_id, n.description, n.enabled, " \
	"n.tags, n.extra, n.parent_id"

static json_t *
project_json(PGresult *r, int i)
{
	return with_extra(r, i, 6, json_pack("{s:s,s:s,s:s,s:s,s:b,s:b,s:s,s:o,"
	    "s:{},s:o}",
	    "id", PQgetvalue(r, i, 0), "name", PQgetvalue(r, i, 1),
	    "domain_id", PQgetvalue(r, i, 2),
	    "description", PQgetvalue(r, i, 3),
	    "enabled", PQgetvalue(r, i, 4)[0] == 't',
	    "is_domain", 0, "parent_id", PQgetvalue(r, i,
	    PQgetisnull(r, i, 7) ? 2 : 7),
	    "tags", json_loads(PQgetvalue(r, i, 5), 0, NULL),
	    "options",
	    "links", links_self("projects", PQgetvalue(r, i, 0))));
}

/* A body's optional "tags": at most 80 strings without '/' or ','; *tags
 * NULL if there are none. */
static int
tags_field(json_t *obj, json_t **tags)
{
	*tags = json_object_get(obj, "tags");
	if (*tags == NULL || json_is_null(*tags)) {
		*tags = NULL;
		return 0;
	}
	if (!json_is_array(*tags) || json_array_size(*tags) > 80) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'tags' must be a list of "
		    "at most 80 strings.");
		return -1;
	}
	for (size_t i = 0; i < json_array_size(*tags); i++) {
		json_t *t = json_array_get(*tags, i);

		if (!json_is_string(t) || strpbrk(json_string_value(t), "/,")) {
			gr_error(GR_ERR_BAD_REQUEST, "Each tag must be a string "
			    "without '/' or ','.");
			return -1;
		}
		if (gr_check_name("tag", json_string_value(t), 255) < 0)
			return -1;
	}
	return 0;
}

/* Reads the fields of a project body shared by create and update. */
static int
project_fields(json_t *p, struct gr_req *req, const char *old,
    const char **dom, const char **parent, const char **name,
    const char **desc, int *enabled, json_t **tags, json_t **extra)
{
	int creating = old == NULL, is_domain = 0;
	static const char *const known[] = { "name", "description", "enabled",
	    "domain_id", "tags", "parent_id", "is_domain", "options", "id",
	    "links", NULL };

	if (name_field(p, creating, PROJECT_NAME_MAX, name) < 0 ||
	    gr_json_str(p, "description", 0, DESC_MAX_LEN, desc) < 0 ||
	    gr_json_bool(p, "enabled", 0, enabled) < 0 ||
	    gr_json_str(p, "parent_id", 0, 64, parent) < 0 ||
	    gr_json_bool(p, "is_domain", 0, &is_domain) < 0 ||
	    domain_field(p, req, old, GR_ERR_BAD_REQUEST, dom) < 0)
		return -1;
	if (is_domain) {
		gr_error(GR_ERR_BAD_REQUEST, creating ? "A project cannot act as "
		    "a domain here: create domains with POST /v3/domains." :
		    "Update of `is_domain` is not allowed.");
		return -1;
	}
	if (tags_field(p, tags) < 0)
		return -1;
	return collect_extra(p, "project", known, extra);
}

/* ---- the project hierarchy ---- */

#define MAX_TREE_DEPTH	5	/* Keystone's max_project_tree_depth */

/* The ancestors of project $1 (not itself), nearest first: id, depth. */
#define ANCESTORS "WITH RECURSIVE up (id, depth) AS (SELECT parent_id, 1 " \
	"FROM projects WHERE id = $1 AND parent_id IS NOT NULL UNION ALL " \
	"SELECT p.parent_id, up.depth + 1 FROM projects p JOIN up ON p.id = " \
	"up.id WHERE p.parent_id IS NOT NULL) "
/* Its descendants, the shallowest first: id, depth. */
#define DESCENDANTS "WITH RECURSIVE down (id, depth) AS (SELECT id, 1 " \
	"FROM projects WHERE parent_id = $1 UNION ALL SELECT p.id, " \
	"down.depth + 1 FROM projects p JOIN down ON p.parent_id = down.id) "

/*
 * Where a new project of domain dom goes (parent, as sent): none or the
 * domain's id is the top of the domain (stored as NULL); else a project of
 * the same domain, enabled all the way up, leaving the new one at most
 * MAX_TREE_DEPTH deep. Keystone's answers: 400, or 403 for the depth.
 */
static int
parent_check(const char *parent, const char *dom)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { parent };

	if (parent == NULL || strcmp(parent, dom) == 0)
		return 0;
	r = gr_db_query(ANCESTORS "SELECT EXISTS (SELECT 1 FROM domains WHERE "
	    "id = $1), p.domain_id, (SELECT count(*) FROM up), p.enabled AND "
	    "NOT EXISTS (SELECT 1 FROM projects a JOIN up ON a.id = up.id WHERE "
	    "NOT a.enabled) FROM (SELECT NULL) x LEFT JOIN projects p ON p.id = "
	    "$1", 1, p);
	if (r == NULL)
		return -1;
	if (PQgetvalue(r, 0, 0)[0] == 't') {
		gr_error(GR_ERR_BAD_REQUEST, "Cannot create project, the parent "
		    "(%s) is acting as a domain, but this project's domain id "
		    "(%s) does not match the parent's id.", parent, dom);
		return -1;
	}
	if (PQgetisnull(r, 0, 1)) {
		gr_error(GR_ERR_BAD_REQUEST, "Could not find the parent project "
		    "'%s'.", parent);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 1), dom) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Cannot create project, since it "
		    "specifies its domain_id %s, but specifies a parent in a "
		    "different domain (%s).", dom, PQgetvalue(r, 0, 1));
		return -1;
	}
	if (PQgetvalue(r, 0, 3)[0] != 't') {
		gr_error(GR_ERR_BAD_REQUEST, "Cannot create a project in a branch "
		    "containing a disabled project: '%s' or one above it is "
		    "disabled.", parent);
		return -1;
	}
	/* the parent's ancestors, the parent, the new project */
	if (atoi(PQgetvalue(r, 0, 2)) + 2 > MAX_TREE_DEPTH) {
		gr_error(GR_ERR_FORBIDDEN, "Max hierarchy depth reached for %s "
		    "branch: projects nest at most %d deep.", parent,
		    MAX_TREE_DEPTH);
		return -1;
	}
	return 0;
}

/* What an update of a project must respect of its place in the tree. */
struct tree_place {
	char	domain_id[65];
	char	parent_id[65];		/* the domain's id at the top */
	int	enabled_below;		/* an enabled project under it */
	int	disabled_above;		/* a disabled one over it */
};

static int
tree_place_of(const char *id, struct tree_place *at)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	r = gr_db_query("SELECT domain_id, coalesce(parent_id, domain_id), "
	    "EXISTS (" DESCENDANTS "SELECT 1 FROM projects c JOIN down ON c.id = "
	    "down.id WHERE c.enabled), EXISTS (" ANCESTORS "SELECT 1 FROM "
	    "projects a JOIN up ON a.id = up.id WHERE NOT a.enabled) FROM "
	    "projects WHERE id = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find project '%s'.", id);
		return -1;
	}
	snprintf(at->domain_id, sizeof(at->domain_id), "%s", PQgetvalue(r, 0,
	    0));
	snprintf(at->parent_id, sizeof(at->parent_id), "%s", PQgetvalue(r, 0,
	    1));
	at->enabled_below = PQgetvalue(r, 0, 2)[0] == 't';
	at->disabled_above = PQgetvalue(r, 0, 3)[0] == 't';
	return 0;
}

/* Keystone's rules for an update: the parent stays; a project is
 * disabled only after all below it, enabled only under enabled ones. */
static int
tree_update_check(const char *id, const struct tree_place *at,
    const char *parent, int enabled)
{
	if (parent && strcmp(parent, at->parent_id) != 0) {
		gr_error(GR_ERR_FORBIDDEN, "Update of `parent_id` is not "
		    "allowed.");
		return -1;
	}
	if (enabled == 0 && at->enabled_below) {
		gr_error(GR_ERR_FORBIDDEN, "Cannot disable project %s since its "
		    "subtree contains enabled projects.", id);
		return -1;
	}
	if (enabled == 1 && at->disabled_above) {
		gr_error(GR_ERR_FORBIDDEN, "Cannot enable project %s since it has "
		    "disabled parents.", id);
		return -1;
	}
	return 0;
}

/* Empty objects (leaves) become null, as Keystone's *_as_ids show them. */
static json_t *
leaves_null(json_t *o)
{
	const char *k;
	json_t *v;

	if (json_object_size(o) == 0) {
		json_decref(o);
		return json_null();
	}
	json_object_foreach(o, k, v)
		json_object_set_new(o, k, leaves_null(json_incref(v)));
	return o;
}

/* {child: {grandchild: null, ...}, ...} from rows (id, parent_id) of
 * descendants of root in breadth order; null if there are none. */
static json_t *
subtree_ids(PGresult *r, const char *root)
{
	json_t *top = json_object(), *idx = json_object();

	for (int i = 0; i < PQntuples(r); i++) {
		const char *par = PQgetvalue(r, i, 1);
		json_t *at = strcmp(par, root) == 0 ? top :
		    json_object_get(idx, par), *c = json_object();

		if (at)
			json_object_set(at, PQgetvalue(r, i, 0), c);
		json_object_set_new(idx, PQgetvalue(r, i, 0), c);
	}
	json_decref(idx);
	return leaves_null(top);
}

/* {parent: {grandparent: ... {domain: null}}} from ancestor rows (id),
 * nearest first. */
static json_t *
parents_ids(PGresult *r, const char *dom)
{
	json_t *o = json_pack("{s:n}", dom);

	for (int i = PQntuples(r) - 1; i >= 0; i--)
		o = json_pack("{s:o}", PQgetvalue(r, i, 0), o);
	return o;
}

/* The rows of a tree query as a list of projects. */
static json_t *
projects_of(PGresult *r)
{
	json_t *list = json_array();

	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, project_json(r, i));
	return list;
}

/*
 * GET /v3/projects/{id}'s ?parents_as_list, ?parents_as_ids,
 * ?subtree_as_list, ?subtree_as_ids, added to proj as Keystone adds them:
 * the lists hold only the projects the caller holds a role on; the ids
 * every one, the parents' ending at the domain.
 */
static int
project_tree(struct gr_req *req, const char *dom, json_t *proj)
{
	const char *p[2] = { req->params[0], gr_auth_of(req)->user_id };
	int pl = gr_req_has_query(req, "parents_as_list"),
	    pi = gr_req_has_query(req, "parents_as_ids"),
	    sl = gr_req_has_query(req, "subtree_as_list"),
	    si = gr_req_has_query(req, "subtree_as_ids");
	PGresult *r;

	if ((pl && pi) || (sl && si)) {
		gr_error(GR_ERR_BAD_REQUEST, "Cannot use %s_as_list and "
		    "%s_as_ids query params at the same time.", pl && pi ?
		    "parents" : "subtree", pl && pi ? "parents" : "subtree");
		return -1;
	}
	if (pl || pi) {
		r = gr_db_query(pl ? ANCESTORS "SELECT " PROJECT_COLS " FROM up "
		    "JOIN projects n ON n.id = up.id WHERE n.id IN (SELECT "
		    "project_id FROM user_project_roles WHERE user_id = $2) ORDER "
		    "BY up.depth" : ANCESTORS "SELECT id FROM up WHERE $2::text "
		    "IS NOT NULL ORDER BY depth", 2, p);
		if (r == NULL)
			return -1;
		json_object_set_new(proj, "parents", pl ? projects_of(r) :
		    parents_ids(r, dom));
		PQclear(r);
	}
	if (sl || si) {
		r = gr_db_query(sl ? DESCENDANTS "SELECT " PROJECT_COLS " FROM "
		    "down JOIN projects n ON n.id = down.id WHERE n.id IN (SELECT "
		    "project_id FROM user_project_roles WHERE user_id = $2) ORDER "
		    "BY down.depth, n.name" : DESCENDANTS "SELECT n.id, "
		    "n.parent_id FROM down JOIN projects n ON n.id = down.id "
		    "WHERE $2::text IS NOT NULL ORDER BY down.depth, n.name", 2, p);
		if (r == NULL)
			return -1;
		json_object_set_new(proj, "subtree", sl ? projects_of(r) :
		    subtree_ids(r, req->params[0]));
		PQclear(r);
	}
	return 0;
}

/* A project with projects under it is not deleted (Keystone's 403); the
 * check and the delete are one statement. */
static int
tree_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	r = gr_db_query("WITH x AS (DELETE FROM projects WHERE id = $1 AND NOT "
	    "EXISTS (SELECT 1 FROM projects WHERE parent_id = $1) RETURNING 1) "
	    "SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1), (SELECT "
	    "count(*) FROM x)", 1, p);
	if (r == NULL)
		return -1;
	if (PQgetvalue(r, 0, 0)[0] != 't') {
		gr_error(GR_ERR_NOT_FOUND, "Could not find project '%s'.", p[0]);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 1), "0") == 0) {
		gr_error(GR_ERR_FORBIDDEN, "Cannot delete the project %s since it "
		    "is not a leaf in the hierarchy: delete the projects under it "
		    "first.", p[0]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

static int
project_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *extra = NULL;
	json_t *body, *p, *tags;
	const char *name = NULL, *desc = "", *dom = NULL, *parent = NULL;
	int enabled = 1;
	char id[33];
	GR_AUTOFREE char *tagstr = NULL, *extrastr = NULL;

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "project", 1, &p) < 0 ||
	    project_fields(p, req, NULL, &dom, &parent, &name, &desc, &enabled,
	    &tags, &extra) < 0 || parent_check(parent, dom) < 0 ||
	    new_id(id) < 0)
		return -1;
	tagstr = tags ? json_dumps(tags, JSON_COMPACT) : gr_xstrdup("[]");
	extrastr = json_dumps(extra, JSON_COMPACT);
	const char *prm[8] = { id, name, desc ? desc : "", enabled ? "t" : "f",
	    tagstr, extrastr, dom, parent && strcmp(parent, dom) != 0 ? parent :
	    NULL };
	r = gr_db_query("WITH n AS (INSERT INTO projects (id, name, "
	    "description, enabled, tags, extra, domain_id, parent_id) VALUES "
	    "($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *) SELECT " PROJECT_COLS
	    " FROM n", 8, prm);
	if (r == NULL)
		return conflict("project", name);
	gr_resp_json(resp, 201, json_pack("{s:o}", "project",
	    project_json(r, 0)));
	return 0;
}

static int
project_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *name = gr_req_query(req, "name");
	const char *en = gr_req_query(req, "enabled");
	const char *p[4] = { name, en ? (strcasecmp(en, "false") == 0 ||
	    strcmp(en, "0") == 0 ? "f" : "t") : NULL,
	    gr_req_query(req, "domain_id"), gr_req_query(req, "parent_id") };

	r = gr_db_query("SELECT " PROJECT_COLS " FROM projects n"
	    " WHERE ($1::text IS NULL OR n.name = $1) AND ($2::boolean IS NULL "
	    "OR n.enabled = $2) AND ($3::text IS NULL OR n.domain_id = $3) "
	    "AND ($4::text IS NULL OR coalesce(n.parent_id, n.domain_id) = $4) "
	    "ORDER BY n.name, n.domain_id", 4, p);
	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "projects",
	    projects_of(r), "links", list_links("projects")));
	return 0;
}

/* Projects the caller holds a role on (GET /v3/auth/projects and
 * /v3/users/{id}/projects). */
static int
projects_of_user(const char *uid, const char *self, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { uid };

	r = gr_db_query("SELECT " PROJECT_COLS " FROM projects n"
	    " WHERE n.id IN (SELECT project_id FROM user_project_roles WHERE "
	    "user_id = $1) ORDER BY n.name", 1, p);
	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "projects",
	    projects_of(r), "links", list_links(self)));
	return 0;
}

static int
auth_projects(struct gr_req *req, struct gr_resp *resp)
{
	return projects_of_user(gr_auth_of(req)->user_id, "auth/projects", resp);
}

static int
project_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };
	json_t *proj;

	/* Members may read their own project; others' are 404 to them. */
	if (!gr_auth_of(req)->is_admin && strcmp(req->params[0],
	    gr_auth_of(req)->project_id) != 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find project '%s'.",
		    req->params[0]);
		return -1;
	}
	r = gr_db_query("SELECT " PROJECT_COLS " FROM projects n"
	    " WHERE n.id = $1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find project '%s'.",
		    req->params[0]);
		return -1;
	}
	if ((proj = project_json(r, 0)) == NULL ||
	    project_tree(req, PQgetvalue(r, 0, 2), proj) < 0) {
		json_decref(proj);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "project", proj));
	return 0;
}

static int
project_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *extra = NULL;
	json_t *body, *p, *tags;
	const char *name = NULL, *desc = NULL, *dom = NULL, *parent = NULL;
	int enabled = -1;
	GR_AUTOFREE char *tagstr = NULL, *extrastr = NULL;
	struct tree_place at;

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "project", 1, &p) < 0 ||
	    tree_place_of(req->params[0], &at) < 0 ||
	    project_fields(p, req, at.domain_id, &dom, &parent, &name, &desc,
	    &enabled, &tags, &extra) < 0 ||
	    tree_update_check(req->params[0], &at, parent, enabled) < 0)
		return -1;
	tagstr = tags ? json_dumps(tags, JSON_COMPACT) : NULL;
	extrastr = json_dumps(extra, JSON_COMPACT);
	const char *prm[6] = { req->params[0], name, desc, enabled < 0 ? NULL :
	    enabled ? "t" : "f", tagstr, extrastr };
	r = gr_db_query("WITH n AS (UPDATE projects SET name = coalesce($2, "
	    "name), description = coalesce($3, description), enabled = "
	    "coalesce($4::boolean, enabled), tags = coalesce($5::jsonb, tags), "
	    "extra = extra || $6::jsonb WHERE id = $1 RETURNING *) SELECT "
	    PROJECT_COLS " FROM n", 6, prm);
	if (r == NULL)
		return conflict("project", name);
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find project '%s'.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "project",
	    project_json(r, 0)));
	return 0;
}

/* DELETE on a table by id, with a 404 naming the kind. */
static int
delete_by_id(const char *sql, const char *what, struct gr_req *req,
    struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if ((r = gr_db_query(sql, 1, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find %s '%s'.", what,
		    req->params[0]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

static int
project_delete(struct gr_req *req, struct gr_resp *resp)
{
	if (strcmp(req->params[0], gr_auth_of(req)->project_id) == 0) {
		gr_error(GR_ERR_CONFLICT, "A project cannot delete itself: use a "
		    "token scoped to another project.");
		return -1;
	}
	return tree_delete(req, resp);
}

/* ---- users ---- */

#define USER_COLS "id, name, domain_id, default_project_id, enabled, extra"

static json_t *
user_json(PGresult *r, int i)
{
	json_t *u = with_extra(r, i, 5,
	    json_pack("{s:s,s:s,s:s,s:b,s:n,s:{},s:o}",
	    "id", PQgetvalue(r, i, 0), "name", PQgetvalue(r, i, 1),
	    "domain_id", PQgetvalue(r, i, 2),
	    "enabled", PQgetvalue(r, i, 4)[0] == 't',
	    "password_expires_at", "options",
	    "links", links_self("users", PQgetvalue(r, i, 0))));
	if (!PQgetisnull(r, i, 3))
		json_object_set_new(u, "default_project_id",
		    json_string(PQgetvalue(r, i, 3)));
	return u;
}

static int
user_fields(json_t *u, struct gr_req *req, const char *old, const char **dom,
    const char **name, const char **pw, const char **proj, int *enabled,
    json_t **extra)
{
	int creating = old == NULL;
	static const char *const known[] = { "name", "password", "enabled",
	    "domain_id", "default_project_id", "description", "options", "id",
	    "links", NULL };
	const char *desc = NULL;

	if (name_field(u, creating, NAME_MAX_LEN, name) < 0 ||
	    gr_json_str(u, "password", 0, PASSWORD_MAX, pw) < 0 ||
	    gr_json_str(u, "default_project_id", 0, 64, proj) < 0 ||
	    gr_json_str(u, "description", 0, DESC_MAX_LEN, &desc) < 0 ||
	    gr_json_bool(u, "enabled", 0, enabled) < 0 ||
	    domain_field(u, req, old, GR_ERR_NOT_FOUND, dom) < 0 ||
	    collect_extra(u, "user", known, extra) < 0)
		return -1;
	if (desc)
		json_object_set_new(*extra, "description", json_string(desc));
	return 0;
}

/* Fails with a 400 naming the project if proj is set and does not exist. */
static int
project_exists(const char *proj)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { proj };

	if (proj == NULL)
		return 0;
	if ((r = gr_db_query("SELECT 1 FROM projects WHERE id = $1", 1, p)) ==
	    NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The default project '%s' does not "
		    "exist.", proj);
		return -1;
	}
	return 0;
}

static int
user_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *extra = NULL;
	GR_AUTOFREE char *extrastr = NULL;
	json_t *body, *u;
	const char *name = NULL, *pw = NULL, *proj = NULL, *dom = NULL;
	int enabled = 1;
	char id[33], hash[GR_PW_HASH_MAX];

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "user", 1, &u) < 0 ||
	    user_fields(u, req, NULL, &dom, &name, &pw, &proj, &enabled,
	    &extra) < 0 ||
	    project_exists(proj) < 0 || new_id(id) < 0 ||
	    (pw && gr_pw_hash(pw, hash) < 0))
		return -1;
	extrastr = json_dumps(extra, JSON_COMPACT);
	const char *p[7] = { id, name, pw ? hash : NULL, proj,
	    enabled ? "t" : "f", extrastr, dom };
	r = gr_db_query("INSERT INTO users (id, name, password_hash, "
	    "default_project_id, enabled, extra, domain_id) VALUES ($1, $2, $3, "
	    "$4, $5, $6, $7) RETURNING " USER_COLS, 7, p);
	if (r == NULL)
		return conflict("user", name);
	gr_resp_json(resp, 201, json_pack("{s:o}", "user", user_json(r, 0)));
	return 0;
}

/* Answers the users of a statement (NULL: it failed), the list's self
 * link self. */
static int
users_reply(PGresult *r, const char *self, struct gr_resp *resp)
{
	return rows_reply(r, "users", user_json, self, resp);
}

static int
user_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { gr_req_query(req, "name"),
	    gr_req_query(req, "domain_id") };

	r = gr_db_query("SELECT " USER_COLS " FROM users WHERE ($1::text IS NULL "
	    "OR name = $1) AND ($2::text IS NULL OR domain_id = $2) ORDER BY "
	    "name, domain_id", 2, p);
	return users_reply(r, "users", resp);
}

/* The members of a group. */
static int
group_users(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };
	char dom[65], self[128];

	if (current_domain("SELECT domain_id FROM groups WHERE id = $1", "group",
	    p[0], dom) < 0)
		return -1;
	snprintf(self, sizeof(self), "groups/%s/users", p[0]);
	r = gr_db_query("SELECT " USER_COLS " FROM users JOIN group_members ON "
	    "user_id = id WHERE group_id = $1 ORDER BY name", 1, p);
	return users_reply(r, self, resp);
}

static int
user_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if (!gr_auth_of(req)->is_admin && strcmp(req->params[0],
	    gr_auth_of(req)->user_id) != 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find user '%s'.",
		    req->params[0]);
		return -1;
	}
	if ((r = gr_db_query("SELECT " USER_COLS " FROM users WHERE id = $1", 1,
	    p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find user '%s'.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "user", user_json(r, 0)));
	return 0;
}

static int
user_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_JSON json_t *extra = NULL;
	GR_AUTOFREE char *extrastr = NULL;
	json_t *body, *u;
	const char *name = NULL, *pw = NULL, *proj = NULL, *dom = NULL;
	int enabled = -1;
	char hash[GR_PW_HASH_MAX], old[65];

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "user", 1, &u) < 0 ||
	    current_domain("SELECT domain_id FROM users WHERE id = $1", "user",
	    req->params[0], old) < 0 ||
	    user_fields(u, req, old, &dom, &name, &pw, &proj, &enabled,
	    &extra) < 0 ||
	    project_exists(proj) < 0 || (pw && gr_pw_hash(pw, hash) < 0))
		return -1;
	extrastr = json_dumps(extra, JSON_COMPACT);
	const char *p[6] = { req->params[0], name, pw ? hash : NULL, proj,
	    enabled < 0 ? NULL : enabled ? "t" : "f", extrastr };
	/* A new password revokes the user's tokens, as in Keystone, in the
	 * same statement. */
	r = gr_db_query("WITH u AS (UPDATE users SET name = coalesce($2, name), "
	    "password_hash = coalesce($3, password_hash), default_project_id = "
	    "coalesce($4, default_project_id), enabled = coalesce($5::boolean, "
	    "enabled), extra = extra || $6::jsonb WHERE id = $1 RETURNING "
	    USER_COLS "), t AS (UPDATE tokens SET revoked = true WHERE $3::text "
	    "IS NOT NULL AND NOT revoked AND user_id IN (SELECT id FROM u)) "
	    "SELECT * FROM u", 6, p);
	if (r == NULL)
		return conflict("user", name);
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find user '%s'.",
		    req->params[0]);
		return -1;
	}
	if (pw)
		gr_auth_flush();
	gr_resp_json(resp, 200, json_pack("{s:o}", "user", user_json(r, 0)));
	return 0;
}

static int
user_delete(struct gr_req *req, struct gr_resp *resp)
{
	if (strcmp(req->params[0], gr_auth_of(req)->user_id) == 0) {
		gr_error(GR_ERR_CONFLICT, "A user cannot delete itself.");
		return -1;
	}
	return delete_by_id("DELETE FROM users WHERE id = $1", "user", req, resp);
}

/*
 * POST /v3/users/{id}/password: as in Keystone, knowing the original
 * password is the proof (no token needed); any failure is the same 401.
 * The new hash and the revocation of the user's tokens are one
 * statement.
 */
static int
user_password(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "password", "original_password",
	    NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *u;
	const char *pw = NULL, *orig = NULL;
	char hash[GR_PW_HASH_MAX];
	const char *p[2] = { req->params[0], hash };

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "user", 1, &u) < 0 ||
	    gr_json_only(u, "user", known) < 0 ||
	    gr_json_str(u, "original_password", 1, PASSWORD_MAX, &orig) < 0 ||
	    gr_json_str(u, "password", 1, PASSWORD_MAX, &pw) < 0)
		return -1;
	if ((r = gr_db_query("SELECT password_hash, enabled FROM users WHERE id "
	    "= $1", 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0 || PQgetisnull(r, 0, 0) ||
	    PQgetvalue(r, 0, 1)[0] != 't' ||
	    !gr_pw_verify(orig, PQgetvalue(r, 0, 0))) {
		gr_error(GR_ERR_UNAUTHORIZED, "The user does not exist, is "
		    "disabled, or the original password is wrong.");
		return -1;
	}
	if (gr_pw_hash(pw, hash) < 0 ||
	    gr_db_exec("WITH u AS (UPDATE users SET password_hash = $2 WHERE "
	    "id = $1) UPDATE tokens SET revoked = true WHERE user_id = $1 AND "
	    "NOT revoked", 2, p) < 0)
		return -1;
	gr_auth_flush();
	gr_resp_empty(resp, 204);
	return 0;
}

static int
user_projects(struct gr_req *req, struct gr_resp *resp)
{
	if (gr_auth_admin_or(req, strcmp(req->params[0], gr_auth_of(req)->user_id) ==
	    0, "only admins may list other users' projects") < 0)
		return -1;
	return projects_of_user(req->params[0], "projects", resp);
}

/* ---- groups ---- */

#define GROUP_COLS "g.id, g.name, g.domain_id, g.description, g.extra"

static json_t *
group_json(PGresult *r, int i)
{
	return with_extra(r, i, 4, json_pack("{s:s,s:s,s:s,s:s,s:o}",
	    "id", PQgetvalue(r, i, 0), "name", PQgetvalue(r, i, 1),
	    "domain_id", PQgetvalue(r, i, 2),
	    "description", PQgetvalue(r, i, 3),
	    "links", links_self("groups", PQgetvalue(r, i, 0))));
}

/* Answers the groups of a statement (NULL: it failed). */
static int
groups_reply(PGresult *r, const char *self, struct gr_resp *resp)
{
	return rows_reply(r, "groups", group_json, self, resp);
}

/* Answers a statement's one group row (status st), or 404 for none. */
static int
group_reply(PGresult *r, struct gr_req *req, struct gr_resp *resp, int st)
{
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find group '%s'.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, st, json_pack("{s:o}", "group", group_json(r, 0)));
	return 0;
}

/* A group body's fields; old is the group's domain on update. */
static int
group_fields(struct gr_req *req, const char *old, const char **dom,
    const char **name, const char **desc, char **extra)
{
	static const char *const known[] = { "name", "description",
	    "domain_id", "id", "links", NULL };
	GR_AUTO_JSON json_t *ex = NULL;
	json_t *body, *g;

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "group", 1, &g) < 0 ||
	    name_field(g, old == NULL, NAME_MAX_LEN, name) < 0 ||
	    gr_json_str(g, "description", 0, DESC_MAX_LEN, desc) < 0 ||
	    domain_field(g, req, old, GR_ERR_NOT_FOUND, dom) < 0 ||
	    collect_extra(g, "group", known, &ex) < 0)
		return -1;
	*extra = json_dumps(ex, JSON_COMPACT);
	return 0;
}

static int
group_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *extra = NULL;
	const char *name = NULL, *desc = NULL, *dom = NULL;
	char id[33];

	if (group_fields(req, NULL, &dom, &name, &desc, &extra) < 0 ||
	    new_id(id) < 0)
		return -1;
	const char *p[5] = { id, name, desc ? desc : "", dom, extra };
	r = gr_db_query("INSERT INTO groups AS g (id, name, description, "
	    "domain_id, extra) VALUES ($1, $2, $3, $4, $5) RETURNING "
	    GROUP_COLS, 5, p);
	if (r == NULL)
		return conflict("group", name);
	return group_reply(r, req, resp, 201);
}

static int
group_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *extra = NULL;
	const char *name = NULL, *desc = NULL, *dom = NULL;
	char old[65];

	if (current_domain("SELECT domain_id FROM groups WHERE id = $1", "group",
	    req->params[0], old) < 0 ||
	    group_fields(req, old, &dom, &name, &desc, &extra) < 0)
		return -1;
	const char *p[4] = { req->params[0], name, desc, extra };
	r = gr_db_query("UPDATE groups AS g SET name = coalesce($2, name), "
	    "description = coalesce($3, description), extra = extra || "
	    "$4::jsonb WHERE id = $1 RETURNING " GROUP_COLS, 4, p);
	if (r == NULL)
		return conflict("group", name);
	return group_reply(r, req, resp, 200);
}

static int
group_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { gr_req_query(req, "name"),
	    gr_req_query(req, "domain_id") };

	r = gr_db_query("SELECT " GROUP_COLS " FROM groups g WHERE ($1::text IS "
	    "NULL OR name = $1) AND ($2::text IS NULL OR domain_id = $2) ORDER "
	    "BY name, domain_id", 2, p);
	return groups_reply(r, "groups", resp);
}

static int
group_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if ((r = gr_db_query("SELECT " GROUP_COLS " FROM groups g WHERE id = $1",
	    1, p)) == NULL)
		return -1;
	return group_reply(r, req, resp, 200);
}

static int
group_delete(struct gr_req *req, struct gr_resp *resp)
{
	return delete_by_id("DELETE FROM groups WHERE id = $1", "group", req,
	    resp);
}

/* The groups a user is a member of: admins, or the user itself. */
static int
user_groups(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };
	char dom[65], self[128];

	if (gr_auth_admin_or(req, strcmp(p[0], gr_auth_of(req)->user_id) == 0,
	    "only admins may list other users' groups") < 0 ||
	    current_domain("SELECT domain_id FROM users WHERE id = $1", "user",
	    p[0], dom) < 0)
		return -1;
	snprintf(self, sizeof(self), "users/%s/groups", p[0]);
	r = gr_db_query("SELECT " GROUP_COLS " FROM groups g JOIN group_members "
	    "m ON m.group_id = g.id WHERE m.user_id = $1 ORDER BY g.name", 1, p);
	return groups_reply(r, self, resp);
}

/* Fails with a 404 naming the group or the user of /groups/{g}/users/{u}
 * unless both exist. */
static int
member_targets(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { req->params[0], req->params[1] };

	r = gr_db_query("SELECT EXISTS (SELECT 1 FROM groups WHERE id = $1), "
	    "EXISTS (SELECT 1 FROM users WHERE id = $2)", 2, p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < 2; i++)
		if (PQgetvalue(r, 0, i)[0] != 't') {
			gr_error(GR_ERR_NOT_FOUND, "Could not find %s '%s'.",
			    i ? "user" : "group", p[i]);
			return -1;
		}
	return 0;
}

/* PUT, HEAD or DELETE of a membership: sql on {group, user}; a check or
 * delete that finds none is 404. */
static int
member_do(struct gr_req *req, struct gr_resp *resp, const char *sql,
    int must_find)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { req->params[0], req->params[1] };

	if (member_targets(req) < 0 || (r = gr_db_query(sql, 2, p)) == NULL)
		return -1;
	if (must_find && PQntuples(r) + gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "User '%s' not found in group '%s'.",
		    p[1], p[0]);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

static int
member_add(struct gr_req *req, struct gr_resp *resp)
{
	return member_do(req, resp, "INSERT INTO group_members (group_id, "
	    "user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", 0);
}

static int
member_check(struct gr_req *req, struct gr_resp *resp)
{
	return member_do(req, resp, "SELECT 1 FROM group_members WHERE group_id "
	    "= $1 AND user_id = $2", 1);
}

static int
member_remove(struct gr_req *req, struct gr_resp *resp)
{
	return member_do(req, resp, "DELETE FROM group_members WHERE group_id = "
	    "$1 AND user_id = $2", 1);
}

/* ---- roles ---- */

/* A role from row i of r: columns id, name, domain_id (NULL: global). */
static json_t *
role_json(PGresult *r, int i)
{
	return json_pack("{s:s,s:s,s:o,s:n,s:{},s:o}", "id", PQgetvalue(r, i, 0),
	    "name", PQgetvalue(r, i, 1), "domain_id", PQgetisnull(r, i, 2) ?
	    json_null() : json_string(PQgetvalue(r, i, 2)), "description",
	    "options", "links", links_self("roles", PQgetvalue(r, i, 0)));
}

/* The global roles, or with ?domain_id those of that domain, as
 * Keystone lists them. */
static int
role_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { gr_req_query(req, "name"),
	    gr_req_query(req, "domain_id") };

	r = gr_db_query("SELECT id, name, domain_id FROM roles WHERE ($1::text "
	    "IS NULL OR name = $1) AND domain_id IS NOT DISTINCT FROM $2 ORDER "
	    "BY name", 2, p);
	return rows_reply(r, "roles", role_json, "roles", resp);
}

/* Answers a statement's one role row (status st), or 404 for none. */
static int
role_reply(PGresult *r, struct gr_req *req, struct gr_resp *resp, int st)
{
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find role '%s'.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, st, json_pack("{s:o}", "role", role_json(r, 0)));
	return 0;
}

static int
role_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if ((r = gr_db_query("SELECT id, name, domain_id FROM roles WHERE id = "
	    "$1", 1, p)) == NULL)
		return -1;
	return role_reply(r, req, resp, 200);
}

/* POST /v3/roles; with a domain_id (that must exist: 404) a
 * domain-specific role. */
static int
role_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "name", "description", "options",
	    "domain_id", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *role;
	const char *name = NULL, *desc = NULL, *dom = NULL;
	char id[33];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "role", 1, &role) < 0 ||
	    gr_json_only(role, "role", known) < 0 ||
	    name_field(role, 1, NAME_MAX_LEN, &name) < 0 ||
	    gr_json_str(role, "description", 0, DESC_MAX_LEN, &desc) < 0 ||
	    gr_json_str(role, "domain_id", 0, 64, &dom) < 0 ||
	    (dom && domain_exists(dom, GR_ERR_NOT_FOUND) < 0) ||
	    new_id(id) < 0)
		return -1;
	const char *p[3] = { id, name, dom };
	if ((r = gr_db_query("INSERT INTO roles (id, name, domain_id) VALUES "
	    "($1, $2, $3) RETURNING id, name, domain_id", 3, p)) == NULL)
		return conflict("role", name);
	return role_reply(r, req, resp, 201);
}

static int
role_delete(struct gr_req *req, struct gr_resp *resp)
{
	return delete_by_id("DELETE FROM roles WHERE id = $1 AND (domain_id IS "
	    "NOT NULL OR name NOT IN ('admin', 'member', 'reader'))",
	    "deletable role", req, resp);
}

/* ---- implied roles ---- */

/* {"id", "name", "links"} of a role, as Keystone shows both sides of an
 * inference. */
static json_t *
role_ref(const char *id, const char *name)
{
	return json_pack("{s:s,s:s,s:o}", "id", id, "name", name, "links",
	    links_self("roles", id));
}

/* Fails with Keystone's 404 unless both roles of /roles/{p}/implies/{i}
 * exist; their names into the result (columns prior, implied), then
 * whether the prior is global and the implied domain-specific. */
static PGresult *
inference_roles(struct gr_req *req)
{
	PGresult *r;
	const char *p[2] = { req->params[0], req->params[1] };

	r = gr_db_query("SELECT (SELECT name FROM roles WHERE id = $1), (SELECT "
	    "name FROM roles WHERE id = $2), (SELECT domain_id IS NULL FROM "
	    "roles WHERE id = $1), (SELECT domain_id IS NOT NULL FROM roles "
	    "WHERE id = $2)", 2, p);
	if (r == NULL)
		return NULL;
	for (int i = 0; i < 2; i++)
		if (PQgetisnull(r, 0, i)) {
			gr_error(GR_ERR_NOT_FOUND, "Could not find role: %s.",
			    p[i]);
			PQclear(r);
			return NULL;
		}
	return r;
}

/* The document of one inference: {"role_inference": {"prior_role",
 * "implies"}, "links"}. */
static json_t *
inference_json(struct gr_req *req, PGresult *names)
{
	char self[128];

	snprintf(self, sizeof(self), "roles/%s/implies", req->params[0]);
	return json_pack("{s:{s:o,s:o},s:o}", "role_inference", "prior_role",
	    role_ref(req->params[0], PQgetvalue(names, 0, 0)), "implies",
	    role_ref(req->params[1], PQgetvalue(names, 0, 1)), "links",
	    links_self(self, req->params[1]));
}

/* PUT /v3/roles/{prior}/implies/{implied}: 201. As Keystone's, the admin
 * role cannot be implied (it would make admins of whoever holds the
 * prior role). */
static int
implied_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = inference_roles(req);
	const char *p[2] = { req->params[0], req->params[1] };

	if (r == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 1), "admin") == 0) {
		gr_error(GR_ERR_FORBIDDEN, "%s cannot be an implied roles: it is "
		    "the role 'admin'.", p[1]);
		return -1;
	}
	if (PQgetvalue(r, 0, 2)[0] == 't' && PQgetvalue(r, 0, 3)[0] == 't') {
		gr_error(GR_ERR_FORBIDDEN, "Global role cannot imply a "
		    "domain-specific role.");
		return -1;
	}
	if (gr_db_exec("INSERT INTO implied_roles (prior_role_id, "
	    "implied_role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, p) < 0)
		return -1;
	gr_resp_json(resp, 201, inference_json(req, r));
	return 0;
}

/* GET (200 with the inference), HEAD or DELETE (204) of one inference:
 * sql on {prior, implied}; none is Keystone's 404. */
static int
inference_do(struct gr_req *req, struct gr_resp *resp, const char *sql)
{
	GR_AUTO_PGRES PGresult *r = inference_roles(req);
	GR_AUTO_PGRES PGresult *e = NULL;
	const char *p[2] = { req->params[0], req->params[1] };

	if (r == NULL || (e = gr_db_query(sql, 2, p)) == NULL)
		return -1;
	if (PQntuples(e) + gr_db_affected(e) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "%s does not imply %s.", p[0], p[1]);
		return -1;
	}
	if (strcmp(req->method, "GET") == 0)
		gr_resp_json(resp, 200, inference_json(req, r));
	else
		gr_resp_empty(resp, 204);
	return 0;
}

static int
implied_get(struct gr_req *req, struct gr_resp *resp)
{
	return inference_do(req, resp, "SELECT 1 FROM implied_roles WHERE "
	    "prior_role_id = $1 AND implied_role_id = $2");
}

static int
implied_delete(struct gr_req *req, struct gr_resp *resp)
{
	return inference_do(req, resp, "DELETE FROM implied_roles WHERE "
	    "prior_role_id = $1 AND implied_role_id = $2");
}

#define INFERENCE_ROWS "SELECT p.id, p.name, i.id, i.name FROM implied_roles " \
	"x JOIN roles p ON p.id = x.prior_role_id JOIN roles i ON i.id = " \
	"x.implied_role_id "

/* Inferences from rows of INFERENCE_ROWS (grouped by prior role), as
 * Keystone's list: [{"prior_role", "implies": [...]}]. */
static json_t *
inferences_json(PGresult *r)
{
	json_t *list = json_array(), *imp = NULL;
	const char *last = "";

	for (int i = 0; i < PQntuples(r); i++) {
		if (strcmp(last, PQgetvalue(r, i, 0)) != 0) {
			imp = json_array();
			json_array_append_new(list, json_pack("{s:o,s:o}",
			    "prior_role", role_ref(PQgetvalue(r, i, 0),
			    PQgetvalue(r, i, 1)), "implies", imp));
			last = PQgetvalue(r, i, 0);
		}
		json_array_append_new(imp, role_ref(PQgetvalue(r, i, 2),
		    PQgetvalue(r, i, 3)));
	}
	return list;
}

/* GET /v3/roles/{prior}/implies: the roles it implies directly. */
static int
implied_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTO_PGRES PGresult *n = NULL;
	const char *p[1] = { req->params[0] };
	char self[128];
	json_t *imp;

	if ((n = gr_db_query("SELECT name FROM roles WHERE id = $1", 1, p)) ==
	    NULL || (r = gr_db_query(INFERENCE_ROWS "WHERE x.prior_role_id = $1 "
	    "ORDER BY i.name", 1, p)) == NULL)
		return -1;
	if (PQntuples(n) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find role: %s.", p[0]);
		return -1;
	}
	imp = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(imp, role_ref(PQgetvalue(r, i, 2),
		    PQgetvalue(r, i, 3)));
	snprintf(self, sizeof(self), "roles/%s/implies", p[0]);
	gr_resp_json(resp, 200, json_pack("{s:{s:o,s:o},s:o}", "role_inference",
	    "prior_role", role_ref(p[0], PQgetvalue(n, 0, 0)), "implies", imp,
	    "links", links_self(self, NULL)));
	return 0;
}

/* GET /v3/role_inferences: every rule, by prior role. */
static int
inferences_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;

	(void)req;
	if ((r = gr_db_query(INFERENCE_ROWS "ORDER BY p.name, p.id, i.name", 0,
	    NULL)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "role_inferences",
	    inferences_json(r), "links", links_self("role_inferences", NULL)));
	return 0;
}

/* ---- role assignments ---- */

/*
 * Where a role is assigned: a project, the domain or the system, each
 * with its own statements (SQL is never assembled from pieces). The
 * routes' parameters are {target, user, role}; the system's have no
 * target, so its statements take {user, role} as $1, $2.
 */
struct grant_kind {
	const char	*what;		/* "project", "domain", "system" */
	int		 has_target;	/* the path names the target */
	const char	*who;		/* "user" or "group" */
	const char	*exists;	/* 3 booleans: target, who, role */
	const char	*insert;
	const char	*check;
	const char	*remove;
	const char	*list;		/* the user's roles there: id, name */
};

static const struct grant_kind kind_project = { "project", 1, "user",
	"SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1), "
	"EXISTS (SELECT 1 FROM users WHERE id = $2), "
	"($3::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $3))",
	"INSERT INTO role_assignments (project_id, user_id, role_id) VALUES "
	"($1, $2, $3) ON CONFLICT DO NOTHING",
	"SELECT 1 FROM role_assignments WHERE project_id = $1 AND user_id = $2 "
	"AND role_id = $3",
	"DELETE FROM role_assignments WHERE project_id = $1 AND user_id = $2 "
	"AND role_id = $3",
	"SELECT ro.id, ro.name, ro.domain_id FROM role_assignments ra JOIN roles ro ON "
	"ro.id = ra.role_id WHERE ra.project_id = $1 AND ra.user_id = $2 "
	"ORDER BY ro.name",
};

static const struct grant_kind kind_domain = { "domain", 1, "user",
	"SELECT EXISTS (SELECT 1 FROM domains WHERE id = $1), "
	"EXISTS (SELECT 1 FROM users WHERE id = $2), "
	"($3::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $3))",
	"INSERT INTO domain_role_assignments (domain_id, user_id, role_id) "
	"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	"SELECT 1 FROM domain_role_assignments WHERE domain_id = $1 AND "
	"user_id = $2 AND role_id = $3",
	"DELETE FROM domain_role_assignments WHERE domain_id = $1 AND "
	"user_id = $2 AND role_id = $3",
	"SELECT ro.id, ro.name, ro.domain_id FROM domain_role_assignments ra JOIN roles ro "
	"ON ro.id = ra.role_id WHERE ra.domain_id = $1 AND ra.user_id = $2 "
	"ORDER BY ro.name",
};

static const struct grant_kind kind_system = { "system", 0, "user",
	"SELECT true, EXISTS (SELECT 1 FROM users WHERE id = $1), "
	"($2::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $2))",
	"INSERT INTO system_role_assignments (user_id, role_id) VALUES ($1, "
	"$2) ON CONFLICT DO NOTHING",
	"SELECT 1 FROM system_role_assignments WHERE user_id = $1 AND "
	"role_id = $2",
	"DELETE FROM system_role_assignments WHERE user_id = $1 AND "
	"role_id = $2",
	"SELECT ro.id, ro.name, ro.domain_id FROM system_role_assignments ra JOIN roles ro "
	"ON ro.id = ra.role_id WHERE ra.user_id = $1 ORDER BY ro.name",
};

/* The same for groups (group_*_roles). */
static const struct grant_kind kind_project_group = { "project", 1, "group",
	"SELECT EXISTS (SELECT 1 FROM projects WHERE id = $1), "
	"EXISTS (SELECT 1 FROM groups WHERE id = $2), "
	"($3::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $3))",
	"INSERT INTO group_project_roles (project_id, group_id, role_id) "
	"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	"SELECT 1 FROM group_project_roles WHERE project_id = $1 AND "
	"group_id = $2 AND role_id = $3",
	"DELETE FROM group_project_roles WHERE project_id = $1 AND "
	"group_id = $2 AND role_id = $3",
	"SELECT ro.id, ro.name, ro.domain_id FROM group_project_roles ra JOIN roles ro ON "
	"ro.id = ra.role_id WHERE ra.project_id = $1 AND ra.group_id = $2 "
	"ORDER BY ro.name",
};

static const struct grant_kind kind_domain_group = { "domain", 1, "group",
	"SELECT EXISTS (SELECT 1 FROM domains WHERE id = $1), "
	"EXISTS (SELECT 1 FROM groups WHERE id = $2), "
	"($3::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $3))",
	"INSERT INTO group_domain_roles (domain_id, group_id, role_id) "
	"VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
	"SELECT 1 FROM group_domain_roles WHERE domain_id = $1 AND "
	"group_id = $2 AND role_id = $3",
	"DELETE FROM group_domain_roles WHERE domain_id = $1 AND "
	"group_id = $2 AND role_id = $3",
	"SELECT ro.id, ro.name, ro.domain_id FROM group_domain_roles ra JOIN roles ro ON "
	"ro.id = ra.role_id WHERE ra.domain_id = $1 AND ra.group_id = $2 "
	"ORDER BY ro.name",
};

static const struct grant_kind kind_system_group = { "system", 0, "group",
	"SELECT true, EXISTS (SELECT 1 FROM groups WHERE id = $1), "
	"($2::text IS NULL OR EXISTS (SELECT 1 FROM roles WHERE id = $2))",
	"INSERT INTO group_system_roles (group_id, role_id) VALUES ($1, $2) "
	"ON CONFLICT DO NOTHING",
	"SELECT 1 FROM group_system_roles WHERE group_id = $1 AND "
	"role_id = $2",
	"DELETE FROM group_system_roles WHERE group_id = $1 AND role_id = $2",
	"SELECT ro.id, ro.name, ro.domain_id FROM group_system_roles ra JOIN roles ro ON "
	"ro.id = ra.role_id WHERE ra.group_id = $1 ORDER BY ro.name",
};

/* The statement's parameters: {target, user, role}, or {user, role}. */
static const char *const *
grant_params(const struct grant_kind *k, struct gr_req *req,
    const char *p[3], int *n)
{
	int t = k->has_target;

	p[0] = t ? req->params[0] : NULL;
	p[1] = req->params[t];
	p[2] = req->nparams > t + 1 ? req->params[t + 1] : NULL; /* lists */
	*n = 2 + t;
	return t ? p : p + 1;
}

/* A domain-specific role is granted only on its domain and the projects
 * in it (Keystone's 403 otherwise). */
static int
role_fits(const struct grant_kind *k, const char *target, const char *role)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { target, role };
	int proj = strcmp(k->what, "project") == 0;

	if (!k->has_target || role == NULL)
		return 0;
	r = gr_db_query(proj ? "SELECT ro.domain_id, (SELECT domain_id FROM "
	    "projects WHERE id = $1) FROM roles ro WHERE ro.id = $2 AND "
	    "ro.domain_id IS NOT NULL" : "SELECT ro.domain_id, $1::text FROM "
	    "roles ro WHERE ro.id = $2 AND ro.domain_id IS NOT NULL", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), PQgetvalue(r, 0,
	    1)) != 0) {
		gr_error(GR_ERR_FORBIDDEN, "%s %s must be in the same domain as "
		    "the role %s being assigned.", proj ? "Project" : "Domain",
		    target, role);
		return -1;
	}
	return 0;
}

/* Checks that target, user and role all exist, naming the missing one. */
static int
assignment_targets(const struct grant_kind *k, struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3];
	int n;
	const char *const *prm = grant_params(k, req, p, &n);

	if ((r = gr_db_query(k->exists, n, prm)) == NULL)
		return -1;
	for (int i = 0; i < 3; i++) {
		const char *what[] = { k->what, k->who, "role" };

		if (PQgetvalue(r, 0, i)[0] != 't') {
			gr_error(GR_ERR_NOT_FOUND, "Could not find %s '%s'.",
			    what[i], p[i]);
			return -1;
		}
	}
	return role_fits(k, p[0], p[2]);
}

/* PUT, HEAD/GET or DELETE of one assignment of kind k. */
static int
grant_do(const struct grant_kind *k, const char *sql, struct gr_req *req,
    struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3];
	int n;
	const char *const *prm = grant_params(k, req, p, &n);

	if (assignment_targets(k, req) < 0 ||
	    (r = gr_db_query(sql, n, prm)) == NULL)
		return -1;
	if (sql != k->insert && PQntuples(r) + gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "The %s has no such role on the "
		    "%s.", k->who, k->what);
		return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

static int
grants_list_of(const struct grant_kind *k, struct gr_req *req,
    struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3];
	int n;
	const char *const *prm = grant_params(k, req, p, &n);
	json_t *list;

	if (assignment_targets(k, req) < 0 ||
	    (r = gr_db_query(k->list, n - 1, prm)) == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, role_json(r, i));
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "roles", list, "links",
	    list_links("roles")));
	return 0;
}

/* The route handlers, one set per kind. */
#define GRANT_HANDLERS(kind)						\
static int								\
grant_##kind(struct gr_req *req, struct gr_resp *resp)			\
{									\
	return grant_do(&kind_##kind, kind_##kind.insert, req, resp);	\
}									\
static int								\
grant_check_##kind(struct gr_req *req, struct gr_resp *resp)		\
{									\
	return grant_do(&kind_##kind, kind_##kind.check, req, resp);	\
}									\
static int								\
revoke_##kind(struct gr_req *req, struct gr_resp *resp)		\
{									\
	return grant_do(&kind_##kind, kind_##kind.remove, req, resp);	\
}									\
static int								\
grants_list_##kind(struct gr_req *req, struct gr_resp *resp)		\
{									\
	return grants_list_of(&kind_##kind, req, resp);		\
}

GRANT_HANDLERS(project)
GRANT_HANDLERS(domain)
GRANT_HANDLERS(system)
GRANT_HANDLERS(project_group)
GRANT_HANDLERS(domain_group)
GRANT_HANDLERS(system_group)

/* A reference to a domain: {"id", "name"}. */
static json_t *
domain_ref(const char *id, const char *name)
{
	return json_pack("{s:s,s:s}", "id", id, "name", name);
}

/* The URL of an assignment: base, then "/v3/{kind}s/{target}/{who}s/
 * {id}/roles/{role}" ("/v3/system/..." for the system). */
static void
assignment_url(char *url, size_t n, const char *kind, const char *target,
    const char *who, const char *id, const char *role)
{
	int sys = strcmp(kind, "system") == 0;

	snprintf(url, n, "http://%s:%ld/v3/%s%s%s%s/%ss/%s/roles/%s",
	    ctl.public_host, ctl.identity_port, kind, sys ? "" : "s",
	    sys ? "" : "/", sys ? "" : target, who, id, role);
}

/*
 * One row of GET /v3/role_assignments: columns actor id, actor name,
 * kind, target, target's name, role id, role name, actor's domain id and
 * name, project's domain id and name, actor ("user" or "group"), and for
 * a user's role through a group (?effective) the group's id, else "",
 * for a role implied by an assigned one (?effective) that one's id, and
 * the role's domain id and name ("" for a global role).
 */
static json_t *
assignment_json(PGresult *r, int i, int names)
{
	const char *kind = PQgetvalue(r, i, 2), *target = PQgetvalue(r, i, 3);
	const char *via = PQgetvalue(r, i, 12), *prior = PQgetvalue(r, i, 13);
	json_t *who = json_pack("{s:s}", "id", PQgetvalue(r, i, 0));
	json_t *ro = json_pack("{s:s}", "id", PQgetvalue(r, i, 5));
	json_t *scope, *links;
	char url[512];

	if (strcmp(kind, "system") == 0) {
		scope = json_pack("{s:{s:b}}", "system", "all", 1);
	} else {
		json_t *t = json_pack("{s:s}", "id", target);

		if (names)
			json_object_update_new(t, kind[0] == 'p' ?
			    json_pack("{s:s,s:o}", "name", PQgetvalue(r, i, 4),
			    "domain", domain_ref(PQgetvalue(r, i, 9),
			    PQgetvalue(r, i, 10))) :
			    json_pack("{s:s}", "name", PQgetvalue(r, i, 4)));
		scope = json_pack("{s:o}", kind, t);
	}
	assignment_url(url, sizeof(url), kind, target, via[0] ? "group" :
	    PQgetvalue(r, i, 11), via[0] ? via : PQgetvalue(r, i, 0),
	    prior[0] ? prior : PQgetvalue(r, i, 5));
	links = json_pack("{s:s}", "assignment", url);
	if (prior[0]) {
		/* Keystone's link, its two ids in its order */
		snprintf(url, sizeof(url), "http://%s:%ld/v3/prior_role/%s/"
		    "implies/%s", ctl.public_host, ctl.identity_port,
		    PQgetvalue(r, i, 5), prior);
		json_object_set_new(links, "prior_role", json_string(url));
	}
	if (via[0]) {
		snprintf(url, sizeof(url), "http://%s:%ld/v3/groups/%s/users/%s",
		    ctl.public_host, ctl.identity_port, via, PQgetvalue(r, i, 0));
		json_object_set_new(links, "membership", json_string(url));
	}
	if (names) {
		json_object_update_new(who, json_pack("{s:s,s:o}", "name",
		    PQgetvalue(r, i, 1), "domain", domain_ref(PQgetvalue(r, i,
		    7), PQgetvalue(r, i, 8))));
		json_object_set_new(ro, "name", json_string(PQgetvalue(r, i,
		    6)));
		if (PQgetvalue(r, i, 14)[0])
			json_object_set_new(ro, "domain", domain_ref(PQgetvalue(r,
			    i, 14), PQgetvalue(r, i, 15)));
	}
	return json_pack("{s:o,s:o,s:o,s:o}", PQgetvalue(r, i, 11), who,
	    "scope", scope, "role", ro, "links", links);
}

/*
 * Assignments on projects, domains and the system, of users and groups,
 * filtered as Keystone's (user.id, group.id, role.id, scope.project.id,
 * scope.domain.id, scope.system). ?effective: a group's become its
 * members', each with the membership link, and each role brings those it
 * implies, with the prior_role link, as Keystone's.
 */
static int
assignments_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	int eff = gr_req_has_query(req, "effective");
	const char *p[7] = { gr_req_query(req, "user.id"),
	    gr_req_query(req, "scope.project.id"), gr_req_query(req, "role.id"),
	    gr_req_query(req, "scope.domain.id"),
	    gr_req_query(req, "scope.system"), gr_req_query(req, "group.id"),
	    eff ? "t" : "f" };
	int names = gr_req_has_query(req, "include_names");
	json_t *list;

	if (eff && p[5]) {
		gr_error(GR_ERR_BAD_REQUEST, "Combining effective and group "
		    "filter will always result in an empty list.");
		return -1;
	}
	r = gr_db_query("WITH a (kind, target, actor, aid, role_id) AS ("
	    "SELECT 'project', project_id, 'user', user_id, role_id FROM "
	    "role_assignments UNION ALL SELECT 'domain', domain_id, 'user', "
	    "user_id, role_id FROM domain_role_assignments UNION ALL SELECT "
	    "'system', 'all', 'user', user_id, role_id FROM "
	    "system_role_assignments UNION ALL SELECT 'project', project_id, "
	    "'group', group_id, role_id FROM group_project_roles UNION ALL "
	    "SELECT 'domain', domain_id, 'group', group_id, role_id FROM "
	    "group_domain_roles UNION ALL SELECT 'system', 'all', 'group', "
	    "group_id, role_id FROM group_system_roles), "
	    "g AS (SELECT *, '' AS via FROM a WHERE NOT $7::boolean OR actor = "
	    "'user' UNION ALL SELECT a.kind, a.target, 'user', m.user_id, "
	    "a.role_id, a.aid FROM a JOIN group_members m ON m.group_id = a.aid "
	    "WHERE $7::boolean AND a.actor = 'group'), "
	    "e AS (SELECT *, '' AS prior FROM g UNION ALL SELECT g.kind, "
	    "g.target, g.actor, g.aid, c.implied_id, g.via, g.role_id FROM g "
	    "JOIN role_closure c ON c.role_id = g.role_id AND c.implied_id <> "
	    "g.role_id WHERE $7::boolean) "
	    "SELECT e.aid, coalesce(u.name, gr.name), e.kind, e.target, "
	    "coalesce(p.name, td.name, ''), e.role_id, ro.name, ad.id, ad.name, "
	    "coalesce(p.domain_id, ''), coalesce(pd.name, ''), e.actor, e.via, "
	    "e.prior, coalesce(ro.domain_id, ''), coalesce(rd.name, '') "
	    "FROM e LEFT JOIN users u ON e.actor = 'user' AND u.id = e.aid "
	    "LEFT JOIN groups gr ON e.actor = 'group' AND gr.id = e.aid "
	    "JOIN domains ad ON ad.id = coalesce(u.domain_id, gr.domain_id) "
	    "JOIN roles ro ON ro.id = e.role_id "
	    "LEFT JOIN domains rd ON rd.id = ro.domain_id "
	    "LEFT JOIN projects p ON e.kind = 'project' AND p.id = e.target "
	    "LEFT JOIN domains pd ON pd.id = p.domain_id "
	    "LEFT JOIN domains td ON e.kind = 'domain' AND td.id = e.target "
	    "WHERE ($1::text IS NULL OR (e.actor = 'user' AND e.aid = $1)) AND "
	    "($2::text IS NULL OR (e.kind = 'project' AND e.target = $2)) AND "
	    "($3::text IS NULL OR e.role_id = $3) AND ($4::text IS NULL OR "
	    "(e.kind = 'domain' AND e.target = $4)) AND ($5::text IS NULL OR "
	    "e.kind = 'system') AND ($6::text IS NULL OR (e.actor = 'group' "
	    "AND e.aid = $6)) ORDER BY e.kind = 'system', e.kind = 'domain', "
	    "p.name, e.actor, coalesce(u.name, gr.name), e.prior <> '', ro.name, "
	    "e.via", 7, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, assignment_json(r, i, names));
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "role_assignments", list,
	    "links", list_links("role_assignments")));
	return 0;
}

/* ---- domains ---- */

#define DOMAIN_COLS "id, name, description, enabled, tags, extra"

static json_t *
domain_json(PGresult *r, int i)
{
	return with_extra(r, i, 5, json_pack("{s:s,s:s,s:s,s:b,s:o,s:{},"
	    "s:o}",
	    "id", PQgetvalue(r, i, 0), "name", PQgetvalue(r, i, 1),
	    "description", PQgetvalue(r, i, 2),
	    "enabled", PQgetvalue(r, i, 3)[0] == 't',
	    "tags", json_loads(PQgetvalue(r, i, 4), 0, NULL), "options",
	    "links", links_self("domains", PQgetvalue(r, i, 0))));
}

/* Answers a statement's one domain row (status st), or 404 for none. */
static int
domain_reply(PGresult *r, struct gr_req *req, struct gr_resp *resp, int st)
{
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find domain '%s'.",
		    req->params[0]);
		return -1;
	}
	gr_resp_json(resp, st, json_pack("{s:o}", "domain", domain_json(r, 0)));
	return 0;
}

/* The fields of a domain body shared by create and update; tags and extra
 * as JSON text the caller frees (tags NULL if absent). */
static int
domain_fields(struct gr_req *req, int creating, const char **name,
    const char **desc, int *enabled, char **tags, char **extra)
{
	static const char *const known[] = { "name", "description", "enabled",
	    "tags", "options", "id", "links", NULL };
	GR_AUTO_JSON json_t *ex = NULL;
	json_t *body, *d, *t;

	gr_err_clear();
	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "domain", 1, &d) < 0 ||
	    name_field(d, creating, PROJECT_NAME_MAX, name) < 0 ||
	    gr_json_str(d, "description", 0, DESC_MAX_LEN, desc) < 0 ||
	    gr_json_bool(d, "enabled", 0, enabled) < 0 ||
	    tags_field(d, &t) < 0 || collect_extra(d, "domain", known, &ex) < 0)
		return -1;
	*tags = t ? json_dumps(t, JSON_COMPACT) : NULL;
	*extra = json_dumps(ex, JSON_COMPACT);
	return 0;
}

static int
domain_create(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *tags = NULL, *extra = NULL;
	const char *name = NULL, *desc = NULL;
	int enabled = 1;
	char id[33];

	if (domain_fields(req, 1, &name, &desc, &enabled, &tags, &extra) < 0 ||
	    new_id(id) < 0)
		return -1;
	const char *p[6] = { id, name, desc ? desc : "", enabled ? "t" : "f",
	    tags ? tags : "[]", extra };
	r = gr_db_query("INSERT INTO domains (id, name, description, enabled, "
	    "tags, extra) VALUES ($1, $2, $3, $4, $5, $6) RETURNING "
	    DOMAIN_COLS, 6, p);
	if (r == NULL)
		return conflict("domain", name);
	return domain_reply(r, req, resp, 201);
}

static int
domain_update(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *tags = NULL, *extra = NULL;
	const char *name = NULL, *desc = NULL;
	int enabled = -1;

	if (domain_fields(req, 0, &name, &desc, &enabled, &tags, &extra) < 0)
		return -1;
	const char *p[6] = { req->params[0], name, desc, enabled < 0 ? NULL :
	    enabled ? "t" : "f", tags, extra };
	r = gr_db_query("UPDATE domains SET name = coalesce($2, name), "
	    "description = coalesce($3, description), enabled = "
	    "coalesce($4::boolean, enabled), tags = coalesce($5::jsonb, tags), "
	    "extra = extra || $6::jsonb WHERE id = $1 RETURNING " DOMAIN_COLS,
	    6, p);
	if (r == NULL)
		return conflict("domain", name);
	if (enabled == 0)
		gr_auth_flush();
	return domain_reply(r, req, resp, 200);
}

/* Answers the domains of a statement (NULL: it failed), the list's self
 * link self. */
static int
domains_reply(PGresult *r, const char *self, struct gr_resp *resp)
{
	return rows_reply(r, "domains", domain_json, self, resp);
}

static int
domain_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *en = gr_req_query(req, "enabled");
	const char *p[2] = { gr_req_query(req, "name"), en ? (strcasecmp(en,
	    "false") == 0 || strcmp(en, "0") == 0 ? "f" : "t") : NULL };

	r = gr_db_query("SELECT " DOMAIN_COLS " FROM domains WHERE ($1::text IS "
	    "NULL OR name = $1) AND ($2::boolean IS NULL OR enabled = $2) ORDER "
	    "BY name", 2, p);
	return domains_reply(r, "domains", resp);
}

/* Admins read any domain; others the one their token is scoped to or
 * whose project it is scoped to, as Keystone's policy. */
static int
domain_get(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const struct gr_auth *a = gr_auth_of(req);
	const char *p[1] = { req->params[0] };

	if (gr_auth_admin_or(req, strcmp(a->domain_id, p[0]) == 0 ||
	    strcmp(a->project_domain_id, p[0]) == 0, "only admins may read a "
	    "domain other than the token's") < 0)
		return -1;
	if ((r = gr_db_query("SELECT " DOMAIN_COLS " FROM domains WHERE id = $1",
	    1, p)) == NULL)
		return -1;
	return domain_reply(r, req, resp, 200);
}

/*
 * As Keystone's: only a disabled domain may be deleted (its users cannot
 * then hold a token to do it), and with it go its projects and users, and
 * their assignments and tokens (the tables' cascades), in one statement.
 * The domain 'default' holds the bootstrap administrator and stays.
 */
static int
domain_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };

	if (strcmp(p[0], "default") == 0) {
		gr_error(GR_ERR_FORBIDDEN, "The domain 'default' holds the "
		    "cloud's administrator and cannot be deleted.");
		return -1;
	}
	r = gr_db_query("WITH x AS (DELETE FROM domains WHERE id = $1 AND NOT "
	    "enabled RETURNING 1) SELECT (SELECT enabled FROM domains WHERE id "
	    "= $1), (SELECT count(*) FROM x)", 1, p);
	if (r == NULL)
		return -1;
	if (PQgetisnull(r, 0, 0)) {
		gr_error(GR_ERR_NOT_FOUND, "Could not find domain '%s'.", p[0]);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 1), "0") == 0) {
		gr_error(GR_ERR_FORBIDDEN, "Cannot delete a domain that is "
		    "enabled, please disable it first.");
		return -1;
	}
	gr_auth_flush();
	gr_resp_empty(resp, 204);
	return 0;
}

/* The enabled domains the caller holds a role on: those a token may be
 * scoped to. */
static int
auth_domains(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { gr_auth_of(req)->user_id };

	r = gr_db_query("SELECT " DOMAIN_COLS " FROM domains WHERE enabled AND "
	    "id IN (SELECT domain_id FROM user_domain_roles WHERE user_id "
	    "= $1) ORDER BY name", 1, p);
	return domains_reply(r, "auth/domains", resp);
}

/* Whether the caller may scope a token to the system. */
static int
auth_system(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { gr_auth_of(req)->user_id };
	json_t *list;

	if ((r = gr_db_query("SELECT 1 FROM user_system_roles WHERE "
	    "user_id = $1 LIMIT 1", 1, p)) == NULL)
		return -1;
	list = json_array();
	if (PQntuples(r) > 0)
		json_array_append_new(list, json_pack("{s:b}", "all", 1));
	gr_resp_json(resp, 200, json_pack("{s:o,s:o}", "system", list, "links",
	    links_self("auth/system", NULL)));
	return 0;
}

/* ---- bootstrap ---- */

int
identity_bootstrap(const char *user, const char *password, const char *project)
{
	static const char *const roles[] = { "admin", "member", "reader" };
	char id[33], hash[GR_PW_HASH_MAX];
	GR_AUTO_PGRES PGresult *r = NULL;

	if (gr_db_begin() < 0)
		return -1;
	for (int i = 0; i < 3; i++) {
		const char *p[2] = { id, roles[i] };

		if (new_id(id) < 0 || gr_db_exec("INSERT INTO roles (id, name) "
		    "VALUES ($1, $2) ON CONFLICT DO NOTHING", 2, p) < 0)
			goto fail;
	}
	const char *pp[2] = { id, project };
	if (new_id(id) < 0 || gr_db_exec("INSERT INTO projects (id, name, "
	    "description) VALUES ($1, $2, 'Bootstrap project for the cloud "
	    "administrator') ON CONFLICT DO NOTHING", 2, pp) < 0)
		goto fail;
	/* The configured password always wins, so a lost one can be reset by
	 * editing the configuration and restarting. */
	const char *up[3] = { id, user, hash };
	if (new_id(id) < 0 || gr_pw_hash(password, hash) < 0 ||
	    gr_db_exec("INSERT INTO users (id, name, password_hash) VALUES ($1, "
	    "$2, $3) ON CONFLICT (domain_id, name) DO UPDATE SET password_hash = "
	    "excluded.password_hash", 3, up) < 0)
		goto fail;
	const char *ap[2] = { user, project };
	r = gr_db_query("INSERT INTO role_assignments (project_id, user_id, "
	    "role_id) SELECT p.id, u.id, ro.id FROM projects p, users u, roles ro "
	    "WHERE p.name = $2 AND u.name = $1 AND p.domain_id = 'default' AND "
	    "u.domain_id = 'default' AND ro.name = 'admin' ON CONFLICT DO "
	    "NOTHING", 2, ap);
	if (r == NULL)
		goto fail;
	PQclear(r);
	/* As Keystone's bootstrap: the admin role on the system too. */
	r = gr_db_query("INSERT INTO system_role_assignments (user_id, role_id) "
	    "SELECT u.id, ro.id FROM users u, roles ro WHERE u.name = $1 AND "
	    "u.domain_id = 'default' AND ro.name = 'admin' ON CONFLICT DO "
	    "NOTHING", 1, ap);
	if (r == NULL)
		goto fail;
	PQclear(r);
	r = gr_db_query("UPDATE users SET default_project_id = (SELECT id FROM "
	    "projects WHERE name = $2 AND domain_id = 'default') WHERE name = $1 "
	    "AND domain_id = 'default' AND default_project_id IS NULL", 2, ap);
	if (r == NULL || gr_db_commit() < 0)
		goto fail;
	return 0;
fail:
	gr_db_rollback();
	return -1;
}

const struct gr_route identity_routes[] = {
	{ "GET",    "/",					get_versions,	GR_POLICY_PUBLIC },
	{ "GET",    "/v3",					get_version,	GR_POLICY_PUBLIC },
	{ "POST",   "/v3/auth/tokens",				auth_issue,	GR_POLICY_PUBLIC },
	{ "GET",    "/v3/auth/tokens",				auth_validate,	GR_POLICY_USER },
	{ "HEAD",   "/v3/auth/tokens",				auth_validate,	GR_POLICY_USER },
	{ "DELETE", "/v3/auth/tokens",				auth_revoke,	GR_POLICY_USER },
	{ "GET",    "/v3/auth/catalog",				auth_catalog,	GR_POLICY_USER },
	{ "GET",    "/v3/auth/projects",			auth_projects,	GR_POLICY_USER },
	{ "GET",    "/v3/auth/domains",				auth_domains,	GR_POLICY_USER },
	{ "GET",    "/v3/auth/system",				auth_system,	GR_POLICY_USER },
	{ "GET",    "/v3/projects",				project_list,	GR_POLICY_ADMIN },
	{ "POST",   "/v3/projects",				project_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/projects/{id}",			project_get,	GR_POLICY_USER },
	{ "PATCH",  "/v3/projects/{id}",			project_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/projects/{id}",			project_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/projects/{p}/users/{u}/roles",		grants_list_project, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/projects/{p}/users/{u}/roles/{r}",	grant_project,	GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/projects/{p}/users/{u}/roles/{r}",	grant_check_project, GR_POLICY_ADMIN },
	{ "GET",    "/v3/projects/{p}/users/{u}/roles/{r}",	grant_check_project, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/projects/{p}/users/{u}/roles/{r}",	revoke_project,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains/{d}/users/{u}/roles",		grants_list_domain, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/domains/{d}/users/{u}/roles/{r}",	grant_domain,	GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/domains/{d}/users/{u}/roles/{r}",	grant_check_domain, GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains/{d}/users/{u}/roles/{r}",	grant_check_domain, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/domains/{d}/users/{u}/roles/{r}",	revoke_domain,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/system/users/{u}/roles",		grants_list_system, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/system/users/{u}/roles/{r}",		grant_system,	GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/system/users/{u}/roles/{r}",		grant_check_system, GR_POLICY_ADMIN },
	{ "GET",    "/v3/system/users/{u}/roles/{r}",		grant_check_system, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/system/users/{u}/roles/{r}",		revoke_system,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/projects/{p}/groups/{g}/roles",	grants_list_project_group, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/projects/{p}/groups/{g}/roles/{r}",	grant_project_group, GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/projects/{p}/groups/{g}/roles/{r}",	grant_check_project_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/projects/{p}/groups/{g}/roles/{r}",	grant_check_project_group, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/projects/{p}/groups/{g}/roles/{r}",	revoke_project_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains/{d}/groups/{g}/roles",		grants_list_domain_group, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/domains/{d}/groups/{g}/roles/{r}",	grant_domain_group, GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/domains/{d}/groups/{g}/roles/{r}",	grant_check_domain_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains/{d}/groups/{g}/roles/{r}",	grant_check_domain_group, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/domains/{d}/groups/{g}/roles/{r}",	revoke_domain_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/system/groups/{g}/roles",		grants_list_system_group, GR_POLICY_ADMIN },
	{ "PUT",    "/v3/system/groups/{g}/roles/{r}",		grant_system_group, GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/system/groups/{g}/roles/{r}",		grant_check_system_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/system/groups/{g}/roles/{r}",		grant_check_system_group, GR_POLICY_ADMIN },
	{ "DELETE", "/v3/system/groups/{g}/roles/{r}",		revoke_system_group, GR_POLICY_ADMIN },
	{ "GET",    "/v3/groups",				group_list,	GR_POLICY_ADMIN },
	{ "POST",   "/v3/groups",				group_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/groups/{id}",				group_get,	GR_POLICY_ADMIN },
	{ "PATCH",  "/v3/groups/{id}",				group_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/groups/{id}",				group_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/groups/{id}/users",			group_users,	GR_POLICY_ADMIN },
	{ "PUT",    "/v3/groups/{g}/users/{u}",			member_add,	GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/groups/{g}/users/{u}",			member_check,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/groups/{g}/users/{u}",			member_check,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/groups/{g}/users/{u}",			member_remove,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/users/{id}/groups",			user_groups,	GR_POLICY_USER },
	{ "GET",    "/v3/users",				user_list,	GR_POLICY_ADMIN },
	{ "POST",   "/v3/users",				user_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/users/{id}",				user_get,	GR_POLICY_USER },
	{ "PATCH",  "/v3/users/{id}",				user_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/users/{id}",				user_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/users/{id}/projects",			user_projects,	GR_POLICY_USER },
	{ "POST",   "/v3/users/{id}/password",			user_password,	GR_POLICY_PUBLIC },
	{ "GET",    "/v3/roles",				role_list,	GR_POLICY_ADMIN },
	{ "POST",   "/v3/roles",				role_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/roles/{id}",				role_get,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/roles/{id}",				role_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/roles/{p}/implies",			implied_list,	GR_POLICY_ADMIN },
	{ "PUT",    "/v3/roles/{p}/implies/{i}",		implied_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/roles/{p}/implies/{i}",		implied_get,	GR_POLICY_ADMIN },
	{ "HEAD",   "/v3/roles/{p}/implies/{i}",		implied_get,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/roles/{p}/implies/{i}",		implied_delete,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/role_inferences",			inferences_list, GR_POLICY_ADMIN },
	{ "GET",    "/v3/role_assignments",			assignments_list, GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains",				domain_list,	GR_POLICY_ADMIN },
	{ "POST",   "/v3/domains",				domain_create,	GR_POLICY_ADMIN },
	{ "GET",    "/v3/domains/{id}",				domain_get,	GR_POLICY_USER },
	{ "PATCH",  "/v3/domains/{id}",				domain_update,	GR_POLICY_ADMIN },
	{ "DELETE", "/v3/domains/{id}",				domain_delete,	GR_POLICY_ADMIN },
};
const size_t identity_nroutes = sizeof(identity_routes) /
    sizeof(identity_routes[0]);
