/*
 * gureum-compute: the node agent that owns libvirt. For now it registers
 * the node, reports its inventory and sends heartbeats; instances come with
 * the compute issue.
 * Usage: gureum-compute --config FILE
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "gr_agent.h"
#include "gr_conf.h"
#include "gr_err.h"
#include "gr_log.h"
#include "inventory.h"

static int
run(const struct gr_conf *c)
{
	struct gr_agent a;
	struct inv_ctx inv = { 0 };
	sigset_t set;
	int ret = -1;

	if (gr_agent_conf(&a, c, "compute") < 0 ||
	    gr_conf_int(c, "reserved_host_memory_mb", 512, 0, 1 << 30,
	    &inv.reserved_mb) < 0)
		goto out;
	inv.uri = gr_conf_get(c, "libvirt_uri", "qemu:///system");
	inv.state_dir = gr_conf_get(c, "state_dir", "/var/lib/gureum/compute");
	inv.virt_type = gr_conf_get(c, "virt_type", "qemu");
	if (strcmp(inv.virt_type, "qemu") != 0 && strcmp(inv.virt_type,
	    "kvm") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: virt_type must be 'qemu' (TCG) "
		    "or 'kvm', not '%s'.", c->path, inv.virt_type);
		goto out;
	}
	if (mkdir(inv.state_dir, 0755) < 0 && access(inv.state_dir, W_OK) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the state directory '%s'.",
		    inv.state_dir);
		goto out;
	}
	if (inv_connect(&inv) < 0)
		goto out;
	a.inventory = inv_collect;
	a.ctx = &inv;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	gr_info("node %s (%s), libvirt %s, virt_type %s", a.host, a.host_ip,
	    inv.uri, inv.virt_type);
	ret = gr_agent_run(&a);
	gr_info("stopping");
out:
	inv_close(&inv);
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
