/* Messages inside the link streams (docs/protocol.md, section 3): encoders
 * for commands, the length of a report from its first bytes, and a decoder
 * that checks every field it returns. */
#ifndef HIL_PROTO_H
#define HIL_PROTO_H

#include <stddef.h>
#include <stdint.h>

enum {
	HIL_OP_HELLO = 0x01,
	HIL_OP_POKE = 0x02,
	HIL_OP_SAMPLE = 0x03,
	HIL_OP_WATCH = 0x04,
	HIL_OP_BREAK = 0x05,
	HIL_OP_RUN = 0x06,
	HIL_OP_RESUME = 0x07,
	HIL_OP_STATUS = 0x08,
	HIL_RE_HELLO = 0x81,
	HIL_RE_SAMPLE = 0x82,
	HIL_RE_WATCH = 0x83,
	HIL_RE_BREAK = 0x84,
	HIL_RE_ERROR = 0x85,
	HIL_RE_RUN = 0x86,
	HIL_RE_RESUME = 0x87,
	HIL_RE_STATUS = 0x88,
};

#define HIL_PROTO_VERSION 1
#define HIL_MSG_MAX       (11 + 2 * 32) /* the longest command: BREAK of 256 bits */

/* Command encoders: write into out (HIL_MSG_MAX bytes), return the length. */
size_t hil_enc_hello(uint8_t *out, uint8_t tag);
size_t hil_enc_poke(uint8_t *out, uint8_t port, uint64_t stamp, const uint8_t *val,
		    uint8_t len);
size_t hil_enc_sample(uint8_t *out, uint8_t port, uint64_t stamp);
size_t hil_enc_watch(uint8_t *out, uint8_t port, uint64_t stamp, int on);
size_t hil_enc_break(uint8_t *out, uint8_t unit, uint8_t port, uint64_t stamp, uint8_t cond,
		     const uint8_t *val, const uint8_t *mask, uint8_t len);
size_t hil_enc_run(uint8_t *out, uint64_t stamp);
size_t hil_enc_resume(uint8_t *out);
size_t hil_enc_status(uint8_t *out);

/* Length of the report starting at p: 0 if more bytes are needed, -1 if the
 * opcode is unknown. */
int hil_msg_len(const uint8_t *p, size_t avail);

struct hil_report {
	uint8_t op;
	uint8_t port, unit, code, cmd_op, tag, len;
	uint64_t cycle;
	const uint8_t *value; /* len bytes, inside the message */
	uint16_t discarded;
	/* HELLO_R */
	uint8_t version, cycle_bits, nports, max_port_bytes, nbreak;
	uint8_t rx_log2, tx_log2;
	uint16_t max_payload;
	uint64_t signature;
	/* STATUS_R */
	uint16_t crc_errors, seq_errors, frames_ok, phy_errors;
	uint8_t halted;
};

/* Decodes one complete report (as delimited by hil_msg_len). */
int hil_report_decode(const uint8_t *p, size_t n, struct hil_report *r);

const char *hil_bridge_error_name(uint8_t code);

#endif
