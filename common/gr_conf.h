/*
 * gr_conf.h - daemon configuration files: lines "key = value", '#' starts a
 * comment line, blank lines ignored. Owns its keys and values. Parse errors
 * name the file and line (GR_ERR_BAD_REQUEST).
 */
#ifndef GR_CONF_H
#define GR_CONF_H

struct gr_conf_item {
	char	*key;
	char	*value;
	int	 used;		/* read by the daemon (gr_conf_warn_unused) */
};

struct gr_conf {
	struct gr_conf_item	*items;
	int			 n;
	char			*path;	/* the file it was read from */
};

/* Reads a file; returns a new conf, or NULL with the error recorded. */
struct gr_conf *gr_conf_load(const char *path);
/* Parses text (for tests and built-in defaults); `name` is used in errors. */
struct gr_conf *gr_conf_parse(const char *text, const char *name);
void gr_conf_free(struct gr_conf *c);

/* The value for key, or def when absent. The string belongs to c. */
const char *gr_conf_get(const struct gr_conf *c, const char *key,
    const char *def);
/* Integer value; returns -1 with an error naming the key if it is not an
 * integer in [min, max]. */
int gr_conf_int(const struct gr_conf *c, const char *key, long def, long min,
    long max, long *out);
/* A required key: returns its value or NULL with an error. */
const char *gr_conf_need(const struct gr_conf *c, const char *key);
/*
 * A secret given inline as `key` or in a file named by `key_file`: returns
 * a new string (first line of the file, trimmed) or NULL with an error.
 */
char *gr_conf_secret(const struct gr_conf *c, const char *key);
/* Logs a warning for each key the daemon never asked for (a typo, or a
 * setting of another daemon), once its configuration is read; returns how
 * many. */
int gr_conf_warn_unused(const struct gr_conf *c);

#endif
