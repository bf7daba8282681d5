/* An SPI master on an FTDI channel in MPSSE mode. Commands collect in a
 * buffer and go out in one USB transfer when an answer is needed (or the
 * buffer fills): round trips, not the SPI clock, set the flashing time.
 * CS and CRESET are open-drain: driven low by making the pin an output,
 * released to the board's pull-up by making it an input. */
#ifndef HIL_MPSSE_H
#define HIL_MPSSE_H

#include <stddef.h>
#include <stdint.h>

#include "hil/board.h"

struct ftdi_context;

#define MPSSE_BUF 65536

struct mpsse {
	struct ftdi_context *ftdi;
	uint8_t sck, mosi, cs, creset, cdone; /* pin masks */
	uint8_t val, dir;
	double hz;
	uint8_t buf[MPSSE_BUF];
	size_t n;
	int failed; /* a transfer failed: everything after it fails too */
	char err[256];
};

/* Puts f's channel into MPSSE mode at about hz, CS and CRESET released. */
int mpsse_open(struct mpsse *m, struct ftdi_context *f, const struct hil_board *b, double hz);
/* Leaves the pins as the board has them alone (inputs) and MPSSE off. */
void mpsse_close(struct mpsse *m);

void mpsse_cs(struct mpsse *m, int low);
/* Stops driving SCK and MOSI, so the FPGA may drive them (booting from
 * flash, it is the SPI master). */
void mpsse_release_bus(struct mpsse *m);
void mpsse_creset(struct mpsse *m, int low);
/* Queues n bytes out (MSB first, mode 0). */
void mpsse_write(struct mpsse *m, const uint8_t *p, size_t n);
/* Queues n bytes in (MOSI idle high); their values come with mpsse_recv. */
void mpsse_read(struct mpsse *m, size_t n);
/* Queues n clocks with no data (n > 0). */
void mpsse_clocks(struct mpsse *m, unsigned long n);
/* Queues a read of the low pins. */
void mpsse_pins(struct mpsse *m);
/* Sends what is queued; -1 if this or any earlier transfer failed. */
int mpsse_flush(struct mpsse *m);
/* Sends what is queued and reads exactly n answer bytes. */
int mpsse_recv(struct mpsse *m, uint8_t *out, size_t n);

#endif
