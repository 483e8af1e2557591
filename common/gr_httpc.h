/*
 * gr_httpc.h - HTTP client on libcurl, for agents calling the controller
 * (signed with the node's key) and the controller calling agents.
 * Response bodies are bounded. Errors: GR_ERR_UNAVAILABLE when the peer
 * cannot be reached, with curl's reason.
 */
#ifndef GR_HTTPC_H
#define GR_HTTPC_H

#include <stddef.h>

#include <jansson.h>

#include "gr_sign.h"

struct gr_httpc_resp {
	long	 status;	/* HTTP status, 0 if none was received */
	char	*body;		/* NUL-terminated; caller frees */
	size_t	 len;
};

/*
 * Sends method url with an optional JSON body, signed as signer's node when
 * signer is not NULL (path = the URL's path). Returns 0 when any HTTP answer came
 * back (check resp->status), -1 with the error otherwise.
 */
int gr_httpc_json(const char *method, const char *url, const json_t *body,
    const struct gr_signer *signer, long timeout_ms,
    struct gr_httpc_resp *resp);
void gr_httpc_resp_free(struct gr_httpc_resp *resp);
/* Starts libcurl for the process, before any thread (a daemon that calls
 * others does it once at start), and defers its end to d's teardown. */
struct gr_daemon;
void gr_httpc_daemon(struct gr_daemon *d);
/* GETs a JSON document on behalf of a user, sending their X-Auth-Token. */
int gr_httpc_get_token(const char *url, const char *token, long timeout_ms,
    struct gr_httpc_resp *resp);
/* Sends method url with an optional JSON body on behalf of a user. */
int gr_httpc_token(const char *method, const char *url, const json_t *body,
    const char *token, long timeout_ms, struct gr_httpc_resp *resp);

/*
 * PUTs the file at path to url as application/octet-stream on behalf of a
 * user, streaming it from disk; with its MD5 (hex) in Content-MD5 when
 * md5 is not NULL. Returns as gr_httpc_json; stalls fail after 30 s.
 */
int gr_httpc_put_file(const char *url, const char *token, const char *path,
    const char *md5, long timeout_s, struct gr_httpc_resp *resp);

/*
 * GETs url (signed as signer's node when not NULL), handing each chunk of a 200
 * response to sink(ctx, data, len), which returns 0 or -1 to stop. Returns
 * 0 when the whole body arrived, -1 with the error otherwise (including any
 * status but 200). The body is never held in memory.
 */
int gr_httpc_fetch(const char *url, const struct gr_signer *signer,
    long timeout_s, int (*sink)(void *ctx, const char *data, size_t len),
    void *ctx);

#endif
