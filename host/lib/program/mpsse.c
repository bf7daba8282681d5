/* Opcodes from FTDI's AN_108. */
#include "program/mpsse.h"
#include "util/errfmt.h"
#include "util/clock.h"

#include <ftdi.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void put(struct mpsse *m, const uint8_t *p, size_t n)
{
	if (m->n + n > MPSSE_BUF)
		mpsse_flush(m);
	memcpy(m->buf + m->n, p, n);
	m->n += n;
}

static void pins(struct mpsse *m)
{
	uint8_t c[3] = {0x80, m->val, m->dir};
	put(m, c, 3);
}

int mpsse_open(struct mpsse *m, struct ftdi_context *f, const struct hil_board *b, double hz)
{
	memset(m, 0, sizeof(*m));
	m->ftdi = f;
	m->sck = (uint8_t)(1u << b->sck);
	m->mosi = (uint8_t)(1u << b->mosi);
	m->cs = (uint8_t)(1u << b->cs);
	m->creset = (uint8_t)(1u << b->creset);
	m->cdone = (uint8_t)(1u << b->cdone);
	if (ftdi_usb_reset(f) < 0 || ftdi_set_latency_timer(f, 1) < 0 ||
	    ftdi_set_bitmode(f, 0, BITMODE_RESET) < 0 ||
	    ftdi_set_bitmode(f, 0, BITMODE_MPSSE) < 0 || ftdi_tcioflush(f) < 0) {
		return hil_fail(m->err, sizeof(m->err),
				"cannot put the FTDI channel in "
				"MPSSE mode: %s",
				ftdi_get_error_string(f));
	}
	ftdi_read_data_set_chunksize(f, 65536);
	ftdi_write_data_set_chunksize(f, 65536);
	/* 60 MHz base clock, no adaptive or three-phase clocking. */
	unsigned div = (unsigned)(60e6 / (2 * hz) + 0.999) - 1;
	if (div > 0xffff)
		div = 0xffff;
	m->hz = 60e6 / (2.0 * (div + 1));
	uint8_t setup[] = {0x8a, 0x97, 0x8d, 0x85, 0x86, (uint8_t)div, (uint8_t)(div >> 8)};
	put(m, setup, sizeof(setup));
	m->val = 0;
	m->dir = m->sck | m->mosi;
	pins(m);
	/* A bad opcode echoes FA and the opcode: proof the engine is there
	 * and that nothing stale is left in the answer stream. */
	uint8_t bogus = 0xab, echo[2];
	put(m, &bogus, 1);
	if (mpsse_recv(m, echo, 2) < 0)
		return -1;
	if (echo[0] != 0xfa || echo[1] != 0xab)
		return hil_fail(m->err, sizeof(m->err),
				"the FTDI chip's MPSSE engine does "
				"not answer as it should (%02x %02x): is this an FTDI "
				"channel with MPSSE?",
				echo[0], echo[1]);
	return 0;
}

void mpsse_close(struct mpsse *m)
{
	m->dir = 0;
	pins(m);
	mpsse_flush(m);
	ftdi_set_bitmode(m->ftdi, 0, BITMODE_RESET);
}

void mpsse_release_bus(struct mpsse *m)
{
	m->dir = (uint8_t)(m->dir & ~(m->sck | m->mosi));
	pins(m);
}

void mpsse_cs(struct mpsse *m, int low)
{
	m->dir = low ? (uint8_t)(m->dir | m->cs) : (uint8_t)(m->dir & ~m->cs);
	m->val &= (uint8_t)~m->cs;
	pins(m);
}

void mpsse_creset(struct mpsse *m, int low)
{
	m->dir = low ? (uint8_t)(m->dir | m->creset) : (uint8_t)(m->dir & ~m->creset);
	m->val &= (uint8_t)~m->creset;
	pins(m);
}

void mpsse_write(struct mpsse *m, const uint8_t *p, size_t n)
{
	while (n) {
		size_t k = n > 65536 ? 65536 : n;
		uint8_t c[3] = {0x11, (uint8_t)(k - 1), (uint8_t)((k - 1) >> 8)};
		put(m, c, 3);
		for (size_t o = 0; o < k;) {
			size_t room = MPSSE_BUF - m->n;
			if (!room) {
				mpsse_flush(m);
				continue;
			}
			size_t t = k - o < room ? k - o : room;
			memcpy(m->buf + m->n, p + o, t);
			m->n += t;
			o += t;
		}
		p += k;
		n -= k;
	}
}

void mpsse_read(struct mpsse *m, size_t n)
{
	while (n) {
		size_t k = n > 65536 ? 65536 : n;
		uint8_t c[3] = {0x20, (uint8_t)(k - 1), (uint8_t)((k - 1) >> 8)};
		put(m, c, 3);
		n -= k;
	}
}

void mpsse_clocks(struct mpsse *m, unsigned long n)
{
	while (n >= 8) {
		unsigned long bytes = n / 8 > 65536 ? 65536 : n / 8;
		uint8_t c[3] = {0x8f, (uint8_t)(bytes - 1), (uint8_t)((bytes - 1) >> 8)};
		put(m, c, 3);
		n -= bytes * 8;
	}
	if (n) {
		uint8_t c[2] = {0x8e, (uint8_t)(n - 1)};
		put(m, c, 2);
	}
}

void mpsse_pins(struct mpsse *m)
{
	uint8_t c = 0x81;
	put(m, &c, 1);
}

int mpsse_flush(struct mpsse *m)
{
	size_t o = 0;
	while (o < m->n && !m->failed) {
		int r = ftdi_write_data(m->ftdi, m->buf + o, (int)(m->n - o));
		if (r <= 0) {
			hil_fail(m->err, sizeof(m->err),
				 "USB write to the FTDI chip "
				 "failed: %s (was the board unplugged?)",
				 r < 0 ? ftdi_get_error_string(m->ftdi) : "short write");
			m->failed = 1;
		}
		o += r > 0 ? (size_t)r : 0;
	}
	m->n = 0;
	return m->failed ? -1 : 0;
}

int mpsse_recv(struct mpsse *m, uint8_t *out, size_t n)
{
	uint8_t send_now = 0x87;
	put(m, &send_now, 1);
	if (mpsse_flush(m) < 0)
		return -1;
	size_t got = 0;
	/* Two seconds without a byte: the chip stopped answering. */
	double deadline = hil_mono_s() + 2.0;
	while (got < n) {
		int r = ftdi_read_data(m->ftdi, out + got, (int)(n - got));
		if (r < 0) {
			hil_fail(m->err, sizeof(m->err),
				 "USB read from the FTDI chip "
				 "failed: %s (was the board unplugged?)",
				 ftdi_get_error_string(m->ftdi));
			m->failed = 1;
			return -1;
		}
		got += (size_t)r;
		if (r > 0)
			deadline = hil_mono_s() + 2.0;
		if (r == 0 && hil_mono_s() > deadline) {
			hil_fail(m->err, sizeof(m->err),
				 "the FTDI chip sent %zu of %zu "
				 "answer bytes, then nothing for 2 s: it stopped "
				 "answering",
				 got, n);
			m->failed = 1;
			return -1;
		}
	}
	return 0;
}
