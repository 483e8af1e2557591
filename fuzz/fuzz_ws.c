/*
 * fuzz_ws.c - libFuzzer target for what the console proxy reads from a
 * browser: gr_ws_parse() on arbitrary bytes as a stream of client frames
 * (the way console_proxy.c walks them, bounded at 64 KiB of payload),
 * and gr_ws_accept() on the input as a Sec-WebSocket-Key.
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: a complete header lies inside what was given, says at most
 * the bound, has a known opcode and a control frame is final and short;
 * "more needed" is only ever said of fewer than 14 bytes; an accepted key
 * gives 28 characters of base64.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "gr_ws.h"

#define BOUND	65536

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1);
	char key[64], acc[GR_WS_ACCEPT_LEN + 1];
	struct gr_ws_frame f;
	size_t used = 0;
	int r;

	memcpy(buf, data, size);
	while ((r = gr_ws_parse(buf + used, size - used, BOUND, &f)) == 1) {
		CHECK(f.header_len >= 6 && f.header_len <= GR_WS_HEADER_MAX);
		CHECK(f.header_len <= size - used && f.len <= BOUND);
		CHECK(f.opcode <= GR_WS_BINARY || (f.opcode >= GR_WS_CLOSE &&
		    f.opcode <= GR_WS_PONG));
		CHECK(!(f.opcode & 0x8) || (f.fin && f.len <= 125));
		if (size - used - f.header_len < f.len)
			break;
		gr_ws_unmask(buf + used + f.header_len, f.len, 0, f.mask);
		used += f.header_len + f.len;
	}
	if (r == 0)
		CHECK(size - used < GR_WS_HEADER_MAX);
	free(buf);
	if (size < sizeof(key)) {
		memcpy(key, data, size);
		key[size] = '\0';
		if (gr_ws_accept(key, acc) == 0)
			CHECK(strlen(acc) == GR_WS_ACCEPT_LEN);
	}
	return 0;
}
