/* Host link layer; see link.h and docs/protocol.md section 2. */
#include "wire/link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wire/proto.h"
#include "util/errfmt.h"
#include "util/clock.h"

#define SYNC_TRIES_MS 10000 /* a model or board may take a while to come up */

/* Window arithmetic: is b at or after a, and less than half the space on? */
static int within(uint16_t a, uint16_t b, uint16_t c)
{
	return (uint16_t)(b - a) <= (uint16_t)(c - a);
}

static int fail(struct hil_link *l, const char *msg)
{
	if (!l->dead)
		hil_fail(l->err, sizeof(l->err), "%s", msg);
	l->dead = 1;
	return -1;
}

/* The transport has put the bridge back where the session began: nothing
 * more of the old stream may reach it, only a SYNC (start_over). */
static int restarted(const struct hil_link *l)
{
	return l->t->restarts != l->restarts;
}

/* Bytes of the log are still to go back into tx. */
static int replaying(const struct hil_link *l)
{
	return l->log_on && l->replay_pos < l->log_len;
}

static int write_all(struct hil_link *l, const uint8_t *p, size_t n)
{
	uint64_t start = hil_mono_ms();
	while (n && !restarted(l)) {
		ssize_t r = l->t->ops->write(l->t, p, n);
		if (r < 0)
			return fail(l, l->t->err);
		p += r;
		n -= (size_t)r;
		if (n == 0 || restarted(l))
			break;
		if (hil_mono_ms() - start > (uint64_t)l->dead_ms)
			return fail(l, "link: the bridge stopped taking bytes");
		if (l->t->ops->wait(l->t, 1, 10) < 0)
			return fail(l, l->t->err);
	}
	return 0;
}

static uint16_t my_limit(const struct hil_link *l)
{
	size_t room = HIL_LINK_RXCAP - l->rx_len;
	if (room > 32767)
		room = 32767;
	return (uint16_t)(l->rx_exp + room);
}

static int send_frame(struct hil_link *l, uint8_t flags, uint16_t seq, const uint8_t *pay,
		      size_t n)
{
	uint8_t wire[HIL_FRAME_WIRE_MAX(HIL_FRAME_MAXPAY)];
	struct hil_frame_hdr h = {flags, l->rx_exp, seq, my_limit(l)};
	size_t len = hil_frame_encode(&h, pay, n, wire);
	l->rx_ack_sent = h.ack;
	l->want_ack = 0;
	l->limit_sent = h.limit;
	l->frames_out++;
	if (flags & HIL_FL_NAK) {
		l->want_nak = 0;
		l->naks++;
	}
	return write_all(l, wire, len);
}

/* Bytes of ours the bridge has room for, from tx_next on. */
static size_t sendable(const struct hil_link *l)
{
	uint16_t end = (uint16_t)(l->tx_acked + l->tx_len);
	if (!within(l->tx_acked, l->tx_next, end))
		return 0;
	size_t n = (uint16_t)(end - l->tx_next);
	size_t credit = within(l->tx_acked, l->tx_next, l->peer_limit)
		? (uint16_t)(l->peer_limit - l->tx_next)
		: 0;
	return n < credit ? n : credit;
}

/* Moves what the log holds beyond tx back into tx, as room allows. */
static void refill(struct hil_link *l)
{
	size_t k = l->log_len - l->replay_pos;
	if (!replaying(l) || HIL_LINK_TXCAP == l->tx_len)
		return;
	if (k > HIL_LINK_TXCAP - l->tx_len)
		k = HIL_LINK_TXCAP - l->tx_len;
	if (l->tx_len == 0)
		l->last_ack_ms = hil_mono_ms();
	memcpy(l->tx + l->tx_len, l->log + l->replay_pos, k);
	l->tx_len += k;
	l->replay_pos += k;
}

/* A standalone ack of fewer bytes than this waits for the next pump: a
 * command sent meanwhile carries it in its frame's header (a lock-step
 * loop's every round trip would otherwise cost an extra frame), and the
 * bridge, whose ring holds far more, is not held up by it. */
#define LAZY_ACK 64

/* Sends what credit allows; lazy: at the end of a pump, an ack of little
 * is put off (LAZY_ACK). */
static int transmit(struct hil_link *l, int lazy)
{
	size_t n;
	refill(l);
	while (!restarted(l) && (n = sendable(l)) > 0) {
		if (n > l->maxpay)
			n = l->maxpay;
		size_t off = (uint16_t)(l->tx_next - l->tx_acked);
		if (l->tx_hi == l->tx_acked)
			l->stall_ms = hil_mono_ms();
		if (send_frame(l, HIL_FL_DATA | (l->want_nak ? HIL_FL_NAK : 0), l->tx_next,
			       l->tx + off, n) < 0)
			return -1;
		l->tx_next = (uint16_t)(l->tx_next + n);
		if (within(l->tx_acked, l->tx_hi, l->tx_next))
			l->tx_hi = l->tx_next;
	}
	if (restarted(l))
		return 0;
	/* Acknowledge when the bridge may be waiting on us: new data taken, or
	 * room freed that it may need to go on. */
	uint16_t unacked = (uint16_t)(l->rx_exp - l->rx_ack_sent);
	if (l->want_nak || l->want_ack || (unacked && (!lazy || unacked >= LAZY_ACK)) ||
	    (uint16_t)(my_limit(l) - l->limit_sent) >= HIL_LINK_RXCAP / 4)
		return send_frame(l, l->want_nak ? HIL_FL_NAK : 0, 0, NULL, 0);
	return 0;
}

static int deliver(struct hil_link *l)
{
	size_t off = 0;
	while (off < l->rx_len) {
		int n = hil_msg_len(l->rx + off, l->rx_len - off, &l->ports);
		if (n < 0)
			return fail(l,
				    "link: the bridge sent a report hil does not "
				    "know (wrong protocol version?)");
		if (n == 0)
			break;
		if (l->on_msg(l->ctx, l->rx + off, (size_t)n) < 0) {
			l->dead = 1;
			return -1;
		}
		off += (size_t)n;
	}
	memmove(l->rx, l->rx + off, l->rx_len - off);
	l->rx_len -= off;
	return 0;
}

static int on_frame(struct hil_link *l, const struct hil_frame_hdr *h, const uint8_t *pay,
		    size_t n)
{
	uint64_t now = hil_mono_ms();
	l->frames_in++;
	if (h->flags & HIL_FL_SYNC_ACK) {
		if (!l->synced && h->seq == l->nonce) {
			l->synced = 1;
			l->peer_limit = h->limit;
			l->last_rx_ms = l->last_ack_ms = now;
		}
		return 0;
	}
	if (!l->synced)
		return 0;
	l->last_rx_ms = now;
	/* The bridge takes each ack from its receive offset when a frame
	 * starts, so acks never go back while it lives. One that does comes
	 * from a bridge that started afresh: its board was reset or lost
	 * power, and the DUT's state went with it. */
	if ((uint16_t)(l->tx_acked - h->ack) - 1u < 0x7fffu)
		return fail(l,
			    "link: the bridge has restarted (it acknowledges "
			    "less than it did): its board was reset or lost "
			    "power, and the DUT's state is gone; run again");
	if (within(l->tx_acked, h->ack, l->tx_hi)) {
		uint16_t d = (uint16_t)(h->ack - l->tx_acked);
		if (d) {
			memmove(l->tx, l->tx + d, l->tx_len - d);
			l->tx_len -= d;
			l->tx_acked = h->ack;
			l->last_ack_ms = l->stall_ms = now;
		}
		if (!within(l->tx_acked, l->tx_next, l->tx_hi))
			l->tx_next = l->tx_acked;
	}
	l->peer_limit = h->limit;
	/* Go back on a NAK, but once per round trip: a burst of frames behind
	 * one loss brings one NAK each. */
	if ((h->flags & HIL_FL_NAK) && l->tx_next != l->tx_acked &&
	    now - l->last_retx_ms >= (uint64_t)(l->t->rto_ms / 4)) {
		l->tx_next = l->tx_acked;
		l->last_retx_ms = now;
		l->retransmits++;
	}
	if (!(h->flags & HIL_FL_DATA))
		return 0;
	if (h->seq == l->rx_exp) {
		size_t had = l->rx_skip < n ? (size_t)l->rx_skip : n;
		if (n - had > HIL_LINK_RXCAP - l->rx_len)
			return 0; /* beyond the limit we gave: the bridge resends */
		l->rx_skip -= had;
		memcpy(l->rx + l->rx_len, pay + had, n - had);
		l->rx_len += n - had;
		l->rx_total += n - had;
		l->rx_exp = (uint16_t)(l->rx_exp + n);
		return deliver(l);
	}
	if ((uint16_t)(h->seq - l->rx_exp) < 0x8000)
		l->want_nak = 1; /* a gap: something before it was lost */
	else
		l->want_ack = 1; /* a duplicate: re-ack at once */
	return 0;
}

static int receive(struct hil_link *l)
{
	uint8_t buf[8192];
	for (;;) {
		ssize_t r = l->t->ops->read(l->t, buf, sizeof(buf));
		if (r < 0)
			return fail(l, l->t->err);
		if (r == 0 || restarted(l))
			return 0;
		for (ssize_t i = 0; i < r; i++) {
			struct hil_frame_hdr h;
			const uint8_t *pay;
			size_t n;
			switch (hil_frame_dec_byte(&l->dec, buf[i], &h, &pay, &n)) {
			case HIL_FRAME_GOOD:
				if (on_frame(l, &h, pay, n) < 0)
					return -1;
				break;
			case HIL_FRAME_BAD:
				/* Before the answer to our SYNC, a spoilt frame is
				 * what the bridge was sending when a SYNC of ours
				 * reset it (its answer to one sent before, which
				 * took longer than a timeout): not the line's doing. */
				if (l->synced) {
					l->bad_frames++;
					l->want_nak = 1;
				}
				break;
			default:
				break;
			}
		}
	}
}

static int start_over(struct hil_link *l);

int hil_link_pump(struct hil_link *l, int timeout_ms, int expecting)
{
	if (l->dead)
		return -1;
	if (restarted(l))
		return start_over(l);
	if (transmit(l, 0) < 0)
		return -1;
	if (!restarted(l) && l->t->ops->wait(l->t, 0, timeout_ms) < 0)
		return fail(l, l->t->err);
	if (!restarted(l) && receive(l) < 0)
		return -1;
	if (restarted(l))
		return start_over(l);

	uint64_t now = hil_mono_ms();
	uint64_t rto = (uint64_t)l->t->rto_ms;
	/* Our data unacknowledged for a timeout: resend it all. */
	if (l->tx_len && now - l->last_ack_ms >= rto && now - l->last_retx_ms >= rto) {
		l->tx_next = l->tx_acked;
		l->last_retx_ms = now;
		l->retransmits++;
	}
	/* Waiting and hearing nothing: ask the bridge to resend. It answers a
	 * NAK even when it has nothing to resend, so silence means trouble. */
	if ((expecting || l->tx_len) && now - l->last_rx_ms >= rto &&
	    now - l->last_nak_ms >= rto) {
		l->want_nak = 1;
		l->last_nak_ms = now;
	}
	if ((expecting || l->tx_len) && now - l->last_rx_ms >= (uint64_t)l->dead_ms) {
		char msg[128];
		snprintf(msg, sizeof(msg), "link: no answer from the bridge for %d ms",
			 l->dead_ms);
		return fail(l, msg);
	}
	if (l->tx_hi != l->tx_acked && now - l->stall_ms >= (uint64_t)l->dead_ms) {
		char msg[256];
		snprintf(msg, sizeof(msg),
			 "link: the bridge answers but took none of "
			 "our data for %d ms (%lu spoilt frames, %lu resends): the "
			 "line loses too much; check the baud rate and the cable",
			 l->dead_ms, l->bad_frames, l->retransmits);
		return fail(l, msg);
	}
	return transmit(l, 1);
}

static int grow_log(struct hil_link *l, size_t need)
{
	if (need > HIL_LINK_LOG_MAX)
		return -1;
	size_t cap = l->log_cap ? l->log_cap : 65536;
	while (cap < need)
		cap *= 2;
	if (cap > HIL_LINK_LOG_MAX)
		cap = HIL_LINK_LOG_MAX;
	uint8_t *p = realloc(l->log, cap);
	if (!p)
		return -1;
	l->log = p;
	l->log_cap = cap;
	return 0;
}

static int too_long(struct hil_link *l, const char *what)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "link: %s the %u MiB hil keeps to replay it: run again",
		 what, HIL_LINK_LOG_MAX >> 20);
	return fail(l, msg);
}

/* Appends to the replay log. A session that outgrows it goes on without
 * one: only a restart of its bridge would need it, and that then ends the
 * run (start_over). */
static int keep(struct hil_link *l, const uint8_t *msg, size_t n)
{
	if (!l->log_on)
		return 0;
	if (l->log_len + n > l->log_cap && grow_log(l, l->log_len + n) < 0) {
		if (replaying(l))
			return too_long(l,
					"while hil replayed the session after a "
					"power cut, it grew past");
		free(l->log);
		l->log = NULL;
		l->log_on = 0;
		l->log_len = l->log_cap = l->replay_pos = 0;
		return 0;
	}
	memcpy(l->log + l->log_len, msg, n);
	l->log_len += n;
	return 0;
}

int hil_link_send(struct hil_link *l, const uint8_t *msg, size_t n)
{
	if (n > HIL_LINK_TXCAP)
		return fail(l, "link: message larger than the send buffer");
	/* While a replay refills tx from the log, new commands queue behind
	 * it in the log alone. */
	while (!replaying(l) && HIL_LINK_TXCAP - l->tx_len < n)
		if (hil_link_pump(l, 10, 1) < 0)
			return -1;
	int direct = !replaying(l);
	if (direct) {
		if (l->tx_len == 0)
			l->last_ack_ms = hil_mono_ms();
		memcpy(l->tx + l->tx_len, msg, n);
		l->tx_len += n;
	}
	if (keep(l, msg, n) < 0)
		return -1;
	if (direct && l->log_on)
		l->replay_pos = l->log_len;
	return 0;
}

int hil_link_drained(const struct hil_link *l)
{
	return l->tx_len == 0 && !replaying(l);
}

/* SYNC until the bridge answers with our nonce. Whatever the transport
 * restarts meanwhile has had nothing but SYNC from us, so it needs no more. */
static int synchronise(struct hil_link *l)
{
	struct hil_transport *t = l->t;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	l->nonce = (uint16_t)(ts.tv_nsec ^ getpid());
	uint64_t start = hil_mono_ms(), last = 0;
	while (!l->synced) {
		l->restarts = t->restarts;
		uint64_t now = hil_mono_ms();
		if (now - start > SYNC_TRIES_MS && l->frames_in)
			return fail(l,
				    "link: the bridge answers but none of our SYNC "
				    "frames got through: the line loses too much; "
				    "check the baud rate and the cable");
		if (now - start > SYNC_TRIES_MS)
			return fail(l,
				    "link: no answer to SYNC: is the target running "
				    "hil's bridge gateware?");
		if (now - last >= (uint64_t)t->rto_ms) {
			if (send_frame(l, HIL_FL_SYNC, l->nonce, NULL, 0) < 0)
				return -1;
			last = now;
		}
		if (t->ops->wait(t, 0, t->rto_ms) < 0)
			return fail(l, t->err);
		if (receive(l) < 0)
			return -1;
	}
	return 0;
}

/* The transport put the bridge back where the session began (its board
 * lost power and was configured again): synchronise afresh and send the
 * whole session again. The bridge answers it byte for byte as it did the
 * first time, since its reports are a function of the commands and the DUT
 * (docs/protocol.md, section 4; STATUS_R's error counts aside, which are
 * as long), so of its answers we drop as many bytes as we have had. */
static int start_over(struct hil_link *l)
{
	if (!l->log_on)
		return too_long(l,
				"the board lost power and was set up again, but "
				"the session had sent more than");
	l->tx_acked = l->tx_next = l->tx_hi = 0;
	l->tx_len = l->replay_pos = 0;
	l->rx_exp = l->rx_ack_sent = l->limit_sent = 0;
	l->want_nak = 0;
	l->rx_skip = l->rx_total;
	hil_frame_dec_init(&l->dec);
	l->synced = 0;
	l->replays++;
	return synchronise(l);
}

int hil_link_open(struct hil_link *l, struct hil_transport *t, hil_link_msg_fn on_msg,
		  void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->t = t;
	l->on_msg = on_msg;
	l->ctx = ctx;
	l->maxpay = 64; /* until HELLO_R says how much the bridge takes */
	l->dead_ms = 5000;
	l->log_on = t->can_restart;
	hil_frame_dec_init(&l->dec);
	return synchronise(l);
}

void hil_link_close(struct hil_link *l)
{
	if (l->t)
		l->t->ops->close(l->t);
	l->t = NULL;
	free(l->log);
	l->log = NULL;
}
