/*
 * gureum-compute: the node agent that owns libvirt. It registers the node,
 * reports its inventory with each heartbeat, and serves the controller's
 * calls (signed with the cluster secret): so far the node's image cache.
 * Usage: gureum-compute --config FILE
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "agent.h"
#include "gr_agent.h"
#include "gr_auth.h"
#include "gr_conf.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "instances.h"
#include "inventory.h"

/* What the heartbeat loop carries for this agent. */
struct compute {
	struct inv_ctx	 inv;
	struct imgcache	 cache;
	struct inst_ctx	 inst;
	int		 resynced;	/* reported libvirt's view once */
	long		 reconcile_interval; /* s between reconciles */
	double		 next_reconcile; /* when the next one is due */
};

static struct gr_trust trust;

static json_t *
collect(void *ctx)
{
	return inv_collect(&((struct compute *)ctx)->inv);
}

static void
tick(void *ctx)
{
	struct compute *comp = ctx;

	/* After the first heartbeat (the node is registered), tell the
	 * controller what libvirt runs: a restarted agent never stops a
	 * running guest, it reports it. */
	if (!comp->resynced) {
		inst_resync(&comp->inst);
		comp->resynced = 1;
	}
	/* Before the prune: removing an orphan may free a cached base. */
	if (comp->reconcile_interval > 0 && gr_now() >= comp->next_reconcile) {
		inst_reconcile(&comp->inst);
		comp->next_reconcile = gr_now() + comp->reconcile_interval;
	}
	imgcache_prune(&comp->cache);
}

static int
authorize(struct gr_req *req, enum gr_policy policy)
{
	return gr_auth_check(req, policy, &trust);
}

/* The image service's URL: the setting, or the controller's host on 9292. */
static char *
image_url(const struct gr_conf *c, const char *controller)
{
	const char *v = gr_conf_get(c, "image_url", NULL);
	const char *h = strstr(controller, "://");
	size_t n;

	if (v)
		return gr_xstrdup(v);
	h = h ? h + 3 : controller;
	n = strcspn(h, ":/");
	return gr_xasprintf("http://%.*s:9292", (int)n, h);
}

/* Overcommit settings this node reports (DESIGN.md section 1). */
static int
conf_ratios(const struct gr_conf *c, struct inv_ctx *inv)
{
	static const char *const keys[4] = { "cpu_allocation_ratio",
	    "ram_allocation_ratio", "disk_allocation_ratio",
	    "thin_disk_allocation_ratio" };
	static const double defaults[4] = { 4.0, 1.0, 1.0, 2.0 };

	for (int i = 0; i < 4; i++) {
		const char *v = gr_conf_get(c, keys[i], NULL);
		char *end;

		inv->ratios[i] = defaults[i];
		if (v == NULL)
			continue;
		inv->ratios[i] = strtod(v, &end);
		if (*end || end == v || inv->ratios[i] <= 0 ||
		    inv->ratios[i] > 1000) {
			gr_error(GR_ERR_BAD_REQUEST, "%s: '%s' must be a number "
			    "above 0, not '%s'.", c->path, keys[i], v);
			return -1;
		}
	}
	return gr_conf_int(c, "reserved_vcpus", 0, 0, 4096,
	    &inv->reserved_vcpus);
}

static int
setup(const struct gr_conf *c, struct gr_agent *a, struct compute *comp,
    char **imgurl)
{
	struct inv_ctx *inv = &comp->inv;
	long max_age, shutdown_timeout;
	const char *orphans;

	if (gr_agent_conf(a, c, "compute") < 0 ||
	    gr_conf_int(c, "reserved_host_memory_mb", 512, 0, 1 << 30,
	    &inv->reserved_mb) < 0 ||
	    gr_conf_int(c, "image_cache_max_age", 86400, 0, 1L << 30,
	    &max_age) < 0 ||
	    gr_conf_int(c, "shutdown_timeout", 10, 0, 3600,
	    &shutdown_timeout) < 0 ||
	    gr_conf_int(c, "reconcile_interval", 60, 0, 86400,
	    &comp->reconcile_interval) < 0)
		return -1;
	orphans = gr_conf_get(c, "orphan_action", "remove");
	if (strcmp(orphans, "remove") != 0 && strcmp(orphans, "report") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: orphan_action must be 'remove' "
		    "or 'report', not '%s'.", c->path, orphans);
		return -1;
	}
	if (conf_ratios(c, inv) < 0)
		return -1;
	inv->uri = gr_conf_get(c, "libvirt_uri", "qemu:///system");
	inv->state_dir = gr_conf_get(c, "state_dir", "/var/lib/gureum/compute");
	inv->virt_type = gr_conf_get(c, "virt_type", "qemu");
	if (strcmp(inv->virt_type, "qemu") != 0 && strcmp(inv->virt_type,
	    "kvm") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: virt_type must be 'qemu' (TCG) "
		    "or 'kvm', not '%s'.", c->path, inv->virt_type);
		return -1;
	}
	if (mkdir(inv->state_dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the state directory '%s': "
		    "%s.", inv->state_dir, strerror(errno));
		return -1;
	}
	*imgurl = image_url(c, a->controller_url);
	if (inv_connect(inv) < 0 || imgcache_init(&comp->cache, inv->state_dir,
	    *imgurl, &a->signer, max_age) < 0 ||
	    inst_init(&comp->inst, inv, &comp->cache, a, shutdown_timeout) < 0)
		return -1;
	comp->inst.orphan_remove = strcmp(orphans, "remove") == 0;
	agent_api_init(&comp->cache);
	trust.self = &a->signer;
	a->inventory = collect;
	a->tick = tick;
	a->ctx = comp;
	return 0;
}

static int
run(const struct gr_conf *c)
{
	struct gr_agent a = { 0 };
	struct compute comp = { 0 };
	struct gr_http *http = NULL;
	struct gr_http_conf hc = { .name = "compute-agent",
	    .routes = agent_routes, .nroutes = agent_nroutes,
	    .body_limit = 1 << 20, .fault_style = GR_FAULT_COMPUTE,
	    .threads = 4, .authorize = authorize, .free_auth = gr_auth_free };
	GR_AUTOFREE char *deflisten = NULL, *imgurl = NULL;
	sigset_t set;
	int ret = -1;

	if (setup(c, &a, &comp, &imgurl) < 0)
		goto out;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	deflisten = gr_xasprintf("%s:8780", a.host_ip);
	hc.listen = gr_conf_get(c, "listen", deflisten);
	/* The controller calls us on the node's address and our port. */
	comp.inv.agent_url = gr_xasprintf("http://%s:%s", a.host_ip,
	    strrchr(hc.listen, ':') ? strrchr(hc.listen, ':') + 1 : "8780");
	if ((http = gr_http_start(&hc)) == NULL)
		goto out;
	gr_info("node %s (%s), libvirt %s, virt_type %s, images from %s",
	    a.host, a.host_ip, comp.inv.uri, comp.inv.virt_type, imgurl);
	gr_conf_warn_unused(c);
	ret = gr_agent_run(&a);
	gr_info("stopping");
out:
	gr_http_stop(http);
	if (comp.cache.dir)
		imgcache_free(&comp.cache);
	inst_free(&comp.inst);
	inv_close(&comp.inv);
	free(comp.inv.agent_url);
	gr_agent_free(&a);
	return ret;
}

int
main(int argc, char **argv)
{
	struct gr_conf *c;
	int ret;

	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		fprintf(stderr, "usage: gureum-compute --config FILE\n");
		return 2;
	}
	gr_log_init("gureum-compute", getenv("GUREUM_DEBUG") ? GR_LOG_DEBUG :
	    GR_LOG_INFO);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = gr_conf_load(argv[2])) == NULL) {
		fprintf(stderr, "gureum-compute: %s\n", gr_err_msg());
		return 1;
	}
	ret = run(c);
	if (ret < 0)
		fprintf(stderr, "gureum-compute: %s\n", gr_err_msg());
	gr_conf_free(c);
	curl_global_cleanup();
	return ret < 0 ? 1 : 0;
}
