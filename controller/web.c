/* web.c - see web.h. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gr_conf.h"
#include "gr_daemon.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_log.h"
#include "gr_util.h"
#include "image_proxy.h"
#include "web.h"
#include "web_priv.h"

#define WEB_PATH_MAX	255

/* The page loads only its own scripts, styles and images, talks only to
 * its own origin and the console proxy's websockets, and may not be
 * framed. */
#define WEB_CSP_HEAD	"default-src 'self'; script-src 'self'; " \
	"style-src 'self'; img-src 'self' data:; connect-src 'self'"
#define WEB_CSP_TAIL	"; object-src 'none'; base-uri 'none'; " \
	"frame-ancestors 'none'; form-action 'self'"

enum { MOUNT_IDENTITY, MOUNT_COMPUTE, MOUNT_NETWORK, MOUNT_IMAGE, NMOUNTS };

/* The listener's state: set at start, read-only while it serves. */
static struct {
	int			root_fd;	/* web_root, or -1 */
	struct gr_http_conf	apis[NMOUNTS];	/* copies of the listeners' */
	struct gr_http_mount	mounts[NMOUNTS];
	char			csp[512];	/* Content-Security-Policy */
} web = { .root_fd = -1 };

static const struct {
	const char	*ext;
	const char	*type;
} mime_types[] = {
	{ ".html",	"text/html; charset=utf-8" },
	{ ".mjs",	"text/javascript; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
};

/* Bodies the APIs take, besides image data (application/octet-stream on
 * the image API's PUT). */
static const char *const json_types[] = {
	"application/json",
	"application/openstack-images-v2.1-json-patch",
	"application/openstack-images-v2.0-json-patch",
	"application/json-patch+json",
};

const char *
web_mime(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/'))
		return NULL;
	for (size_t i = 0; i < sizeof(mime_types) / sizeof(mime_types[0]); i++)
		if (strcmp(dot, mime_types[i].ext) == 0)
			return mime_types[i].type;
	return NULL;
}

int
web_path_ok(const char *path)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-";
	const char *s = path;

	if (path[0] != '/' || strlen(path) > WEB_PATH_MAX)
		return 0;
	while (*s == '/') {
		size_t n = strspn(++s, ok);

		if (n == 0 || s[0] == '.' || (s[n] != '/' && s[n] != '\0'))
			return 0;
		s += n;
	}
	return *s == '\0';
}

/* 1 if ctype, without its parameters, is type (case-insensitive). */
static int
ctype_is(const char *ctype, const char *type)
{
	size_t n = strlen(type);

	ctype += strspn(ctype, " \t");
	return strncasecmp(ctype, type, n) == 0 &&
	    (ctype[n] == '\0' || ctype[n] == ';' || ctype[n] == ' ' ||
	    ctype[n] == '\t');
}

int
web_media_ok(const char *method, const char *path, const char *ctype)
{
	if (strncmp(path, "/api/", 5) != 0 || (strcmp(method, "POST") != 0 &&
	    strcmp(method, "PUT") != 0 && strcmp(method, "PATCH") != 0))
		return 1;
	if (ctype == NULL)
		return 0;
	for (size_t i = 0; i < sizeof(json_types) / sizeof(json_types[0]); i++)
		if (ctype_is(ctype, json_types[i]))
			return 1;
	return strcmp(method, "PUT") == 0 &&
	    strncmp(path, "/api/image/", 11) == 0 &&
	    ctype_is(ctype, "application/octet-stream");
}

/* The web listener's screen: only JSON bodies reach the APIs, so a form
 * or a text/plain POST from another site reaches no handler. */
static int
screen(struct gr_req *req)
{
	const char *ctype = gr_req_header(req, "Content-Type");

	if (web_media_ok(req->method, req->path, ctype))
		return 0;
	gr_error(GR_ERR_MEDIA_TYPE, "The request body must be "
	    "application/json, not '%.64s'.", ctype ? ctype : "none");
	return -1;
}

/* A file of the page, or 404: never a directory, never outside web_root. */
static int
serve_file(struct gr_req *req, struct gr_resp *resp)
{
	const char *path = strcmp(req->path, "/") == 0 ? "/index.html" :
	    req->path;
	const char *mime = web_mime(path);
	struct stat sb;
	int fd;

	if (strcmp(req->method, "GET") != 0 &&
	    strcmp(req->method, "HEAD") != 0) {
		gr_error(GR_ERR_METHOD, "The method %s is not allowed on %s.",
		    req->method, req->path);
		return -1;
	}
	if (web.root_fd < 0 || mime == NULL || !web_path_ok(path))
		goto not_found;
	fd = openat(web.root_fd, path + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		goto not_found;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		goto not_found;
	}
	gr_resp_file(resp, 200, fd, 0, (unsigned long long)sb.st_size);
	resp->content_type = mime;
	gr_resp_header(resp, "Cache-Control", "no-cache");
	return 0;
not_found:
	gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
	return -1;
}

static const struct gr_route static_route = {
	"GET", "/", serve_file, GR_POLICY_PUBLIC
};

static void
decorate(struct gr_req *req, struct gr_resp *resp)
{
	gr_resp_header(resp, "Content-Security-Policy", web.csp);
	gr_resp_header(resp, "X-Content-Type-Options", "nosniff");
	gr_resp_header(resp, "Referrer-Policy", "no-referrer");
	gr_resp_header(resp, "X-Frame-Options", "DENY");
	/* API answers (tokens among them) are never cached. */
	if (req->route != &static_route)
		gr_resp_header(resp, "Cache-Control", "no-store");
}

int
web_conf_read(const struct gr_conf *c, struct web_conf *wc)
{
	wc->listen = gr_conf_get(c, "web_listen", "0.0.0.0:8080");
	wc->root = gr_conf_get(c, "web_root", "/usr/share/gureum/web");
	const char *host = gr_conf_get(c, "public_host", "127.0.0.1");
	long port = gr_listen_port(gr_conf_get(c, "console_listen",
	    "127.0.0.1:6083"));

	if (wc->listen[0] == '\0' || strcmp(wc->listen, "off") == 0)
		wc->listen = NULL;
	/* A host name goes into the policy as it is: only a plain one. */
	wc->console[0] = '\0';
	if (port > 0 && host[0] && strlen(host) < 256 && strspn(host,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")
	    == strlen(host))
		snprintf(wc->console, sizeof(wc->console), "ws://%s:%ld", host,
		    port);
	return 0;
}

static void
web_end(void *arg)
{
	(void)arg;
	if (web.root_fd >= 0)
		close(web.root_fd);
	web.root_fd = -1;
}

int
web_start(struct gr_daemon *d, const struct web_conf *wc,
    const struct gr_http_conf *identity, const struct gr_http_conf *compute,
    const struct gr_http_conf *network)
{
	struct gr_http_conf conf = { .name = "web", .listen = wc->listen,
	    .body_limit = wc->body_limit, .threads = wc->threads,
	    .fault_style = GR_FAULT_COMPUTE, .fallback = &static_route,
	    .mounts = web.mounts, .nmounts = NMOUNTS, .screen = screen,
	    .decorate = decorate };

	if (wc->listen == NULL)
		return 0;
	snprintf(web.csp, sizeof(web.csp), "%s%s%s%s", WEB_CSP_HEAD,
	    wc->console[0] ? " " : "", wc->console, WEB_CSP_TAIL);
	web.apis[MOUNT_IDENTITY] = *identity;
	web.apis[MOUNT_COMPUTE] = *compute;
	web.apis[MOUNT_NETWORK] = *network;
	web.mounts[MOUNT_IDENTITY] = (struct gr_http_mount){ "/api/identity",
	    &web.apis[MOUNT_IDENTITY] };
	web.mounts[MOUNT_COMPUTE] = (struct gr_http_mount){ "/api/compute",
	    &web.apis[MOUNT_COMPUTE] };
	web.mounts[MOUNT_NETWORK] = (struct gr_http_mount){ "/api/network",
	    &web.apis[MOUNT_NETWORK] };
	/* The image service is another daemon: passed on by HTTP. */
	web.apis[MOUNT_IMAGE] = (struct gr_http_conf){ .name = "image",
	    .fault_style = GR_FAULT_IMAGE, .fallback = &image_proxy_route };
	web.mounts[MOUNT_IMAGE] = (struct gr_http_mount){ "/api/image",
	    &web.apis[MOUNT_IMAGE] };
	web.root_fd = open(wc->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (web.root_fd < 0)
		gr_warn("web_root '%s' cannot be opened; the page answers 404 "
		    "(the APIs under /api/ are served)", wc->root);
	gr_daemon_defer(d, web_end, NULL);
	image_proxy_daemon(d);
	return gr_http_daemon(d, &conf) ? 0 : -1;
}
