/* The gateware under random input: the bridge of a DUT's Verilator model
 * (the same RTL as on a board) gets rounds of random byte streams, and
 * after each one a well-formed handshake (SYNC, then HELLO) must still get
 * its replies, with the DUT's signature, within the link's usual time.
 *
 *   bridge_wedge SIM PORTS_JSON ROUNDS SEED OUTDIR
 *
 * The streams are of five kinds, so they reach past the frame decoder:
 * plain noise; noise full of frame delimiters and escapes; frames with a
 * good CRC and random header and payload; a SYNC and then good DATA frames
 * of random commands (real opcodes, random fields: long stamp deltas,
 * breaks that halt, pokes to outputs, values of the wrong length); and frames cut short or longer than the
 * bridge takes. A round that wedges the bridge is saved to
 * OUTDIR/wedge-SEED-ROUND.bin for replay. Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/frame.h"
#include "hil/ports.h"
#include "wire/link.h"
#include "wire/proto.h"
#include "transport/transport.h"

#define JUNK_MAX 16384

static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 16);
}

static uint8_t junk[JUNK_MAX];
static size_t njunk;
static unsigned long long bytes_in, bytes_out; /* over all rounds */

static void put(const void *p, size_t n)
{
	if (n > JUNK_MAX - njunk)
		n = JUNK_MAX - njunk;
	memcpy(junk + njunk, p, n);
	njunk += n;
}

static void put_frame(uint8_t flags, uint16_t ack, uint16_t seq, uint16_t limit,
		      const uint8_t *pay, size_t n)
{
	static uint8_t wire[HIL_FRAME_WIRE_MAX(HIL_FRAME_MAXPAY)];
	struct hil_frame_hdr h = {flags, ack, seq, limit};
	put(wire, hil_frame_encode(&h, pay, n, wire));
}

/* One random command with real opcode and random fields. */
static size_t command(uint8_t *out, const struct hil_ports *p)
{
	uint8_t val[HIL_MAX_PORT_BYTES], mask[HIL_MAX_PORT_BYTES];
	for (size_t i = 0; i < sizeof(val); i++)
		val[i] = (uint8_t)rnd(), mask[i] = (uint8_t)rnd();
	uint8_t port = (uint8_t)(rnd() % (p->n + 2));
	uint8_t len = port < p->n && rnd() % 4 ? (uint8_t)p->port[port].nbytes
					       : (uint8_t)(rnd() % (HIL_MAX_PORT_BYTES + 1));
	uint16_t dt = (uint16_t)(rnd() % 3 ? rnd() % 20 : rnd());
	switch (rnd() % 10) {
	case 0:
		return hil_enc_hello(out, (uint8_t)rnd());
	case 1:
		return hil_enc_poke(out, dt, port, val, len);
	case 2:
		return hil_enc_sample(out, dt, port);
	case 3:
		return hil_enc_watch(out, dt, port, (int)(rnd() & 1));
	case 4:
		return hil_enc_break(out, dt, (uint8_t)(rnd() % 4), port, (uint8_t)(rnd() % 8),
				     val, mask, len);
	case 5:
		return hil_enc_run(out, dt);
	case 6:
		return hil_enc_resume(out);
	case 7:
		return hil_enc_status(out);
	case 8:
		return hil_enc_wait(out, dt);
	default: /* a byte that is no opcode, or a command cut short */
		out[0] = (uint8_t)rnd();
		return 1 + rnd() % 4;
	}
}

static void make_junk(int kind, const struct hil_ports *p)
{
	uint8_t pay[HIL_FRAME_MAXPAY + 64];
	njunk = 0;
	size_t want = 1 + rnd() % (JUNK_MAX / 2);
	while (njunk < want && njunk < JUNK_MAX - 64) {
		switch (kind) {
		case 0: {
			uint8_t b = (uint8_t)rnd();
			put(&b, 1);
			break;
		}
		case 1: {
			static const uint8_t sp[] = {HIL_END, HIL_ESC, 0xdc, 0xdd};
			uint8_t b = rnd() % 3 ? sp[rnd() % 4] : (uint8_t)rnd();
			put(&b, 1);
			break;
		}
		case 2: {
			size_t n = rnd() % 300;
			for (size_t i = 0; i < n; i++)
				pay[i] = (uint8_t)rnd();
			put_frame((uint8_t)rnd(), (uint16_t)rnd(), (uint16_t)rnd(),
				  (uint16_t)rnd(), pay, n);
			break;
		}
		case 3: {
			uint16_t seq = 0;
			put_frame(HIL_FL_SYNC, 0, (uint16_t)rnd(), 4096, NULL, 0);
			for (int f = 0; f < 16 && njunk < want; f++) {
				size_t n = 0;
				while (n < 200)
					n += command(pay + n, p);
				put_frame(HIL_FL_DATA, 0, seq, 0xffff, pay, n);
				seq = (uint16_t)(seq + n);
			}
			break;
		}
		default: {
			size_t n = rnd() % 2 ? HIL_FRAME_MAXPAY + rnd() % 64 : rnd() % 6;
			for (size_t i = 0; i < n; i++)
				pay[i] = (uint8_t)rnd();
			put_frame(HIL_FL_DATA, 0, 0, 0xffff, pay, n);
			if (n < 6)
				njunk -= njunk > 2 ? 2 : 0; /* cut before its CRC and END */
		}
		}
	}
}

/* Writes the junk, reading (and dropping) what the bridge sends meanwhile
 * so it never blocks on us. */
static int send_junk(struct hil_transport *t)
{
	uint8_t sink[4096];
	size_t off = 0;
	while (off < njunk) {
		ssize_t w = t->ops->write(t, junk + off, njunk - off);
		if (w < 0)
			return -1;
		off += (size_t)w;
		ssize_t r = t->ops->read(t, sink, sizeof(sink));
		if (r < 0 || t->ops->wait(t, 1, 10) < 0)
			return -1;
		bytes_out += (size_t)r;
	}
	bytes_in += njunk;
	/* Until the bridge has been quiet a while, so that the counts show
	 * what it made of the junk rather than what was still in flight. */
	for (int quiet = 0; quiet < 3;) {
		if (t->ops->wait(t, 0, 2) < 0)
			return -1;
		ssize_t r = t->ops->read(t, sink, sizeof(sink));
		if (r < 0)
			return -1;
		bytes_out += (size_t)r;
		quiet = r ? 0 : quiet + 1;
	}
	return 0;
}

struct hello {
	int got;
	uint8_t tag;
	uint64_t sig;
	struct hil_port_bytes *ports;
};

static int on_msg(void *ctx, const uint8_t *msg, size_t n)
{
	struct hello *h = ctx;
	struct hil_report r;
	if (hil_report_decode(msg, n, h->ports, &r) == 0 && r.op == HIL_RE_HELLO &&
	    r.tag == h->tag) {
		h->got = 1;
		h->sig = r.signature;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: bridge_wedge SIM PORTS_JSON ROUNDS SEED OUTDIR\n");
		return 2;
	}
	struct hil_ports ports;
	char err[512];
	if (hil_ports_load(&ports, argv[2], err, sizeof(err)) < 0) {
		fprintf(stderr, "bridge_wedge: %s\n", err);
		return 2;
	}
	long rounds = atol(argv[3]);
	unsigned long seed = strtoul(argv[4], NULL, 0);
	rng = seed * 0x9e3779b97f4a7c15ull + 1;
	struct hil_transport *t = hil_transport_sim(argv[1], err, sizeof(err));
	if (!t) {
		fprintf(stderr, "bridge_wedge: %s\n", err);
		return 2;
	}
	static struct hil_link l;
	uint8_t sizes[256];
	for (size_t i = 0; i < ports.n && i < sizeof(sizes); i++)
		sizes[i] = (uint8_t)ports.port[i].nbytes;
	struct hil_port_bytes pb = {sizes, ports.n < 256 ? ports.n : 256};
	int pass = 0, fail = 0;
	for (long round = 0; round < rounds; round++) {
		int kind = (int)(rnd() % 5);
		make_junk(kind, &ports);
		struct hello h = {0, (uint8_t)rnd(), 0, &pb};
		uint8_t cmd[HIL_MSG_MAX];
		int ok = send_junk(t) == 0 && hil_link_open(&l, t, on_msg, &h) == 0;
		l.ports = pb;
		ok = ok && hil_link_send(&l, cmd, hil_enc_hello(cmd, h.tag)) == 0;
		for (int i = 0; ok && !h.got && i < 500; i++)
			ok = hil_link_pump(&l, 10, 1) == 0;
		if (ok && h.got && h.sig == ports.signature) {
			pass++;
			continue;
		}
		char path[4200];
		snprintf(path, sizeof(path), "%.4000s/wedge-%lu-%ld.bin", argv[5], seed,
			 round);
		FILE *f = fopen(path, "wb");
		if (f) {
			fwrite(junk, 1, njunk, f);
			fclose(f);
		}
		printf("FAIL round %ld (kind %d, %zu bytes, saved to %s): %s\n", round, kind,
		       njunk, path,
		       l.dead          ? l.err
			       : h.got ? "wrong signature"
				       : "no HELLO_R");
		fail++;
		break; /* a wedged bridge stays wedged: the rest would say nothing new */
	}
	printf("ok %d rounds of random input (seed %lu; %llu bytes in, %llu out meanwhile), "
	       "each followed by a handshake that got its replies\n",
	       pass, seed, bytes_in, bytes_out);
	hil_link_close(&l);
	hil_ports_free(&ports);
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
