/*
 * console_proxy.c - the consoles' websocket proxy (nova-serialproxy's
 * part): GET /?token=T on console_listen with RFC 6455's handshake. The
 * token is deleted in the transaction that accepts the websocket, once
 * the node's agent answered 101 on its console relay
 * (agent_rpc_upgrade), so a token opens one connection; then the bytes
 * go both ways on a thread of the connection's own (gr_http's upgrade),
 * never on the workers that serve other requests. The subprotocol is
 * websockify's: "binary" (bytes in binary frames) when the client
 * offers it, else "base64" (base64 text in text frames).
 *
 * As nova-serialproxy does, a browser's Origin must name this host (the
 * host of the request's Host header) or one of console_allowed_origins,
 * with the http or ws scheme, so another site's page cannot open a console
 * with a token it got hold of; a client that sends no Origin (not a
 * browser) is not asked for one.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "agent_rpc.h"
#include "console.h"
#include "ctl.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "gr_ws.h"

#define PAYLOAD_MAX	65536	/* a browser frame's payload, bounded */
#define CHUNK		8192	/* console bytes read at a time */
#define AGENT_MS	5000	/* the agent opens its console within this */

/* One websocket's relay: the browser's socket is gr_http's. */
struct proxy_conn {
	int	 agent;			/* the agent's upgraded connection */
	int	 base64;		/* subprotocol base64, else binary */
	char	*early;			/* console bytes that came with the
					   agent's 101 */
	size_t	 early_len;
	char	 id[37];		/* the instance, for the log */
};

static void
conn_free(void *arg)
{
	struct proxy_conn *c = arg;

	if (c->agent >= 0)
		close(c->agent);
	free(c->early);
	free(c);
}

/* Sends one frame to the browser; 0 or -1. */
static int
send_frame(int fd, int opcode, const void *data, size_t len)
{
	unsigned char h[GR_WS_HEADER_MAX];
	size_t hl = gr_ws_header(h, opcode, len);

	return gr_write_all(fd, h, hl, "a websocket frame") < 0 ||
	    gr_write_all(fd, data, len, "a websocket frame") < 0 ? -1 : 0;
}

/* Console bytes to the browser as the subprotocol wants them. */
static int
to_browser(const struct proxy_conn *c, int fd, const char *data, size_t len)
{
	unsigned char b64[4 * ((CHUNK + 2) / 3) + 1];
	int n;

	if (!c->base64)
		return send_frame(fd, GR_WS_BINARY, data, len);
	n = EVP_EncodeBlock(b64, (const unsigned char *)data, (int)len);
	return send_frame(fd, GR_WS_TEXT, b64, (size_t)n);
}

/* A close frame with code; the connection ends after it. */
static void
send_close(int fd, unsigned code)
{
	unsigned char p[2] = { code >> 8, code & 0xff };

	send_frame(fd, GR_WS_CLOSE, p, 2);
}

/* A data frame's payload to the agent (base64 decoded first). */
static int
to_agent(const struct proxy_conn *c, unsigned char *p, size_t len)
{
	int n;

	if (!c->base64)
		return gr_write_all(c->agent, p, len, "console input");
	if (len % 4 != 0 || (n = EVP_DecodeBlock(p, p, (int)len)) < 0)
		return -1;
	/* DecodeBlock counts the padding's bytes too. */
	if (len && p[len - 1] == '=')
		n--;
	if (len > 1 && p[len - 2] == '=')
		n--;
	return gr_write_all(c->agent, p, (size_t)n, "console input");
}

/*
 * Handles the whole frames at buf[0..*len) and keeps the rest; 1 while the
 * websocket stays open, 0 when it closed, -1 on a protocol error (*code
 * is the close code to send).
 */
static int
from_browser(const struct proxy_conn *c, int fd, unsigned char *buf,
    size_t *len, unsigned *code)
{
	struct gr_ws_frame f;
	size_t used = 0;
	int r, open = 1;

	while (open && (r = gr_ws_parse(buf + used, *len - used, PAYLOAD_MAX,
	    &f)) == 1 && *len - used >= f.header_len + f.len) {
		unsigned char *p = buf + used + f.header_len;

		gr_ws_unmask(p, f.len, 0, f.mask);
		switch (f.opcode) {
		case GR_WS_CONT: case GR_WS_TEXT: case GR_WS_BINARY:
			if (to_agent(c, p, f.len) < 0) {
				*code = 1007;	/* not base64 */
				return -1;
			}
			break;
		case GR_WS_PING:
			if (send_frame(fd, GR_WS_PONG, p, f.len) < 0)
				return 0;
			break;
		case GR_WS_CLOSE:
			send_frame(fd, GR_WS_CLOSE, p, f.len < 2 ? f.len : 2);
			open = 0;
			break;
		default:	/* a pong: nothing to do */
			break;
		}
		used += f.header_len + f.len;
	}
	if (open && r < 0) {
		*code = 1002;
		return -1;
	}
	memmove(buf, buf + used, *len - used);
	*len -= used;
	return open;
}

/* The relay: until either side ends, or the server stops. */
static void
relay(int fd, const char *extra, size_t extra_len, void *arg)
{
	struct proxy_conn *c = arg;
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
	    { .fd = c->agent, .events = POLLIN } };
	size_t cap = PAYLOAD_MAX + GR_WS_HEADER_MAX, len = 0;
	GR_AUTOFREE unsigned char *in = gr_xmalloc(cap);
	char out[CHUNK];
	unsigned code = 1000;
	ssize_t n;
	int open = 1;

	gr_info("console of instance %s: websocket open (%s)", c->id,
	    c->base64 ? "base64" : "binary");
	if (c->early_len && to_browser(c, fd, c->early, c->early_len) < 0)
		open = 0;
	if (extra_len > cap) {
		code = 1009;
		open = -1;
	} else {
		if (extra_len)
			memcpy(in, extra, extra_len);
		len = extra_len;
		open = open ? from_browser(c, fd, in, &len, &code) : 0;
	}
	while (open > 0) {
		if (poll(pfd, 2, -1) < 0)
			break;
		if (pfd[1].revents) {
			if ((n = read(c->agent, out, sizeof(out))) <= 0) {
				open = -1;	/* the guest's console ended */
				break;
			}
			if (to_browser(c, fd, out, (size_t)n) < 0)
				break;
		}
		if (pfd[0].revents) {
			if ((n = read(fd, in + len, cap - len)) <= 0)
				break;
			len += (size_t)n;
			open = from_browser(c, fd, in, &len, &code);
		}
	}
	if (open < 0)
		send_close(fd, code);
	gr_info("console of instance %s: websocket closed", c->id);
}

/* The subprotocol chosen from the client's list: "binary", else
 * "base64", else none (NULL). */
static const char *
subprotocol(const char *offered)
{
	int b64 = 0;
	char *list, *tok, *save;

	if (offered == NULL)
		return NULL;
	list = gr_xstrdup(offered);
	for (tok = strtok_r(list, ", \t", &save); tok; tok = strtok_r(NULL,
	    ", \t", &save)) {
		if (strcmp(tok, "binary") == 0) {
			free(list);
			return "binary";
		}
		b64 |= strcmp(tok, "base64") == 0;
	}
	free(list);
	return b64 ? "base64" : NULL;
}

/* The handshake's headers: the accept value into acc, or -1 with a 400. */
static int
handshake(struct gr_req *req, char acc[GR_WS_ACCEPT_LEN + 1])
{
	const char *up = gr_req_header(req, "Upgrade");
	const char *ver = gr_req_header(req, "Sec-WebSocket-Version");

	if (up == NULL || strcasecmp(up, "websocket") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "This is the console proxy: it "
		    "takes websocket connections only.");
		return -1;
	}
	if (ver == NULL || strcmp(ver, "13") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The console proxy speaks websocket "
		    "version 13 only.");
		return -1;
	}
	if (gr_ws_accept(gr_req_header(req, "Sec-WebSocket-Key"), acc) < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Sec-WebSocket-Key is not the "
		    "base64 of 16 bytes.");
		return -1;
	}
	return 0;
}

/*
 * The host of "scheme://host[:port][/...]" (origin, scheme into sch) or
 * of "host[:port]" (sch NULL), an IPv6 literal without its brackets, into
 * out (at most n bytes). 0, or -1 when there is no host.
 */
static int
host_of(const char *v, char *sch, size_t schn, char *out, size_t n)
{
	const char *h = v, *end;

	if (sch) {
		const char *sep = strstr(v, "://");

		if (sep == NULL || sep == v || (size_t)(sep - v) >= schn)
			return -1;
		memcpy(sch, v, (size_t)(sep - v));
		sch[sep - v] = '\0';
		h = sep + 3;
	}
	if (*h == '[') {
		h++;
		end = strchr(h, ']');
		if (end == NULL)
			return -1;
	} else
		end = h + strcspn(h, ":/?#");
	if (end == h || (size_t)(end - h) >= n)
		return -1;
	memcpy(out, h, (size_t)(end - h));
	out[end - h] = '\0';
	return 0;
}

/* Whether host is one of console_allowed_origins' hosts. */
static int
origin_allowed(const char *host)
{
	GR_AUTOFREE char *list = gr_xstrdup(ctl.console_origins);
	char *save = NULL;

	for (char *t = strtok_r(list, ", ", &save); t;
	    t = strtok_r(NULL, ", ", &save))
		if (strcasecmp(t, host) == 0)
			return 1;
	return 0;
}

/* Nova's origin check, with its sentences: see the top of the file. */
static int
origin_check(struct gr_req *req)
{
	const char *origin = gr_req_header(req, "Origin");
	const char *hosth = gr_req_header(req, "Host");
	char sch[16], oh[256], hh[256];

	if (origin == NULL)
		return 0;
	if (host_of(origin, sch, sizeof(sch), oh, sizeof(oh)) < 0) {
		gr_error(GR_ERR_FORBIDDEN, "Origin header not valid.");
		return -1;
	}
	if ((hosth == NULL || host_of(hosth, NULL, 0, hh, sizeof(hh)) < 0 ||
	    strcasecmp(oh, hh) != 0) && !origin_allowed(oh)) {
		gr_error(GR_ERR_FORBIDDEN, "Origin header does not match this "
		    "host: %.100s is not this console proxy's host; add it to "
		    "console_allowed_origins to let its pages open consoles.",
		    oh);
		return -1;
	}
	if (strcasecmp(sch, "http") != 0 && strcasecmp(sch, "ws") != 0) {
		gr_error(GR_ERR_FORBIDDEN, "Origin header protocol does not "
		    "match this host: consoles here are ws://, for pages "
		    "served over http.");
		return -1;
	}
	return 0;
}

/*
 * In the open transaction: takes the token (deleted, so used once) and
 * opens its instance's console on the agent into c. 0, or -1 with the
 * error (the caller rolls back, and the token stays unless it expired).
 */
static int
take_token(const char *token, struct proxy_conn *c, int *expired)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *path = NULL;
	char hash[GR_SHA256_HEX];
	const char *p[1] = { hash };
	int status;

	*expired = 0;
	gr_sha256_hex(token, strlen(token), hash);
	r = gr_db_query("DELETE FROM console_tokens WHERE token_hash = $1 "
	    "RETURNING instance_id, host, expires_at > now()", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, 2), "t") != 0) {
		*expired = PQntuples(r) > 0;
		/* Nova's sentence, without the token (as Nova hides it). */
		gr_error(GR_ERR_UNAUTHORIZED, "The token '***' is invalid or has "
		    "expired");
		return -1;
	}
	snprintf(c->id, sizeof(c->id), "%s", PQgetvalue(r, 0, 0));
	path = gr_xasprintf("/v1/instances/%s/serial", c->id);
	if (agent_rpc_upgrade(PQgetvalue(r, 0, 1), path, AGENT_MS, &status,
	    &c->agent, &c->early, &c->early_len) < 0)
		return -1;
	if (status == 101)
		return 0;
	if (status == 404 || status == 409)
		gr_error(status == 404 ? GR_ERR_NOT_FOUND : GR_ERR_CONFLICT,
		    "Instance %s has no running console on its node.", c->id);
	else
		gr_error(GR_ERR_UNAVAILABLE, "The compute agent could not open "
		    "the console of instance %s (it answered %d).", c->id,
		    status);
	return -1;
}

static int
proxy_open(struct gr_req *req, struct gr_resp *resp)
{
	const char *token = gr_req_query(req, "token"), *proto;
	char acc[GR_WS_ACCEPT_LEN + 1];
	struct proxy_conn *c;
	int expired;

	if (handshake(req, acc) < 0 || origin_check(req) < 0)
		return -1;
	if (token == NULL || token[0] == '\0' || strlen(token) > 128) {
		gr_error(GR_ERR_UNAUTHORIZED, "The token '***' is invalid or has "
		    "expired");
		return -1;
	}
	proto = subprotocol(gr_req_header(req, "Sec-WebSocket-Protocol"));
	c = gr_xcalloc(1, sizeof(*c));
	c->agent = -1;
	c->base64 = proto && strcmp(proto, "base64") == 0;
	if (gr_db_begin() < 0)
		goto fail;
	if (take_token(token, c, &expired) < 0) {
		/* An expired token's row goes anyway. */
		if (expired) {
			gr_db_commit();
			gr_error(GR_ERR_UNAUTHORIZED, "The token '***' is "
			    "invalid or has expired");
		} else
			gr_db_rollback();
		goto fail;
	}
	if (gr_db_commit() < 0)
		goto fail;
	gr_resp_header(resp, "Upgrade", "websocket");
	gr_resp_header(resp, "Connection", "Upgrade");
	gr_resp_header(resp, "Sec-WebSocket-Accept", acc);
	if (proto)
		gr_resp_header(resp, "Sec-WebSocket-Protocol", proto);
	gr_resp_upgrade(resp, relay, c, conn_free);
	return 0;
fail:
	conn_free(c);
	return -1;
}

static const struct gr_route proxy_routes[] = {
	{ "GET", "/", proxy_open, GR_POLICY_PUBLIC },
};

int
console_proxy_start(struct gr_daemon *d, unsigned threads)
{
	struct gr_http_conf conf = { .name = "console",
	    .listen = ctl.console_listen, .routes = proxy_routes,
	    .nroutes = sizeof(proxy_routes) / sizeof(proxy_routes[0]),
	    .body_limit = 4096, .fault_style = GR_FAULT_COMPUTE,
	    .threads = threads };

	return gr_http_daemon(d, &conf) ? 0 : -1;
}
