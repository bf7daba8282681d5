/* Messages inside the link streams (docs/protocol.md, section 3): encoders
 * for commands, the length of a report from its first bytes, and a decoder
 * that checks every field it returns. */
#ifndef HIL_PROTO_H
#define HIL_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* Commands: the high nibble of the first byte is the command, the low one
 * its stamp delta (HIL_DELTA_LONG: two bytes follow with it); the
 * immediate commands (no stamp) are whole bytes. */
enum {
	HIL_OP_HELLO = 0x01,
	HIL_OP_RESUME = 0x07,
	HIL_OP_STATUS = 0x08,
	HIL_OP_WAIT = 0x10,
	HIL_OP_POKE = 0x20,
	HIL_OP_SAMPLE = 0x30,
	HIL_OP_WATCH = 0x40,
	HIL_OP_UNWATCH = 0x50,
	HIL_OP_BREAK = 0x60,
	HIL_OP_RUN = 0x70,
};

/* Reports: the high nibble of the first byte; the low one the cycles
 * since the previous report (HIL_DELTA_LONG: two bytes follow with them).
 * HELLO_R is the byte 0x81 and TICK_R 0x8F. */
enum {
	HIL_RE_HELLO = 0x81,
	HIL_RE_TICK = 0x8F,
	HIL_RE_SAMPLE = 0x90,
	HIL_RE_WATCH = 0xA0,
	HIL_RE_BREAK = 0xB0,
	HIL_RE_ERROR = 0xC0,
	HIL_RE_RUN = 0xD0,
	HIL_RE_RESUME = 0xE0,
	HIL_RE_STATUS = 0xF0,
};

#define HIL_PROTO_VERSION 2
#define HIL_DELTA_LONG    15
#define HIL_DELTA_MAX     0xFFFFu      /* the longest stamp delta of one command */
#define HIL_MSG_MAX       (5 + 2 * 32) /* the longest command: BREAK of 256 bits */

/* Command encoders: write into out (HIL_MSG_MAX bytes), return the length.
 * `delta` is the cycles the bridge advances before executing the command. */
size_t hil_enc_hello(uint8_t *out, uint8_t tag);
size_t hil_enc_wait(uint8_t *out, uint16_t delta);
size_t hil_enc_poke(uint8_t *out, uint16_t delta, uint8_t port, const uint8_t *val,
		    uint8_t len);
size_t hil_enc_sample(uint8_t *out, uint16_t delta, uint8_t port);
size_t hil_enc_watch(uint8_t *out, uint16_t delta, uint8_t port, int on);
/* cond 0 disarms `unit`, and then port, val and mask are not sent. */
size_t hil_enc_break(uint8_t *out, uint16_t delta, uint8_t unit, uint8_t port, uint8_t cond,
		     const uint8_t *val, const uint8_t *mask, uint8_t len);
size_t hil_enc_run(uint8_t *out, uint16_t delta);
size_t hil_enc_resume(uint8_t *out);
size_t hil_enc_status(uint8_t *out);

/* The byte count of each port, by index: a value's length is its port's. */
struct hil_port_bytes {
	const uint8_t *nbytes;
	size_t n;
};

/* Length of the report starting at p: 0 if more bytes are needed, -1 if the
 * opcode is unknown or it names a port not in pb. A version 1 HELLO_R is
 * measured too, so that its version can be read and refused. */
int hil_msg_len(const uint8_t *p, size_t avail, const struct hil_port_bytes *pb);

struct hil_report {
	uint8_t op; /* HIL_RE_*, the delta nibble cleared */
	uint8_t port, unit, code, cmd_op, tag;
	uint8_t len;          /* of value: the port's byte count */
	uint16_t delta;       /* cycles since the previous report */
	uint64_t cycle;       /* left for the caller, who adds the deltas up */
	const uint8_t *value; /* len bytes, inside the message */
	uint16_t discarded;
	/* HELLO_R */
	uint8_t version, nports, nbreak;
	uint8_t rx_log2, tx_log2;
	uint16_t max_payload;
	uint64_t signature;
	/* STATUS_R */
	uint16_t crc_errors, seq_errors, frames_ok, phy_errors;
	uint8_t halted;
};

/* Decodes one complete report (as delimited by hil_msg_len). */
int hil_report_decode(const uint8_t *p, size_t n, const struct hil_port_bytes *pb,
		      struct hil_report *r);

const char *hil_bridge_error_name(uint8_t code);

#endif
