/* See opts.h. */
#include "opts.h"

#include <stdio.h>
#include <string.h>

/* The val of opts[i] is OPT_VAL + i, clear of what getopt_long returns
 * of its own. */
#define OPT_VAL 0x100

void opts_refused(const char *who, const struct option *longopts, int c, const char *word)
{
	/* For a long option getopt_long knows, optopt is its val. */
	const char *name = NULL;
	if (optopt && !strncmp(word, "--", 2))
		for (const struct option *l = longopts; l->name; l++)
			if (l->val == optopt)
				name = l->name;
	/* getopt_long takes a prefix of one option only: of two, it says
	 * nothing more than of an unknown one. */
	int len = (int)strcspn(word, "="), fits = 0;
	for (const struct option *l = longopts; !name && l->name; l++)
		fits += len > 2 && !strncmp(l->name, word + 2, (size_t)len - 2);
	if (c == ':' && word[0] == '-' && word[1] != '-')
		fprintf(stderr, "%s: %.2s wants a value\n", who, word);
	else if (name)
		fprintf(stderr, "%s: --%s %s\n", who, name,
			c == ':' ? "wants a value" : "takes no value");
	else
		fprintf(stderr, "%s: %s option '%.*s'\n", who,
			fits > 1 ? "ambiguous" : "unknown", len, word);
}

/* Puts word after the operands there are, if there is room for it. */
static int take(const char *who, const char *word, const char **operands, int max, int *n)
{
	if (*n == max) {
		fprintf(stderr, "%s: unexpected '%s'\n", who, word);
		return -1;
	}
	operands[(*n)++] = word;
	return 0;
}

static int append(const char *who, const struct cliopt *o, const char *v)
{
	size_t n = 0;
	while (o->list[n])
		n++;
	if (n + 1 >= o->listmax) {
		fprintf(stderr, "%s: --%s: at most %zu of them\n", who, o->name,
			o->listmax - 1);
		return -1;
	}
	o->list[n] = v;
	o->list[n + 1] = NULL;
	return 0;
}

int opts_join(const char *who, const char *opt, const char *const *list, char *out,
	      size_t outlen)
{
	size_t o = 0;
	out[0] = '\0';
	for (; *list; list++) {
		int w = snprintf(out + o, outlen - o, "%s%s", o ? "," : "", *list);
		if (strchr(*list, ',') || w < 0 || (size_t)w >= outlen - o) {
			fprintf(stderr, "%s: --%s: %s\n", who, opt,
				strchr(*list, ',') ? "one NAME=VALUE each time, without ','"
						   : "too long in all");
			return -1;
		}
		o += (size_t)w;
	}
	return 0;
}

int opts_parse(int argc, char **argv, const char *who, const struct cliopt *opts,
	       const char **operands, int max)
{
	int nopts = 0;
	while (opts[nopts].name)
		nopts++;
	struct option longopts[nopts + 1];
	for (int i = 0; i < nopts; i++)
		longopts[i] = (struct option){opts[i].name,
					      opts[i].value || opts[i].list ? required_argument
									    : no_argument,
					      NULL, OPT_VAL + i};
	longopts[nopts] = (struct option){0};
	/* The compilers' -D and -I, for the commands that take --define and
	 * --include. */
	char shorts[8] = "-:";
	for (int i = 0; i < nopts; i++)
		if (!strcmp(opts[i].name, "define") || !strcmp(opts[i].name, "include"))
			strcat(shorts, opts[i].name[0] == 'd' ? "D:" : "I:");
	int n = 0, c;
	optind = 0; /* glibc starts over: main has used getopt already */
	opterr = 0;
	/* "-": operands come back in place, so they stand anywhere even under
	 * POSIXLY_CORRECT, and nothing is reordered. */
	for (const char *word = argv[1];
	     (c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1;
	     word = argv[optind]) {
		if (c == '?' || c == ':') {
			opts_refused(who, longopts, c, word);
			return -1;
		}
		for (int i = 0; (c == 'D' || c == 'I') && i < nopts; i++)
			if (!strcmp(opts[i].name, c == 'D' ? "define" : "include"))
				c = OPT_VAL + i;
		if (c == 1 && take(who, optarg, operands, max, &n) < 0)
			return -1;
		const struct cliopt *o = c >= OPT_VAL ? &opts[c - OPT_VAL] : NULL;
		if (o && o->list && append(who, o, optarg) < 0)
			return -1;
		else if (o && o->value)
			*o->value = optarg;
		else if (o && !o->list)
			*o->flag = 1;
	}
	/* It stops at "--": the rest are operands. */
	while (optind < argc)
		if (take(who, argv[optind++], operands, max, &n) < 0)
			return -1;
	return n;
}
