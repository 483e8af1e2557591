/*
 * fuzz_conf.c - libFuzzer target for configuration text: gr_conf_parse()
 * on arbitrary bytes (up to the first NUL, as gr_conf_load() would pass a
 * file), then the accessors a daemon's main() uses on what it parsed.
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: a parse either gives a conf whose keys are non-empty and
 * trimmed, with no '=' in the key, no newline anywhere, and the last value
 * of a key winning, or fails with GR_ERR_BAD_REQUEST naming the input.
 * gr_conf_secret() is called only when it cannot read a file, since the
 * input could name any path.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gr_conf.h"
#include "gr_err.h"
#include "gr_util.h"

#define CONF_NAME	"fuzz.conf"

static int
trimmed(const char *s)
{
	size_t n = strlen(s);

	return n == 0 || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' &&
	    s[n - 1] != '\t' && s[n - 1] != '\r');
}

static void
check_items(const struct gr_conf *c)
{
	CHECK(c->n >= 0 && (c->n == 0 || c->items != NULL));
	CHECK(strcmp(c->path, CONF_NAME) == 0);
	for (int i = 0; i < c->n; i++) {
		const char *k = c->items[i].key, *v = c->items[i].value;
		int last = i;

		CHECK(k[0] != '\0' && k[0] != '#' && trimmed(k) && trimmed(v));
		CHECK(strchr(k, '=') == NULL);
		CHECK(strchr(k, '\n') == NULL && strchr(v, '\n') == NULL);
		for (int j = i + 1; j < c->n; j++)
			if (strcmp(c->items[j].key, k) == 0)
				last = j;
		CHECK(gr_conf_get(c, k, NULL) == c->items[last].value);
	}
}

/* What a daemon asks for at start-up, on the keys this input has. */
static void
use(const struct gr_conf *c)
{
	long n;
	char *secret;

	for (int i = 0; i < c->n; i++) {
		if (gr_conf_int(c, c->items[i].key, 0, -1000, 1000, &n) == 0)
			CHECK(n >= -1000 && n <= 1000);
		else
			CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		gr_err_clear();
	}
	if (gr_conf_int(c, "threads", 4, 1, 64, &n) == 0)
		CHECK(n >= 1 && n <= 64);
	if (gr_conf_need(c, "database") == NULL)
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
	gr_err_clear();
	if (gr_conf_get(c, "admin_password_file", NULL) == NULL) {
		secret = gr_conf_secret(c, "admin_password");
		CHECK(secret != NULL || gr_err_code() == GR_ERR_BAD_REQUEST);
		free(secret);
	}
	gr_err_clear();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = gr_xmalloc(size + 1);
	struct gr_conf *c;

	memcpy(text, data, size);
	text[size] = '\0';
	gr_err_clear();
	c = gr_conf_parse(text, CONF_NAME);
	if (c == NULL) {
		/* main() prints it, so no fault body: any bytes will do. */
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(strncmp(gr_err_msg(), CONF_NAME ":", strlen(CONF_NAME) +
		    1) == 0);
	} else {
		check_items(c);
		use(c);
		gr_conf_free(c);
	}
	free(text);
	return 0;
}
