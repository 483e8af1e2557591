/*
 * gureum-controller: identity v3 and compute v2.1 APIs, the schema owner.
 * Usage: gureum-controller --config FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "ctl.h"
#include "sched.h"
#include "gr_conf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"

#define BODY_LIMIT	(1u << 20)	/* API request bodies: 1 MiB */

struct ctl_conf ctl;

static int
port_of(const char *listen)
{
	const char *c = strrchr(listen, ':');

	return c ? atoi(c + 1) : 0;
}

static int
load_conf(const struct gr_conf *c, const char **db, const char **idl,
    const char **cpl)
{
	long threads;

	if ((*db = gr_conf_need(c, "database")) == NULL ||
	    (ctl.cluster_secret = gr_conf_secret(c, "cluster_secret")) == NULL ||
	    gr_conf_int(c, "token_expiration", 3600, 60, 86400 * 30,
	    &ctl.token_ttl) < 0 ||
	    gr_conf_int(c, "heartbeat_interval", 5, 1, 3600,
	    &ctl.heartbeat_interval) < 0 ||
	    gr_conf_int(c, "image_port", 9292, 1, 65535, &ctl.image_port) < 0 ||
	    gr_conf_int(c, "network_port", 9696, 1, 65535,
	    &ctl.network_port) < 0 ||
	    gr_conf_int(c, "threads", 4, 1, 64, &threads) < 0 ||
	    gr_conf_int(c, "build_timeout", 600, 5, 86400,
	    &ctl.build_timeout) < 0 ||
	    gr_conf_int(c, "task_timeout", 300, 5, 86400,
	    &ctl.task_timeout) < 0 ||
	    gr_conf_int(c, "reconcile_interval", 10, 1, 3600,
	    &ctl.reconcile_interval) < 0)
		return -1;
	const char *w = gr_conf_get(c, "scheduler_weigher", "spread");
	if (strcmp(w, "spread") != 0 && strcmp(w, "pack") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: scheduler_weigher must be "
		    "'spread' or 'pack', not '%s'.", c->path, w);
		return -1;
	}
	sched_weigher = w[0] == 'p' ? SCHED_PACK : SCHED_SPREAD;
	*idl = gr_conf_get(c, "identity_listen", "0.0.0.0:5000");
	*cpl = gr_conf_get(c, "compute_listen", "0.0.0.0:8774");
	ctl.public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	ctl.region = gr_xstrdup(gr_conf_get(c, "region", "RegionOne"));
	ctl.identity_port = port_of(*idl);
	ctl.compute_port = port_of(*cpl);
	return 0;
}

static int
run(const struct gr_conf *c)
{
	const char *db, *idl, *cpl, *user, *project;
	GR_AUTOFREE char *password = NULL;
	struct gr_http *id_http = NULL, *cp_http = NULL;
	struct gr_http_conf hc;
	long threads = 4;
	sigset_t set;
	int sig, ret = -1;

	if (load_conf(c, &db, &idl, &cpl) < 0 ||
	    gr_conf_int(c, "threads", 4, 1, 64, &threads) < 0)
		return -1;
	user = gr_conf_get(c, "admin_user", "admin");
	project = gr_conf_get(c, "admin_project", "admin");
	if ((password = gr_conf_secret(c, "admin_password")) == NULL)
		return -1;
	if (gr_db_init(db) < 0 || gr_db_migrate() < 0 ||
	    identity_bootstrap(user, password, project) < 0)
		return -1;
	gr_info("schema at version %d; admin user '%s' on project '%s'",
	    gr_db_built_version(), user, project);

	/* Block the stop signals before threads start, so only sigwait sees
	 * them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	hc = (struct gr_http_conf){ .name = "identity", .listen = idl,
	    .routes = identity_routes, .nroutes = identity_nroutes,
	    .body_limit = BODY_LIMIT, .fault_style = GR_FAULT_IDENTITY,
	    .threads = (unsigned)threads, .authorize = auth_authorize,
	    .free_auth = gr_auth_free };
	if ((id_http = gr_http_start(&hc)) == NULL)
		goto out;
	hc = (struct gr_http_conf){ .name = "compute", .listen = cpl,
	    .routes = compute_routes, .nroutes = compute_nroutes,
	    .body_limit = BODY_LIMIT, .fault_style = GR_FAULT_COMPUTE,
	    .threads = (unsigned)threads, .authorize = compute_authorize,
	    .free_auth = gr_auth_free, .decorate = compute_decorate };
	if ((cp_http = gr_http_start(&hc)) == NULL)
		goto out;
	gr_conf_warn_unused(c);
	if (reconcile_start() < 0 || gr_auth_cache_start(db) < 0)
		goto out;
	gr_info("ready");
	sigwait(&set, &sig);
	gr_info("stopping on signal %d", sig);
	reconcile_stop_wait();
	gr_auth_cache_stop();
	ret = 0;
out:
	gr_http_stop(cp_http);
	gr_http_stop(id_http);
	gr_db_close();
	return ret;
}

int
main(int argc, char **argv)
{
	struct gr_conf *c;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		fprintf(stderr, "usage: gureum-controller --config FILE\n");
		return 2;
	}
	gr_log_init("gureum-controller", getenv("GUREUM_DEBUG") ? GR_LOG_DEBUG :
	    GR_LOG_INFO);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = gr_conf_load(argv[2])) == NULL) {
		fprintf(stderr, "gureum-controller: %s\n", gr_err_msg());
		return 1;
	}
	ret = run(c);
	if (ret < 0)
		fprintf(stderr, "gureum-controller: %s\n", gr_err_msg());
	gr_conf_free(c);
	free(ctl.public_host);
	free(ctl.region);
	free(ctl.cluster_secret);
	curl_global_cleanup();
	return ret < 0 ? 1 : 0;
}
