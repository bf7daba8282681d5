/* Finding and building a DUT directory.
 *
 * A DUT directory holds the DUT's .v files; its top module is the directory's
 * base name unless the user names another, or, when no module has that
 * name, the one module no other instantiates (build/topfind.c). hil_dut_prepare() builds what a
 * target needs into the build cache ($HIL_CACHE, else $XDG_CACHE_HOME/hil,
 * else ~/.cache/hil), keyed by the sources' content, the top, the tools and
 * hil's own gateware, and returns the paths. Every tool runs from an argv
 * on a copy of the sources; nothing is written into the DUT directory. */
#ifndef HIL_DUT_H
#define HIL_DUT_H

#include <stddef.h>
#include <stdint.h>

struct hil_dut_build {
	char dir[4096];        /* the DUT directory as given */
	char top[256];         /* top module */
	char out[3072];        /* the DUT's folder in the cache */
	char ports_json[4096]; /* ports.json: the port list and signature */
	char bare_json[4096];  /* Yosys JSON of the bare DUT after proc, not flattened */
	char sim[4096];        /* the model: hil-model.so (sim), else an executable;
				* for "bitstream:BOARD" the bitstream's folder */
};

struct hil_dut_options {
	const char *const *sets;     /* board settings, "CLK_MHZ=40" (hil_board_override) */
	const char *export_to;       /* a folder for a failed bitstream build's logs */
	const char *params;          /* the top's parameters, "WIDTH=16,DEPTH=4" */
	const char *defines;         /* macros, "FAST,DEPTH_LOG=4" (`define FAST, ...) */
	const char *const *includes; /* folders `include looks in, up to a NULL */
};

/* what: "ports" builds only ports.json and the bare JSON; "sim" also the
 * RTL model, a shared library run in-process (the DUT's own RTL, clocked on
 * advancing cycles), "sim-vcd" and "sim-fst" that model tracing every
 * signal, "sim-peek" (and "sim-peek-vcd", "sim-peek-fst") one whose
 * internal signals can be read; "ce" the model of the DUT after the hil_ce pass, as a
 * process; "netlist:BOARD" the gate-level model of the netlist Yosys makes
 * for that board's chip; "uart:BOARD" the RTL of the board top (UART PHY
 * included) behind a serial model; "fx2:BOARD" an FX2 board's top behind a
 * model of its FIFOs. b->sim then names the model. A first build says on a
 * terminal what it is doing. Returns 0, or -1 with the reason in err: a
 * tool's own messages (file:line) with the DUT's paths as the user gave them. */
int hil_dut_prepare(const char *dir, const char *top, const char *what,
		    struct hil_dut_build *b, char *err, size_t errlen);
/* The same with options; what may also be "bitstream:BOARD": the DUT's
 * bitstream for that board (build/bitstream.c). */
int hil_dut_prepare_opts(const char *dir, const char *top, const char *what,
			 const struct hil_dut_options *o, struct hil_dut_build *b, char *err,
			 size_t errlen);

/* The canonical form of parameter overrides in ("NAME=VALUE,...", NULL or
 * "" for none): names sorted, values in decimal, so that equal overrides
 * give equal cache keys and signatures. -1 with err saying what to write
 * instead: a name that is no plain identifier, a value that is no integer
 * from 0 to 2^31-1, a name given twice, too many. */
int hil_params_canon(const char *in, char *out, size_t outlen, char *err, size_t errlen);
/* The same for macros, "NAME" or "NAME=VALUE" each: a VALUE of letters,
 * digits, '_', '.' and '\'' (so 8'hff), which every tool's command line
 * takes as it is. */
int hil_defines_canon(const char *in, char *out, size_t outlen, char *err, size_t errlen);

/* Where hil bitstream puts a DUT's bitstream for a board unless told
 * otherwise (and where the usb: target looks for it):
 * CACHE/bitstreams/BOARD/NAME-HASH, NAME the directory's, HASH its path's;
 * the folder is made if missing. */
int hil_bitstream_home(const char *board, const char *dir, char *out, size_t outlen, char *err,
		       size_t errlen);

/* The path of rel among hil's own files (the source tree it was built
 * in, or PREFIX/share/hil once installed): "examples", "gateware/bringup".
 * -1 with the reason in err when hil cannot find them or the path is too
 * long. */
int hil_share_path(const char *rel, char *out, size_t outlen, char *err, size_t errlen);
/* The build cache's folder, created if missing; -1 with the reason in err. */
int hil_cache_dir(char *out, size_t outlen, char *err, size_t errlen);

/* Names the DUTs built in the cache whose signature is `sig` (port lists
 * alike give signatures alike) as "'top' (built in ...) or ..." in out;
 * leaves out empty if there is none. */
void hil_dut_name_of(uint64_t sig, char *out, size_t outlen);

#endif
