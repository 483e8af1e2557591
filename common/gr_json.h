/*
 * gr_json.h - checked access to request JSON (jansson). Each getter returns
 * 1 when the member is present and of the right type, 0 when it is absent
 * (or null) and not required, and -1 with GR_ERR_BAD_REQUEST naming the
 * member and what was wrong. Returned pointers belong to the JSON object.
 */
#ifndef GR_JSON_H
#define GR_JSON_H

#include <stddef.h>

#include <jansson.h>

void gr_json_decrefp(json_t **j);
#define GR_AUTO_JSON __attribute__((cleanup(gr_json_decrefp)))

/* A string member, checked with gr_check_name (UTF-8, no control
 * characters, 1..maxlen bytes). */
int gr_json_name(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out);
/* A string member with only a length bound (passwords, descriptions). */
int gr_json_str(json_t *obj, const char *key, int required, size_t maxlen,
    const char **out);
int gr_json_bool(json_t *obj, const char *key, int required, int *out);
int gr_json_int(json_t *obj, const char *key, int required, long long min,
    long long max, long long *out);
/*
 * Numbers and booleans as Nova's parameter_types take them (Nova's API
 * only; others keep the strict forms above): an integer as a JSON integer
 * or a string of digits with an optional '-' ("2"); a boolean as true,
 * false or one of the strings "True", "TRUE", "true", "1", "ON", "On",
 * "on", "YES", "Yes", "yes" and their opposites "False" ... "no"; a
 * positive number (rxtx_factor) as a JSON number or a string of digits
 * with an optional fraction ("1.5").
 */
int gr_json_nova_int(json_t *obj, const char *key, int required,
    long long min, long long max, long long *out);
int gr_json_nova_bool(json_t *obj, const char *key, int required, int *out);
int gr_json_nova_number(json_t *obj, const char *key, int required,
    double max, double *out);
int gr_json_object(json_t *obj, const char *key, int required, json_t **out);
int gr_json_array(json_t *obj, const char *key, int required, json_t **out);
/* Fails naming the first member of obj not in the NULL-ended list. */
int gr_json_only(json_t *obj, const char *what, const char *const *allowed);

/* Formats t as OpenStack does: "2026-11-23T07:00:00.000000Z". */
void gr_time_iso(long long t, char out[32]);

#endif
