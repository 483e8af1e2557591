/* Unit tests for common/gr_util.c and gr_conf.c. */
#include <stdlib.h>
#include <string.h>

#include "gr_conf.h"
#include "gr_err.h"
#include "gr_util.h"
#include "gr_test.h"

int
main(void)
{
	struct gr_conf *c;
	long n;

	CHECK(gr_utf8_valid("caf\xc3\xa9", 5), "valid two-byte UTF-8");
	CHECK(!gr_utf8_valid("\xc3", 1), "truncated sequence");
	CHECK(!gr_utf8_valid("\xc0\xaf", 2), "overlong encoding");
	CHECK(!gr_utf8_valid("\xed\xa0\x80", 3), "UTF-16 surrogate");
	CHECK(!gr_utf8_valid("\xff", 1), "invalid byte");
	CHECK(gr_check_name("name", "vm-1 \xea\xb5\xac\xeb\xa6\x84", 255) == 0,
	    "a Hangul name is fine");
	CHECK(gr_check_name("name", "a\tb", 255) < 0 &&
	    gr_err_code() == GR_ERR_BAD_REQUEST, "a tab is refused");
	CHECK(strstr(gr_err_msg(), "control character") != NULL,
	    "the message says why");
	CHECK(gr_check_name("name", "", 255) < 0, "empty is refused");
	CHECK(gr_check_name("name", "   ", 255) < 0, "only spaces is refused");
	CHECK(gr_check_name("name", "abcd", 3) < 0, "too long is refused");
	CHECK(gr_check_name("name", "x'; DROP TABLE users; --", 255) == 0,
	    "SQL metacharacters are just characters");

	c = gr_conf_parse("# comment\n\n a = 1 \nname=x y\na = 2\n", "t.conf");
	CHECK(c != NULL, "config parses");
	CHECK_STR(gr_conf_get(c, "a", NULL), "2", "the last value wins");
	CHECK_STR(gr_conf_get(c, "name", NULL), "x y", "values keep inner spaces");
	CHECK(gr_conf_int(c, "a", 0, 0, 10, &n) == 0 && n == 2, "integers");
	CHECK(gr_conf_int(c, "name", 0, 0, 10, &n) < 0 &&
	    strstr(gr_err_msg(), "'name'"), "a non-integer names the key");
	CHECK(gr_conf_int(c, "missing", 7, 0, 10, &n) == 0 && n == 7, "default");
	CHECK(gr_conf_need(c, "missing") == NULL, "a missing required key");
	CHECK(gr_conf_warn_unused(c) == 0, "every key was read: no warning");
	gr_conf_free(c);
	c = gr_conf_parse("a = 1\nreconcile_intervall = 5\nb = 2\n", "t.conf");
	gr_conf_get(c, "a", NULL);
	gr_conf_get(c, "b", NULL);
	CHECK(gr_conf_warn_unused(c) == 1, "a misspelt key is the one warned of");
	gr_conf_free(c);
	CHECK(gr_conf_parse("novalue\n", "t.conf") == NULL &&
	    strstr(gr_err_msg(), "t.conf:1"), "a bad line names file and line");
	GR_TEST_END();
}
