/* The FX2 firmware's chip-independent logic, compiled for the host: its
 * descriptors, how it answers every SETUP packet, and the iCE40
 * configuration sequence, run against the emulator's model of the iCE40
 * (tests/emulators/ice40.c, behind tests/emulators/fx2/pins_model.c) with
 * a real bitstream (FX2_FIXTURE, made by yosys, nextpnr and icepack from
 * tests/fixtures/unit/tiny.v). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "clock.h"
#include "descriptors.h"
#include "ice40.h"
#include "iceconf.h"
#include "pins_model.h"
#include "hilfx2.h"
#include "setup.h"

/* ---- helpers ---- */

static void setup_pkt(uint8_t *raw, uint8_t rt, uint8_t req, uint16_t value, uint16_t index,
		      uint16_t length)
{
	raw[0] = rt;
	raw[1] = req;
	raw[2] = (uint8_t)value;
	raw[3] = (uint8_t)(value >> 8);
	raw[4] = (uint8_t)index;
	raw[5] = (uint8_t)(index >> 8);
	raw[6] = (uint8_t)length;
	raw[7] = (uint8_t)(length >> 8);
}

static struct setup_route route(uint8_t rt, uint8_t req, uint16_t value, uint16_t index,
				uint16_t length)
{
	uint8_t raw[8];
	struct setup_route r;
	setup_pkt(raw, rt, req, value, index, length);
	setup_decide(raw, 1, &r);
	return r;
}

static unsigned le16(const uint8_t *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

/* ---- descriptors ---- */

static void test_descriptors(void)
{
	const uint8_t *d;
	uint8_t n = desc_find(DESC_DEVICE << 8, 1, &d);
	CHECK(n == 18 && d[0] == 18 && d[1] == DESC_DEVICE);
	CHECK(le16(d + 2) == 0x0200 && d[7] == 64);
	CHECK(le16(d + 8) == HILFX2_VID && le16(d + 10) == HILFX2_PID);
	/* the host reads the API from bcdDevice without opening the device */
	CHECK(le16(d + 12) == HILFX2_API);
	CHECK(d[17] == 1);

	for (int hs = 0; hs <= 1; hs++) {
		n = desc_find(DESC_CONFIG << 8, (uint8_t)hs, &d);
		CHECK(n == 32 && le16(d + 2) == 32 && d[1] == DESC_CONFIG);
		CHECK(d[9 + 4] == 2); /* two endpoints */
		CHECK(d[18 + 2] == HILFX2_EP_OUT && d[18 + 3] == 2);
		CHECK(d[25 + 2] == HILFX2_EP_IN && d[25 + 3] == 2);
		CHECK(le16(d + 18 + 4) == (hs ? 512u : 64u));
		CHECK(le16(d + 25 + 4) == (hs ? 512u : 64u));
		/* the other speed describes the other packet size */
		n = desc_find(DESC_OTHER_SPEED << 8, (uint8_t)hs, &d);
		CHECK(n == 32 && d[1] == DESC_OTHER_SPEED);
		CHECK(le16(d + 18 + 4) == (hs ? 64u : 512u));
	}
	n = desc_find(DESC_QUALIFIER << 8, 1, &d);
	CHECK(n == 10 && d[1] == DESC_QUALIFIER && d[8] == 1);

	n = desc_find(DESC_STRING << 8, 1, &d);
	CHECK(n == 4 && le16(d + 2) == 0x0409);
	n = desc_find(DESC_STRING << 8 | 2, 1, &d);
	char s[64] = "";
	for (int i = 2; i + 1 < n && i / 2 < 63; i += 2)
		s[i / 2 - 1] = (char)d[i];
	CHECK(n % 2 == 0 && strcmp(s, "hil FX2 bridge") == 0);
	CHECK(desc_find(DESC_STRING << 8 | 3, 1, &d) == 0);
	CHECK(desc_find(DESC_DEVICE << 8 | 1, 1, &d) == 0);
	CHECK(desc_find(0x2100, 1, &d) == 0); /* HID: not ours */
	/* every descriptor fits one EP0 packet, as main.c assumes */
	for (unsigned v = 0; v < 0x10000; v++)
		for (int hs = 0; hs <= 1; hs++)
			if ((n = desc_find((uint16_t)v, (uint8_t)hs, &d)) != 0)
				CHECK(n <= 64 && d[0] <= n);
}

/* ---- SETUP routing ---- */

static void test_setup(void)
{
	struct setup_route r = route(0x80, 6, DESC_DEVICE << 8, 0, 64);
	CHECK(r.action == SETUP_SEND && r.len == 18 && r.ptr != NULL);
	r = route(0x80, 6, DESC_DEVICE << 8, 0, 8); /* the host's first look */
	CHECK(r.action == SETUP_SEND && r.len == 8);
	r = route(0x00, 6, DESC_DEVICE << 8, 0, 64); /* wrong direction */
	CHECK(r.action == SETUP_STALL);
	r = route(0x80, 6, DESC_CONFIG << 8, 0, 255);
	CHECK(r.action == SETUP_SEND && r.len == 32);

	CHECK(route(0x00, 9, 1, 0, 0).action == SETUP_SET_CONFIG);
	CHECK(route(0x00, 9, 1, 0, 0).value == 1);
	CHECK(route(0x00, 9, 2, 0, 0).action == SETUP_STALL);
	CHECK(route(0x80, 8, 0, 0, 1).action == SETUP_GET_CONFIG);
	CHECK(route(0x01, 11, 0, 0, 0).action == SETUP_SET_INTERFACE);
	CHECK(route(0x01, 11, 1, 0, 0).action == SETUP_STALL);
	CHECK(route(0x81, 10, 0, 0, 1).action == SETUP_GET_INTERFACE);
	CHECK(route(0x82, 0, 0, 0x86, 2).action == SETUP_GET_STATUS);
	r = route(0x02, 1, 0, HILFX2_EP_IN, 0);
	CHECK(r.action == SETUP_CLEAR_HALT && r.value == HILFX2_EP_IN);
	CHECK(route(0x02, 1, 0, 0x81, 0).action == SETUP_STALL);

	r = route(0xc0, HILFX2_REQ_IDENTIFY, 0, 0, 64);
	CHECK(r.action == SETUP_IDENTIFY && r.len == HILFX2_IDENTIFY_LEN);
	r = route(0xc0, HILFX2_REQ_STATUS, 0, 0, 4);
	CHECK(r.action == SETUP_STATUS && r.len == 4);
	CHECK(route(0x40, HILFX2_REQ_IDENTIFY, 0, 0, 0).action == SETUP_STALL);
	CHECK(route(0x40, HILFX2_REQ_CONFIG_BEGIN, 0, 0, 8).action == SETUP_CONFIG_BEGIN);
	CHECK(route(0x40, HILFX2_REQ_CONFIG_BEGIN, 0, 0, 7).action == SETUP_STALL);
	r = route(0x40, HILFX2_REQ_CONFIG_DATA, 0, 0, 4096);
	CHECK(r.action == SETUP_CONFIG_DATA && r.len == 4096);
	CHECK(route(0x40, HILFX2_REQ_CONFIG_DATA, 0, 0, 4097).action == SETUP_STALL);
	CHECK(route(0x40, HILFX2_REQ_CONFIG_DATA, 0, 0, 0).action == SETUP_STALL);
	CHECK(route(0xc0, HILFX2_REQ_CONFIG_DATA, 0, 0, 64).action == SETUP_STALL);
	CHECK(route(0x40, HILFX2_REQ_CONFIG_END, 0, 0, 0).action == SETUP_CONFIG_END);
	CHECK(route(0x40, HILFX2_REQ_RESET, 0, 0, 0).action == SETUP_RESET);
	CHECK(route(0x40, HILFX2_REQ_ROM, 0, 0, 0).action == SETUP_ROM);
	/* the boot ROM's loader request is not the firmware's to answer */
	CHECK(route(0x40, 0xa0, 0xe600, 0, 1).action == SETUP_STALL);
	CHECK(route(0x41, HILFX2_REQ_RESET, 0, 0, 0).action == SETUP_STALL);
	CHECK(route(0x21, 0x09, 0, 0, 0).action == SETUP_STALL);

	/* every SETUP packet: a reply never longer than wLength, an IN reply
	 * only for an IN request, data to receive only for an OUT one */
	unsigned bad = 0;
	uint8_t raw[8];
	for (unsigned rt = 0; rt < 256; rt++)
		for (unsigned req = 0; req < 256; req++)
			for (unsigned k = 0; k < 6; k++) {
				static const uint16_t lens[6] = {0, 1, 8, 64, 4096, 65535};
				setup_pkt(raw, (uint8_t)rt, (uint8_t)req,
					  (uint16_t)(k * 0x0101 + req),
					  (uint16_t)(k ? 0x86 : 0), lens[k]);
				setup_decide(raw, (uint8_t)(k & 1), &r);
				int in = rt & 0x80;
				if (r.len > lens[k])
					bad++;
				if (r.action == SETUP_SEND && (!in || r.ptr == NULL))
					bad++;
				if (r.action == SETUP_CONFIG_DATA && in)
					bad++;
			}
	CHECK(bad == 0);
}

/* ---- configuring the iCE40 ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	uint8_t *buf = malloc(1 << 20);
	*len = buf ? fread(buf, 1, 1 << 20, f) : 0;
	fclose(f);
	return buf;
}

static void begin(struct iceconf *c, uint32_t len, uint32_t crc)
{
	uint8_t p[8] = {(uint8_t)len,         (uint8_t)(len >> 8), (uint8_t)(len >> 16),
			(uint8_t)(len >> 24), (uint8_t)crc,        (uint8_t)(crc >> 8),
			(uint8_t)(crc >> 16), (uint8_t)(crc >> 24)};
	iceconf_begin(c, p);
}

/* the bitstream in EP0 packets of 64, as the firmware gets it */
static void send(struct iceconf *c, const uint8_t *img, size_t len)
{
	for (size_t a = 0; a < len; a += 64)
		iceconf_data(c, img + a, (uint8_t)(len - a < 64 ? len - a : 64));
}

static void test_iceconf(void)
{
	size_t len = 0;
	uint8_t *img = slurp(FX2_FIXTURE, &len);
	CHECK(img != NULL && len > 1000);
	if (!img || len <= 1000) {
		fprintf(stderr, "test_fx2: no bitstream at %s\n", FX2_FIXTURE);
		free(img);
		return;
	}
	struct iceconf c;
	uint8_t st[HILFX2_STATUS_LEN];
	pins_model_reset();
	iceconf_init(&c);
	iceconf_status(&c, 0, st);
	CHECK(st[0] == HILFX2_ST_IDLE && le32(st + 8) == 0);

	begin(&c, (uint32_t)len, 0x12345678);
	CHECK(c.state == HILFX2_ST_LOADING);
	send(&c, img, len);
	iceconf_end(&c);
	CHECK(pins_model.fpga.cdone && !pins_model.fpga.failed);
	if (pins_model.fpga.failed)
		fprintf(stderr, "test_fx2: the model says: %s\n", pins_model.fpga.why);
	CHECK(c.state == HILFX2_ST_DONE && c.error == HILFX2_E_NONE);
	CHECK(pins_model.bytes == len);
	iceconf_status(&c, HILFX2_F_CDONE, st);
	CHECK(st[0] == HILFX2_ST_DONE && st[2] == HILFX2_F_CDONE);
	CHECK(le32(st + 4) == len && le32(st + 8) == 0x12345678);

	/* A damaged image: the iCE40's CRC catches it, CDONE stays low. */
	img[len / 2] ^= 0x10;
	begin(&c, (uint32_t)len, 1);
	send(&c, img, len);
	iceconf_end(&c);
	CHECK(!pins_model.fpga.cdone && c.state == HILFX2_ST_FAILED &&
	      c.error == HILFX2_E_NO_CDONE);
	iceconf_status(&c, 0, st);
	CHECK(le32(st + 8) == 0); /* no CRC claimed for what failed */
	img[len / 2] ^= 0x10;

	/* More bytes than announced, fewer, and data without a BEGIN. */
	begin(&c, (uint32_t)len - 10, 1);
	send(&c, img, len);
	CHECK(c.state == HILFX2_ST_FAILED && c.error == HILFX2_E_TOO_LONG);
	begin(&c, (uint32_t)len, 1);
	send(&c, img, len - 1);
	iceconf_end(&c);
	CHECK(c.state == HILFX2_ST_FAILED && c.error == HILFX2_E_SHORT &&
	      !pins_model.fpga.cdone);
	iceconf_init(&c);
	iceconf_data(&c, img, 64);
	CHECK(c.state == HILFX2_ST_FAILED && c.error == HILFX2_E_NOT_LOADING);

	/* And after all that, a good image still configures it. */
	begin(&c, (uint32_t)len, 7);
	send(&c, img, len);
	iceconf_end(&c);
	CHECK(pins_model.fpga.cdone && c.state == HILFX2_ST_DONE && c.crc == 7);

	/* CDONE high while CRESET is low: a wiring fault, said so, and
	 * nothing is clocked into the FPGA. */
	pins_model.cdone_stuck_high = 1;
	unsigned long before = pins_model.bytes;
	begin(&c, (uint32_t)len, 7);
	send(&c, img, len);
	CHECK(c.state == HILFX2_ST_FAILED && c.error == HILFX2_E_CDONE_HIGH);
	CHECK(pins_model.bytes == before);
	pins_model.cdone_stuck_high = 0;
	free(img);
}

int main(void)
{
	test_descriptors();
	test_setup();
	test_iceconf();
	return CHECK_DONE();
}
