/* Unit tests for common/gr_cmd.c: argv without a shell, stdout captured
 * when asked, a failure quoting the program's stderr. */
#include <string.h>

#include "gr_buf.h"
#include "gr_cmd.h"
#include "gr_err.h"
#include "gr_test.h"

int
main(void)
{
	struct gr_buf out = GR_BUF_INIT(1 << 20);
	struct gr_buf small = GR_BUF_INIT(4);

	CHECK(gr_cmd_run((char *[]){ "true", NULL }, NULL) == 0,
	    "a program that exits 0 succeeds");
	CHECK(gr_cmd_run((char *[]){ "printf", "%s|%s", "a b", "$HOME;x",
	    NULL }, &out) == 0, "printf runs");
	CHECK(out.data && strcmp(out.data, "a b|$HOME;x") == 0,
	    "arguments reach the program as they are: no shell splits or "
	    "expands them");
	CHECK(gr_cmd_run((char *[]){ "sh", "-c", "echo first >&2; echo second "
	    ">&2; exit 3", NULL }, NULL) < 0, "a program that exits 3 fails");
	CHECK(gr_err_code() == GR_ERR_INTERNAL &&
	    strcmp(gr_err_msg(), "sh failed (status 3): first") == 0,
	    "the error names the program, its status and its first line of "
	    "stderr");
	CHECK(gr_cmd_run((char *[]){ "gureum-no-such-program", NULL },
	    NULL) < 0 && strstr(gr_err_msg(), "status 127") &&
	    strstr(gr_err_msg(), "cannot execute gureum-no-such-program"),
	    "a missing program is status 127, saying it cannot be executed");
	CHECK(gr_cmd_run((char *[]){ "sh", "-c", "head -c 300000 /dev/zero | "
	    "tr '\\\\0' x; head -c 300000 /dev/zero | tr '\\\\0' y >&2", NULL },
	    NULL) == 0, "large stdout and stderr together do not block");
	CHECK(gr_cmd_run((char *[]){ "echo", "longer than four", NULL },
	    &small) == 0 && gr_buf_check(&small, "output") < 0,
	    "output past the buffer's limit is refused by the buffer");
	gr_buf_free(&out);
	gr_buf_free(&small);
	GR_TEST_END();
}
