/* Message encoding and decoding; see proto.h. */
#include "wire/proto.h"

#include <string.h>

static size_t put_le(uint8_t *out, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * i));
	return (size_t)n;
}

static uint64_t get_le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

size_t hil_enc_hello(uint8_t *out, uint8_t tag)
{
	out[0] = HIL_OP_HELLO;
	out[1] = tag;
	return 2;
}

size_t hil_enc_poke(uint8_t *out, uint8_t port, uint64_t stamp, const uint8_t *val,
		    uint8_t len)
{
	out[0] = HIL_OP_POKE;
	out[1] = port;
	put_le(out + 2, stamp, 6);
	out[8] = len;
	memcpy(out + 9, val, len);
	return 9u + len;
}

size_t hil_enc_sample(uint8_t *out, uint8_t port, uint64_t stamp)
{
	out[0] = HIL_OP_SAMPLE;
	out[1] = port;
	put_le(out + 2, stamp, 6);
	return 8;
}

size_t hil_enc_watch(uint8_t *out, uint8_t port, uint64_t stamp, int on)
{
	out[0] = HIL_OP_WATCH;
	out[1] = port;
	put_le(out + 2, stamp, 6);
	out[8] = on ? 1 : 0;
	return 9;
}

size_t hil_enc_break(uint8_t *out, uint8_t unit, uint8_t port, uint64_t stamp, uint8_t cond,
		     const uint8_t *val, const uint8_t *mask, uint8_t len)
{
	out[0] = HIL_OP_BREAK;
	out[1] = unit;
	out[2] = port;
	put_le(out + 3, stamp, 6);
	out[9] = cond;
	out[10] = len;
	if (len) {
		memcpy(out + 11, val, len);
		memcpy(out + 11 + len, mask, len);
	}
	return 11u + 2u * len;
}

size_t hil_enc_run(uint8_t *out, uint64_t stamp)
{
	out[0] = HIL_OP_RUN;
	put_le(out + 1, stamp, 6);
	return 7;
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

int hil_msg_len(const uint8_t *p, size_t avail)
{
	if (avail < 1)
		return 0;
	int n;
	switch (p[0]) {
	case HIL_RE_HELLO:
		n = 25;
		break;
	case HIL_RE_SAMPLE:
	case HIL_RE_WATCH:
		if (avail < 9)
			return 0;
		n = 9 + p[8];
		break;
	case HIL_RE_BREAK:
		n = 8;
		break;
	case HIL_RE_ERROR:
		n = 9;
		break;
	case HIL_RE_RUN:
		n = 7;
		break;
	case HIL_RE_RESUME:
		n = 3;
		break;
	case HIL_RE_STATUS:
		n = 16;
		break;
	default:
		return -1;
	}
	return (size_t)n <= avail ? n : 0;
}

int hil_report_decode(const uint8_t *p, size_t n, struct hil_report *r)
{
	int len = hil_msg_len(p, n);
	if (len <= 0 || (size_t)len != n)
		return -1;
	memset(r, 0, sizeof(*r));
	r->op = p[0];
	switch (r->op) {
	case HIL_RE_HELLO:
		r->tag = p[1];
		r->version = p[2];
		r->cycle_bits = p[3];
		r->nports = p[4];
		r->max_port_bytes = p[5];
		r->nbreak = p[6];
		r->rx_log2 = p[7];
		r->tx_log2 = p[8];
		r->max_payload = (uint16_t)get_le(p + 9, 2);
		r->signature = get_le(p + 11, 8);
		r->cycle = get_le(p + 19, 6);
		break;
	case HIL_RE_SAMPLE:
	case HIL_RE_WATCH:
		r->port = p[1];
		r->cycle = get_le(p + 2, 6);
		r->len = p[8];
		r->value = p + 9;
		break;
	case HIL_RE_BREAK:
		r->unit = p[1];
		r->cycle = get_le(p + 2, 6);
		break;
	case HIL_RE_ERROR:
		r->code = p[1];
		r->cmd_op = p[2];
		r->cycle = get_le(p + 3, 6);
		break;
	case HIL_RE_RUN:
		r->cycle = get_le(p + 1, 6);
		break;
	case HIL_RE_RESUME:
		r->discarded = (uint16_t)get_le(p + 1, 2);
		break;
	default: /* HIL_RE_STATUS */
		r->cycle = get_le(p + 1, 6);
		r->crc_errors = (uint16_t)get_le(p + 7, 2);
		r->seq_errors = (uint16_t)get_le(p + 9, 2);
		r->frames_ok = (uint16_t)get_le(p + 11, 2);
		r->halted = p[13];
		r->phy_errors = (uint16_t)get_le(p + 14, 2);
		break;
	}
	return 0;
}

const char *hil_bridge_error_name(uint8_t code)
{
	static const char *const names[] = {
		"?",
		"unknown opcode",
		"no such port",
		"value length differs from the port's",
		"stamp before the current cycle",
		"poke to an output",
		"no such break unit",
		"bad break condition",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown error";
}
