/* gr_http.c - see gr_http.h. */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_daemon.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"

struct gr_http {
	struct gr_http_conf	 conf;
	struct MHD_Daemon	*daemon;
	unsigned		 port;
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

static void
resp_clear(struct gr_resp *resp)
{
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
	gr_resp_json(resp, status, gr_fault_json(api->fault_style, status,
	    msg));
}

static enum MHD_Result
send_resp(struct gr_http *h, struct gr_req *req, struct gr_resp *resp)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	char *text = NULL;
	size_t len = 0;

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
	(void)h;
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
	ret = send_resp(h, req, &resp);
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
	h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_POLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
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
	if (h == NULL)
		return;
	MHD_stop_daemon(h->daemon);
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
