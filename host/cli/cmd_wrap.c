/* hil wrap: the wrapper generator on its own (the build runs it in-process). */
#include <stdio.h>

#include "cmds.h"
#include "hil/wrap.h"
#include "opts.h"

int cmd_wrap(int argc, char **argv)
{
	const char *json = NULL, *top = NULL, *out = NULL;
	char err[1024];
	const struct cliopt opts[] = {
		{"json", &json, NULL, NULL, 0},
		{"top", &top, NULL, NULL, 0},
		{"out", &out, NULL, NULL, 0},
		{0},
	};
	if (opts_parse(argc, argv, "hil wrap", opts, NULL, 0) < 0)
		return 2;
	if (!json || !top || !out) {
		fprintf(stderr, "usage: hil wrap --json DUT_CE.JSON --top T --out DIR\n");
		return 2;
	}
	struct hil_ports p;
	if (hil_wrap_read(&p, json, top, err, sizeof(err)) < 0 ||
	    hil_wrap_write(&p, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil wrap: %s\n", err);
		return 2;
	}
	hil_ports_free(&p);
	return 0;
}
