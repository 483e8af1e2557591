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

#endif
