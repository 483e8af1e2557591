/*
 * gureum-compute: the node agent that owns libvirt. It registers the node,
 * reports its inventory with each heartbeat, serves the controller's
 * signed calls (agent_api.c: the node's image cache and its instances),
 * and reconciles its instances with the controller after each beat.
 * Usage: gureum-compute --config FILE
 */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "console.h"
#include "gr_agent.h"
#include "gr_auth.h"
#include "gr_daemon.h"
#include "gr_httpc.h"
#include "gr_log.h"
#include "gr_util.h"
#include "instances.h"
#include "inventory.h"
#include "reconcile.h"

/* What the heartbeat loop carries for this agent. */
struct compute {
	struct gr_agent	 agent;
	struct inv_ctx	 inv;
	struct imgcache	 cache;
	struct node_ctx	 inst;
	int		 resynced;	/* reported libvirt's view once */
	long		 reconcile_interval; /* s between reconciles */
	double		 next_reconcile; /* when the next one is due */
};

static struct compute node;	/* this node's agent */
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
		reconcile_resync(&comp->inst);
		comp->resynced = 1;
	}
	/* Before the prune: removing an orphan may free a cached base. */
	if (comp->reconcile_interval > 0 && gr_now() >= comp->next_reconcile) {
		reconcile_run(&comp->inst);
		comp->next_reconcile = gr_now() + comp->reconcile_interval;
	}
	imgcache_prune(&comp->cache);
}

static int
authorize(struct gr_req *req, enum gr_policy policy)
{
	return gr_auth_check(req, policy, &trust);
}

/* Teardown hooks, registered in set-up order and run in reverse. */
static void agent_end(void *p) { gr_agent_free(p); }
static void cache_end(void *p) { imgcache_free(p); }
static void inst_end(void *p) { inst_free(p); }
static void inv_end(void *p) { inv_close(p); }

/* Libvirt, the image cache, the instances, then the API that uses them. */
static int
setup(struct gr_daemon *d)
{
	const struct gr_conf *c = d->conf;
	struct compute *comp = &node;
	struct gr_agent *a = &comp->agent;
	struct gr_http_conf hc = { .name = "compute-agent",
	    .routes = agent_routes, .nroutes = agent_nroutes,
	    .body_limit = 1 << 20, .fault_style = GR_FAULT_COMPUTE,
	    .threads = 4, .authorize = authorize, .free_auth = gr_auth_free };
	GR_AUTOFREE char *deflisten = NULL, *imgurl = NULL;
	const char *port;
	long max_age;
	int r;

	gr_httpc_daemon(d);
	if (gr_agent_conf(a, c, "compute") < 0)
		return -1;
	gr_daemon_defer(d, agent_end, a);
	/* The event loop stops after the connection that uses it closed. */
	if (console_events_start(d) < 0)
		return -1;
	gr_daemon_defer(d, inv_end, &comp->inv);
	if (gr_conf_int(c, "image_cache_max_age", 86400, 0, 1L << 30,
	    &max_age) < 0 || gr_conf_int(c, "reconcile_interval", 60, 0,
	    86400, &comp->reconcile_interval) < 0 ||
	    inv_conf(&comp->inv, c) < 0 || inv_connect(&comp->inv) < 0)
		return -1;
	imgurl = imgcache_url(c, a->controller_url);
	r = imgcache_init(&comp->cache, comp->inv.state_dir, imgurl,
	    &a->signer, max_age);
	gr_daemon_defer(d, cache_end, &comp->cache);
	if (r < 0)
		return -1;
	r = inst_init(&comp->inst, c, &comp->inv, &comp->cache, a);
	gr_daemon_defer(d, inst_end, &comp->inst);
	if (r < 0)
		return -1;
	agent_api_init(&comp->cache);
	console_init(&comp->inst);
	trust.self = &a->signer;
	a->inventory = collect;
	a->tick = tick;
	a->ctx = comp;
	deflisten = gr_xasprintf("%s:8780", a->host_ip);
	hc.listen = gr_conf_get(c, "listen", deflisten);
	/* The controller calls us on the node's address and our port. */
	port = strrchr(hc.listen, ':');
	comp->inv.agent_url = gr_xasprintf("http://%s:%s", a->host_ip,
	    port ? port + 1 : "8780");
	if (gr_http_daemon(d, &hc) == NULL)
		return -1;
	gr_info("node %s (%s), libvirt %s, virt_type %s, images from %s",
	    a->host, a->host_ip, comp->inv.uri, comp->inv.virt_type, imgurl);
	gr_conf_warn_unused(c);
	return 0;
}

/* Heartbeats (and ticks) until a stop signal. */
static int
run(struct gr_daemon *d)
{
	(void)d;
	return gr_agent_run(&node.agent);
}

int
main(int argc, char **argv)
{
	return gr_daemon_main("gureum-compute", argc, argv, setup, run);
}
