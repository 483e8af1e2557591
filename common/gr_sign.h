/*
 * gr_sign.h - signatures on controller <-> agent requests.
 *
 * Every node has its own key, derived from the cluster secret and the
 * node's name (HKDF-SHA256, salt "gureum-node-key", info = the node name).
 * The controller and the image service hold the secret; a node given only
 * its key (node_key_file) cannot sign for another node. A request
 * is signed with HMAC-SHA256 under that key over
 * "METHOD\nPATH\nTIMESTAMP\nNODE\nSHA256(BODY)" and carries
 * X-Gureum-Node, X-Gureum-Timestamp and X-Gureum-Signature. The controller
 * signs its calls to a node's agents with that node's key. A signature
 * older or newer than GR_SIGN_SKEW seconds is refused, which bounds
 * replays.
 */
#ifndef GR_SIGN_H
#define GR_SIGN_H

#include <stddef.h>
#include <time.h>

#include "gr_crypto.h"

#define GR_SIGN_SKEW	300
#define GR_NODE_MAX	64	/* bytes of a node name */

/* Who signs: a node's name and its key (hex). */
struct gr_signer {
	char	node[GR_NODE_MAX + 1];
	char	key[GR_SHA256_HEX];
};

/*
 * Fills s with node's name and key derived from the cluster secret.
 * Returns 0, or -1 with GR_ERR_BAD_REQUEST when node is not a valid node
 * name (1..64 of [A-Za-z0-9._-]).
 */
int gr_sign_node(const char *cluster_secret, const char *node,
    struct gr_signer *s);
/*
 * Fills s with node's name and its key as given (64 hex digits, what
 * gr_sign_node derives). Returns 0, or -1 with GR_ERR_BAD_REQUEST.
 */
int gr_sign_node_key(const char *node, const char *key, struct gr_signer *s);
/* 0 if name is a valid node name, else -1 with a 400 naming `what`. */
int gr_sign_check_node(const char *what, const char *name);
/* Computes the signature of a request into sig. */
void gr_sign(const struct gr_signer *s, const char *method, const char *path,
    long long ts, const void *body, size_t len, char sig[GR_SHA256_HEX]);
/* Returns 0 if sig is valid for the request at time now, or -1 with
 * GR_ERR_UNAUTHORIZED saying what was wrong. */
int gr_sign_verify(const struct gr_signer *s, const char *method,
    const char *path, const char *ts, const char *sig, const void *body,
    size_t len, time_t now);

#endif
