/*
 * imgsvc.h - the image service's modules: the API handlers (images.c,
 * and members.c for sharing) and the file store that holds image bytes
 * (store.c).
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
/*
 * Looks up image id as the caller may see it (Glance's rules, members
 * included). Returns 0 with vis its visibility and *mine set when the
 * caller's project owns it or the caller is an administrator (or agent);
 * -1 with GR_ERR_NOT_FOUND when it does not exist or is not visible.
 */
int images_access(struct gr_req *req, const char *id, char vis[16],
    int *mine);

/* members.c: image members (/v2/images/{id}/members...), as Glance's. */
int members_create(struct gr_req *req, struct gr_resp *resp);
int members_list(struct gr_req *req, struct gr_resp *resp);
int members_get(struct gr_req *req, struct gr_resp *resp);
int members_update(struct gr_req *req, struct gr_resp *resp);
int members_delete(struct gr_req *req, struct gr_resp *resp);
int members_schema(struct gr_req *req, struct gr_resp *resp);
int members_schemas(struct gr_req *req, struct gr_resp *resp);
/* 1 if s is a member status: pending, accepted or rejected. */
int members_status_ok(const char *s);

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
