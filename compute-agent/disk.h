/*
 * disk.h - an instance's root disk, made from the cached base image:
 * thin, a qcow2 overlay on a hard link to the base (the link marks the
 * base as in use, see imgcache.h), or thick, a raw copy with every block
 * of the full size allocated now (posix_fallocate). The scheduler counts
 * the two differently (controller/sched.c); this is where they are made.
 */
#ifndef DISK_H
#define DISK_H

#include "boot_spec.h"

/*
 * Makes the disk in the instance directory dir from base, size_gb (0:
 * the image's own size). Sets *path (the caller frees it) and *format
 * ("qcow2" or "raw"). Returns 0, or -1 with the error (what is left in dir
 * is the caller's to remove).
 */
int disk_make(const char *dir, const char *base, enum boot_prov prov,
    long size_gb, char **path, const char **format);
/* The disk of the instance directory dir and its format: disk.qcow2
 * (thin) when it exists, else disk.raw. The caller frees *path. */
void disk_find(const char *dir, char **path, const char **format);

/* What the thin disks of a node use: what its heartbeat reports. */
struct disk_usage {
	long			count;		/* thin disks found */
	unsigned long long	virtual_bytes;	/* sum of their qcow2 sizes */
	unsigned long long	real_bytes;	/* bytes allocated to them */
};

/*
 * Sums the thin disks (ID/disk.qcow2 with a qcow2 header) of the instance
 * directories under dir into *u: the virtual size each header states and
 * the blocks the file system has allocated to each file (st_blocks), not
 * counting the shared base. An entry that cannot be read (made or removed
 * meanwhile) is skipped; a missing dir is no disks. Cannot fail.
 */
void disk_thin_usage(const char *dir, struct disk_usage *u);

#endif
