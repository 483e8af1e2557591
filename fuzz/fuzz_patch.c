/*
 * fuzz_patch.c - libFuzzer target for an image's JSON-patch update:
 * images_patch() (image-service/images.c) applies the input, as the body
 * of PATCH /v2/images/ID, to the state image_update() builds from a
 * private queued image's row; once as its owner, once as an administrator
 * on an active image, each in both media types' forms (v2.1's RFC 6902
 * operations and v2.0's older ones).
 *
 * Besides the sanitizers, it checks the patch's contract and traps when it
 * fails: a patch either fails with 400, 403 or 409 and a message for a
 * fault body, or leaves a state every column of which the database can
 * take: a name that is null or a good name, known formats (unchanged
 * unless queued), a known visibility (public only for administrators), a
 * boolean, bounded integers, at most 128 good tags, at most 128 properties
 * with good names and string values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"
#include "images_priv.h"
#include "imgsvc.h"

struct img_conf img;	/* images.c's configuration (main.c's) */

#define STATE	"{\"name\":\"cirros\",\"disk_format\":\"qcow2\"," \
	"\"container_format\":\"bare\",\"visibility\":\"private\"," \
	"\"protected\":false,\"min_disk\":0,\"min_ram\":64,\"tags\":[\"a\"]," \
	"\"properties\":{\"os_distro\":\"cirros\"}}"

static int
one_of(json_t *v, const char *const *list)
{
	if (!json_is_string(v))
		return 0;
	for (; *list; list++)
		if (strcmp(json_string_value(v), *list) == 0)
			return 1;
	return 0;
}

static int
good_name(json_t *v, size_t maxlen)
{
	int ok = json_is_string(v) &&
	    gr_check_name("name", json_string_value(v), maxlen) == 0;

	gr_err_clear();
	return ok;
}

static int
bounded(json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	    json_integer_value(v) <= 1 << 30;
}

static void
check_state(json_t *st, int admin, const char *status)
{
	static const char *const keys[] = { "name", "disk_format",
	    "container_format", "visibility", "protected", "min_disk",
	    "min_ram", "tags", "properties", "os_hidden", NULL };
	static const char *const disks[] = { "qcow2", "raw", "iso", NULL };
	static const char *const conts[] = { "bare", NULL };
	static const char *const vis[] = { "public", "private", "shared",
	    "community", NULL };
	json_t *v, *tags = json_object_get(st, "tags");
	json_t *props = json_object_get(st, "properties");
	const char *key;
	char *text;

	json_object_foreach(st, key, v) {
		int known = 0;

		for (const char *const *k = keys; *k; k++)
			known |= strcmp(*k, key) == 0;
		CHECK(known);
	}
	v = json_object_get(st, "name");
	CHECK(json_is_null(v) || good_name(v, 255));
	CHECK(one_of(json_object_get(st, "disk_format"), disks));
	CHECK(one_of(json_object_get(st, "container_format"), conts));
	if (strcmp(status, "queued") != 0)
		CHECK(strcmp(json_string_value(json_object_get(st,
		    "disk_format")), "qcow2") == 0);
	v = json_object_get(st, "visibility");
	CHECK(one_of(v, vis) && (admin || strcmp(json_string_value(v),
	    "public") != 0));
	CHECK(json_is_boolean(json_object_get(st, "protected")));
	CHECK(bounded(json_object_get(st, "min_disk")) &&
	    bounded(json_object_get(st, "min_ram")));
	CHECK(json_is_array(tags) && json_array_size(tags) <= 128);
	for (size_t i = 0; i < json_array_size(tags); i++) {
		v = json_array_get(tags, i);
		CHECK(good_name(v, 255) && !strchr(json_string_value(v), '/'));
	}
	CHECK(json_is_object(props) && json_object_size(props) <= 128);
	json_object_foreach(props, key, v) {
		size_t n = strlen(key);

		CHECK(n >= 1 && n <= 255 && strspn(key,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789_.:-") == n);
		CHECK(json_is_string(v) && json_string_length(v) <= 65535);
	}
	/* What image_update() stores. */
	text = json_dumps(st, JSON_COMPACT);
	CHECK(text != NULL);
	free(text);
}

static void
patch(const uint8_t *data, size_t size, int draft, int admin,
    const char *status)
{
	json_t *st = json_loads(STATE, 0, NULL);

	CHECK(st != NULL);
	gr_err_clear();
	if (images_patch(st, (const char *)data, size, draft, admin,
	    status) == 0) {
		check_state(st, admin, status);
	} else {
		enum gr_err_code c = gr_err_code();

		CHECK(c == GR_ERR_BAD_REQUEST || c == GR_ERR_FORBIDDEN ||
		    c == GR_ERR_CONFLICT);
		fuzz_check_fault();
	}
	json_decref(st);
}

FUZZ_JSON_SEEDED

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	for (int draft = 4; draft <= 10; draft += 6) {
		patch(data, size, draft, 0, "queued");
		patch(data, size, draft, 1, "active");
	}
	return 0;
}
