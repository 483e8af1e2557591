/*
 * store_priv.h - the qcow2 header reader of store.c, which touches no
 * file, exported for its fuzz target (fuzz/fuzz_qcow2.c) only; the rest
 * of the image service uses imgsvc.h.
 */
#ifndef STORE_PRIV_H
#define STORE_PRIV_H

#include <stdint.h>

#include "gr_qcow2.h"

#define QCOW2_HEADER	GR_QCOW2_HEADER

/*
 * The virtual size a qcow2 image's header states (big-endian at offset
 * 24), from head, the image's first min(size, QCOW2_HEADER) bytes, where
 * size is the whole image's. Returns 0 with *out set, or -1 with
 * GR_ERR_BAD_REQUEST when the data is too short, has no qcow2 magic or
 * states a size past INT64_MAX (what the images table can hold).
 */
int store_qcow2_size(const unsigned char *head, uint64_t size,
    uint64_t *out);

#endif
