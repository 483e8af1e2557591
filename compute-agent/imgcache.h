/*
 * imgcache.h - the node's cache of base images. A base image is downloaded
 * once per node from the image service, verified against its sha512
 * (os_hash_value), and kept as <dir>/<image id>-<sha512 prefix>, read-only.
 * Every instance disk made from it holds a hard link to it, so the file's
 * link count says whether any instance uses it: an entry with no other
 * link, unused for max_age seconds, is removed by imgcache_prune().
 * Concurrent requests for one image wait for a single download.
 */
#ifndef IMGCACHE_H
#define IMGCACHE_H

#include <pthread.h>

#include "gr_conf.h"
#include "gr_sign.h"

struct imgcache_fetch;

struct imgcache {
	char			*dir;		/* cache directory */
	char			*image_url;	/* "http://H:9292" */
	const struct gr_signer	*signer;	/* signs requests to the service */
	long			 max_age;	/* seconds an unused entry stays */
	pthread_mutex_t		 lock;		/* guards the fields below */
	pthread_cond_t		 done;		/* a download finished */
	struct imgcache_fetch	*inflight;	/* downloads under way */
	unsigned long		 downloads;	/* completed downloads, ever */
};

/* The image service's URL (a new string): the image_url setting, or the
 * controller's host on port 9292. */
char *imgcache_url(const struct gr_conf *c, const char *controller_url);
int imgcache_init(struct imgcache *c, const char *state_dir,
    const char *image_url, const struct gr_signer *signer, long max_age);
void imgcache_free(struct imgcache *c);
/*
 * Makes sure image id is in the cache. Sets *path (caller frees) and
 * *downloaded (1 if this call fetched it). -1 with the error: the image is
 * unknown (404), not active (409), or the download or its check failed.
 */
int imgcache_get(struct imgcache *c, const char *id, char **path,
    int *downloaded);
/* Removes unused entries older than max_age; returns how many. */
int imgcache_prune(struct imgcache *c);

#endif
