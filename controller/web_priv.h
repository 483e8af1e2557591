/*
 * web_priv.h - web.c's pure rules, exported for tests/unit/test_web.c
 * only.
 */
#ifndef WEB_PRIV_H
#define WEB_PRIV_H

/* The Content-Type a static file of path is sent with, or NULL when its
 * extension is not one the page serves. */
const char *web_mime(const char *path);

/*
 * 1 if path ("/app.mjs", "/vendor/preact.mjs") may name a file under the
 * web root: segments of [A-Za-z0-9._-] that do not begin with '.' (no
 * "..", no hidden files, no empty segment), at most 255 bytes in all.
 */
int web_path_ok(const char *path);

/*
 * 1 if a request of method to path (the whole path, "/api/...") with the
 * given Content-Type (NULL if none) may reach a handler: bodies of POST,
 * PUT and PATCH under /api/ must be JSON (or a JSON patch), except image
 * data under /api/image/.
 */
int web_media_ok(const char *method, const char *path, const char *ctype);

#endif
