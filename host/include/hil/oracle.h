/* The oracle: a plain Verilog testbench of the bare DUT, generated from a
 * stimulus script, that prints the trace `hil run` must print.
 *
 * It applies the script's pokes at the same cycles to the DUT as written (no
 * bridge, no clock enable, no Yosys pass), evaluates watches and waits at the
 * evaluation points of docs/protocol.md section 4, and sorts each cycle's
 * reports as docs/scripts.md says. Run it with Icarus Verilog (iverilog,
 * default flags, with the DUT's .v files, then vvp): the trace goes to
 * stdout, and vvp exits with the status `hil run` exits with: 0, 1 after a
 * failed expect or wait, 2 after a command that cannot run (a `run` or `at`
 * into the past, the end of the cycle counter), each time after the same
 * message on stderr. Signals inside the DUT that the script peeks and
 * expects are read by their hierarchical names below the DUT's instance. */
#ifndef HIL_ORACLE_H
#define HIL_ORACLE_H

#include <stddef.h>
#include <stdio.h>

#include "hil/ports.h"
#include "hil/script.h"

/* The bare DUT (below), loaded, to look up signals inside it. */
struct hil_oracle_dut;

/* Loads the bare JSON of the DUT whose top module is `top`. Returns NULL
 * with err set if it cannot be used. */
struct hil_oracle_dut *hil_oracle_dut_open(const char *bare_json, const char *top, char *err,
					   size_t errlen);
void hil_oracle_dut_close(struct hil_oracle_dut *d);

/* A hil_signal_width_fn (hil/script.h) for hil_script_bind, user the
 * hil_oracle_dut: the width of a signal inside the DUT by its path, as the
 * bare JSON has it, or 0 with why saying what the JSON lacks. A script
 * that names such signals must be bound with it before hil_oracle_write. */
int hil_oracle_signal_width(void *dut, const char *name, unsigned *width, char *why,
			    size_t whylen);

/* bare_json: Yosys JSON of the DUT after `hierarchy; proc`, not flattened,
 * to find the flip-flops and memories the testbench must start at zero (as
 * the iCE40 and hil's Verilator model do), and the signals inside the DUT
 * the script reads, which the testbench reads by hierarchical name. Nothing
 * is written unless the JSON can be used. Returns 0, or -1 with err set. */
int hil_oracle_write(FILE *out, const struct hil_script *s, const struct hil_ports *p,
		     const char *bare_json, char *err, size_t errlen);

#endif
