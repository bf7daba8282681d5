/* The DUT wrapper generator.
 *
 * Reads the Yosys JSON of a DUT after our hil_ce pass (which added the
 * hil_advance enable and named the clock in the attribute hil_clock), checks
 * that the port list is one hil can bridge, and writes the generated tops
 * (bridge + port registers + watch logic, with the DUT for the chip, without
 * it for the simulator), the simulator's C++ glue, and ports.json. */
#ifndef HIL_WRAP_H
#define HIL_WRAP_H

#include <stddef.h>
#include <stdio.h>

#include "hil/ports.h"

/* Fills `p` from the Yosys JSON. Returns 0, or -1 with a message naming the
 * offending port in err. */
int hil_wrap_read(struct hil_ports *p, const char *json_path, const char *top, char *err,
		  size_t errlen);
/* Writes OUTDIR/hil_top.v, hil_shell.v, hil_glue.h and ports.json for `p`. */
int hil_wrap_write(const struct hil_ports *p, const char *outdir, char *err, size_t errlen);
/* Writes hil_glue.h (wrap_glue.c): the C++ that moves port values between
 * the shell's model and the DUT's, for host/sim/hil_model.cpp. */
int hil_wrap_glue(const struct hil_ports *p, FILE *f);

#endif
