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
 * message on stderr. */
#ifndef HIL_ORACLE_H
#define HIL_ORACLE_H

#include <stddef.h>
#include <stdio.h>

#include "hil/ports.h"
#include "hil/script.h"

/* bare_json: Yosys JSON of the DUT after `hierarchy; proc`, not flattened,
 * to find the flip-flops and memories the testbench must start at zero (as
 * the iCE40 and hil's Verilator model do). Nothing is written unless the
 * JSON can be used. Returns 0, or -1 with err set. */
int hil_oracle_write(FILE *out, const struct hil_script *s, const struct hil_ports *p,
		     const char *bare_json, char *err, size_t errlen);

#endif
