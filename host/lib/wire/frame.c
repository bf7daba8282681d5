/* Frame encoder and decoder; see frame.h. The decoder mirrors the gateware's
 * hil_frame_rx.v: anything before an END is thrown away, so a receiver that
 * joins mid-stream resynchronises at the next frame. */
#include "wire/frame.h"

#include <string.h>

#include "wire/crc32.h"

static size_t put(uint8_t *out, size_t o, uint8_t b)
{
	if (b == HIL_END || b == HIL_ESC) {
		out[o++] = HIL_ESC;
		out[o++] = b == HIL_END ? 0xDC : 0xDD;
	} else {
		out[o++] = b;
	}
	return o;
}

size_t hil_frame_encode(const struct hil_frame_hdr *h, const uint8_t *pay, size_t n,
			uint8_t *out)
{
	uint8_t hdr[HIL_FRAME_HDR] = {
		h->flags,
		(uint8_t)h->ack,
		(uint8_t)(h->ack >> 8),
		(uint8_t)h->seq,
		(uint8_t)(h->seq >> 8),
		(uint8_t)h->limit,
		(uint8_t)(h->limit >> 8),
	};
	uint32_t reg = hil_crc32_update(0xFFFFFFFFu, hdr, sizeof(hdr));
	reg = hil_crc32_update(reg, pay, n);
	uint32_t crc = ~reg;
	size_t o = 0;
	out[o++] = HIL_END;
	for (size_t i = 0; i < sizeof(hdr); i++)
		o = put(out, o, hdr[i]);
	for (size_t i = 0; i < n; i++)
		o = put(out, o, pay[i]);
	for (int i = 0; i < 4; i++)
		o = put(out, o, (uint8_t)(crc >> (8 * i)));
	out[o++] = HIL_END;
	return o;
}

void hil_frame_dec_init(struct hil_frame_dec *d)
{
	d->len = 0;
	d->esc = 0;
	d->bad = 0;
}

enum hil_frame_result hil_frame_dec_byte(struct hil_frame_dec *d, uint8_t b,
					 struct hil_frame_hdr *h, const uint8_t **pay,
					 size_t *n)
{
	if (b == HIL_END) {
		size_t len = d->len;
		int bad = d->bad || d->esc;
		hil_frame_dec_init(d);
		if (len == 0 && !bad)
			return HIL_FRAME_NONE;
		if (bad || len < HIL_FRAME_HDR + HIL_FRAME_CRC ||
		    hil_crc32_update(0xFFFFFFFFu, d->buf, len) != HIL_CRC32_RESIDUE)
			return HIL_FRAME_BAD;
		h->flags = d->buf[0];
		h->ack = (uint16_t)(d->buf[1] | d->buf[2] << 8);
		h->seq = (uint16_t)(d->buf[3] | d->buf[4] << 8);
		h->limit = (uint16_t)(d->buf[5] | d->buf[6] << 8);
		*pay = d->buf + HIL_FRAME_HDR;
		*n = len - HIL_FRAME_HDR - HIL_FRAME_CRC;
		return HIL_FRAME_GOOD;
	}
	if (b == HIL_ESC && !d->esc) {
		d->esc = 1;
		return HIL_FRAME_NONE;
	}
	if (d->esc) {
		if (b != 0xDC && b != 0xDD)
			d->bad = 1;
		b = b == 0xDC ? HIL_END : HIL_ESC;
		d->esc = 0;
	}
	if (d->len >= sizeof(d->buf))
		d->bad = 1;
	else
		d->buf[d->len++] = b;
	return HIL_FRAME_NONE;
}
