/* hil ports: the port list of a DUT, as the bridge will see it. */
#include <inttypes.h>
#include <stdio.h>

#include "cmds.h"
#include "hil/dut.h"
#include "hil/ports.h"
#include "dutopts.h"
#include "opts.h"

int cmd_ports(int argc, char **argv)
{
	const char *dir = NULL, *top = NULL, *model = NULL;
	int json = 0, where = 0;
	char err[1024];
	struct dutopts_args da = {0};
	const struct cliopt opts[] = {
		{"dut", &dir, NULL, NULL, 0},
		{"top", &top, NULL, NULL, 0},
		DUT_OPTS(da),
		{"json", NULL, &json, NULL, 0},
		{"where", NULL, &where, NULL, 0},
		{"model", &model, NULL, NULL, 0},
		{0},
	};
	if (opts_parse(argc, argv, "hil ports", opts, NULL, 0) < 0 ||
	    dutopts_get(&da, "hil ports") < 0)
		return 2;
	if (!dir) {
		fprintf(stderr,
			"usage: hil ports --dut DIR [--top T] " DUTOPTS_USAGE
			" [--json | --where | --model KIND]\n");
		return 2;
	}
	struct hil_dut_build b;
	struct hil_ports p;
	struct hil_dut_options o = {
		.params = da.params_text, .defines = da.defines_text, .includes = da.includes};
	if (hil_dut_prepare_opts(dir, top, model ? model : "ports", &o, &b, err, sizeof(err)) <
		    0 ||
	    hil_ports_load(&p, b.ports_json, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil ports: %s\n", err);
		return 2;
	}
	if (model) {
		printf("%s\n", b.sim);
	} else if (where) {
		printf("%s\n", b.out);
	} else if (json) {
		FILE *f = fopen(b.ports_json, "r");
		int c;
		while (f && (c = fgetc(f)) != EOF)
			putchar(c);
		if (f)
			fclose(f);
	} else {
		printf("DUT %s%s%s, %s%s, signature %016" PRIx64 "\n", p.top,
		       p.params[0] ? " with " : "", p.params,
		       p.clock[0] ? "clock " : "no clock (combinational)", p.clock,
		       p.signature);
		printf("%5s  %-3s  %5s  %s\n", "index", "dir", "width", "name");
		for (size_t i = 0; i < p.n; i++)
			printf("%5zu  %-3s  %5u  %s\n", i, p.port[i].is_input ? "in" : "out",
			       p.port[i].width, p.port[i].name);
	}
	hil_ports_free(&p);
	return 0;
}
