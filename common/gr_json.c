/* gr_json.c - see gr_json.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

void
gr_json_decrefp(json_t **j)
{
	json_decref(*j);
}

static json_t *
member(json_t *obj, const char *key, int required, int *ret)
{
	json_t *v = json_object_get(obj, key);

	*ret = 1;
	if (v == NULL || json_is_null(v)) {
		if (required) {
			gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is required.",
			    key);
			*ret = -1;
		} else {
			*ret = 0;
		}
		return NULL;
	}
	return v;
}

int
gr_json_str(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_string(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be a string.",
		    key);
		return -1;
	}
	if (json_string_length(v) > maxlen) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is %zu bytes long; "
		    "at most %zu are allowed.", key, json_string_length(v),
		    maxlen);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' contains a NUL "
		    "character.", key);
		return -1;
	}
	*out = json_string_value(v);
	return 1;
}

int
gr_json_name(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out)
{
	int ret = gr_json_str(obj, key, required, (size_t)-1, out);

	if (ret != 1)
		return ret;
	return gr_check_name(key, *out, maxlen) < 0 ? -1 : 1;
}

int
gr_json_bool(json_t *obj, const char *key, int required, int *out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_boolean(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be true or "
		    "false.", key);
		return -1;
	}
	*out = json_is_true(v);
	return 1;
}

int
gr_json_int(json_t *obj, const char *key, int required, long long min,
    long long max, long long *out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be an integer "
		    "from %lld to %lld.", key, min, max);
		return -1;
	}
	*out = json_integer_value(v);
	return 1;
}

int
gr_json_object(json_t *obj, const char *key, int required, json_t **out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_object(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be an object.",
		    key);
		return -1;
	}
	*out = v;
	return 1;
}

int
gr_json_array(json_t *obj, const char *key, int required, json_t **out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (!json_is_array(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be a list.",
		    key);
		return -1;
	}
	*out = v;
	return 1;
}

int
gr_json_only(json_t *obj, const char *what, const char *const *allowed)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		int ok = 0;

		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (!ok) {
			gr_error(GR_ERR_BAD_REQUEST, "The %s has an unknown field "
			    "'%s'.", what, key);
			return -1;
		}
	}
	return 0;
}

void
gr_time_iso(long long t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000000Z", &tm);
}
