/*
 * fetch.h - the pull loop: GETs the node's document from the
 * controller's internal listener (signed as the node, ?since=G, 304 when
 * unchanged) every poll_interval seconds and at once on a wake, applies
 * it when it changed, re-applies the last one every reconcile_interval
 * seconds anyway (a bridge deleted by hand comes back), and POSTs the
 * ports' observations when a status or reason changed. While the
 * controller cannot be reached nothing is changed on the node.
 */
#ifndef FETCH_H
#define FETCH_H

#include <pthread.h>

#include <jansson.h>

#include "gr_agent.h"
#include "netagent.h"

struct fetcher {
	struct netagent		*na;
	const struct gr_agent	*agent;		/* URL, host, signer */
	long			 poll;		/* s between polls */
	long			 reconcile;	/* s between re-applies */
	pthread_t		 thread;
	int			 started;
	pthread_mutex_t		 mu;		/* guards wake, stop */
	pthread_cond_t		 cv;
	int			 wake, stop;
	int			 dirty;		/* re-apply at the next wake */
	json_t			*reported;	/* port id -> "STATUS reason" */
	int			 warned;	/* the last fetch failed */
};

int fetch_start(struct fetcher *f);
/* Stops and joins the loop (safe if it never started). */
void fetch_stop(struct fetcher *f);
/* Makes the loop poll now. */
void fetch_wake(struct fetcher *f);
/* Makes the loop poll and re-apply now (the node changed under it). */
void fetch_kick(struct fetcher *f);
/*
 * Fetches the document (without ?since when full) and applies it if it
 * is new, full, or the last one is due again (reapply). Takes na->lock.
 * Returns 1 when a document was applied (a part of it may have failed:
 * reconcile logs it and the observations show it), 0 when unchanged, -1
 * with the error when no document came (controller unreachable or
 * refusing, document refused).
 */
int fetch_apply(struct fetcher *f, int full, int reapply);
/* POSTs the observations that changed since the last report. */
void fetch_report(struct fetcher *f);

#endif
