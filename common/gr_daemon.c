/* gr_daemon.c - see gr_daemon.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_daemon.h"
#include "gr_err.h"
#include "gr_log.h"

static int
gr_daemon_init(struct gr_daemon *d, const char *name, int argc, char **argv)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		fprintf(stderr, "usage: %s --config FILE\n", name);
		return 2;
	}
	gr_log_init(name, getenv("GUREUM_DEBUG") ? GR_LOG_DEBUG : GR_LOG_INFO);
	if ((d->conf = gr_conf_load(argv[2])) == NULL) {
		fprintf(stderr, "%s: %s\n", name, gr_err_msg());
		return 1;
	}
	/* Block the stop signals before threads start, so only the waiting
	 * thread sees them; a peer that goes away is an error, not a signal. */
	sigemptyset(&d->stop);
	sigaddset(&d->stop, SIGTERM);
	sigaddset(&d->stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &d->stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

void
gr_daemon_defer(struct gr_daemon *d, void (*fn)(void *arg), void *arg)
{
	if (d->nhooks == GR_DAEMON_HOOKS) {
		/* A fixed table: more hooks is a programming error. */
		gr_err_log("%s: too many teardown hooks", d->name);
		abort();
	}
	d->hooks[d->nhooks++] = (struct gr_daemon_hook){ fn, arg };
}

static int
gr_daemon_wait(struct gr_daemon *d)
{
	int sig = 0;

	gr_conf_warn_unused(d->conf);
	gr_info("ready");
	sigwait(&d->stop, &sig);
	gr_info("stopping on signal %d", sig);
	return sig;
}

static int
gr_daemon_exit(struct gr_daemon *d, int ret)
{
	if (ret < 0)
		fprintf(stderr, "%s: %s\n", d->name, gr_err_msg());
	while (d->nhooks > 0) {
		struct gr_daemon_hook *h = &d->hooks[--d->nhooks];

		h->fn(h->arg);
	}
	gr_conf_free(d->conf);
	d->conf = NULL;
	return ret < 0 ? 1 : 0;
}

int
gr_daemon_main(const char *name, int argc, char **argv,
    int (*setup)(struct gr_daemon *d), int (*run)(struct gr_daemon *d))
{
	struct gr_daemon d;
	int rc = gr_daemon_init(&d, name, argc, argv);

	if (rc != 0)
		return rc;
	if (setup(&d) < 0)
		return gr_daemon_exit(&d, -1);
	if (run)
		return gr_daemon_exit(&d, run(&d));
	gr_daemon_wait(&d);
	return gr_daemon_exit(&d, 0);
}
