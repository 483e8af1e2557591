/* gr_sign.c - see gr_sign.h. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_sign.h"

#define NODE_KEY_SALT	"gureum-node-key"

int
gr_sign_check_node(const char *what, const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n > GR_NODE_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "%s must be 1 to %d letters, digits, "
		    "'.', '_' or '-'.", what, GR_NODE_MAX);
		return -1;
	}
	return 0;
}

int
gr_sign_node(const char *cluster_secret, const char *node, struct gr_signer *s)
{
	if (gr_sign_check_node("node_name", node) < 0)
		return -1;
	snprintf(s->node, sizeof(s->node), "%s", node);
	return gr_hkdf_sha256_hex(cluster_secret, NODE_KEY_SALT, node, 32,
	    s->key);
}

int
gr_sign_node_key(const char *node, const char *key, struct gr_signer *s)
{
	if (gr_sign_check_node("node_name", node) < 0)
		return -1;
	if (strlen(key) != GR_SHA256_HEX - 1 ||
	    strspn(key, "0123456789abcdef") != GR_SHA256_HEX - 1) {
		gr_error(GR_ERR_BAD_REQUEST, "node_key must be the node's key: 64 "
		    "lower-case hex digits.");
		return -1;
	}
	snprintf(s->node, sizeof(s->node), "%s", node);
	snprintf(s->key, sizeof(s->key), "%s", key);
	return 0;
}

void
gr_sign(const struct gr_signer *s, const char *method, const char *path,
    long long ts, const void *body, size_t len, char sig[GR_SHA256_HEX])
{
	char bodyhash[GR_SHA256_HEX];
	struct gr_buf b = GR_BUF_INIT(0);

	gr_sha256_hex(body ? body : "", body ? len : 0, bodyhash);
	gr_buf_printf(&b, "%s\n%s\n%lld\n%s\n%s", method, path, ts, s->node,
	    bodyhash);
	gr_hmac_sha256_hex(s->key, b.data, b.len, sig);
	gr_buf_free(&b);
}

int
gr_sign_verify(const struct gr_signer *s, const char *method,
    const char *path, const char *ts, const char *sig, const void *body,
    size_t len, time_t now)
{
	char want[GR_SHA256_HEX], *end;
	long long t, away;

	if (ts == NULL || sig == NULL) {
		gr_error(GR_ERR_UNAUTHORIZED, "This agent call needs the "
		    "X-Gureum-Timestamp and X-Gureum-Signature headers.");
		return -1;
	}
	t = strtoll(ts, &end, 10);
	if (*end != '\0' || end == ts) {
		gr_error(GR_ERR_UNAUTHORIZED, "X-Gureum-Timestamp is not a "
		    "number.");
		return -1;
	}
	/* The header can say anything strtoll takes: no overflow here. */
	if (__builtin_sub_overflow(t, (long long)now, &away))
		away = t < 0 ? LLONG_MIN : LLONG_MAX;
	if (away < -GR_SIGN_SKEW || away > GR_SIGN_SKEW) {
		gr_error(GR_ERR_UNAUTHORIZED, "The request's timestamp is %lld s "
		    "away from the server's clock; at most %d s are allowed.",
		    away, GR_SIGN_SKEW);
		return -1;
	}
	gr_sign(s, method, path, t, body, len, want);
	if (!gr_str_equal_ct(want, sig)) {
		gr_error(GR_ERR_UNAUTHORIZED, "The request's signature does not "
		    "match node %s's key: check that the node and the "
		    "controller share the same cluster secret.", s->node);
		return -1;
	}
	return 0;
}
