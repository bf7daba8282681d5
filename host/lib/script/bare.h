/* The bare DUT for the oracle (bare.c): the JSON Yosys writes after
 * `hierarchy; proc`, before `flatten`, loaded once (hil/oracle.h's
 * hil_oracle_dut), and what oracle.c asks of it. */
#ifndef HIL_SCRIPT_BARE_H
#define HIL_SCRIPT_BARE_H

#include <jansson.h>
#include <stddef.h>

#include "hil/oracle.h"

/* Verilog forbids recursive instantiation; a damaged JSON might not. */
#define MAX_DEPTH 64
#define MAX_HIER  2048

struct hil_oracle_dut {
	json_t *root;
	const json_t *modules;
	char *top, *json;
};

/* The hierarchical Verilog name of object `name` in scope `scope`, into
 * out (MAX_HIER bytes): 0, 1 for a name the simulator does not have (one
 * of Yosys's own wires; with `escape`, escaped identifiers are written as
 * such instead), -1 if it cannot be written. */
int bare_hier(char *out, const char *scope, const char *name, int escape);
/* A cell's parameter as a number: 0, or -1 if it is not one. */
int bare_param_long(const json_t *cell, const char *name, long *out);
/* A memory cell's MEMID without Yosys's backslash, or NULL. */
const char *bare_memid(const json_t *cell);
/* A signal inside the DUT by its path below the top: 1 with its width
 * and its name in the testbench (path, MAX_HIER bytes, below "dut"), or 0
 * with why saying what the JSON lacks. */
int bare_signal(const struct hil_oracle_dut *d, const char *name, unsigned *width, char *path,
		char *why, size_t whylen);

#endif
