/* The iCE40's configuration as the pins show it. CRESET low holds the chip
 * in reset; its rise starts configuration: as SPI slave from the host if
 * SPI_SS is low then, else as SPI master from the flash at address 0.
 * The bitstream is parsed as the chip does (sync word, commands, the
 * CRAM/BRAM data lengths, CRC-16 over everything after a CRC reset), and
 * CDONE rises only for a whole, well-formed bitstream with a good CRC,
 * followed by at least 49 clocks. No clock may come during the
 * housekeeping time after CRESET rises (1200 us): the configuration then
 * fails. Booting from flash, the chip is the SPI master: if the host still
 * drives SCK then, the boot fails. */
#ifndef EMU_ICE40_H
#define EMU_ICE40_H

#include <stddef.h>
#include <stdint.h>

#include "spiflash.h"

struct ice40 {
	int in_reset, slave, cdone, cdone_stuck_low;
	int sck_lenient; /* let a boot from flash pass with the host on SCK */
	double released_us, housekeeping_us;
	unsigned long bytes, clocks_after;
	/* the parser */
	int synced, woke, failed;
	uint32_t sync_shift;
	uint16_t crc;
	uint8_t cmd;
	unsigned payload_left, value, bank_width, bank_height;
	unsigned long data_left;
	char why[160];     /* why the last configuration failed */
	char comment[256]; /* the bitstream's comment, if any */
	size_t comment_len;
	int in_comment;
	void (*on_config)(void *user, int done);
	void *user;
};

void ice40_init(struct ice40 *c);
/* CRESET's level changed; cs_low: SPI_SS at that moment; host_sck: the
 * host drives SCK. */
void ice40_creset(struct ice40 *c, int low, int cs_low, int host_sck, struct spiflash *f);
/* A byte clocked in with SPI_SS low. */
void ice40_byte(struct ice40 *c, uint8_t b);
/* n SPI clocks passed (with or without data). */
void ice40_clocks(struct ice40 *c, unsigned long n);

#endif
