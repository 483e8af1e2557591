/*
 * image_client.h - the controller's client for the image service: what a
 * server create reads of its image, and the image a snapshot fills. Every
 * call carries the user's own token, so the image service's visibility,
 * ownership and storage quota apply as for any of the user's requests.
 */
#ifndef IMAGE_CLIENT_H
#define IMAGE_CLIENT_H

#include <jansson.h>

/* The image service's address for all images (id NULL) or one; the caller
 * frees it. */
char *image_client_url(const char *id);
/*
 * The image ref names, as the image service shows it to token's bearer:
 * a new object, or NULL with a 400 (no such image, or not active) or a
 * 503 (the service answered otherwise).
 */
json_t *image_client_get(const char *token, const char *ref);
/*
 * Creates a queued image with fields img; its id into id. Returns 0, or
 * -1 with a 400 carrying the image service's reason (refused fields,
 * quota) or a 503.
 */
int image_client_create(const char *token, json_t *img, char id[37]);
/* Deletes image id (a snapshot that will not happen); errors are ignored:
 * a queued image left behind is visible to its owner and deletable. */
void image_client_delete(const char *token, const char *id);

#endif
