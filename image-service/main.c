/*
 * gureum-image: the image catalog (Image v2): metadata in PostgreSQL,
 * bytes in a file store.
 * Usage: gureum-image --config FILE
 */
#include <stdlib.h>
#include <string.h>

#include "gr_auth.h"
#include "gr_daemon.h"
#include "gr_db.h"
#include "gr_log.h"
#include "gr_util.h"
#include "imgsvc.h"

#define BODY_LIMIT	(1u << 20)	/* metadata bodies; uploads stream */

struct img_conf img;
static struct gr_trust trust;

/* Users by token; nodes' signed downloads by the key of the node named. */
static int
authorize(struct gr_req *req, enum gr_policy policy)
{
	return gr_auth_check(req, policy, &trust);
}

static void
conf_free(void *arg)
{
	(void)arg;
	free(img.public_host);
	free(img.store_dir);
	free(img.cluster_secret);
}

static void
db_end(void *arg)
{
	(void)arg;
	gr_db_close();
}

static void
auth_cache_end(void *arg)
{
	(void)arg;
	gr_auth_cache_stop();
}

static int
setup(struct gr_daemon *d)
{
	const struct gr_conf *c = d->conf;
	struct gr_http_conf hc = { .name = "image", .routes = img_routes,
	    .nroutes = img_nroutes, .body_limit = BODY_LIMIT,
	    .fault_style = GR_FAULT_IMAGE, .authorize = authorize,
	    .free_auth = gr_auth_free };
	const char *db, *colon;
	long threads, quota_mb;

	gr_daemon_defer(d, conf_free, NULL);
	if ((db = gr_conf_need(c, "database")) == NULL ||
	    (img.cluster_secret = gr_conf_secret(c, "cluster_secret")) == NULL ||
	    gr_conf_int(c, "threads", 4, 1, 64, &threads) < 0 ||
	    gr_conf_int(c, "user_storage_quota_mb", 0, 0, 1L << 40,
	    &quota_mb) < 0)
		return -1;
	trust.cluster_secret = img.cluster_secret;
	hc.threads = (unsigned)threads;
	hc.listen = gr_conf_get(c, "listen", "0.0.0.0:9292");
	colon = strrchr(hc.listen, ':');
	img.port = colon ? atol(colon + 1) : 9292;
	img.public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	img.store_dir = gr_xstrdup(gr_conf_get(c, "store_dir",
	    "/var/lib/gureum/images"));
	img.quota_bytes = (long long)quota_mb << 20;
	if (store_init() < 0 || gr_db_init(db) < 0)
		return -1;
	gr_daemon_defer(d, db_end, NULL);
	if (gr_db_require_schema() < 0 || gr_auth_cache_start(db) < 0)
		return -1;
	gr_daemon_defer(d, auth_cache_end, NULL);
	if (gr_daemon_http(d, &hc) == NULL)
		return -1;
	gr_info("image store %s, quota %s", img.store_dir, quota_mb ?
	    "set" : "none");
	return 0;
}

int
main(int argc, char **argv)
{
	struct gr_daemon d;
	int rc = gr_daemon_init(&d, "gureum-image", argc, argv);

	if (rc != 0)
		return rc;
	if (setup(&d) < 0)
		return gr_daemon_exit(&d, -1);
	gr_daemon_wait(&d);
	return gr_daemon_exit(&d, 0);
}
