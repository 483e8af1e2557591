/* Unit tests for controller/web.c's rules: file types, the paths a file
 * may have, the 415 rule, and the configuration's defaults. */
#include <stdlib.h>

#include "ctl.h"
#include "gr_conf.h"
#include "gr_test.h"
#include "web.h"
#include "web_priv.h"

struct ctl_conf ctl;	/* image_proxy.c's, which web.c mounts */

static void
test_mime(void)
{
	CHECK_STR(web_mime("/index.html"), "text/html; charset=utf-8", "html");
	CHECK_STR(web_mime("/app.mjs"), "text/javascript; charset=utf-8",
	    ".mjs is JavaScript");
	CHECK_STR(web_mime("/vendor/x.js"), "text/javascript; charset=utf-8",
	    ".js is JavaScript");
	CHECK_STR(web_mime("/style.css"), "text/css; charset=utf-8", "css");
	CHECK_STR(web_mime("/favicon.svg"), "image/svg+xml", "svg");
	CHECK_STR(web_mime("/a.png"), "image/png", "png");
	CHECK(web_mime("/package.json") == NULL, "json files are not served");
	CHECK(web_mime("/vendor/update.sh") == NULL, "nor scripts");
	CHECK(web_mime("/vendor/VERSIONS") == NULL, "nor files without a type");
	CHECK(web_mime("/a.html/b") == NULL, "the type is the last segment's");
	CHECK(web_mime("/x.HTML") == NULL, "extensions are exact");
}

static void
test_paths(void)
{
	CHECK(web_path_ok("/index.html"), "a file at the root");
	CHECK(web_path_ok("/vendor/preact.mjs"), "a file in a directory");
	CHECK(web_path_ok("/a-b_c.1.css"), "dashes, underscores, dots");
	CHECK(!web_path_ok("/../Makefile"), "'..' is refused");
	CHECK(!web_path_ok("/vendor/../index.html"), "'..' inside too");
	CHECK(!web_path_ok("/vendor/.."), "and at the end");
	CHECK(!web_path_ok("/.gitignore"), "hidden files are refused");
	CHECK(!web_path_ok("//index.html"), "an empty segment");
	CHECK(!web_path_ok("/lib//api.mjs"), "an empty segment inside");
	CHECK(!web_path_ok("/vendor/"), "a trailing '/'");
	CHECK(!web_path_ok("index.html"), "no leading '/'");
	CHECK(!web_path_ok("/a b.css"), "a space");
	CHECK(!web_path_ok("/a%2e.css"), "a '%'");
	CHECK(!web_path_ok("/a\\b.css"), "a backslash");
	CHECK(!web_path_ok("/\xc3\xa9.css"), "bytes past ASCII");
	char longp[300];
	memset(longp, 'a', sizeof(longp));
	longp[0] = '/';
	memcpy(longp + sizeof(longp) - 6, ".css", 5);
	CHECK(!web_path_ok(longp), "a path past 255 bytes");
}

static void
test_media(void)
{
	CHECK(web_media_ok("POST", "/api/compute/v2.1/servers",
	    "application/json"), "JSON POST");
	CHECK(web_media_ok("PUT", "/api/network/v2.0/ports/x",
	    " application/JSON ; charset=utf-8"), "any case, parameters");
	CHECK(web_media_ok("PATCH", "/api/image/v2/images/x",
	    "application/openstack-images-v2.1-json-patch"),
	    "the image API's JSON patch");
	CHECK(web_media_ok("PATCH", "/api/image/v2/images/x",
	    "application/openstack-images-v2.0-json-patch"),
	    "and its older v2.0 form");
	CHECK(web_media_ok("PUT", "/api/image/v2/images/x/file",
	    "application/octet-stream"), "image data on the image API");
	CHECK(!web_media_ok("POST", "/api/compute/v2.1/servers",
	    "application/octet-stream"), "but no octet-stream POST");
	CHECK(!web_media_ok("PUT", "/api/compute/v2.1/x",
	    "application/octet-stream"), "nor octet-stream elsewhere");
	CHECK(!web_media_ok("POST", "/api/identity/v3/auth/tokens",
	    "text/plain"), "text/plain is refused");
	CHECK(!web_media_ok("POST", "/api/identity/v3/auth/tokens",
	    "application/x-www-form-urlencoded"), "a form is refused");
	CHECK(!web_media_ok("PATCH", "/api/x", "multipart/form-data; b=x"),
	    "multipart is refused");
	CHECK(!web_media_ok("POST", "/api/x", NULL), "no type is refused");
	CHECK(!web_media_ok("POST", "/api/x", "application/jsonx"),
	    "a longer type is not JSON");
	CHECK(web_media_ok("GET", "/api/x", NULL), "GET needs no type");
	CHECK(web_media_ok("DELETE", "/api/x", "text/plain"), "nor DELETE");
	CHECK(web_media_ok("POST", "/index.html", "text/plain"),
	    "outside /api/ the rule does not apply (the page's 405 does)");
}

static void
test_conf(void)
{
	struct gr_conf *c = gr_conf_parse("", "empty");
	struct web_conf wc;

	web_conf_read(c, &wc);
	CHECK_STR(wc.listen, "0.0.0.0:8080", "listens on 8080 by default");
	CHECK_STR(wc.root, "/usr/share/gureum/web", "the default web_root");
	gr_conf_free(c);
	c = gr_conf_parse("web_listen = off\nweb_root = /srv/web\n", "off");
	web_conf_read(c, &wc);
	CHECK(wc.listen == NULL, "web_listen = off: no listener");
	CHECK_STR(wc.root, "/srv/web", "web_root is read");
	gr_conf_free(c);
	c = gr_conf_parse("web_listen =\n", "empty value");
	web_conf_read(c, &wc);
	CHECK(wc.listen == NULL, "an empty web_listen: no listener");
	gr_conf_free(c);
}

int
main(void)
{
	test_mime();
	test_paths();
	test_media();
	test_conf();
	GR_TEST_END();
}
