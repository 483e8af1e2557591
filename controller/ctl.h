/*
 * ctl.h - the controller's shared state and its modules' entry points.
 *
 * The controller is stateless between requests: everything lives in
 * PostgreSQL. What is here is read-only after start-up (configuration).
 */
#ifndef CTL_H
#define CTL_H

#include <time.h>

#include <jansson.h>

#include "gr_auth.h"
#include "gr_http.h"

struct ctl_conf {
	char	*public_host;		/* host name/IP in catalog URLs */
	char	*region;		/* "RegionOne" */
	char	*cluster_secret;	/* signs agent <-> controller calls */
	long	 token_ttl;		/* seconds a token lives */
	long	 heartbeat_interval;	/* seconds between agent heartbeats */
	long	 identity_port;		/* ports as published in the catalog */
	long	 compute_port;
	long	 image_port;
	long	 network_port;
	long	 build_timeout;		/* s an instance may stay building */
	long	 task_timeout;		/* s a task may wait for its report */
	long	 reconcile_interval;	/* s between convergence passes */
	long	 vif_plugging_timeout;	/* s a boot waits for its ports */
	char	*console_listen;	/* the console proxy's ADDR:PORT */
	long	 console_port;		/* ...its port, in console URLs */
	long	 console_token_ttl;	/* s a console token lives */
	char	*console_origins;	/* more hosts a browser's Origin may
					   name, comma-separated ("": none) */
	long	 reclaim_interval;	/* s a soft-deleted server is kept;
					 * 0: delete at once (Nova's
					 * reclaim_instance_interval) */
};

extern struct ctl_conf ctl;

#endif
