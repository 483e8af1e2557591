/*
 * microversion.h - Compute's microversions: the range served and the
 * version a request asks for (microversion.c).
 */
#ifndef MICROVERSION_H
#define MICROVERSION_H

#include <jansson.h>

#include "gr_http.h"

/* The range of 2.N whose formats are served exactly: the maximum is
 * raised only once every format up to it is. */
#define MV_MIN_MINOR	1
#define MV_MAX_MINOR	60

/*
 * The minor number asked for in OpenStack-API-Version ("compute 2.30") or
 * X-OpenStack-Nova-API-Version; MV_MIN_MINOR with neither, MV_MAX_MINOR
 * for "latest". -1 with a 400 (not MAJOR.MINOR) or a 406 (out of range).
 */
int microversion(struct gr_req *req, int *minor);
/* The same, already checked (compute_authorize refused a bad one before
 * any handler ran): handlers whose formats change with it ask this. */
int compute_microversion(struct gr_req *req);

/* A request member served only from microversion 2.min up to 2.max (0:
 * no end). */
struct mv_field {
	const char	*key;
	int		 min, max;
};
/* 0 when every member of obj named in f (ended by a NULL key) is served
 * at 2.mv; else -1 with the 400 for an unknown field, saying which
 * microversions take it. */
int mv_fields_check(json_t *obj, const char *what, int mv,
    const struct mv_field *f);

#endif
