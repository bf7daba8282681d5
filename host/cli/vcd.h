/* VCD output for GTKWave: one variable a DUT port, one time unit a DUT
 * cycle. Used by `hil run --vcd` and `hil trace export`. */
#ifndef HIL_CLI_VCD_H
#define HIL_CLI_VCD_H

#include <stdint.h>
#include <stdio.h>

#include "hil/ports.h"

struct vcd {
	FILE *f;
	const struct hil_ports *ports;
	uint64_t time;
	int started, any;
};

void vcd_init(struct vcd *v, FILE *f, const struct hil_ports *ports);
/* Values must come in cycle order. */
void vcd_value(struct vcd *v, uint64_t cycle, int port, const uint8_t *val);
/* Writes the header if no value came, so the file is a valid VCD. */
void vcd_end(struct vcd *v);

#endif
