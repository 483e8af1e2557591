/*
 * gureum-controller --config FILE: identity v3, compute v2.1 and network
 * v2.0 for tenants, the web portal, the console proxy, the agents' internal
 * listener, the scheduler and the convergence pass; the schema's owner.
 */
#include <stdlib.h>
#include <string.h>

#include "agent_rpc.h"
#include "auth.h"
#include "compute_api.h"
#include "console.h"
#include "ctl.h"
#include "gr_daemon.h"
#include "gr_db.h"
#include "gr_httpc.h"
#include "gr_log.h"
#include "gr_schema.h"
#include "gr_util.h"
#include "identity.h"
#include "internal_api.h"
#include "network_api.h"
#include "reconcile.h"
#include "sched.h"
#include "web.h"

#define BODY_LIMIT	(1u << 20)	/* API request bodies: 1 MiB */

struct ctl_conf ctl;

static void
conf_free(void *arg)
{
	(void)arg;
	free(ctl.public_host);
	free(ctl.region);
	free(ctl.cluster_secret);
	console_conf_free();
}

static int
load_conf(const struct gr_conf *c, long *threads)
{
	if ((ctl.cluster_secret = gr_conf_secret(c, "cluster_secret")) == NULL ||
	    gr_conf_int(c, "token_expiration", 3600, 60, 86400 * 30,
	    &ctl.token_ttl) < 0 ||
	    gr_conf_int(c, "heartbeat_interval", 5, 1, 3600,
	    &ctl.heartbeat_interval) < 0 ||
	    gr_conf_int(c, "image_port", 9292, 1, 65535, &ctl.image_port) < 0 ||
	    gr_conf_int(c, "threads", 4, 1, 64, threads) < 0 ||
	    gr_conf_int(c, "build_timeout", 600, 5, 86400,
	    &ctl.build_timeout) < 0 ||
	    gr_conf_int(c, "task_timeout", 300, 5, 86400,
	    &ctl.task_timeout) < 0 ||
	    gr_conf_int(c, "reconcile_interval", 10, 1, 3600,
	    &ctl.reconcile_interval) < 0 ||
	    gr_conf_int(c, "vif_plugging_timeout", 60, 1, 300,
	    &ctl.vif_plugging_timeout) < 0 ||
	    gr_conf_int(c, "reclaim_instance_interval", 0, 0, 86400 * 365,
	    &ctl.reclaim_interval) < 0 || console_conf(c) < 0 ||
	    sched_set_weigher(gr_conf_get(c, "scheduler_weigher", "spread"),
	    c->path) < 0)
		return -1;
	ctl.public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	ctl.region = gr_xstrdup(gr_conf_get(c, "region", "RegionOne"));
	return 0;
}

static void reconcile_end(void *arg) { (void)arg; reconcile_stop_wait(); }

/* The six listeners: identity, compute, network, the agents' side door, the
 * web portal (the page; the first three under /api/), the console proxy. */
static int
listen_all(struct gr_daemon *d, long threads)
{
	const struct gr_conf *c = d->conf;
	struct gr_http_conf id = { .name = "identity",
	    .listen = gr_conf_get(c, "identity_listen", "0.0.0.0:5000"),
	    .routes = identity_routes, .nroutes = identity_nroutes,
	    .fault_style = GR_FAULT_IDENTITY, .authorize = auth_authorize };
	struct gr_http_conf cp = { .name = "compute",
	    .listen = gr_conf_get(c, "compute_listen", "0.0.0.0:8774"),
	    .routes = compute_routes, .nroutes = compute_nroutes,
	    .fault_style = GR_FAULT_COMPUTE, .authorize = compute_authorize,
	    .decorate = compute_decorate };
	struct gr_http_conf nw = { .name = "network",
	    .listen = gr_conf_get(c, "network_listen", "0.0.0.0:9696"),
	    .routes = network_routes, .nroutes = network_nroutes,
	    .fault_style = GR_FAULT_NETWORK, .authorize = auth_authorize_project,
	    .decorate = network_decorate };
	struct gr_http_conf in = { .name = "internal",
	    .listen = gr_conf_get(c, "internal_listen", "127.0.0.1:8779"),
	    .routes = internal_routes, .nroutes = internal_nroutes,
	    .fault_style = GR_FAULT_COMPUTE, .authorize = auth_authorize };
	struct gr_http_conf *all[4] = { &id, &cp, &nw, &in };
	struct web_conf web;

	ctl.identity_port = gr_listen_port(id.listen);
	ctl.compute_port = gr_listen_port(cp.listen);
	ctl.network_port = gr_listen_port(nw.listen);
	for (int i = 0; i < 4; i++) {
		all[i]->body_limit = BODY_LIMIT;
		all[i]->threads = (unsigned)threads;
		all[i]->free_auth = gr_auth_free;
		if (gr_http_daemon(d, all[i]) == NULL)
			return -1;
	}
	web_conf_read(c, &web);
	web.threads = (unsigned)threads;
	web.body_limit = BODY_LIMIT;
	return console_proxy_start(d, (unsigned)threads) < 0 ? -1 :
	    web_start(d, &web, &id, &cp, &nw);
}

static int
setup(struct gr_daemon *d)
{
	const struct gr_conf *c = d->conf;
	const char *db, *user, *project;
	GR_AUTOFREE char *password = NULL;
	long threads;

	gr_httpc_daemon(d);
	gr_daemon_defer(d, conf_free, NULL);
	if ((db = gr_conf_need(c, "database")) == NULL ||
	    load_conf(c, &threads) < 0 ||
	    (password = gr_conf_secret(c, "admin_password")) == NULL)
		return -1;
	user = gr_conf_get(c, "admin_user", "admin");
	project = gr_conf_get(c, "admin_project", "admin");
	if (gr_db_daemon(d, db) < 0 || gr_db_migrate() < 0 ||
	    identity_bootstrap(user, password, project) < 0)
		return -1;
	gr_info("schema at version %d; admin user '%s' on project '%s'",
	    gr_schema_built_version(), user, project);
	/* Agent calls still under way finish before the secret they sign
	 * with is freed, and after the listeners that start them stopped. */
	gr_daemon_defer(d, agent_rpc_end, NULL);
	if (listen_all(d, threads) < 0 || reconcile_start() < 0)
		return -1;
	gr_daemon_defer(d, reconcile_end, NULL);
	return gr_auth_cache_daemon(d, db);
}

int
main(int argc, char **argv)
{
	return gr_daemon_main("gureum-controller", argc, argv, setup, NULL);
}
