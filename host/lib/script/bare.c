/* The bare DUT (dut_bare.json: Yosys's JSON after `hierarchy; proc`, not
 * flattened) as the oracle reads it (script/bare.h): Verilog names of the
 * objects in it, the parameters of its cells, and the signals inside the
 * DUT a script names, found instance by instance through generate scopes
 * and memories, with their widths and their names in the testbench. */
#include "script/bare.h"
#include "util/errfmt.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BARE_JSON_MAX (256u << 20)

static int ident_char(char c, int first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		(!first && ((c >= '0' && c <= '9') || c == '$'));
}

/* IDENT or IDENT[N]: a name or generate-scope name Verilog reads as is. */
static int plain_part(const char *s, size_t len)
{
	size_t i = 0;
	if (!len || !ident_char(s[0], 1))
		return 0;
	while (i < len && ident_char(s[i], i == 0))
		i++;
	if (i == len)
		return 1;
	if (s[i] != '[' || s[len - 1] != ']' || len - i < 3)
		return 0;
	for (i++; i < len - 1; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* The hierarchical Verilog name of object `name` in scope `scope`. Yosys
 * joins generate scopes and named blocks to the object's name with dots
 * ("g[0].u"), which is how Verilog names them too, so the parts are kept as
 * they are. A part Verilog cannot read as written is either an escaped
 * identifier of the source (with `escape`, it is written as one) or one of
 * Yosys's own wires, like the locals of an inlined function
 * ("f$func$dut.v:37$2.$result"), which the simulator does not have: then
 * the function returns 1. It returns -1 if the name is too long or holds
 * characters no Verilog name can. */
int bare_hier(char *out, const char *scope, const char *name, int escape)
{
	size_t o = (size_t)snprintf(out, MAX_HIER, "%s", scope);
	for (const char *part = name; part;) {
		const char *dot = strchr(part, '.');
		size_t len = dot ? (size_t)(dot - part) : strlen(part);
		int plain = plain_part(part, len);
		if (!plain && !escape)
			return 1;
		if (!len)
			return -1;
		for (size_t i = 0; i < len; i++)
			if (part[i] <= ' ' || part[i] >= 0x7f)
				return -1;
		int k = snprintf(out + o, MAX_HIER - o, plain ? ".%.*s" : ".\\%.*s ", (int)len,
				 part);
		if (k < 0 || (size_t)k >= MAX_HIER - o)
			return -1;
		o += (size_t)k;
		part = dot ? dot + 1 : NULL;
	}
	return 0;
}

/* A parameter as Yosys writes it: a JSON integer, or a string of binary
 * digits, 32 of them for a (signed) integer parameter. */
int bare_param_long(const json_t *cell, const char *name, long *out)
{
	const json_t *v = json_object_get(json_object_get(cell, "parameters"), name);
	if (json_is_integer(v)) {
		*out = (long)json_integer_value(v);
		return 0;
	}
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;
	if (!n || n > 32)
		return -1;
	int64_t x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '0' && s[i] != '1')
			return -1;
		x = x * 2 + (s[i] - '0');
	}
	if (n == 32 && s[0] == '1')
		x -= (int64_t)1 << 32;
	*out = (long)x;
	return 0;
}

/* MEMID parameter without Yosys's leading backslash, or NULL. */
const char *bare_memid(const json_t *cell)
{
	const char *id = json_string_value(
		json_object_get(json_object_get(cell, "parameters"), "MEMID"));
	return id && id[0] == '\\' ? id + 1 : id;
}

static json_t *load_bare(const char *path, char *err, size_t errlen)
{
	struct stat st;
	json_error_t jerr;
	if (stat(path, &st) != 0) {
		hil_fail(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (st.st_size > BARE_JSON_MAX) {
		hil_fail(err, errlen, "%s: larger than %u MiB", path, BARE_JSON_MAX >> 20);
		return NULL;
	}
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root)
		hil_fail(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	return root;
}

void hil_oracle_dut_close(struct hil_oracle_dut *d)
{
	if (!d)
		return;
	json_decref(d->root);
	free(d->top);
	free(d->json);
	free(d);
}

struct hil_oracle_dut *hil_oracle_dut_open(const char *bare_json, const char *top, char *err,
					   size_t errlen)
{
	struct hil_oracle_dut *d = calloc(1, sizeof(*d));
	if (!d || !(d->top = strdup(top)) || !(d->json = strdup(bare_json))) {
		hil_oracle_dut_close(d);
		hil_fail(err, errlen, "out of memory");
		return NULL;
	}
	if (!(d->root = load_bare(bare_json, err, errlen))) {
		hil_oracle_dut_close(d);
		return NULL;
	}
	d->modules = json_object_get(d->root, "modules");
	if (!json_is_object(json_object_get(d->modules, top))) {
		hil_fail(err, errlen,
			 "%s: no module '%s': is this the Yosys JSON of "
			 "DUT '%s'?",
			 bare_json, top, top);
		hil_oracle_dut_close(d);
		return NULL;
	}
	return d;
}

/* One lookup of a path (`name`, as the script writes it): what it found,
 * its width and its name in the testbench, or why not. */
struct lookup {
	const struct hil_oracle_dut *d;
	const char *name;
	unsigned width;
	char path[MAX_HIER];
	char *why;
	size_t whylen;
};

__attribute__((format(printf, 2, 3))) static int not_found(struct lookup *l, const char *fmt,
							   ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(l->why, l->whylen, fmt, ap);
	va_end(ap);
	return 0;
}

/* Memory `mem` of module m: words [*lo, *lo + *size) of *width bits, as
 * `proc` leaves it (or as a $mem cell, should the JSON have collected it). */
static int find_memory(const json_t *m, const char *mem, long *lo, long *size, long *width)
{
	const json_t *c = json_object_get(json_object_get(m, "memories"), mem);
	const char *name;
	if (json_is_object(c) && !json_integer_value(json_object_get(c, "hide_name"))) {
		*lo = (long)json_integer_value(json_object_get(c, "start_offset"));
		*size = (long)json_integer_value(json_object_get(c, "size"));
		*width = (long)json_integer_value(json_object_get(c, "width"));
		return 1;
	}
	json_object_foreach(json_object_get(m, "cells"), name, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *id = bare_memid(c);
		if (type && id && (!strcmp(type, "$mem") || !strcmp(type, "$mem_v2")) &&
		    !strcmp(id, mem))
			return !bare_param_long(c, "OFFSET", lo) &&
				!bare_param_long(c, "SIZE", size) &&
				!bare_param_long(c, "WIDTH", width);
	}
	return 0;
}

/* What module m holds that a path can name, for a message: its signals,
 * memories and instances, as far as `cap` goes. */
static void contents(const struct hil_oracle_dut *d, const json_t *m, char *out, size_t cap)
{
	static const char *const kind[3][2] = {
		{"netnames", "signals"}, {"memories", "memories"}, {"cells", "instances"}};
	size_t o = 0;
	out[0] = '\0';
	for (int k = 0; k < 3; k++) {
		const char *name;
		const json_t *v;
		int first = 1;
		json_object_foreach(json_object_get(m, kind[k][0]), name, v)
		{
			const char *type = json_string_value(json_object_get(v, "type"));
			if (json_integer_value(json_object_get(v, "hide_name")) ||
			    (k == 2 && (!type || !json_object_get(d->modules, type))))
				continue;
			/* Room for the label, the name, a memory's range and ", ...". */
			if (o + strlen(name) + 80 > cap) {
				snprintf(out + o, cap - o, "%s...", o ? ", " : "");
				return;
			}
			if (first)
				o += (size_t)snprintf(out + o, cap - o,
						      "%s%s: ", o ? "; " : "", kind[k][1]);
			o += (size_t)snprintf(out + o, cap - o, "%s%s", first ? "" : ", ",
					      name);
			if (k == 1) {
				long lo = (long)json_integer_value(
					json_object_get(v, "start_offset"));
				long size =
					(long)json_integer_value(json_object_get(v, "size"));
				o += (size_t)snprintf(out + o, cap - o, "[%ld:%ld]", lo,
						      lo + size - 1);
			}
			first = 0;
		}
	}
	if (!o)
		snprintf(out, cap, "nothing a path can name");
}

/* Found: `name` in instance `scope` (word `*word` of it if a memory), this
 * wide. The testbench must be able to name it, and hil to hold it. */
static int found(struct lookup *l, const char *scope, const char *name, const long *word,
		 long width)
{
	int named = bare_hier(l->path, scope, name, 0);
	size_t o = strlen(l->path);
	if (named > 0)
		return not_found(l,
				 "'%s' is a wire Yosys made, which the testbench cannot name",
				 l->name);
	if (named < 0 ||
	    (word &&
	     (size_t)snprintf(l->path + o, MAX_HIER - o, "[%ld]", *word) >= MAX_HIER - o))
		return not_found(l, "cannot write the name of '%s' in Verilog", l->name);
	if (width < 1 || width > HIL_MAX_PORT_WIDTH)
		return not_found(l, "'%s' is %ld bits wide; hil reads at most %d", l->name,
				 width, HIL_MAX_PORT_WIDTH);
	l->width = (unsigned)width;
	return 1;
}

/* NAME[N], N decimal: the length of NAME, else 0. */
static size_t word_of(const char *s, long *word)
{
	const char *br = strrchr(s, '[');
	size_t n = strlen(s);
	if (!br || br == s || n < 3 || s[n - 1] != ']' || br + 2 >= s + n ||
	    strspn(br + 1, "0123456789") != (size_t)(s + n - 1 - (br + 1)))
		return 0;
	errno = 0;
	*word = strtol(br + 1, NULL, 10);
	return errno ? 0 : (size_t)(br - s);
}

/* Does a wire's name start with "scope."? */
static int scope_prefix(const json_t *netnames, const char *scope)
{
	size_t n = strlen(scope);
	const char *name;
	const json_t *v;
	json_object_foreach((json_t *)netnames, name, v)
	{
		if (!strncmp(name, scope, n) && name[n] == '.')
			return 1;
	}
	return 0;
}

/* Looks up `rest`, what is left of the path below instance `scope` of
 * module `mod`: a wire of the module (generate scopes included: Yosys
 * names "lane[1].r" in the module that holds the loop), a word NAME[N] of
 * one of its memories, or, through an instance (whose name may hold
 * generate scopes too), something below it. The simulator's signals are
 * the source's, and the JSON has the source's own names after `proc`.
 * Returns 1 with l->width and l->path, or 0 with l->why. */
static int find_signal(struct lookup *l, const char *mod, const char *scope, const char *rest,
		       int depth)
{
	const json_t *m = json_object_get(l->d->modules, mod);
	const json_t *cells = json_object_get(m, "cells");
	const json_t *net = json_object_get(json_object_get(m, "netnames"), rest);
	char base[MAX_HIER], sub[MAX_HIER], what[400];
	long word, lo, size, width;
	if (json_is_object(net) && !json_integer_value(json_object_get(net, "hide_name")))
		return found(l, scope, rest, NULL,
			     (long)json_array_size(json_object_get(net, "bits")));
	size_t blen = word_of(rest, &word);
	snprintf(base, sizeof(base), "%.*s", (int)(blen ? blen : strlen(rest)), rest);
	if (find_memory(m, base, &lo, &size, &width)) {
		if (!blen)
			return not_found(
				l,
				"'%s' is a memory of words %ld to %ld: peek one word, "
				"%s[N]",
				l->name, lo, lo + size - 1, l->name);
		if (word < lo || word - lo >= size)
			return not_found(l, "'%s': %s has words %ld to %ld", l->name, base, lo,
					 lo + size - 1);
		return found(l, scope, base, &word, width);
	}
	if (blen && json_object_get(json_object_get(m, "netnames"), base))
		return not_found(l, "'%s' is not a memory: peek %.*s", l->name,
				 (int)(strlen(l->name) - strlen(rest) + blen), l->name);
	/* An instance: the path up to a dot outside brackets, and on. */
	int in = 0;
	for (const char *c = rest;; c++) {
		in += *c == '[' ? 1 : *c == ']' ? -1 : 0;
		if (*c && (*c != '.' || in))
			continue;
		snprintf(sub, sizeof(sub), "%.*s", (int)(c - rest), rest);
		const char *type = json_string_value(
			json_object_get(json_object_get(cells, sub), "type"));
		/* Yosys's own cells ($add, $dff) hold no signals. */
		if (!type || (type[0] == '$' && !json_object_get(l->d->modules, type))) {
			if (!*c)
				break;
			continue;
		}
		if (!json_object_get(l->d->modules, type))
			return not_found(
				l,
				"'%.*s' is an instance of %s, whose insides are not in "
				"the DUT's sources",
				(int)(strlen(l->name) - strlen(c)), l->name, type);
		if (!*c) {
			contents(l->d, json_object_get(l->d->modules, type), what,
				 sizeof(what));
			return not_found(l, "'%s' is an instance, not a signal (%s)", l->name,
					 what);
		}
		if (depth >= MAX_DEPTH)
			return not_found(l, "'%s': instances nest deeper than %d levels",
					 l->name, MAX_DEPTH);
		char next[MAX_HIER];
		if (bare_hier(next, scope, sub, 1) != 0)
			return not_found(l, "cannot write the name of '%s' in Verilog",
					 l->name);
		return find_signal(l, type, next, c + 1, depth + 1);
	}
	contents(l->d, m, what, sizeof(what));
	if (scope_prefix(json_object_get(m, "netnames"), rest))
		return not_found(l, "'%s' is a generate scope, not a signal (%s)", l->name,
				 what);
	if (rest == l->name)
		return not_found(l, "%s has no signal '%s' (%s)", l->d->top, rest, what);
	return not_found(l, "%.*s has no signal '%s' (%s)", (int)(rest - l->name - 1), l->name,
			 rest, what);
}

int hil_oracle_signal_width(void *dut, const char *name, unsigned *width, char *why,
			    size_t whylen)
{
	struct lookup l = {.d = dut, .name = name, .why = why, .whylen = whylen};
	if (!find_signal(&l, l.d->top, "dut", name, 0))
		return 0;
	*width = l.width;
	return 1;
}

int bare_signal(const struct hil_oracle_dut *d, const char *name, unsigned *width, char *path,
		char *why, size_t whylen)
{
	struct lookup l = {.d = d, .name = name, .why = why, .whylen = whylen};
	if (!find_signal(&l, d->top, "dut", name, 0))
		return 0;
	*width = l.width;
	memcpy(path, l.path, MAX_HIER);
	return 1;
}
