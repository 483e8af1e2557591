/*
 * Unit tests for common/gr_fault.c: the shape of each style's fault body
 * (identity and image: {"error":{code,title,message}}; compute: Nova's
 * {"KEY":{code,message}}; network: Neutron's
 * {"NeutronError":{type,message,detail}}), the reason phrases, the status each error code
 * maps to (gr_err.c's table, which picks the fault), and messages that
 * are not valid UTF-8.
 */
#include <string.h>

#include "gr_err.h"
#include "gr_fault.h"
#include "gr_test.h"

/* The fault's only member's name, and that member (an object of n keys). */
static json_t *
inner(json_t *f, const char **key, size_t n)
{
	const char *k;
	json_t *v, *found = NULL;

	*key = "";
	if (!json_is_object(f) || json_object_size(f) != 1)
		return NULL;
	json_object_foreach(f, k, v) {
		*key = k;
		found = v;
	}
	return json_is_object(found) && json_object_size(found) == n ? found :
	    NULL;
}

static const char *
str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static json_int_t
code(json_t *o)
{
	return json_integer_value(json_object_get(o, "code"));
}

/* An identity or image fault: {"error":{"code","title","message"}}. */
static void
check_error_style(enum gr_fault_style style, const char *what)
{
	static const struct { int status; const char *title; } t[] = {
		{ 400, "Bad Request" }, { 401, "Unauthorized" },
		{ 403, "Forbidden" }, { 404, "Not Found" },
		{ 409, "Conflict" }, { 413, "Request Entity Too Large" },
		{ 416, "Requested Range Not Satisfiable" },
		{ 500, "Internal Server Error" },
		{ 503, "Service Unavailable" },
	};
	int good = 1;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *f = gr_fault_json(style, t[i].status, "why"), *e;
		const char *key;

		e = inner(f, &key, 3);
		if (e == NULL || strcmp(key, "error") != 0 ||
		    code(e) != t[i].status || !str(e, "title") ||
		    strcmp(str(e, "title"), t[i].title) != 0 ||
		    !str(e, "message") ||
		    strcmp(str(e, "message"), "why") != 0) {
			printf("#   %s %d: '%s'\n", what, t[i].status, key);
			good = 0;
		}
		json_decref(f);
	}
	CHECK(good, what);
}

static void
test_compute(void)
{
	static const struct { int status; const char *key; } t[] = {
		{ 400, "badRequest" }, { 401, "unauthorized" },
		{ 403, "forbidden" }, { 404, "itemNotFound" },
		{ 405, "badMethod" }, { 409, "conflictingRequest" },
		{ 413, "overLimit" }, { 415, "badMediaType" },
		{ 503, "serviceUnavailable" }, { 500, "computeFault" },
		{ 502, "computeFault" }, { 418, "badRequest" },
	};
	int good = 1;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *f, *e;
		const char *key;

		f = gr_fault_json(GR_FAULT_COMPUTE, t[i].status, "gone");
		e = inner(f, &key, 2);
		if (e == NULL || strcmp(key, t[i].key) != 0 ||
		    code(e) != t[i].status || !str(e, "message") ||
		    strcmp(str(e, "message"), "gone") != 0) {
			printf("#   compute %d: '%s', wanted '%s'\n",
			    t[i].status, key, t[i].key);
			good = 0;
		}
		json_decref(f);
	}
	CHECK(good, "compute faults are {KEY:{code,message}} with Nova's key "
	    "for each status, unknown 4xx badRequest, 5xx computeFault");
}

static void
test_network(void)
{
	static const struct { int status; const char *type; } t[] = {
		{ 400, "HTTPBadRequest" }, { 404, "HTTPNotFound" },
		{ 409, "HTTPConflict" }, { 403, "HTTPForbidden" },
		{ 500, "HTTPInternalServerError" }, { 418, "HTTPBadRequest" },
	};
	int good = 1;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *f, *e;
		const char *key;

		f = gr_fault_json(GR_FAULT_NETWORK, t[i].status, "in use");
		e = inner(f, &key, 3);
		if (e == NULL || strcmp(key, "NeutronError") != 0 ||
		    !str(e, "type") || strcmp(str(e, "type"), t[i].type) ||
		    !str(e, "message") || strcmp(str(e, "message"), "in use") ||
		    !str(e, "detail") || strcmp(str(e, "detail"), "")) {
			printf("#   network %d: '%s'\n", t[i].status, key);
			good = 0;
		}
		json_decref(f);
	}
	CHECK(good, "network faults are {NeutronError:{type,message,detail}} "
	    "with the status's class as type");
}

static void
test_reasons(void)
{
	CHECK_STR(gr_http_reason(404), "Not Found", "404's reason");
	CHECK_STR(gr_http_reason(405), "Method Not Allowed", "405's reason");
	CHECK_STR(gr_http_reason(415), "Unsupported Media Type",
	    "415's reason");
	CHECK_STR(gr_http_reason(507), "Internal Server Error",
	    "any other 5xx is an internal error");
	CHECK_STR(gr_http_reason(418), "Error", "any other status is 'Error'");
}

static void
test_status(void)
{
	static const int want[GR_ERR__COUNT] = {
		[GR_ERR_NONE] = 200, [GR_ERR_BAD_REQUEST] = 400,
		[GR_ERR_UNAUTHORIZED] = 401, [GR_ERR_FORBIDDEN] = 403,
		[GR_ERR_NOT_FOUND] = 404, [GR_ERR_METHOD] = 405,
		[GR_ERR_NOT_ACCEPTABLE] = 406,
		[GR_ERR_CONFLICT] = 409, [GR_ERR_TOO_LARGE] = 413,
		[GR_ERR_MEDIA_TYPE] = 415, [GR_ERR_RANGE] = 416,
		[GR_ERR_INTERNAL] = 500, [GR_ERR_UNAVAILABLE] = 503,
		[GR_ERR_SYSTEM] = 500,
	};
	int good = 1;

	for (int c = 0; c < GR_ERR__COUNT; c++)
		if (gr_err_http_status((enum gr_err_code)c) != want[c]) {
			printf("#   code %d: %d\n", c,
			    gr_err_http_status((enum gr_err_code)c));
			good = 0;
		}
	CHECK(good, "each error code has its status");
	CHECK(gr_err_http_status(GR_ERR__COUNT) == 500 &&
	    gr_err_http_status((enum gr_err_code)-1) == 500,
	    "a code out of the table is 500");
}

static void
test_utf8(void)
{
	json_t *f, *e;
	const char *key;

	f = gr_fault_json(GR_FAULT_IDENTITY, 400, "caf\xc3\xa9 \xea\xb5\xac");
	e = inner(f, &key, 3);
	CHECK(e && strcmp(str(e, "message"), "caf\xc3\xa9 \xea\xb5\xac") == 0,
	    "valid UTF-8 is kept as it is");
	json_decref(f);
	f = gr_fault_json(GR_FAULT_COMPUTE, 400, "name 'x\xff' or '\xea\xb5'");
	e = inner(f, &key, 2);
	CHECK(e && strcmp(str(e, "message"), "name 'x?' or '?" "?'") == 0,
	    "each byte that starts no whole character becomes '?'");
	json_decref(f);
	f = gr_fault_json(GR_FAULT_IMAGE, 404, "cut \xed\xa0\x80 and \xc3");
	e = inner(f, &key, 3);
	CHECK(e && strcmp(str(e, "message"), "cut ?" "?" "? and ?") == 0,
	    "a surrogate and a character cut at the end too");
	json_decref(f);
	f = gr_fault_json(GR_FAULT_IMAGE, 500, "");
	e = inner(f, &key, 3);
	CHECK(e && strcmp(str(e, "message"), "") == 0, "an empty message");
	json_decref(f);
}

int
main(void)
{
	check_error_style(GR_FAULT_IDENTITY, "identity faults are "
	    "{error:{code,title,message}} with the status's reason");
	check_error_style(GR_FAULT_IMAGE, "image faults have the same shape");
	test_compute();
	test_network();
	test_reasons();
	test_status();
	test_utf8();
	GR_TEST_END();
}
