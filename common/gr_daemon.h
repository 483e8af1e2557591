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

/* Registers fn(arg) to run at exit, before every hook registered earlier. */
void gr_daemon_defer(struct gr_daemon *d, void (*fn)(void *arg), void *arg);
/*
 * The whole life of a daemon: parses argv, starts logging and the
 * configuration and blocks the stop signals (before any thread starts);
 * runs setup(d), which starts the daemon's parts and defers each one's
 * end; then run(d) until a stop signal (NULL: warn of the configuration
 * keys nothing read, log "ready" and wait for SIGTERM or SIGINT); then
 * runs the hooks in reverse order and frees the configuration. setup and
 * run return 0, or -1 with the error recorded, which is printed. Returns
 * the exit status: 0; 1 after an error or an unreadable configuration; 2
 * for a usage error.
 */
int gr_daemon_main(const char *name, int argc, char **argv,
    int (*setup)(struct gr_daemon *d), int (*run)(struct gr_daemon *d));

#endif
