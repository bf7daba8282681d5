#include "fx2chip.h"

#include <string.h>

#include "descriptors.h"
#include "hilfx2.h"
#include "pins.h"
#include "pins_model.h"
#include "setup.h"

/* The boot ROM's device: Cypress's VID:PID, one interface, no endpoints
 * the host needs. */
static const uint8_t rom_device[18] = {
	18,   1,    0x00, 0x02, 0xff, 0xff, 0xff, 64, 0xb4,
	0x04, 0x13, 0x86, 0x01, 0xa0, 0,    0,    0,  1,
};
static const uint8_t rom_config[18] = {
	9, 2, 18, 0, 1, 1, 0, 0x80, 50, 9, 4, 0, 0, 0, 0xff, 0xff, 0xff, 0,
};

void fx2chip_init(struct fx2chip *c)
{
	memset(c, 0, sizeof(*c));
	fx2chip_power_on(c);
}

void fx2chip_power_on(struct fx2chip *c)
{
	memset(c->ram, 0, sizeof(c->ram));
	memset(c->scratch, 0, sizeof(c->scratch));
	c->cpu_held = c->rom_ep0 = c->renumerate = 0;
	c->configuration = 0;
	c->state = FX2_ROM;
	iceconf_init(&c->conf);
}

/* The CPU starts: is what the host loaded hil's firmware, byte for byte? */
static void cpu_run(struct fx2chip *c)
{
	c->runs++;
	int same = 0;
	for (int i = 0; i < c->nfirmware && !same; i++) {
		const struct hil_ihex *f = c->firmware[i];
		same = 1;
		for (unsigned a = 0; same && a < HIL_IHEX_SPACE; a++)
			if (f->used[a])
				same = a < sizeof(c->ram) && c->ram[a] == f->data[a];
	}
	c->rom_ep0 = 0;
	if (same) {
		c->state = FX2_FIRMWARE;
		c->configuration = 0;
		iceconf_init(&c->conf);
		c->renumerate = 1;
		c->renumerations++;
	} else {
		c->state = FX2_UNKNOWN;
	}
}

/* 0xA0: the ROM's RAM access, and CPUCS's reset bit. */
static int loader(struct fx2chip *c, const uint8_t *s, uint8_t *data)
{
	unsigned addr = (unsigned)s[2] | (unsigned)s[3] << 8;
	unsigned len = (unsigned)s[6] | (unsigned)s[7] << 8;
	int in = s[0] & 0x80;
	if (addr == 0xe600 && len == 1 && !in) {
		int held = data[0] & 1;
		/* Port pins float while the CPU is held: CRESET's pull-down
		 * resets the FPGA, so whatever runs next finds it unconfigured. */
		if (held)
			pins_creset(0);
		if (c->cpu_held && !held)
			cpu_run(c);
		c->cpu_held = held;
		return 1;
	}
	for (unsigned i = 0; i < len; i++) {
		unsigned a = addr + i;
		uint8_t *m = a < 0x4000               ? &c->ram[a]
			: (a >= 0xe000 && a < 0xe200) ? &c->scratch[a - 0xe000]
						      : NULL;
		if (!m)
			return -1;
		if (in)
			data[i] = *m;
		else
			*m = data[i];
	}
	if (!in && len)
		c->loads++;
	return (int)len;
}

static uint8_t flags(const struct fx2chip *c)
{
	uint8_t f = HILFX2_F_HIGHSPEED;
	if (pins_cdone())
		f |= HILFX2_F_CDONE;
	if (c->conf.state == HILFX2_ST_DONE && pins_cdone())
		f |= HILFX2_F_CONFIGURED;
	return f;
}

static int firmware(struct fx2chip *c, const uint8_t *s, uint8_t *data)
{
	struct setup_route r;
	setup_decide(s, 1, &r);
	switch (r.action) {
	case SETUP_SEND:
		memcpy(data, r.ptr, r.len);
		return r.len;
	case SETUP_IDENTIFY: {
		uint8_t id[16] = {0};
		for (unsigned a = 0; a + 12 <= sizeof(c->ram); a++)
			if (!memcmp(c->ram + a, "HILF", 4)) {
				memcpy(id, c->ram + a, 12);
				break;
			}
		id[12] = flags(c);
		memcpy(data, id, r.len);
		return r.len;
	}
	case SETUP_STATUS: {
		uint8_t st[HILFX2_STATUS_LEN];
		iceconf_status(&c->conf, flags(c), st);
		memcpy(data, st, r.len);
		return r.len;
	}
	case SETUP_GET_CONFIG:
		data[0] = c->configuration;
		return 1;
	case SETUP_GET_INTERFACE:
	case SETUP_GET_STATUS:
		memset(data, 0, r.len);
		return r.len;
	case SETUP_SET_CONFIG:
		c->configuration = (uint8_t)r.value;
		return 0;
	case SETUP_SET_INTERFACE:
	case SETUP_CLEAR_HALT:
		return 0;
	case SETUP_CONFIG_BEGIN:
		iceconf_begin(&c->conf, data);
		return 8;
	case SETUP_CONFIG_DATA:
		/* as EP0 brings it to the firmware: 64-byte packets */
		for (unsigned a = 0; a < r.len; a += 64)
			iceconf_data(&c->conf, data + a,
				     (uint8_t)(r.len - a < 64 ? r.len - a : 64));
		return r.len;
	case SETUP_CONFIG_END:
		iceconf_end(&c->conf);
		c->configs += c->conf.state == HILFX2_ST_DONE;
		return 0;
	case SETUP_RESET:
		c->resets++;
		return 0;
	case SETUP_ROM:
		c->rom_ep0 = 1;
		return 0;
	default:
		return -1;
	}
}

int fx2chip_control(struct fx2chip *c, const uint8_t *s, uint8_t *data)
{
	/* The ROM's loader answers 0xA0 unless running firmware took EP0. */
	if (s[1] == 0xa0 && (s[0] & 0x7f) == 0x40 && (c->state != FX2_FIRMWARE || c->rom_ep0))
		return loader(c, s, data);
	if (c->state == FX2_FIRMWARE && !c->cpu_held)
		return firmware(c, s, data);
	/* The ROM's own standard requests: SET_CONFIGURATION and the like. */
	if ((s[0] & 0x60) == 0)
		return s[0] & 0x80 ? -1 : 0;
	return -1;
}

static size_t put(uint8_t *out, size_t at, size_t n, const uint8_t *p, size_t len)
{
	if (at + len <= n)
		memcpy(out + at, p, len);
	return at + len;
}

size_t fx2chip_descriptors(const struct fx2chip *c, uint8_t *out, size_t n)
{
	if (c->state != FX2_FIRMWARE) {
		size_t k = put(out, 0, n, rom_device, sizeof(rom_device));
		return put(out, k, n, rom_config, sizeof(rom_config));
	}
	const uint8_t *d, *cfg;
	size_t dl = desc_find(DESC_DEVICE << 8, 1, &d);
	size_t cl = desc_find(DESC_CONFIG << 8, 1, &cfg);
	return put(out, put(out, 0, n, d, dl), n, cfg, cl);
}

uint16_t fx2chip_vid(const struct fx2chip *c)
{
	return c->state == FX2_FIRMWARE ? HILFX2_VID : 0x04b4;
}

uint16_t fx2chip_pid(const struct fx2chip *c)
{
	return c->state == FX2_FIRMWARE ? HILFX2_PID : 0x8613;
}

uint16_t fx2chip_bcd(const struct fx2chip *c)
{
	return c->state == FX2_FIRMWARE ? HILFX2_API : 0xa001;
}
