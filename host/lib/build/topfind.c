/* Finding a DUT's top module; see topfind.h. */
#include "build/topfind.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/errfmt.h"

#define MAX_MODULES 4096
#define SHOWN       12 /* names listed in a message before "and N more" */

struct module {
	char name[256];
	size_t uses;
};

struct found {
	struct module *m;
	size_t n;
	int full;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct module *)a)->name, ((const struct module *)b)->name);
}

static int ident_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$';
}

/* Calls fn for every identifier outside comments, strings, numbers' bases
 * and compiler directives, with declared set for the name that follows
 * `module` (or `macromodule`, past an SV lifetime keyword). */
static void scan(const char *d, size_t n,
		 void (*fn)(struct found *, const char *, size_t, int), struct found *f)
{
	size_t i = 0;
	int after_module = 0;
	while (i < n) {
		char c = d[i];
		if (c == '/' && i + 1 < n && d[i + 1] == '/') {
			while (i < n && d[i] != '\n')
				i++;
		} else if (c == '/' && i + 1 < n && d[i + 1] == '*') {
			for (i += 2; i + 1 < n && !(d[i] == '*' && d[i + 1] == '/'); i++)
				;
			i += 2;
		} else if (c == '"') {
			for (i++; i < n && d[i] != '"' && d[i] != '\n'; i++)
				if (d[i] == '\\')
					i++;
			i++;
		} else if (c == '\\' || c == '`' || c == '$' || c == '\'') {
			/* An escaped name, a directive or macro, a system task, a
			 * number's base and digits: none names a module here. */
			for (i++; i < n && (ident_char(d[i]) || d[i] == '?'); i++)
				;
			if (c == '\\')
				while (i < n && !isspace((unsigned char)d[i]))
					i++;
			after_module = 0;
		} else if (isdigit((unsigned char)c)) {
			while (i < n && ident_char(d[i]))
				i++;
		} else if (isalpha((unsigned char)c) || c == '_') {
			size_t s = i;
			while (i < n && ident_char(d[i]))
				i++;
			size_t len = i - s;
			int kw_module = (len == 6 && !memcmp(d + s, "module", 6)) ||
				(len == 11 && !memcmp(d + s, "macromodule", 11));
			int lifetime = (len == 9 && !memcmp(d + s, "automatic", 9)) ||
				(len == 6 && !memcmp(d + s, "static", 6));
			if (after_module && lifetime)
				continue;
			if (!kw_module)
				fn(f, d + s, len, after_module);
			after_module = kw_module;
		} else {
			if (!isspace((unsigned char)c))
				after_module = 0;
			i++;
		}
	}
}

static void declare(struct found *f, const char *s, size_t len, int declared)
{
	if (!declared || len >= sizeof(f->m[0].name))
		return;
	if (f->n == MAX_MODULES) {
		f->full = 1;
		return;
	}
	memcpy(f->m[f->n].name, s, len);
	f->m[f->n].name[len] = '\0';
	f->m[f->n].uses = 0;
	f->n++;
}

static void count_use(struct found *f, const char *s, size_t len, int declared)
{
	struct module key;
	if (declared || len >= sizeof(key.name))
		return;
	memcpy(key.name, s, len);
	key.name[len] = '\0';
	struct module *m = bsearch(&key, f->m, f->n, sizeof(*f->m), by_name);
	if (m)
		m->uses++;
}

/* "'a', 'b' and 'c'" of the modules picked by `roots`, at most SHOWN. */
static void list(const struct found *f, int roots, char *out, size_t outlen)
{
	size_t total = 0, shown = 0, o = 0;
	for (size_t i = 0; i < f->n; i++)
		total += !roots || !f->m[i].uses;
	out[0] = '\0';
	for (size_t i = 0; i < f->n && shown < SHOWN; i++) {
		if (roots && f->m[i].uses)
			continue;
		shown++;
		const char *sep = shown == 1 ? "" : shown == total ? " and " : ", ";
		int w = snprintf(out + o, outlen - o, "%s'%s'", sep, f->m[i].name);
		if (w < 0 || (size_t)w >= outlen - o)
			return;
		o += (size_t)w;
	}
	if (total > shown)
		snprintf(out + o, outlen - o, " and %zu more", total - shown);
}

int dut_top_find(const struct dut_src *s, const char *want, int given, char *top,
		 size_t toplen, char *note, size_t notelen, char *err, size_t errlen)
{
	struct found f = {calloc(MAX_MODULES, sizeof(struct module)), 0, 0};
	if (!f.m)
		return hil_fail(err, errlen, "out of memory");
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].kind != DUT_DATA)
			scan(s->f[i].data, s->f[i].len, declare, &f);
	qsort(f.m, f.n, sizeof(*f.m), by_name);
	note[0] = '\0';
	int rc = -1;
	struct module key;
	snprintf(key.name, sizeof(key.name), "%s", want);
	char names[1024];
	size_t roots = 0;
	const char *root = NULL;
	if (bsearch(&key, f.m, f.n, sizeof(*f.m), by_name) || f.full) {
		/* Found, or too many modules to tell: the tools will say. */
		snprintf(top, toplen, "%s", want);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->f[i].kind != DUT_DATA)
			scan(s->f[i].data, s->f[i].len, count_use, &f);
	for (size_t i = 0; i < f.n; i++)
		if (!f.m[i].uses) {
			roots++;
			root = f.m[i].name;
		}
	if (!given && roots == 1) {
		snprintf(top, toplen, "%s", root);
		snprintf(
			note, notelen,
			"no module is named '%s' like its directory; its top is '%s', the one "
			"module no other instantiates (--top names another)",
			want, root);
		rc = 0;
	} else if (!f.n) {
		hil_fail(err, errlen, "no module declared in the DUT's sources");
	} else {
		int only_roots = !given && roots > 1;
		list(&f, only_roots, names, sizeof(names));
		hil_fail(err, errlen, "no module '%s' in the DUT's sources; %s %s: %s", want,
			 only_roots ? "the modules no other instantiates are"
				    : "its modules are",
			 names,
			 given ? "name one of them with --top" : "choose the top with --top");
	}
out:
	free(f.m);
	return rc;
}
