/* gr_task.c - see gr_task.h. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "gr_err.h"
#include "gr_log.h"
#include "gr_task.h"
#include "gr_util.h"

struct gr_task_job {
	void			(*fn)(void *arg);
	void			*arg;
	struct gr_task_job	*next;
};

static struct timespec
after_s(long s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += s;
	return ts;
}

/* The next queued job, or NULL once the worker has waited GR_TASK_IDLE_S
 * for one, or the runner drains with nothing queued. Called locked. */
static struct gr_task_job *
next_job(struct gr_tasks *t)
{
	struct timespec until = after_s(GR_TASK_IDLE_S);
	struct gr_task_job *j;

	while (t->head == NULL && !t->draining) {
		int rc;

		t->waiting++;
		rc = pthread_cond_timedwait(&t->work, &t->lock, &until);
		t->waiting--;
		if (rc == ETIMEDOUT)
			break;
	}
	if ((j = t->head) != NULL && (t->head = j->next) == NULL)
		t->tail = NULL;
	return j;
}

static void *
worker_main(void *p)
{
	struct gr_tasks *t = p;
	struct gr_task_job *j;

	pthread_mutex_lock(&t->lock);
	while ((j = next_job(t)) != NULL) {
		pthread_mutex_unlock(&t->lock);
		j->fn(j->arg);
		free(j);
		pthread_mutex_lock(&t->lock);
		if (--t->running == 0)
			pthread_cond_broadcast(&t->idle);
	}
	pthread_mutex_unlock(&t->lock);
	if (t->thread_end)
		t->thread_end();
	pthread_mutex_lock(&t->lock);
	if (t->nended == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->ended = gr_xrealloc(t->ended, t->cap * sizeof(*t->ended));
	}
	t->ended[t->nended++] = pthread_self();
	t->workers--;
	pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Joins the workers that have ended (each is gone or about to be:
 * joining waits for its thread-local state to be freed). */
static void
join_ended(struct gr_tasks *t)
{
	pthread_t *ended;
	int n;

	pthread_mutex_lock(&t->lock);
	ended = t->ended;
	n = t->nended;
	t->ended = NULL;
	t->nended = t->cap = 0;
	pthread_mutex_unlock(&t->lock);
	for (int i = 0; i < n; i++)
		pthread_join(ended[i], NULL);
	free(ended);
}

/* Takes j out of the queue. Locked, and j still queued: the lock was
 * held since j was queued, so no worker could take it. */
static void
unqueue(struct gr_tasks *t, struct gr_task_job *j)
{
	struct gr_task_job **pp, *prev = NULL;

	for (pp = &t->head; *pp; prev = *pp, pp = &(*pp)->next) {
		if (*pp != j)
			continue;
		*pp = j->next;
		if (t->tail == j)
			t->tail = prev;
		return;
	}
}

int
gr_task_run(struct gr_tasks *t, void (*fn)(void *arg), void *arg)
{
	struct gr_task_job *j;
	pthread_t th;
	int err = 0;

	join_ended(t);
	j = gr_xcalloc(1, sizeof(*j));
	j->fn = fn;
	j->arg = arg;
	pthread_mutex_lock(&t->lock);
	if (t->draining) {
		pthread_mutex_unlock(&t->lock);
		free(j);
		gr_error(GR_ERR_UNAVAILABLE, "The service is stopping; no new "
		    "%s are started.", t->name);
		return -1;
	}
	t->running++;
	if (t->tail)
		t->tail->next = j;
	else
		t->head = j;
	t->tail = j;
	/* Each waiting worker takes one queued job: more queued than
	 * waiting means this one needs a new worker. */
	if (t->running - (t->workers - t->waiting) > t->waiting) {
		if ((err = pthread_create(&th, NULL, worker_main, t)) == 0)
			t->workers++;
	} else {
		pthread_cond_signal(&t->work);
	}
	if (err == 0) {
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	unqueue(t, j);
	if (--t->running == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
	free(j);
	gr_error(GR_ERR_SYSTEM, "Cannot start a thread for %s: %s.", t->name,
	    strerror(err));
	return -1;
}

int
gr_tasks_drain(struct gr_tasks *t, long timeout_s)
{
	struct timespec until = after_s(timeout_s);
	int left;

	pthread_mutex_lock(&t->lock);
	t->draining = 1;
	pthread_cond_broadcast(&t->work);
	if (t->running > 0)
		gr_info("waiting for %d %s under way", t->running, t->name);
	while (t->running > 0 && pthread_cond_timedwait(&t->idle, &t->lock,
	    &until) != ETIMEDOUT)
		;
	/* The idle workers end now (at once: a short bound of their own);
	 * the busy ones, still running a job past the bound, are left to end
	 * on their own. */
	until = after_s(2);
	while (t->workers > t->running && pthread_cond_timedwait(&t->idle,
	    &t->lock, &until) != ETIMEDOUT)
		;
	left = t->running;
	pthread_mutex_unlock(&t->lock);
	join_ended(t);
	if (left > 0)
		gr_warn("stopping with %d %s still under way", left, t->name);
	return left;
}

int
gr_tasks_running(struct gr_tasks *t)
{
	int n;

	pthread_mutex_lock(&t->lock);
	n = t->running;
	pthread_mutex_unlock(&t->lock);
	return n;
}

int
gr_tasks_workers(struct gr_tasks *t)
{
	int n;

	pthread_mutex_lock(&t->lock);
	n = t->workers;
	pthread_mutex_unlock(&t->lock);
	return n;
}
