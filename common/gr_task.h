/*
 * gr_task.h - background jobs a daemon waits for when it stops.
 *
 * A request that starts long work (an agent call, a boot) answers at once
 * and hands the work to a thread of its own through a task runner. The
 * runner counts its jobs; gr_tasks_drain() refuses new ones and waits,
 * bounded, for those under way, so that nothing they use is freed under
 * them. A job's thread is joined once it has returned (by the next
 * gr_task_run, or by the drain), so that it has really exited, its
 * libraries' thread-local state freed, before the daemon does. The runner
 * owns the list of those threads; each job owns its argument.
 */
#ifndef GR_TASK_H
#define GR_TASK_H

#include <pthread.h>

struct gr_tasks {
	const char	*name;		/* for logs: "agent calls" */
	/* Runs on the job's thread after each job (e.g. closing the thread's
	 * database connection); may be NULL. */
	void		(*thread_end)(void);
	pthread_mutex_t	 lock;
	pthread_cond_t	 idle;		/* signalled when running drops to 0 */
	int		 running;	/* jobs started and not yet returned */
	int		 draining;	/* no new jobs once set */
	pthread_t	*ended;		/* threads whose job returned, to join */
	int		 nended, cap;
};

#define GR_TASKS_INIT(n, end) { .name = (n), .thread_end = (end), \
	.lock = PTHREAD_MUTEX_INITIALIZER, .idle = PTHREAD_COND_INITIALIZER }

/*
 * Runs fn(arg) on a new thread. Returns 0, or -1 with
 * GR_ERR_UNAVAILABLE (the daemon is stopping) or GR_ERR_SYSTEM (no
 * thread); then fn never runs and the caller still owns arg.
 */
int gr_task_run(struct gr_tasks *t, void (*fn)(void *arg), void *arg);
/*
 * Refuses new jobs and waits up to timeout_s seconds for the running ones.
 * Returns how many are still running (0 when all finished); logs them.
 */
int gr_tasks_drain(struct gr_tasks *t, long timeout_s);
/* Jobs under way now. */
int gr_tasks_running(struct gr_tasks *t);

#endif
