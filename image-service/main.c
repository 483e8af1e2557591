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

static int
setup(struct gr_daemon *d)
{
	const struct gr_conf *c = d->conf;
	struct gr_http_conf hc = { .name = "image", .routes = img_routes,
	    .nroutes = img_nroutes, .body_limit = BODY_LIMIT,
	    .fault_style = GR_FAULT_IMAGE, .authorize = authorize,
	    .free_auth = gr_auth_free,
	    /* Image bytes arrive in pieces of up to this much, so a GiB
	     * takes some thousand reads, not tens of thousands. */
	    .conn_memory = (size_t)1 << 20 };
	const char *db;
	long threads, quota_mb;

	gr_daemon_defer(d, conf_free, NULL);
	if ((db = gr_conf_need(c, "database")) == NULL ||
	    (img.cluster_secret = gr_conf_secret(c, "cluster_secret")) == NULL ||
	    gr_conf_int(c, "threads", 4, 1, 64, &threads) < 0 ||
	    gr_conf_int(c, "user_storage_quota_mb", 0, 0, 1L << 40,
	    &quota_mb) < 0)
		return -1;
	trust = (struct gr_trust){ .cluster_secret = img.cluster_secret,
	    .tokens = gr_auth_load, .project_only = 1 };
	hc.threads = (unsigned)threads;
	hc.listen = gr_conf_get(c, "listen", "0.0.0.0:9292");
	img.port = gr_listen_port(hc.listen);
	img.public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	img.store_dir = gr_xstrdup(gr_conf_get(c, "store_dir",
	    "/var/lib/gureum/images"));
	img.quota_bytes = (long long)quota_mb << 20;
	if (store_init() < 0 || gr_db_daemon(d, db) < 0 ||
	    gr_db_require_schema() < 0 || gr_auth_cache_daemon(d, db) < 0 ||
	    gr_http_daemon(d, &hc) == NULL)
		return -1;
	gr_info("image store %s, quota %s", img.store_dir, quota_mb ?
	    "set" : "none");
	return 0;
}

int
main(int argc, char **argv)
{
	return gr_daemon_main("gureum-image", argc, argv, setup, NULL);
}
