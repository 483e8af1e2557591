/*
 * Unit tests for compute-agent/disk.c's disk_thin_usage(): what a node's
 * thin disks use, summed from instance directories made here (qcow2
 * headers written by hand, a thick disk, a file that only has the name,
 * a link, a hidden entry, a missing directory).
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "gr_test.h"
#include "gr_util.h"

/* dir/id/name holding a qcow2 header of virtual size size (when size is
 * not 0, else text) followed by pad bytes of data; its st_blocks * 512. */
static unsigned long long
put(const char *dir, const char *id, const char *name, uint64_t size,
    size_t pad)
{
	GR_AUTOFREE char *d = gr_xasprintf("%s/%s", dir, id);
	GR_AUTOFREE char *p = gr_xasprintf("%s/%s", d, name);
	unsigned char h[104] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
	GR_AUTOFREE char *data = calloc(1, pad + 1);
	struct stat sb;
	int fd;

	mkdir(d, 0755);
	for (int i = 0; i < 8; i++)
		h[24 + i] = (unsigned char)(size >> (56 - 8 * i));
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 0;
	if (size)
		(void)!write(fd, h, sizeof(h));
	else
		(void)!write(fd, "not a qcow2 header at all, only text", 36);
	memset(data, 'x', pad);
	(void)!write(fd, data, pad);
	fsync(fd);
	fstat(fd, &sb);
	close(fd);
	return (unsigned long long)sb.st_blocks * 512;
}

int
main(void)
{
	char tmpl[] = "/tmp/test_disk.XXXXXX";
	char *dir = mkdtemp(tmpl);
	struct disk_usage u;
	unsigned long long a, b;

	if (dir == NULL) {
		perror("mkdtemp");
		return 1;
	}
	disk_thin_usage("/nonexistent/instances", &u);
	CHECK(u.count == 0 && u.virtual_bytes == 0 && u.real_bytes == 0,
	    "a missing directory is no thin disks");
	disk_thin_usage(dir, &u);
	CHECK(u.count == 0 && u.real_bytes == 0, "an empty one neither");

	a = put(dir, "aaaa", "disk.qcow2", 1ULL << 30, 200000);
	b = put(dir, "bbbb", "disk.qcow2", 3ULL << 30, 4096);
	put(dir, "cccc", "disk.raw", 5ULL << 30, 8192);
	put(dir, "dddd", "disk.qcow2", 0, 8192);
	put(dir, ".hidden", "disk.qcow2", 7ULL << 30, 8192);
	GR_AUTOFREE char *ln = gr_xasprintf("%s/eeee", dir);
	GR_AUTOFREE char *lp = gr_xasprintf("%s/eeee/disk.qcow2", dir);
	GR_AUTOFREE char *target = gr_xasprintf("%s/aaaa/disk.qcow2", dir);
	mkdir(ln, 0755);
	CHECK(symlink(target, lp) == 0, "a link named disk.qcow2 is made");

	disk_thin_usage(dir, &u);
	CHECK(u.count == 2, "two thin disks: the thick one, the file with no "
	    "qcow2 header, the hidden entry and the link are not counted");
	CHECK(u.virtual_bytes == 4ULL << 30,
	    "their virtual sizes are the headers' (1 + 3 GiB)");
	CHECK(a > 0 && u.real_bytes == a + b,
	    "their real bytes are the blocks allocated to the two files");
	printf("# real %llu bytes for %llu virtual\n", u.real_bytes,
	    u.virtual_bytes);

	GR_AUTOFREE char *rm = gr_xasprintf("rm -rf '%s'", dir);
	(void)!system(rm);
	GR_TEST_END();
}
