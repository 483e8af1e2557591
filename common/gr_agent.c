/* gr_agent.c - see gr_agent.h. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gr_agent.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_schema.h"
#include "gr_util.h"

#define BEAT_TIMEOUT_MS	5000

int
gr_agent_conf(struct gr_agent *a, const struct gr_conf *c, const char *kind)
{
	int has_key = gr_conf_get(c, "node_key", NULL) != NULL ||
	    gr_conf_get(c, "node_key_file", NULL) != NULL;
	char *secret;
	int ret;

	memset(a, 0, sizeof(*a));
	a->kind = kind;
	if ((a->host = gr_conf_need(c, "node_name")) == NULL ||
	    (a->host_ip = gr_conf_need(c, "node_ip")) == NULL ||
	    (a->controller_url = gr_conf_need(c, "controller_url")) == NULL ||
	    gr_conf_int(c, "heartbeat_interval", 5, 1, 3600, &a->interval) < 0)
		return -1;
	/* The node's own key (what a real host should hold), or the cluster
	 * secret to derive it from (the lab's and the tests' shortcut). */
	if ((secret = gr_conf_secret(c, has_key ? "node_key" :
	    "cluster_secret")) == NULL)
		return -1;
	/* Both check node_name and the key's form. */
	ret = has_key ? gr_sign_node_key(a->host, secret, &a->signer) :
	    gr_sign_node(secret, a->host, &a->signer);
	if (ret < 0) {
		char why[512];

		/* gr_err_msg() is the buffer gr_error() writes: copy first. */
		snprintf(why, sizeof(why), "%s", gr_err_msg());
		gr_error(gr_err_code(), "%s: %s", c->path, why);
	}
	explicit_bzero(secret, strlen(secret));
	free(secret);
	return ret;
}

void
gr_agent_free(struct gr_agent *a)
{
	explicit_bzero(a->signer.key, sizeof(a->signer.key));
}

int
gr_agent_beat(struct gr_agent *a, int started)
{
	GR_AUTO_JSON json_t *body = NULL, *reply = NULL;
	struct gr_httpc_resp r;
	GR_AUTOFREE char *url = NULL;
	long long schema = 0, interval = a->interval;
	int ret = 1;

	body = json_pack("{s:s,s:s,s:s,s:s,s:b}", "host", a->host, "kind",
	    a->kind, "host_ip", a->host_ip, "version", "gureum-0.1", "started",
	    started);
	if (a->inventory) {
		json_t *inv = a->inventory(a->ctx);

		if (inv == NULL)
			gr_warn("no inventory this heartbeat: %s", gr_err_msg());
		else
			json_object_set_new(body, "inventory", inv);
	}
	url = gr_xasprintf("%s/internal/v1/agents/heartbeat", a->controller_url);
	if (gr_httpc_json("POST", url, body, &a->signer, BEAT_TIMEOUT_MS, &r) < 0)
		return 1;
	if (r.status == 404) {
		gr_error(GR_ERR_NOT_FOUND, "%s does not serve the agents' "
		    "heartbeat (404): controller_url must name the controller's "
		    "internal listener (its internal_listen, port 8779 by "
		    "default), not a tenant port.", a->controller_url);
		ret = -1;
		goto out;
	}
	if (r.status == 401 || r.status == 400 || r.status == 403) {
		gr_error(GR_ERR_UNAUTHORIZED, "The controller refused this "
		    "agent's heartbeat (%ld): %s", r.status, r.body);
		ret = -1;
		goto out;
	}
	if (r.status != 200) {
		gr_error(GR_ERR_UNAVAILABLE, "The controller answered the "
		    "heartbeat with %ld: %s", r.status, r.body);
		goto out;
	}
	reply = json_loads(r.body, 0, NULL);
	if (reply == NULL || gr_json_int(reply, "schema_version", 1, 0, 1 << 30,
	    &schema) < 0 || gr_json_int(reply, "heartbeat_interval", 0, 1, 3600,
	    &interval) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "The controller's heartbeat reply "
		    "is not understood: %s", r.body);
		goto out;
	}
	if (schema != gr_schema_built_version()) {
		gr_error(GR_ERR_UNAVAILABLE, "The controller's database schema is "
		    "at version %lld but this agent was built for version %d: "
		    "run the same Gureum release on the controller and the "
		    "nodes.", schema, gr_schema_built_version());
		ret = -1;
		goto out;
	}
	if (interval != a->interval)
		gr_info("heartbeat every %lld s, as the controller asks",
		    interval);
	a->interval = (long)interval;
	ret = 0;
out:
	gr_httpc_resp_free(&r);
	return ret;
}

int
gr_agent_run(struct gr_agent *a)
{
	struct timespec ts;
	int registered = 0, started = 1, r;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (;;) {
		r = gr_agent_beat(a, started);
		if (r < 0)
			return -1;
		if (r == 0) {
			started = 0;
			if (!registered)
				gr_info("registered with %s as %s agent of %s",
				    a->controller_url, a->kind, a->host);
			registered = 1;
		} else {
			gr_warn("heartbeat failed, will retry: %s", gr_err_msg());
		}
		if (a->tick)
			a->tick(a->ctx);
		ts = (struct timespec){ a->interval, 0 };
		/* Sleeps one interval, or returns at once on a stop signal. */
		if (sigtimedwait(&set, NULL, &ts) >= 0 ||
		    (errno != EAGAIN && errno != EINTR)) {
			gr_info("stopping");
			return 0;
		}
	}
}
