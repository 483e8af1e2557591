/*
 * fetch.c - see fetch.h. One thread; the ensure route calls
 * fetch_apply() from a request thread too, and na->lock keeps the two
 * applies apart.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fetch.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_log.h"
#include "gr_util.h"
#include "netlink.h"
#include "observe.h"
#include "reconcile.h"

#define FETCH_TIMEOUT_MS	10000

/* GETs the document; *doc is the parsed one on 200, NULL on 304. */
static int
get(struct fetcher *f, int full, struct doc **doc)
{
	struct netagent *na = f->na;
	struct gr_httpc_resp r = { 0 };
	GR_AUTOFREE char *url = NULL;
	json_t *j;
	int ret = -1;

	*doc = NULL;
	if (full || na->doc == NULL)
		url = gr_xasprintf("%s/internal/v1/hosts/%s/network",
		    f->agent->controller_url, na->host);
	else
		url = gr_xasprintf("%s/internal/v1/hosts/%s/network?since=%lld",
		    f->agent->controller_url, na->host, na->doc->generation);
	if (gr_httpc_json("GET", url, NULL, &f->agent->signer,
	    FETCH_TIMEOUT_MS, &r) < 0)
		return -1;
	gr_debug("GET %s: %ld", url, r.status);
	if (r.status == 304) {
		ret = 0;
	} else if (r.status != 200) {
		gr_error(GR_ERR_UNAVAILABLE, "The controller answered GET %s "
		    "with %ld: %.200s", url, r.status, r.body ? r.body : "");
	} else if ((j = json_loads(r.body, 0, NULL)) == NULL) {
		gr_error(GR_ERR_UNAVAILABLE, "The network document from %s is "
		    "not JSON.", url);
	} else {
		*doc = doc_parse(j, na->host, na->maps, na->nmaps);
		json_decref(j);
		ret = *doc ? 0 : -1;
	}
	gr_httpc_resp_free(&r);
	return ret;
}

int
fetch_apply(struct fetcher *f, int full, int reapply)
{
	struct netagent *na = f->na;
	struct doc *d = NULL;
	int ret;

	pthread_mutex_lock(&na->lock);
	if (get(f, full, &d) < 0) {
		pthread_mutex_unlock(&na->lock);
		return -1;
	}
	if (d == NULL && (!reapply || na->doc == NULL)) {
		pthread_mutex_unlock(&na->lock);
		return 0;
	}
	if (d) {
		if (na->doc == NULL || na->doc->generation != d->generation)
			gr_info("network document generation %lld: %d "
			    "network(s), %d port(s), %d router(s)",
			    d->generation, d->nnets, d->nports, d->nrouters);
		/* The same document again: what differs is drift. */
		if (na->doc && na->doc->generation == d->generation)
			observe_drift(na, na->doc);
		doc_free(na->doc);
		na->doc = d;
		/* The controller answered: what it no longer lists may go. */
		na->may_delete = 1;
	} else {
		observe_drift(na, na->doc);
	}
	/* A part that failed (logged by reconcile) shows in the ports'
	 * observations; the rest was applied, and reports go on. */
	ret = reconcile_apply(na, na->doc);
	pthread_mutex_unlock(&na->lock);
	if (ret < 0)
		gr_err_clear();
	return 1;
}

static void
reported_key(json_t *o, char *buf, size_t size)
{
	json_t *r = json_object_get(o, "reason");

	json_t *down = json_object_get(json_object_get(o, "diagnostics"),
	    "last_down");

	/* A repair since the last report is news too. */
	snprintf(buf, size, "%s %s %s", json_string_value(json_object_get(o,
	    "status")), json_is_string(r) ? json_string_value(r) : "",
	    down ? json_string_value(json_object_get(down, "at")) : "");
}

/* Drops what was reported of ports the node no longer has. */
static void
forget_gone(struct fetcher *f, json_t *all)
{
	json_t *keep = json_object(), *o;
	size_t i;

	json_array_foreach(all, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *was = json_object_get(f->reported, id);

		if (was)
			json_object_set(keep, id, was);
	}
	json_decref(f->reported);
	f->reported = keep;
}

void
fetch_report(struct fetcher *f)
{
	struct netagent *na = f->na;
	struct gr_httpc_resp r = { 0 };
	GR_AUTOFREE char *url = NULL;
	json_t *all, *changed = json_array(), *o, *body;
	long long gen;
	size_t i;

	pthread_mutex_lock(&na->lock);
	if (na->doc == NULL) {
		pthread_mutex_unlock(&na->lock);
		json_decref(changed);
		return;
	}
	all = observe_all(na, na->doc);
	gen = na->doc->generation;
	pthread_mutex_unlock(&na->lock);
	json_array_foreach(all, i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *was = json_object_get(f->reported, id);
		char key[1200];

		reported_key(o, key, sizeof(key));
		if (!json_is_string(was) || strcmp(json_string_value(was),
		    key) != 0)
			json_array_append(changed, o);
	}
	forget_gone(f, all);
	if (json_array_size(changed) == 0)
		goto out;
	body = json_pack("{s:I,s:O}", "generation", (json_int_t)gen, "ports",
	    changed);
	url = gr_xasprintf("%s/internal/v1/hosts/%s/ports",
	    f->agent->controller_url, na->host);
	if (gr_httpc_json("POST", url, body, &f->agent->signer,
	    FETCH_TIMEOUT_MS, &r) < 0 || r.status != 204) {
		/* Not recorded as reported: sent again next time. */
		gr_warn("cannot report %zu port(s): %s", json_array_size(changed),
		    r.status ? r.body : gr_err_msg());
	} else {
		json_array_foreach(changed, i, o) {
			char key[1200];

			reported_key(o, key, sizeof(key));
			json_object_set_new(f->reported, json_string_value(
			    json_object_get(o, "id")), json_string(key));
		}
	}
	json_decref(body);
	gr_httpc_resp_free(&r);
out:
	json_decref(changed);
	json_decref(all);
}

static void *
loop(void *arg)
{
	struct fetcher *f = arg;
	double next = gr_now() + (double)f->reconcile;

	for (;;) {
		struct timespec ts;
		int r, dirty;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += f->poll;
		pthread_mutex_lock(&f->mu);
		while (!f->wake && !f->stop &&
		    pthread_cond_timedwait(&f->cv, &f->mu, &ts) != ETIMEDOUT)
			;
		f->wake = 0;
		dirty = f->dirty;
		f->dirty = 0;
		if (f->stop) {
			pthread_mutex_unlock(&f->mu);
			return NULL;
		}
		pthread_mutex_unlock(&f->mu);
		r = fetch_apply(f, 0, dirty || gr_now() >= next);
		if (r < 0) {
			/* Keep everything as it is; say it once. */
			if (!f->warned)
				gr_warn("network document not applied, keeping "
				    "the node as it is: %s", gr_err_msg());
			else
				gr_debug("network document still not applied: "
				    "%s", gr_err_msg());
			f->warned = 1;
			continue;
		}
		if (f->warned)
			gr_info("network document fetched again");
		f->warned = 0;
		if (r == 1)
			next = gr_now() + (double)f->reconcile;
		fetch_report(f);
	}
}

int
fetch_start(struct fetcher *f)
{
	int err;

	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	f->reported = json_object();
	if ((err = pthread_create(&f->thread, NULL, loop, f)) != 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot start the fetch loop: %s.",
		    strerror(err));
		return -1;
	}
	f->started = 1;
	return 0;
}

void
fetch_stop(struct fetcher *f)
{
	if (!f->started)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
	pthread_join(f->thread, NULL);
	f->started = 0;
	json_decref(f->reported);
}

void
fetch_wake(struct fetcher *f)
{
	pthread_mutex_lock(&f->mu);
	f->wake = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

void
fetch_kick(struct fetcher *f)
{
	pthread_mutex_lock(&f->mu);
	f->dirty = 1;
	f->wake = 1;
	pthread_cond_signal(&f->cv);
	pthread_mutex_unlock(&f->mu);
}
