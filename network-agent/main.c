/*
 * gureum-network: the node agent that will own bridges, VXLAN, DHCP and
 * nftables. Today it only registers its node with the controller and
 * sends heartbeats; tenant networks come with the networking issue.
 * Usage: gureum-network --config FILE
 */
#include "gr_agent.h"
#include "gr_daemon.h"
#include "gr_log.h"

static void
agent_end(void *arg)
{
	gr_agent_free(arg);
}

int
main(int argc, char **argv)
{
	struct gr_daemon d;
	struct gr_agent a;
	int rc = gr_daemon_init(&d, "gureum-network", argc, argv);

	if (rc != 0)
		return rc;
	if (gr_agent_conf(&a, d.conf, "network") < 0)
		return gr_daemon_exit(&d, -1);
	gr_daemon_defer(&d, agent_end, &a);
	gr_conf_warn_unused(d.conf);
	rc = gr_agent_run(&a);
	gr_info("stopping");
	return gr_daemon_exit(&d, rc);
}
