/* Parameter overrides and macros; see params.h. */
#include "build/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build/dutsrc.h"
#include "util/errfmt.h"

struct param {
	char name[64];
	char value[72];
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct param *)a)->name, ((const struct param *)b)->name);
}

/* One "NAME=VALUE" (a macro's: "NAME" too) of n bytes into p. */
static int parse_one(const char *s, size_t n, int macro, struct param *p, char *err,
		     size_t errlen)
{
	char item[HIL_PARAMS_MAXLEN], shown[HIL_PARAMS_MAXLEN * 4 + 8];
	const char *what = macro ? "macro" : "parameter";
	snprintf(item, sizeof(item), "%.*s", (int)n, s);
	hil_escape(item, shown, sizeof(shown));
	char *eq = strchr(item, '=');
	if (!eq && !macro)
		return hil_fail(err, errlen,
				"parameter '%s': write NAME=VALUE (e.g. WIDTH=16)", shown);
	if (eq)
		*eq = '\0';
	if (!hil_is_ident(item) || strchr(item, '$') || strlen(item) >= sizeof(p->name))
		return hil_fail(err, errlen,
				"%s '%s': the name must be a plain Verilog identifier of at "
				"most %zu characters",
				what, shown, sizeof(p->name) - 1);
	memcpy(p->name, item, strlen(item) + 1); /* its length was checked */
	if (macro) {
		const char *v = eq ? eq + 1 : "";
		size_t len = strlen(v);
		if (len >= sizeof(p->value) ||
		    strspn(v,
			   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.'") !=
			    len)
			return hil_fail(
				err, errlen,
				"macro '%s': its value may hold letters, digits, '_', '.' "
				"and the quote of 8'hff, at most %zu of them",
				shown, sizeof(p->value) - 1);
		memcpy(p->value, v, len + 1);
		return 0;
	}
	/* Verilog's plain integer parameters are 32-bit; Yosys takes no
	 * negative value on its command line. */
	const char *digits = eq + 1;
	int hex = digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X');
	digits += 2 * hex;
	const char *set = hex ? "0123456789abcdefABCDEF" : "0123456789";
	int ok = *digits && strspn(digits, set) == strlen(digits) && strlen(digits) <= 10;
	unsigned long long x = ok ? strtoull(digits, NULL, hex ? 16 : 10) : 0;
	if (!ok || x > 0x7fffffffull)
		return hil_fail(err, errlen,
				"parameter '%s': the value must be an integer from 0 to "
				"2147483647, in decimal or 0x hex (strings and other "
				"literals cannot be passed)",
				shown);
	snprintf(p->value, sizeof(p->value), "%llu", x);
	return 0;
}

static int canon(const char *in, int macro, char *out, size_t outlen, char *err, size_t errlen)
{
	struct param p[HIL_MAX_PARAMS];
	const char *what = macro ? "macros" : "parameters",
		   *one = macro ? "macro" : "parameter";
	size_t n = 0;
	out[0] = '\0';
	if (!in || !*in)
		return 0;
	if (strlen(in) >= HIL_PARAMS_MAXLEN)
		return hil_fail(err, errlen, "the %s are longer than %d characters", what,
				HIL_PARAMS_MAXLEN - 1);
	for (const char *s = in; *s;) {
		size_t len = strcspn(s, ",");
		if (n == HIL_MAX_PARAMS)
			return hil_fail(err, errlen, "more than %d %s", HIL_MAX_PARAMS, what);
		if (parse_one(s, len, macro, &p[n], err, errlen) < 0)
			return -1;
		n++;
		s += len + (s[len] == ',');
	}
	qsort(p, n, sizeof(*p), by_name);
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (i && !strcmp(p[i].name, p[i - 1].name))
			return hil_fail(err, errlen, "%s %s is given twice", one, p[i].name);
		int w = snprintf(out + o, outlen - o, "%s%s%s%s", i ? "," : "", p[i].name,
				 p[i].value[0] || !macro ? "=" : "", p[i].value);
		if (w < 0 || (size_t)w >= outlen - o)
			return hil_fail(err, errlen, "the %s are too long", what);
		o += (size_t)w;
	}
	return 0;
}

int hil_params_canon(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
	return canon(in, 0, out, outlen, err, errlen);
}

int hil_defines_canon(const char *in, char *out, size_t outlen, char *err, size_t errlen)
{
	return canon(in, 1, out, outlen, err, errlen);
}

int hil_params_each(const char *canon, int (*fn)(void *, const char *, const char *),
		    void *user)
{
	struct param p;
	for (const char *s = canon; s && *s;) {
		size_t len = strcspn(s, ","), k = strcspn(s, "=,");
		snprintf(p.name, sizeof(p.name), "%.*s", (int)k, s);
		snprintf(p.value, sizeof(p.value), "%.*s", k < len ? (int)(len - k - 1) : 0,
			 s + k + (k < len));
		int rc = fn(user, p.name, p.value);
		if (rc)
			return rc;
		s += len + (s[len] == ',');
	}
	return 0;
}
