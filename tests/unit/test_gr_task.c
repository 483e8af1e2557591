/* Unit tests for common/gr_task.c: jobs are counted, drained, refused
 * once draining, and the drain's bound holds; a worker that finished its
 * job takes the next one, a job that finds none idle gets its own. */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "gr_err.h"
#include "gr_task.h"
#include "gr_util.h"
#include "gr_test.h"

static atomic_int done, ends, quick_done;
static pthread_t quick_thread[2];
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open;

static void
on_end(void)
{
	atomic_fetch_add(&ends, 1);
}

/* Waits until the test opens the gate, then counts itself done. */
static void
gated(void *arg)
{
	int *mine = arg;

	pthread_mutex_lock(&gate_lock);
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &gate_lock);
	pthread_mutex_unlock(&gate_lock);
	*mine = 1;
	atomic_fetch_add(&done, 1);
}

/* Records the thread it ran on, then counts itself done. */
static void
quick(void *arg)
{
	quick_thread[*(int *)arg] = pthread_self();
	atomic_fetch_add(&quick_done, 1);
}

static void *
open_gate_later(void *arg)
{
	(void)arg;
	usleep(100 * 1000);
	pthread_mutex_lock(&gate_lock);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
	return NULL;
}

int
main(void)
{
	struct gr_tasks t = GR_TASKS_INIT("test jobs", on_end);
	struct gr_tasks t2 = GR_TASKS_INIT("stuck jobs", NULL);
	int marks[8] = { 0 }, stuck = 0;
	pthread_t opener;

	for (int i = 0; i < 8; i++)
		CHECK(gr_task_run(&t, gated, &marks[i]) == 0, "a job starts");
	CHECK(gr_tasks_running(&t) == 8, "eight jobs are counted while "
	    "they wait");
	CHECK(atomic_load(&done) == 0, "no job has finished before the gate "
	    "opens");
	pthread_create(&opener, NULL, open_gate_later, NULL);
	CHECK(gr_tasks_drain(&t, 10) == 0, "drain returns once every job "
	    "finished");
	pthread_join(opener, NULL);
	CHECK(atomic_load(&done) == 8, "...and every job ran to its end");
	int all = 1;
	for (int i = 0; i < 8; i++)
		all &= marks[i];
	CHECK(all, "each job got its own argument");
	CHECK(atomic_load(&ends) == 8, "the thread-end hook ran once for each of the eight workers");
	CHECK(gr_tasks_running(&t) == 0, "none is counted after the drain");
	CHECK(gr_tasks_workers(&t) == 0, "the drain ended the idle workers");
	CHECK(gr_task_run(&t, gated, &marks[0]) < 0 &&
	    gr_err_code() == GR_ERR_UNAVAILABLE, "a drained runner refuses "
	    "new jobs (503)");

	/* One job after another: the second runs on the first's worker. */
	struct gr_tasks t3 = GR_TASKS_INIT("quick jobs", on_end);
	int first = 0, second = 1, before = atomic_load(&ends);

	CHECK(gr_task_run(&t3, quick, &first) == 0, "a quick job starts");
	while (atomic_load(&quick_done) < 1 || t3.waiting < 1)
		usleep(1000);
	CHECK(gr_task_run(&t3, quick, &second) == 0, "a second one starts");
	while (atomic_load(&quick_done) < 2)
		usleep(1000);
	CHECK(pthread_equal(quick_thread[0], quick_thread[1]), "the second "
	    "job ran on the idle worker the first left");
	CHECK(gr_tasks_workers(&t3) == 1, "one worker for both");
	CHECK(atomic_load(&ends) == before, "a worker between jobs has not "
	    "ended");
	CHECK(gr_tasks_drain(&t3, 5) == 0 && gr_tasks_workers(&t3) == 0 &&
	    atomic_load(&ends) == before + 1, "the drain ends it, its hook "
	    "run once");

	/* A job that does not finish: the drain gives up at its bound. */
	pthread_mutex_lock(&gate_lock);
	gate_open = 0;
	pthread_mutex_unlock(&gate_lock);
	CHECK(gr_task_run(&t2, gated, &stuck) == 0, "a job that waits");
	CHECK(gr_tasks_drain(&t2, 1) == 1, "drain gives up after its bound "
	    "and says one is still running");
	open_gate_later(NULL);
	while (gr_tasks_workers(&t2) > 0)
		usleep(1000);
	CHECK(stuck == 1, "the late job still ends, and its worker");
	free(t2.ended);		/* a drained runner's late worker */
	GR_TEST_END();
}
