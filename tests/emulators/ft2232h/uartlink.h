/* Channel B's UART, wired to the board's RX and TX pins: while the iCE40
 * is configured, the Verilator model of the board top (hil-sim built for
 * uart:BOARD:DIR) runs as a child on a socketpair and gets the bytes the
 * host sends; what its TX pin sends back is queued for the host. A reset
 * or reconfiguration of the FPGA ends that model and starts a fresh one,
 * as the design on a real board restarts. At a baud rate more than 3% off
 * the board's, both directions turn to garbage, as on a real cable.
 *
 * Which model runs can follow the bitstream, as on a real board: with a
 * map of DUT signatures to models, the one named by the signature in the
 * configured bitstream's comment runs, at the baud that comment gives. A
 * noisy cable flips a bit in a byte now and then, either way. */
#ifndef EMU_UARTLINK_H
#define EMU_UARTLINK_H
#include <stddef.h>
#include <stdint.h>
#include "chip.h"
#include "modelproc.h"
struct uartlink {
	const char *model;  /* NULL: nothing behind the pins */
	unsigned long baud; /* the board's rate */
	const char *map;    /* lines "SIGNATURE PATH", or NULL */
	int baud_fixed;     /* the board's rate whatever the bitstream says */
	double noise;       /* the chance that a byte has a bit flipped */
	uint64_t rng;
	struct modelproc proc;
	unsigned long to_board, from_board, garbled, flipped;
	char picked[4096]; /* the model the map chose */
};
void uartlink_init(struct uartlink *u, const char *model, unsigned long baud);
/* The FPGA was configured with a bitstream whose comment is `comment`
 * (running) or lost its configuration. */
void uartlink_power(struct uartlink *u, int running, const char *comment);
/* Host bytes to the board; returns how many were taken. */
size_t uartlink_write(struct uartlink *u, const struct chan *ch, const uint8_t *p, size_t n);
/* Moves what the board sent into ch. */
void uartlink_poll(struct uartlink *u, struct chan *ch);
#endif
