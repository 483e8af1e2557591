/*
 * fuzz_range.c - libFuzzer target for the image download's Range header:
 * images_parse_range() (image-service/images.c) on an arbitrary header
 * against an image size. The input is "SIZE\nHEADER" (SIZE in decimal),
 * or only HEADER against a 1000-byte image.
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: 0 means a non-empty range inside the image, -1 means
 * GR_ERR_RANGE with a message gr_fault_json() can put in a body. When the
 * header is strictly of the grammar ("bytes=" digits "-" [digits], or
 * "bytes=-" digits), the range must be the one a reference reading of the
 * grammar gives.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"
#include "images_priv.h"
#include "imgsvc.h"

struct img_conf img;	/* images.c's configuration (main.c's) */

/* Digits at *p as a number, saturating as strtoull does; NULL if none. */
static const char *
digits(const char *p, unsigned long long *v)
{
	const char *s = p;

	*v = 0;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');

		*v = *v > (ULLONG_MAX - d) / 10 ? ULLONG_MAX : *v * 10 + d;
	}
	return p == s ? NULL : p;
}

/* The grammar's answer: 1 (a range), 0 (unsatisfiable) or -1 (not of the
 * strict grammar: nothing to compare). */
static int
reference(const char *h, unsigned long long size, unsigned long long *off,
    unsigned long long *len)
{
	unsigned long long a, b;
	const char *p;

	if (strncmp(h, "bytes=", 6) != 0)
		return -1;
	h += 6;
	if (*h == '-') {
		if ((p = digits(h + 1, &b)) == NULL || *p)
			return -1;
		if (b == 0 || size == 0)
			return 0;
		*len = b < size ? b : size;
		*off = size - *len;
		return 1;
	}
	if ((p = digits(h, &a)) == NULL || *p != '-')
		return -1;
	h = p + 1;
	b = ULLONG_MAX;
	if (*h && ((p = digits(h, &b)) == NULL || *p))
		return -1;
	if (b < a || a >= size)
		return 0;
	*off = a;
	*len = (b < size - 1 ? b : size - 1) - a + 1;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = gr_xmalloc(size + 1), *h = text, *nl;
	unsigned long long sz = 1000, off = 7, len = 7, roff = 0, rlen = 0;
	int ret, want;

	/* A header value ends at a NUL, as libmicrohttpd hands it over. */
	memcpy(text, data, size);
	text[size] = '\0';
	nl = strchr(text, '\n');
	if (nl && nl > text && nl - text <= 20 &&
	    strspn(text, "0123456789") == (size_t)(nl - text)) {
		sz = strtoull(text, NULL, 10);
		h = nl + 1;
	}
	gr_err_clear();
	ret = images_parse_range(h, sz, &off, &len);
	if (ret == 0) {
		CHECK(len >= 1 && off < sz && len <= sz - off);
		CHECK(strncmp(h, "bytes=", 6) == 0 && strchr(h, ',') == NULL);
	} else {
		CHECK(ret == -1 && gr_err_code() == GR_ERR_RANGE);
		fuzz_check_fault();
	}
	want = reference(h, sz, &roff, &rlen);
	if (want >= 0)
		CHECK(want == (ret == 0) && (!want || (off == roff &&
		    len == rlen)));
	free(text);
	return 0;
}
