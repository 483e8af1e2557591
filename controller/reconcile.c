/*
 * reconcile.c - the controller's periodic convergence pass. The task state
 * machine must converge even when an agent or a controller dies mid-task:
 * an instance still building after build_timeout goes to ERROR (and frees
 * its claim); a task (powering-off, rebooting...) that got no report
 * within task_timeout is cleared so the user can act again. Every pass is
 * one idempotent statement per rule, so several controllers may run it.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "reconcile.h"
#include "servers.h"

/* The open actions of the instances given next end with a timeout. */
#define FINISH_ACTIONS \
	"UPDATE instance_actions SET finish_time = now(), message = 'No " \
	"report came from the node within ' || $1 || ' s.' WHERE finish_time " \
	"IS NULL AND instance_id IN "

static pthread_t reconcile_thread;
static volatile int reconcile_stop;
static pthread_mutex_t stop_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond = PTHREAD_COND_INITIALIZER;

int
reconcile_once(void)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char build[24], task[24];

	snprintf(build, sizeof(build), "%ld", ctl.build_timeout);
	snprintf(task, sizeof(task), "%ld", ctl.task_timeout);
	const char *p[1] = { build };
	/* Building too long: ERROR with a fault that says so. */
	r = gr_db_query("WITH stuck AS (UPDATE instances SET vm_state = 'error', "
	    "task_state = NULL, updated_at = now(), fault = jsonb_build_object("
	    "'code', 500, 'message', 'The instance did not finish building "
	    "within ' || $1 || ' s (its node or the controller stopped).', "
	    "'created', " GR_DB_ISO_Z("now()") ") WHERE NOT deleted AND vm_state = "
	    "'building' AND updated_at < now() - make_interval(secs => "
	    "$1::integer) RETURNING id), freed AS (DELETE FROM allocations "
	    "WHERE instance_id IN (SELECT id FROM stuck)) " FINISH_ACTIONS
	    "(SELECT id FROM stuck)", 1, p);
	if (r == NULL)
		return -1;
	PQclear(r);
	const char *q[1] = { task };
	r = gr_db_query("WITH cleared AS (UPDATE instances SET task_state = "
	    "NULL, updated_at = now() WHERE NOT deleted AND task_state IS NOT "
	    "NULL AND vm_state <> 'building' AND updated_at < now() - "
	    "make_interval(secs => $1::integer) RETURNING id) " FINISH_ACTIONS
	    "(SELECT id FROM cleared)", 1, q);
	if (r == NULL)
		return -1;
	/* Soft-deleted past reclaim_instance_interval: deleted now. */
	return server_reclaim();
}

static void *
loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&stop_lock);
	while (!reconcile_stop) {
		struct timespec ts;

		pthread_mutex_unlock(&stop_lock);
		if (reconcile_once() < 0)
			gr_warn("reconcile pass failed: %s", gr_err_msg());
		pthread_mutex_lock(&stop_lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ctl.reconcile_interval;
		if (!reconcile_stop)
			pthread_cond_timedwait(&stop_cond, &stop_lock, &ts);
	}
	pthread_mutex_unlock(&stop_lock);
	gr_db_close();
	return NULL;
}

int
reconcile_start(void)
{
	if (pthread_create(&reconcile_thread, NULL, loop, NULL) != 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot start the reconcile thread.");
		return -1;
	}
	return 0;
}

void
reconcile_stop_wait(void)
{
	pthread_mutex_lock(&stop_lock);
	reconcile_stop = 1;
	pthread_cond_signal(&stop_cond);
	pthread_mutex_unlock(&stop_lock);
	pthread_join(reconcile_thread, NULL);
}
