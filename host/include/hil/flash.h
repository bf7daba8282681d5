/* Putting a bitstream on an iCE40 board through the FTDI channel wired to
 * its SPI flash and configuration port: into the SPI flash (erase what the
 * image covers, program, read back and compare, then let the FPGA boot
 * from it) or straight into the FPGA's SRAM. Every failure returns -1 with
 * a message that names it: a bad flash ID, write-enable not taken, a busy
 * timeout, a verify mismatch, CDONE low after configuration, a USB error. */
#ifndef HIL_FLASH_H
#define HIL_FLASH_H

#include <stddef.h>
#include <stdint.h>

#include "hil/board.h"

struct ftdi_context;

/* Called as the work goes on: what ("erase", "write", "verify", "sram"),
 * done and total bytes. */
typedef void (*hil_progress_fn)(void *user, const char *what, size_t done, size_t total);

struct hil_flash_opts {
	double hz; /* SPI clock; 0: 6 MHz */
	hil_progress_fn progress;
	void *user;
	char chip[64]; /* out: the flash chip found */
};

int hil_flash_spi(struct ftdi_context *f, const struct hil_board *b, const uint8_t *img,
		  size_t len, struct hil_flash_opts *o, char *err, size_t errlen);
int hil_flash_sram(struct ftdi_context *f, const struct hil_board *b, const uint8_t *img,
		   size_t len, struct hil_flash_opts *o, char *err, size_t errlen);

#endif
