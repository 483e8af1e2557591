/* Unit tests for common/gr_buf.c. */
#include <stdlib.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_test.h"

int
main(void)
{
	struct gr_buf b = GR_BUF_INIT(10);
	char *s;

	CHECK(gr_buf_puts(&b, "hello") == 0, "append within the limit");
	CHECK(gr_buf_printf(&b, "%d", 1234) == 0, "printf within the limit");
	CHECK_STR(b.data, "hello1234", "contents are concatenated");
	CHECK(gr_buf_puts(&b, "xy") < 0, "append past the limit fails");
	CHECK(b.failed && b.len == 9, "failure is sticky and keeps the data");
	CHECK(gr_buf_puts(&b, "") < 0, "later appends also fail");
	CHECK(gr_buf_check(&b, "body") < 0 && gr_err_code() == GR_ERR_TOO_LARGE,
	    "check reports GR_ERR_TOO_LARGE");
	gr_buf_reset(&b);
	CHECK(gr_buf_puts(&b, "0123456789") == 0, "exactly the limit fits");
	s = gr_buf_steal(&b);
	CHECK_STR(s, "0123456789", "steal hands over the data");
	CHECK(b.data == NULL && b.len == 0, "steal empties the buffer");
	free(s);

	struct gr_buf big = GR_BUF_INIT(0);
	for (int i = 0; i < 10000; i++)
		gr_buf_add(&big, "abcdefgh", 8);
	CHECK(big.len == 80000 && big.data[80000] == '\0',
	    "an unlimited buffer grows and stays NUL-terminated");
	gr_buf_printf(&big, "%0300d", 7);
	CHECK(big.len == 80300, "printf longer than the small stack buffer");
	gr_buf_free(&big);
	gr_buf_free(NULL);
	GR_TEST_END();
}
