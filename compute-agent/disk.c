/* disk.c - see disk.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "gr_cmd.h"
#include "gr_err.h"
#include "gr_qcow2.h"
#include "gr_util.h"

/* A raw copy of base, then every block of size_gb allocated. */
static int
make_thick(const char *base, long size_gb, const char *path)
{
	char *argv[] = { "qemu-img", "convert", "-q", "-O", "raw",
	    (char *)base, (char *)path, NULL };
	off_t want = (off_t)size_gb << 30;
	struct stat sb;
	int fd, err;

	if (gr_cmd_run(argv, NULL) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot open '%s': %s.", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	err = posix_fallocate(fd, 0, want > sb.st_size ? want : sb.st_size);
	close(fd);
	if (err) {
		gr_error(GR_ERR_SYSTEM, "Cannot preallocate %ld GB for '%s': "
		    "%s.", size_gb, path, strerror(err));
		return -1;
	}
	return 0;
}

/* A qcow2 overlay of size_gb on the link dir/base to the cached base. */
static int
make_thin(const char *dir, const char *base, long size_gb, const char *path)
{
	GR_AUTOFREE char *link_path = gr_xasprintf("%s/base", dir);
	char size[32];
	char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F",
	    "qcow2", "-b", link_path, (char *)path, size, NULL };

	/* The link marks the cached base as in use (see imgcache.h). */
	if (link(base, link_path) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot link the base image: %s.",
		    strerror(errno));
		return -1;
	}
	snprintf(size, sizeof(size), "%ldG", size_gb);
	/* A flavor disk smaller than the image: keep the image's size. */
	if (size_gb <= 0)
		argv[10] = NULL;
	return gr_cmd_run(argv, NULL);
}

int
disk_make(const char *dir, const char *base, enum boot_prov prov,
    long size_gb, char **path, const char **format)
{
	if (prov == BOOT_THICK) {
		*path = gr_xasprintf("%s/disk.raw", dir);
		*format = "raw";
		return make_thick(base, size_gb, *path);
	}
	*path = gr_xasprintf("%s/disk.qcow2", dir);
	*format = "qcow2";
	return make_thin(dir, base, size_gb, *path);
}

void
disk_find(const char *dir, char **path, const char **format)
{
	*path = gr_xasprintf("%s/disk.qcow2", dir);
	*format = "qcow2";
	if (access(*path, F_OK) < 0) {
		free(*path);
		*path = gr_xasprintf("%s/disk.raw", dir);
		*format = "raw";
	}
}

/* The virtual size in the qcow2 header fd starts with, or -1 if it does
 * not start with one. */
static long long
qcow2_size(int fd)
{
	unsigned char h[GR_QCOW2_HEADER];
	uint64_t size;

	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    gr_qcow2_virtual_size(h, sizeof(h), &size) != GR_QCOW2_OK)
		return -1;
	return (long long)size;
}

void
disk_thin_usage(const char *dir, struct disk_usage *u)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	memset(u, 0, sizeof(*u));
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		GR_AUTOFREE char *p = NULL;
		struct stat sb;
		long long size;
		int fd;

		if (e->d_name[0] == '.')
			continue;
		p = gr_xasprintf("%s/%s/disk.qcow2", dir, e->d_name);
		fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    (size = qcow2_size(fd)) >= 0) {
			u->count++;
			u->virtual_bytes += (unsigned long long)size;
			u->real_bytes += (unsigned long long)sb.st_blocks * 512;
		}
		close(fd);
	}
	closedir(d);
}
