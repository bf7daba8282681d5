/* The subcommands' options, read by getopt_long: every command names its
 * options and where their values go, says what is wrong with one the
 * same way, and takes its operands wherever they stand. */
#ifndef HIL_CLI_OPTS_H
#define HIL_CLI_OPTS_H

#include <getopt.h>
#include <stddef.h>

/* --NAME VALUE, whose value goes in *value, or (value NULL) the flag
 * --NAME, which sets *flag to 1, or (list set) --NAME VALUE given up to
 * listmax - 1 times, the values in list[] up to a NULL. */
struct cliopt {
	const char *name;
	const char **value;
	int *flag;
	const char **list;
	size_t listmax;
};

/* Reads argv (argv[0] the command's name) against opts, a list that ends
 * with {0}: each option's value where it says, the operands in turn into
 * operands[0..max); after "--" every word is an operand. Returns how many
 * operands there were, or -1 after saying, as who ("hil run"), what is
 * wrong: an unknown option, a missing value, a value for a flag, an
 * operand too many. */
int opts_parse(int argc, char **argv, const char *who, const struct cliopt *opts,
	       const char **operands, int max);
/* list's values (NAME=VALUE each) joined with ',' in out, as hil_options
 * takes parameters and defines; -1 after saying, as who, that one holds a
 * ',' or that they are too long. */
int opts_join(const char *who, const char *opt, const char *const *list, char *out,
	      size_t outlen);
/* Says what is wrong with the word getopt_long refused with c ('?', or
 * ':' for a missing value when its optstring starts with ":"). */
void opts_refused(const char *who, const struct option *longopts, int c, const char *word);

#endif
