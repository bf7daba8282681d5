/* Finding and building a DUT directory.
 *
 * A DUT directory holds the DUT's .v files; its top module is the directory's
 * base name unless the user names another. dut_prepare() brings the build
 * products in build/dut/<top>-<hash of the directory's path>/ up to date
 * (through mk/dut.mk, so make decides what is stale) and returns their paths. */
#ifndef HIL_DUT_H
#define HIL_DUT_H

#include <stddef.h>
#include <stdint.h>

struct dut_build {
	char dir[4096];        /* the DUT directory as given */
	char top[256];         /* top module */
	char out[3072];        /* build directory */
	char ports_json[4096]; /* ports.json: the port list and signature */
	char bare_json[4096];  /* Yosys JSON of the bare DUT after proc, not flattened */
	char sim[4096];        /* the Verilator model executable */
};

/* what: "ports" builds only ports.json and the bare JSON, "sim" also the
 * RTL model, "netlist:BOARD" the gate-level model of the netlist Yosys makes
 * for that board's chip, "uart:BOARD" the RTL of the board top (UART PHY
 * included) behind a serial model (b->sim then names it). Returns 0, or -1
 * with a message in err. */
int dut_prepare(const char *dir, const char *top, const char *what,
		struct dut_build *b, char *err, size_t errlen);

/* Names the DUTs built in build/dut whose signature is `sig` (port lists
 * alike give signatures alike) as "'top' (built in ...) or ..." in out;
 * leaves out empty if there is none. */
void hil_dut_name_of(uint64_t sig, char *out, size_t outlen);

#endif
