/* agent_rpc.c - see agent_rpc.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_task.h"
#include "gr_util.h"

#define AGENT_TIMEOUT_MS	15000

/* Each job's thread has its own database connection: closed at its end. */
static void
job_end(void)
{
	gr_db_close();
}

static struct gr_tasks jobs = GR_TASKS_INIT("agent calls", job_end);

int
agent_rpc_call(const char *host, const char *method, const char *path,
    json_t *body, struct gr_httpc_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *url = NULL;
	const char *p[1] = { host };
	struct gr_signer key;

	r = gr_db_query("SELECT agent_url FROM compute_nodes WHERE host = $1 AND "
	    "agent_url IS NOT NULL", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAVAILABLE, "Node %s has no reachable compute "
		    "agent.", host);
		return -1;
	}
	if (gr_sign_node(ctl.cluster_secret, host, &key) < 0)
		return -1;
	url = gr_xasprintf("%s%s", PQgetvalue(r, 0, 0), path);
	return gr_httpc_json(method, url, body, &key, AGENT_TIMEOUT_MS, resp);
}

struct agent_rpc_job {
	char		 id[37];
	char		 host[65];
	char		*method;
	char		*path;
	json_t		*body;
	char		*what;		/* for the fault: "boot", "stop"... */
	agent_rpc_undo	 undo;
};

static void
job_free(struct agent_rpc_job *j)
{
	json_decref(j->body);
	free(j->method);
	free(j->path);
	free(j->what);
	free(j);
}

/* The work will not happen: undo it, or put the instance in ERROR. */
static void
job_failed(struct agent_rpc_job *j, const char *why)
{
	char msg[600];

	snprintf(msg, sizeof(msg), "The compute agent on %s could not %s the "
	    "instance: %s", j->host, j->what, why);
	gr_warn("%s", msg);
	j->undo(j->id, j->body, msg);
}

static void
job_run(void *arg)
{
	struct agent_rpc_job *j = arg;
	struct gr_httpc_resp r = { 0 };

	if (agent_rpc_call(j->host, j->method, j->path, j->body, &r) < 0)
		job_failed(j, gr_err_msg());
	else if (r.status != 202 && r.status != 200)
		job_failed(j, r.body ? r.body : "");
	gr_httpc_resp_free(&r);
	job_free(j);
}

int
agent_rpc_dispatch(const char *instance_id, const char *host,
    const char *method, const char *path, json_t *body, const char *what,
    agent_rpc_undo undo)
{
	struct agent_rpc_job *j = gr_xcalloc(1, sizeof(*j));

	snprintf(j->id, sizeof(j->id), "%s", instance_id);
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->method = gr_xstrdup(method);
	j->path = gr_xstrdup(path);
	j->body = body;
	j->what = gr_xstrdup(what);
	j->undo = undo;
	if (gr_task_run(&jobs, job_run, j) == 0)
		return 0;
	if (gr_err_code() == GR_ERR_SYSTEM) {
		/* No thread to spare: make the call on this one instead. */
		job_run(j);
		return 0;
	}
	job_failed(j, gr_err_msg());
	job_free(j);
	return -1;
}

int
agent_rpc_drain(long timeout_s)
{
	return gr_tasks_drain(&jobs, timeout_s);
}
