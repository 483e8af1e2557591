/* agent_rpc.c - see agent_rpc.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent_rpc.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_task.h"
#include "gr_util.h"

#define AGENT_TIMEOUT_MS	15000

/* Each worker has its own database connection, kept from job to job
 * (each job leaves it outside a transaction) and closed when it ends. */
static void
job_end(void)
{
	gr_db_close();
}

static struct gr_tasks jobs = GR_TASKS_INIT("agent calls", job_end);

/* Where host's agent of `kind` answers (sql: its agent_url for $1) and
 * the key to sign with: *url is that URL + path, the caller's to free. */
static int
agent_target(const char *host, const char *kind, const char *sql,
    const char *path, char **url, struct gr_signer *key)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { host };

	if ((r = gr_db_query(sql, 1, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAVAILABLE, "Node %s has no reachable %s "
		    "agent.", host, kind);
		return -1;
	}
	if (gr_sign_node(ctl.cluster_secret, host, key) < 0)
		return -1;
	*url = gr_xasprintf("%s%s", PQgetvalue(r, 0, 0), path);
	return 0;
}

int
agent_rpc_call(const char *host, const char *method, const char *path,
    json_t *body, struct gr_httpc_resp *resp)
{
	GR_AUTOFREE char *url = NULL;
	struct gr_signer key;

	if (agent_target(host, "compute", "SELECT agent_url FROM compute_nodes "
	    "WHERE host = $1 AND agent_url IS NOT NULL", path, &url, &key) < 0)
		return -1;
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
	agent_rpc_prepare prepare;	/* or NULL */
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

	if (j->prepare && j->prepare(j->id, j->host, j->body) < 0) {
		gr_warn("%s", gr_err_msg());
		j->undo(j->id, j->body, gr_err_msg());
		job_free(j);
		gr_db_rollback();
		return;
	}
	if (agent_rpc_call(j->host, j->method, j->path, j->body, &r) < 0)
		job_failed(j, gr_err_msg());
	else if (r.status != 202 && r.status != 200)
		job_failed(j, r.body ? r.body : "");
	gr_httpc_resp_free(&r);
	job_free(j);
	gr_db_rollback();	/* the worker's next job starts outside one */
}

int
agent_rpc_dispatch(const char *instance_id, const char *host,
    const char *method, const char *path, json_t *body, const char *what,
    agent_rpc_undo undo)
{
	return agent_rpc_dispatch_prepared(instance_id, host, method, path, body,
	    what, undo, NULL);
}

int
agent_rpc_dispatch_prepared(const char *instance_id, const char *host,
    const char *method, const char *path, json_t *body, const char *what,
    agent_rpc_undo undo, agent_rpc_prepare prepare)
{
	struct agent_rpc_job *j = gr_xcalloc(1, sizeof(*j));

	snprintf(j->id, sizeof(j->id), "%s", instance_id);
	snprintf(j->host, sizeof(j->host), "%s", host);
	j->method = gr_xstrdup(method);
	j->path = gr_xstrdup(path);
	j->body = body;
	j->what = gr_xstrdup(what);
	j->undo = undo;
	j->prepare = prepare;
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

/* The network agent's address on a node. */
static const char NETWORK_AGENT_SQL[] = "SELECT agent_url FROM agents "
    "WHERE host = $1 AND kind = 'network' AND agent_url IS NOT NULL";

int
agent_rpc_network(const char *host, const char *method, const char *path,
    json_t *body, long timeout_s, int *status, json_t **answer)
{
	GR_AUTOFREE char *url = NULL;
	struct gr_httpc_resp resp = { 0 };
	struct gr_signer key;

	*status = 0;
	*answer = NULL;
	if (agent_target(host, "network", NETWORK_AGENT_SQL, path,
	    &url, &key) < 0)
		return -1;
	if (gr_httpc_json(method, url, body, &key, timeout_s * 1000, &resp) < 0)
		return -1;
	*status = (int)resp.status;
	if (resp.body && resp.len)
		*answer = json_loadb(resp.body, resp.len, 0, NULL);
	gr_httpc_resp_free(&resp);
	return 0;
}

/* A hint's target is looked up on the caller's thread, which has a
 * database connection: the job's own thread would open one for it. */
struct hint_job {
	char			 host[65];
	char			*url;
	struct gr_signer	 key;
	long			 timeout_s;
};

static void
hint_run(void *arg)
{
	struct hint_job *j = arg;
	struct gr_httpc_resp resp = { 0 };

	if (gr_httpc_json("POST", j->url, NULL, &j->key, j->timeout_s * 1000,
	    &resp) < 0)
		gr_info("network agent on %s: POST %s: %s", j->host, j->url,
		    gr_err_msg());
	else if (resp.status / 100 != 2)
		gr_info("network agent on %s: POST %s answered %ld", j->host,
		    j->url, resp.status);
	gr_httpc_resp_free(&resp);
	free(j->url);
	free(j);
}

void
agent_rpc_network_hint(const char *host, const char *path, long timeout_s)
{
	struct hint_job *j = gr_xcalloc(1, sizeof(*j));

	snprintf(j->host, sizeof(j->host), "%s", host);
	j->timeout_s = timeout_s;
	if (agent_target(host, "network", NETWORK_AGENT_SQL, path,
	    &j->url, &j->key) == 0 && gr_task_run(&jobs, hint_run, j) == 0)
		return;
	/* Stopping, no thread, no agent: its next poll brings it. */
	gr_debug("network agent on %s: POST %s not sent: %s", host, path,
	    gr_err_msg());
	gr_err_clear();
	free(j->url);
	free(j);
}

int
agent_rpc_drain(long timeout_s)
{
	return gr_tasks_drain(&jobs, timeout_s);
}

void
agent_rpc_end(void *arg)
{
	(void)arg;
	if (agent_rpc_drain(35) > 0) {
		gr_err_log("exiting with agent calls still under way");
		_exit(1);
	}
}
