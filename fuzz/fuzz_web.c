/*
 * fuzz_web.c - libFuzzer target for what the web listener does with a
 * request's path and Content-Type before any handler or file: the mount a
 * path falls under (gr_mount_find), whether it may name a file of the page
 * (web_path_ok) and its type (web_mime), and the 415 rule (web_media_ok).
 *
 * Input: "METHOD PATH\nCONTENT-TYPE" (no newline: no Content-Type).
 * Besides the sanitizers, it checks properties and traps when one fails:
 *  - a path web_path_ok accepts starts with '/', is at most 255 bytes of
 *    [A-Za-z0-9._-/], and has no "//", no "/." (so no ".." and no hidden
 *    file) and no trailing '/';
 *  - a mount's rest is a suffix of the path that starts with '/', right
 *    after the prefix, and the prefix ends there at a segment's end;
 *  - outside /api/, or for a method without a body, every type passes;
 *    application/json always does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fuzz.h"
#include "gr_http.h"
#include "web_priv.h"

struct ctl_conf ctl;	/* image_proxy.c's, which web.c links */

static const struct gr_http_conf api;
static const struct gr_http_mount mounts[] = {
	{ "/api/identity", &api },
	{ "/api/compute", &api },
	{ "/api/network", &api },
	{ "/api/image", &api },
};

static void
check_path(const char *path)
{
	const char *rest;
	const struct gr_http_mount *m = gr_mount_find(mounts, 4, path, &rest);

	if (m) {
		size_t n = strlen(m->prefix);

		CHECK(strncmp(path, m->prefix, n) == 0);
		CHECK(rest[0] == '/');
		CHECK(path[n] == '\0' ? strcmp(rest, "/") == 0 :
		    rest == path + n);
	}
	if (web_path_ok(path)) {
		size_t n = strlen(path);

		CHECK(path[0] == '/' && n <= 255 && path[n - 1] != '/');
		CHECK(strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
		    "qrstuvwxyz0123456789._-/") == n);
		CHECK(strstr(path, "//") == NULL && strstr(path, "/.") == NULL);
		(void)web_mime(path);
	}
}

static void
check_media(const char *method, const char *path, const char *ctype)
{
	int ok = web_media_ok(method, path, ctype);
	int body = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0;

	if (strncmp(path, "/api/", 5) != 0 || !body)
		CHECK(ok);
	if (ctype == NULL && body && strncmp(path, "/api/", 5) == 0)
		CHECK(!ok);
	CHECK(web_media_ok(method, path, "application/json"));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), *method = "GET", *path, *nl, *ctype = NULL;
	char *sp;

	memcpy(in, data, size);
	in[size] = '\0';
	if (strlen(in) != size) {	/* the HTTP layer never sees a NUL */
		free(in);
		return 0;
	}
	path = in;
	if ((nl = strchr(in, '\n')) != NULL) {
		*nl = '\0';
		ctype = nl + 1;
	}
	if ((sp = strchr(in, ' ')) != NULL) {
		*sp = '\0';
		method = in;
		path = sp + 1;
	}
	check_path(path);
	check_media(method, path, ctype);
	free(in);
	return 0;
}
