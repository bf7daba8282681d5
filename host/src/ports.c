/* ports.json reader and the DUT signature (hil/ports.h). The file is input
 * from disk, so every field is checked and a bad one named. */
#include "hil/ports.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t hil_ports_signature(const struct hil_ports *p)
{
	uint64_t h = fnv(0xcbf29ce484222325ull, "hil-ports-v1\n");
	char num[16];
	for (size_t i = 0; i < p->n; i++) {
		h = fnv(h, p->port[i].name);
		h = fnv(h, p->port[i].is_input ? " in " : " out ");
		snprintf(num, sizeof(num), "%u\n", p->port[i].width);
		h = fnv(h, num);
	}
	return h;
}

static int copy_name(char *dst, size_t cap, json_t *v)
{
	const char *s = json_string_value(v);
	if (!s || !*s || strlen(s) >= cap)
		return -1;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int hil_ports_load(struct hil_ports *p, const char *path, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root)
		return fail(err, errlen, "%s:%d: %s", path, jerr.line, jerr.text);
	int rc = -1;
	json_t *arr = json_object_get(root, "ports");
	const char *sig = json_string_value(json_object_get(root, "signature"));
	if (copy_name(p->top, sizeof(p->top), json_object_get(root, "top")) ||
	    copy_name(p->clock, sizeof(p->clock), json_object_get(root, "clock")) ||
	    !json_is_array(arr) || !sig) {
		fail(err, errlen, "%s: not a hil ports.json (needs top, clock, "
			  "signature and ports)", path);
		goto out;
	}
	size_t n = json_array_size(arr);
	if (n == 0 || n > HIL_MAX_PORTS) {
		fail(err, errlen, "%s: %zu ports; hil bridges 1 to %d", path, n,
		     HIL_MAX_PORTS);
		goto out;
	}
	p->port = calloc(n, sizeof(*p->port));
	if (!p->port) {
		fail(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(arr, i);
		struct hil_port *q = &p->port[i];
		const char *dir = json_string_value(json_object_get(e, "dir"));
		json_t *w = json_object_get(e, "width"), *ix = json_object_get(e, "index");
		if (copy_name(q->name, sizeof(q->name), json_object_get(e, "name"))) {
			fail(err, errlen, "%s: port %zu has no usable name", path, i);
			goto out;
		}
		if (!dir || (strcmp(dir, "in") && strcmp(dir, "out"))) {
			fail(err, errlen, "%s: port '%s': dir must be \"in\" or \"out\"",
			     path, q->name);
			goto out;
		}
		if (!json_is_integer(w) || json_integer_value(w) < 1 ||
		    json_integer_value(w) > HIL_MAX_PORT_WIDTH) {
			fail(err, errlen, "%s: port '%s': width must be 1 to %d", path,
			     q->name, HIL_MAX_PORT_WIDTH);
			goto out;
		}
		if (!json_is_integer(ix) || json_integer_value(ix) != (json_int_t)i) {
			fail(err, errlen, "%s: port '%s' is listed at position %zu but "
				  "says index %lld", path, q->name, i,
			     (long long)json_integer_value(ix));
			goto out;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(p->port[j].name, q->name)) {
				fail(err, errlen, "%s: port '%s' is listed twice", path,
				     q->name);
				goto out;
			}
		q->is_input = !strcmp(dir, "in");
		q->width = (unsigned)json_integer_value(w);
		q->nbytes = (q->width + 7) / 8;
		p->n = i + 1;
	}
	p->signature = hil_ports_signature(p);
	char want[17];
	snprintf(want, sizeof(want), "%016llx", (unsigned long long)p->signature);
	if (strcmp(sig, want)) {
		fail(err, errlen, "%s: signature %s does not match its port list "
			  "(%s): the file was edited or damaged; rebuild it", path, sig,
		     want);
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
	p->port = NULL;
	p->n = 0;
}

int hil_ports_find(const struct hil_ports *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcmp(p->port[i].name, name))
			return (int)i;
	return -1;
}
