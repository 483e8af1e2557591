/* Unit tests for route matching in common/gr_http.c. */
#include "gr_err.h"
#include "gr_http.h"
#include "gr_test.h"

static int h(struct gr_req *q, struct gr_resp *r) { (void)q; (void)r; return 0; }

static const struct gr_route routes[] = {
	{ "GET", "/v3", h, GR_POLICY_PUBLIC },
	{ "GET", "/v3/projects/{id}", h, GR_POLICY_USER },
	{ "PUT", "/v3/projects/{p}/users/{u}/roles/{r}", h, GR_POLICY_ADMIN },
	{ "GET", "/v2.1/os-hypervisors/detail", h, GR_POLICY_ADMIN },
	{ "GET", "/v2.1/os-hypervisors/{id}", h, GR_POLICY_ADMIN },
};
#define N (sizeof(routes) / sizeof(routes[0]))

static const struct gr_http_conf api_a, api_b;
static const struct gr_http_mount mounts[] = {
	{ "/api/identity", &api_a },
	{ "/api/compute", &api_b },
};

static void
test_mounts(void)
{
	const char *rest = NULL;

	CHECK(gr_mount_find(mounts, 2, "/api/compute/v2.1/servers", &rest) ==
	    &mounts[1], "a path below a prefix finds its mount");
	CHECK_STR(rest, "/v2.1/servers", "the rest is the API's own path");
	CHECK(gr_mount_find(mounts, 2, "/api/identity", &rest) == &mounts[0],
	    "the prefix itself finds its mount");
	CHECK_STR(rest, "/", "and its rest is /");
	CHECK(gr_mount_find(mounts, 2, "/api/identityx/v3", &rest) == NULL,
	    "a prefix matches whole segments only");
	CHECK(gr_mount_find(mounts, 2, "/api", &rest) == NULL,
	    "a parent of the prefix is not below it");
	CHECK(gr_mount_find(mounts, 2, "/index.html", &rest) == NULL,
	    "a path outside every prefix");
	CHECK(gr_mount_find(NULL, 0, "/api/compute", &rest) == NULL,
	    "no mounts");
}

int
main(void)
{
	struct gr_match m;

	CHECK(gr_route_match(routes, N, "GET", "/v3", &m) == 0 &&
	    m.route == &routes[0], "a literal path matches");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "/v3/projects/abc", &m) == 0 &&
	    m.nparams == 1, "a placeholder captures one segment");
	CHECK_STR(m.params[0], "abc", "the captured value");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "PUT", "/v3/projects/P/users/U/roles/R",
	    &m) == 0 && m.nparams == 3, "three placeholders");
	CHECK_STR(m.params[2], "R", "the third value");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "/v2.1/os-hypervisors/detail",
	    &m) == 0 && m.route == &routes[3], "a literal wins when listed first");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "/v3/projects", &m) < 0 &&
	    gr_err_code() == GR_ERR_NOT_FOUND, "a shorter path is not found");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "/v3/projects//", &m) < 0,
	    "an empty segment does not fill a placeholder");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "DELETE", "/v3", &m) < 0 &&
	    gr_err_code() == GR_ERR_METHOD, "a wrong method is 405");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "", &m) < 0, "an empty path");
	gr_match_free(&m);
	CHECK(gr_route_match(routes, N, "GET", "v3", &m) < 0,
	    "a path without a leading slash");
	gr_match_free(&m);
	test_mounts();
	GR_TEST_END();
}
