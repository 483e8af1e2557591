/*
 * store.c - image bytes on disk. An upload goes to ".partial-ID" beside the
 * final file and is renamed into place only when complete and verified, so
 * an interrupted upload never leaves a file that looks like an image.
 * md5 and sha512 are computed while the bytes stream through.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "imgsvc.h"
#include "store_priv.h"

struct store_upload {
	char		*path;		/* final file */
	char		*partial;	/* where bytes go until finished */
	int		 fd;
	uint64_t	 size;
	EVP_MD_CTX	*md5;
	EVP_MD_CTX	*sha512;
	unsigned char	 head[QCOW2_HEADER]; /* first bytes, for the header */
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

struct store_upload *
store_begin(const char *id)
{
	struct store_upload *u = gr_xcalloc(1, sizeof(*u));

	u->path = store_path(id);
	u->partial = gr_xasprintf("%s/.partial-%s", img.store_dir, id);
	u->fd = open(u->partial, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	if (u->fd < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s' in the image store: "
		    "%s.", u->partial, strerror(errno));
		store_abort(u);
		return NULL;
	}
	u->md5 = EVP_MD_CTX_new();
	u->sha512 = EVP_MD_CTX_new();
	if (u->md5 == NULL || u->sha512 == NULL ||
	    !EVP_DigestInit_ex(u->md5, EVP_md5(), NULL) ||
	    !EVP_DigestInit_ex(u->sha512, EVP_sha512(), NULL)) {
		gr_error(GR_ERR_INTERNAL, "Cannot start the image checksums.");
		store_abort(u);
		return NULL;
	}
	return u;
}

int
store_write(struct store_upload *u, const char *buf, size_t len)
{
	size_t done = 0;

	if (u->size < QCOW2_HEADER) {
		size_t n = QCOW2_HEADER - u->size < len ? QCOW2_HEADER - u->size :
		    len;

		memcpy(u->head + u->size, buf, n);
	}
	EVP_DigestUpdate(u->md5, buf, len);
	EVP_DigestUpdate(u->sha512, buf, len);
	while (done < len) {
		ssize_t w = write(u->fd, buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			gr_error(errno == ENOSPC ? GR_ERR_TOO_LARGE :
			    GR_ERR_SYSTEM, "Writing the image failed: %s.",
			    strerror(errno));
			return -1;
		}
		done += (size_t)w;
	}
	u->size += len;
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

static uint64_t
be64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

/* See store_priv.h. */
int
store_qcow2_size(const unsigned char *head, uint64_t size, uint64_t *out)
{
	if (size < QCOW2_HEADER || memcmp(head, "QFI\xfb", 4) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The data is not a qcow2 image (no "
		    "qcow2 header), but the image's disk_format is qcow2.");
		return -1;
	}
	/* The images table keeps it in a bigint. */
	if (be64(head + 24) > INT64_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The qcow2 header gives a virtual "
		    "size of %" PRIu64 " bytes, more than an image may have.",
		    be64(head + 24));
		return -1;
	}
	*out = be64(head + 24);
	return 0;
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
	if (fsync(u->fd) < 0) {
		gr_error(GR_ERR_SYSTEM, "Flushing the image to disk failed: %s.",
		    strerror(errno));
		goto fail;
	}
	EVP_DigestFinal_ex(u->md5, d5, &n);
	EVP_DigestFinal_ex(u->sha512, d512, &n);
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
	if (u->fd >= 0)
		close(u->fd);
	if (u->partial)
		unlink(u->partial);
	EVP_MD_CTX_free(u->md5);
	EVP_MD_CTX_free(u->sha512);
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
