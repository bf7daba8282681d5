#include "spiflash.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* Typical times of the W25Q128JV data sheet, in microseconds. */
#define T_PAGE 700.0
#define T_4K   45000.0
#define T_32K  120000.0
#define T_64K  150000.0
#define T_RST  30.0

int spiflash_init(struct spiflash *f)
{
	memset(f, 0, sizeof(*f));
	f->mem = malloc(FLASH_SIZE);
	if (!f->mem)
		return -1;
	memset(f->mem, 0xff, FLASH_SIZE);
	f->jedec[0] = 0xef;
	f->jedec[1] = 0x40;
	f->jedec[2] = 0x18;
	f->corrupt_at = -1;
	return 0;
}

void spiflash_free(struct spiflash *f)
{
	free(f->mem);
	f->mem = NULL;
}

static int busy(const struct spiflash *f)
{
	return f->stuck_busy || emu_now_us() < f->busy_until_us;
}

void spiflash_select(struct spiflash *f)
{
	f->active = 1;
	f->n = 0;
	f->op = 0;
	f->addr = 0;
}

static void erase(struct spiflash *f, uint32_t size, double t)
{
	uint32_t base = f->addr & ~(size - 1) & (FLASH_SIZE - 1);
	memset(f->mem + base, 0xff, size);
	f->busy_until_us = emu_now_us() + t;
	f->erases++;
}

void spiflash_deselect(struct spiflash *f)
{
	if (!f->active)
		return;
	f->active = 0;
	if (f->n == 0)
		return;
	if (f->powered_down) {
		if (f->op == 0xab)
			f->powered_down = 0;
		return;
	}
	if (emu_now_us() < f->reset_until_us)
		return;
	int b = busy(f);
	if (f->op != 0x66 && f->op != 0x99)
		f->reset_enabled = 0;
	switch (f->op) {
	case 0x66:
		f->reset_enabled = 1;
		break;
	case 0x99:
		if (f->reset_enabled) {
			f->wel = 0;
			f->busy_until_us = 0;
			f->reset_until_us = emu_now_us() + T_RST;
		}
		f->reset_enabled = 0;
		break;
	case 0x06:
		if (!b)
			f->wel = 1;
		break;
	case 0x04:
		if (!b)
			f->wel = 0;
		break;
	case 0xb9:
		if (!b)
			f->powered_down = 1;
		break;
	case 0x02:
		if (f->wel && !b && f->n > 4 && !f->protect) {
			f->busy_until_us = emu_now_us() + T_PAGE;
			f->programs++;
		}
		f->wel = 0;
		break;
	case 0x20:
	case 0x52:
	case 0xd8:
		if (f->wel && !b && f->n == 4 && !f->protect)
			erase(f,
			      f->op == 0x20           ? 4096
				      : f->op == 0x52 ? 32768
						      : 65536,
			      f->op == 0x20           ? T_4K
				      : f->op == 0x52 ? T_32K
						      : T_64K);
		f->wel = 0;
		break;
	case 0x60:
	case 0xc7:
		if (f->wel && !b && !f->protect) {
			memset(f->mem, 0xff, FLASH_SIZE);
			f->busy_until_us = emu_now_us() + 40e6;
			f->erases++;
		}
		f->wel = 0;
		break;
	}
}

/* A page program lands byte by byte as it arrives, each only clearing bits;
 * past the page's end the address wraps to its start. */
static void program(struct spiflash *f, uint8_t in)
{
	if (!f->wel || busy(f) || f->protect)
		return;
	uint32_t a = f->page_base | (f->addr & 0xff);
	f->mem[a] &= in;
	f->addr = (f->addr & ~0xffu) | ((f->addr + 1) & 0xff);
}

uint8_t spiflash_xfer(struct spiflash *f, uint8_t in)
{
	if (!f->active || f->absent)
		return 0xff;
	unsigned n = f->n++;
	if (n == 0) {
		f->op = in;
		/* In continuous-read mode the chip takes an opcode-less read;
		 * a flasher leaves the mode with an FF byte first. */
		if (f->cont_read && in == 0xff)
			f->cont_read = 0;
		return 0xff;
	}
	if (f->powered_down)
		return f->op == 0xab && n >= 4 ? 0x17 : 0xff;
	if (emu_now_us() < f->reset_until_us) {
		if (n == 1)
			f->ignored++;
		return 0xff;
	}
	switch (f->op) {
	case 0x9f:
		return n <= 3 ? f->jedec[n - 1] : 0xff;
	case 0x05:
		return (uint8_t)((busy(f) ? 1 : 0) | (f->wel ? 2 : 0) |
				 (f->protect ? 0x1c : 0));
	case 0x35:
		return 0x02; /* QE set, as these boards ship */
	case 0xab:
		return n >= 4 ? 0x17 : 0xff;
	case 0x03:
	case 0x0b:
	case 0x02:
	case 0x20:
	case 0x52:
	case 0xd8:
		if (n <= 3) {
			f->addr = (f->addr << 8 | in) & (FLASH_SIZE - 1);
			if (n == 3)
				f->page_base = f->addr & ~0xffu;
			return 0xff;
		}
		if (f->op == 0x02) {
			program(f, in);
			return 0xff;
		}
		if (f->op == 0x0b && n == 4)
			return 0xff; /* the dummy byte */
		if (f->op == 0x03 || f->op == 0x0b) {
			if (busy(f))
				return 0xff;
			uint32_t a = f->addr;
			f->addr = (f->addr + 1) & (FLASH_SIZE - 1);
			f->reads++;
			uint8_t v = f->mem[a];
			return (long)a == f->corrupt_at ? (uint8_t)~v : v;
		}
		return 0xff;
	}
	return 0xff;
}
