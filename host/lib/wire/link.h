/* The host side of the link layer (docs/protocol.md, section 2): two reliable
 * byte streams over a lossy transport, go-back-N retransmission driven by our
 * timers, and credit flow control both ways. Single-threaded: nothing moves
 * unless hil_link_pump() runs, and every wait inside it is bounded. */
#ifndef HIL_LINK_H
#define HIL_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "wire/frame.h"
#include "wire/proto.h"
#include "transport/transport.h"

#define HIL_LINK_TXCAP 16384 /* our unacknowledged bytes, at most */
#define HIL_LINK_RXCAP 16384 /* bytes of an incomplete report, at most */
/* The most of a session's commands kept for a replay (t->can_restart). */
#define HIL_LINK_LOG_MAX (64u << 20)

/* Called for each complete report, in stream order. Returns 0, or -1 to
 * declare the stream broken (the message must then be in the link's err). */
typedef int (*hil_link_msg_fn)(void *ctx, const uint8_t *msg, size_t n);

struct hil_link {
	struct hil_transport *t;
	hil_link_msg_fn on_msg;
	void *ctx;
	/* The DUT's port sizes, which reports' lengths depend on: set before
	 * the first command that asks for a value. */
	struct hil_port_bytes ports;

	uint8_t tx[HIL_LINK_TXCAP];
	uint16_t tx_acked; /* oldest unacknowledged offset, at tx[0] */
	size_t tx_len;     /* bytes held from tx_acked on */
	uint16_t tx_next;  /* next offset to put on the wire */
	uint16_t tx_hi;    /* highest offset sent so far */
	uint16_t peer_limit;
	size_t maxpay; /* the bridge's largest payload */

	uint16_t rx_exp;
	uint16_t rx_ack_sent;
	uint16_t limit_sent;
	int want_nak;
	int want_ack; /* a duplicate came: the bridge has not heard our ack */
	uint8_t rx[HIL_LINK_RXCAP];
	size_t rx_len;
	struct hil_frame_dec dec;

	int synced;
	uint16_t nonce;
	uint64_t last_rx_ms, last_ack_ms, last_nak_ms, last_retx_ms;
	/* Since when the oldest byte on the wire has waited for its ack: a
	 * bridge that keeps answering but never takes our data is as dead as
	 * a silent one. */
	uint64_t stall_ms;
	int dead_ms;

	/* Over a transport that can restart its bridge (t->can_restart), every
	 * byte of our stream since the link opened, so that a bridge back at
	 * the session's start can be brought to where it was: we send it all
	 * again (tx refills from log[replay_pos]) and drop the first rx_skip
	 * bytes it answers, which we have had. */
	int log_on;
	uint8_t *log;
	size_t log_len, log_cap, replay_pos;
	uint64_t rx_total, rx_skip;
	unsigned restarts; /* t->restarts when we last synchronised */

	unsigned long frames_in, frames_out, bad_frames, retransmits, naks, replays;
	int dead;
	char err[512];
};

/* Synchronises with the bridge (SYNC/SYNC_ACK). The link owns `t` from now
 * on, also on failure. Returns 0, or -1 with l->err set. */
int hil_link_open(struct hil_link *l, struct hil_transport *t, hil_link_msg_fn on_msg,
		  void *ctx);
void hil_link_close(struct hil_link *l);

/* Appends one command to the stream, pumping while the buffer is full. */
int hil_link_send(struct hil_link *l, const uint8_t *msg, size_t n);

/* Sends what credit allows, waits up to timeout_ms for bytes, handles what
 * came, and runs the timers. `expecting` says a reply is awaited, so silence
 * from the bridge is a loss to recover from, not rest. Returns -1 once the
 * link is dead. */
int hil_link_pump(struct hil_link *l, int timeout_ms, int expecting);

/* True when every byte we sent has been acknowledged. */
int hil_link_drained(const struct hil_link *l);

#endif
