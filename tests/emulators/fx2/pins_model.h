/* The FX2 firmware's pins (firmware/fx2/pins.h) on the emulator's model
 * of the iCE40 (tests/emulators/ice40.c), for the firmware's logic compiled
 * on the host: test_fx2 and the emulated FX2 both configure that model. */
#ifndef FX2_PINS_MODEL_H
#define FX2_PINS_MODEL_H

#include "ice40.h"

struct pins_model {
	struct ice40 fpga;
	int ss_high, creset_high;
	int cdone_stuck_high; /* a fault: CDONE reads high whatever the FPGA does */
	unsigned long bytes, clocks;
};

extern struct pins_model pins_model;

void pins_model_reset(void);

#endif
