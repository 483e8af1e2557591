/*
 * images_priv.h - the parts of images.c that read bytes from clients and
 * touch no database, exported for the fuzz targets (fuzz/fuzz_range.c,
 * fuzz/fuzz_patch.c) only; the rest of the image service uses imgsvc.h.
 * Both report errors as the handlers do: -1 with the error recorded.
 */
#ifndef IMAGES_PRIV_H
#define IMAGES_PRIV_H

#include <stddef.h>

#include <jansson.h>

/*
 * Applies a JSON-patch document (body, len bytes: a list of add, replace
 * or remove operations on "/attribute" paths) to the image state st, an
 * object with the image's client-settable columns and its "properties"
 * object, as image_update() builds it. draft: 10 for the v2.1 media type
 * (RFC 6902, {"op":"add","path":"/a"}), 4 for v2.0 ({"add":"/a"}).
 * admin: the caller may publish and set the owner; status: the image's
 * status (its formats change only while "queued"). Returns 0, or -1 with
 * 400 (a malformed patch or value), 403 (a read-only attribute, or not
 * allowed to this caller) or 409 (removing or replacing a property that is
 * not there; in v2.0, adding one that is); st may then be partly changed.
 */
int images_patch(json_t *st, const char *body, size_t len, int draft,
    int admin, const char *status);

/*
 * Parses a Range header h ("bytes=A-B", "bytes=A-" or "bytes=-N") against
 * an image of size bytes. Returns 0 with *off and *len (>= 1) the bytes to
 * send, all inside the image, or -1 with GR_ERR_RANGE (416).
 */
int images_parse_range(const char *h, unsigned long long size,
    unsigned long long *off, unsigned long long *len);

#endif
