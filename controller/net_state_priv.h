/*
 * net_state_priv.h - the parser of a network agent's port observations
 * (net_state.c), which touches no database, exported for its fuzz target
 * (fuzz/fuzz_net_obs.c) only; the rest of the controller uses
 * net_state.h.
 */
#ifndef NET_STATE_PRIV_H
#define NET_STATE_PRIV_H

#include <stddef.h>

#include <jansson.h>

/* One port's observation; strings and diagnostics belong to the body. */
struct port_obs {
	const char	*id;		/* a port (lower-case UUID) */
	const char	*status;	/* ACTIVE | DOWN */
	const char	*reason;	/* the first missing hop (<= 1024 bytes)
					 * or NULL */
	json_t		*diagnostics;	/* the whole check (an object) or NULL */
};

struct observation {
	long long	 generation;	/* of the document the agent applied */
	struct port_obs	*ports;		/* nports, each id once */
	size_t		 nports;	/* 0..NET_OBS_MAX */
};

/*
 * Fills *o from the body of POST /internal/v1/hosts/{host}/ports.
 * Returns 0 (free with net_obs_free; body must outlive *o), or -1 with
 * GR_ERR_BAD_REQUEST naming the field; *o then holds nothing.
 */
int net_obs_parse(json_t *body, struct observation *o);
/* Frees what *o holds and zeroes it. */
void net_obs_free(struct observation *o);

#endif
