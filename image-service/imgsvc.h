/*
 * imgsvc.h - the image service's modules: the API handlers (images.c) and
 * the file store that holds image bytes (store.c).
 */
#ifndef IMGSVC_H
#define IMGSVC_H

#include <stdint.h>

#include "gr_http.h"

struct img_conf {
	char		*public_host;	/* host in links */
	long		 port;
	char		*store_dir;	/* image files live here */
	long long	 quota_bytes;	/* per project; 0 = no limit */
	char		*cluster_secret; /* agents' signed downloads */
};

extern struct img_conf img;

/* images.c */
extern const struct gr_route img_routes[];
extern const size_t img_nroutes;

/* store.c */
struct store_upload;

/*
 * Starts writing the bytes of image id: a hidden partial file in the store,
 * hashed as it is written. Returns NULL with the error.
 */
struct store_upload *store_begin(const char *id);
/* Appends bytes; -1 with the error (disk full...). */
int store_write(struct store_upload *u, const char *buf, size_t len);
/* Bytes written so far. */
uint64_t store_size(const struct store_upload *u);
/*
 * Finishes: flushes, fills the hex md5 (33) and sha512 (129) and the
 * virtual size (from the qcow2 header, or the size for raw and iso), and
 * moves the file into place. Frees u. -1 with the error (file removed).
 */
int store_finish(struct store_upload *u, const char *disk_format,
    char md5[33], char sha512[129], uint64_t *virtual_size);
/* Removes the partial file and frees u. Accepts NULL. */
void store_abort(struct store_upload *u);
/* Path of an image's file (a new string). */
char *store_path(const char *id);
/* Removes an image's file if present. */
void store_remove(const char *id);
/* Creates the store's directories; -1 with the error. */
int store_init(void);

#endif
