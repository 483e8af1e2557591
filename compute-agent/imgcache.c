/* imgcache.c - see imgcache.h. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "imgcache.h"

#define META_TIMEOUT_MS	10000
#define FETCH_TIMEOUT_S	3600

struct imgcache_fetch {
	char			 id[40];
	struct imgcache_fetch	*next;
};

/* What a download writes into, hashing as it goes. */
struct sink {
	int		 fd;
	EVP_MD_CTX	*sha;
	unsigned long long bytes;
};

char *
imgcache_url(const struct gr_conf *c, const char *controller_url)
{
	const char *v = gr_conf_get(c, "image_url", NULL);
	const char *h = strstr(controller_url, "://");
	size_t n;

	if (v)
		return gr_xstrdup(v);
	h = h ? h + 3 : controller_url;
	n = strcspn(h, ":/");
	return gr_xasprintf("http://%.*s:9292", (int)n, h);
}

int
imgcache_init(struct imgcache *c, const char *state_dir, const char *image_url,
    const struct gr_signer *signer, long max_age)
{
	memset(c, 0, sizeof(*c));
	c->dir = gr_xasprintf("%s/images", state_dir);
	c->image_url = gr_xstrdup(image_url);
	c->signer = signer;
	c->max_age = max_age;
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->done, NULL);
	if (mkdir(c->dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the image cache '%s': %s.",
		    c->dir, strerror(errno));
		return -1;
	}
	return 0;
}

void
imgcache_free(struct imgcache *c)
{
	free(c->dir);
	free(c->image_url);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->done);
}

/* Image ids become file names: allow only what a UUID holds. */
static int
check_id(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 36 || strspn(id, "0123456789abcdefABCDEF-") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "'%.40s' is not an image id.", id);
		return -1;
	}
	return 0;
}

/* Asks the image service for the image's sha512; out gets 129 bytes. */
static int
image_hash(struct imgcache *c, const char *id, char out[129])
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s", c->image_url,
	    id);
	GR_AUTO_JSON json_t *img = NULL;
	struct gr_httpc_resp r;
	const char *status = NULL, *hash = NULL;
	int ret = -1;

	if (gr_httpc_json("GET", url, NULL, c->signer, META_TIMEOUT_MS, &r) < 0)
		return -1;
	if (r.status == 404) {
		gr_error(GR_ERR_NOT_FOUND, "The image service has no image %s.",
		    id);
		goto out;
	}
	img = r.status == 200 ? json_loads(r.body, 0, NULL) : NULL;
	if (img == NULL || gr_json_str(img, "status", 1, 32, &status) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "The image service answered %ld for "
		    "image %s: %.200s", r.status, id, r.body);
		goto out;
	}
	if (strcmp(status, "active") != 0 || gr_json_str(img, "os_hash_value",
	    1, 128, &hash) < 0 || strlen(hash) != 128) {
		gr_error(GR_ERR_CONFLICT, "Image %s is %s, not active: it has no "
		    "data to boot from.", id, status);
		goto out;
	}
	memcpy(out, hash, 129);
	ret = 0;
out:
	gr_httpc_resp_free(&r);
	return ret;
}

static int
sink_write(void *ctx, const char *data, size_t len)
{
	struct sink *s = ctx;

	EVP_DigestUpdate(s->sha, data, len);
	if (gr_write_all(s->fd, data, len, "to the image cache") < 0)
		return -1;
	s->bytes += len;
	return 0;
}

/* Downloads into a temporary file, checks sha512, renames to path. */
static int
download(struct imgcache *c, const char *id, const char *want,
    const char *path)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s/file",
	    c->image_url, id);
	GR_AUTOFREE char *tmp = gr_xasprintf("%s/.download-%s", c->dir, id);
	struct sink s = { -1, EVP_MD_CTX_new(), 0 };
	unsigned char md[64];
	char got[129];
	unsigned n;
	double t0 = gr_now();
	int ret = -1;

	s.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (s.fd < 0 || s.sha == NULL ||
	    !EVP_DigestInit_ex(s.sha, EVP_sha512(), NULL)) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", tmp,
		    strerror(errno));
		goto out;
	}
	if (gr_httpc_fetch(url, c->signer, FETCH_TIMEOUT_S, sink_write, &s) < 0)
		goto out;
	EVP_DigestFinal_ex(s.sha, md, &n);
	for (int i = 0; i < 64; i++)
		sprintf(got + 2 * i, "%02x", md[i]);
	if (strcmp(got, want) != 0) {
		gr_error(GR_ERR_UNAVAILABLE, "The downloaded data of image %s does "
		    "not match its sha512 (got %.16s..., want %.16s...); it was "
		    "discarded.", id, got, want);
		goto out;
	}
	if (fsync(s.fd) < 0 || fchmod(s.fd, 0444) < 0 || rename(tmp, path) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot put image %s into the cache: %s.",
		    id, strerror(errno));
		goto out;
	}
	gr_info("cached image %s: %llu bytes in %.2f s", id, s.bytes,
	    gr_now() - t0);
	ret = 0;
out:
	if (s.fd >= 0)
		close(s.fd);
	if (ret < 0)
		unlink(tmp);
	EVP_MD_CTX_free(s.sha);
	return ret;
}

static int
inflight_has(struct imgcache *c, const char *id)
{
	for (struct imgcache_fetch *f = c->inflight; f; f = f->next)
		if (strcmp(f->id, id) == 0)
			return 1;
	return 0;
}

static void
inflight_del(struct imgcache *c, const char *id)
{
	for (struct imgcache_fetch **p = &c->inflight; *p; p = &(*p)->next) {
		if (strcmp((*p)->id, id) == 0) {
			struct imgcache_fetch *f = *p;

			*p = f->next;
			free(f);
			return;
		}
	}
}

int
imgcache_get(struct imgcache *c, const char *id, char **path, int *downloaded)
{
	char hash[129];
	char *p;
	int ret;

	*downloaded = 0;
	if (check_id(id) < 0 || image_hash(c, id, hash) < 0)
		return -1;
	/* Keyed by id and content: a re-uploaded id gets a new entry. */
	p = gr_xasprintf("%s/%s-%.32s", c->dir, id, hash);
	pthread_mutex_lock(&c->lock);
	while (inflight_has(c, id))
		pthread_cond_wait(&c->done, &c->lock);
	if (access(p, R_OK) == 0) {
		pthread_mutex_unlock(&c->lock);
		/* mtime marks last use, for pruning. */
		utimensat(AT_FDCWD, p, NULL, 0);
		*path = p;
		return 0;
	}
	struct imgcache_fetch *f = gr_xcalloc(1, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	f->next = c->inflight;
	c->inflight = f;
	pthread_mutex_unlock(&c->lock);

	ret = download(c, id, hash, p);

	pthread_mutex_lock(&c->lock);
	inflight_del(c, id);
	if (ret == 0)
		c->downloads++;
	pthread_cond_broadcast(&c->done);
	pthread_mutex_unlock(&c->lock);
	if (ret < 0) {
		free(p);
		return -1;
	}
	*downloaded = 1;
	*path = p;
	return 0;
}

int
imgcache_prune(struct imgcache *c)
{
	DIR *d = opendir(c->dir);
	struct dirent *e;
	struct stat sb;
	time_t now = time(NULL);
	int n = 0;

	if (d == NULL)
		return 0;
	pthread_mutex_lock(&c->lock);
	while ((e = readdir(d)) != NULL) {
		GR_AUTOFREE char *p = NULL;

		if (e->d_name[0] == '.')
			continue;
		p = gr_xasprintf("%s/%s", c->dir, e->d_name);
		/* One link: no instance disk holds it. */
		if (stat(p, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_nlink > 1 ||
		    now - sb.st_mtime < c->max_age)
			continue;
		if (unlink(p) == 0) {
			gr_info("removed unused cached image %s", e->d_name);
			n++;
		}
	}
	pthread_mutex_unlock(&c->lock);
	closedir(d);
	return n;
}
