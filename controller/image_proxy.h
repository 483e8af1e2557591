/*
 * image_proxy.h - the image API under the web listener's /api/image/
 * (image_proxy.c): each request is passed on to the image service
 * (gureum-image, another daemon) over HTTP and its answer passed back,
 * both bodies streamed through bounded socket buffers, never held whole
 * (an image upload or download of any size costs the same memory). The
 * image service authorizes the caller's X-Auth-Token itself. A service
 * that cannot be reached is a 503 in the image API's fault style.
 */
#ifndef IMAGE_PROXY_H
#define IMAGE_PROXY_H

#include "gr_http.h"

/* The route a mount of the image API falls back to for every path. */
extern const struct gr_route image_proxy_route;

/* Lets transfers run; at d's teardown waits (bounded) for those under
 * way. Call before the listener that serves the route starts. */
struct gr_daemon;
void image_proxy_daemon(struct gr_daemon *d);

#endif
