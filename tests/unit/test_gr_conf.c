/*
 * Unit tests for common/gr_conf.c: parsing, the file it was read from,
 * the bounds of gr_conf_int, required keys, secrets given inline or in a
 * KEY_file, and the warning for keys the daemon never read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gr_conf.h"
#include "gr_err.h"
#include "gr_test.h"

static char dir[] = "/tmp/gureum-test-conf.XXXXXX";

/* Writes text to dir/name; returns the path, valid for the next 15
 * calls. */
static const char *
file(const char *name, const char *text)
{
	static char path[16][256];
	static int which;
	char *p = path[which++ % 16];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (f == NULL || fputs(text, f) == EOF || fclose(f) == EOF)
		printf("#   cannot write %s\n", p);
	return p;
}

/* Fails with GR_ERR_BAD_REQUEST and a message containing want. */
#define BAD(call, want, desc) do {					\
	gr_err_clear();							\
	CHECK((call) && gr_err_code() == GR_ERR_BAD_REQUEST &&		\
	    strstr(gr_err_msg(), (want)) != NULL, desc);		\
	if (strstr(gr_err_msg(), (want)) == NULL)			\
		printf("#   message '%s'\n", gr_err_msg());		\
} while (0)

static void
test_parse(void)
{
	struct gr_conf *c;

	c = gr_conf_parse("# comment\n\n a = 1 \nname=x y\na = 2\n"
	    "url = http://h/?q=1\r\nempty =\n\t# indented comment\n"
	    "tabs\t=\tv\t\n",
	    "t.conf");
	CHECK(c != NULL && c->n == 6, "six settings; comments and blank lines "
	    "are skipped");
	if (c == NULL)
		return;
	CHECK_STR(c->path, "t.conf", "the conf remembers its name");
	CHECK_STR(gr_conf_get(c, "a", NULL), "2", "the last value wins");
	CHECK_STR(gr_conf_get(c, "name", NULL), "x y", "values keep inner "
	    "spaces");
	CHECK_STR(gr_conf_get(c, "url", NULL), "http://h/?q=1", "the first '=' "
	    "splits; a CR before the newline is dropped");
	CHECK_STR(gr_conf_get(c, "empty", "dflt"), "", "an empty value is "
	    "present, not the default");
	CHECK_STR(gr_conf_get(c, "tabs", NULL), "v", "tabs are trimmed too");
	CHECK_STR(gr_conf_get(c, "missing", "dflt"), "dflt", "a missing key "
	    "gives the default");
	CHECK(gr_conf_get(c, "A", NULL) == NULL, "keys are case-sensitive");
	CHECK(gr_conf_get(c, "# comment", NULL) == NULL, "a comment is no key");
	gr_conf_free(c);

	c = gr_conf_parse("", "empty.conf");
	CHECK(c != NULL && c->n == 0, "an empty file is an empty conf");
	gr_conf_free(c);
	c = gr_conf_parse("last = no newline", "t.conf");
	CHECK(c != NULL && strcmp(gr_conf_get(c, "last", ""), "no newline") ==
	    0, "the last line needs no newline");
	gr_conf_free(c);

	BAD(gr_conf_parse("novalue\n", "t.conf") == NULL,
	    "t.conf:1: expected 'key = value', found 'novalue'.",
	    "a line without '=' names the file, the line and what it found");
	BAD(gr_conf_parse("a = 1\n\n# c\n  = 2\n", "t.conf") == NULL,
	    "t.conf:4: empty key.", "blank and comment lines count as lines");
	gr_conf_free(NULL);
}

static void
test_load(void)
{
	struct gr_conf *c;

	c = gr_conf_load(file("ok.conf", "port = 5000\n"));
	CHECK(c != NULL && strcmp(gr_conf_get(c, "port", ""), "5000") == 0,
	    "a file loads");
	CHECK(c != NULL && strstr(c->path, "/ok.conf") != NULL,
	    "and its path is kept for messages");
	gr_conf_free(c);
	c = gr_conf_load(file("bad.conf", "port = 5000\nport\n"));
	CHECK(c == NULL && strstr(gr_err_msg(), "/bad.conf:2: ") != NULL,
	    "a bad line in a file names the file's path");
	gr_err_clear();
	CHECK(gr_conf_load("/nonexistent/gureum.conf") == NULL &&
	    gr_err_code() == GR_ERR_SYSTEM &&
	    strstr(gr_err_msg(), "'/nonexistent/gureum.conf'") != NULL,
	    "a missing file is a system error naming it");
}

static void
test_int(void)
{
	struct gr_conf *c = gr_conf_parse("lo = 1\nhi = 64\nunder = 0\nover = "
	    "65\nneg = -5\nword = four\ntail = 8x\nempty =\nhuge = "
	    "99999999999999999999\nspace = 1 2\nplus = +7\n", "t.conf");
	long n = -1;

	CHECK(gr_conf_int(c, "lo", 4, 1, 64, &n) == 0 && n == 1,
	    "the minimum is allowed");
	CHECK(gr_conf_int(c, "hi", 4, 1, 64, &n) == 0 && n == 64,
	    "the maximum is allowed");
	n = -1;
	BAD(gr_conf_int(c, "under", 4, 1, 64, &n) < 0, "t.conf: the setting "
	    "'under' must be an integer from 1 to 64, not '0'.",
	    "one below the minimum is refused, naming the key and the bounds");
	CHECK(n == -1, "and *out is left alone");
	BAD(gr_conf_int(c, "over", 4, 1, 64, &n) < 0, "not '65'",
	    "one above the maximum is refused");
	CHECK(gr_conf_int(c, "neg", 0, -10, 10, &n) == 0 && n == -5,
	    "negative numbers");
	BAD(gr_conf_int(c, "word", 4, 1, 64, &n) < 0, "'word'", "a word");
	BAD(gr_conf_int(c, "tail", 4, 1, 64, &n) < 0, "'tail'",
	    "trailing characters");
	BAD(gr_conf_int(c, "empty", 4, 1, 64, &n) < 0, "'empty'",
	    "an empty value is not the default");
	BAD(gr_conf_int(c, "huge", 0, 0, 1L << 62, &n) < 0, "'huge'",
	    "an overflowing number");
	BAD(gr_conf_int(c, "space", 4, 1, 64, &n) < 0, "'space'",
	    "two numbers");
	CHECK(gr_conf_int(c, "plus", 4, 1, 64, &n) == 0 && n == 7,
	    "a leading '+' is a sign");
	CHECK(gr_conf_int(c, "absent", 7, 1, 64, &n) == 0 && n == 7,
	    "an absent key gives the default");
	CHECK(gr_conf_int(c, "absent", 700, 1, 64, &n) == 0 && n == 700,
	    "the default is not checked against the bounds");
	gr_conf_free(c);
}

static void
test_need(void)
{
	struct gr_conf *c = gr_conf_parse("database = dbname=gureum\nblank =\n",
	    "t.conf");

	CHECK_STR(gr_conf_need(c, "database"), "dbname=gureum",
	    "a required key that is set");
	BAD(gr_conf_need(c, "missing") == NULL, "t.conf: the setting "
	    "'missing' is required but missing.", "a missing required key");
	BAD(gr_conf_need(c, "blank") == NULL, "'blank' is required",
	    "an empty required key");
	gr_conf_free(c);
}

static void
test_secret(void)
{
	struct gr_conf *c;
	char text[1024];
	char *s;

	snprintf(text, sizeof(text), "inline = s3cret\nfiled_file = %s\n"
	    "first_file = %s\nempty_file = %s\nblank_file = %s\n"
	    "gone_file = %s/nonexistent\nboth = inline-wins\nboth_file = %s\n"
	    "fallback =\nfallback_file = %s\ncrlf_file = %s\n",
	    file("filed", "  from-a-file \n"),
	    file("first", "line1\nline2\n"),
	    file("empty", ""), file("blank", " \t\r\n"), dir,
	    file("both", "from-the-file\n"),
	    file("fallback", "fallback-secret"),
	    file("crlf", "dos-secret\r\n"));
	c = gr_conf_parse(text, "t.conf");
	s = gr_conf_secret(c, "inline");
	CHECK_STR(s, "s3cret", "a secret given inline");
	free(s);
	s = gr_conf_secret(c, "filed");
	CHECK_STR(s, "from-a-file", "a secret in KEY_file, trimmed");
	free(s);
	s = gr_conf_secret(c, "crlf");
	CHECK_STR(s, "dos-secret", "a CR before the newline is no part of it");
	free(s);
	s = gr_conf_secret(c, "first");
	CHECK_STR(s, "line1", "only the file's first line");
	free(s);
	s = gr_conf_secret(c, "both");
	CHECK_STR(s, "inline-wins", "the inline value wins over the file");
	free(s);
	s = gr_conf_secret(c, "fallback");
	CHECK_STR(s, "fallback-secret", "an empty inline value falls back to "
	    "the file");
	free(s);
	BAD((s = gr_conf_secret(c, "empty")) == NULL, "named by 'empty_file' "
	    "is empty.", "an empty file is refused");
	free(s);
	BAD((s = gr_conf_secret(c, "blank")) == NULL, "is empty",
	    "a file of blanks is refused");
	free(s);
	gr_err_clear();
	s = gr_conf_secret(c, "gone");
	CHECK(s == NULL && gr_err_code() == GR_ERR_SYSTEM &&
	    strstr(gr_err_msg(), "cannot read 'gone_file'") != NULL,
	    "an unreadable file is a system error naming the setting");
	free(s);
	BAD((s = gr_conf_secret(c, "unset")) == NULL, "t.conf: set 'unset' or "
	    "'unset_file'.", "neither set: the message names both");
	free(s);
	gr_conf_free(c);
}

static void
test_unused(void)
{
	struct gr_conf *c;
	long n;
	char *s;

	c = gr_conf_parse("a = 1\nreconcile_intervall = 5\nb = 2\nc = 3\n"
	    "d = x\npw = y\nlater = 1\nlater = 2\n", "t.conf");
	CHECK(gr_conf_warn_unused(c) == 8, "nothing read: every line is "
	    "warned of");
	gr_conf_get(c, "a", NULL);
	gr_conf_int(c, "b", 0, 0, 10, &n);
	gr_conf_int(c, "c", 0, 0, 1, &n);
	gr_conf_need(c, "d");
	s = gr_conf_secret(c, "pw");
	free(s);
	gr_conf_get(c, "later", NULL);
	CHECK(gr_conf_warn_unused(c) == 1, "get, int (even out of bounds), "
	    "need, secret mark keys read; only the misspelt one is left");
	CHECK(c->items[1].used == 0 && strcmp(c->items[1].key,
	    "reconcile_intervall") == 0, "and it is the misspelt one");
	CHECK(c->items[6].used && c->items[7].used, "reading a key marks "
	    "every line that sets it");
	gr_conf_get(c, "reconcile_intervall", NULL);
	CHECK(gr_conf_warn_unused(c) == 0, "every key read: no warning");
	gr_conf_free(c);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("not ok - cannot make %s\n", dir);
		return 1;
	}
	test_parse();
	test_load();
	test_int();
	test_need();
	test_secret();
	test_unused();
	/* Remove what file() wrote. */
	static const char *const names[] = { "ok.conf", "bad.conf", "filed",
	    "first", "empty", "blank", "both", "fallback", "crlf", NULL };
	char p[256];

	for (const char *const *nm = names; *nm; nm++) {
		snprintf(p, sizeof(p), "%s/%s", dir, *nm);
		unlink(p);
	}
	rmdir(dir);
	GR_TEST_END();
}
