/*
 * Unit tests for common/gr_json.c: each getter's three answers (1 present,
 * 0 absent or null and optional, -1 with GR_ERR_BAD_REQUEST naming the
 * member), their type and bound checks, Nova's looser numbers and
 * booleans, gr_json_only and gr_time_iso.
 */
#include <string.h>

#include "gr_err.h"
#include "gr_json.h"
#include "gr_test.h"

/* Returns -1 with GR_ERR_BAD_REQUEST and a message containing want. */
#define BAD(call, want, desc) do {					\
	int r_;								\
	gr_err_clear();							\
	r_ = (call);							\
	CHECK(r_ == -1 && gr_err_code() == GR_ERR_BAD_REQUEST &&	\
	    strstr(gr_err_msg(), (want)) != NULL, desc);		\
	if (r_ != -1 || strstr(gr_err_msg(), (want)) == NULL)		\
		printf("#   returned %d, message '%s'\n", r_, gr_err_msg()); \
} while (0)

static json_t *
doc(void)
{
	return json_pack("{s:s,s:s,s:s,s:n,s:i,s:b,s:f,s:{},s:[],s:s#,s:s,"
	    "s:I,s:I}", "name", "vm-1", "empty", "", "tab", "a\tb", "nil",
	    "count", 42, "on", 1, "real", 1.5, "obj", "list", "nul", "a\0b", 3,
	    "long", "abcdefghij", "big", (json_int_t)1 << 40, "neg",
	    (json_int_t)-7);
}

static void
test_str(json_t *o)
{
	const char *s = NULL;

	CHECK(gr_json_str(o, "name", 1, 255, &s) == 1, "a present string");
	CHECK(s == json_string_value(json_object_get(o, "name")),
	    "the string belongs to the object");
	s = "untouched";
	CHECK(gr_json_str(o, "absent", 0, 255, &s) == 0 &&
	    strcmp(s, "untouched") == 0, "absent and optional: 0, *out kept");
	CHECK(gr_json_str(o, "nil", 0, 255, &s) == 0, "null counts as absent");
	BAD(gr_json_str(o, "absent", 1, 255, &s),
	    "The field 'absent' is required.", "absent and required");
	BAD(gr_json_str(o, "nil", 1, 255, &s), "The field 'nil' is required.",
	    "null and required");
	BAD(gr_json_str(o, "count", 1, 255, &s),
	    "The field 'count' must be a string.", "a number is no string");
	CHECK(gr_json_str(o, "long", 1, 10, &s) == 1, "exactly maxlen bytes");
	BAD(gr_json_str(o, "long", 1, 9, &s), "The field 'long' is 10 bytes "
	    "long; at most 9 are allowed.", "one byte over maxlen");
	BAD(gr_json_str(o, "nul", 1, 255, &s),
	    "The field 'nul' contains a NUL character.", "an escaped NUL");
	CHECK(gr_json_str(o, "tab", 1, 255, &s) == 1, "str allows control "
	    "characters");
	CHECK(gr_json_str(o, "empty", 1, 255, &s) == 1 && s[0] == '\0',
	    "str allows the empty string");
}

static void
test_name(json_t *o)
{
	const char *s = NULL;

	CHECK(gr_json_name(o, "name", 1, 255, &s) == 1 &&
	    strcmp(s, "vm-1") == 0, "a good name");
	CHECK(gr_json_name(o, "absent", 0, 255, &s) == 0, "an optional name");
	BAD(gr_json_name(o, "tab", 1, 255, &s), "control character",
	    "a name with a tab");
	BAD(gr_json_name(o, "empty", 1, 255, &s), "empty",
	    "an empty name");
	BAD(gr_json_name(o, "long", 1, 9, &s), "long", "a name over maxlen");
	BAD(gr_json_name(o, "count", 1, 255, &s), "must be a string",
	    "a number is no name");
	BAD(gr_json_name(o, "nul", 1, 255, &s), "NUL", "a name with a NUL");
}

static void
test_scalars(json_t *o)
{
	long long n = -1;
	int b = -1;

	CHECK(gr_json_bool(o, "on", 1, &b) == 1 && b == 1, "true");
	b = -1;
	CHECK(gr_json_bool(o, "absent", 0, &b) == 0 && b == -1,
	    "an absent bool leaves *out");
	BAD(gr_json_bool(o, "count", 0, &b),
	    "The field 'count' must be true or false.", "a number is no bool");
	BAD(gr_json_bool(o, "name", 0, &b), "true or false",
	    "nor is a string");
	BAD(gr_json_bool(o, "absent", 1, &b), "required", "a required bool");

	CHECK(gr_json_int(o, "count", 1, 0, 100, &n) == 1 && n == 42,
	    "an integer in bounds");
	CHECK(gr_json_int(o, "count", 1, 42, 42, &n) == 1,
	    "the bounds are inclusive");
	BAD(gr_json_int(o, "count", 1, 43, 100, &n),
	    "The field 'count' must be an integer from 43 to 100.",
	    "below the minimum");
	BAD(gr_json_int(o, "count", 1, 0, 41, &n), "from 0 to 41",
	    "above the maximum");
	CHECK(gr_json_int(o, "neg", 1, -10, 10, &n) == 1 && n == -7,
	    "negative integers");
	CHECK(gr_json_int(o, "big", 1, 0, (long long)1 << 40, &n) == 1 &&
	    n == (long long)1 << 40, "64-bit integers");
	BAD(gr_json_int(o, "real", 1, 0, 100, &n), "must be an integer",
	    "a real is no integer");
	BAD(gr_json_int(o, "name", 1, 0, 100, &n), "must be an integer",
	    "nor is a string");
	n = -1;
	CHECK(gr_json_int(o, "nil", 0, 0, 100, &n) == 0 && n == -1,
	    "an absent integer leaves *out");
}

/* Nova's integers, booleans and numbers. */
static void
test_nova(void)
{
	json_t *o = json_loads("{\"i\": 5, \"s\": \"12\", \"neg\": \"-1\", "
	    "\"sp\": \" 1\", \"plus\": \"+1\", \"e\": \"\", \"f\": 1.0, "
	    "\"long\": \"1234567890123456789\", \"T\": \"True\", \"y\": "
	    "\"yes\", \"zero\": \"0\", \"OFF\": \"OFF\", \"tRUE\": \"tRUE\", "
	    "\"b\": false, \"r\": \"1.5\", \"dot\": \"1.\", \"x\": \"1e3\", "
	    "\"z\": 0}", 0, NULL);
	long long n = 0;
	double x = 0;
	int b = -1;

	CHECK(o != NULL, "the Nova document parses");
	CHECK(gr_json_nova_int(o, "i", 1, 1, 10, &n) == 1 && n == 5,
	    "nova int: a JSON integer");
	CHECK(gr_json_nova_int(o, "s", 1, 1, 100, &n) == 1 && n == 12,
	    "nova int: a string of digits");
	CHECK(gr_json_nova_int(o, "neg", 1, -1, 100, &n) == 1 && n == -1,
	    "nova int: a negative string");
	BAD(gr_json_nova_int(o, "neg", 1, 0, 100, &n),
	    "Invalid input for field/attribute neg. Value: '-1'. It must be an "
	    "integer from 0 to 100.", "nova int: below the minimum, as a string");
	BAD(gr_json_nova_int(o, "sp", 1, 0, 9, &n), "' 1'",
	    "nova int: no blank before the digits");
	BAD(gr_json_nova_int(o, "plus", 1, 0, 9, &n), "'+1'", "nova int: no +");
	BAD(gr_json_nova_int(o, "e", 1, 0, 9, &n), "''", "nova int: not empty");
	BAD(gr_json_nova_int(o, "f", 1, 0, 9, &n), "Value: 1.", "nova int: no real");
	BAD(gr_json_nova_int(o, "T", 1, 0, 9, &n), "'True'",
	    "nova int: no word");
	BAD(gr_json_nova_int(o, "long", 1, 0, 9, &n), "integer from",
	    "nova int: 19 digits do not overflow");
	CHECK(gr_json_nova_bool(o, "T", 1, &b) == 1 && b == 1, "nova bool: True");
	CHECK(gr_json_nova_bool(o, "y", 1, &b) == 1 && b == 1, "nova bool: yes");
	CHECK(gr_json_nova_bool(o, "zero", 1, &b) == 1 && b == 0, "nova bool: 0");
	CHECK(gr_json_nova_bool(o, "OFF", 1, &b) == 1 && b == 0,
	    "nova bool: OFF");
	CHECK(gr_json_nova_bool(o, "b", 1, &b) == 1 && b == 0,
	    "nova bool: false");
	BAD(gr_json_nova_bool(o, "tRUE", 1, &b), "'tRUE'",
	    "nova bool: only Nova's spellings");
	BAD(gr_json_nova_bool(o, "i", 1, &b), "Value: 5.",
	    "nova bool: no number");
	BAD(gr_json_nova_bool(o, "s", 1, &b), "true or false",
	    "nova bool: no other digits");
	CHECK(gr_json_nova_number(o, "r", 1, 10, &x) == 1 && x == 1.5,
	    "nova number: a decimal string");
	CHECK(gr_json_nova_number(o, "f", 1, 10, &x) == 1 && x == 1.0,
	    "nova number: a JSON real");
	BAD(gr_json_nova_number(o, "dot", 1, 10, &x), "'1.'",
	    "nova number: digits after the point");
	BAD(gr_json_nova_number(o, "x", 1, 10e9, &x), "'1e3'",
	    "nova number: no exponent in a string");
	BAD(gr_json_nova_number(o, "z", 1, 10, &x), "above 0",
	    "nova number: 0 is not above 0");
	json_decref(o);
}

static void
test_containers(json_t *o)
{
	json_t *v = NULL;

	CHECK(gr_json_object(o, "obj", 1, &v) == 1 && json_is_object(v) &&
	    v == json_object_get(o, "obj"), "an object");
	BAD(gr_json_object(o, "list", 1, &v),
	    "The field 'list' must be an object.", "a list is no object");
	CHECK(gr_json_object(o, "absent", 0, &v) == 0, "an optional object");
	CHECK(gr_json_array(o, "list", 1, &v) == 1 && json_is_array(v),
	    "a list");
	BAD(gr_json_array(o, "obj", 1, &v),
	    "The field 'obj' must be a list.", "an object is no list");
	BAD(gr_json_array(o, "nil", 1, &v), "required", "a required list");
}

static void
test_only(void)
{
	static const char *const allowed[] = { "name", "size", NULL };
	static const char *const none[] = { NULL };
	GR_AUTO_JSON json_t *ok = json_pack("{s:s,s:i}", "name", "x", "size",
	    1);
	GR_AUTO_JSON json_t *extra = json_pack("{s:s,s:i}", "name", "x",
	    "colour", 1);
	GR_AUTO_JSON json_t *empty = json_object();

	CHECK(gr_json_only(ok, "server", allowed) == 0, "only known members");
	BAD(gr_json_only(extra, "server", allowed),
	    "The server has an unknown field 'colour'.",
	    "an unknown member is named, with what holds it");
	CHECK(gr_json_only(empty, "server", none) == 0, "an empty object");
	BAD(gr_json_only(ok, "flavor", none), "The flavor has an unknown field",
	    "nothing allowed");
}

static void
test_time(void)
{
	char out[32];

	gr_time_iso(0, out);
	CHECK_STR(out, "1970-01-01T00:00:00.000000Z", "the epoch");
	gr_time_iso(1795417200, out);
	CHECK_STR(out, "2026-11-23T07:00:00.000000Z", "OpenStack's format, "
	    "in UTC");
	gr_time_iso(951782400 + 86399, out);
	CHECK_STR(out, "2000-02-29T23:59:59.000000Z", "a leap day's last "
	    "second");
}

int
main(void)
{
	json_t *o = doc();

	CHECK(o != NULL, "the test document packs");
	test_str(o);
	test_name(o);
	test_scalars(o);
	test_nova();
	test_containers(o);
	json_decref(o);
	test_only();
	test_time();
	GR_TEST_END();
}
