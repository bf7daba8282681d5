/* The options that shape a DUT's build, for the commands that build one
 * (run, ports, oracle, bitstream): --param NAME=VALUE, --define (-D)
 * NAME[=VALUE] and --include (-I) DIR, each as often as needed. */
#ifndef HIL_CLI_DUTOPTS_H
#define HIL_CLI_DUTOPTS_H

#define DUTOPTS_MAX 32

struct dutopts_args {
	const char *params[DUTOPTS_MAX + 1];
	const char *defines[DUTOPTS_MAX + 1];
	const char *includes[DUTOPTS_MAX + 1];
	char params_text[1024], defines_text[1024]; /* joined by dutopts_get */
};

/* Their rows in a command's list of options (opts.h). */
#define DUT_OPTS(a)                                                                           \
	{"param", NULL, NULL, (a).params, DUTOPTS_MAX + 1},                                   \
		{"define", NULL, NULL, (a).defines, DUTOPTS_MAX + 1},                         \
	{                                                                                     \
		"include", NULL, NULL, (a).includes, DUTOPTS_MAX + 1                          \
	}

/* Joins the parameters and defines as hil_options takes them; -1 after
 * saying why not, as who. */
int dutopts_get(struct dutopts_args *a, const char *who);

/* The usage text of the three. */
#define DUTOPTS_USAGE "[--param NAME=VALUE]... [-D NAME[=VALUE]]... [-I DIR]..."

#endif
