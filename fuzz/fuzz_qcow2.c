/*
 * fuzz_qcow2.c - libFuzzer target for the qcow2 header reader of the image
 * store: store_qcow2_size() (image-service/store.c) on the first bytes of
 * an upload whose disk_format is qcow2. The input is the whole upload.
 *
 * Besides the sanitizers, it checks the reader's contract and traps when
 * it fails: 0 exactly when the data is at least a header long and starts
 * with the qcow2 magic, with the virtual size the header holds at offset
 * 24 (big-endian), which the images table's bigint column can store; else
 * -1 with GR_ERR_BAD_REQUEST and a message for a fault body.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "gr_err.h"
#include "imgsvc.h"
#include "store_priv.h"

struct img_conf img;	/* store.c's configuration (main.c's) */

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char head[QCOW2_HEADER] = { 0 };
	uint64_t vs = 0, want = 0;
	int ret, qcow2;

	/* What store_write() keeps of the upload. */
	memcpy(head, data, size < QCOW2_HEADER ? size : QCOW2_HEADER);
	qcow2 = size >= QCOW2_HEADER && memcmp(data, "QFI\xfb", 4) == 0;
	for (int i = 24; qcow2 && i < 32; i++)
		want = want << 8 | data[i];
	gr_err_clear();
	ret = store_qcow2_size(head, size, &vs);
	if (ret == 0) {
		CHECK(qcow2 && vs == want && vs <= INT64_MAX);
	} else {
		CHECK(ret == -1 && gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(!qcow2 || want > INT64_MAX);
		fuzz_check_fault();
	}
	return 0;
}
