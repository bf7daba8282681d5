/* Link frames: byte stuffing, CRC and the 7-byte header of
 * docs/protocol.md, sections 1 and 2. Pure functions of bytes, no I/O. */
#ifndef HIL_FRAME_H
#define HIL_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define HIL_END          0xC0
#define HIL_ESC          0xDB
#define HIL_FRAME_HDR    7
#define HIL_FRAME_CRC    4
#define HIL_FRAME_MAXPAY 1024 /* largest payload the host accepts */
#define HIL_FRAME_MAX    (HIL_FRAME_HDR + HIL_FRAME_MAXPAY + HIL_FRAME_CRC)
/* Worst case on the wire: every byte escaped, plus two ENDs. */
#define HIL_FRAME_WIRE_MAX(n) (2 * (HIL_FRAME_HDR + (n) + HIL_FRAME_CRC) + 2)

enum {
	HIL_FL_DATA = 0x01,
	HIL_FL_NAK = 0x02,
	HIL_FL_SYNC = 0x04,
	HIL_FL_SYNC_ACK = 0x08,
};

struct hil_frame_hdr {
	uint8_t flags;
	uint16_t ack, seq, limit;
};

/* Writes the frame for header `h` and `n` payload bytes to `out`, which must
 * hold HIL_FRAME_WIRE_MAX(n) bytes; returns the bytes written. */
size_t hil_frame_encode(const struct hil_frame_hdr *h, const uint8_t *pay, size_t n,
			uint8_t *out);

enum hil_frame_result {
	HIL_FRAME_NONE = 0, /* byte absorbed */
	HIL_FRAME_GOOD,     /* a good frame is in hdr/pay/len */
	HIL_FRAME_BAD,      /* a frame was dropped: bad CRC, escape or length */
};

struct hil_frame_dec {
	uint8_t buf[HIL_FRAME_MAX];
	size_t len;
	int esc, bad;
};

void hil_frame_dec_init(struct hil_frame_dec *d);
/* Feeds one wire byte. On HIL_FRAME_GOOD, *h is the header and the payload is
 * `*pay` (inside the decoder, valid until the next call), `*n` bytes. */
enum hil_frame_result hil_frame_dec_byte(struct hil_frame_dec *d, uint8_t b,
					 struct hil_frame_hdr *h, const uint8_t **pay,
					 size_t *n);

#endif
