/* Opcodes after FTDI's AN_108 (Command Processor for MPSSE and MCU Host
 * Bus Emulation Modes). */
#include "mpsse.h"

#include <string.h>

#include "clock.h"

void mpsse_init(struct mpsse *m, struct spiflash *f, struct ice40 *fpga)
{
	memset(m, 0, sizeof(*m));
	m->pin = (struct pins){0, 1, 2, 4, 6, 7};
	m->flash = f;
	m->fpga = fpga;
	m->div5 = 1;
	m->divisor = 0xffff;
}

static int bit(uint8_t v, int n)
{
	return (v >> n) & 1;
}

/* A pin's level: driven by us when its direction bit is set, else pulled
 * up on the board (CS and CRESET) or driven by the other side. */
static int level(const struct mpsse *m, int n)
{
	if (bit(m->lo_dir, n))
		return bit(m->lo_val, n);
	if (n == m->pin.cdone)
		return m->fpga->cdone;
	return 1;
}

static void pins_changed(struct mpsse *m)
{
	int cs_low = !level(m, m->pin.cs);
	int creset_low = !level(m, m->pin.creset);
	if (cs_low && !m->cs_low)
		spiflash_select(m->flash);
	if (creset_low != m->creset_low)
		ice40_creset(m->fpga, creset_low, cs_low, bit(m->lo_dir, m->pin.sck),
			     m->flash);
	if (!cs_low && m->cs_low)
		spiflash_deselect(m->flash);
	m->cs_low = cs_low;
	m->creset_low = creset_low;
}

static uint8_t read_lo(const struct mpsse *m)
{
	uint8_t v = 0;
	for (int n = 0; n < 8; n++)
		v |= (uint8_t)(level(m, n) << n);
	return v;
}

/* The FPGA sees the clocks begin now; then their time passes. */
static void clocks(struct mpsse *m, unsigned long n)
{
	double hz = (m->div5 ? 12e6 : 60e6) / ((1.0 + m->divisor) * 2.0);
	ice40_clocks(m->fpga, n);
	emu_add_us((double)n * 1e6 / hz);
}

static uint8_t reverse(uint8_t b)
{
	b = (uint8_t)((b & 0xf0) >> 4 | (b & 0x0f) << 4);
	b = (uint8_t)((b & 0xcc) >> 2 | (b & 0x33) << 2);
	return (uint8_t)((b & 0xaa) >> 1 | (b & 0x55) << 1);
}

/* One byte on the SPI bus: the devices see it only while CS is low. */
static uint8_t spi_byte(struct mpsse *m, uint8_t out)
{
	uint8_t in = 0xff;
	if (m->cs_low) {
		in = spiflash_xfer(m->flash, out);
		ice40_byte(m->fpga, out);
	}
	clocks(m, 8);
	return in;
}

static void answer(struct chan *ch, uint8_t b)
{
	chan_push(ch, &b, 1);
}

/* Header bytes each opcode takes before its data. */
static unsigned header_len(uint8_t op)
{
	if (!(op & 0x80))
		return (op & 0x02) || (op & 0x40) ? 1 : 2;
	switch (op) {
	case 0x80:
	case 0x82:
	case 0x86:
	case 0x8f:
		return 2;
	case 0x8e:
		return 1;
	}
	return 0;
}

static int known(uint8_t op)
{
	if (!(op & 0x80))
		return 1;
	switch (op) {
	case 0x80:
	case 0x81:
	case 0x82:
	case 0x83:
	case 0x84:
	case 0x85:
	case 0x86:
	case 0x87:
	case 0x8a:
	case 0x8b:
	case 0x8c:
	case 0x8d:
	case 0x8e:
	case 0x8f:
	case 0x96:
	case 0x97:
		return 1;
	}
	return 0;
}

/* Runs an opcode that takes no data bytes, once its header is complete. */
static void run_simple(struct mpsse *m, struct chan *ch)
{
	switch (m->op) {
	case 0x80:
		m->lo_val = m->hdr[0];
		m->lo_dir = m->hdr[1];
		pins_changed(m);
		break;
	case 0x82:
		m->hi_val = m->hdr[0];
		m->hi_dir = m->hdr[1];
		break;
	case 0x81:
		answer(ch, read_lo(m));
		break;
	case 0x83:
		answer(ch, (uint8_t)(m->hi_val | ~m->hi_dir));
		break;
	case 0x86:
		m->divisor = (unsigned)(m->hdr[0] | m->hdr[1] << 8);
		break;
	case 0x8a:
		m->div5 = 0;
		break;
	case 0x8b:
		m->div5 = 1;
		break;
	case 0x8e:
		clocks(m, m->hdr[0] + 1ul);
		break;
	case 0x8f:
		clocks(m, ((unsigned long)(m->hdr[0] | m->hdr[1] << 8) + 1) * 8);
		break;
	}
}

size_t mpsse_feed(struct mpsse *m, struct chan *ch, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		if (m->data_left) {
			uint8_t op = m->op;
			int wr = (op & 0x10) || (op & 0x40), rd = op & 0x20;
			if (rd && !chan_room(ch))
				return i;
			if (op & 0x02 || op & 0x40) {
				/* A bit shift: only its clocks are modelled (the
				 * flashers use bit shifts for dummy clocks), not its
				 * bits on the bus. */
				if (wr && i == n)
					return i;
				if (wr)
					i++;
				unsigned nbits = m->hdr[0] + 1u;
				clocks(m, nbits > 8 ? 8 : nbits);
				if (rd)
					answer(ch, 0xff);
				m->data_left = 0;
				continue;
			}
			if (wr && i == n)
				return i;
			uint8_t out = wr ? p[i++] : 0xff;
			if (op & 0x08)
				out = reverse(out);
			uint8_t in = spi_byte(m, out);
			if (op & 0x08)
				in = reverse(in);
			if (rd)
				answer(ch, in);
			m->data_left--;
			continue;
		}
		if (m->need_hdr) {
			if (i == n)
				return i;
			m->hdr[m->nhdr++] = p[i++];
			if (m->nhdr < m->need_hdr)
				continue;
			m->need_hdr = 0;
			if (!(m->op & 0x80))
				m->data_left = (m->op & 0x02) || (m->op & 0x40)
					? 1
					: (unsigned long)(m->hdr[0] | m->hdr[1] << 8) + 1;
			else
				run_simple(m, ch);
			continue;
		}
		if (i == n)
			return i;
		/* Every opcode may answer up to two bytes: keep room for them. */
		if (chan_room(ch) < 2)
			return i;
		uint8_t op = p[i++];
		if (!known(op)) {
			answer(ch, 0xfa);
			answer(ch, op);
			m->bad_ops++;
			continue;
		}
		m->op = op;
		m->nhdr = 0;
		m->need_hdr = header_len(op);
		if (!m->need_hdr)
			run_simple(m, ch);
	}
}
