/*
 * net_state.h - what each node's network agent must have, and what it
 * saw (net_state.c): the node document an agent pulls (GET
 * /internal/v1/hosts/{host}/network), built from the Network tables in
 * one snapshot with the generation read in it; the port observations it
 * reports (POST /internal/v1/hosts/{host}/ports); and the best-effort
 * wake the API sends after a commit. The routes are listed in
 * internal_api.c's table; docs/internal-api.md is the contract.
 */
#ifndef NET_STATE_H
#define NET_STATE_H

#include <stddef.h>

#include "gr_http.h"

#define NET_OBS_MAX	4096	/* ports in one observation report */
#define NET_REASON_MAX	1024	/* bytes of a port's status reason */

/* GET /internal/v1/hosts/{host}/network?since=G: 304, or 200 the node's
 * document. {host} must be the signing node. */
int net_state_document(struct gr_req *req, struct gr_resp *resp);
/* POST /internal/v1/hosts/{host}/ports: stores what the agent observed
 * on the ports bound to {host} (others are skipped); 204. */
int net_state_observe(struct gr_req *req, struct gr_resp *resp);

/*
 * Asks the network agents of hosts (n names; NULL: every node with a
 * network agent) to fetch their documents now (POST /v1/wake), each on a
 * background job: never blocks on an agent, and a failure is only
 * logged, since the agents poll anyway. For the API, after a commit.
 */
void net_state_wake_hosts(const char *const *hosts, size_t n);

#endif
