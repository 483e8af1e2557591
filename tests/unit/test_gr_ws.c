/* Unit tests for common/gr_ws.c, with RFC 6455's own examples. */
#include <string.h>

#include "gr_test.h"
#include "gr_ws.h"

int
main(void)
{
	/* RFC 6455 5.7: a masked "Hello" from a client. */
	unsigned char hello[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f,
	    0x9f, 0x4d, 0x51, 0x58 };
	unsigned char big[] = { 0x82, 0xfe, 0x01, 0x00, 1, 2, 3, 4 };
	unsigned char huge[] = { 0x82, 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3,
	    4 };
	unsigned char bad[6] = { 0 }, h[GR_WS_HEADER_MAX];
	struct gr_ws_frame f;
	char acc[GR_WS_ACCEPT_LEN + 1];

	CHECK(gr_ws_accept("dGhlIHNhbXBsZSBub25jZQ==", acc) == 0,
	    "the RFC's key is accepted");
	CHECK_STR(acc, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "the RFC's accept value");
	CHECK(gr_ws_accept("dGhlIHNhbXBsZSBub25jZQ", acc) < 0,
	    "a key of another length is refused");
	CHECK(gr_ws_accept("dGhlIHNhbXBsZSBub25j!!==", acc) < 0,
	    "a key that is not base64 is refused");
	CHECK(gr_ws_accept(NULL, acc) < 0, "no key is refused");

	CHECK(gr_ws_parse(hello, 1, 125, &f) == 0, "one byte: more needed");
	CHECK(gr_ws_parse(hello, 5, 125, &f) == 0, "no whole mask: more needed");
	CHECK(gr_ws_parse(hello, sizeof(hello), 125, &f) == 1 && f.fin &&
	    f.opcode == GR_WS_TEXT && f.header_len == 6 && f.len == 5,
	    "the RFC's masked text frame");
	gr_ws_unmask(hello + 6, 2, 0, f.mask);
	gr_ws_unmask(hello + 8, 3, 2, f.mask);
	CHECK(memcmp(hello + 6, "Hello", 5) == 0, "unmasked in two pieces");
	CHECK(gr_ws_parse(big, sizeof(big), 256, &f) == 1 && f.len == 256 &&
	    f.header_len == 8, "a 16-bit length");
	CHECK(gr_ws_parse(big, sizeof(big), 255, &f) < 0,
	    "a payload over the bound is refused");
	CHECK(gr_ws_parse(huge, sizeof(huge), 1 << 20, &f) < 0,
	    "a 64-bit length over the bound is refused");
	memcpy(bad, "\x81\x05", 2);
	CHECK(gr_ws_parse(bad, 2, 125, &f) < 0, "an unmasked frame is refused");
	memcpy(bad, "\xc1\x85", 2);
	CHECK(gr_ws_parse(bad, 2, 125, &f) < 0, "a reserved bit is refused");
	memcpy(bad, "\x83\x85", 2);
	CHECK(gr_ws_parse(bad, 2, 125, &f) < 0, "an unknown opcode is refused");
	memcpy(bad, "\x09\x80", 2);
	CHECK(gr_ws_parse(bad, 6, 125, &f) < 0,
	    "a fragmented ping is refused");

	CHECK(gr_ws_header(h, GR_WS_BINARY, 5) == 2 && h[0] == 0x82 &&
	    h[1] == 5, "a short server frame");
	CHECK(gr_ws_header(h, GR_WS_TEXT, 300) == 4 && h[1] == 126 &&
	    h[2] == 1 && h[3] == 44, "a 16-bit server frame");
	CHECK(gr_ws_header(h, GR_WS_BINARY, 70000) == 10 && h[1] == 127 &&
	    h[7] == 1 && h[8] == 0x11 && h[9] == 0x70, "a 64-bit server frame");
	GR_TEST_END();
}
