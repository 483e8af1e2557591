/*
 * gureum-network: the node agent that will own bridges, VXLAN, DHCP and
 * nftables. Today it only registers its node with the controller and
 * sends heartbeats; tenant networks come with the networking issue.
 * Usage: gureum-network --config FILE
 */
#include "gr_agent.h"
#include "gr_daemon.h"
#include "gr_httpc.h"

static struct gr_agent agent;

static void
agent_end(void *arg)
{
	gr_agent_free(arg);
}

static int
setup(struct gr_daemon *d)
{
	gr_httpc_daemon(d);
	if (gr_agent_conf(&agent, d->conf, "network") < 0)
		return -1;
	gr_daemon_defer(d, agent_end, &agent);
	gr_conf_warn_unused(d->conf);
	return 0;
}

/* Heartbeats until a stop signal. */
static int
run(struct gr_daemon *d)
{
	(void)d;
	return gr_agent_run(&agent);
}

int
main(int argc, char **argv)
{
	return gr_daemon_main("gureum-network", argc, argv, setup, run);
}
