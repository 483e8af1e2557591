/* gr_task.c - see gr_task.h. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "gr_err.h"
#include "gr_log.h"
#include "gr_task.h"
#include "gr_util.h"

struct job {
	struct gr_tasks	*tasks;
	void		(*fn)(void *arg);
	void		*arg;
};

static void *
job_main(void *p)
{
	struct job j = *(struct job *)p;
	struct gr_tasks *t = j.tasks;

	free(p);
	j.fn(j.arg);
	if (t->thread_end)
		t->thread_end();
	pthread_mutex_lock(&t->lock);
	if (t->nended == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->ended = gr_xrealloc(t->ended, t->cap * sizeof(*t->ended));
	}
	t->ended[t->nended++] = pthread_self();
	if (--t->running == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

/* Joins the threads whose jobs have returned (each is gone or about to
 * be: joining waits for its thread-local state to be freed). */
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

int
gr_task_run(struct gr_tasks *t, void (*fn)(void *arg), void *arg)
{
	struct job *j;
	pthread_t th;
	int err;

	join_ended(t);
	pthread_mutex_lock(&t->lock);
	if (t->draining) {
		pthread_mutex_unlock(&t->lock);
		gr_error(GR_ERR_UNAVAILABLE, "The service is stopping; no new "
		    "%s are started.", t->name);
		return -1;
	}
	t->running++;
	pthread_mutex_unlock(&t->lock);
	j = gr_xmalloc(sizeof(*j));
	*j = (struct job){ t, fn, arg };
	err = pthread_create(&th, NULL, job_main, j);
	if (err == 0)
		return 0;
	free(j);
	pthread_mutex_lock(&t->lock);
	if (--t->running == 0)
		pthread_cond_broadcast(&t->idle);
	pthread_mutex_unlock(&t->lock);
	gr_error(GR_ERR_SYSTEM, "Cannot start a thread for %s: %s.", t->name,
	    strerror(err));
	return -1;
}

int
gr_tasks_drain(struct gr_tasks *t, long timeout_s)
{
	struct timespec until;
	int left;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_s;
	pthread_mutex_lock(&t->lock);
	t->draining = 1;
	if (t->running > 0)
		gr_info("waiting for %d %s under way", t->running, t->name);
	while (t->running > 0 && pthread_cond_timedwait(&t->idle, &t->lock,
	    &until) != ETIMEDOUT)
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
