/* agent_rpc.c - see agent_rpc.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "agent_rpc.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_sign.h"
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

/* Connects to "http://IPV4:PORT..." within timeout_ms: the socket,
 * blocking, or -1 with the error. */
static int
connect_url(const char *url, long timeout_ms)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[64];
	const char *h = url, *colon;
	struct pollfd pfd;
	int fd, err = 0, flags;
	socklen_t elen = sizeof(err);
	unsigned long port;

	if (strncmp(h, "http://", 7) == 0)
		h += 7;
	if ((colon = strchr(h, ':')) == NULL ||
	    (size_t)(colon - h) >= sizeof(host))
		goto bad;
	memcpy(host, h, colon - h);
	host[colon - h] = '\0';
	port = strtoul(colon + 1, NULL, 10);
	if (port == 0 || port > 65535 || inet_pton(AF_INET, host,
	    &sa.sin_addr) != 1)
		goto bad;
	sa.sin_port = htons((uint16_t)port);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot make a socket: %s.",
		    strerror(errno));
		return -1;
	}
	flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno != EINPROGRESS)
			err = errno;
		pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
		if (!err && poll(&pfd, 1, (int)timeout_ms) != 1)
			err = ETIMEDOUT;
		if (!err && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
		    &elen) < 0)
			err = errno;
	}
	fcntl(fd, F_SETFL, flags);
	if (err) {
		close(fd);
		gr_error(GR_ERR_UNAVAILABLE, "Cannot reach the agent at %s: %s.",
		    url, strerror(err));
		return -1;
	}
	return fd;
bad:
	gr_error(GR_ERR_UNAVAILABLE, "The agent URL '%s' is not of the form "
	    "http://IPV4:PORT.", url);
	return -1;
}

/* Reads an HTTP answer's header (at most 4 KiB) within timeout_ms into
 * buf: its status, with *hlen the header's length and *len what was
 * read; -1 with the error. */
static int
read_answer(int fd, long timeout_ms, char *buf, size_t cap, size_t *len,
    size_t *hlen)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char *end;
	ssize_t n;
	int status;

	*len = 0;
	while ((end = memmem(buf, *len, "\r\n\r\n", 4)) == NULL) {
		if (*len == cap || poll(&pfd, 1, (int)timeout_ms) != 1 ||
		    (n = read(fd, buf + *len, cap - *len)) <= 0) {
			gr_error(GR_ERR_UNAVAILABLE, "The agent gave no answer to "
			    "the console's request.");
			return -1;
		}
		*len += (size_t)n;
	}
	*hlen = (size_t)(end - buf) + 4;
	if (sscanf(buf, "HTTP/1.%*1[01] %3d", &status) != 1) {
		gr_error(GR_ERR_UNAVAILABLE, "The agent's answer to the "
		    "console's request is not HTTP.");
		return -1;
	}
	return status;
}

int
agent_rpc_upgrade(const char *host, const char *path, long timeout_ms,
    int *status, int *fd, char **extra, size_t *extra_len)
{
	GR_AUTOFREE char *url = NULL, *req = NULL;
	struct gr_signer key;
	char sig[GR_SHA256_HEX], buf[4096];
	long long ts = (long long)time(NULL);
	size_t len, hlen;
	int s;

	*fd = -1;
	*extra = NULL;
	*extra_len = 0;
	if (agent_target(host, "compute", "SELECT agent_url FROM compute_nodes "
	    "WHERE host = $1 AND agent_url IS NOT NULL", "", &url, &key) < 0 ||
	    (s = connect_url(url, timeout_ms)) < 0)
		return -1;
	gr_sign(&key, "GET", path, ts, "", 0, sig);
	req = gr_xasprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: "
	    "Upgrade\r\nUpgrade: gureum-console\r\nX-Gureum-Node: %s\r\n"
	    "X-Gureum-Timestamp: %lld\r\nX-Gureum-Signature: %s\r\n\r\n",
	    path, url + 7, key.node, ts, sig);
	if (gr_write_all(s, req, strlen(req), "the console's request") < 0) {
		close(s);
		gr_error(GR_ERR_UNAVAILABLE, "Cannot send the console's request "
		    "to the agent at %s.", url);
		return -1;
	}
	if ((*status = read_answer(s, timeout_ms, buf, sizeof(buf), &len,
	    &hlen)) < 0) {
		close(s);
		return -1;
	}
	if (*status != 101) {
		close(s);
		return 0;
	}
	if (len > hlen) {
		*extra_len = len - hlen;
		*extra = gr_xmalloc(*extra_len);
		memcpy(*extra, buf + hlen, *extra_len);
	}
	*fd = s;
	return 0;
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
