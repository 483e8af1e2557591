/* gr_cmd.c - see gr_cmd.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gr_buf.h"
#include "gr_cmd.h"
#include "gr_err.h"
#include "gr_log.h"

#define ERR_MAX	1024	/* bytes of stderr kept for the error */

/* Logs the command line at debug level. */
static void
log_cmd(char *const argv[])
{
	struct gr_buf b = GR_BUF_INIT(4096);

	for (int i = 0; argv[i]; i++)
		gr_buf_printf(&b, "%s%s", i ? " " : "", argv[i]);
	gr_debug("run: %s", b.data ? b.data : "");
	gr_buf_free(&b);
}

/* Reads both pipes until the child closes them. */
static void
collect(int outfd, int errfd, struct gr_buf *out, char *err, size_t *errlen)
{
	struct pollfd p[2] = { { outfd, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	char chunk[4096];
	ssize_t n;

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			n = read(p[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
			} else if (i == 0 && out) {
				gr_buf_add(out, chunk, (size_t)n);
			} else if (i == 1 && *errlen < ERR_MAX - 1) {
				size_t k = (size_t)n < ERR_MAX - 1 - *errlen ?
				    (size_t)n : ERR_MAX - 1 - *errlen;

				memcpy(err + *errlen, chunk, k);
				*errlen += k;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (p[i].fd >= 0)
			close(p[i].fd);
	err[*errlen] = '\0';
}

/* In the forked child: only async-signal-safe calls until exec. The
 * program gets the default signal state (the daemon blocks its stop
 * signals and ignores SIGPIPE), stdin from /dev/null, the two pipes. */
static void __attribute__((noreturn))
child(char *const argv[], int out, int err)
{
	static const char msg[] = "cannot execute ";
	sigset_t none;
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if (null >= 0)
		dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	execvp(argv[0], argv);
	if (write(2, msg, sizeof(msg) - 1) < 0 ||
	    write(2, argv[0], strlen(argv[0])) < 0 || write(2, "\n", 1) < 0)
		_exit(126);
	_exit(127);
}

int
gr_cmd_run(char *const argv[], struct gr_buf *out)
{
	int o[2] = { -1, -1 }, e[2] = { -1, -1 }, status;
	char err[ERR_MAX];
	size_t errlen = 0;
	pid_t pid;

	log_cmd(argv);
	if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
		goto syserr;
	pid = fork();
	if (pid < 0)
		goto syserr;
	if (pid == 0)
		child(argv, o[1], e[1]);
	close(o[1]);
	close(e[1]);
	collect(o[0], e[0], out, err, &errlen);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			gr_error(GR_ERR_SYSTEM, "Cannot wait for %s: %s.", argv[0],
			    strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	err[strcspn(err, "\n")] = '\0';
	gr_error(GR_ERR_INTERNAL, "%s failed (status %d): %s", argv[0],
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1, err);
	return -1;
syserr:
	gr_error(GR_ERR_SYSTEM, "Cannot run %s: %s.", argv[0], strerror(errno));
	for (int i = 0; i < 2; i++) {
		if (o[i] >= 0)
			close(o[i]);
		if (e[i] >= 0)
			close(e[i]);
	}
	return -1;
}
