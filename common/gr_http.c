/* gr_http.c - see gr_http.h. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_daemon.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"

struct upgraded;

struct gr_http {
	struct gr_http_conf	 conf;
	struct MHD_Daemon	*daemon;
	unsigned		 port;
	pthread_mutex_t		 up_lock;	/* guards ups and stopping */
	pthread_cond_t		 up_done;	/* an upgraded connection ended */
	struct upgraded		*ups;		/* those whose fn runs */
	int			 stopping;
};

/* A connection switched to another protocol, from the 101 to its close. */
struct upgraded {
	struct gr_http	*h;
	gr_upgrade_fn	 fn;
	void		*arg;
	void		(*free_arg)(void *arg);
	char		*extra;		/* bytes read past the request */
	size_t		 extra_len;
	int		 fd;
	struct MHD_UpgradeResponseHandle *urh;
	struct upgraded	*next;
};

/* What we keep for a request while its body arrives. */
struct pending {
	struct gr_req	req;
	const struct gr_http_conf *api;	/* the server's own, or a mount's */
	struct gr_buf	body;		/* non-streamed bodies, bounded */
	int		too_large;
	int		authorized;	/* done before the body (uploads) */
	int		streaming;	/* upload begun, not yet ended/aborted */
	void		*state;		/* the upload's own state */
	int		failed;		/* data() failed: discard the rest */
	enum gr_err_code fail_code;	/* ...and the error to answer with */
	char		fail_msg[512];
	int		answered;	/* a response is queued already */
	double		started;
	struct upgraded	*upgrade;	/* a 101 queued, its fn not yet run */
};

/* ---- route matching ---- */

void
gr_match_free(struct gr_match *m)
{
	for (int i = 0; i < m->nparams; i++)
		free(m->params[i]);
	memset(m, 0, sizeof(*m));
}

/* Matches path against pattern; on success stores {x} segments in m. */
static int
match_pattern(const char *pattern, const char *path, struct gr_match *m)
{
	const char *p = pattern, *s = path;

	m->nparams = 0;
	while (*p && *s) {
		if (*p != '/' || *s != '/')
			return 0;
		p++;
		s++;
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pl = pe ? (size_t)(pe - p) : strlen(p);
		size_t sl = se ? (size_t)(se - s) : strlen(s);

		if (pl >= 2 && p[0] == '{' && p[pl - 1] == '}') {
			if (sl == 0 || m->nparams == GR_MAX_PARAMS)
				return 0;
			char *v = gr_xmalloc(sl + 1);
			memcpy(v, s, sl);
			v[sl] = '\0';
			m->params[m->nparams++] = v;
		} else if (pl != sl || memcmp(p, s, pl) != 0) {
			return 0;
		}
		p += pl;
		s += sl;
	}
	return *p == '\0' && *s == '\0';
}

int
gr_route_match(const struct gr_route *routes, size_t n, const char *method,
    const char *path, struct gr_match *m)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		struct gr_match t = { 0 };

		if (!match_pattern(routes[i].pattern, path, &t)) {
			gr_match_free(&t);
			continue;
		}
		if (strcmp(routes[i].method, method) != 0) {
			m->path_matched = 1;
			gr_match_free(&t);
			continue;
		}
		*m = t;
		m->route = &routes[i];
		m->path_matched = 1;
		return 0;
	}
	if (m->path_matched)
		gr_error(GR_ERR_METHOD, "The method %s is not allowed on %s.",
		    method, path);
	else
		gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
	return -1;
}

const struct gr_http_mount *
gr_mount_find(const struct gr_http_mount *mounts, size_t n, const char *path,
    const char **rest)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(mounts[i].prefix);

		if (strncmp(path, mounts[i].prefix, len) != 0 ||
		    (path[len] != '\0' && path[len] != '/'))
			continue;
		*rest = path[len] ? path + len : "/";
		return &mounts[i];
	}
	return NULL;
}

/* ---- request accessors ---- */

const char *
gr_req_header(struct gr_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
gr_req_query(struct gr_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

int
gr_req_query_int(struct gr_req *req, const char *name, long long min,
    char out[24], const char **val)
{
	const char *v = gr_req_query(req, name);
	char *end;
	long long n;

	*val = NULL;
	if (v == NULL)
		return 0;
	n = strtoll(v, &end, 10);
	if (v[0] == '\0' || *end != '\0' || n < min || n > INT32_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid %s [%.64s]: it must be %s.",
		    name, v, min < 0 ? "an integer" : "an integer of 0 or more");
		return -1;
	}
	snprintf(out, 24, "%lld", n);
	*val = out;
	return 0;
}

struct query_probe {
	const char	*name;
	int		 found;
};

static enum MHD_Result
probe_key(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct query_probe *q = cls;

	(void)kind;
	(void)value;
	if (strcmp(key, q->name) == 0) {
		q->found = 1;
		return MHD_NO;
	}
	return MHD_YES;
}

static enum MHD_Result
collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	json_t *all = cls, *list = json_object_get(all, key);

	(void)kind;
	if (list == NULL) {
		list = json_array();
		json_object_set_new(all, key, list);
	}
	json_array_append_new(list, json_string(value ? value : ""));
	return MHD_YES;
}

json_t *
gr_req_query_all(struct gr_req *req)
{
	json_t *all = json_object();

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND,
	    collect_query, all);
	return all;
}

int
gr_req_has_query(struct gr_req *req, const char *name)
{
	struct query_probe q = { name, 0 };

	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, probe_key,
	    &q);
	return q.found;
}

json_t *
gr_req_json(struct gr_req *req)
{
	json_error_t jerr;

	if (req->json)
		return req->json;
	if (req->body_len == 0) {
		gr_error(GR_ERR_BAD_REQUEST,
		    "The request needs a JSON body, but it is empty.");
		return NULL;
	}
	if (!gr_utf8_valid(req->body, req->body_len)) {
		gr_error(GR_ERR_BAD_REQUEST, "The request body is not valid "
		    "UTF-8.");
		return NULL;
	}
	req->json = json_loadb(req->body, req->body_len,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (req->json == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The request body is not valid "
		    "JSON: %s at line %d, column %d.", jerr.text, jerr.line,
		    jerr.column);
		return NULL;
	}
	if (!json_is_object(req->json)) {
		gr_error(GR_ERR_BAD_REQUEST, "The request body must be a JSON "
		    "object.");
		return NULL;
	}
	return req->json;
}

/* ---- responses ---- */

void
gr_resp_json(struct gr_resp *resp, int status, json_t *json)
{
	resp->status = status;
	json_decref(resp->json);
	resp->json = json;
}

void
gr_resp_empty(struct gr_resp *resp, int status)
{
	resp->status = status;
	json_decref(resp->json);
	resp->json = NULL;
}

void
gr_resp_header(struct gr_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == GR_MAX_HEADERS) {
		gr_warn("too many response headers; dropping %s", name);
		return;
	}
	resp->headers[resp->nheaders].name = gr_xstrdup(name);
	resp->headers[resp->nheaders].value = gr_xstrdup(value);
	resp->nheaders++;
}

void
gr_resp_file(struct gr_resp *resp, int status, int fd,
    unsigned long long offset, unsigned long long length)
{
	resp->status = status;
	if (resp->fd >= 0)
		close(resp->fd);
	resp->fd = fd;
	resp->stream = 0;
	resp->offset = offset;
	resp->length = length;
}

void
gr_resp_stream(struct gr_resp *resp, int status, int fd)
{
	gr_resp_file(resp, status, fd, 0, 0);
	resp->stream = 1;
}

void
gr_resp_upgrade(struct gr_resp *resp, gr_upgrade_fn fn, void *arg,
    void (*free_arg)(void *arg))
{
	resp->status = 101;
	resp->upgrade = fn;
	resp->upgrade_arg = arg;
	resp->upgrade_free = free_arg;
}

/* An upgrade that will not happen: its argument is freed. */
static void
resp_drop_upgrade(struct gr_resp *resp)
{
	if (resp->upgrade && resp->upgrade_free)
		resp->upgrade_free(resp->upgrade_arg);
	resp->upgrade = NULL;
	resp->upgrade_arg = NULL;
}

static void
upgraded_free(struct upgraded *u)
{
	if (u == NULL)
		return;
	if (u->free_arg)
		u->free_arg(u->arg);
	free(u->extra);
	free(u);
}

static void
resp_clear(struct gr_resp *resp)
{
	resp_drop_upgrade(resp);
	if (resp->fd >= 0)
		close(resp->fd);
	json_decref(resp->json);
	free(resp->body);
	for (int i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
}

/* Replaces whatever the handler left with the fault for the recorded error. */
static void
resp_fault(struct gr_http *h, const struct gr_http_conf *api,
    struct gr_resp *resp)
{
	int status = gr_err_http_status(gr_err_code());
	const char *msg = gr_err_msg();

	if (gr_err_code() == GR_ERR_NONE) {
		status = 500;
		msg = "The server failed without saying why.";
	}
	if (status >= 500) {
		gr_err_log("%s: %s (%s)", h->conf.name, msg, gr_err_where());
		if (gr_err_code() == GR_ERR_INTERNAL ||
		    gr_err_code() == GR_ERR_SYSTEM)
			msg = "An unexpected error happened on the server; "
			    "its log says more.";
	}
	free(resp->body);
	resp->body = NULL;
	if (resp->fd >= 0)
		close(resp->fd);
	resp->fd = -1;
	resp_drop_upgrade(resp);
	gr_resp_json(resp, status, gr_fault_json(api->fault_style, status,
	    msg));
}

/* Runs an upgraded connection's fn, then closes it. */
static void *
upgraded_main(void *p)
{
	struct upgraded *u = p, **pp;
	struct gr_http *h = u->h;

	u->fn(u->fd, u->extra, u->extra_len, u->arg);
	pthread_mutex_lock(&h->up_lock);
	for (pp = &h->ups; *pp; pp = &(*pp)->next)
		if (*pp == u) {
			*pp = u->next;
			break;
		}
	MHD_upgrade_action(u->urh, MHD_UPGRADE_ACTION_CLOSE);
	pthread_cond_broadcast(&h->up_done);
	pthread_mutex_unlock(&h->up_lock);
	upgraded_free(u);
	return NULL;
}

/* libmicrohttpd sent the 101: the connection goes to a thread of its own
 * (this one is a worker's event loop, which must not block). */
static void
on_upgrade(void *cls, struct MHD_Connection *conn, void *con_cls,
    const char *extra, size_t extra_len, MHD_socket sock,
    struct MHD_UpgradeResponseHandle *urh)
{
	struct gr_http *h = cls;
	struct pending *pend = con_cls;
	struct upgraded *u = pend ? pend->upgrade : NULL;
	pthread_attr_t attr;
	pthread_t th;
	int flags, err = -1;

	(void)conn;
	if (u == NULL) {
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		return;
	}
	pend->upgrade = NULL;
	u->fd = sock;
	u->urh = urh;
	if (extra_len) {
		u->extra = gr_xmalloc(extra_len);
		memcpy(u->extra, extra, extra_len);
		u->extra_len = extra_len;
	}
	if ((flags = fcntl(sock, F_GETFL)) >= 0)
		fcntl(sock, F_SETFL, flags & ~O_NONBLOCK);
	pthread_mutex_lock(&h->up_lock);
	if (!h->stopping) {
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		err = pthread_create(&th, &attr, upgraded_main, u);
		pthread_attr_destroy(&attr);
		if (err == 0) {
			u->next = h->ups;
			h->ups = u;
		} else {
			gr_warn("%s: no thread for an upgraded connection: %s",
			    h->conf.name, strerror(err));
		}
	}
	pthread_mutex_unlock(&h->up_lock);
	if (err != 0) {
		MHD_upgrade_action(urh, MHD_UPGRADE_ACTION_CLOSE);
		upgraded_free(u);
	}
}

static enum MHD_Result
send_resp(struct gr_http *h, struct pending *pend, struct gr_resp *resp)
{
	struct gr_req *req = &pend->req;
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

	if (resp->upgrade) {
		struct upgraded *u = gr_xcalloc(1, sizeof(*u));

		u->h = h;
		u->fn = resp->upgrade;
		u->arg = resp->upgrade_arg;
		u->free_arg = resp->upgrade_free;
		u->fd = -1;
		resp->upgrade = NULL;
		resp->upgrade_arg = NULL;
		if ((r = MHD_create_response_for_upgrade(on_upgrade, h)) ==
		    NULL) {
			upgraded_free(u);
			return MHD_NO;
		}
		upgraded_free(pend->upgrade);
		pend->upgrade = u;
		goto headers;
	}
	if (resp->fd >= 0) {
		r = resp->stream ? MHD_create_response_from_pipe(resp->fd) :
		    MHD_create_response_from_fd_at_offset64(resp->length,
		    resp->fd, resp->offset);
		resp->fd = -1;	/* MHD closes it */
		if (r == NULL)
			return MHD_NO;
		goto headers;
	}
	if (resp->json) {
		text = json_dumps(resp->json, JSON_COMPACT);
		len = text ? strlen(text) : 0;
		resp->content_type = "application/json";
	} else if (resp->body) {
		text = resp->body;
		len = resp->body_len;
		resp->body = NULL;
	}
	r = MHD_create_response_from_buffer(len, text ? text : "",
	    text ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(text);
		return MHD_NO;
	}
headers:
	if (resp->content_type)
		MHD_add_response_header(r, "Content-Type", resp->content_type);
	MHD_add_response_header(r, "x-openstack-request-id", req->request_id);
	for (int i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name,
		    resp->headers[i].value);
	ret = MHD_queue_response(req->conn, resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static char *
normalise_path(const char *url)
{
	char *p = gr_xstrdup(url);
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

/*
 * Sets up the request on the first call, before any body: path checks,
 * route match, and for streamed uploads also authorization and begin().
 * Returns 0, or -1 with the error to answer with at once.
 */
static int
req_begin(struct gr_http *h, struct MHD_Connection *conn, const char *url,
    const char *method, struct pending *pend)
{
	struct gr_req *req = &pend->req;
	const struct gr_http_mount *mount;
	const char *rest;
	struct gr_match m;
	char uuid[37];

	pend->api = &h->conf;
	req->server = h;
	req->conn = conn;
	req->method = method;
	req->path = normalise_path(url);
	req->body = "";
	if (gr_uuid(uuid) < 0)
		strcpy(uuid, "00000000-0000-0000-0000-000000000000");
	snprintf(req->request_id, sizeof(req->request_id), "req-%s", uuid);
	/* The method is quoted in messages: it must be an HTTP token. */
	if (method[0] == '\0' || strspn(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~") !=
	    strlen(method)) {
		gr_error(GR_ERR_BAD_REQUEST, "The request method is not an HTTP "
		    "method.");
		return -1;
	}
	if (!gr_utf8_valid(req->path, strlen(req->path))) {
		gr_error(GR_ERR_BAD_REQUEST, "The request path is not valid "
		    "UTF-8.");
		return -1;
	}
	mount = gr_mount_find(h->conf.mounts, h->conf.nmounts, req->path,
	    &rest);
	pend->api = mount ? mount->api : &h->conf;
	if (h->conf.screen && h->conf.screen(req) < 0)
		return -1;
	if (mount)
		memmove(req->path, rest, strlen(rest) + 1);
	if (gr_route_match(pend->api->routes, pend->api->nroutes, method,
	    req->path, &m) < 0) {
		if (pend->api->fallback == NULL ||
		    gr_err_code() != GR_ERR_NOT_FOUND)
			return -1;
		gr_err_clear();
		m.route = pend->api->fallback;
	}
	req->route = m.route;
	req->nparams = m.nparams;
	memcpy(req->params, m.params, sizeof(req->params));
	if (m.route->upload == NULL)
		return 0;
	if (pend->api->authorize &&
	    pend->api->authorize(req, m.route->policy) < 0)
		return -1;
	pend->authorized = 1;
	if (m.route->upload->begin(req, &pend->state) < 0)
		return -1;
	pend->streaming = 1;
	return 0;
}

/* Answers the request: runs the handler unless an error is already
 * recorded (failed), then sends the response or the fault. */
static enum MHD_Result
answer(struct gr_http *h, struct pending *pend, int failed)
{
	struct gr_req *req = &pend->req;
	const struct gr_http_conf *api = pend->api;
	struct gr_resp resp = { .status = 200, .fd = -1 };
	enum MHD_Result ret;

	if (pend->answered)
		return MHD_YES;
	pend->answered = 1;
	req->body = pend->body.data ? pend->body.data : "";
	req->body_len = pend->body.len;
	if (!failed && pend->too_large) {
		gr_error(GR_ERR_TOO_LARGE, "The request body is larger than "
		    "the limit of %zu bytes.", h->conf.body_limit);
		failed = 1;
	}
	if (!failed && pend->streaming) {
		pend->streaming = 0;
		failed = req->route->upload->end(req, pend->state, &resp) < 0;
		pend->state = NULL;
	} else if (!failed) {
		failed = (!pend->authorized && api->authorize &&
		    api->authorize(req, req->route->policy) < 0) ||
		    req->route->handler(req, &resp) < 0;
	}
	if (failed)
		resp_fault(h, api, &resp);
	if (api->decorate)
		api->decorate(req, &resp);
	if (api != &h->conf && h->conf.decorate)
		h->conf.decorate(req, &resp);
	ret = send_resp(h, pend, &resp);
	gr_log(resp.status >= 500 ? GR_LOG_ERROR : GR_LOG_DEBUG,
	    "%s %s %s -> %d (%.1f ms)", h->conf.name, req->method, req->path,
	    resp.status, (gr_now() - pend->started) * 1e3);
	resp_clear(&resp);
	return ret;
}

/* A streamed upload stopped before end(): let its owner undo its work. */
static void
upload_abort(struct pending *pend)
{
	if (pend->streaming) {
		pend->streaming = 0;
		pend->req.route->upload->abort(pend->state);
		pend->state = NULL;
	}
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct gr_http *h = cls;
	struct pending *pend = *con_cls;

	(void)version;
	if (pend == NULL) {
		const char *cl = MHD_lookup_connection_value(conn,
		    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

		pend = gr_xcalloc(1, sizeof(*pend));
		gr_buf_init(&pend->body, h->conf.body_limit);
		pend->started = gr_now();
		*con_cls = pend;
		gr_err_clear();
		if (req_begin(h, conn, url, method, pend) < 0)
			return answer(h, pend, 1);
		/* Refuse a declared oversize body before reading any of it. */
		if (!pend->streaming && cl && strtoull(cl, NULL, 10) >
		    h->conf.body_limit) {
			pend->too_large = 1;
			return answer(h, pend, 0);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		size_t n = *upload_size;

		*upload_size = 0;
		if (pend->answered || pend->failed)
			return MHD_YES;	/* discard the rest of the body */
		if (pend->streaming) {
			if (pend->req.route->upload->data(pend->state,
			    upload_data, n) < 0) {
				/* Keep the error; answer when the body ends. */
				pend->failed = 1;
				pend->fail_code = gr_err_code();
				snprintf(pend->fail_msg, sizeof(pend->fail_msg),
				    "%s", gr_err_msg());
				upload_abort(pend);
			}
		} else if (!pend->too_large && gr_buf_add(&pend->body,
		    upload_data, n) < 0) {
			pend->too_large = 1;
			gr_buf_free(&pend->body);
		}
		return MHD_YES;
	}
	if (pend->failed) {
		/* The error recorded by data() may be gone: other requests ran
		 * on this thread since. Re-record what was saved. */
		gr_error(pend->fail_code, "%s", pend->fail_msg);
		return answer(h, pend, 1);
	}
	gr_err_clear();
	return answer(h, pend, 0);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct pending *pend = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (pend == NULL)
		return;
	upload_abort(pend);
	upgraded_free(pend->upgrade);
	for (int i = 0; i < pend->req.nparams; i++)
		free(pend->req.params[i]);
	json_decref(pend->req.json);
	if (pend->api && pend->api->free_auth && pend->req.auth)
		pend->api->free_auth(pend->req.auth);
	free(pend->req.path);
	gr_buf_free(&pend->body);
	free(pend);
	*con_cls = NULL;
}

static int
parse_listen(const char *listen, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(listen, ':');
	char *end;
	unsigned long port;

	memset(sa, 0, sizeof(*sa));
	if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
		goto bad;
	memcpy(host, listen, colon - listen);
	host[colon - listen] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || end == colon + 1 || port > 65535)
		goto bad;
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	if (host[0] == '\0' || strcmp(host, "*") == 0)
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		goto bad;
	return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "The listen address '%s' is not of the "
	    "form IPV4:PORT.", listen);
	return -1;
}

struct gr_http *
gr_http_start(const struct gr_http_conf *conf)
{
	struct gr_http *h;
	struct sockaddr_in sa, bound;
	socklen_t blen = sizeof(bound);
	const union MHD_DaemonInfo *info;

	if (parse_listen(conf->listen, &sa) < 0)
		return NULL;
	h = gr_xcalloc(1, sizeof(*h));
	h->conf = *conf;
	pthread_mutex_init(&h->up_lock, NULL);
	pthread_cond_init(&h->up_done, NULL);
	h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG | MHD_ALLOW_UPGRADE, 0, NULL, NULL,
	    on_request, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, conf->threads ? conf->threads : 4,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, conf->conn_memory ?
	    conf->conn_memory : (size_t)32 << 10,
	    MHD_OPTION_END);
	if (h->daemon == NULL) {
		gr_error(GR_ERR_SYSTEM, "Cannot listen on %s for the %s API (is "
		    "the port taken?).", conf->listen, conf->name);
		pthread_mutex_destroy(&h->up_lock);
		pthread_cond_destroy(&h->up_done);
		free(h);
		return NULL;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	if (info && getsockname(info->listen_fd, (struct sockaddr *)&bound,
	    &blen) == 0)
		h->port = ntohs(bound.sin_port);
	gr_info("%s API listening on %s", conf->name, conf->listen);
	return h;
}

unsigned
gr_http_port(const struct gr_http *h)
{
	return h->port;
}

void
gr_http_stop(struct gr_http *h)
{
	struct timespec until;

	if (h == NULL)
		return;
	/* Upgraded connections end first: their sockets are shut down,
	 * which their functions read as the peer's close. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&h->up_lock);
	h->stopping = 1;
	for (struct upgraded *u = h->ups; u; u = u->next)
		shutdown(u->fd, SHUT_RDWR);
	while (h->ups && pthread_cond_timedwait(&h->up_done, &h->up_lock,
	    &until) != ETIMEDOUT)
		;
	if (h->ups) {
		/* Their threads still use the daemon: leave it to the exit. */
		gr_warn("%s: upgraded connections did not end in 10 s",
		    h->conf.name);
		pthread_mutex_unlock(&h->up_lock);
		return;
	}
	pthread_mutex_unlock(&h->up_lock);
	MHD_stop_daemon(h->daemon);
	pthread_mutex_destroy(&h->up_lock);
	pthread_cond_destroy(&h->up_done);
	free(h);
}

static void
http_end(void *arg)
{
	gr_http_stop(arg);
}

struct gr_http *
gr_http_daemon(struct gr_daemon *d, const struct gr_http_conf *conf)
{
	struct gr_http *h = gr_http_start(conf);

	if (h)
		gr_daemon_defer(d, http_end, h);
	return h;
}
