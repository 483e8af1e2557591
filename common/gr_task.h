/*
 * gr_task.h - background jobs a daemon waits for when it stops.
 *
 * A request that starts long work (an agent call, a boot) answers at once
 * and hands the work to a worker thread through a task runner. A worker
 * that finished its job waits GR_TASK_IDLE_S for the next one before it
 * ends, so a burst of jobs reuses threads and what they hold (a database
 * connection, a prepared statement) instead of making them anew for each
 * job; a job that finds no idle worker gets a new one, so a job never
 * waits behind another. The runner counts its jobs; gr_tasks_drain()
 * refuses new ones, waits, bounded, for those under way, so that nothing
 * they use is freed under them, then ends the idle workers. A worker's
 * thread is joined once it has ended (by the next gr_task_run, or by the
 * drain), so that it has really exited, its libraries' thread-local state
 * freed, before the daemon does. The runner owns its workers and the
 * queue; each job owns its argument.
 */
#ifndef GR_TASK_H
#define GR_TASK_H

#include <pthread.h>

#define GR_TASK_IDLE_S	30	/* an idle worker's wait for a next job */

struct gr_task_job;

struct gr_tasks {
	const char	*name;		/* for logs: "agent calls" */
	/* Runs on a worker's thread when it ends (e.g. closing the thread's
	 * database connection); may be NULL. */
	void		(*thread_end)(void);
	pthread_mutex_t	 lock;
	pthread_cond_t	 idle;		/* running dropped to 0, a worker ended */
	pthread_cond_t	 work;		/* a job was queued, or draining */
	int		 running;	/* jobs queued or under way */
	int		 draining;	/* no new jobs once set */
	int		 workers;	/* worker threads alive */
	int		 waiting;	/* of which waiting for a job */
	struct gr_task_job *head, *tail; /* jobs no worker has taken yet */
	pthread_t	*ended;		/* workers that ended, to join */
	int		 nended, cap;
};

#define GR_TASKS_INIT(n, end) { .name = (n), .thread_end = (end), \
	.lock = PTHREAD_MUTEX_INITIALIZER, .idle = PTHREAD_COND_INITIALIZER, \
	.work = PTHREAD_COND_INITIALIZER }

/*
 * Runs fn(arg) on a worker: an idle one, else a new thread. Returns 0,
 * or -1 with GR_ERR_UNAVAILABLE (the daemon is stopping) or
 * GR_ERR_SYSTEM (no thread); then fn never runs and the caller still
 * owns arg.
 */
int gr_task_run(struct gr_tasks *t, void (*fn)(void *arg), void *arg);
/*
 * Refuses new jobs and waits up to timeout_s seconds for the running ones,
 * then ends the idle workers. Returns how many jobs are still running (0
 * when all finished); logs them.
 */
int gr_tasks_drain(struct gr_tasks *t, long timeout_s);
/* Jobs queued or under way now. */
int gr_tasks_running(struct gr_tasks *t);
/* Worker threads alive now, busy or idle. */
int gr_tasks_workers(struct gr_tasks *t);

#endif
