/* gr_conf.c - see gr_conf.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_conf.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"

#define CONF_MAX_BYTES	(1 << 20)

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

struct gr_conf *
gr_conf_parse(const char *text, const char *name)
{
	struct gr_conf *c = gr_xcalloc(1, sizeof(*c));
	char *copy = gr_xstrdup(text), *line, *save = NULL;
	int lineno = 0;

	c->path = gr_xstrdup(name);
	/* strtok_r skips empty lines, so count lines by hand. */
	for (line = copy; line != NULL; line = save) {
		char *nl = strchr(line, '\n'), *eq, *k, *v;

		save = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		k = trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		eq = strchr(k, '=');
		if (eq == NULL) {
			gr_error(GR_ERR_BAD_REQUEST,
			    "%s:%d: expected 'key = value', found '%s'.",
			    name, lineno, k);
			goto fail;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		if (*k == '\0') {
			gr_error(GR_ERR_BAD_REQUEST, "%s:%d: empty key.", name,
			    lineno);
			goto fail;
		}
		c->items = realloc(c->items, sizeof(*c->items) * (c->n + 1));
		if (c->items == NULL)
			abort();
		c->items[c->n].key = gr_xstrdup(k);
		c->items[c->n].value = gr_xstrdup(v);
		c->items[c->n].used = 0;
		c->n++;
	}
	free(copy);
	return c;
fail:
	free(copy);
	gr_conf_free(c);
	return NULL;
}

struct gr_conf *
gr_conf_load(const char *path)
{
	struct gr_buf b = GR_BUF_INIT(CONF_MAX_BYTES);
	struct gr_conf *c;
	char chunk[4096];
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		gr_error(GR_ERR_SYSTEM, "Cannot open the configuration file '%s': %s.",
		    path, strerror(errno));
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gr_buf_add(&b, chunk, n);
	fclose(f);
	if (gr_buf_check(&b, "configuration file") < 0) {
		gr_buf_free(&b);
		return NULL;
	}
	c = gr_conf_parse(b.data ? b.data : "", path);
	gr_buf_free(&b);
	return c;
}

void
gr_conf_free(struct gr_conf *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->n; i++) {
		free(c->items[i].key);
		free(c->items[i].value);
	}
	free(c->items);
	free(c->path);
	free(c);
}

const char *
gr_conf_get(const struct gr_conf *c, const char *key, const char *def)
{
	const char *v = NULL;

	/* The last occurrence wins, so a file can override earlier lines;
	 * all of them count as read. */
	for (int i = c->n - 1; i >= 0; i--)
		if (strcmp(c->items[i].key, key) == 0) {
			if (v == NULL)
				v = c->items[i].value;
			c->items[i].used = 1;
		}
	return v ? v : def;
}

int
gr_conf_warn_unused(const struct gr_conf *c)
{
	int n = 0;

	for (int i = 0; i < c->n; i++)
		if (!c->items[i].used) {
			gr_warn("%s: unknown setting '%s' ignored", c->path,
			    c->items[i].key);
			n++;
		}
	return n;
}

const char *
gr_conf_need(const struct gr_conf *c, const char *key)
{
	const char *v = gr_conf_get(c, key, NULL);

	if (v == NULL || *v == '\0') {
		gr_error(GR_ERR_BAD_REQUEST,
		    "%s: the setting '%s' is required but missing.", c->path, key);
		return NULL;
	}
	return v;
}

int
gr_conf_int(const struct gr_conf *c, const char *key, long def, long min,
    long max, long *out)
{
	const char *v = gr_conf_get(c, key, NULL);
	char *end;
	long n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end != '\0' || n < min || n > max) {
		gr_error(GR_ERR_BAD_REQUEST,
		    "%s: the setting '%s' must be an integer from %ld to %ld, "
		    "not '%s'.", c->path, key, min, max, v);
		return -1;
	}
	*out = n;
	return 0;
}

char *
gr_conf_secret(const struct gr_conf *c, const char *key)
{
	char fkey[128], line[1024];
	const char *v, *path;
	FILE *f;

	v = gr_conf_get(c, key, NULL);
	if (v != NULL && *v != '\0')
		return gr_xstrdup(v);
	snprintf(fkey, sizeof(fkey), "%s_file", key);
	path = gr_conf_get(c, fkey, NULL);
	if (path == NULL) {
		gr_error(GR_ERR_BAD_REQUEST,
		    "%s: set '%s' or '%s'.", c->path, key, fkey);
		return NULL;
	}
	f = fopen(path, "r");
	if (f == NULL) {
		gr_error(GR_ERR_SYSTEM, "%s: cannot read '%s' (%s): %s.",
		    c->path, fkey, path, strerror(errno));
		return NULL;
	}
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	/* The newline first, so that trim() reaches the blanks before it. */
	line[strcspn(line, "\n")] = '\0';
	char *t = trim(line);
	if (*t == '\0') {
		gr_error(GR_ERR_BAD_REQUEST, "%s: the file '%s' named by '%s' is "
		    "empty.", c->path, path, fkey);
		return NULL;
	}
	return gr_xstrdup(t);
}
