/* Unit tests for common/gr_qcow2.c. */
#include <string.h>

#include "gr_qcow2.h"
#include "gr_test.h"

int
main(void)
{
	unsigned char h[GR_QCOW2_HEADER] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
	uint64_t size = 0;

	h[24 + 4] = 0x40;	/* 0x40000000: 1 GiB, big-endian */
	CHECK(gr_qcow2_virtual_size(h, sizeof(h), &size) == GR_QCOW2_OK &&
	    size == 1073741824, "the virtual size at byte 24, big-endian");
	CHECK(gr_qcow2_virtual_size(h, sizeof(h) - 1, &size) == GR_QCOW2_NOT,
	    "31 bytes are too few");
	h[3] = 0xfa;
	CHECK(gr_qcow2_virtual_size(h, sizeof(h), &size) == GR_QCOW2_NOT,
	    "another magic is not qcow2");
	h[3] = 0xfb;
	h[24] = 0x80;
	CHECK(gr_qcow2_virtual_size(h, sizeof(h), &size) == GR_QCOW2_TOO_BIG &&
	    size == 0x8000000040000000ULL, "a size past INT64_MAX is said, "
	    "and given");
	GR_TEST_END();
}
