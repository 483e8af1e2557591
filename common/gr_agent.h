/*
 * gr_agent.h - what every node agent shares: its identity on the cluster
 * and the heartbeat loop that registers it with the controller, reports
 * inventory, and checks that the controller's schema is the one this
 * binary was built for.
 */
#ifndef GR_AGENT_H
#define GR_AGENT_H

#include <jansson.h>

#include "gr_conf.h"
#include "gr_sign.h"

struct gr_agent {
	const char	*kind;		/* "compute" or "network" */
	const char	*host;		/* node name, e.g. "node1" */
	const char	*host_ip;	/* the node's underlay address */
	const char	*controller_url; /* its internal listener:
					    "http://10.99.0.1:8779" */
	struct gr_signer signer;	/* this node's name and key */
	long		 interval;	/* seconds between heartbeats: the
					   controller's once it answered */
	/* Returns a new inventory object, or NULL (with the error) to skip
	 * inventory this beat. May be NULL. */
	json_t		*(*inventory)(void *ctx);
	/* Periodic work after each heartbeat (may be NULL). */
	void		(*tick)(void *ctx);
	void		*ctx;
};

/* Fills a from the common keys of an agent's configuration: the node's
 * key is derived from the cluster secret, which is not kept. */
int gr_agent_conf(struct gr_agent *a, const struct gr_conf *c,
    const char *kind);
void gr_agent_free(struct gr_agent *a);
/*
 * Sends one heartbeat and takes the interval the controller answers (the
 * controller judges liveness by its own interval, so the agent beats at
 * it). Returns 0 when the controller accepted it, 1 when it
 * could not be reached or failed (worth retrying), -1 when retrying cannot
 * help (refused signature, schema mismatch); the error says why.
 */
int gr_agent_beat(struct gr_agent *a, int started);
/*
 * Beats every interval until SIGTERM or SIGINT (which the caller must have
 * blocked in every thread). Returns 0 on a signal, -1 on a fatal refusal.
 */
int gr_agent_run(struct gr_agent *a);

#endif
