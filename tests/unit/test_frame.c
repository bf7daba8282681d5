/* Frame codec, CRC and message encoding against
 * tests/fixtures/vectors/frames.vec and tests/fixtures/vectors/bridge.vec,
 * which an independent implementation
 * (tests/fixtures/vectors/gen_vectors.py, Python's zlib) wrote; plus round
 * trips of random frames through the encoder and the decoder fed one byte
 * at a time with noise in between. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "wire/crc32.h"
#include "wire/frame.h"
#include "wire/proto.h"

static size_t parse_hex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;
	int k;
	while (n < cap && sscanf(s, " %2x%n", &v, &k) == 1) {
		out[n++] = (uint8_t)v;
		s += k;
	}
	return n;
}

/* A .vec file read a vector at a time: its lines but comments and blank
 * ones, each split in place at '|' into its fields. */
struct vecs {
	FILE *f;
	char line[4096];
};

static int vecs_open(struct vecs *v, const char *path)
{
	v->f = fopen(path, "r");
	CHECK(v->f != NULL);
	return v->f != NULL;
}

/* The next vector's nf fields into fld; 0 (the file closed) at its end. A
 * line with another number of fields fails a check and is passed over. */
static int vecs_next(struct vecs *v, char **fld, int nf)
{
	while (fgets(v->line, sizeof(v->line), v->f)) {
		if (v->line[0] == '#' || v->line[0] == '\n')
			continue;
		int n = 0;
		char *save;
		for (char *t = strtok_r(v->line, "|", &save); t && n < nf;
		     t = strtok_r(NULL, "|", &save))
			fld[n++] = t;
		CHECK(n == nf);
		if (n == nf)
			return 1;
	}
	fclose(v->f);
	return 0;
}

static void test_vectors(void)
{
	struct vecs v;
	if (!vecs_open(&v, "tests/fixtures/vectors/frames.vec"))
		return;
	int good = 0, bad = 0;
	char *fld[6];
	while (vecs_next(&v, fld, 6)) {
		uint8_t wire[1024], pay[1024], enc[2048];
		size_t nw = parse_hex(fld[2], wire, sizeof(wire));
		struct hil_frame_dec d;
		hil_frame_dec_init(&d);
		int goods = 0, bads = 0;
		struct hil_frame_hdr h;
		const uint8_t *p = NULL;
		size_t n = 0;
		for (size_t i = 0; i < nw; i++) {
			enum hil_frame_result r = hil_frame_dec_byte(&d, wire[i], &h, &p, &n);
			goods += r == HIL_FRAME_GOOD;
			bads += r == HIL_FRAME_BAD;
		}
		if (strstr(fld[0], "bad")) {
			bad++;
			CHECK(goods == 0 && bads == 1);
			continue;
		}
		good++;
		/* Noise before the first END counts as one spoilt frame. */
		CHECK(goods == 1 && bads == (strstr(fld[1], "after_garbage") ? 1 : 0));
		unsigned fl, ack, seq, lim;
		CHECK(sscanf(fld[3], "%x %x %x %x", &fl, &ack, &seq, &lim) == 4);
		CHECK(h.flags == fl && h.ack == ack && h.seq == seq && h.limit == lim);
		size_t np = strchr(fld[4], '-') ? 0 : parse_hex(fld[4], pay, sizeof(pay));
		CHECK(n == np && (np == 0 || memcmp(p, pay, np) == 0));
		if (!strstr(fld[1], "after_garbage")) {
			size_t ne = hil_frame_encode(&h, pay, np, enc);
			CHECK(ne == nw && memcmp(enc, wire, nw) == 0);
		}
	}
	CHECK(good >= 8 && bad >= 5);
}

static void test_crc(void)
{
	const uint8_t s[] = "123456789";
	CHECK(hil_crc32(s, 9) == 0xCBF43926u);
	uint8_t buf[13];
	memcpy(buf, s, 9);
	uint32_t c = hil_crc32(s, 9);
	for (int i = 0; i < 4; i++)
		buf[9 + i] = (uint8_t)(c >> (8 * i));
	CHECK(hil_crc32_update(0xFFFFFFFFu, buf, 13) == HIL_CRC32_RESIDUE);
}

/* Random frames with noise between them: every frame comes out once, in
 * order, and noise never yields a frame. */
static void test_roundtrip(void)
{
	uint64_t x = 88172645463325252ull;
	struct hil_frame_dec d;
	hil_frame_dec_init(&d);
	int ok = 1, frames = 0;
	for (int k = 0; k < 2000; k++) {
		uint8_t pay[HIL_FRAME_MAXPAY], wire[HIL_FRAME_WIRE_MAX(HIL_FRAME_MAXPAY)];
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		size_t n = x % 300;
		for (size_t i = 0; i < n; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* Plenty of bytes that need escaping. */
			pay[i] = (x & 3) == 0  ? HIL_END
				: (x & 3) == 1 ? HIL_ESC
					       : (uint8_t)(x >> 8);
		}
		struct hil_frame_hdr h = {(uint8_t)(x >> 16), (uint16_t)(x >> 24), (uint16_t)k,
					  (uint16_t)(x >> 40)};
		size_t nw = hil_frame_encode(&h, pay, n, wire);
		int got = 0;
		for (size_t i = 0; i < nw; i++) {
			struct hil_frame_hdr g;
			const uint8_t *p;
			size_t m;
			enum hil_frame_result r = hil_frame_dec_byte(&d, wire[i], &g, &p, &m);
			if (r == HIL_FRAME_GOOD) {
				got++;
				ok &= g.seq == (uint16_t)k && g.flags == h.flags &&
					g.ack == h.ack && g.limit == h.limit && m == n &&
					memcmp(p, pay, n) == 0;
			}
		}
		ok &= got == 1;
		frames += got;
		/* Noise without an END: absorbed by the next frame's leading END. */
		for (int i = 0; i < (int)(x % 5); i++) {
			struct hil_frame_hdr g;
			const uint8_t *p;
			size_t m;
			uint8_t b = (uint8_t)(x >> (8 * i));
			if (b == HIL_END)
				b = 0;
			ok &= hil_frame_dec_byte(&d, b, &g, &p, &m) != HIL_FRAME_GOOD;
		}
	}
	CHECK(ok);
	CHECK(frames == 2000);
}

static void test_proto(void)
{
	uint8_t m[HIL_MSG_MAX];
	uint8_t v[2] = {0x34, 0x12};
	size_t n = hil_enc_poke(m, 3, 5, v, 2);
	const uint8_t want[] = {0x23, 5, 0x34, 0x12};
	CHECK(n == sizeof(want) && memcmp(m, want, n) == 0);
	/* A delta past the nibble takes two more bytes. */
	n = hil_enc_poke(m, 300, 5, v, 2);
	const uint8_t want_long[] = {0x2F, 0x2C, 0x01, 5, 0x34, 0x12};
	CHECK(n == sizeof(want_long) && memcmp(m, want_long, n) == 0);
	n = hil_enc_break(m, 0, 1, 7, 0, NULL, NULL, 0);
	CHECK(n == 2 && m[0] == 0x60 && m[1] == 0x01);
	n = hil_enc_break(m, 14, 0, 2, 2, v, v, 2);
	CHECK(n == 7 && m[0] == 0x6E && m[1] == 0x20 && m[2] == 2 && m[6] == 0x12);

	/* A value's length is its port's: here port 1 has 2 bytes. */
	static const uint8_t sizes[] = {1, 2, 1, 1};
	const struct hil_port_bytes pb = {sizes, 4};
	const uint8_t watch_r[] = {0xA7, 0x01, 0x34, 0x12};
	CHECK(hil_msg_len(watch_r, 1, &pb) == 0);
	CHECK(hil_msg_len(watch_r, 3, &pb) == 0);
	CHECK(hil_msg_len(watch_r, sizeof(watch_r), &pb) == (int)sizeof(watch_r));
	struct hil_report r;
	CHECK(hil_report_decode(watch_r, sizeof(watch_r), &pb, &r) == 0);
	CHECK(r.op == HIL_RE_WATCH && r.port == 1 && r.delta == 7 && r.len == 2 &&
	      r.value[1] == 0x12);
	const uint8_t sample_r[] = {0x9F, 0x00, 0x01, 0x03, 0x55};
	CHECK(hil_report_decode(sample_r, sizeof(sample_r), &pb, &r) == 0);
	CHECK(r.op == HIL_RE_SAMPLE && r.delta == 256 && r.port == 3 && r.len == 1 &&
	      r.value[0] == 0x55);
	const uint8_t no_port[] = {0x90, 0x04, 0x55};
	CHECK(hil_msg_len(no_port, sizeof(no_port), &pb) == -1);
	const uint8_t tick_r[] = {0x8F, 0xFF, 0xFF};
	CHECK(hil_report_decode(tick_r, sizeof(tick_r), &pb, &r) == 0);
	CHECK(r.op == HIL_RE_TICK && r.delta == 0xFFFF);
	/* A version 1 bridge's HELLO_R is 25 bytes; it is measured whole so
	 * that its version can be refused. */
	uint8_t hello1[25] = {0x81, 0x5A, 1};
	CHECK(hil_msg_len(hello1, 3, &pb) == 0 && hil_msg_len(hello1, 25, &pb) == 25);
	CHECK(hil_report_decode(hello1, 25, &pb, &r) == 0 && r.version == 1);
	const uint8_t junk[] = {0x42, 0x85};
	CHECK(hil_msg_len(junk, 1, &pb) == -1 && hil_msg_len(junk + 1, 1, &pb) == -1);
	CHECK(hil_report_decode(watch_r, sizeof(watch_r) - 1, &pb, &r) == -1);
}

/* The session of tests/fixtures/vectors/bridge.vec, which the gateware
 * testbench feeds to the bridge: our encoders must produce its command
 * bytes, and our report parser must take its report bytes whole, their
 * deltas adding up to the cycles the vectors name. */
static void test_bridge_vectors(void)
{
	struct vecs v;
	if (!vecs_open(&v, "tests/fixtures/vectors/bridge.vec"))
		return;
	int cmds = 0, reports = 0;
	uint64_t cycle = 0;
	static const uint8_t sizes[] = {1, 1, 1, 1}; /* vcounter's ports */
	const struct hil_port_bytes pb = {sizes, 4};
	char *fld[3];
	while (vecs_next(&v, fld, 3)) {
		uint8_t cmd[256], rep[256], enc[HIL_MSG_MAX];
		size_t nc = parse_hex(fld[1], cmd, sizeof(cmd)), ne = 0, h = 1;
		uint16_t dt = cmd[0] & 0x0F;
		if (cmd[0] >= 0x10 && dt == HIL_DELTA_LONG) {
			dt = (uint16_t)(cmd[1] | cmd[2] << 8);
			h = 3;
		}
		cmds++;
		switch (cmd[0] < 0x10 ? cmd[0] : cmd[0] & 0xF0) {
		case HIL_OP_HELLO:
			ne = hil_enc_hello(enc, cmd[1]);
			break;
		case HIL_OP_RESUME:
			ne = hil_enc_resume(enc);
			break;
		case HIL_OP_STATUS:
			ne = hil_enc_status(enc);
			break;
		case HIL_OP_WAIT:
			ne = hil_enc_wait(enc, dt);
			break;
		case HIL_OP_RUN:
			ne = hil_enc_run(enc, dt);
			break;
		case HIL_OP_SAMPLE:
			ne = hil_enc_sample(enc, dt, cmd[h]);
			break;
		case HIL_OP_WATCH:
		case HIL_OP_UNWATCH:
			ne = hil_enc_watch(enc, dt, cmd[h], (cmd[0] & 0xF0) == HIL_OP_WATCH);
			break;
		case HIL_OP_POKE: /* vcounter's ports are a byte each */
			ne = hil_enc_poke(enc, dt, cmd[h], cmd + h + 1, 1);
			break;
		case HIL_OP_BREAK:
			ne = hil_enc_break(enc, dt, cmd[h] & 0x0F, cmd[h + 1], cmd[h] >> 4,
					   cmd + h + 2, cmd + h + 3, 1);
			break;
		default:
			break;
		}
		/* A line may hold several commands; compare the first. */
		CHECK(ne > 0 && ne <= nc && memcmp(enc, cmd, ne) == 0);
		if (strstr(fld[2], "-") || strstr(fld[2], "HELLO_R"))
			continue;
		size_t nr = parse_hex(fld[2], rep, sizeof(rep)), off = 0;
		while (off < nr) {
			struct hil_report r;
			int n = hil_msg_len(rep + off, nr - off, &pb);
			CHECK(n > 0 && hil_report_decode(rep + off, (size_t)n, &pb, &r) == 0);
			if (n <= 0)
				break;
			cycle += r.delta;
			if (r.op == HIL_RE_STATUS)
				CHECK(cycle == 131414 && r.frames_ok == 28 &&
				      r.crc_errors == 0 && r.phy_errors == 0 && !r.halted);
			if (r.op == HIL_RE_SAMPLE)
				CHECK((cycle == 5 && r.value[0] == 4) ||
				      (cycle == 65876 && r.value[0] == 0x52) ||
				      (cycle == 131414 && r.value[0] == 0x53));
			off += (size_t)n;
			reports++;
		}
	}
	CHECK(cmds >= 18 && reports >= 16);
}

int main(void)
{
	test_bridge_vectors();
	test_crc();
	test_vectors();
	test_roundtrip();
	test_proto();
	return CHECK_DONE();
}
