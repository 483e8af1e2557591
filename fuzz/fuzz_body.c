/*
 * fuzz_body.c - libFuzzer target for a request body on its way into a
 * handler: the checks of gr_req_json() (not empty, valid UTF-8, JSON with
 * no duplicate keys, an object), then the gr_json_* getters in the order
 * the token-issue handler (controller/auth.c) and the project-create
 * handler (controller/identity.c) call them, ending with the json_dumps()
 * of what a handler would store, and the Nova-form getters as the
 * flavor-create handler (controller/flavors.c) calls them.
 *
 * Every getter is called whatever the earlier ones returned, so one input
 * reaches all of them. Besides the sanitizers, it checks the getters'
 * documented contract and traps when it fails: 1 means present, of the
 * right type and in bounds, with *out set; 0 means absent or null and not
 * required; -1 means GR_ERR_BAD_REQUEST with a message that gr_fault_json()
 * can put in a fault body.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "fuzz.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

#define NAME_MAX_LEN	255
#define DESC_MAX_LEN	4096
#define PASSWORD_MAX	4096
#define EXTRA_MAX	16

/* The contract common to all getters, given what the member is. */
static void
check_ret(json_t *obj, const char *key, int required, int ret)
{
	json_t *v = json_object_get(obj, key);
	int absent = v == NULL || json_is_null(v);

	if (ret == -1) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(gr_err_msg()[0] != '\0');
		fuzz_check_fault();
	} else if (ret == 0) {
		CHECK(absent && !required);
	} else {
		CHECK(ret == 1 && !absent);
	}
	gr_err_clear();
}

static int
str(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out)
{
	int ret;

	*out = NULL;
	ret = gr_json_str(obj, key, required, maxlen, out);
	if (ret == 1) {
		CHECK(*out != NULL && strlen(*out) <= maxlen);
		CHECK(*out == json_string_value(json_object_get(obj, key)));
	}
	check_ret(obj, key, required, ret);
	return ret;
}

static int
name(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out)
{
	int ret;

	*out = NULL;
	ret = gr_json_name(obj, key, required, maxlen, out);
	if (ret == 1) {
		CHECK(*out != NULL && strlen(*out) >= 1 &&
		    strlen(*out) <= maxlen);
		CHECK(gr_check_name(key, *out, maxlen) == 0);
	}
	check_ret(obj, key, required, ret);
	return ret;
}

static json_t *
object(json_t *obj, const char *key, int required)
{
	json_t *out = NULL;
	int ret = gr_json_object(obj, key, required, &out);

	CHECK(ret != 1 || json_is_object(out));
	check_ret(obj, key, required, ret);
	return ret == 1 ? out : NULL;
}

static json_t *
array(json_t *obj, const char *key, int required)
{
	json_t *out = NULL;
	int ret = gr_json_array(obj, key, required, &out);

	CHECK(ret != 1 || json_is_array(out));
	check_ret(obj, key, required, ret);
	return ret == 1 ? out : NULL;
}

/* auth.c's check_domain(): an optional {"id", "name"} naming Default. */
static void
domain(json_t *owner)
{
	json_t *d = json_object_get(owner, "domain");
	const char *id, *nm;

	if (d == NULL || !json_is_object(d))
		return;
	str(d, "id", 0, 64, &id);
	str(d, "name", 0, NAME_MAX_LEN, &nm);
	if (id)
		(void)strcmp(id, "default");
	if (nm)
		(void)strcasecmp(nm, "Default");
}

/* POST /v3/auth/tokens, up to the database. */
static void
token_issue(json_t *body)
{
	json_t *auth, *ident, *methods, *pw, *user, *scope, *proj;
	const char *id, *nm, *pass;

	auth = object(body, "auth", 1);
	ident = auth ? object(auth, "identity", 1) : NULL;
	methods = ident ? array(ident, "methods", 1) : NULL;
	if (methods && json_array_size(methods) == 1 &&
	    json_is_string(json_array_get(methods, 0)))
		(void)strcmp(json_string_value(json_array_get(methods, 0)),
		    "password");
	pw = ident ? object(ident, "password", 1) : NULL;
	user = pw ? object(pw, "user", 1) : NULL;
	if (user) {
		str(user, "id", 0, 64, &id);
		str(user, "name", 0, NAME_MAX_LEN, &nm);
		str(user, "password", 1, PASSWORD_MAX, &pass);
		domain(user);
	}
	scope = auth ? object(auth, "scope", 0) : NULL;
	proj = scope ? object(scope, "project", 1) : NULL;
	if (proj) {
		str(proj, "id", 0, 64, &id);
		str(proj, "name", 0, NAME_MAX_LEN, &nm);
		domain(proj);
	}
}

/* identity.c's collect_extra(): unknown members kept if short strings. */
static json_t *
extra_of(json_t *obj, const char *const *known)
{
	json_t *extra = json_object(), *v;
	const char *key;

	json_object_foreach(obj, key, v) {
		int k = 0;

		for (const char *const *a = known; *a; a++)
			if (strcmp(*a, key) == 0)
				k = 1;
		if (k || (!json_is_string(v) && !json_is_null(v)) ||
		    json_object_size(extra) >= EXTRA_MAX ||
		    json_string_length(v) > DESC_MAX_LEN)
			continue;
		if (gr_check_name("extra field name", key, 64) < 0) {
			gr_err_clear();
			continue;
		}
		if (!json_is_null(v))
			json_object_set(extra, key, v);
	}
	return extra;
}

/* POST /v3/projects, up to the database. */
static void
project_create(json_t *body)
{
	static const char *const known[] = { "name", "description", "enabled",
	    "domain_id", "tags", "parent_id", "is_domain", "options", "id",
	    "links", NULL };
	json_t *p, *tags, *extra;
	const char *nm, *desc, *dom;
	char *s;
	int enabled = 1, ret;
	long long n;

	if ((p = object(body, "project", 1)) == NULL)
		return;
	name(p, "name", 1, NAME_MAX_LEN, &nm);
	str(p, "description", 0, DESC_MAX_LEN, &desc);
	ret = gr_json_bool(p, "enabled", 0, &enabled);
	CHECK(ret != 1 || json_is_boolean(json_object_get(p, "enabled")));
	check_ret(p, "enabled", 0, ret);
	str(p, "domain_id", 0, 64, &dom);
	ret = gr_json_int(p, "quota", 0, 0, 1000, &n);
	CHECK(ret != 1 || (n >= 0 && n <= 1000));
	check_ret(p, "quota", 0, ret);
	tags = json_object_get(p, "tags");
	if (json_is_array(tags) && json_array_size(tags) <= 80) {
		for (size_t i = 0; i < json_array_size(tags); i++) {
			json_t *t = json_array_get(tags, i);

			if (json_is_string(t) && gr_check_name("tag",
			    json_string_value(t), NAME_MAX_LEN) < 0)
				gr_err_clear();
		}
		s = json_dumps(tags, JSON_COMPACT);
		CHECK(s != NULL);
		free(s);
	}
	/* As role_create() does on its object. */
	if (gr_json_only(p, "project", known) < 0) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		fuzz_check_fault();
		gr_err_clear();
	}
	extra = extra_of(p, known);
	s = json_dumps(extra, JSON_COMPACT);
	CHECK(s != NULL);
	free(s);
	json_decref(extra);
}

/* gr_json_nova_int and _number: 1 only in bounds. */
static void
nova_int(json_t *obj, const char *key, int required, long long min)
{
	long long n = min - 1;
	int ret = gr_json_nova_int(obj, key, required, min, INT32_MAX, &n);

	CHECK(ret != 1 || (n >= min && n <= INT32_MAX));
	check_ret(obj, key, required, ret);
}

/* POST /v2.1/flavors's numbers and booleans, as Nova's schemas take
 * them. */
static void
flavor_create(json_t *body)
{
	json_t *f, *v;
	double x = 0;
	int b = -1, ret;

	if ((f = object(body, "flavor", 1)) == NULL)
		return;
	nova_int(f, "vcpus", 1, 1);
	nova_int(f, "ram", 1, 1);
	nova_int(f, "disk", 0, 0);
	nova_int(f, "OS-FLV-EXT-DATA:ephemeral", 0, 0);
	ret = gr_json_nova_number(f, "rxtx_factor", 0, 3.40282e+38, &x);
	CHECK(ret != 1 || (x > 0 && x <= 3.40282e+38));
	check_ret(f, "rxtx_factor", 0, ret);
	ret = gr_json_nova_bool(f, "os-flavor-access:is_public", 0, &b);
	v = json_object_get(f, "os-flavor-access:is_public");
	CHECK(ret != 1 || ((b == 0 || b == 1) && (json_is_boolean(v) ||
	    json_is_string(v))));
	check_ret(f, "os-flavor-access:is_public", 0, ret);
}

FUZZ_JSON_SEEDED

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = fuzz_json_body(data, size);

	if (body == NULL)
		return 0;
	if (json_is_object(body)) {
		gr_err_clear();
		token_issue(body);
		project_create(body);
		flavor_create(body);
	}
	json_decref(body);
	return 0;
}
