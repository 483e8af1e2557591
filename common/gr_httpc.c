/* gr_httpc.c - see gr_httpc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include <curl/curl.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_daemon.h"
#include "gr_httpc.h"
#include "gr_sign.h"
#include "gr_util.h"

#define RESP_LIMIT	(16u << 20)

static size_t
on_data(char *p, size_t size, size_t n, void *cls)
{
	struct gr_buf *b = cls;

	/* Returning less than given makes curl stop with an error. */
	return gr_buf_add(b, p, size * n) < 0 ? 0 : size * n;
}

static const char *
url_path(const char *url)
{
	const char *p = strstr(url, "://");

	p = p ? strchr(p + 3, '/') : NULL;
	return p ? p : "/";
}

/* Runs the transfer; on an answer, hands the body in b over to resp. */
static int
perform(CURL *c, const char *method, const char *url, struct gr_buf *b,
    struct gr_httpc_resp *resp)
{
	CURLcode rc = curl_easy_perform(c);

	if (rc != CURLE_OK) {
		gr_error(GR_ERR_UNAVAILABLE, "%s %s failed: %s.", method, url,
		    curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	resp->len = b->len;
	resp->body = gr_buf_steal(b);
	return 0;
}

/* Adds the signature headers of a request for path (its query dropped,
 * as the server sees the path) to hdrs. */
static struct curl_slist *
sign_headers(struct curl_slist *hdrs, const struct gr_signer *signer,
    const char *method, const char *url, const char *body)
{
	char *path = gr_xstrdup(url_path(url));
	long long ts = (long long)time(NULL);
	char line[160], sig[GR_SHA256_HEX];

	path[strcspn(path, "?")] = '\0';
	gr_sign(signer, method, path, ts, body, body ? strlen(body) : 0, sig);
	free(path);
	snprintf(line, sizeof(line), "X-Gureum-Node: %s", signer->node);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "X-Gureum-Timestamp: %lld", ts);
	hdrs = curl_slist_append(hdrs, line);
	snprintf(line, sizeof(line), "X-Gureum-Signature: %s", sig);
	return curl_slist_append(hdrs, line);
}

static int
request(const char *method, const char *url, const json_t *body,
    const struct gr_signer *signer, const char *token, long timeout_ms,
    struct gr_httpc_resp *resp)
{
	struct gr_buf b = GR_BUF_INIT(RESP_LIMIT);
	struct curl_slist *hdrs = NULL;
	char *text = NULL, line[128];
	CURL *c;
	int ret;

	memset(resp, 0, sizeof(*resp));
	c = curl_easy_init();
	if (c == NULL) {
		gr_error(GR_ERR_INTERNAL, "curl_easy_init failed.");
		return -1;
	}
	if (body)
		text = json_dumps(body, JSON_COMPACT);
	hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	hdrs = curl_slist_append(hdrs, "Expect:");
	if (token) {
		snprintf(line, sizeof(line), "X-Auth-Token: %.80s", token);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (signer)
		hdrs = sign_headers(hdrs, signer, method, url, text);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (text) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, text);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(text));
	}
	ret = perform(c, method, url, &b, resp);
	gr_buf_free(&b);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(c);
	free(text);
	return ret;
}

int
gr_httpc_json(const char *method, const char *url, const json_t *body,
    const struct gr_signer *signer, long timeout_ms,
    struct gr_httpc_resp *resp)
{
	return request(method, url, body, signer, NULL, timeout_ms, resp);
}

int
gr_httpc_get_token(const char *url, const char *token, long timeout_ms,
    struct gr_httpc_resp *resp)
{
	return request("GET", url, NULL, NULL, token ? token : "", timeout_ms,
	    resp);
}

int
gr_httpc_token(const char *method, const char *url, const json_t *body,
    const char *token, long timeout_ms, struct gr_httpc_resp *resp)
{
	return request(method, url, body, NULL, token ? token : "", timeout_ms,
	    resp);
}

int
gr_httpc_put_file(const char *url, const char *token, const char *path,
    const char *md5, long timeout_s, struct gr_httpc_resp *resp)
{
	struct gr_buf b = GR_BUF_INIT(RESP_LIMIT);
	struct curl_slist *hdrs = NULL;
	char line[128];
	struct stat sb;
	CURL *c = NULL;
	FILE *f;
	int ret = -1;

	memset(resp, 0, sizeof(*resp));
	if ((f = fopen(path, "rb")) == NULL || fstat(fileno(f), &sb) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot open '%s': %s.", path,
		    strerror(errno));
		goto out;
	}
	if ((c = curl_easy_init()) == NULL) {
		gr_error(GR_ERR_INTERNAL, "curl_easy_init failed.");
		goto out;
	}
	hdrs = curl_slist_append(hdrs, "Content-Type: application/octet-stream");
	hdrs = curl_slist_append(hdrs, "Expect:");
	snprintf(line, sizeof(line), "X-Auth-Token: %.80s", token ? token : "");
	hdrs = curl_slist_append(hdrs, line);
	if (md5) {
		snprintf(line, sizeof(line), "Content-MD5: %.32s", md5);
		hdrs = curl_slist_append(hdrs, line);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READDATA, f);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)sb.st_size);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	ret = perform(c, "PUT", url, &b, resp);
out:
	gr_buf_free(&b);
	curl_slist_free_all(hdrs);
	if (c)
		curl_easy_cleanup(c);
	if (f)
		fclose(f);
	return ret;
}

void
gr_httpc_resp_free(struct gr_httpc_resp *resp)
{
	free(resp->body);
	resp->body = NULL;
}

struct fetch {
	int	(*sink)(void *, const char *, size_t);
	void	*ctx;
	long	 status;
	int	 sink_failed;
	CURL	*curl;
	struct gr_buf err;	/* body of an error answer, for the message */
};

static size_t
on_fetch(char *p, size_t size, size_t n, void *cls)
{
	struct fetch *f = cls;

	if (f->status == 0)
		curl_easy_getinfo(f->curl, CURLINFO_RESPONSE_CODE, &f->status);
	if (f->status != 200) {
		gr_buf_add(&f->err, p, size * n);
		return size * n;
	}
	if (f->sink(f->ctx, p, size * n) < 0) {
		f->sink_failed = 1;
		return 0;
	}
	return size * n;
}

int
gr_httpc_fetch(const char *url, const struct gr_signer *signer,
    long timeout_s, int (*sink)(void *ctx, const char *data, size_t len),
    void *ctx)
{
	struct fetch f = { sink, ctx, 0, 0, NULL, GR_BUF_INIT(4096) };
	struct curl_slist *hdrs = NULL;
	CURLcode rc;
	int ret = -1;

	if ((f.curl = curl_easy_init()) == NULL) {
		gr_error(GR_ERR_INTERNAL, "curl_easy_init failed.");
		return -1;
	}
	if (signer)
		hdrs = sign_headers(hdrs, signer, "GET", url, NULL);
	curl_easy_setopt(f.curl, CURLOPT_URL, url);
	curl_easy_setopt(f.curl, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(f.curl, CURLOPT_NOSIGNAL, 1L);
	/* Stalls, not slow transfers, are failures: under 1 KiB/s for 30 s. */
	curl_easy_setopt(f.curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
	curl_easy_setopt(f.curl, CURLOPT_LOW_SPEED_TIME, 30L);
	curl_easy_setopt(f.curl, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(f.curl, CURLOPT_WRITEFUNCTION, on_fetch);
	curl_easy_setopt(f.curl, CURLOPT_WRITEDATA, &f);
	rc = curl_easy_perform(f.curl);
	if (f.status == 0)
		curl_easy_getinfo(f.curl, CURLINFO_RESPONSE_CODE, &f.status);
	if (f.sink_failed)
		goto out;	/* the sink recorded its error */
	if (rc != CURLE_OK) {
		gr_error(GR_ERR_UNAVAILABLE, "GET %s failed: %s.", url,
		    curl_easy_strerror(rc));
		goto out;
	}
	if (f.status != 200) {
		gr_error(f.status == 404 ? GR_ERR_NOT_FOUND : GR_ERR_UNAVAILABLE,
		    "GET %s answered %ld: %.200s", url, f.status,
		    f.err.data ? f.err.data : "");
		goto out;
	}
	ret = 0;
out:
	gr_buf_free(&f.err);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(f.curl);
	return ret;
}

static void
curl_end(void *arg)
{
	(void)arg;
	curl_global_cleanup();
}

void
gr_httpc_daemon(struct gr_daemon *d)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	gr_daemon_defer(d, curl_end, NULL);
}
