/*
 * gureum-network: the node agent that owns bridges, VXLAN, DHCP and
 * nftables. For now it registers with the controller and sends heartbeats;
 * tenant networks come with the networking issue.
 * Usage: gureum-network --config FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "gr_agent.h"
#include "gr_conf.h"
#include "gr_err.h"
#include "gr_log.h"

int
main(int argc, char **argv)
{
	struct gr_agent a = { 0 };
	struct gr_conf *c;
	sigset_t set;
	int ret = -1;

	if (argc != 3 || (strcmp(argv[1], "--config") != 0 &&
	    strcmp(argv[1], "-c") != 0)) {
		fprintf(stderr, "usage: gureum-network --config FILE\n");
		return 2;
	}
	gr_log_init("gureum-network", getenv("GUREUM_DEBUG") ? GR_LOG_DEBUG :
	    GR_LOG_INFO);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if ((c = gr_conf_load(argv[2])) == NULL)
		goto out;
	if (gr_agent_conf(&a, c, "network") < 0)
		goto out;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	gr_conf_warn_unused(c);
	ret = gr_agent_run(&a);
	gr_info("stopping");
out:
	if (ret < 0)
		fprintf(stderr, "gureum-network: %s\n", gr_err_msg());
	gr_agent_free(&a);
	gr_conf_free(c);
	curl_global_cleanup();
	return ret < 0 ? 1 : 0;
}
