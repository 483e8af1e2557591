/*
 * gureum-image: the image catalog (Image v2): metadata in PostgreSQL,
 * bytes in a file store.
 * Usage: gureum-image --config FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_auth.h"
#include "gr_conf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"
#include "imgsvc.h"

#define BODY_LIMIT	(1u << 20)	/* metadata bodies; uploads stream */

struct img_conf img;

static int
authorize(struct gr_req *req, enum gr_policy policy)
{
	return gr_auth_check(req, policy, img.cluster_secret);
}

static int
run(const struct gr_conf *c)
{
	struct gr_http_conf hc = { .name = "image", .routes = img_routes,
	    .nroutes = img_nroutes, .body_limit = BODY_LIMIT,
	    .fault_style = GR_FAULT_IMAGE, .authorize = authorize,
	    .free_auth = gr_auth_free };
	struct gr_http *h;
	const char *db, *colon;
	long threads, quota_mb;
	sigset_t set;
	int sig;

	if ((db = gr_conf_need(c, "database")) == NULL ||
	    (img.cluster_secret = gr_conf_secret(c, "cluster_secret")) == NULL ||
	    gr_conf_int(c, "threads", 4, 1, 64, &threads) < 0 ||
	    gr_conf_int(c, "user_storage_quota_mb", 0, 0, 1L << 40,
	    &quota_mb) < 0)
		return -1;
	hc.threads = (unsigned)threads;
	hc.listen = gr_conf_get(c, "listen", "0.0.0.0:9292");
	colon = strrchr(hc.listen, ':');
	img.port = colon ? atol(colon + 1) : 9292;
	img.public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	img.store_dir = gr_xstrdup(gr_conf_get(c, "store_dir",
	    "/var/lib/gureum/images"));
	img.quota_bytes = (long long)quota_mb << 20;
	if (store_init() < 0 || gr_db_init(db) < 0 || gr_db_require_schema() < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	gr_conf_warn_unused(c);
	if (gr_auth_cache_start(db) < 0 || (h = gr_http_start(&hc)) == NULL)
		return -1;
	gr_info("image store %s, quota %s", img.store_dir, quota_mb ?
	    "set" : "none");
	sigwait(&set, &sig);
	gr_info("stopping on signal %d", sig);
	gr_http_stop(h);
	gr_auth_cache_stop();
	gr_db_close();
	return 0;
}

int
main(int argc, char **argv)
{
	struct gr_conf *c;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		fprintf(stderr, "usage: gureum-image --config FILE\n");
		return 2;
	}
	gr_log_init("gureum-image", getenv("GUREUM_DEBUG") ? GR_LOG_DEBUG :
	    GR_LOG_INFO);
	if ((c = gr_conf_load(argv[2])) == NULL) {
		fprintf(stderr, "gureum-image: %s\n", gr_err_msg());
		return 1;
	}
	ret = run(c);
	if (ret < 0)
		fprintf(stderr, "gureum-image: %s\n", gr_err_msg());
	gr_conf_free(c);
	free(img.public_host);
	free(img.store_dir);
	free(img.cluster_secret);
	return ret < 0 ? 1 : 0;
}
