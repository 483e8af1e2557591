/*
 * gr_qcow2.h - the one thing read from a qcow2 header: the guest-visible
 * (virtual) size, big-endian at byte 24 after the magic "QFI\xfb". The
 * image service checks uploads with it, the compute agent sizes thin
 * disks with it.
 */
#ifndef GR_QCOW2_H
#define GR_QCOW2_H

#include <stddef.h>
#include <stdint.h>

#define GR_QCOW2_HEADER	32	/* bytes needed to read the virtual size */

enum { GR_QCOW2_OK = 0, GR_QCOW2_NOT = -1, GR_QCOW2_TOO_BIG = -2 };

/*
 * The virtual size of the qcow2 image whose first len bytes are at head:
 * GR_QCOW2_OK with *size; GR_QCOW2_NOT if they are not a qcow2 header
 * (too few, another magic); GR_QCOW2_TOO_BIG if the size is more than a
 * signed 64-bit count holds (*size then holds it).
 */
int gr_qcow2_virtual_size(const unsigned char *head, size_t len,
    uint64_t *size);

#endif
