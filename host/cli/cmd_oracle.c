/* hil oracle: writes the plain Verilog testbench of the bare DUT for a
 * script (hil/oracle.h) to standard output. Exit status 0, or 2 with a
 * message on any error. */
#include <stdio.h>

#include "cmds.h"
#include "hil/dut.h"
#include "hil/oracle.h"
#include "hil/ports.h"
#include "hil/script.h"
#include "dutopts.h"
#include "opts.h"

/* Signals inside the DUT take their widths from the bare JSON the
 * testbench is written from, so a name it lacks is an error at its line
 * and column, as `hil run` makes one the model lacks. */
static int bind_signals(struct hil_script *s, const struct hil_ports *p, const char *bare_json)
{
	char err[1024];
	struct hil_oracle_dut *d = hil_oracle_dut_open(bare_json, p->top, err, sizeof(err));
	if (!d) {
		fprintf(stderr, "hil oracle: %s\n", err);
		return -1;
	}
	int rc = hil_script_bind(s, p, hil_oracle_signal_width, d, err, sizeof(err));
	if (rc < 0)
		fprintf(stderr, "%s\n", err);
	hil_oracle_dut_close(d);
	return rc;
}

int cmd_oracle(int argc, char **argv)
{
	const char *dir = NULL, *top = NULL, *script = NULL;
	char err[1024];
	struct dutopts_args da = {0};
	const struct cliopt opts[] = {
		{"dut", &dir, NULL, NULL, 0}, {"top", &top, NULL, NULL, 0}, DUT_OPTS(da), {0}};
	if (opts_parse(argc, argv, "hil oracle", opts, &script, 1) < 0 ||
	    dutopts_get(&da, "hil oracle") < 0)
		return 2;
	if (!dir || !script) {
		fprintf(stderr,
			"usage: hil oracle --dut DIR [--top T] " DUTOPTS_USAGE " SCRIPT\n");
		return 2;
	}
	struct hil_dut_build b;
	struct hil_ports p;
	struct hil_script s;
	struct hil_dut_options o = {
		.params = da.params_text, .defines = da.defines_text, .includes = da.includes};
	if (hil_dut_prepare_opts(dir, top, "ports", &o, &b, err, sizeof(err)) < 0 ||
	    hil_ports_load(&p, b.ports_json, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil oracle: %s\n", err);
		return 2;
	}
	int rc = 2;
	if (hil_script_load(&s, script, &p, err, sizeof(err)) < 0) {
		/* Already "FILE:LINE:COLUMN: message", as `hil run` prints it. */
		fprintf(stderr, "%s\n", err);
	} else {
		int bound = !s.nsignals || bind_signals(&s, &p, b.bare_json) == 0;
		if (bound &&
		    hil_oracle_write(stdout, &s, &p, b.bare_json, err, sizeof(err)) < 0)
			fprintf(stderr, "hil oracle: %s\n", err);
		else if (bound)
			rc = 0;
		hil_script_free(&s);
	}
	hil_ports_free(&p);
	return rc;
}
