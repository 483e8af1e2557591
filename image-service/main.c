/*
 * gureum-image: the image catalog (Image v2). For now it checks the schema
 * and answers the version documents the openstack client starts with; the
 * catalog itself comes with the image issue.
 * Usage: gureum-image --config FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_conf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"

static char *public_host;
static long public_port;

static json_t *
version_json(const char *id, const char *status)
{
	char url[300];

	snprintf(url, sizeof(url), "http://%s:%ld/v2/", public_host,
	    public_port);
	return json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "id", id, "status", status,
	    "links", "rel", "self", "href", url);
}

static int
get_versions(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 300, json_pack("{s:[o]}", "versions",
	    version_json("v2.9", "CURRENT")));
	return 0;
}

static const struct gr_route image_routes[] = {
	{ "GET", "/",		get_versions,	GR_POLICY_PUBLIC },
	{ "GET", "/versions",	get_versions,	GR_POLICY_PUBLIC },
};

static int
run(const struct gr_conf *c)
{
	struct gr_http_conf hc = { .name = "image", .routes = image_routes,
	    .nroutes = sizeof(image_routes) / sizeof(image_routes[0]),
	    .body_limit = 1 << 20, .fault_style = GR_FAULT_IMAGE, .threads = 2 };
	struct gr_http *h;
	const char *db, *listen, *colon;
	sigset_t set;
	int sig;

	if ((db = gr_conf_need(c, "database")) == NULL)
		return -1;
	listen = gr_conf_get(c, "listen", "0.0.0.0:9292");
	colon = strrchr(listen, ':');
	public_port = colon ? atol(colon + 1) : 9292;
	public_host = gr_xstrdup(gr_conf_get(c, "public_host", "127.0.0.1"));
	if (gr_db_init(db) < 0 || gr_db_require_schema() < 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	hc.listen = listen;
	if ((h = gr_http_start(&hc)) == NULL)
		return -1;
	sigwait(&set, &sig);
	gr_info("stopping on signal %d", sig);
	gr_http_stop(h);
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
	free(public_host);
	return ret < 0 ? 1 : 0;
}
