/*
 * gr_ws.h - the websocket protocol's pieces (RFC 6455) a server needs,
 * without I/O: the handshake's Sec-WebSocket-Accept, the parse of a
 * client's frame header (bounded, masked, checked), unmasking, and the
 * header of a server's frame. Pure functions; they never allocate.
 */
#ifndef GR_WS_H
#define GR_WS_H

#include <stddef.h>
#include <stdint.h>

#define GR_WS_ACCEPT_LEN	28	/* base64 of a SHA-1, without its NUL */
#define GR_WS_HEADER_MAX	14	/* the longest frame header */

enum gr_ws_opcode {
	GR_WS_CONT = 0x0,
	GR_WS_TEXT = 0x1,
	GR_WS_BINARY = 0x2,
	GR_WS_CLOSE = 0x8,
	GR_WS_PING = 0x9,
	GR_WS_PONG = 0xa,
};

struct gr_ws_frame {
	int		 fin;		/* the message's last frame */
	int		 opcode;	/* enum gr_ws_opcode */
	unsigned char	 mask[4];	/* the client's masking key */
	size_t		 header_len;	/* bytes before the payload */
	size_t		 len;		/* payload bytes */
};

/*
 * Writes Sec-WebSocket-Accept for the client's Sec-WebSocket-Key into out
 * (NUL-terminated). Returns 0, or -1 when key is not the base64 of 16
 * bytes (the handshake is then a 400).
 */
int gr_ws_accept(const char *key, char out[GR_WS_ACCEPT_LEN + 1]);

/*
 * Parses the frame header at buf[0..len). Returns 1 with f filled when the
 * header is complete (the payload may not be there yet: it is
 * f->header_len + f->len bytes in all), 0 when more bytes are needed, -1
 * when the frame breaks the protocol: reserved bits, an unknown opcode,
 * no mask (a client's frames are masked), a control frame fragmented or
 * longer than 125 bytes, or a payload over max_payload.
 */
int gr_ws_parse(const unsigned char *buf, size_t len, size_t max_payload,
    struct gr_ws_frame *f);

/* Unmasks n payload bytes in place; off is their offset in the payload. */
void gr_ws_unmask(unsigned char *p, size_t n, size_t off,
    const unsigned char mask[4]);

/* Writes the header of a final, unmasked server frame of len payload
 * bytes into out; returns its length (2, 4 or 10). */
size_t gr_ws_header(unsigned char out[GR_WS_HEADER_MAX], int opcode,
    uint64_t len);

#endif
