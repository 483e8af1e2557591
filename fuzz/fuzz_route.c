/*
 * fuzz_route.c - libFuzzer target for what the HTTP layer does with a
 * request line before any handler runs: the path's trailing '/' are
 * dropped, it must be valid UTF-8, and gr_route_match() picks a route from
 * a table shaped like the identity API's.
 *
 * Input: "METHOD PATH" (split at the first space; no space means GET).
 * Besides the sanitizers, it checks properties and traps when one fails:
 *  - a match substitutes its parameters back into the pattern to give
 *    exactly the path, and each parameter is a non-empty segment;
 *  - a failed match leaves no parameters and records 404 or 405, 405 only
 *    when some route has the path, with a message that gr_fault_json()
 *    can put in a fault body;
 *  - gr_utf8_valid() agrees with an independent decoder written from
 *    Unicode's table of well-formed byte sequences;
 *  - gr_check_name() accepts only what its documentation says it does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gr_err.h"
#include "gr_http.h"
#include "gr_util.h"

#define NAME_MAX_LEN	255

static int
no_handler(struct gr_req *req, struct gr_resp *resp)
{
	return -1;
}

/* The patterns and methods of controller/identity.c's table; handlers
 * and policies play no part in matching. */
#define R(method, pattern)	{ method, pattern, no_handler }
static const struct gr_route routes[] = {
	R("GET",    "/"),
	R("GET",    "/v3"),
	R("POST",   "/v3/auth/tokens"),
	R("GET",    "/v3/auth/tokens"),
	R("HEAD",   "/v3/auth/tokens"),
	R("DELETE", "/v3/auth/tokens"),
	R("GET",    "/v3/auth/catalog"),
	R("GET",    "/v3/auth/projects"),
	R("GET",    "/v3/auth/domains"),
	R("GET",    "/v3/projects"),
	R("POST",   "/v3/projects"),
	R("GET",    "/v3/projects/{id}"),
	R("PATCH",  "/v3/projects/{id}"),
	R("DELETE", "/v3/projects/{id}"),
	R("GET",    "/v3/projects/{p}/users/{u}/roles"),
	R("PUT",    "/v3/projects/{p}/users/{u}/roles/{r}"),
	R("HEAD",   "/v3/projects/{p}/users/{u}/roles/{r}"),
	R("GET",    "/v3/projects/{p}/users/{u}/roles/{r}"),
	R("DELETE", "/v3/projects/{p}/users/{u}/roles/{r}"),
	R("GET",    "/v3/users"),
	R("POST",   "/v3/users"),
	R("GET",    "/v3/users/{id}"),
	R("PATCH",  "/v3/users/{id}"),
	R("DELETE", "/v3/users/{id}"),
	R("GET",    "/v3/users/{id}/projects"),
	R("GET",    "/v3/roles"),
	R("POST",   "/v3/roles"),
	R("GET",    "/v3/roles/{id}"),
	R("DELETE", "/v3/roles/{id}"),
	R("GET",    "/v3/role_assignments"),
	R("GET",    "/v3/domains"),
	R("GET",    "/v3/domains/{id}"),
};
#undef R
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

/*
 * The reference decoder: Unicode 15, table 3-7. For each lead byte, the
 * range of the second byte and the number of continuation bytes; any
 * later continuation byte is 0x80..0xbf.
 */
static int
ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i], lo = 0x80, hi = 0xbf;
		size_t more;

		if (c <= 0x7f) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			more = 1;
		else if (c >= 0xe0 && c <= 0xef)
			more = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			more = 3;
		else
			return 0;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
		else if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
		if (len - i <= more || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (size_t k = 2; k <= more; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += more + 1;
	}
	return 1;
}

/* What gr_http.c's normalise_path does: drop trailing '/' but keep "/". */
static void
strip_slashes(char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
}

/* Rebuilds the path a match stands for: the pattern with each {x}
 * replaced by the next parameter. The caller frees it. */
static char *
expand(const char *pattern, const struct gr_match *m)
{
	size_t cap = strlen(pattern) + 1, len = 0;
	char *out;
	int k = 0;

	for (int i = 0; i < m->nparams; i++)
		cap += strlen(m->params[i]);
	out = gr_xmalloc(cap);
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *close = strchr(p, '}');

			CHECK(close != NULL && k < m->nparams);
			memcpy(out + len, m->params[k], strlen(m->params[k]));
			len += strlen(m->params[k++]);
			p = close + 1;
		} else {
			out[len++] = *p++;
		}
	}
	out[len] = '\0';
	CHECK(k == m->nparams);
	return out;
}

static int
path_known(const char *path)
{
	struct gr_match m;
	int known = 0;

	/* A route has the path if it matches under its own method. */
	for (size_t i = 0; i < NROUTES && !known; i++) {
		if (gr_route_match(&routes[i], 1, routes[i].method, path,
		    &m) == 0)
			known = 1;
		gr_match_free(&m);
	}
	return known;
}

static void
check_route(const char *method, const char *path)
{
	struct gr_match m;
	char *copy = gr_xstrdup(path);

	strip_slashes(copy);
	if (!gr_utf8_valid(copy, strlen(copy))) {
		/* The server answers 400 before matching. */
		free(copy);
		return;
	}
	gr_err_clear();
	if (gr_route_match(routes, NROUTES, method, copy, &m) == 0) {
		char *back;

		CHECK(m.route != NULL && m.path_matched);
		CHECK(strcmp(m.route->method, method) == 0);
		for (int i = 0; i < m.nparams; i++)
			CHECK(m.params[i][0] != '\0' &&
			    strchr(m.params[i], '/') == NULL);
		back = expand(m.route->pattern, &m);
		CHECK(strcmp(back, copy) == 0);
		free(back);
	} else {
		CHECK(m.route == NULL && m.nparams == 0);
		CHECK(gr_err_code() == (m.path_matched ? GR_ERR_METHOD :
		    GR_ERR_NOT_FOUND));
		CHECK(gr_err_msg()[0] != '\0');
		fuzz_check_fault();
		/* Last: path_known() records errors of its own. */
		CHECK(m.path_matched == path_known(copy));
	}
	gr_match_free(&m);
	free(copy);
}

static void
check_name(const char *s)
{
	size_t len = strlen(s);
	int ok;

	gr_err_clear();
	ok = gr_check_name("name", s, NAME_MAX_LEN) == 0;
	if (!ok) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		fuzz_check_fault();
		return;
	}
	CHECK(len >= 1 && len <= NAME_MAX_LEN);
	CHECK(ref_utf8_valid((const unsigned char *)s, len));
	CHECK(strspn(s, " ") != len);
	for (size_t i = 0; i < len; i++)
		CHECK((unsigned char)s[i] >= 0x20 && s[i] != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sp = memchr(data, ' ', size);
	char *text = gr_xmalloc(size + 1), *method, *path;

	/* The whole input, NULs and all, through both UTF-8 checkers. */
	CHECK(gr_utf8_valid((const char *)data, size) ==
	    ref_utf8_valid(data, size));

	memcpy(text, data, size);
	text[size] = '\0';
	if (sp) {
		text[sp - (const char *)data] = '\0';
		method = text;
		path = text + (sp - (const char *)data) + 1;
	} else {
		method = "GET";
		path = text;
	}
	check_route(method, path);
	check_name(path);
	check_name(text);
	free(text);
	return 0;
}
