/*
 * gr_http.h - the HTTP server every daemon uses, on libmicrohttpd.
 *
 * An API is a static route table {method, pattern, handler, policy}. The
 * server collects the request body up to a hard limit (413 past it), matches
 * the path, asks the daemon's authorize hook whether the route's policy
 * admits the caller, and calls the handler. A handler fills a gr_resp and
 * returns 0, or returns -1 after gr_error(); the server turns the recorded
 * error into the status and fault body of the server's fault style. All
 * memory of a request lives until its response is sent. A handler may
 * instead switch protocols (101: a websocket, a console relay): the
 * connection then goes to a function on a thread of its own.
 *
 * A server may also mount other APIs' configurations under path prefixes
 * (the web listener serves identity's table under /api/identity): a request
 * below a prefix is matched, authorized, answered and decorated as that
 * API's own listener would, with the prefix stripped from its path.
 */
#ifndef GR_HTTP_H
#define GR_HTTP_H

#include <stddef.h>

#include <jansson.h>

#include "gr_fault.h"

#define GR_MAX_PARAMS	4	/* {placeholders} in one route pattern */
#define GR_MAX_HEADERS	12	/* extra response headers */

enum gr_policy {
	GR_POLICY_PUBLIC,	/* anyone; no token needed */
	GR_POLICY_USER,		/* any valid token */
	GR_POLICY_ADMIN,	/* a token with the admin role */
	GR_POLICY_AGENT,	/* a node agent's signed request */
	GR_POLICY_USER_OR_AGENT, /* a token, or a node's signed request (the
				    image downloads a node's cache makes) */
};

struct gr_req;
struct gr_resp;
typedef int (*gr_handler)(struct gr_req *req, struct gr_resp *resp);

/*
 * What an upgraded connection (status 101: a websocket, a console relay)
 * runs once the answer is sent, on a thread of its own: fd is the
 * connection's socket, blocking, and extra the bytes the client sent past
 * its request, which come first. When it returns, the socket is closed.
 * A stopping server shuts the socket down (reads see its end) and waits
 * for the function to return.
 */
typedef void (*gr_upgrade_fn)(int fd, const char *extra, size_t extra_len,
    void *arg);

/*
 * A streamed upload (image bytes): the body is never held in memory.
 * begin() runs after authorization, before any byte; data() gets each
 * chunk; end() answers once the body is complete. abort() undoes begin()
 * when the client goes away or data() failed. Each of begin/data/end
 * returns 0 or -1 with the error recorded; after a failure the rest of the
 * body is read and discarded, and the error is the answer.
 */
struct gr_upload {
	int	(*begin)(struct gr_req *req, void **state);
	int	(*data)(void *state, const char *buf, size_t len);
	int	(*end)(struct gr_req *req, void *state, struct gr_resp *resp);
	void	(*abort)(void *state);
};

struct gr_route {
	const char		*method;	/* "GET", "POST", ... */
	const char		*pattern;	/* "/v3/projects/{id}"; {x} = a segment */
	gr_handler		 handler;	/* for requests with a small body */
	enum gr_policy		 policy;
	const struct gr_upload	*upload;	/* or a streamed body */
};

struct gr_match {
	const struct gr_route	*route;	/* NULL when nothing matched */
	int			 path_matched; /* a route matched the path only */
	int			 nparams;
	char			*params[GR_MAX_PARAMS]; /* owned by the match */
};

struct gr_http;

struct gr_req {
	struct gr_http		*server;
	void			*conn;		/* struct MHD_Connection * */
	const char		*method;
	char			*path;		/* normalised: no trailing '/' */
	const struct gr_route	*route;
	char			*params[GR_MAX_PARAMS];
	int			 nparams;
	const char		*body;		/* NUL-terminated; "" if none */
	size_t			 body_len;
	json_t			*json;		/* body parsed by gr_req_json */
	void			*auth;		/* the authorize hook's result */
	char			 request_id[48]; /* "req-<uuid>" */
};

struct gr_resp_header {
	char	*name;
	char	*value;
};

struct gr_resp {
	int			 status;	/* 200 unless set */
	json_t			*json;		/* body, if JSON (owned) */
	char			*body;		/* or raw body (owned) */
	size_t			 body_len;
	const char		*content_type;
	struct gr_resp_header	 headers[GR_MAX_HEADERS];
	int			 nheaders;
	int			 fd;		/* >= 0: send this file... */
	unsigned long long	 offset;	/* ...from here */
	unsigned long long	 length;	/* ...this many bytes */
	int			 stream;	/* or all that fd (a pipe or
						   socket) gives until its end */
	gr_upgrade_fn		 upgrade;	/* or switch protocols: 101 */
	void			*upgrade_arg;	/* upgrade's, freed by... */
	void			(*upgrade_free)(void *arg); /* ...this, after
						   it ran or if it never did */
};

struct gr_http_conf;

/* An API served below a path prefix of another server. */
struct gr_http_mount {
	const char			*prefix; /* "/api/identity", no trailing '/' */
	const struct gr_http_conf	*api;	/* routes, style and hooks used;
						   must outlive the server */
};

struct gr_http_conf {
	const char		*name;		/* for logs: "identity" */
	const char		*listen;	/* "ADDR:PORT" */
	const struct gr_route	*routes;
	size_t			 nroutes;
	size_t			 body_limit;	/* bytes; 413 past it */
	enum gr_fault_style	 fault_style;
	unsigned		 threads;	/* worker threads */
	size_t			 conn_memory;	/* bytes MHD may use per connection,
						   and so the most a streamed
						   upload gets per data() call;
						   0: MHD's default (32 KiB) */
	/*
	 * Decides whether the caller may use a route of `policy`; sets
	 * req->auth. Returns 0, or -1 with GR_ERR_UNAUTHORIZED/FORBIDDEN.
	 */
	int			(*authorize)(struct gr_req *req,
				    enum gr_policy policy);
	void			(*free_auth)(void *auth);
	/* Adds headers every response of this API carries (may be NULL);
	 * a server's own runs after a mounted API's. */
	void			(*decorate)(struct gr_req *req,
				    struct gr_resp *resp);
	/* What a path no route has goes to instead of a 404 (may be NULL):
	 * its method is not compared, its policy and handler (or upload)
	 * are used. */
	const struct gr_route	*fallback;
	const struct gr_http_mount *mounts;	/* may be NULL */
	size_t			 nmounts;
	/*
	 * Sees every request of this server, mounted or not, before its
	 * route is looked up, with its whole path (may be NULL). Returns 0,
	 * or -1 with the error to answer with.
	 */
	int			(*screen)(struct gr_req *req);
};

/* Starts serving in background threads; returns NULL with the error. */
struct gr_http *gr_http_start(const struct gr_http_conf *conf);
/* The TCP port actually bound (useful with port 0). */
unsigned gr_http_port(const struct gr_http *h);
void gr_http_stop(struct gr_http *h);
/* gr_http_start(), its stop deferred to d's teardown; NULL with the
 * error. */
struct gr_daemon;
struct gr_http *gr_http_daemon(struct gr_daemon *d,
    const struct gr_http_conf *conf);

/*
 * Matches method and path against a route table (pure function, also used
 * by the fuzzer). Fills m; the caller frees it with gr_match_free. Returns
 * 0 on a match, -1 with GR_ERR_NOT_FOUND or GR_ERR_METHOD otherwise.
 */
int gr_route_match(const struct gr_route *routes, size_t n, const char *method,
    const char *path, struct gr_match *m);
void gr_match_free(struct gr_match *m);

/*
 * The mount of mounts[0..n) whose prefix path is, or is a parent of: NULL
 * if none. *rest is then the path below the prefix ("/" for the prefix
 * itself), a pointer into path (pure function, unit-tested).
 */
const struct gr_http_mount *gr_mount_find(const struct gr_http_mount *mounts,
    size_t n, const char *path, const char **rest);

/* Request accessors. Strings belong to the request. */
const char *gr_req_header(struct gr_req *req, const char *name);
const char *gr_req_query(struct gr_req *req, const char *name);
/*
 * An integer query parameter in [min, INT32_MAX] (optional sign, digits),
 * written to out and pointed to by *val; *val is NULL if it is absent.
 * -1 with a 400 naming the parameter otherwise.
 */
int gr_req_query_int(struct gr_req *req, const char *name, long long min,
    char out[24], const char **val);
/* Every query parameter as a new object {key: [value, ...]} in the
 * order given (a key may repeat: "fields=a&fields=b"; a key without a
 * value has ""). */
json_t *gr_req_query_all(struct gr_req *req);
/* 1 if the query string has the key, with or without a value. */
int gr_req_has_query(struct gr_req *req, const char *name);
/*
 * The body as a JSON object, parsed once. Returns NULL with
 * GR_ERR_BAD_REQUEST saying where the JSON is broken, or that the body is
 * empty or not an object.
 */
json_t *gr_req_json(struct gr_req *req);

/* Response helpers. They take ownership of json. */
void gr_resp_json(struct gr_resp *resp, int status, json_t *json);
void gr_resp_empty(struct gr_resp *resp, int status);
void gr_resp_header(struct gr_resp *resp, const char *name, const char *value);
/* Sends length bytes of the open file fd from offset (fd is taken). */
void gr_resp_file(struct gr_resp *resp, int status, int fd,
    unsigned long long offset, unsigned long long length);
/*
 * Sends what can be read from fd, a pipe or socket, until its end, of a
 * length not known before (chunked); fd is taken. The worker thread waits
 * in read() while fd has nothing yet: for a local, fast writer.
 */
void gr_resp_stream(struct gr_resp *resp, int status, int fd);

/*
 * Answers 101 and hands the connection to fn(arg) (see gr_upgrade_fn);
 * the handler adds the Upgrade header and the protocol's own. free_arg
 * (may be NULL) frees arg after fn returned, or when the connection
 * failed before it could run.
 */
void gr_resp_upgrade(struct gr_resp *resp, gr_upgrade_fn fn, void *arg,
    void (*free_arg)(void *arg));

#endif
