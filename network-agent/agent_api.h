/*
 * agent_api.h - the network agent's signed HTTP API (agent_api.c), the
 * one place a controller's call to this node comes in. The agent's
 * modules, each with its header:
 *
 *	main.c		set-up, --apply-document, teardown in reverse order
 *	doc.c		the node's document parsed and checked
 *	fetch.c		the pull loop and the observation reports
 *	events.c	link events that wake the loop for a re-apply
 *	reconcile.c	the document applied as a diff
 *	netlink.c	links, FDB, addresses (libnl)
 *	netns.c		named network namespaces
 *	leg.c		veths from a bridge into a namespace
 *	dhcp.c		dnsmasq per network
 *	router.c	routers: namespace, legs, forwarding, NAT
 *	nft.c		security groups and anti-spoofing (libnftables)
 *	observe.c	each port's hops, status and reason
 */
#ifndef AGENT_API_H
#define AGENT_API_H

#include "fetch.h"
#include "gr_http.h"

extern const struct gr_route agent_routes[];
extern const size_t agent_nroutes;
/* Sets the fetch loop (and through it the agent) the routes use. */
void agent_api_init(struct fetcher *f);

#endif
