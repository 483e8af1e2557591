/* gr_qcow2.c - see gr_qcow2.h. */
#include <string.h>

#include "gr_qcow2.h"

int
gr_qcow2_virtual_size(const unsigned char *head, size_t len, uint64_t *size)
{
	uint64_t v = 0;

	if (len < GR_QCOW2_HEADER || memcmp(head, "QFI\xfb", 4) != 0)
		return GR_QCOW2_NOT;
	for (int i = 24; i < 32; i++)
		v = v << 8 | head[i];
	*size = v;
	return v > INT64_MAX ? GR_QCOW2_TOO_BIG : GR_QCOW2_OK;
}
