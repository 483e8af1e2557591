/*
 * gr_daemon.h - what every Gureum daemon does around its own work: read
 * argv ("--config FILE"), set up logging (GUREUM_DEBUG=1 for debug lines)
 * and the configuration, block the stop signals in every thread
 * (only the waiting thread takes them), wait for one, and tear down in the
 * reverse order of set-up through hooks registered as each part starts.
 *
 * A daemon's main() is one call:
 *
 *	return gr_daemon_main("gureum-image", argc, argv, setup, NULL);
 */
#ifndef GR_DAEMON_H
#define GR_DAEMON_H

#include <signal.h>

#include "gr_conf.h"

#define GR_DAEMON_HOOKS	16

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
 * Parses argv, starts logging and the configuration, and blocks
 * the stop signals (call it before any thread starts). Returns 0, or the
 * process's exit status after printing why: 2 for a usage error, 1 when
 * the configuration cannot be read.
 */
int gr_daemon_init(struct gr_daemon *d, const char *name, int argc,
    char **argv);
/* Registers fn(arg) to run at exit, before every hook registered earlier. */
void gr_daemon_defer(struct gr_daemon *d, void (*fn)(void *arg), void *arg);
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

/*
 * The whole life of a daemon: gr_daemon_init(), setup(d) (which starts the
 * daemon's parts, deferring each one's end), then run(d) until a stop
 * signal (NULL: gr_daemon_wait()), then gr_daemon_exit(). setup and run
 * return 0, or -1 with the error recorded. Returns the exit status.
 */
int gr_daemon_main(const char *name, int argc, char **argv,
    int (*setup)(struct gr_daemon *d), int (*run)(struct gr_daemon *d));

#endif
