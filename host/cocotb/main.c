/* hil-cocotb: runs cocotb's tests on a hil target (docs/cocotb.md). It
 * opens the target with libhil, loads cocotb's VPI library, which finds
 * this program's vpi_* functions (exported: linked with -rdynamic), starts
 * it as a simulator starts its VPI libraries, and runs time (sched.c)
 * until cocotb finishes or nothing is left to happen. cocotb reads its
 * tests from the environment (MODULE, TOPLEVEL, ...), as cocotb's
 * makefiles set it (share/cocotb/Makefile.hil). */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../cli/dutopts.h"
#include "../cli/opts.h"
#include "../lib/build/root.h"
#include "dutdir.h"
#include "vpisim.h"

#define MAX_PLUSARGS 64
#define MAX_SOURCES  256

static const char usage[] =
	"usage: hil-cocotb --target URI --cocotb-lib LIB [--top T] " DUTOPTS_USAGE
	" [--precision N]\n"
	"                  [--dut-dir DIR --source FILE...] [--plain-cocotb] [+PLUSARG]...\n"
	"  URI: sim:DIR, netlist:BOARD:DIR, uart:BOARD:DIR, ftdi:BOARD:DIR, hild:... "
	"(docs/libhil.md);\n"
	"       with --dut-dir, without its DIR (sim, netlist:BOARD, ...): DIR is made of\n"
	"       links to the --source files\n"
	"  LIB: cocotb's VPI library, $(cocotb-config --lib-dir)/libcocotbvpi_verilator.so\n"
	"  N: the time precision as a power of ten of seconds (-12, 1 ps, by default)\n"
	"  --plain-cocotb: cocotb's Clock and ClockCycles as released (in Python, edge\n"
	"                 by edge), not driven and run free by hil (docs/cocotb.md)\n";

/* Makes python/hil_cocotb.py cocotb's entry point, which hands cocotb's
 * Clock to clock.c and lets long ClockCycles waits run free (freerun.c),
 * unless the user has an entry point of their own. */
static int speedups(void)
{
	if (getenv("PYGPI_ENTRY_POINT"))
		return 0;
	const char *old = getenv("PYTHONPATH");
	char path[8192];
	int n = snprintf(path, sizeof(path), "%s/host/cocotb/python%s%s", hil_root(),
			 old && *old ? ":" : "", old && *old ? old : "");
	if (n < 0 || n >= (int)sizeof(path)) {
		fprintf(stderr,
			"hil-cocotb: PYTHONPATH is too long to add hil's own folder\n");
		return -1;
	}
	if (setenv("PYTHONPATH", path, 1) < 0 ||
	    setenv("PYGPI_ENTRY_POINT", "hil_cocotb:_initialise_testbench", 1) < 0) {
		perror("hil-cocotb: setenv");
		return -1;
	}
	return 0;
}

/* Loads cocotb's VPI library and runs its start-up routines, as a
 * simulator does with the libraries it is told to load. */
static int load_cocotb(const char *lib)
{
	void *so = dlopen(lib, RTLD_NOW | RTLD_GLOBAL);
	if (!so) {
		fprintf(stderr, "hil-cocotb: cannot load cocotb's VPI library: %s\n",
			dlerror());
		return -1;
	}
	void (**routines)(void);
	*(void **)&routines = dlsym(so, "vlog_startup_routines");
	if (!routines) {
		fprintf(stderr,
			"hil-cocotb: %s has no vlog_startup_routines: is it cocotb's VPI "
			"library?\n",
			lib);
		return -1;
	}
	for (; *routines; routines++)
		(*routines)();
	return 0;
}

int main(int argc, char **argv)
{
	const char *target = NULL, *top = NULL, *lib = NULL, *precision = NULL, *dir = NULL;
	const char *sources[MAX_SOURCES + 1] = {0};
	const char *plus[MAX_PLUSARGS + 1] = {0};
	struct dutopts_args da = {0};
	int plain = 0;
	const struct cliopt opts[] = {{"target", &target, NULL, NULL, 0},
				      {"top", &top, NULL, NULL, 0},
				      {"cocotb-lib", &lib, NULL, NULL, 0},
				      {"precision", &precision, NULL, NULL, 0},
				      {"dut-dir", &dir, NULL, NULL, 0},
				      {"source", NULL, NULL, sources, MAX_SOURCES + 1},
				      {"plain-cocotb", NULL, &plain, NULL, 0},
				      DUT_OPTS(da),
				      {0}};
	int n = opts_parse(argc, argv, "hil-cocotb", opts, plus, MAX_PLUSARGS);
	if (n < 0 || dutopts_get(&da, "hil-cocotb") < 0)
		return 2;
	if (!target || !lib) {
		fputs(usage, stderr);
		return 2;
	}
	for (int i = 0; i < n; i++)
		if (plus[i][0] != '+') {
			fprintf(stderr,
				"hil-cocotb: '%s': the operands are plusargs, +NAME[=VALUE]\n",
				plus[i]);
			return 2;
		}
	char *end = NULL;
	long p = precision ? strtol(precision, &end, 10) : -12;
	if (precision && (*end || p < -15 || p > 2)) {
		fprintf(stderr, "hil-cocotb: --precision %s: a power of ten from -15 to 2\n",
			precision);
		return 2;
	}
	vs.precision = (int)p;
	char *args[MAX_PLUSARGS + 2];
	args[0] = argv[0];
	for (int i = 0; i < n; i++)
		args[i + 1] = (char *)plus[i];
	args[n + 1] = NULL;
	vs.argc = n + 1;
	vs.argv = args;
	snprintf(vs.product, sizeof(vs.product), "hil");

	char uri[8192], err[2048];
	if (dir &&
	    (dutdir_make(dir, sources, err, sizeof(err)) < 0 ||
	     snprintf(uri, sizeof(uri), "%s:%s", target, dir) >= (int)sizeof(uri))) {
		fprintf(stderr, "hil-cocotb: the DUT's folder: %s\n", err);
		return 2;
	}
	if (sources[0] && !dir) {
		fprintf(stderr,
			"hil-cocotb: --source goes with --dut-dir, the folder to make\n");
		return 2;
	}
	struct hil_options opt = {.top = top,
				  .params = da.params_text,
				  .defines = da.defines_text,
				  .includes = da.includes};
	/* cocotb.SIM_VERSION: where the DUT runs. */
	snprintf(vs.version, sizeof(vs.version), "%s", dir ? uri : target);
	if (vs_design_open(dir ? uri : target, &opt, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil-cocotb: %s\n", err);
		vs_design_close();
		return 2;
	}
	if (!plain && speedups() < 0) {
		vs_design_close();
		return 2;
	}
	int rc = load_cocotb(lib) < 0 ? 2 : vs_run() < 0 ? 1 : 0;
	if (rc == 1)
		fprintf(stderr, "hil-cocotb: the session failed: %s\n", hil_error(vs.h));
	if (vs_free_run_cycles())
		fprintf(stderr,
			"hil-cocotb: %llu cycles of ClockCycles waits ran as free runs\n",
			(unsigned long long)vs_free_run_cycles());
	vs_design_close();
	return rc;
}
