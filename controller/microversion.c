/*
 * microversion.c - see microversion.h. Its own module so that a handler
 * (and its fuzz target) asks the request's version without the route
 * table.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gr_err.h"
#include "microversion.h"

/*
 * The requested microversion's minor number: from OpenStack-API-Version
 * ("compute 2.30") or X-OpenStack-Nova-API-Version ("2.30"); "latest" is
 * the maximum. As Nova: a string that is not MAJOR.MINOR (no leading
 * zeros) is a 400, a version outside the range served a 406.
 */
int
microversion(struct gr_req *req, int *minor)
{
	const char *h = gr_req_header(req, "OpenStack-API-Version");
	const char *v = NULL;
	long major, mn;
	char *end;

	*minor = MV_MIN_MINOR;
	if (h && strncasecmp(h, "compute ", 8) == 0)
		v = h + 8;
	else
		v = gr_req_header(req, "X-OpenStack-Nova-API-Version");
	if (v == NULL)
		return 0;
	if (strcmp(v, "latest") == 0) {
		*minor = MV_MAX_MINOR;
		return 0;
	}
	if (v[0] < '1' || v[0] > '9' || (major = strtol(v, &end, 10),
	    *end != '.') || end[1] < '0' || end[1] > '9' ||
	    (end[1] == '0' && end[2] != '\0') ||
	    (mn = strtol(end + 1, &end, 10), *end != '\0') || mn > 100000) {
		gr_error(GR_ERR_BAD_REQUEST, "API Version String %.40s is of "
		    "invalid format. Must be of format MajorNum.MinorNum.", v);
		return -1;
	}
	if (major != 2 || mn < MV_MIN_MINOR || mn > MV_MAX_MINOR) {
		gr_error(GR_ERR_NOT_ACCEPTABLE, "Version %.40s is not supported "
		    "by the API. Minimum is 2.%d and maximum is 2.%d.", v,
		    MV_MIN_MINOR, MV_MAX_MINOR);
		return -1;
	}
	*minor = (int)mn;
	return 0;
}

int
compute_microversion(struct gr_req *req)
{
	int minor;

	/* compute_authorize() refused a bad one before any handler ran. */
	if (microversion(req, &minor) < 0) {
		gr_err_clear();
		return MV_MIN_MINOR;
	}
	return minor;
}


int
mv_fields_check(json_t *obj, const char *what, int mv,
    const struct mv_field *f)
{
	for (; f->key; f++) {
		if (json_object_get(obj, f->key) == NULL ||
		    (mv >= f->min && (f->max == 0 || mv <= f->max)))
			continue;
		if (mv < f->min)
			gr_error(GR_ERR_BAD_REQUEST, "The %s has an unknown "
			    "field '%s': it needs microversion 2.%d or later.",
			    what, f->key, f->min);
		else
			gr_error(GR_ERR_BAD_REQUEST, "The %s has an unknown "
			    "field '%s': microversion 2.%d removed it (2.%d is "
			    "the last that takes it).", what, f->key, f->max + 1,
			    f->max);
		return -1;
	}
	return 0;
}
