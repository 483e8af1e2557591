/* gr_json.c - see gr_json.h. */
#include <stdio.h>
#include <stdlib.h>
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

/* Nova's 400 for member key of value v: "Invalid input for
 * field/attribute KEY. Value: V. It must be WANT." Returns -1. */
static int
nova_refuse(const char *key, json_t *v, const char *want)
{
	char text[72];

	if (json_is_string(v))
		snprintf(text, sizeof(text), "'%.64s'", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(text, sizeof(text), "%lld",
		    (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(text, sizeof(text), "%g", json_real_value(v));
	else
		snprintf(text, sizeof(text), "%s", json_is_boolean(v) ?
		    (json_is_true(v) ? "true" : "false") :
		    "a JSON object or array");
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute %s. "
	    "Value: %s. It must be %s.", key, text, want);
	return -1;
}

int
gr_json_nova_int(json_t *obj, const char *key, int required, long long min,
    long long max, long long *out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);
	long long n = 0;
	char want[80];

	if (v == NULL)
		return ret;
	if (json_is_integer(v)) {
		n = json_integer_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v), *d = s + (s[0] == '-');
		size_t digits = strspn(d, "0123456789");

		if (digits == 0 || d[digits] != '\0' || digits > 18)
			goto bad;
		n = strtoll(s, NULL, 10);
	} else {
		goto bad;
	}
	if (n < min || n > max)
		goto bad;
	*out = n;
	return 1;
bad:
	snprintf(want, sizeof(want), "an integer from %lld to %lld", min, max);
	return nova_refuse(key, v, want);
}

int
gr_json_nova_bool(json_t *obj, const char *key, int required, int *out)
{
	static const char *const yes[] = { "True", "TRUE", "true", "1", "ON",
	    "On", "on", "YES", "Yes", "yes", NULL };
	static const char *const no[] = { "False", "FALSE", "false", "0",
	    "OFF", "Off", "off", "NO", "No", "no", NULL };
	int ret;
	json_t *v = member(obj, key, required, &ret);

	if (v == NULL)
		return ret;
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return 1;
	}
	for (int i = 0; json_is_string(v) && yes[i]; i++) {
		if (strcmp(json_string_value(v), yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcmp(json_string_value(v), no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return nova_refuse(key, v, "true or false (or \"True\", \"yes\", "
	    "\"1\", \"False\", \"no\", \"0\"...)");
}

int
gr_json_nova_number(json_t *obj, const char *key, int required, double max,
    double *out)
{
	int ret;
	json_t *v = member(obj, key, required, &ret);
	double x = 0;
	char want[80];

	if (v == NULL)
		return ret;
	if (json_is_number(v)) {
		x = json_number_value(v);
	} else if (json_is_string(v)) {
		const char *s = json_string_value(v);
		size_t a = strspn(s, "0123456789"), b = 0;

		if (a > 0 && s[a] == '.')
			b = 1 + strspn(s + a + 1, "0123456789");
		if (a == 0 || b == 1 || s[a + b] != '\0' || a + b > 40)
			goto bad;
		x = strtod(s, NULL);
	} else {
		goto bad;
	}
	if (!(x > 0) || x > max)
		goto bad;
	*out = x;
	return 1;
bad:
	snprintf(want, sizeof(want), "a number above 0 and at most %g", max);
	return nova_refuse(key, v, want);
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
