/* The FT2232H's MPSSE engine on channel A, as far as SPI flashing and
 * iCE40 configuration use it: GPIO set/read on both bytes, byte and bit
 * shifts in every edge/order combination, clocks without data, the clock
 * divisor, and 0xFA for an opcode it does not know. Commands are consumed
 * a byte at a time, so one may span USB transfers; a command's answer goes
 * into the channel's buffer, and the engine stops (the host's OUT transfer
 * waits) while that buffer is full, as the chip does. The pins drive the
 * board: SPI to the flash and the iCE40, CRESET, and CDONE read back. */
#ifndef EMU_MPSSE_H
#define EMU_MPSSE_H

#include <stddef.h>
#include <stdint.h>

#include "chip.h"
#include "ice40.h"
#include "spiflash.h"

struct pins {
	int sck, mosi, miso, cs, cdone, creset; /* ADBUS bit numbers */
};

struct mpsse {
	struct pins pin;
	uint8_t lo_val, lo_dir, hi_val, hi_dir;
	unsigned divisor;
	int div5;
	/* the command being parsed */
	uint8_t op, hdr[3];
	unsigned nhdr, need_hdr;
	unsigned long data_left; /* bytes (or 1 for a bit command) still to come */
	int cs_low, creset_low;  /* effective levels, after pull-ups */
	struct spiflash *flash;
	struct ice40 *fpga;
	unsigned long bad_ops;
};

void mpsse_init(struct mpsse *m, struct spiflash *f, struct ice40 *fpga);
/* Consumes bytes from the host; returns how many were taken (fewer than
 * n only while ch's buffer lacks room for an answer). */
size_t mpsse_feed(struct mpsse *m, struct chan *ch, const uint8_t *p, size_t n);

#endif
