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

	free(p);
	j.fn(j.arg);
	if (j.tasks->thread_end)
		j.tasks->thread_end();
	pthread_mutex_lock(&j.tasks->lock);
	if (--j.tasks->running == 0)
		pthread_cond_broadcast(&j.tasks->idle);
	pthread_mutex_unlock(&j.tasks->lock);
	return NULL;
}

int
gr_task_run(struct gr_tasks *t, void (*fn)(void *arg), void *arg)
{
	struct job *j;
	pthread_attr_t at;
	pthread_t th;
	int err;

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
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&th, &at, job_main, j);
	pthread_attr_destroy(&at);
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
