/*
 * store.c - image bytes on disk. An upload goes to ".partial-ID" beside the
 * final file and is renamed into place only when complete and verified, so
 * an interrupted upload never leaves a file that looks like an image.
 * md5 and sha512 are computed while the bytes stream through, each by a
 * thread of its own beside the write.
 *
 * The file is written with O_DIRECT where the store's file system takes it:
 * an image is written once and read back rarely (a node fetches it once into
 * its own cache), and copying each byte into the page cache cost more CPU
 * than both checksums together (docs/architecture.md has the figures).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gr_err.h"
#include "gr_log.h"
#include "gr_qcow2.h"
#include "gr_util.h"
#include "imgsvc.h"
#include "store_priv.h"

/*
 * An upload's bytes go through a ring of RING_BUFS blocks: the thread that
 * receives them fills a block, hands it to the two hashers (md5 and sha512,
 * each its own thread, as each is slower than the disk) and writes it to
 * the file while they read it; a block is filled again only once both
 * hashers are past it. The upload then takes about as long as the slower
 * checksum, given a core each (docs/architecture.md has the figures).
 * Blocks of 512 KiB made uploads a fifth faster than blocks of 128 KiB:
 * fewer wake-ups, and fewer O_DIRECT writes.
 */
#define RING_BUFS	16
#define RING_BLOCK	(512u << 10)	/* bytes per block (8 MiB at most) */
#define DIRECT_ALIGN	4096u		/* O_DIRECT's buffer, offset and length */

struct store_hasher {
	struct store_upload	*u;
	EVP_MD_CTX		*ctx;
	pthread_t		 thread;
	int			 started;
	uint64_t		 done;		/* blocks hashed (under u->lock) */
};

struct store_upload {
	char		*path;		/* final file */
	char		*partial;	/* where bytes go until finished */
	int		 fd;
	int		 direct;	/* fd is O_DIRECT: whole aligned blocks */
	uint64_t	 size;		/* bytes taken, written or not yet */
	unsigned char	 head[QCOW2_HEADER]; /* first bytes, for the header */
	unsigned char	*ring[RING_BUFS]; /* block n is ring[n % RING_BUFS] */
	size_t		 ring_len[RING_BUFS];
	size_t		 fill;		/* bytes in the block being filled */
	uint64_t	 published;	/* blocks handed to the hashers */
	uint64_t	 wants;		/* the writer waits for both hashers to
					 * have done this many blocks; 0: not */
	int		 idle;		/* hashers waiting for a block */
	int		 closing;	/* no more blocks: the hashers end */
	pthread_mutex_t	 lock;		/* published, wants, idle, closing and
					 * hash[].done */
	pthread_cond_t	 cond;		/* one waiter's condition may hold */
	struct store_hasher hash[2];	/* md5, sha512 */
};

char *
store_path(const char *id)
{
	return gr_xasprintf("%s/%s", img.store_dir, id);
}

int
store_init(void)
{
	if (mkdir(img.store_dir, 0750) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the image store '%s': %s.",
		    img.store_dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Blocks both hashers are past (under u->lock). */
static uint64_t
hashed(const struct store_upload *u)
{
	return u->hash[0].done < u->hash[1].done ? u->hash[0].done :
	    u->hash[1].done;
}

/* A hasher thread: hashes each block published, in order, until closed. */
static void *
hasher_main(void *arg)
{
	struct store_hasher *h = arg;
	struct store_upload *u = h->u;

	pthread_mutex_lock(&u->lock);
	for (;;) {
		u->idle++;
		while (h->done == u->published && !u->closing)
			pthread_cond_wait(&u->cond, &u->lock);
		u->idle--;
		if (h->done == u->published)
			break;
		unsigned k = (unsigned)(h->done % RING_BUFS);
		pthread_mutex_unlock(&u->lock);
		EVP_DigestUpdate(h->ctx, u->ring[k], u->ring_len[k]);
		pthread_mutex_lock(&u->lock);
		h->done++;
		/* Wake the writer only once it has room enough to go on. */
		if (u->wants && hashed(u) >= u->wants)
			pthread_cond_broadcast(&u->cond);
	}
	pthread_mutex_unlock(&u->lock);
	return NULL;
}

/* Ends the hashers once they have hashed every block published. */
static void
hashers_stop(struct store_upload *u)
{
	pthread_mutex_lock(&u->lock);
	u->closing = 1;
	pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
	for (int i = 0; i < 2; i++)
		if (u->hash[i].started) {
			pthread_join(u->hash[i].thread, NULL);
			u->hash[i].started = 0;
		}
}

static int
hashers_start(struct store_upload *u)
{
	const EVP_MD *md[2] = { EVP_md5(), EVP_sha512() };

	for (int i = 0; i < 2; i++) {
		u->hash[i].u = u;
		u->hash[i].ctx = EVP_MD_CTX_new();
		if (u->hash[i].ctx == NULL ||
		    !EVP_DigestInit_ex(u->hash[i].ctx, md[i], NULL)) {
			gr_error(GR_ERR_INTERNAL, "Cannot start the image "
			    "checksums.");
			return -1;
		}
		if (pthread_create(&u->hash[i].thread, NULL, hasher_main,
		    &u->hash[i]) != 0) {
			gr_error(GR_ERR_SYSTEM, "Cannot start a thread to compute "
			    "the image checksums.");
			return -1;
		}
		u->hash[i].started = 1;
	}
	return 0;
}

struct store_upload *
store_begin(const char *id)
{
	struct store_upload *u = gr_xcalloc(1, sizeof(*u));

	pthread_mutex_init(&u->lock, NULL);
	pthread_cond_init(&u->cond, NULL);
	u->path = store_path(id);
	u->partial = gr_xasprintf("%s/.partial-%s", img.store_dir, id);
	u->fd = open(u->partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_DIRECT, 0640);
	u->direct = u->fd >= 0;
	if (u->fd < 0 && errno == EINVAL)	/* tmpfs, for one */
		u->fd = open(u->partial, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0640);
	if (u->fd < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s' in the image store: "
		    "%s.", u->partial, strerror(errno));
		store_abort(u);
		return NULL;
	}
	if (hashers_start(u) < 0) {
		store_abort(u);
		return NULL;
	}
	return u;
}

/* Writes all of buf; 0, or the errno of the write that failed. */
static int
write_all(int fd, const unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t w = write(fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		done += (size_t)w;
	}
	return 0;
}

/* Goes on without O_DIRECT: 0, or the errno. */
static int
buffered(struct store_upload *u)
{
	int fl = fcntl(u->fd, F_GETFL);

	u->direct = 0;
	if (fl < 0 || fcntl(u->fd, F_SETFL, fl & ~O_DIRECT) < 0)
		return errno;
	return 0;
}

/*
 * O_DIRECT takes only whole aligned blocks: the last block's tail, shorter
 * than DIRECT_ALIGN, is written through the page cache instead, as is
 * everything on a file system that refuses O_DIRECT writes (EINVAL).
 */
static int
write_block(struct store_upload *u, const unsigned char *buf, size_t len)
{
	size_t whole = u->direct ? len / DIRECT_ALIGN * DIRECT_ALIGN : len;
	off_t at = lseek(u->fd, 0, SEEK_CUR);
	int err = at < 0 ? errno : whole > 0 ? write_all(u->fd, buf, whole) : 0;

	if (err == EINVAL && u->direct) {
		if ((err = buffered(u)) == 0 &&
		    lseek(u->fd, at, SEEK_SET) != at)
			err = errno;
		whole = 0;
	}
	if (err == 0 && whole < len) {
		if (u->direct)
			err = buffered(u);
		if (err == 0)
			err = write_all(u->fd, buf + whole, len - whole);
	}
	if (err != 0) {
		gr_error(err == ENOSPC ? GR_ERR_TOO_LARGE : GR_ERR_SYSTEM,
		    "Writing the image failed: %s.", strerror(err));
		return -1;
	}
	return 0;
}

/* Hands the block being filled to the hashers and writes it meanwhile. */
static int
block_flush(struct store_upload *u)
{
	unsigned k = (unsigned)(u->published % RING_BUFS);

	pthread_mutex_lock(&u->lock);
	u->ring_len[k] = u->fill;
	u->published++;
	if (u->idle > 0)
		pthread_cond_broadcast(&u->cond);
	pthread_mutex_unlock(&u->lock);
	u->fill = 0;
	return write_block(u, u->ring[k], u->ring_len[k]);
}

/*
 * Waits until both hashers are past the block the next bytes go to; when
 * they are not, until half the ring is free, so that the writer and the
 * hashers wake each other once per half ring, not once per block.
 */
static void
block_wait(struct store_upload *u)
{
	pthread_mutex_lock(&u->lock);
	if (hashed(u) + RING_BUFS <= u->published) {
		u->wants = u->published - RING_BUFS / 2;
		while (hashed(u) < u->wants)
			pthread_cond_wait(&u->cond, &u->lock);
		u->wants = 0;
	}
	pthread_mutex_unlock(&u->lock);
}

int
store_write(struct store_upload *u, const char *buf, size_t len)
{
	if (u->size < QCOW2_HEADER) {
		size_t n = QCOW2_HEADER - u->size < len ? QCOW2_HEADER - u->size :
		    len;

		memcpy(u->head + u->size, buf, n);
	}
	while (len > 0) {
		size_t n = RING_BLOCK - u->fill < len ? RING_BLOCK - u->fill :
		    len;

		if (u->fill == 0) {
			block_wait(u);
			/* Blocks are made as first needed: a small image
			 * takes one, not the ring's 8 MiB. */
			if (u->ring[u->published % RING_BUFS] == NULL)
				u->ring[u->published % RING_BUFS] =
				    gr_xmalloc_aligned(DIRECT_ALIGN, RING_BLOCK);
		}
		memcpy(u->ring[u->published % RING_BUFS] + u->fill, buf, n);
		u->fill += n;
		u->size += n;
		buf += n;
		len -= n;
		if (u->fill == RING_BLOCK && block_flush(u) < 0)
			return -1;
	}
	return 0;
}

uint64_t
store_size(const struct store_upload *u)
{
	return u->size;
}

static void
hex(const unsigned char *in, unsigned n, char *out)
{
	for (unsigned i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", in[i]);
}

/* See store_priv.h. */
int
store_qcow2_size(const unsigned char *head, uint64_t size, uint64_t *out)
{
	switch (gr_qcow2_virtual_size(head, size < QCOW2_HEADER ? size :
	    QCOW2_HEADER, out)) {
	case GR_QCOW2_OK:
		return 0;
	case GR_QCOW2_NOT:
		gr_error(GR_ERR_BAD_REQUEST, "The data is not a qcow2 image (no "
		    "qcow2 header), but the image's disk_format is qcow2.");
		return -1;
	default:
		/* The images table keeps it in a bigint. */
		gr_error(GR_ERR_BAD_REQUEST, "The qcow2 header gives a virtual "
		    "size of %" PRIu64 " bytes, more than an image may have.",
		    *out);
		return -1;
	}
}

/* The guest-visible size: a qcow2 header says it at offset 24. */
static int
virtual_size_of(const struct store_upload *u, const char *disk_format,
    uint64_t *out)
{
	if (strcmp(disk_format, "qcow2") != 0) {
		*out = u->size;
		return 0;
	}
	return store_qcow2_size(u->head, u->size, out);
}

int
store_finish(struct store_upload *u, const char *disk_format, char md5[33],
    char sha512[129], uint64_t *virtual_size)
{
	unsigned char d5[16], d512[64];
	unsigned n;

	if (virtual_size_of(u, disk_format, virtual_size) < 0)
		goto fail;
	if (u->fill > 0 && block_flush(u) < 0)
		goto fail;
	hashers_stop(u);
	if (fsync(u->fd) < 0) {
		gr_error(GR_ERR_SYSTEM, "Flushing the image to disk failed: %s.",
		    strerror(errno));
		goto fail;
	}
	EVP_DigestFinal_ex(u->hash[0].ctx, d5, &n);
	EVP_DigestFinal_ex(u->hash[1].ctx, d512, &n);
	hex(d5, 16, md5);
	hex(d512, 64, sha512);
	if (rename(u->partial, u->path) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot move the image into place: %s.",
		    strerror(errno));
		goto fail;
	}
	free(u->partial);
	u->partial = NULL;
	store_abort(u);
	return 0;
fail:
	store_abort(u);
	return -1;
}

void
store_abort(struct store_upload *u)
{
	if (u == NULL)
		return;
	hashers_stop(u);
	if (u->fd >= 0)
		close(u->fd);
	if (u->partial)
		unlink(u->partial);
	for (int i = 0; i < 2; i++)
		EVP_MD_CTX_free(u->hash[i].ctx);
	for (int i = 0; i < RING_BUFS; i++)
		free(u->ring[i]);
	pthread_cond_destroy(&u->cond);
	pthread_mutex_destroy(&u->lock);
	free(u->partial);
	free(u->path);
	free(u);
}

void
store_remove(const char *id)
{
	GR_AUTOFREE char *p = store_path(id);

	if (unlink(p) < 0 && errno != ENOENT)
		gr_warn("cannot remove image file %s: %s", p, strerror(errno));
}
