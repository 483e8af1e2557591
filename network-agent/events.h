/*
 * events.h - link events from the kernel (libnl's cache manager on
 * route/link) make the fetch loop re-apply at once when one of Gureum's
 * links (brq*, vxlan-*, tap*) changes or goes: a bridge deleted by hand
 * comes back in a moment, not at the next reconcile_interval. Events only
 * wake the loop; what to do is always decided from the document and the
 * kernel's state. Errors: -1 with the error recorded.
 */
#ifndef EVENTS_H
#define EVENTS_H

#include <pthread.h>

#include "fetch.h"

struct nl_cache_mngr;

struct events {
	struct fetcher		*fetcher;
	struct nl_cache_mngr	*mngr;
	pthread_t		 thread;
	int			 started;
	volatile int		 stop;	/* read by the thread between polls */
};

int events_start(struct events *e, struct fetcher *f);
/* Stops and joins the thread (safe if it never started). */
void events_stop(struct events *e);

#endif
