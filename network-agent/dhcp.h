/*
 * dhcp.h - one dnsmasq per network on the node, in the namespace
 * qdhcp-<net>, on the veth ns-<port[:11]> whose other end,
 * tap<port[:11]>, is on the network's bridge. It serves the node's own
 * ports only, each a fixed MAC -> IP (static ranges), with its own lease
 * file (a shared one keeps stale leases). Its files live under
 * STATE_DIR/dhcp/<net>/. A running dnsmasq whose pid file and command
 * line match is adopted; a change of hosts is a rename and SIGHUP, and a
 * host that goes has its lease released (dhcp_release). Errors: -1 with
 * the error recorded.
 */
#ifndef DHCP_H
#define DHCP_H

#include "doc.h"
#include "netagent.h"

#define DHCP_PATH	4096
#define DHCP_LEASE	"86400s"
#define DHCP_LEASE_MAX	65536	/* per network and node */

struct dhcp_paths {
	char	dir[DHCP_PATH];
	char	pid[DHCP_PATH];
	char	hosts[DHCP_PATH];
	char	opts[DHCP_PATH];
	char	leases[DHCP_PATH];
};

void dhcp_paths(const char *state_dir, const char *net_id,
    struct dhcp_paths *p);
/* The dnsmasq command line for n (which has dhcp), NULL-ended; free it
 * with dhcp_argv_free. Pure: the unit tests compare it to golden files. */
char **dhcp_argv(const struct dhcp_paths *p, const struct doc_net *n);
void dhcp_argv_free(char **argv);
/* The hosts file ("MAC,IP,NAME" lines) and options file of n; new
 * strings. */
char *dhcp_hosts_text(const struct doc_net *n);
char *dhcp_opts_text(const struct doc_net *n);

/* Makes n's DHCP (namespace, veth onto bridge ifindex br, addresses,
 * files, dnsmasq) or brings it back to what n says. */
int dhcp_apply(struct netagent *a, const struct doc_net *n, int br);
/* Removes the DHCP of every network that d has no DHCP for. */
int dhcp_prune(struct netagent *a, const struct doc *d);
/* 1 when the network's dnsmasq runs (its pid file names a live dnsmasq
 * with our command line), else 0. */
int dhcp_alive(const struct netagent *a, const struct doc_net *n);
/* 1 when the network's hosts file has an entry for mac. */
int dhcp_has_host(const struct netagent *a, const char *net_id,
    const char *mac);

#endif
