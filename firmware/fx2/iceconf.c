#include "iceconf.h"

#include "pins.h"
#include "hilfx2.h"

/* TN1248: at least 200 ns of CRESET low, 1200 us for the chip to clear its
 * configuration memory (the HX8K's figure, the longest of the family),
 * and at least 49 clocks after the image; we give 13 bytes of them. */
#define RESET_US        2
#define HOUSEKEEPING_US 1300
#define TRAILING_BYTES  13

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		(uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void fail(struct iceconf *c, uint8_t error)
{
	c->state = HILFX2_ST_FAILED;
	c->error = error;
	pins_ss(1);
}

void iceconf_init(struct iceconf *c)
{
	c->state = HILFX2_ST_IDLE;
	c->error = HILFX2_E_NONE;
	c->ours = 0;
	c->expect = c->received = c->crc = 0;
}

void iceconf_begin(struct iceconf *c, const uint8_t *p)
{
	c->expect = le32(p);
	c->crc = le32(p + 4);
	c->received = 0;
	c->error = HILFX2_E_NONE;
	c->ours = 0;
	c->state = HILFX2_ST_LOADING;
	pins_ss(0);
	pins_creset(0);
	pins_delay_us(RESET_US);
	if (pins_cdone()) {
		fail(c, HILFX2_E_CDONE_HIGH);
		return;
	}
	pins_creset(1);
	pins_delay_us(HOUSEKEEPING_US);
	pins_ss(1);
	pins_spi_clocks(8);
	pins_ss(0);
}

void iceconf_data(struct iceconf *c, const uint8_t *p, uint8_t n)
{
	uint8_t i;

	if (c->state != HILFX2_ST_LOADING) {
		if (c->state != HILFX2_ST_FAILED)
			fail(c, HILFX2_E_NOT_LOADING);
		return;
	}
	if (n > c->expect - c->received) {
		fail(c, HILFX2_E_TOO_LONG);
		return;
	}
	for (i = 0; i < n; i++)
		pins_spi_byte(p[i]);
	c->received += n;
}

void iceconf_end(struct iceconf *c)
{
	uint8_t i;

	if (c->state != HILFX2_ST_LOADING) {
		if (c->state != HILFX2_ST_FAILED)
			fail(c, HILFX2_E_NOT_LOADING);
		return;
	}
	if (c->received != c->expect) {
		fail(c, HILFX2_E_SHORT);
		return;
	}
	pins_ss(1);
	for (i = 0; i < TRAILING_BYTES; i++)
		pins_spi_clocks(8);
	if (!pins_cdone()) {
		fail(c, HILFX2_E_NO_CDONE);
		return;
	}
	c->state = HILFX2_ST_DONE;
	c->ours = 1;
}

void iceconf_status(const struct iceconf *c, uint8_t flags, uint8_t *out)
{
	out[0] = c->state;
	out[1] = c->error;
	out[2] = flags;
	out[3] = 0;
	put32(out + 4, c->received);
	put32(out + 8, c->state == HILFX2_ST_DONE ? c->crc : 0);
}
