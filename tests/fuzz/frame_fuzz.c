/* The host's frame decoder and report decoder, fed what a bridge or a
 * noisy line may send. Besides not crashing: every frame the decoder
 * accepts encodes back to a frame that decodes to the same header and
 * payload, and a payload's reports are cut and decoded inside its bytes. */
#include <string.h>

#include "wire/frame.h"
#include "fuzz.h"
#include "wire/proto.h"

/* Ports of every size a value can have, and not every index a port. */
static const uint8_t sizes[] = {1, 2, 3, 4, 8, 16, 31, 32};
static const struct hil_port_bytes ports = {sizes, sizeof(sizes)};

static void reports(const uint8_t *p, size_t n)
{
	size_t off = 0;
	while (off < n) {
		int len = hil_msg_len(p + off, n - off, &ports);
		if (len <= 0)
			return;
		FUZZ_CHECK((size_t)len <= n - off);
		struct hil_report r;
		if (hil_report_decode(p + off, (size_t)len, &ports, &r) == 0 && r.value)
			FUZZ_CHECK(r.value >= p + off && r.value + r.len <= p + off + len);
		off += (size_t)len;
	}
}

static void round_trip(const struct hil_frame_hdr *h, const uint8_t *pay, size_t n)
{
	static uint8_t wire[HIL_FRAME_WIRE_MAX(HIL_FRAME_MAXPAY)];
	static struct hil_frame_dec d;
	size_t w = hil_frame_encode(h, pay, n, wire);
	FUZZ_CHECK(w <= sizeof(wire));
	hil_frame_dec_init(&d);
	int good = 0;
	for (size_t i = 0; i < w; i++) {
		struct hil_frame_hdr h2;
		const uint8_t *p2;
		size_t n2;
		enum hil_frame_result r = hil_frame_dec_byte(&d, wire[i], &h2, &p2, &n2);
		FUZZ_CHECK(r != HIL_FRAME_BAD);
		if (r == HIL_FRAME_GOOD) {
			FUZZ_CHECK(i == w - 1 && !good);
			FUZZ_CHECK(h2.flags == h->flags && h2.ack == h->ack &&
				   h2.seq == h->seq && h2.limit == h->limit);
			FUZZ_CHECK(n2 == n && memcmp(p2, pay, n) == 0);
			good = 1;
		}
	}
	FUZZ_CHECK(good);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hil_frame_dec d;
	static uint8_t copy[HIL_FRAME_MAXPAY];
	hil_frame_dec_init(&d);
	for (size_t i = 0; i < size; i++) {
		struct hil_frame_hdr h;
		const uint8_t *pay;
		size_t n;
		if (hil_frame_dec_byte(&d, data[i], &h, &pay, &n) != HIL_FRAME_GOOD)
			continue;
		FUZZ_CHECK(n <= HIL_FRAME_MAXPAY);
		memcpy(copy, pay, n);
		reports(copy, n);
		round_trip(&h, copy, n);
	}
	return 0;
}
