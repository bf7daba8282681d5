/* hil wrap: the wrapper generator on its own (the build runs it in-process). */
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "hil/wrap.h"

int cmd_wrap(int argc, char **argv)
{
	const char *json = NULL, *top = NULL, *out = NULL;
	char err[1024];
	for (int i = 1; i < argc; i++) {
		if (i + 1 < argc && !strcmp(argv[i], "--json"))
			json = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--top"))
			top = argv[++i];
		else if (i + 1 < argc && !strcmp(argv[i], "--out"))
			out = argv[++i];
		else {
			fprintf(stderr, "hil wrap: unexpected '%s'\n", argv[i]);
			return 2;
		}
	}
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
