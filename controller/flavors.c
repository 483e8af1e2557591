/*
 * flavors.c - Compute v2.1 flavors (microversion 2.1 formats), their
 * extra specs (gureum:disk_provisioning = thin | thick chooses the disk
 * kind) and per-project access to private flavors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

#define FLV_COLS "f.id, f.name, f.vcpus, f.ram, f.disk, f.swap, f.ephemeral, " \
	"f.rxtx_factor, f.is_public, f.extra_specs"

/* Who may see a flavor: public ones, private ones shared with the
 * project, and everything for admins. $2 project, $3 admin. */
#define FLV_VISIBLE "(f.is_public OR $3 OR EXISTS (SELECT 1 FROM " \
	"flavor_access fa WHERE fa.flavor_id = f.id AND fa.project_id = $2))"

static json_t *
flavor_links(const char *id)
{
	char self[256], book[256];

	snprintf(self, sizeof(self), "http://%s:%ld/v2.1/flavors/%s",
	    ctl.public_host, ctl.compute_port, id);
	snprintf(book, sizeof(book), "http://%s:%ld/flavors/%s",
	    ctl.public_host, ctl.compute_port, id);
	return json_pack("[{s:s,s:s},{s:s,s:s}]", "rel", "self", "href", self,
	    "rel", "bookmark", "href", book);
}

static json_t *
flavor_json(PGresult *r, int i, int detail)
{
	const char *id = PQgetvalue(r, i, 0);
	int swap = atoi(PQgetvalue(r, i, 5));
	json_t *f = json_pack("{s:s,s:s,s:o}", "id", id, "name",
	    PQgetvalue(r, i, 1), "links", flavor_links(id));

	if (!detail)
		return f;
	json_object_update_new(f, json_pack("{s:i,s:i,s:i,s:o,s:f,s:i,s:b,s:b}",
	    "vcpus", atoi(PQgetvalue(r, i, 2)), "ram", atoi(PQgetvalue(r, i, 3)),
	    "disk", atoi(PQgetvalue(r, i, 4)),
	    /* Nova at 2.1 shows no swap as "". */
	    "swap", swap ? json_integer(swap) : json_string(""),
	    "rxtx_factor", atof(PQgetvalue(r, i, 7)),
	    "OS-FLV-EXT-DATA:ephemeral", atoi(PQgetvalue(r, i, 6)),
	    "os-flavor-access:is_public", PQgetvalue(r, i, 8)[0] == 't',
	    "OS-FLV-DISABLED:disabled", 0));
	return f;
}

json_t *
flavor_find(const char *ref, const char *project_id, int is_admin)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[3] = { ref, project_id, is_admin ? "t" : "f" };
	json_t *f;

	r = gr_db_query("SELECT " FLV_COLS " FROM flavors f WHERE (f.id = $1 OR "
	    "f.name = $1) AND " FLV_VISIBLE " ORDER BY f.id = $1 DESC LIMIT 1",
	    3, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %s could not be found.", ref);
		return NULL;
	}
	f = json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i}", "id", PQgetvalue(r, 0, 0),
	    "name", PQgetvalue(r, 0, 1), "vcpus", atoi(PQgetvalue(r, 0, 2)),
	    "ram", atoi(PQgetvalue(r, 0, 3)), "disk", atoi(PQgetvalue(r, 0, 4)),
	    "swap", atoi(PQgetvalue(r, 0, 5)), "ephemeral",
	    atoi(PQgetvalue(r, 0, 6)));
	json_object_set_new(f, "extra_specs", json_loads(PQgetvalue(r, 0, 9), 0,
	    NULL));
	return f;
}

static int
list_common(struct gr_req *req, struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *pub = gr_req_query(req, "is_public");
	/* is_public: true (default for members), false, or none = all. */
	const char *mode = "t";
	json_t *list;

	if (pub && (strcasecmp(pub, "none") == 0))
		mode = NULL;
	else if (pub && (strcasecmp(pub, "false") == 0 || strcmp(pub, "0") == 0))
		mode = "f";
	if (a->is_admin && pub == NULL)
		mode = NULL;
	const char *p[4] = { mode, a->project_id, a->is_admin ? "t" : "f",
	    gr_req_query(req, "minRam") };
	r = gr_db_query("SELECT " FLV_COLS " FROM flavors f WHERE " FLV_VISIBLE
	    " AND ($1::boolean IS NULL OR f.is_public = $1 OR (NOT $1 AND NOT "
	    "f.is_public)) AND ($4::integer IS NULL OR f.ram >= $4::integer) "
	    "ORDER BY f.ram, f.id", 4, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, flavor_json(r, i, detail));
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavors", list));
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

static PGresult *
load(struct gr_req *req, const char *id)
{
	struct gr_auth *a = gr_auth_of(req);
	const char *p[3] = { id, a->project_id, a->is_admin ? "t" : "f" };
	PGresult *r = gr_db_query("SELECT " FLV_COLS " FROM flavors f WHERE "
	    "f.id = $1 AND " FLV_VISIBLE, 3, p);

	if (r && PQntuples(r) == 0) {
		PQclear(r);
		gr_error(GR_ERR_NOT_FOUND, "Flavor %s could not be found.", id);
		return NULL;
	}
	return r;
}

int
flavor_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req, req->params[0]);

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor",
	    flavor_json(r, 0, 1)));
	return 0;
}

int
flavor_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "id", "name", "vcpus", "ram",
	    "disk", "swap", "rxtx_factor", "OS-FLV-EXT-DATA:ephemeral",
	    "os-flavor-access:is_public", "description", NULL };
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *f, *v;
	const char *name, *id = NULL;
	long long vcpus, ram, disk = 0, swap = 0, eph = 0;
	int pub = 1;
	double rxtx = 1.0;
	char uuid[37], s[5][24];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "flavor", 1, &f) < 0 ||
	    gr_json_only(f, "flavor", known) < 0 ||
	    gr_json_name(f, "name", 1, 255, &name) < 0 ||
	    gr_json_int(f, "vcpus", 1, 1, 4096, &vcpus) < 0 ||
	    gr_json_int(f, "ram", 1, 1, 1LL << 30, &ram) < 0 ||
	    gr_json_int(f, "disk", 0, 0, 1LL << 30, &disk) < 0 ||
	    gr_json_int(f, "swap", 0, 0, 1LL << 30, &swap) < 0 ||
	    gr_json_int(f, "OS-FLV-EXT-DATA:ephemeral", 0, 0, 1LL << 30,
	    &eph) < 0 ||
	    gr_json_bool(f, "os-flavor-access:is_public", 0, &pub) < 0)
		return -1;
	v = json_object_get(f, "rxtx_factor");
	if (v && !json_is_null(v)) {
		if (!json_is_number(v) || json_number_value(v) <= 0) {
			gr_error(GR_ERR_BAD_REQUEST, "rxtx_factor must be a "
			    "positive number.");
			return -1;
		}
		rxtx = json_number_value(v);
	}
	v = json_object_get(f, "id");
	if (v && !json_is_null(v) && !(json_is_string(v) &&
	    strcmp(json_string_value(v), "auto") == 0)) {
		if (gr_json_name(f, "id", 1, 255, &id) < 0)
			return -1;
		if (strchr(id, '/')) {
			gr_error(GR_ERR_BAD_REQUEST, "A flavor id may not contain "
			    "'/'.");
			return -1;
		}
	}
	if (id == NULL) {
		if (gr_uuid(uuid) < 0)
			return -1;
		id = uuid;
	}
	snprintf(s[0], 24, "%lld", vcpus);
	snprintf(s[1], 24, "%lld", ram);
	snprintf(s[2], 24, "%lld", disk);
	snprintf(s[3], 24, "%lld", swap);
	snprintf(s[4], 24, "%lld", eph);
	char rx[32];
	snprintf(rx, sizeof(rx), "%g", rxtx);
	const char *p[9] = { id, name, s[0], s[1], s[2], s[3], s[4], rx,
	    pub ? "t" : "f" };
	r = gr_db_query("INSERT INTO flavors (id, name, vcpus, ram, disk, swap, "
	    "ephemeral, rxtx_factor, is_public) VALUES ($1, $2, $3, $4, $5, $6, "
	    "$7, $8, $9) RETURNING id, name, vcpus, ram, disk, swap, ephemeral, "
	    "rxtx_factor, is_public, extra_specs", 9, p);
	if (r == NULL) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "A flavor with name '%s' or id "
			    "'%s' already exists.", name, id);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "flavor",
	    flavor_json(r, 0, 1)));
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
		gr_error(GR_ERR_NOT_FOUND, "Flavor %s could not be found.",
		    req->params[0]);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

/* ---- extra specs ---- */

static int
check_spec(const char *key, json_t *v)
{
	size_t n = strlen(key);

	if (n == 0 || n > 255 || strspn(key, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.: -") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "The extra spec key '%.64s' is not "
		    "allowed: use letters, digits, '_', '.', ':', '-' or spaces.",
		    key);
		return -1;
	}
	if (!json_is_string(v) || json_string_length(v) > 255 ||
	    gr_check_name("extra spec value", json_string_value(v), 255) < 0) {
		if (!json_is_string(v))
			gr_error(GR_ERR_BAD_REQUEST, "The value of extra spec '%s' "
			    "must be a string.", key);
		return -1;
	}
	if (strcmp(key, "gureum:disk_provisioning") == 0 &&
	    strcmp(json_string_value(v), "thin") != 0 &&
	    strcmp(json_string_value(v), "thick") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "gureum:disk_provisioning must be "
		    "'thin' or 'thick', not '%s'.", json_string_value(v));
		return -1;
	}
	return 0;
}

static json_t *
specs_of(struct gr_req *req)
{
	GR_AUTO_PGRES PGresult *r = load(req, req->params[0]);

	return r ? json_loads(PQgetvalue(r, 0, 9), 0, NULL) : NULL;
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

/* Merges specs into the flavor's; answers with what was set. */
static int
specs_merge(struct gr_req *req, struct gr_resp *resp, json_t *set,
    int wrap)
{
	GR_AUTO_JSON json_t *cur = specs_of(req);
	GR_AUTOFREE char *text = NULL;
	const char *key;
	json_t *v;

	if (cur == NULL)
		return -1;
	json_object_foreach(set, key, v)
		if (check_spec(key, v) < 0)
			return -1;
	json_object_update(cur, set);
	text = json_dumps(cur, JSON_COMPACT);
	const char *p[2] = { req->params[0], text };
	if (gr_db_exec("UPDATE flavors SET extra_specs = $2 WHERE id = $1", 2,
	    p) < 0)
		return -1;
	gr_resp_json(resp, 200, wrap ? json_pack("{s:O}", "extra_specs", set) :
	    json_incref(set));
	return 0;
}

int
flavor_specs_set(struct gr_req *req, struct gr_resp *resp)
{
	json_t *body, *set;

	if ((body = gr_req_json(req)) == NULL ||
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
		gr_error(GR_ERR_NOT_FOUND, "Flavor %s has no extra spec '%.64s'.",
		    req->params[0], req->params[1]);
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
	if (json_object_size(body) != 1 || json_object_get(body,
	    req->params[1]) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The body must set exactly the key "
		    "'%.64s' named in the URL.", req->params[1]);
		return -1;
	}
	return specs_merge(req, resp, body, 0);
}

int
flavor_spec_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_JSON json_t *s = specs_of(req);
	GR_AUTOFREE char *text = NULL;

	if (s == NULL)
		return -1;
	if (json_object_del(s, req->params[1]) < 0) {
		gr_error(GR_ERR_NOT_FOUND, "Flavor %s has no extra spec '%.64s'.",
		    req->params[0], req->params[1]);
		return -1;
	}
	text = json_dumps(s, JSON_COMPACT);
	const char *p[2] = { req->params[0], text };
	if (gr_db_exec("UPDATE flavors SET extra_specs = $2 WHERE id = $1", 2,
	    p) < 0)
		return -1;
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
	GR_AUTO_PGRES PGresult *r = load(req, req->params[0]);

	if (r == NULL)
		return -1;
	if (PQgetvalue(r, 0, 8)[0] == 't') {
		gr_error(GR_ERR_NOT_FOUND, "Access list not available for public "
		    "flavors.");
		return -1;
	}
	return access_list_of(req->params[0], resp);
}

int
flavor_action(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load(req, req->params[0]);
	json_t *body, *a;
	const char *tenant;
	int add;

	if (r == NULL || (body = gr_req_json(req)) == NULL)
		return -1;
	add = json_object_get(body, "addTenantAccess") != NULL;
	if (gr_json_object(body, add ? "addTenantAccess" : "removeTenantAccess",
	    1, &a) < 0 || gr_json_name(a, "tenant", 1, 64, &tenant) < 0)
		return -1;
	if (PQgetvalue(r, 0, 8)[0] == 't') {
		gr_error(GR_ERR_CONFLICT, "Flavor %s is public: access lists are "
		    "for private flavors.", req->params[0]);
		return -1;
	}
	const char *p[2] = { req->params[0], tenant };
	if (add) {
		GR_AUTO_PGRES PGresult *i = gr_db_query("INSERT INTO flavor_access "
		    "(flavor_id, project_id) VALUES ($1, $2) ON CONFLICT DO "
		    "NOTHING", 2, p);

		if (i == NULL)
			return -1;
		if (gr_db_affected(i) == 0) {
			gr_error(GR_ERR_CONFLICT, "Project %s already has access "
			    "to flavor %s.", tenant, req->params[0]);
			return -1;
		}
	} else {
		GR_AUTO_PGRES PGresult *d = gr_db_query("DELETE FROM flavor_access "
		    "WHERE flavor_id = $1 AND project_id = $2", 2, p);

		if (d == NULL)
			return -1;
		if (gr_db_affected(d) == 0) {
			gr_error(GR_ERR_NOT_FOUND, "Project %s has no access to "
			    "flavor %s.", tenant, req->params[0]);
			return -1;
		}
	}
	return access_list_of(req->params[0], resp);
}
