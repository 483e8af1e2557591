/* gr_ws.c - see gr_ws.h. */
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "gr_ws.h"

/* RFC 6455, 1.3: what every server appends to the client's key. */
#define WS_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int
gr_ws_accept(const char *key, char out[GR_WS_ACCEPT_LEN + 1])
{
	unsigned char raw[18], digest[SHA_DIGEST_LENGTH];
	char cat[24 + sizeof(WS_GUID)];

	/* 16 bytes in base64: 22 characters and "==". */
	if (key == NULL || strlen(key) != 24 || strcmp(key + 22, "==") != 0 ||
	    EVP_DecodeBlock(raw, (const unsigned char *)key, 24) != 18)
		return -1;
	memcpy(cat, key, 24);
	memcpy(cat + 24, WS_GUID, sizeof(WS_GUID));
	SHA1((const unsigned char *)cat, strlen(cat), digest);
	EVP_EncodeBlock((unsigned char *)out, digest, sizeof(digest));
	return 0;
}

int
gr_ws_parse(const unsigned char *buf, size_t len, size_t max_payload,
    struct gr_ws_frame *f)
{
	size_t need = 2, ext = 0;
	uint64_t plen;

	if (len < 2)
		return 0;
	memset(f, 0, sizeof(*f));
	f->fin = buf[0] >> 7;
	f->opcode = buf[0] & 0x0f;
	if ((buf[0] & 0x70) != 0 || !(buf[1] & 0x80))
		return -1;
	switch (f->opcode) {
	case GR_WS_CONT: case GR_WS_TEXT: case GR_WS_BINARY:
	case GR_WS_CLOSE: case GR_WS_PING: case GR_WS_PONG:
		break;
	default:
		return -1;
	}
	plen = buf[1] & 0x7f;
	if (plen == 126)
		ext = 2;
	else if (plen == 127)
		ext = 8;
	need += ext + 4;
	if (len < need)
		return 0;
	if (ext) {
		plen = 0;
		for (size_t i = 0; i < ext; i++)
			plen = plen << 8 | buf[2 + i];
	}
	if ((f->opcode & 0x8) && (!f->fin || plen > 125))
		return -1;
	if (plen > max_payload)
		return -1;
	memcpy(f->mask, buf + 2 + ext, 4);
	f->header_len = need;
	f->len = (size_t)plen;
	return 1;
}

void
gr_ws_unmask(unsigned char *p, size_t n, size_t off,
    const unsigned char mask[4])
{
	for (size_t i = 0; i < n; i++)
		p[i] ^= mask[(off + i) & 3];
}

size_t
gr_ws_header(unsigned char out[GR_WS_HEADER_MAX], int opcode, uint64_t len)
{
	out[0] = 0x80 | (opcode & 0x0f);
	if (len < 126) {
		out[1] = (unsigned char)len;
		return 2;
	}
	if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (unsigned char)(len >> 8);
		out[3] = (unsigned char)len;
		return 4;
	}
	out[1] = 127;
	for (int i = 0; i < 8; i++)
		out[2 + i] = (unsigned char)(len >> (56 - 8 * i));
	return 10;
}
