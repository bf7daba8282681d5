/* The emulated FX2LP on a Glasgow: its boot ROM's loader (vendor request
 * 0xA0 into RAM and CPUCS), and, once the RAM holds exactly hil's firmware
 * image (one of its builds) and the CPU is let run, that firmware as the host sees it: its
 * descriptors and EP0 requests answered by the firmware's own
 * chip-independent code (firmware/fx2: descriptors.c, setup.c, iceconf.c)
 * with its pins on the iCE40 model. The 8051 itself is not simulated: an
 * image other than the firmware's "runs" as code that never enumerates. */
#ifndef FX2_CHIP_H
#define FX2_CHIP_H

#include <stdint.h>

#include "hil/ihex.h"
#include "iceconf.h"

enum fx2_state {
	FX2_ROM,
	FX2_FIRMWARE,
	FX2_UNKNOWN
};

#define FX2_IMAGES 2

struct fx2chip {
	uint8_t ram[0x4000], scratch[0x200];
	int cpu_held;
	int state;
	int rom_ep0; /* the firmware gave EP0 back to the ROM (HILFX2_REQ_ROM) */
	const struct hil_ihex *firmware[FX2_IMAGES]; /* builds of hil's firmware */
	int nfirmware;
	struct iceconf conf;
	uint8_t configuration;
	/* counts a test may check */
	unsigned long loads, runs, renumerations, configs, resets;
	/* set when the chip leaves the bus and comes back as another device */
	int renumerate;
};

void fx2chip_init(struct fx2chip *c);
/* The chip after its power came back: the boot ROM again, its RAM empty;
 * the images it knows and the counts stay. */
void fx2chip_power_on(struct fx2chip *c);
/* A control transfer: setup, and for OUT its data; for IN the reply goes
 * to data. Returns the bytes of the data stage, or -1 to stall. */
int fx2chip_control(struct fx2chip *c, const uint8_t *setup, uint8_t *data);
/* The device descriptor and configuration the chip now shows; returns the
 * bytes written to out (at most n). */
size_t fx2chip_descriptors(const struct fx2chip *c, uint8_t *out, size_t n);
uint16_t fx2chip_vid(const struct fx2chip *c);
uint16_t fx2chip_pid(const struct fx2chip *c);
uint16_t fx2chip_bcd(const struct fx2chip *c);

#endif
