/* The host link layer's sequence, ack and credit logic, frame by frame.
 * The "bridge" here is a byte pipe the test writes frames into and reads the
 * host's frames out of; every frame is built with the codec that
 * tests/fixtures/vectors/frames.vec checks. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "wire/frame.h"
#include "wire/link.h"
#include "wire/proto.h"

struct pipe {
	struct hil_transport t;
	uint8_t in[65536]; /* bytes for the host to read */
	size_t in_len, in_pos;
	uint8_t out[1 << 20]; /* bytes the host wrote */
	size_t out_len, out_pos;
	size_t accept; /* write at most this many bytes per call (0: all) */
};

/* The reports below are SAMPLE_Rs of port 0, a 5-byte port: 7 bytes each. */
static const uint8_t port_sizes[] = {5};
static const struct hil_port_bytes five_byte_port = {port_sizes, 1};

static ssize_t p_write(struct hil_transport *t, const void *p, size_t n)
{
	struct pipe *x = (struct pipe *)t;
	if (x->accept && n > x->accept)
		n = x->accept;
	if (n > sizeof(x->out) - x->out_len)
		n = sizeof(x->out) - x->out_len;
	memcpy(x->out + x->out_len, p, n);
	x->out_len += n;
	return (ssize_t)n;
}

static ssize_t p_read(struct hil_transport *t, void *p, size_t n)
{
	struct pipe *x = (struct pipe *)t;
	size_t a = x->in_len - x->in_pos;
	if (n > a)
		n = a;
	memcpy(p, x->in + x->in_pos, n);
	x->in_pos += n;
	return (ssize_t)n;
}

static int p_wait(struct hil_transport *t, int w, int ms)
{
	(void)t, (void)w, (void)ms;
	return 0;
}

static void p_close(struct hil_transport *t)
{
	(void)t;
}

static const struct hil_transport_ops pipe_ops = {
	.write = p_write, .read = p_read, .wait = p_wait, .close = p_close};
static struct pipe pp;
static struct hil_link lk;

static uint8_t got[4096];
static size_t got_len;
static int got_msgs;

static int on_msg(void *ctx, const uint8_t *m, size_t n)
{
	(void)ctx;
	memcpy(got + got_len, m, n);
	got_len += n;
	got_msgs++;
	return 0;
}

static void feed(uint8_t flags, uint16_t ack, uint16_t seq, uint16_t limit, const uint8_t *pay,
		 size_t n)
{
	struct hil_frame_hdr h = {flags, ack, seq, limit};
	pp.in_len += hil_frame_encode(&h, pay, n, pp.in + pp.in_len);
}

/* Decodes the next frame the host wrote; 0 if there is none. */
static int host_frame(struct hil_frame_hdr *h, uint8_t *pay, size_t *n)
{
	static struct hil_frame_dec d;
	while (pp.out_pos < pp.out_len) {
		const uint8_t *p;
		if (hil_frame_dec_byte(&d, pp.out[pp.out_pos++], h, &p, n) == HIL_FRAME_GOOD) {
			memcpy(pay, p, *n);
			return 1;
		}
	}
	return 0;
}

/* The last frame the host wrote since the previous call. */
static int last_frame(struct hil_frame_hdr *h)
{
	uint8_t pay[2048];
	size_t n;
	int any = 0;
	while (host_frame(h, pay, &n))
		any = 1;
	return any;
}

/* Answers the host's SYNC the way the bridge does, echoing its nonce. */
static int answered;

static void answer_sync(void)
{
	struct hil_frame_dec d;
	hil_frame_dec_init(&d);
	for (size_t i = 0; i < pp.out_len && !answered; i++) {
		struct hil_frame_hdr h;
		const uint8_t *p;
		size_t n;
		if (hil_frame_dec_byte(&d, pp.out[i], &h, &p, &n) == HIL_FRAME_GOOD &&
		    h.flags == HIL_FL_SYNC) {
			/* A SYNC_ACK cut short by a second SYNC of the host's. */
			size_t at = pp.in_len;
			feed(HIL_FL_SYNC_ACK, 0, h.seq, 0x0400, NULL, 0);
			pp.in[at + 5] = 0xC0;
			pp.in_len = at + 6;
			feed(HIL_FL_SYNC_ACK, 0, (uint16_t)(h.seq + 1), 0x0400, NULL, 0);
			feed(HIL_FL_SYNC_ACK, 0, h.seq, 0x0400, NULL, 0);
			answered = 1;
		}
	}
}

static ssize_t p_read_sync(struct hil_transport *t, void *p, size_t n)
{
	answer_sync();
	return p_read(t, p, n);
}

static const struct hil_transport_ops sync_ops = {
	.write = p_write, .read = p_read_sync, .wait = p_wait, .close = p_close};

static void test_sync(void)
{
	memset(&pp, 0, sizeof(pp));
	pp.t.ops = &sync_ops;
	pp.t.rto_ms = 5;
	pp.accept = 3; /* the transport takes a few bytes at a time */
	/* The first SYNC_ACK is cut short, the second carries a wrong nonce:
	 * neither counts, and the first is no damage of the line's. */
	CHECK(hil_link_open(&lk, &pp.t, on_msg, NULL) == 0);
	lk.ports = five_byte_port;
	CHECK(lk.synced && lk.peer_limit == 0x0400);
	CHECK(lk.bad_frames == 0);
	CHECK(pp.in_pos == pp.in_len);
	/* From here on no timer may fire: every resend is asked for. */
	pp.t.ops = &pipe_ops;
	pp.t.rto_ms = 60000;
	pp.accept = 0;
}

static void test_receive(void)
{
	struct hil_frame_hdr h;
	uint8_t rep5[7] = {HIL_RE_SAMPLE | 5, 0, 4, 0, 0, 0, 0};
	uint8_t rep6[7] = {HIL_RE_SAMPLE | 6, 0, 4, 0, 0, 0, 0};

	last_frame(&h);
	feed(HIL_FL_DATA, 0, 0, 0x0400, rep5, 7);
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 1 && got_len == 7 && memcmp(got, rep5, 7) == 0);
	/* 7 bytes: their ack waits for the next pump, which sends it first
	 * thing, in the frame of a command sent meanwhile if there is one. */
	CHECK(!last_frame(&h));
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(last_frame(&h) && h.ack == 7 && !(h.flags & HIL_FL_NAK));

	/* A duplicate is acknowledged again but not delivered twice. */
	feed(HIL_FL_DATA, 0, 0, 0x0400, rep5, 7);
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 1);
	CHECK(last_frame(&h) && h.ack == 7);

	/* A frame from the future (7..13 lost): dropped, answered with NAK. */
	feed(HIL_FL_DATA, 0, 14, 0x0400, rep6, 7);
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 1);
	CHECK(last_frame(&h) && h.ack == 7 && (h.flags & HIL_FL_NAK));

	/* A spoilt frame: dropped, NAK. */
	size_t at = pp.in_len;
	feed(HIL_FL_DATA, 0, 7, 0x0400, rep6, 7);
	pp.in[at + 9] ^= 0x01;
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 1 && lk.bad_frames == 1);
	CHECK(last_frame(&h) && (h.flags & HIL_FL_NAK));

	/* The resend arrives in two frames that split a report in the middle. */
	feed(HIL_FL_DATA, 0, 7, 0x0400, rep6, 3);
	feed(HIL_FL_DATA, 0, 10, 0x0400, rep6 + 3, 4);
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 2 && memcmp(got + 7, rep6, 7) == 0);
	CHECK(!last_frame(&h));
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(last_frame(&h) && h.ack == 14);

	/* 70 bytes of reports (64 or more): acknowledged at once. */
	uint8_t reps[70];
	for (int i = 0; i < 10; i++)
		memcpy(reps + 7 * i, rep6, 7);
	feed(HIL_FL_DATA, 0, 14, 0x0400, reps, sizeof(reps));
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(got_msgs == 12);
	CHECK(last_frame(&h) && h.ack == 84);
}

static void test_send_credit_resend(void)
{
	struct hil_frame_hdr h;
	uint8_t pay[2048], msg[100];
	size_t n;
	memset(msg, 0x42, sizeof(msg));
	last_frame(&h);
	/* The bridge's limit is 0x400: 1024 bytes of credit from offset 0.
	 * Queue 1100 bytes: exactly 1024 may go out. */
	for (int i = 0; i < 11; i++)
		CHECK(hil_link_send(&lk, msg, sizeof(msg)) == 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	size_t sent = 0, frames = 0;
	uint16_t next = 0;
	int in_order = 1;
	while (host_frame(&h, pay, &n)) {
		if (!(h.flags & HIL_FL_DATA))
			continue;
		in_order &= h.seq == next;
		next = (uint16_t)(h.seq + n);
		sent += n;
		frames++;
		CHECK(n <= lk.maxpay);
	}
	CHECK(in_order);
	CHECK(sent == 1024 && frames == 16);

	/* The bridge acks 300 bytes and moves its limit: 76 more go out. */
	feed(0, 300, 0, 300 + 800, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	sent = 0;
	while (host_frame(&h, pay, &n))
		if (h.flags & HIL_FL_DATA) {
			CHECK(h.seq == 1024 + sent); /* in order, no gap, no resend */
			sent += n;
		}
	CHECK(sent == 76 && lk.tx_acked == 300 && lk.tx_len == 800);

	/* A NAK: go back to the acked offset and send it all again. */
	lk.last_retx_ms = 0;
	feed(HIL_FL_NAK, 300, 0, 300 + 800, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	sent = 0;
	uint16_t first = 0xFFFF;
	while (host_frame(&h, pay, &n))
		if (h.flags & HIL_FL_DATA) {
			if (first == 0xFFFF)
				first = h.seq;
			sent += n;
		}
	CHECK(first == 300 && sent == 800 && lk.retransmits == 1);

	/* An ack beyond what was sent is ignored. */
	feed(0, 5000, 0, 300 + 800, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	CHECK(lk.tx_acked == 300);
	/* Everything acknowledged: the buffer drains. */
	feed(0, 1100, 0, 1100 + 1024, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 0) == 0);
	CHECK(hil_link_drained(&lk) && lk.tx_acked == 1100);
}

/* A bridge that answers every frame but never acknowledges our data (every
 * data frame spoilt on the way, in a pattern the resends cannot escape) must
 * end the link with an error, not keep it resending for ever. */
static void test_answers_but_takes_nothing(void)
{
	struct hil_frame_hdr h;
	uint8_t msg[10] = {0};
	last_frame(&h);
	CHECK(hil_link_send(&lk, msg, sizeof(msg)) == 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	CHECK(lk.tx_hi != lk.tx_acked);
	feed(HIL_FL_NAK, 1100, 0, 1100 + 1024, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0); /* answered just now: not yet */
	lk.stall_ms -= (uint64_t)lk.dead_ms;
	feed(HIL_FL_NAK, 1100, 0, 1100 + 1024, NULL, 0);
	CHECK(hil_link_pump(&lk, 0, 1) < 0);
	CHECK(strstr(lk.err, "took none of our data") != NULL);
}

/* Synchronises again as the transport restarts its bridge (pp.t.restarts
 * moved): only SYNC may reach the new bridge before it answers. */
static void resync(void)
{
	struct hil_frame_hdr h;
	uint8_t pay[2048];
	size_t n;
	pp.out_len = pp.out_pos = pp.in_len = pp.in_pos = 0;
	pp.t.ops = &sync_ops;
	pp.t.rto_ms = 5;
	answered = 0;
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	CHECK(lk.synced);
	CHECK(host_frame(&h, pay, &n) && h.flags == HIL_FL_SYNC);
	pp.out_pos = pp.out_len;
	pp.in_pos = pp.in_len;
	pp.t.ops = &pipe_ops;
	pp.t.rto_ms = 60000;
}

/* A transport that put its bridge back where the session began (an FX2
 * board that lost power, configured again): the link sends the whole
 * session again from offset 0, commands given after the cut behind it, and
 * of the bridge's answers drops the bytes it has had, a report the cut
 * split included. */
static void test_restart(void)
{
	struct hil_frame_hdr h;
	uint8_t pay[2048], cmd[40], again[64], more[5] = {9, 9, 9, 9, 9};
	uint8_t rep7[7] = {HIL_RE_SAMPLE | 7, 0, 4, 0, 0, 0, 0};
	uint8_t rep8[7] = {HIL_RE_SAMPLE | 8, 0, 4, 0, 0, 0, 0};
	size_t n, k = 0;
	for (size_t i = 0; i < sizeof(cmd); i++)
		cmd[i] = (uint8_t)i;
	hil_link_close(&lk);
	memset(&pp, 0, sizeof(pp));
	pp.t.ops = &sync_ops;
	pp.t.rto_ms = 5;
	pp.t.can_restart = 1;
	answered = 0;
	CHECK(hil_link_open(&lk, &pp.t, on_msg, NULL) == 0);
	lk.ports = five_byte_port;
	pp.out_pos = pp.out_len;
	pp.t.ops = &pipe_ops;
	pp.t.rto_ms = 60000;
	got_len = 0;
	got_msgs = 0;
	CHECK(hil_link_send(&lk, cmd, sizeof(cmd)) == 0);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	feed(HIL_FL_DATA, 40, 0, 0x0400, rep7, 7);
	feed(HIL_FL_DATA, 40, 7, 0x0400, rep8, 3);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	CHECK(got_msgs == 1 && lk.tx_len == 0 && lk.rx_len == 3);

	pp.t.restarts++;
	CHECK(hil_link_send(&lk, more, sizeof(more)) == 0);
	resync();
	CHECK(lk.replays == 1);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	while (host_frame(&h, pay, &n))
		if ((h.flags & HIL_FL_DATA) && h.seq == k && k + n <= sizeof(again)) {
			memcpy(again + k, pay, n);
			k += n;
		}
	CHECK(k == sizeof(cmd) + sizeof(more) && !memcmp(again, cmd, sizeof(cmd)) &&
	      !memcmp(again + sizeof(cmd), more, sizeof(more)));

	feed(HIL_FL_DATA, 45, 0, 0x0400, rep7, 7);
	feed(HIL_FL_DATA, 45, 7, 0x0400, rep8, 7);
	CHECK(hil_link_pump(&lk, 0, 1) == 0);
	CHECK(got_msgs == 2 && !memcmp(got + 7, rep8, 7) && lk.rx_len == 0);
	CHECK(hil_link_drained(&lk) && !lk.dead);
	hil_link_close(&lk);
}

int main(void)
{
	test_sync();
	test_receive();
	test_send_credit_resend();
	test_answers_but_takes_nothing();
	test_restart();
	return CHECK_DONE();
}
