/*
 * netagent.h - the network agent's configuration and the state its
 * modules share: the last document applied, whether deleting is allowed
 * yet, and the lock that makes one apply at a time (the fetch loop, the
 * ensure route and the diagnostics route all go through it).
 */
#ifndef NETAGENT_H
#define NETAGENT_H

#include <pthread.h>

#include <jansson.h>

#include "doc.h"
#include "gr_conf.h"

#define NETAGENT_MAPS	16

struct nl_sock;

struct netagent {
	const char		*host;		/* node name */
	const char		*netns_dir;	/* /run/netns */
	const char		*state_dir;	/* dnsmasq's files */
	struct doc_mapping	 maps[NETAGENT_MAPS]; /* bridge_mappings */
	int			 nmaps;
	int			 bridge_ct;	/* nf_conntrack_bridge: ct state
						   in the bridge family */
	pthread_mutex_t		 lock;		/* held by each apply/observe */
	struct nl_sock		*sk;		/* the node's netns */
	struct doc		*doc;		/* last applied, or NULL */
	int			 may_delete;	/* one fetch succeeded: what
						   the document lacks goes */
	json_t			*sg_records;	/* port id -> record of the
						   rules loaded for it (nft.c) */
	json_t			*last_down;	/* port id -> {at, reason}: the
						   last time it was found
						   down and repaired */
};

/* netagent.c */

/* Fills a from the configuration (netns_dir, state_dir,
 * bridge_mappings), opens its netlink socket and probes bridge
 * conntrack. 0, or -1 with the error. */
int netagent_conf(struct netagent *a, const struct gr_conf *c,
    const char *host);
/* Frees what netagent_conf made; the node stays as it is. */
void netagent_free(struct netagent *a);
/* Applies the document in the file at path once, as if the controller
 * had served it, and prints the ports' observations on stdout. 0, or -1
 * with the apply's first error. */
int netagent_apply_file(struct netagent *a, const char *path);

#endif
