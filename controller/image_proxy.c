/*
 * image_proxy.c - see image_proxy.h.
 *
 * A request's two halves meet in a struct proxy: libmicrohttpd's side
 * (begin/data/end of a gr_upload, then a streamed response) and a
 * transfer thread running curl_easy_perform. Two socket pairs join them:
 * `up` carries the request body from data() to curl's read callback,
 * `down` the answer's body from curl's write callback to the response.
 * Each side blocks when the other is slow, which is the back-pressure.
 * The status and headers are handed over under the lock once curl has
 * them; end() waits for that. Whichever side finishes last frees it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_daemon.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_task.h"
#include "gr_util.h"
#include "image_proxy.h"

#define HEADERS_WAIT_S	60	/* for the image service's status line */
#define MAX_PASSED	6	/* answer headers passed on */
#define URL_MAX		8192

static struct gr_tasks transfers = GR_TASKS_INIT("image proxy", NULL);

/* Request headers passed on to the image service. */
static const char *const req_pass[] = {
	"X-Auth-Token", "Content-Type", "Accept", "Content-MD5", "Range",
};
/* Answer headers passed back (the rest, Content-Length among them, are
 * libmicrohttpd's or the web listener's). */
static const char *const resp_pass[] = {
	"Content-Type", "Location", "Content-MD5", "Content-Range",
	"Accept-Ranges", "OpenStack-image-import-methods",
};

struct proxy {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;	/* headers_done changed */
	int			 refs;	/* the request's side, the transfer */
	int			 up[2];	/* [0] curl reads, [1] data() writes */
	int			 down[2]; /* [0] the response, [1] curl writes */
	int			 aborted; /* the client left: cut, not ended */
	int			 headers_done; /* or the transfer ended */
	long			 status; /* the image service's, 0: none */
	char			 why[256]; /* curl's reason when status is 0 */
	int			 npassed;
	char			*passed[MAX_PASSED][2];
	CURL			*curl;
	struct curl_slist	*headers;
};

static void
sock_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void
proxy_unref(struct proxy *p)
{
	int last;

	pthread_mutex_lock(&p->lock);
	last = --p->refs == 0;
	pthread_mutex_unlock(&p->lock);
	if (!last)
		return;
	sock_close(&p->up[0]);
	sock_close(&p->up[1]);
	sock_close(&p->down[0]);
	sock_close(&p->down[1]);
	for (int i = 0; i < p->npassed; i++) {
		free(p->passed[i][0]);
		free(p->passed[i][1]);
	}
	curl_slist_free_all(p->headers);
	if (p->curl)
		curl_easy_cleanup(p->curl);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}

/* Writes all of buf to fd; -1 when the reader is gone. */
static int
send_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- the transfer's side (curl callbacks, on its thread) ---- */

static size_t
on_read(char *buf, size_t size, size_t n, void *cls)
{
	struct proxy *p = cls;
	ssize_t got;
	int aborted;

	do
		got = recv(p->up[0], buf, size * n, 0);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		return (size_t)got;
	pthread_mutex_lock(&p->lock);
	aborted = p->aborted;
	pthread_mutex_unlock(&p->lock);
	/* A body the client did not finish must not look complete. */
	return got == 0 && !aborted ? 0 : CURL_READFUNC_ABORT;
}

static size_t
on_write(char *buf, size_t size, size_t n, void *cls)
{
	struct proxy *p = cls;

	return send_all(p->down[1], buf, size * n) < 0 ? 0 : size * n;
}

static void
headers_ready(struct proxy *p)
{
	pthread_mutex_lock(&p->lock);
	p->headers_done = 1;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

/* Keeps the status line and the headers worth passing back; an interim
 * 1xx answer's are forgotten. The blank line ends them. */
static size_t
on_header(char *buf, size_t size, size_t n, void *cls)
{
	struct proxy *p = cls;
	size_t len = size * n;
	char line[1024], *colon, *v;

	/* Only this thread sets headers_done before the transfer ends. */
	if (p->headers_done || len >= sizeof(line))
		return len;	/* too long for any header we pass */
	memcpy(line, buf, len);
	line[len] = '\0';
	line[strcspn(line, "\r\n")] = '\0';
	if (strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = strchr(line, ' ');

		p->status = sp ? strtol(sp + 1, NULL, 10) : 0;
		return len;
	}
	if (line[0] == '\0') {
		if (p->status >= 200)
			headers_ready(p);
		return len;
	}
	if (p->status < 200 || (colon = strchr(line, ':')) == NULL)
		return len;
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (size_t i = 0; i < sizeof(resp_pass) / sizeof(resp_pass[0]); i++)
		if (strcasecmp(line, resp_pass[i]) == 0 &&
		    p->npassed < MAX_PASSED) {
			p->passed[p->npassed][0] = gr_xstrdup(resp_pass[i]);
			p->passed[p->npassed][1] = gr_xstrdup(v);
			p->npassed++;
		}
	return len;
}

static void
transfer(void *arg)
{
	struct proxy *p = arg;
	CURLcode rc = curl_easy_perform(p->curl);

	pthread_mutex_lock(&p->lock);
	if (!p->headers_done) {
		p->status = 0;
		snprintf(p->why, sizeof(p->why), "%s", rc == CURLE_OK ?
		    "it sent no answer" : curl_easy_strerror(rc));
		p->headers_done = 1;
		pthread_cond_broadcast(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	/* The answer's end, and no more of the request is read. */
	sock_close(&p->down[1]);
	sock_close(&p->up[0]);
	proxy_unref(p);
}

/* ---- the request's side (libmicrohttpd's worker) ---- */

static int
body_method(const char *m)
{
	return strcmp(m, "POST") == 0 || strcmp(m, "PUT") == 0 ||
	    strcmp(m, "PATCH") == 0;
}

/* The image service's URL for the request: its path below /api/image
 * and its query, each key and value escaped again. */
static char *
upstream_url(struct gr_req *req)
{
	json_t *q = gr_req_query_all(req), *vals, *v;
	struct gr_buf b = GR_BUF_INIT(URL_MAX);
	const char *key, *sep = "?";
	size_t i;

	gr_buf_printf(&b, "http://%s:%ld%s", ctl.public_host, ctl.image_port,
	    req->path);
	json_object_foreach(q, key, vals) {
		json_array_foreach(vals, i, v) {
			char *k = curl_easy_escape(NULL, key, 0);
			char *e = curl_easy_escape(NULL, json_string_value(v), 0);

			gr_buf_printf(&b, "%s%s=%s", sep, k ? k : "", e ? e : "");
			curl_free(k);
			curl_free(e);
			sep = "&";
		}
	}
	json_decref(q);
	if (gr_buf_check(&b, "the image request's path and query") < 0) {
		gr_buf_free(&b);
		return NULL;
	}
	return gr_buf_steal(&b);
}

/*
 * An image upload (a PUT with a body) is sent with "Expect: 100-continue":
 * the image service may refuse it before its body (the quota, an image
 * that is not queued, a caller it refuses) and then answers at once, no
 * body sent. Without it the body would be on its way when the service closes
 * the connection, and the reset that unread data causes can destroy the
 * answer before curl reads it: a 503 instead of the 413. libmicrohttpd
 * sends its 100 at once, so nothing waits. Other requests send no Expect
 * (a body-less PUT would wait for a 100 that never comes).
 */
static const char *
expect_header(struct gr_req *req)
{
	const char *cl = gr_req_header(req, "Content-Length");

	if (strcmp(req->method, "PUT") == 0 &&
	    (cl == NULL || strtoll(cl, NULL, 10) > 0))
		return "Expect: 100-continue";
	return "Expect:";
}

static struct curl_slist *
pass_headers(struct gr_req *req)
{
	struct curl_slist *h = curl_slist_append(NULL, expect_header(req));

	for (size_t i = 0; i < sizeof(req_pass) / sizeof(req_pass[0]); i++) {
		const char *v = gr_req_header(req, req_pass[i]);
		char *line;

		if (v == NULL || strpbrk(v, "\r\n"))
			continue;
		line = gr_xasprintf("%s: %s", req_pass[i], v);
		h = curl_slist_append(h, line);
		free(line);
	}
	return h;
}

static void
curl_setup(struct proxy *p, struct gr_req *req, const char *url)
{
	const char *cl = gr_req_header(req, "Content-Length");
	CURL *c = p->curl;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, p->headers);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	/* Stalls, not slow transfers, are failures. */
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 120L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, p);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, p);
	if (strcmp(req->method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	else
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
	if (body_method(req->method)) {
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(c, CURLOPT_READDATA, p);
		/* Without a length, curl sends the body chunked. */
		if (cl)
			curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE,
			    (curl_off_t)strtoll(cl, NULL, 10));
	}
}

static int
proxy_begin(struct gr_req *req, void **state)
{
	struct proxy *p = gr_xcalloc(1, sizeof(*p));
	GR_AUTOFREE char *url = NULL;

	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->refs = 1;
	p->up[0] = p->up[1] = p->down[0] = p->down[1] = -1;
	if ((url = upstream_url(req)) == NULL)
		goto fail;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->up) < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p->down) < 0) {
		gr_error(GR_ERR_SYSTEM, "socketpair failed: %s.",
		    strerror(errno));
		goto fail;
	}
	if ((p->curl = curl_easy_init()) == NULL) {
		gr_error(GR_ERR_INTERNAL, "curl_easy_init failed.");
		goto fail;
	}
	p->headers = pass_headers(req);
	curl_setup(p, req, url);
	/* A body-less request's body is already complete. */
	if (!body_method(req->method))
		sock_close(&p->up[1]);
	p->refs = 2;
	if (gr_task_run(&transfers, transfer, p) < 0) {
		p->refs = 1;
		goto fail;
	}
	*state = p;
	return 0;
fail:
	proxy_unref(p);
	return -1;
}

static int
proxy_data(void *state, const char *buf, size_t len)
{
	struct proxy *p = state;

	/* The image service stopped reading (it answered early): the rest
	 * is dropped, and its answer is what the client gets. */
	if (p->up[1] >= 0 && send_all(p->up[1], buf, len) < 0)
		sock_close(&p->up[1]);
	return 0;
}

static int
proxy_end(struct gr_req *req, void *state, struct gr_resp *resp)
{
	struct proxy *p = state;
	struct timespec until;
	int ret = -1;

	(void)req;
	sock_close(&p->up[1]);	/* the body's end */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += HEADERS_WAIT_S;
	pthread_mutex_lock(&p->lock);
	while (!p->headers_done && pthread_cond_timedwait(&p->cond, &p->lock,
	    &until) == 0)
		;
	if (!p->headers_done || p->status == 0) {
		gr_error(GR_ERR_UNAVAILABLE, "The image service cannot be "
		    "reached: %s.", p->headers_done ? p->why :
		    "it did not answer in time");
		p->aborted = 1;
	} else {
		for (int i = 0; i < p->npassed; i++)
			gr_resp_header(resp, p->passed[i][0], p->passed[i][1]);
		gr_resp_stream(resp, (int)p->status, p->down[0]);
		p->down[0] = -1;	/* the response closes it */
		ret = 0;
	}
	pthread_mutex_unlock(&p->lock);
	if (ret < 0)
		sock_close(&p->down[0]);	/* its writer stops */
	proxy_unref(p);
	return ret;
}

static void
proxy_abort(void *state)
{
	struct proxy *p = state;

	pthread_mutex_lock(&p->lock);
	p->aborted = 1;
	pthread_mutex_unlock(&p->lock);
	sock_close(&p->up[1]);
	sock_close(&p->down[0]);
	proxy_unref(p);
}

static const struct gr_upload proxy_upload = {
	proxy_begin, proxy_data, proxy_end, proxy_abort
};

const struct gr_route image_proxy_route = {
	"*", "/", NULL, GR_POLICY_PUBLIC, &proxy_upload
};

static void
proxy_end_all(void *arg)
{
	(void)arg;
	gr_tasks_drain(&transfers, 10);
}

void
image_proxy_daemon(struct gr_daemon *d)
{
	gr_daemon_defer(d, proxy_end_all, NULL);
}
