/* Unit tests for common/gr_util.c. */
#include <stdint.h>
#include <stdlib.h>
#include <stdlib.h>
#include <string.h>

#include "gr_err.h"
#include "gr_util.h"
#include "gr_test.h"

int
main(void)
{
	void *al = gr_xmalloc_aligned(4096, 3);

	CHECK(((uintptr_t)al & 4095) == 0, "an aligned allocation is aligned");
	free(al);
	CHECK(gr_utf8_valid("caf\xc3\xa9", 5), "valid two-byte UTF-8");
	CHECK(!gr_utf8_valid("\xc3", 1), "truncated sequence");
	CHECK(!gr_utf8_valid("\xc0\xaf", 2), "overlong encoding");
	CHECK(!gr_utf8_valid("\xed\xa0\x80", 3), "UTF-16 surrogate");
	CHECK(!gr_utf8_valid("\xff", 1), "invalid byte");
	CHECK(gr_utf8_chars("") == 0, "no characters in empty text");
	CHECK(gr_utf8_chars("abc") == 3, "ASCII: one character a byte");
	CHECK(gr_utf8_chars("caf\xc3\xa9") == 4,
	    "a two-byte character counts once");
	CHECK(gr_utf8_chars("\xe2\x82\xac\xf0\x9f\x98\x80!") == 3,
	    "three- and four-byte characters count once each");
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
	char host[64], longname[200];

	gr_hostname("My VM_1", host);
	CHECK(strcmp(host, "my-vm-1") == 0, "hostname: lower case, '-' for "
	    "space and '_'");
	gr_hostname("--a..b--", host);
	CHECK(strcmp(host, "--a-b") == 0, "hostname: no '-' at the end, runs "
	    "of separators are one '-'");
	gr_hostname("\xea\xb5\xac\xeb\xa6\x84", host);
	CHECK(strcmp(host, "instance") == 0, "hostname: nothing left is "
	    "\"instance\"");
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	gr_hostname(longname, host);
	CHECK(strlen(host) == 63, "hostname: at most 63 characters");
	GR_TEST_END();
}
