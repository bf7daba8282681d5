/* FT2232H and FT232H descriptors and vendor requests, after FTDI's data
 * sheets and AN232B-05 (baud rate divisors). */
#include "chip.h"

#include <string.h>

#define VID 0x0403

/* bcdDevice is what tells libftdi which chip it is: 0x0700 a 2232H,
 * 0x0900 a 232H. */
static const uint8_t dev_2232h[18] = {
	18,       1,    0x00, 0x02, 0,    0, 0, 64, VID & 0xff,
	VID >> 8, 0x10, 0x60, 0x00, 0x07, 1, 2, 3,  1,
};
static const uint8_t dev_232h[18] = {
	18,       1,    0x00, 0x02, 0,    0, 0, 64, VID & 0xff,
	VID >> 8, 0x14, 0x60, 0x00, 0x09, 1, 2, 3,  1,
};

/* One configuration, two vendor-class interfaces, each with a bulk IN and
 * OUT endpoint of 512 bytes: A = 0x81/0x02, B = 0x83/0x04. */
static const uint8_t cfg_232h[32] = {
	9,    2, 32, 0, 1,    1, 0,    0x80, 50, 9, 4, 0,    0, 2,    0xff, 0xff,
	0xff, 2, 7,  5, 0x81, 2, 0x00, 0x02, 0,  7, 5, 0x02, 2, 0x00, 0x02, 0,
};

static const uint8_t cfg_2232h[55] = {
	9,    2,    55,   0,    2,    1, 0,    0x80, 50,   9,    4,    0,    0, 2,
	0xff, 0xff, 0xff, 2,    7,    5, 0x81, 2,    0x00, 0x02, 0,    7,    5, 0x02,
	2,    0x00, 0x02, 0,    9,    4, 1,    0,    2,    0xff, 0xff, 0xff, 2, 7,
	5,    0x83, 2,    0x00, 0x02, 0, 7,    5,    0x04, 2,    0x00, 0x02, 0,
};

static const uint8_t *dev_desc(const struct chip *c)
{
	return c->ft232h ? dev_232h : dev_2232h;
}

static const uint8_t *cfg_desc(const struct chip *c, size_t *n)
{
	*n = c->ft232h ? sizeof(cfg_232h) : sizeof(cfg_2232h);
	return c->ft232h ? cfg_232h : cfg_2232h;
}

unsigned chip_pid(const struct chip *c)
{
	return c->ft232h ? 0x6014 : 0x6010;
}

unsigned chip_bcd(const struct chip *c)
{
	return c->ft232h ? 0x0900 : 0x0700;
}

int chip_uart_chan(const struct chip *c)
{
	return c->ft232h ? 0 : 1;
}

size_t chip_descriptors(const struct chip *c, uint8_t *out, size_t cap)
{
	size_t cn;
	const uint8_t *cfg = cfg_desc(c, &cn);
	if (cap < 18 + cn)
		return 0;
	memcpy(out, dev_desc(c), 18);
	memcpy(out + 18, cfg, cn);
	return 18 + cn;
}

static int string_desc(const char *s, uint8_t *data, int len)
{
	uint8_t d[256];
	size_t n = strlen(s);
	if (n > 126)
		n = 126;
	d[0] = (uint8_t)(2 + 2 * n);
	d[1] = 3;
	for (size_t i = 0; i < n; i++) {
		d[2 + 2 * i] = (uint8_t)s[i];
		d[3 + 2 * i] = 0;
	}
	int m = d[0] < len ? d[0] : len;
	memcpy(data, d, (size_t)m);
	return m;
}

static int get_descriptor(struct chip *c, int type, int index, uint8_t *data, int len)
{
	const uint8_t *d = NULL;
	int n = 0;
	if (type == 1) {
		d = dev_desc(c);
		n = 18;
	} else if (type == 2 && index == 0) {
		size_t cn;
		d = cfg_desc(c, &cn);
		n = (int)cn;
	} else if (type == 3) {
		static const uint8_t langs[4] = {4, 3, 0x09, 0x04};
		if (index == 0) {
			d = langs;
			n = sizeof(langs);
		} else if (index == 1) {
			return string_desc("FTDI", data, len);
		} else if (index == 2) {
			return string_desc(c->description, data, len);
		} else if (index == 3) {
			return string_desc(c->serial, data, len);
		}
	}
	if (!d)
		return -1;
	if (n > len)
		n = len;
	memcpy(data, d, (size_t)n);
	return n;
}

/* The H chips' divisor: 14 bits of integer, 3 of eighths (in a scrambled
 * order), and bit 17 selecting the 12 MHz base clock over 3 MHz; 0 and 1
 * are the special cases base and base / 1.5. */
static unsigned long decode_baud(unsigned value, unsigned index)
{
	static const unsigned eighths[8] = {0, 4, 2, 1, 3, 5, 6, 7};
	unsigned long enc = value | (unsigned long)(index & 0xff00) << 8;
	unsigned long base = enc & 0x20000 ? 12000000ul : 3000000ul;
	unsigned long d8 = (enc & 0x3fff) * 8 + eighths[(enc >> 14) & 7];
	if (d8 == 0)
		return base;
	if (d8 == 8)
		return base * 2 / 3;
	return base * 8 / d8;
}

int chip_control(struct chip *c, const uint8_t *s, uint8_t *data)
{
	int type = s[0], req = s[1];
	unsigned value = s[2] | s[3] << 8, index = s[4] | s[5] << 8;
	int len = s[6] | s[7] << 8;
	if (type == 0x80 && req == 6)
		return get_descriptor(c, value >> 8, value & 0xff, data, len);
	if (type == 0x80 && req == 8 && len >= 1) {
		data[0] = (uint8_t)c->configuration;
		return 1;
	}
	if (type == 0x80 && req == 0 && len >= 2) {
		data[0] = data[1] = 0;
		return 2;
	}
	if (type == 0x00 && req == 9) {
		c->configuration = (int)value;
		return 0;
	}
	if (type == 0x01 && req == 11)
		return 0;
	/* FTDI's vendor requests name the channel in wIndex's low byte: 1 A, 2 B. */
	int i = (int)(index & 0xff) - 1;
	if ((type & 0x60) != 0x40 || i < 0 || i > (c->ft232h ? 0 : 1))
		return -1;
	struct chan *ch = &c->ch[i];
	if (type == 0x40) {
		switch (req) {
		case 0: /* reset, or purge one direction */
			if (value == 0 || value == 1)
				ch->in_len = ch->in_head = 0;
			if (value == 0)
				ch->bitmode = 0;
			return 0;
		case 1:
		case 2:
		case 4:
		case 6:
		case 7:
			return 0; /* modem lines, flow control, data format, chars */
		case 3:
			ch->baud = decode_baud(value, index);
			return 0;
		case 9:
			ch->latency_ms = (int)(value & 0xff);
			return 0;
		case 11:
			ch->bitmode = (int)(value >> 8);
			return 0;
		}
		return -1;
	}
	switch (req) {
	case 5: /* modem and line status */
		if (len < 2)
			return -1;
		data[0] = 0x32;
		data[1] = 0x60;
		return 2;
	case 10:
		if (len < 1)
			return -1;
		data[0] = (uint8_t)ch->latency_ms;
		return 1;
	case 0x90: /* EEPROM word: an unprogrammed EEPROM reads as ones */
		if (len < 2)
			return -1;
		data[0] = data[1] = 0xff;
		return 2;
	}
	return -1;
}

size_t chan_room(const struct chan *ch)
{
	return CHIP_INQ - ch->in_len;
}

size_t chan_push(struct chan *ch, const uint8_t *p, size_t n)
{
	size_t room = chan_room(ch);
	if (n > room)
		n = room;
	for (size_t k = 0; k < n; k++)
		ch->in[(ch->in_head + ch->in_len + k) % CHIP_INQ] = p[k];
	ch->in_len += n;
	return n;
}

size_t chan_pull(struct chan *ch, uint8_t *out, size_t cap)
{
	size_t o = 0;
	while (o + 2 <= cap) {
		out[o++] = 0x32;
		out[o++] = 0x60;
		size_t take = CHIP_PKT - 2;
		if (take > cap - o)
			take = cap - o;
		if (take > ch->in_len)
			take = ch->in_len;
		for (size_t k = 0; k < take; k++)
			out[o + k] = ch->in[(ch->in_head + k) % CHIP_INQ];
		ch->in_head = (ch->in_head + take) % CHIP_INQ;
		ch->in_len -= take;
		o += take;
		/* A short packet ends the transfer. */
		if (take < CHIP_PKT - 2 || !ch->in_len)
			break;
	}
	return o;
}
