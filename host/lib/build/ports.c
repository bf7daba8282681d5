/* ports.json: load, check, and the DUT signature (docs/protocol.md, section 5).
 *
 * The file is generated, but it is also the one thing that ties a script, a
 * bridge and an oracle testbench to one DUT, so every field is checked: a
 * file that was edited or truncated is refused with the reason rather than
 * letting a run talk to the wrong ports. Names end up inside generated
 * Verilog, hence the identifier check. */
#include "build/params.h"
#include "util/errfmt.h"
#include "hil/ports.h"
#include "hil/readfile.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A port list of 254 entries is about 20 KiB of JSON; anything far bigger
 * is not a ports.json, and is not worth reading into memory. */
#define PORTS_JSON_MAX (1u << 20)

/* A name field: a plain Verilog identifier that fits struct hil_port. */
static int get_name(const json_t *obj, const char *key, char *out, const char *path,
		    const char *what, char *err, size_t errlen)
{
	const char *s = json_string_value(json_object_get(obj, key));
	if (!s)
		return hil_fail(err, errlen, "%s: %s has no \"%s\" string", path, what, key);
	if (strlen(s) >= HIL_MAX_NAME)
		return hil_fail(err, errlen, "%s: %s: \"%s\" is longer than %d characters",
				path, what, key, HIL_MAX_NAME - 1);
	if (!hil_is_ident(s))
		return hil_fail(err, errlen,
				"%s: %s: \"%s\" is '%s', not a plain Verilog identifier", path,
				what, key, s);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

static int get_int(const json_t *obj, const char *key, long long lo, long long hi,
		   long long *out, const char *path, const char *what, char *err,
		   size_t errlen)
{
	const json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		return hil_fail(err, errlen, "%s: %s has no integer \"%s\"", path, what, key);
	long long x = json_integer_value(v);
	if (x < lo || x > hi)
		return hil_fail(err, errlen, "%s: %s: \"%s\" is %lld, must be %lld to %lld",
				path, what, key, x, lo, hi);
	*out = x;
	return 0;
}

static int parse_sig(const char *s, uint64_t *out)
{
	if (!s || strlen(s) != 16)
		return -1;
	uint64_t v = 0;
	for (int i = 0; i < 16; i++) {
		char c = s[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			: c >= 'a' && c <= 'f'    ? (unsigned)(c - 'a' + 10)
			: c >= 'A' && c <= 'F'    ? (unsigned)(c - 'A' + 10)
						  : 16u;
		if (d > 15)
			return -1;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static int load_port(struct hil_ports *p, const json_t *pj, size_t i, const char *path,
		     char *err, size_t errlen)
{
	char what[64 + HIL_MAX_NAME];
	struct hil_port *q = &p->port[i];
	long long width, index;
	snprintf(what, sizeof(what), "port %zu", i);
	if (!json_is_object(pj))
		return hil_fail(err, errlen, "%s: %s is not an object", path, what);
	if (get_name(pj, "name", q->name, path, what, err, errlen))
		return -1;
	snprintf(what, sizeof(what), "port %zu ('%s')", i, q->name);
	const char *dir = json_string_value(json_object_get(pj, "dir"));
	if (!dir || (strcmp(dir, "in") && strcmp(dir, "out")))
		return hil_fail(err, errlen, "%s: %s: \"dir\" must be \"in\" or \"out\"", path,
				what);
	if (get_int(pj, "width", 1, HIL_MAX_PORT_WIDTH, &width, path, what, err, errlen) ||
	    get_int(pj, "index", 0, LLONG_MAX, &index, path, what, err, errlen))
		return -1;
	if ((size_t)index != i)
		return hil_fail(err, errlen,
				"%s: %s has \"index\" %lld but stands at position %zu: "
				"ports must be listed in index order",
				path, what, index, i);
	if (p->clock[0] && !strcmp(q->name, p->clock))
		return hil_fail(err, errlen,
				"%s: %s has the clock's name; the clock is not a port", path,
				what);
	for (size_t j = 0; j < i; j++)
		if (!strcmp(p->port[j].name, q->name))
			return hil_fail(err, errlen, "%s: %s has the same name as port %zu",
					path, what, j);
	q->is_input = !strcmp(dir, "in");
	q->width = (unsigned)width;
	q->nbytes = (q->width + 7) / 8;
	return 0;
}

int hil_ports_load(struct hil_ports *p, const char *path, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	size_t len;
	char *text;
	int got = hil_read_file(path, PORTS_JSON_MAX, &text, &len, err, errlen);
	if (got == -2)
		return hil_fail(err, errlen,
				"%s: larger than %u bytes, which no port list is: is this "
				"the ports.json that `hil wrap` wrote?",
				path, PORTS_JSON_MAX);
	if (got < 0)
		return -1;
	json_error_t jerr;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (!root)
		return hil_fail(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	int rc = -1;
	uint64_t sig;
	const json_t *ports = json_object_get(root, "ports");
	if (!json_is_object(root)) {
		hil_fail(err, errlen, "%s: not a JSON object", path);
		goto out;
	}
	/* "clock": "" is a combinational DUT's. */
	const char *clock = json_string_value(json_object_get(root, "clock"));
	if (get_name(root, "top", p->top, path, "the file", err, errlen) ||
	    ((!clock || *clock) &&
	     get_name(root, "clock", p->clock, path, "the file", err, errlen)))
		goto out;
	if (parse_sig(json_string_value(json_object_get(root, "signature")), &sig)) {
		hil_fail(err, errlen, "%s: \"signature\" must be a string of 16 hex digits",
			 path);
		goto out;
	}
	if (!json_is_array(ports)) {
		hil_fail(err, errlen, "%s: no \"ports\" array", path);
		goto out;
	}
	size_t n = json_array_size(ports);
	if (n == 0 || n > HIL_MAX_PORTS) {
		hil_fail(err, errlen, "%s: %zu ports; hil bridges 1 to %d", path, n,
			 HIL_MAX_PORTS);
		goto out;
	}
	p->port = calloc(n, sizeof(*p->port));
	if (!p->port) {
		hil_fail(err, errlen, "%s: out of memory", path);
		goto out;
	}
	for (size_t i = 0; i < n; i++, p->n++)
		if (load_port(p, json_array_get(ports, i), i, path, err, errlen))
			goto out;
	const json_t *params = json_object_get(root, "params");
	char canon[sizeof(p->params)], why[400];
	if (params &&
	    (!json_is_string(params) ||
	     hil_params_canon(json_string_value(params), canon, sizeof(canon), why,
			      sizeof(why)) < 0 ||
	     strcmp(canon, json_string_value(params)))) {
		hil_fail(err, errlen,
			 "%s: \"params\" is not a list hil wrote (NAME=VALUE,...)", path);
		goto out;
	}
	snprintf(p->params, sizeof(p->params), "%s", params ? json_string_value(params) : "");
	p->signature = hil_ports_signature(p);
	if (p->signature != sig) {
		hil_fail(err, errlen,
			 "%s: \"signature\" is %016" PRIx64 " but the port list hashes to "
			 "%016" PRIx64 ": the file was edited or is damaged; rebuild the "
			 "DUT to regenerate it",
			 path, sig, p->signature);
		goto out;
	}
	rc = 0;
out:
	json_decref(root);
	if (rc)
		hil_ports_free(p);
	return rc;
}

void hil_ports_free(struct hil_ports *p)
{
	free(p->port);
	memset(p, 0, sizeof(*p));
}

int hil_ports_find(const struct hil_ports *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->port[i].name, name))
			return (int)i;
	return -1;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

uint64_t hil_ports_signature(const struct hil_ports *p)
{
	char line[HIL_MAX_NAME + 32];
	uint64_t h = fnv(0xcbf29ce484222325ull, "hil-ports-v1\n");
	for (size_t i = 0; i < p->n; i++) {
		snprintf(line, sizeof(line), "%s %s %u\n", p->port[i].name,
			 p->port[i].is_input ? "in" : "out", p->port[i].width);
		h = fnv(h, line);
	}
	/* A DUT without overrides keeps the signature it always had. */
	if (p->params[0]) {
		h = fnv(h, "params ");
		h = fnv(h, p->params);
	}
	return h;
}
