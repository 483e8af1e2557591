/*
 * gr_daemon.h - what every Gureum daemon does around its own work: read
 * argv ("--config FILE"), set up logging (GUREUM_DEBUG=1 for debug lines),
 * libcurl and the configuration, block the stop signals in every thread
 * (only the waiting thread takes them), wait for one, and tear down in the
 * reverse order of set-up through hooks registered as each part starts.
 *
 *	struct gr_daemon d;
 *	int rc = gr_daemon_init(&d, "gureum-image", argc, argv);
 *	if (rc != 0)
 *		return rc;
 *	if (setup(&d) == 0)
 *		gr_daemon_wait(&d);
 *	return gr_daemon_exit(&d, ok);
 */
#ifndef GR_DAEMON_H
#define GR_DAEMON_H

#include <signal.h>

#include "gr_conf.h"

#define GR_DAEMON_HOOKS	16

struct gr_http;
struct gr_http_conf;

struct gr_daemon_hook {
	void	(*fn)(void *arg);
	void	*arg;
};

struct gr_daemon {
	const char		*name;		/* "gureum-controller" */
	struct gr_conf		*conf;		/* the configuration file */
	sigset_t		 stop;		/* SIGTERM, SIGINT */
	struct gr_daemon_hook	 hooks[GR_DAEMON_HOOKS];
	int			 nhooks;
};

/*
 * Parses argv, starts logging, libcurl and the configuration, and blocks
 * the stop signals (call it before any thread starts). Returns 0, or the
 * process's exit status after printing why: 2 for a usage error, 1 when
 * the configuration cannot be read.
 */
int gr_daemon_init(struct gr_daemon *d, const char *name, int argc,
    char **argv);
/* Registers fn(arg) to run at exit, before every hook registered earlier. */
void gr_daemon_defer(struct gr_daemon *d, void (*fn)(void *arg), void *arg);
/* gr_http_start(), its stop deferred; NULL with the error. */
struct gr_http *gr_daemon_http(struct gr_daemon *d,
    const struct gr_http_conf *conf);
/*
 * Warns of the configuration keys nothing read, logs "ready" and waits
 * for SIGTERM or SIGINT. Returns the signal.
 */
int gr_daemon_wait(struct gr_daemon *d);
/*
 * Runs the hooks in reverse order, prints the recorded error when ret < 0,
 * and frees the configuration. Returns the exit status (0, or 1 when
 * ret < 0).
 */
int gr_daemon_exit(struct gr_daemon *d, int ret);

#endif
