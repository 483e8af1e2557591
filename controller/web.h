/*
 * web.h - the web portal's listener (web.c): the static page in web_root
 * and, under /api/<type>, the controller's own identity, compute and
 * network route tables, answered as their own listeners answer them, and
 * the image API passed on to the image service (image_proxy.h).
 * Every response carries the page's security headers (a strict CSP,
 * nosniff, no referrer) and never a CORS header; a POST, PUT or PATCH
 * under /api/ whose body is not JSON is refused with 415 before any
 * handler runs. Errors at start are recorded (gr_err) and returned as -1.
 */
#ifndef WEB_H
#define WEB_H

#include <stddef.h>

#include "gr_http.h"

struct gr_conf;
struct gr_daemon;

/* The listener's settings, read from the controller's configuration. */
struct web_conf {
	const char	*listen;	/* "ADDR:PORT", or NULL: no listener */
	const char	*root;		/* the static page's directory */
	char		 console[320];	/* the console proxy's origin,
					   "ws://public_host:PORT", which
					   the page may connect to; or "" */
	unsigned	 threads;
	size_t		 body_limit;
};

/*
 * Reads web_listen (default 0.0.0.0:8080; "" or "off": none) and
 * web_root (default /usr/share/gureum/web) from c into wc, whose strings
 * belong to c, and the console proxy's origin from public_host and
 * console_listen's port. Returns 0.
 */
int web_conf_read(const struct gr_conf *c, struct web_conf *wc);

/*
 * Starts the listener of wc, mounting copies of the identity, compute and
 * network configurations (their route tables and hooks must live as long
 * as d); its stop is deferred to d's teardown. Does nothing when
 * wc->listen is NULL. A missing web_root is a warning: the APIs are still
 * served, the page answers 404. Returns 0, or -1 with the error.
 */
int web_start(struct gr_daemon *d, const struct web_conf *wc,
    const struct gr_http_conf *identity, const struct gr_http_conf *compute,
    const struct gr_http_conf *network);

#endif
