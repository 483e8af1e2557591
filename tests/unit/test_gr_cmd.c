/* Unit tests for common/gr_cmd.c: argv without a shell, stdout captured
 * when asked, a failure quoting the program's stderr. */
#include <signal.h>
#include <stdlib.h>
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
	CHECK(gr_cmd_run((char *[]){ "sh", "-c", "head -c 300000 /dev/zero; "
	    "head -c 300000 /dev/zero >&2", NULL }, NULL) == 0,
	    "large stdout and stderr together do not block");
	CHECK(gr_cmd_run((char *[]){ "echo", "longer than four", NULL },
	    &small) == 0 && gr_buf_check(&small, "output") < 0,
	    "output past the buffer's limit is refused by the buffer");
	/* A daemon blocks its stop signals and ignores SIGPIPE: the
	 * programs it runs must not inherit that. */
	sigset_t stop;
	struct gr_buf st = GR_BUF_INIT(1 << 16);
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	CHECK(gr_cmd_run((char *[]){ "grep", "-E", "^Sig(Blk|Ign)",
	    "/proc/self/status", NULL }, &st) == 0 && st.data, "read the "
	    "program's own signal state");
	const char *blk = st.data ? strstr(st.data, "SigBlk:") : NULL;
	const char *ign = st.data ? strstr(st.data, "SigIgn:") : NULL;
	CHECK(blk && strtoull(blk + 7, NULL, 16) == 0, "the program blocks "
	    "no signal (SIGTERM reaches it)");
	CHECK(ign && (strtoull(ign + 7, NULL, 16) & (1ULL << (SIGPIPE - 1)))
	    == 0, "the program does not ignore SIGPIPE");
	gr_buf_free(&st);
	gr_buf_free(&out);
	gr_buf_free(&small);
	GR_TEST_END();
}
