#include "ice40.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"

#define TRAILING_CLOCKS 49

void ice40_init(struct ice40 *c)
{
	memset(c, 0, sizeof(*c));
	c->housekeeping_us = 1200;
}

static void reset_parser(struct ice40 *c)
{
	c->synced = c->woke = c->failed = 0;
	c->sync_shift = 0;
	c->crc = 0xffff;
	c->payload_left = 0;
	c->data_left = 0;
	c->bank_width = c->bank_height = 0;
	c->bytes = c->clocks_after = 0;
	c->comment_len = 0;
	c->in_comment = 0;
	c->why[0] = '\0';
}

static void set_cdone(struct ice40 *c, int v)
{
	v = v && !c->cdone_stuck_low;
	if (v == c->cdone)
		return;
	c->cdone = v;
	if (c->on_config)
		c->on_config(c->user, v);
}

static void fail(struct ice40 *c, const char *why)
{
	if (!c->failed)
		snprintf(c->why, sizeof(c->why), "%s (at bitstream byte %lu)", why, c->bytes);
	c->failed = 1;
}

static void crc_byte(struct ice40 *c, uint8_t b)
{
	for (int k = 7; k >= 0; k--) {
		int bit = ((b >> k) & 1) ^ (c->crc >> 15);
		c->crc = (uint16_t)((c->crc << 1) ^ (bit ? 0x1021 : 0));
	}
}

static void command(struct ice40 *c)
{
	switch (c->cmd) {
	case 0:
		if (c->value == 1 || c->value == 3) {
			if (!c->bank_width || !c->bank_height)
				fail(c, "data before the bank size was set");
			/* the bank's bits, then two zero bytes */
			c->data_left = (unsigned long)c->bank_width * c->bank_height / 8 + 2;
		} else if (c->value == 5) {
			c->crc = 0xffff;
		} else if (c->value == 6) {
			c->woke = 1;
		}
		break;
	case 2:
		if (c->crc != 0)
			fail(c, "CRC mismatch");
		break;
	case 6:
		c->bank_width = c->value + 1;
		break;
	case 7:
		c->bank_height = c->value;
		break;
	}
}

void ice40_byte(struct ice40 *c, uint8_t b)
{
	if (c->in_reset || !c->slave)
		return;
	c->bytes++;
	if (c->failed || c->woke) {
		if (c->woke)
			c->clocks_after += 8;
		if (c->woke && c->clocks_after >= TRAILING_CLOCKS)
			set_cdone(c, 1);
		return;
	}
	if (!c->synced) {
		/* The comment between FF 00 and 00 FF is kept, for the log. */
		if (c->in_comment && b && c->comment_len + 1 < sizeof(c->comment))
			c->comment[c->comment_len++] = (char)b;
		if ((c->sync_shift & 0xff) == 0xff && b == 0x00)
			c->in_comment = 1;
		else if ((c->sync_shift & 0xff) == 0x00 && b == 0xff)
			c->in_comment = 0;
		c->comment[c->comment_len] = '\0';
		c->sync_shift = c->sync_shift << 8 | b;
		if (c->sync_shift == 0x7eaa997e) {
			c->synced = 1;
			c->crc = 0xffff;
		} else if (c->bytes > 4096 && !c->in_comment) {
			fail(c, "no sync word 7EAA997E in the first 4 KiB");
		}
		return;
	}
	crc_byte(c, b);
	if (c->data_left) {
		if (--c->data_left < 2 && b != 0)
			fail(c, "bank data not followed by two zero bytes");
		return;
	}
	if (c->payload_left) {
		c->value = c->value << 8 | b;
		if (--c->payload_left == 0)
			command(c);
		return;
	}
	c->cmd = b >> 4;
	c->payload_left = b & 15;
	c->value = 0;
	if (!c->payload_left)
		command(c);
}

void ice40_clocks(struct ice40 *c, unsigned long n)
{
	if (!c->in_reset && c->slave && emu_now_us() < c->released_us + c->housekeeping_us)
		fail(c, "SPI clocks during the housekeeping time after CRESET rose");
	if (c->in_reset || !c->woke || c->failed || c->cdone)
		return;
	c->clocks_after += n;
	if (c->clocks_after >= TRAILING_CLOCKS)
		set_cdone(c, 1);
}

void ice40_creset(struct ice40 *c, int low, int cs_low, int host_sck, struct spiflash *f)
{
	if (low) {
		c->in_reset = 1;
		c->slave = 0;
		set_cdone(c, 0);
		return;
	}
	if (!c->in_reset)
		return;
	c->in_reset = 0;
	reset_parser(c);
	if (cs_low) {
		c->slave = 1;
		c->released_us = emu_now_us();
		return;
	}
	/* Master mode: the chip reads the flash itself, from address 0, and
	 * clocks on by itself after the wakeup. */
	if (host_sck && !c->sck_lenient) {
		fail(c, "the host drives SCK while the FPGA boots from flash");
		return;
	}
	c->slave = 1;
	c->released_us = emu_now_us() - c->housekeeping_us;
	for (uint32_t a = 0; a < FLASH_SIZE && !c->cdone && !c->failed; a++)
		ice40_byte(c, f->mem[a]);
	if (!c->cdone && !c->failed)
		fail(c, "the flash holds no complete bitstream");
	c->slave = 0;
}
