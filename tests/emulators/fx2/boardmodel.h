/* The emulated Glasgow's FPGA while it is configured: the fx2:BOARD:DIR
 * model (host/sim/hil_fx2_main.cpp, the board top behind a cycle model of
 * the FX2's FIFOs) as a child process on a socket (modelproc.h), started
 * when CDONE rises and stopped when the FPGA is reset; its socket carries
 * what the FX2's bulk endpoints carry. With a map (modelmap.h), the
 * model is the one for the DUT of the bitstream configured. */
#ifndef FX2_BOARDMODEL_H
#define FX2_BOARDMODEL_H

#include "modelproc.h"

struct boardmodel {
	const char *path; /* NULL: no model, the bulk endpoints stay silent */
	const char *map;  /* or, if set, the map's model for the bitstream */
	char picked[4096];
	struct modelproc proc; /* its fd is -1 while the FPGA is not configured */
	unsigned long to_board, from_board;
};

void boardmodel_init(struct boardmodel *m, const char *path);
/* The FPGA was configured with a bitstream whose comment is `comment`
 * (running) or lost its configuration. */
void boardmodel_power(struct boardmodel *m, int running, const char *comment);

#endif
