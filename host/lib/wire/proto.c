/* Message encoding and decoding; see proto.h. */
#include "wire/proto.h"

#include <string.h>

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* The first byte of a stamped command, and its long delta if it has one. */
static size_t head(uint8_t *out, uint8_t op, uint16_t delta)
{
	if (delta < HIL_DELTA_LONG) {
		out[0] = (uint8_t)(op | delta);
		return 1;
	}
	out[0] = op | HIL_DELTA_LONG;
	out[1] = (uint8_t)delta;
	out[2] = (uint8_t)(delta >> 8);
	return 3;
}

size_t hil_enc_hello(uint8_t *out, uint8_t tag)
{
	out[0] = HIL_OP_HELLO;
	out[1] = tag;
	return 2;
}

size_t hil_enc_wait(uint8_t *out, uint16_t delta)
{
	return head(out, HIL_OP_WAIT, delta);
}

size_t hil_enc_poke(uint8_t *out, uint16_t delta, uint8_t port, const uint8_t *val,
		    uint8_t len)
{
	size_t n = head(out, HIL_OP_POKE, delta);
	out[n++] = port;
	memcpy(out + n, val, len);
	return n + len;
}

size_t hil_enc_sample(uint8_t *out, uint16_t delta, uint8_t port)
{
	size_t n = head(out, HIL_OP_SAMPLE, delta);
	out[n++] = port;
	return n;
}

size_t hil_enc_watch(uint8_t *out, uint16_t delta, uint8_t port, int on)
{
	size_t n = head(out, on ? HIL_OP_WATCH : HIL_OP_UNWATCH, delta);
	out[n++] = port;
	return n;
}

size_t hil_enc_break(uint8_t *out, uint16_t delta, uint8_t unit, uint8_t port, uint8_t cond,
		     const uint8_t *val, const uint8_t *mask, uint8_t len)
{
	size_t n = head(out, HIL_OP_BREAK, delta);
	out[n++] = (uint8_t)(cond << 4 | (unit & 0x0F));
	if (!cond)
		return n;
	out[n++] = port;
	memcpy(out + n, val, len);
	memcpy(out + n + len, mask, len);
	return n + 2u * len;
}

size_t hil_enc_run(uint8_t *out, uint16_t delta)
{
	return head(out, HIL_OP_RUN, delta);
}

size_t hil_enc_resume(uint8_t *out)
{
	out[0] = HIL_OP_RESUME;
	return 1;
}

size_t hil_enc_status(uint8_t *out)
{
	out[0] = HIL_OP_STATUS;
	return 1;
}

/* Bytes of a report's fields after its first byte and delta. */
static int fields_of(uint8_t kind)
{
	switch (kind) {
	case HIL_RE_SAMPLE:
	case HIL_RE_WATCH:
	case HIL_RE_BREAK:
		return 1; /* SAMPLE_R, WATCH_R: the port, then its value */
	case HIL_RE_ERROR:
	case HIL_RE_RESUME:
		return 2;
	case HIL_RE_STATUS:
		return 9;
	default: /* HIL_RE_RUN */
		return 0;
	}
}

int hil_msg_len(const uint8_t *p, size_t avail, const struct hil_port_bytes *pb)
{
	if (avail < 1)
		return 0;
	size_t n;
	if (p[0] == HIL_RE_HELLO) {
		if (avail < 3)
			return 0;
		n = p[2] == 1 ? 25 : 17;
	} else if (p[0] == HIL_RE_TICK) {
		n = 3;
	} else if (p[0] >= HIL_RE_SAMPLE) {
		size_t h = (p[0] & 0x0F) == HIL_DELTA_LONG ? 3 : 1;
		n = h + (size_t)fields_of(p[0] & 0xF0);
		if ((p[0] & 0xF0) == HIL_RE_SAMPLE || (p[0] & 0xF0) == HIL_RE_WATCH) {
			if (avail < n)
				return 0;
			if (p[n - 1] >= pb->n)
				return -1;
			n += pb->nbytes[p[n - 1]];
		}
	} else {
		return -1;
	}
	return n <= avail ? (int)n : 0;
}

int hil_report_decode(const uint8_t *p, size_t n, const struct hil_port_bytes *pb,
		      struct hil_report *r)
{
	int len = hil_msg_len(p, n, pb);
	if (len <= 0 || (size_t)len != n)
		return -1;
	memset(r, 0, sizeof(*r));
	if (p[0] == HIL_RE_HELLO) {
		r->op = HIL_RE_HELLO;
		r->tag = p[1];
		r->version = p[2];
		if (r->version == 1) /* only to be refused */
			return 0;
		r->nports = p[3];
		r->nbreak = p[4];
		r->rx_log2 = p[5];
		r->tx_log2 = p[6];
		r->max_payload = (uint16_t)get_le(p + 7, 2);
		r->signature = get_le(p + 9, 8);
		return 0;
	}
	size_t h = 1;
	if ((p[0] & 0x0F) == HIL_DELTA_LONG) {
		r->delta = (uint16_t)get_le(p + 1, 2);
		h = 3;
	} else {
		r->delta = p[0] & 0x0F;
	}
	r->op = p[0] == HIL_RE_TICK ? HIL_RE_TICK : (uint8_t)(p[0] & 0xF0);
	const uint8_t *f = p + h;
	switch (r->op) {
	case HIL_RE_SAMPLE:
	case HIL_RE_WATCH:
		r->port = f[0];
		r->len = pb->nbytes[f[0]];
		r->value = f + 1;
		break;
	case HIL_RE_BREAK:
		r->unit = f[0];
		break;
	case HIL_RE_ERROR:
		r->code = f[0];
		r->cmd_op = f[1];
		break;
	case HIL_RE_RESUME:
		r->discarded = (uint16_t)get_le(f, 2);
		break;
	case HIL_RE_STATUS:
		r->crc_errors = (uint16_t)get_le(f, 2);
		r->seq_errors = (uint16_t)get_le(f + 2, 2);
		r->frames_ok = (uint16_t)get_le(f + 4, 2);
		r->halted = f[6];
		r->phy_errors = (uint16_t)get_le(f + 7, 2);
		break;
	default: /* RUN_R, TICK_R */
		break;
	}
	return 0;
}

const char *hil_bridge_error_name(uint8_t code)
{
	/* Codes 3 and 4 (a value's length, a late stamp) were version 1's. */
	static const char *const names[] = {
		[1] = "unknown opcode",      [2] = "no such port",
		[5] = "poke to an output",   [6] = "no such break unit",
		[7] = "bad break condition",
	};
	return code < sizeof(names) / sizeof(names[0]) && names[code] ? names[code]
								      : "unknown error";
}
