/*
 * gureum-network: the node agent that owns bridges, VXLAN, taps, DHCP,
 * routers and nftables. It registers its node with heartbeats (inventory:
 * its agent_url), pulls the node's network document from the controller and
 * applies it (fetch.c), reports what it observes per port, and serves
 * the controller's signed calls (agent_api.c).
 *
 * Usage: gureum-network --config FILE
 *        gureum-network --config FILE --apply-document DOC.json
 * The second form applies DOC.json once (as if the controller had served
 * it: what it lacks is removed), prints the ports' observations as JSON
 * and exits: 0 when the apply succeeded, 1 otherwise. An operator's tool
 * for debugging, and how the tests drive the dataplane.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_api.h"
#include "events.h"
#include "fetch.h"
#include "gr_agent.h"
#include "gr_auth.h"
#include "gr_daemon.h"
#include "gr_httpc.h"
#include "gr_log.h"
#include "gr_util.h"
#include "netagent.h"
#include "nft.h"

static struct gr_agent agent;
static struct netagent na;
static struct fetcher fetcher;
static struct events events;
static struct gr_trust trust;
static const char *apply_file;	/* --apply-document */
static char *agent_url;

static void agent_end(void *p) { gr_agent_free(p); }
static void fetch_end(void *p) { fetch_stop(p); }
static void events_end(void *p) { events_stop(p); }

static void
na_end(void *p)
{
	netagent_free(p);
	free(agent_url);
}

static json_t *
inventory(void *ctx)
{
	(void)ctx;
	return json_pack("{s:s}", "agent_url", agent_url);
}

static int
authorize(struct gr_req *req, enum gr_policy policy)
{
	return gr_auth_check(req, policy, &trust);
}

static int
setup(struct gr_daemon *d)
{
	const struct gr_conf *c = d->conf;
	struct gr_http_conf hc = { .name = "network-agent",
	    .routes = agent_routes, .nroutes = agent_nroutes,
	    .body_limit = 1 << 20, .fault_style = GR_FAULT_COMPUTE,
	    .threads = 4, .authorize = authorize, .free_auth = gr_auth_free };
	GR_AUTOFREE char *deflisten = NULL;
	struct gr_http *h;

	gr_httpc_daemon(d);
	if (gr_agent_conf(&agent, c, "network") < 0)
		return -1;
	gr_daemon_defer(d, agent_end, &agent);
	gr_daemon_defer(d, na_end, &na);
	if (netagent_conf(&na, c, agent.host) < 0 ||
	    gr_conf_int(c, "poll_interval", 1, 1, 3600, &fetcher.poll) < 0 ||
	    gr_conf_int(c, "reconcile_interval", 10, 1, 86400,
	    &fetcher.reconcile) < 0)
		return -1;
	fetcher.na = &na;
	fetcher.agent = &agent;
	deflisten = gr_xasprintf("%s:8781", agent.host_ip);
	hc.listen = gr_conf_get(c, "listen", deflisten);
	if (apply_file) {
		gr_conf_warn_unused(c);
		return 0;
	}
	if (fetch_start(&fetcher) < 0)
		return -1;
	gr_daemon_defer(d, fetch_end, &fetcher);
	/* Stopped before the loop it wakes. */
	if (events_start(&events, &fetcher) < 0)
		return -1;
	gr_daemon_defer(d, events_end, &events);
	agent_api_init(&fetcher);
	trust.self = &agent.signer;
	if ((h = gr_http_daemon(d, &hc)) == NULL)
		return -1;
	/* The controller calls us on the node's address and the port bound
	 * (listen may say port 0). */
	agent_url = gr_xasprintf("http://%s:%u", agent.host_ip,
	    gr_http_port(h));
	agent.inventory = inventory;
	gr_info("node %s (%s), API on %s, namespaces in %s, %s", agent.host,
	    agent.host_ip, agent_url, na.netns_dir, na.bridge_ct ?
	    "bridge conntrack" : "stateful filtering via bridge-nf-call-iptables");
	gr_conf_warn_unused(c);
	return 0;
}

/* Heartbeats until a stop signal. */
static int
run(struct gr_daemon *d)
{
	(void)d;
	if (apply_file)
		return netagent_apply_file(&na, apply_file);
	return gr_agent_run(&agent);
}

int
main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[3], "--apply-document") == 0) {
		apply_file = argv[4];
		argc = 3;
	}
	return gr_daemon_main("gureum-network", argc, argv, setup, run);
}
