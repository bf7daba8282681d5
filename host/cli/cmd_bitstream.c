/* hil bitstream: a DUT inside the bridge, for a board's chip. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "hil/dut.h"
#include "dutopts.h"
#include "opts.h"

#define MAX_SETS 16

/* Makes each missing folder of path. */
static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int cmd_bitstream(int argc, char **argv)
{
	const char *dir = NULL, *top = NULL, *board = NULL, *out = NULL;
	const char *sets[MAX_SETS + 1] = {NULL};
	char err[4096], home[4096];
	struct dutopts_args da = {0};
	const struct cliopt opts[] = {
		{"dut", &dir, NULL, NULL, 0},     {"top", &top, NULL, NULL, 0}, DUT_OPTS(da),
		{"board", &board, NULL, NULL, 0}, {"out", &out, NULL, NULL, 0}, {0},
	};
	int nsets = opts_parse(argc, argv, "hil bitstream", opts, sets, MAX_SETS);
	if (nsets < 0 || dutopts_get(&da, "hil bitstream") < 0)
		return 2;
	for (int i = 0; i < nsets; i++)
		if (!strchr(sets[i], '=')) {
			fprintf(stderr, "hil bitstream: unexpected '%s'\n", sets[i]);
			return 2;
		}
	if (!dir || !board) {
		fprintf(stderr,
			"usage: hil bitstream --board B --dut DIR [--top T] " DUTOPTS_USAGE
			" [--out DIR] [KEY=VALUE ...]\n");
		return 2;
	}
	if (!out) {
		if (hil_bitstream_home(board, dir, home, sizeof(home), err, sizeof(err)) < 0) {
			fprintf(stderr, "hil bitstream: %s\n", err);
			return 2;
		}
		out = home;
	}
	char made[4096];
	snprintf(made, sizeof(made), "%s", out);
	if (strlen(out) >= sizeof(made) || mkdirs(made) < 0) {
		fprintf(stderr, "hil bitstream: cannot make the --out folder: %s\n",
			strerror(errno));
		return 2;
	}
	struct hil_dut_options o = {.sets = sets,
				    .export_to = out,
				    .params = da.params_text,
				    .defines = da.defines_text,
				    .includes = da.includes};
	struct hil_dut_build b;
	char what[80];
	snprintf(what, sizeof(what), "bitstream:%.60s", board);
	if (hil_dut_prepare_opts(dir, top, what, &o, &b, err, sizeof(err)) < 0) {
		fprintf(stderr, "%s%s\n",
			strncmp(err, "hil bitstream", 13) ? "hil bitstream: " : "", err);
		return 1;
	}
	char path[4200], line[256] = "";
	snprintf(path, sizeof(path), "%s/resources.txt", out);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f) && strncmp(line, "clock", 5))
		line[0] = '\0';
	if (f)
		fclose(f);
	line[strcspn(line, "\n")] = '\0';
	printf("%s/hil.bin\n", out);
	fprintf(stderr, "hil bitstream: %s for %s%s%s\n", b.top, board, line[0] ? "; " : "",
		line);
	return 0;
}
