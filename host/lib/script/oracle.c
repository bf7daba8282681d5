/* The oracle testbench generator (hil/oracle.h).
 *
 * The script, its repeat blocks already expanded by the parser, is
 * unrolled into straight-line Verilog in one initial block; only step, run
 * and wait become loops, because where a wait stops is for the DUT to say.
 * The tasks mirror the bridge: eval_point is an evaluation point
 * (docs/protocol.md, section 4), tick one delivered edge followed by the
 * pokes scheduled for the cycle it starts. What can be decided from the
 * script alone (which ports are watched, which `at` pokes surely wait, how
 * many reports one cycle can hold, which runtime checks can fire) is decided
 * here, so the testbench stays plain and small. Icarus starts every reg at
 * x, the chip and the model at 0: the state elements the DUT does not
 * initialise itself are found in the bare Yosys JSON, instance by instance,
 * and zeroed by hierarchical name before the first poke. */
#include "script/bare.h"
#include "util/errfmt.h"
#include "hil/oracle.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CYCLE_MAX      ((1ull << 48) - 1)
#define MAX_INSTANCES  1000000
#define MAX_INIT_BYTES (64u << 20)
/* Far beyond any real script; past it the testbench would not fit vvp. */
#define MAX_REPORTS (1u << 22)
#define STDERR_FD   "32'h8000_0002"

/* ---- Power-on state -------------------------------------------------- */

struct buf {
	char *s;
	size_t n, cap;
	int full; /* past MAX_INIT_BYTES, or out of memory */
};

__attribute__((format(printf, 2, 3))) static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap, aq;
	if (b->full)
		return;
	va_start(ap, fmt);
	va_copy(aq, ap);
	int k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0 || b->n + (size_t)k + 1 > MAX_INIT_BYTES) {
		b->full = 1;
	} else {
		if (b->n + (size_t)k + 1 > b->cap) {
			size_t nc = b->cap ? 2 * b->cap : 4096;
			while (nc < b->n + (size_t)k + 1)
				nc *= 2;
			char *t = realloc(b->s, nc);
			if (!t)
				b->full = 1;
			else {
				b->s = t;
				b->cap = nc;
			}
		}
		if (!b->full) {
			vsnprintf(b->s + b->n, (size_t)k + 1, fmt, aq);
			b->n += (size_t)k;
		}
	}
	va_end(aq);
}

struct walk {
	const json_t *modules;
	struct buf init;
	size_t instances;
	const char *json;
	char *err;
	size_t errlen;
};

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* The words of a memory the DUT gives initial values itself (initial
 * blocks, $readmemh: $meminit cells, or the INIT of a $mem cell), as
 * address ranges [lo, hi). Those are left to the DUT's own initial block,
 * and only the rest is zeroed, so the two never write one word at time 0.
 * `all`: which words are initialised cannot be told, leave them all. */
struct inits {
	struct {
		long lo, hi;
	} * r;
	size_t n, cap;
	int all;
};

static int add_init(struct inits *in, long lo, long hi)
{
	if (in->n && in->r[in->n - 1].hi == lo) {
		in->r[in->n - 1].hi = hi;
		return 0;
	}
	if (in->n == in->cap) {
		size_t nc = in->cap ? 2 * in->cap : 16;
		void *t = realloc(in->r, nc * sizeof(*in->r));
		if (!t)
			return -1;
		in->r = t;
		in->cap = nc;
	}
	in->r[in->n].lo = lo;
	in->r[in->n++].hi = hi;
	return 0;
}

static int cmp_init(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* A constant address, its bits listed LSB first; 32 bits are a Verilog
 * integer, so signed (memories may start below 0). */
static int const_addr(const json_t *bits, long *out)
{
	size_t i, n = json_array_size(bits);
	const json_t *b;
	int64_t v = 0;
	if (n == 0 || n > 62)
		return -1;
	json_array_foreach((json_t *)bits, i, b)
	{
		const char *s = json_string_value(b);
		if (!s || (strcmp(s, "0") && strcmp(s, "1")))
			return -1;
		v |= (int64_t)(s[0] == '1') << i;
	}
	if (n == 32 && v >> 31)
		v -= (int64_t)1 << 32;
	*out = (long)v;
	return 0;
}

static int all_ones(const json_t *bits)
{
	size_t i;
	const json_t *b;
	json_array_foreach((json_t *)bits, i, b)
	{
		const char *s = json_string_value(b);
		if (!s || strcmp(s, "1"))
			return 0;
	}
	return 1;
}

static int meminit_words(const json_t *cells, const char *mem, struct inits *in)
{
	const char *name;
	const json_t *c;
	json_object_foreach((json_t *)cells, name, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *id = bare_memid(c);
		const json_t *conn = json_object_get(c, "connections");
		long addr, words;
		if (!type || !id || strncmp(type, "$meminit", 8) || strcmp(id, mem))
			continue;
		/* Partly enabled words keep x bits in Icarus that the DUT
		 * would have to zero itself. */
		if (const_addr(json_object_get(conn, "ADDR"), &addr) ||
		    bare_param_long(c, "WORDS", &words) || words < 1 ||
		    !all_ones(json_object_get(conn, "EN"))) {
			in->all = 1;
			return 0;
		}
		if (add_init(in, addr, addr + words))
			return -1;
	}
	return 0;
}

/* A $mem cell's INIT: SIZE words of WIDTH bits, MSB first, x where the DUT
 * sets nothing. */
static int init_param_words(const json_t *cell, long offset, long size, struct inits *in)
{
	const char *init = json_string_value(
		json_object_get(json_object_get(cell, "parameters"), "INIT"));
	long width;
	if (!init || !strpbrk(init, "01"))
		return 0;
	size_t len = strlen(init);
	if (bare_param_long(cell, "WIDTH", &width) || width < 1 || size < 1 ||
	    size > INT32_MAX || width > INT32_MAX || (size_t)size * (size_t)width != len) {
		in->all = 1;
		return 0;
	}
	for (long i = 0; i < size; i++) {
		const char *word = init + len - (size_t)(i + 1) * (size_t)width;
		if ((memchr(word, '0', (size_t)width) || memchr(word, '1', (size_t)width)) &&
		    add_init(in, offset + i, offset + i + 1))
			return -1;
	}
	return 0;
}

static void zero_words(struct walk *w, const char *path, long lo, long hi)
{
	if (hi - lo == 1)
		bprintf(&w->init, "        %s[%ld] = 0;\n", path, lo);
	else if (hi > lo)
		bprintf(&w->init,
			"        for (hil_i = %ld; hil_i < %ld; hil_i = hil_i + 1) "
			"%s[hil_i] = 0;\n",
			lo, hi, path);
}

/* Zeroes the words of memory `mem` (offset, size) outside `in`. */
static int zero_memory(struct walk *w, const char *scope, const char *mem, long offset,
		       long size, struct inits *in)
{
	char path[MAX_HIER];
	int named = bare_hier(path, scope, mem, 0);
	if (named > 0 || in->all)
		return 0;
	if (size < 1 || offset < INT32_MIN || offset > INT32_MAX - size)
		return hil_fail(w->err, w->errlen,
				"%s: memory '%.80s' in %.200s has %ld "
				"words from %ld, which a Verilog integer cannot count",
				w->json, mem, scope, size, offset);
	if (named < 0)
		return hil_fail(w->err, w->errlen,
				"%s: cannot write the name of memory "
				"'%.80s' in %.200s in Verilog",
				w->json, mem, scope);
	if (in->n)
		qsort(in->r, in->n, sizeof(*in->r), cmp_init);
	long at = offset, end = offset + size;
	for (size_t k = 0; k < in->n && at < end; k++) {
		zero_words(w, path, at, in->r[k].lo < end ? in->r[k].lo : end);
		if (in->r[k].hi > at)
			at = in->r[k].hi;
	}
	zero_words(w, path, at, end);
	return 0;
}

/* Does `name` end in a word of an array, "m[3]"? Yosys splits an array
 * that is indexed only by constants (a wire array always) into one wire per
 * word, named so; every other part ending in [N] is a generate scope, and
 * never the last. */
static int array_word(const char *name)
{
	const char *last = strrchr(name, '.');
	return strchr(last ? last + 1 : name, '[') != NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the temporaries Yosys's Verilog front end makes for what
 * always blocks write, "$0\NAME[MSB:LSB]" (one for each variable an always
 * block writes, or each part of it), sorted; `proc` leaves them in the bare
 * JSON as hidden netnames. Collected once per module, when first needed. */
struct lvalues {
	const char **k;
	size_t n;
	int collected;
};

static int lvalues_collect(struct lvalues *lv, const json_t *netnames)
{
	const char *name;
	const json_t *c;
	size_t cap = 0;
	lv->collected = 1;
	json_object_foreach((json_t *)netnames, name, c)
	{
		if (strncmp(name, "$0\\", 3))
			continue;
		if (lv->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			const char **t = realloc(lv->k, nc * sizeof(*t));
			if (!t)
				return -1;
			lv->k = t;
			cap = nc;
		}
		lv->k[lv->n++] = name;
	}
	if (lv->n)
		qsort(lv->k, lv->n, sizeof(*lv->k), cmp_str);
	return 0;
}

/* Does temporary `key`, "$0\NAME[MSB:LSB]" with `rest` pointing past the
 * '[', hold other bits than word `bits` at those places? */
static int temp_differs(const json_t *netnames, const char *key, const char *rest,
			const json_t *bits)
{
	const json_t *tbits = json_object_get(json_object_get(netnames, key), "bits");
	char *end;
	long msb = strtol(rest, &end, 10), lsb;
	if (end == rest || *end != ':')
		return 0;
	rest = end + 1;
	lsb = strtol(rest, &end, 10);
	size_t n = json_array_size(tbits);
	if (end == rest || *end != ']' || lsb < 0 || msb < lsb || msb - lsb != (long)n - 1 ||
	    (size_t)lsb + n > json_array_size(bits))
		return 0;
	for (size_t j = 0; j < n; j++)
		if (!json_equal(json_array_get(tbits, j),
				json_array_get(bits, (size_t)lsb + j)))
			return 1;
	return 0;
}

/* Does an always block store a value in word `name` (bits `bits`) itself:
 * 1 if so, 0 if blocks only drive it, -1 if no block writes it. After
 * `proc` the temporary of what a flip-flop or latch stores is its D input,
 * other bits than the word's; that of what a combinational block writes is
 * joined to the word it drives. Yosys writes `assign w[0] = r` to a split
 * wire array as such a block. */
static int stores_word(const json_t *netnames, const struct lvalues *lv, const char *name,
		       const json_t *bits)
{
	char prefix[MAX_HIER];
	int k = snprintf(prefix, sizeof(prefix), "$0\\%s[", name);
	size_t lo = 0, hi = lv->n;
	if (k < 0 || (size_t)k >= sizeof(prefix))
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(lv->k[mid], prefix) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* One temporary for each part of the word a block writes. */
	int found = -1;
	for (; lo < lv->n && !strncmp(lv->k[lo], prefix, (size_t)k); lo++) {
		if (temp_differs(netnames, lv->k[lo], lv->k[lo] + k, bits))
			return 1;
		found = 0;
	}
	return found;
}

/* Zeroes object `name` of module m, at `path`, all of whose bits are
 * flip-flop (or latch) outputs. It is named by force and release rather
 * than by assignment: Yosys gives a reg and every wire assigned from it the
 * same bits, and Verilog lets only force write both kinds. Releasing a reg
 * keeps the value; releasing a wire lets its driver, the zeroed reg, drive
 * it again. But Icarus cannot force a word of a variable array ("sorry:
 * cannot %force/vec4 to the word of a variable array"), and nothing but
 * force writes a word of a wire array: a word is assigned if it is a
 * register itself, and left to follow its driver, zeroed under its own
 * name, if blocks only drive it, as force and release would leave it too.
 * A word no block writes, which Yosys does not make, is forced as before:
 * Icarus then says which. */
static int zero_flop(struct walk *w, const json_t *m, struct lvalues *lv, const char *name,
		     const char *path)
{
	const json_t *netnames = json_object_get(m, "netnames");
	int stores = -1;
	if (array_word(name)) {
		if (!lv->collected && lvalues_collect(lv, netnames) < 0)
			return hil_fail(w->err, w->errlen, "out of memory");
		stores = stores_word(netnames, lv, name,
				     json_object_get(json_object_get(netnames, name), "bits"));
	}
	if (stores > 0)
		bprintf(&w->init, "        %s = 0;\n", path);
	else if (stores < 0)
		bprintf(&w->init, "        force %s = 0; release %s;\n", path, path);
	return 0;
}

/* Wires made only of flip-flop (or latch) outputs, in one module, each
 * zeroed by zero_flop. */
static int zero_flops(struct walk *w, const json_t *m, const char *scope)
{
	struct lvalues lv = {0};
	const json_t *cells = json_object_get(m, "cells"), *c, *bit;
	const char *name;
	size_t nq = 0, cap = 0, i;
	long *q = NULL;
	int rc = 0;
	json_object_foreach((json_t *)cells, name, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		if (!type || type[0] != '$' || json_object_get(w->modules, type))
			continue;
		json_array_foreach(json_object_get(json_object_get(c, "connections"), "Q"), i,
				   bit)
		{
			if (!json_is_integer(bit))
				continue;
			if (nq == cap) {
				size_t nc = cap ? 2 * cap : 256;
				long *t = realloc(q, nc * sizeof(*q));
				if (!t) {
					free(q);
					return hil_fail(w->err, w->errlen, "out of memory");
				}
				q = t;
				cap = nc;
			}
			q[nq++] = (long)json_integer_value(bit);
		}
	}
	if (!nq)
		return 0;
	qsort(q, nq, sizeof(*q), cmp_long);
	json_object_foreach(json_object_get(m, "netnames"), name, c)
	{
		const json_t *bits = json_object_get(c, "bits");
		int all = json_array_size(bits) > 0;
		if (json_integer_value(json_object_get(c, "hide_name")) ||
		    json_object_get(json_object_get(c, "attributes"), "init"))
			continue;
		json_array_foreach(bits, i, bit)
		{
			long b = (long)json_integer_value(bit);
			if (!json_is_integer(bit) ||
			    !bsearch(&b, q, nq, sizeof(*q), cmp_long)) {
				all = 0;
				break;
			}
		}
		char path[MAX_HIER];
		int named = all ? bare_hier(path, scope, name, 0) : 1;
		if (named > 0)
			continue;
		if (named < 0) {
			rc = hil_fail(w->err, w->errlen,
				      "%s: cannot write the name of "
				      "register '%.80s' in %.200s in Verilog",
				      w->json, name, scope);
			break;
		}
		if ((rc = zero_flop(w, m, &lv, name, path)) < 0)
			break;
	}
	free(q);
	free(lv.k);
	return rc;
}

static int walk_module(struct walk *w, const char *mod, const char *scope, int depth)
{
	const json_t *m = json_object_get(w->modules, mod), *c;
	const char *name;
	if (depth > MAX_DEPTH)
		return hil_fail(w->err, w->errlen,
				"%s: instances nest deeper than %d "
				"levels (at %.200s), or in a cycle",
				w->json, MAX_DEPTH, scope);
	if (++w->instances > MAX_INSTANCES)
		return hil_fail(w->err, w->errlen,
				"%s: more than %d instances in the "
				"DUT",
				w->json, MAX_INSTANCES);
	/* A cell type without a definition here is a black box: no state of
	 * ours to name. */
	if (!json_is_object(m))
		return 0;
	if (zero_flops(w, m, scope) < 0)
		return -1;

	const json_t *cells = json_object_get(m, "cells");
	/* Memories as `proc` leaves them, and as $mem cells if collected. */
	json_object_foreach(json_object_get(m, "memories"), name, c)
	{
		struct inits in = {0};
		int rc = 0;
		if (!json_integer_value(json_object_get(c, "hide_name"))) {
			if (meminit_words(cells, name, &in) < 0)
				rc = hil_fail(w->err, w->errlen, "out of memory");
			else
				rc = zero_memory(
					w, scope, name,
					(long)json_integer_value(
						json_object_get(c, "start_offset")),
					(long)json_integer_value(json_object_get(c, "size")),
					&in);
		}
		free(in.r);
		if (rc < 0)
			return -1;
	}
	json_object_foreach((json_t *)cells, name, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		const char *id = bare_memid(c);
		struct inits in = {0};
		long size, offset;
		if (!type || !id || (strcmp(type, "$mem") && strcmp(type, "$mem_v2")))
			continue;
		if (bare_param_long(c, "SIZE", &size) || bare_param_long(c, "OFFSET", &offset))
			return hil_fail(w->err, w->errlen,
					"%s: memory cell '%.80s' in %.200s "
					"has no readable SIZE or OFFSET",
					w->json, name, scope);
		int rc = init_param_words(c, offset, size, &in) < 0
			? hil_fail(w->err, w->errlen, "out of memory")
			: zero_memory(w, scope, id, offset, size, &in);
		free(in.r);
		if (rc < 0)
			return -1;
	}
	json_object_foreach((json_t *)cells, name, c)
	{
		const char *type = json_string_value(json_object_get(c, "type"));
		char sub[MAX_HIER];
		if (!type || !json_object_get(w->modules, type))
			continue;
		if (bare_hier(sub, scope, name, 1) != 0)
			return hil_fail(w->err, w->errlen,
					"%s: cannot write the name of "
					"instance '%.80s' in %.200s in Verilog",
					w->json, name, scope);
		if (walk_module(w, type, sub, depth + 1) < 0)
			return -1;
	}
	if (w->init.full)
		return hil_fail(w->err, w->errlen,
				"%s: zeroing the DUT's state takes more "
				"than %u MiB of Verilog (or memory ran out)",
				w->json, MAX_INIT_BYTES >> 20);
	return 0;
}

/* ---- The script, seen statically ------------------------------------- */

enum at_mode {
	AT_PENDING,
	AT_NOW,
	AT_RUNTIME
};

struct plan {
	size_t nat;
	size_t *slot;        /* per command: its at-poke slot */
	size_t *slot_cmd;    /* per slot: its command */
	unsigned char *mode; /* per command: enum at_mode, or for step, run
				* and wait whether the runtime check can fire */
	unsigned char *watched, *reported, *atpoked; /* per port */
	size_t maxrep;
	unsigned maxw;
	/* The signals inside the DUT the script names, each once; a report of
	 * one is keyed past the ports, number of ports + its index. */
	size_t *sig; /* per command naming one: its index */
	struct sig {
		const char *name;
		unsigned width;
		char *path; /* its name in the testbench */
		int peeked; /* else only expected: never reported */
	} * sigs;
	size_t nsigs;
};

struct at_key {
	uint64_t cycle;
	size_t cmd;
};

static int cmp_at(const void *a, const void *b)
{
	const struct at_key *x = a, *y = b;
	if (x->cycle != y->cycle)
		return x->cycle < y->cycle ? -1 : 1;
	return (x->cmd > y->cmd) - (x->cmd < y->cmd);
}

static void plan_free(struct plan *pl)
{
	free(pl->slot);
	free(pl->slot_cmd);
	free(pl->mode);
	free(pl->watched);
	free(pl->reported);
	free(pl->atpoked);
	for (size_t k = 0; k < pl->nsigs; k++)
		free(pl->sigs[k].path);
	free(pl->sigs);
	free(pl->sig);
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return b > CYCLE_MAX - a ? CYCLE_MAX : a + b;
}

/* Follows `now` as the interval [lo, hi] it is known to lie in, to decide
 * the mode of each command, and bounds the reports one cycle can hold: a
 * cycle collects the peeks made in it and, for each watched port, one
 * report per evaluation point, and a command holds at most one evaluation
 * point per cycle. Reports accumulate over the commands that may leave the
 * cycle unchanged (step 0, a run or a wait that may stop where it starts)
 * and start again after a step or run that surely moves on. */
static int make_plan(struct plan *pl, const struct hil_script *s, const struct hil_ports *p,
		     char *err, size_t errlen)
{
	size_t n = s->ncmds, acc = 0, nw = 0;
	uint64_t lo = 0, hi = 0;
	size_t nc = n ? n : 1, np = p->n ? p->n : 1;
	unsigned char *on = calloc(np, 1);
	struct at_key *keys = calloc(nc, sizeof(*keys));
	memset(pl, 0, sizeof(*pl));
	pl->slot = calloc(nc, sizeof(*pl->slot));
	pl->slot_cmd = calloc(nc, sizeof(*pl->slot_cmd));
	pl->mode = calloc(nc, 1);
	pl->watched = calloc(np, 1);
	pl->reported = calloc(np, 1);
	pl->atpoked = calloc(np, 1);
	pl->maxrep = 1;
	pl->maxw = 1;
	if (!on || !keys || !pl->slot || !pl->slot_cmd || !pl->mode || !pl->watched ||
	    !pl->reported || !pl->atpoked) {
		free(on);
		free(keys);
		plan_free(pl);
		return hil_fail(err, errlen, "out of memory");
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->port[i].width > pl->maxw)
			pl->maxw = p->port[i].width;
	for (size_t i = 0; i < n; i++) {
		const struct hil_cmd *c = &s->cmds[i];
		int moves = 0;
		switch (c->kind) {
		case HIL_CMD_POKE:
			break;
		case HIL_CMD_POKE_AT:
			keys[pl->nat].cycle = c->cycle;
			keys[pl->nat++].cmd = i;
			pl->atpoked[c->port] = 1;
			pl->mode[i] = c->cycle > hi          ? AT_PENDING
				: lo == hi && c->cycle == lo ? AT_NOW
							     : AT_RUNTIME;
			break;
		case HIL_CMD_STEP:
			pl->mode[i] = c->cycle > CYCLE_MAX - hi;
			moves = c->cycle > 0;
			acc += moves ? 0 : nw;
			lo = add_sat(lo, c->cycle);
			hi = add_sat(hi, c->cycle);
			break;
		case HIL_CMD_RUN:
			pl->mode[i] = c->cycle < hi;
			moves = c->cycle > hi;
			acc += moves ? 0 : nw;
			lo = hi = c->cycle;
			break;
		case HIL_CMD_WAIT:
			pl->mode[i] = c->cycle > CYCLE_MAX - hi;
			acc += nw;
			hi = add_sat(hi, c->cycle);
			break;
		case HIL_CMD_PEEK:
			if (c->port >= 0)
				pl->reported[c->port] = 1;
			acc++;
			break;
		case HIL_CMD_EXPECT:
			break;
		case HIL_CMD_WATCH:
			pl->watched[c->port] = pl->reported[c->port] = 1;
			nw += !on[c->port];
			on[c->port] = 1;
			break;
		case HIL_CMD_UNWATCH:
			nw -= on[c->port];
			on[c->port] = 0;
			break;
		}
		if (moves) {
			/* The first evaluation point is still in the old cycle. */
			if (acc + nw > pl->maxrep)
				pl->maxrep = acc + nw;
			acc = nw;
		}
		if (acc > pl->maxrep)
			pl->maxrep = acc;
	}
	free(on);
	qsort(keys, pl->nat, sizeof(*keys), cmp_at);
	for (size_t k = 0; k < pl->nat; k++) {
		pl->slot[keys[k].cmd] = k;
		pl->slot_cmd[k] = keys[k].cmd;
	}
	free(keys);
	if (pl->maxrep > MAX_REPORTS) {
		plan_free(pl);
		return hil_fail(err, errlen,
				"%s: one cycle of this script may collect "
				"%zu reports, more than the oracle holds (%u): put steps "
				"between the waits",
				s->path, pl->maxrep, MAX_REPORTS);
	}
	return 0;
}

/* The signals inside the DUT the script names, and their names in the
 * testbench. The script was bound to the same JSON (hil_oracle_signal_width),
 * so each is found, as wide as bound. */
static int plan_signals(struct plan *pl, const struct hil_script *s,
			const struct hil_oracle_dut *d, char *err, size_t errlen)
{
	char why[768];
	if (!s->nsignals)
		return 0;
	pl->sig = calloc(s->ncmds, sizeof(*pl->sig));
	pl->sigs = calloc(s->nsignals, sizeof(*pl->sigs));
	if (!pl->sig || !pl->sigs)
		return hil_fail(err, errlen, "out of memory");
	for (size_t i = 0; i < s->ncmds; i++) {
		const struct hil_cmd *c = &s->cmds[i];
		size_t j = 0;
		if (!c->signal)
			continue;
		while (j < pl->nsigs && pl->sigs[j].name != c->signal &&
		       strcmp(pl->sigs[j].name, c->signal))
			j++;
		if (j == pl->nsigs) {
			struct {
				unsigned width;
				char path[MAX_HIER];
			} l;
			if (!bare_signal(d, c->signal, &l.width, l.path, why, sizeof(why)))
				return hil_fail(err, errlen, "%s:%d:%d: %s", s->path, c->line,
						c->col, why);
			if (l.width != c->width)
				return hil_fail(
					err, errlen,
					"%s:%d:%d: '%s' is %u bits wide in %s, but the "
					"script was bound with %u: bind it with "
					"hil_oracle_signal_width",
					s->path, c->line, c->col, c->signal, l.width, d->json,
					c->width);
			if (!(pl->sigs[j].path = strdup(l.path)))
				return hil_fail(err, errlen, "out of memory");
			pl->sigs[j].name = c->signal;
			pl->sigs[j].width = l.width;
			pl->nsigs++;
			if (l.width > pl->maxw)
				pl->maxw = l.width;
		}
		pl->sig[i] = j;
		pl->sigs[j].peeked |= c->kind == HIL_CMD_PEEK;
	}
	return 0;
}

/* ---- Verilog --------------------------------------------------------- */

/* Text inside a Verilog string, or with `format` inside one that $display
 * takes as its format. */
static void vstring(FILE *f, const char *s, int format)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '%' && format)
			fputs("%%", f);
		else if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\%03o", c);
		else
			fputc(c, f);
	}
}

static void literal(FILE *f, unsigned width, const uint8_t *v)
{
	char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
	hil_value_format(v, width, hex);
	fprintf(f, "%u'h%s", width, hex + 2);
}

/* The block that ends the run at command c: the trace so far, then the
 * message "PATH:LINE: ..." on stderr, with c's repeat iterations as `hil
 * run` names them, then exit status `status`. `args` follows the format in
 * $fdisplay; the format may use %0d and %h. */
__attribute__((format(printf, 6, 7))) static void end_run(FILE *f, const struct hil_script *s,
							  const struct hil_cmd *c, int status,
							  const char *args, const char *fmt,
							  ...)
{
	char msg[1024], it[HIL_SCRIPT_ITER_LEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(f, " begin\n            flush;\n            $fdisplay(" STDERR_FD ", \"");
	vstring(f, s->path, 1);
	fprintf(f, ":%d: %s", c->line, msg);
	vstring(f, hil_script_iteration(s, c, it), 1);
	fprintf(f,
		"\"%s);\n            $finish_and_return(%d);\n"
		"            disable main;\n        end\n",
		args, status);
}

static void write_decls(FILE *f, const struct hil_script *s, const struct hil_ports *p,
			const struct plan *pl)
{
	fprintf(f, "// Generated by `hil oracle` from ");
	vstring(f, s->path, 0);
	fprintf(f,
		" for DUT '%s' (signature %016llx):\n"
		"// the bare DUT and the script's pokes at the script's cycles, with\n"
		"// the bridge's evaluation points. stdout is the trace; vvp exits\n"
		"// as `hil run` does (1: an expect or wait failed, 2: a command\n"
		"// could not run).\n"
		"module hil_oracle_tb;\n    reg hil_clk;\n",
		p->top, (unsigned long long)p->signature);
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "    %s [%u:0] p%zu; // %s %s\n",
			p->port[i].is_input ? "reg " : "wire", p->port[i].width - 1, i,
			p->port[i].is_input ? "input" : "output", p->port[i].name);
	fprintf(f, "\n    %s ", p->top);
	/* "W=16,D=4" (checked when built) as #(.W(16), .D(4)). */
	if (p->params[0]) {
		fputs("#(.", f);
		for (const char *c = p->params; *c; c++)
			fputs(*c == '=' ? "(" : *c == ',' ? "), ." : (char[2]){*c, 0}, f);
		fputs(")) ", f);
	}
	fprintf(f, "dut (\n        ");
	if (p->clock[0])
		fprintf(f, ".%s(hil_clk),\n        ", p->clock);
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "%s.%s(p%zu)", i ? ",\n        " : "", p->port[i].name, i);
	fprintf(f,
		"\n    );\n\n"
		"    reg [63:0] now, hil_t, rb_cyc;\n"
		"    integer hil_i, hil_f, hil_r, rb_n;\n"
		"    // The reports of cycle rb_cyc, in the order of the commands\n"
		"    // that asked for them.\n"
		"    integer rb_ord [0:%zu];\n    integer rb_port [0:%zu];\n"
		"    reg [%u:0] rb_val [0:%zu];\n",
		pl->maxrep - 1, pl->maxrep - 1, pl->maxw - 1, pl->maxrep - 1);
	for (size_t i = 0; i < p->n; i++)
		if (pl->watched[i])
			fprintf(f,
				"    reg w_on%zu;\n    reg [%u:0] w_prev%zu;\n"
				"    integer w_key%zu;\n",
				i, p->port[i].width - 1, i, i);
	if (pl->nat)
		fprintf(f,
			"    // Pokes for later cycles, by cycle then script order.\n"
			"    reg [63:0] pd_at [0:%zu];\n    integer pd_port [0:%zu];\n"
			"    reg [%u:0] pd_val [0:%zu];\n    reg pd_on [0:%zu];\n"
			"    integer pd_next;\n",
			pl->nat - 1, pl->nat - 1, pl->maxw - 1, pl->nat - 1, pl->nat - 1);
}

static void write_tasks(FILE *f, const struct hil_ports *p, const struct plan *pl)
{
	fprintf(f, "\n    task flush;\n        begin\n");
	int any = 0;
	for (size_t i = 0; i < p->n; i++)
		any |= pl->reported[i];
	for (size_t k = 0; k < pl->nsigs; k++)
		any |= pl->sigs[k].peeked;
	if (any) {
		fprintf(f,
			"            for (hil_f = 0; hil_f < rb_n; hil_f = hil_f + 1)\n"
			"                case (rb_port[hil_f])\n");
		for (size_t i = 0; i < p->n; i++)
			if (pl->reported[i])
				fprintf(f,
					"                %zu: $display(\"%%0d %s 0x%%h\", "
					"rb_cyc, rb_val[hil_f][%u:0]);\n",
					i, p->port[i].name, p->port[i].width - 1);
		for (size_t k = 0; k < pl->nsigs; k++) {
			if (!pl->sigs[k].peeked)
				continue;
			fprintf(f, "                %zu: $display(\"%%0d ", p->n + k);
			vstring(f, pl->sigs[k].name, 1);
			fprintf(f, " 0x%%h\", rb_cyc, rb_val[hil_f][%u:0]);\n",
				pl->sigs[k].width - 1);
		}
		fprintf(f, "                endcase\n");
	}
	fprintf(f,
		"            rb_n = 0;\n        end\n    endtask\n\n"
		"    // Stable: a report goes after those of its command already held.\n"
		"    task report(input integer ord, input integer port, input [%u:0] val);\n"
		"        begin\n"
		"            if (rb_n != 0 && rb_cyc != now) flush;\n"
		"            rb_cyc = now;\n"
		"            hil_r = rb_n;\n"
		"            while (hil_r > 0 && rb_ord[hil_r - 1] > ord) begin\n"
		"                rb_ord[hil_r] = rb_ord[hil_r - 1];\n"
		"                rb_port[hil_r] = rb_port[hil_r - 1];\n"
		"                rb_val[hil_r] = rb_val[hil_r - 1];\n"
		"                hil_r = hil_r - 1;\n"
		"            end\n"
		"            rb_ord[hil_r] = ord;\n"
		"            rb_port[hil_r] = port;\n"
		"            rb_val[hil_r] = val;\n"
		"            rb_n = rb_n + 1;\n"
		"        end\n    endtask\n\n"
		"    // Watched ports that changed since the last evaluation point,\n"
		"    // in port order.\n"
		"    task eval_point;\n        begin\n",
		pl->maxw - 1);
	for (size_t i = 0; i < p->n; i++)
		if (pl->watched[i])
			fprintf(f,
				"            if (w_on%zu && p%zu !== w_prev%zu) begin\n"
				"                report(w_key%zu, %zu, p%zu);\n"
				"                w_prev%zu = p%zu;\n            end\n",
				i, i, i, i, i, i, i, i);
	fprintf(f, "        end\n    endtask\n\n");
	if (pl->nat) {
		fprintf(f,
			"    task poke(input integer port, input [%u:0] val);\n"
			"        case (port)\n",
			pl->maxw - 1);
		for (size_t i = 0; i < p->n; i++)
			if (pl->atpoked[i])
				fprintf(f, "        %zu: p%zu = val[%u:0];\n", i, i,
					p->port[i].width - 1);
		fprintf(f, "        endcase\n    endtask\n\n");
	}
	fprintf(f,
		"    // One rising edge; then the pokes waiting for the new cycle,\n"
		"    // and time for the DUT to settle.\n"
		"    task tick;\n        begin\n"
		"            hil_clk = 1'b1;\n"
		"            #1 hil_clk = 1'b0;\n"
		"            now = now + 1;\n");
	if (pl->nat)
		fprintf(f,
			"            while (pd_next < %zu && pd_at[pd_next] <= now) begin\n"
			"                if (pd_on[pd_next]) poke(pd_port[pd_next], pd_val[pd_next]);\n"
			"                pd_next = pd_next + 1;\n"
			"            end\n",
			pl->nat);
	fprintf(f,
		"            #1;\n        end\n    endtask\n\n"
		"    // step and run: an evaluation point at every cycle up to t.\n"
		"    task adv(input [63:0] t);\n        begin\n"
		"            eval_point;\n"
		"            while (now < t) begin\n"
		"                tick;\n"
		"                eval_point;\n"
		"            end\n        end\n    endtask\n\n");
}

static void write_poke(FILE *f, const struct hil_cmd *c, const struct hil_port *q)
{
	fprintf(f, "p%d = ", c->port);
	literal(f, q->width, c->value);
	fprintf(f, "; #1;");
}

/* A peek or expect of a signal inside the DUT, read where it is. */
static void write_signal_cmd(FILE *f, const struct hil_script *s, const struct hil_ports *p,
			     const struct plan *pl, size_t i)
{
	const struct hil_cmd *c = &s->cmds[i];
	const struct sig *g = &pl->sigs[pl->sig[i]];
	char v[3 + HIL_MAX_PORT_WIDTH / 4 + 1], args[MAX_HIER + 16];
	if (c->kind == HIL_CMD_PEEK) {
		fprintf(f, "        // %d: peek %s\n        report(%zu, %zu, %s);\n", c->line,
			g->name, i, p->n + pl->sig[i], g->path);
		return;
	}
	hil_value_format(c->value, g->width, v);
	fprintf(f, "        // %d: expect %s %s\n        if (%s !== ", c->line, g->name, v,
		g->path);
	literal(f, g->width, c->value);
	fputc(')', f);
	snprintf(args, sizeof(args), ", now, %s", g->path);
	end_run(f, s, c, 1, args, "expect %s at cycle %%0d: got 0x%%h, expected %s", g->name,
		v);
}

static void write_cmd(FILE *f, const struct hil_script *s, const struct hil_ports *p,
		      const struct plan *pl, size_t i)
{
	const struct hil_cmd *c = &s->cmds[i];
	const struct hil_port *q = c->port >= 0 ? &p->port[c->port] : NULL;
	unsigned long long cyc = (unsigned long long)c->cycle;
	char v[3 + HIL_MAX_PORT_WIDTH / 4 + 1], m[sizeof(v)], vm[sizeof(v)];
	uint8_t masked[HIL_MAX_PORT_BYTES];
	int line = c->line;

	if (c->signal) {
		write_signal_cmd(f, s, p, pl, i);
		return;
	}
	switch (c->kind) {
	case HIL_CMD_POKE:
		hil_value_format(c->value, q->width, v);
		fprintf(f, "        // %d: poke %s %s\n        ", line, q->name, v);
		write_poke(f, c, q);
		fputc('\n', f);
		break;
	case HIL_CMD_POKE_AT:
		hil_value_format(c->value, q->width, v);
		fprintf(f, "        // %d: at %llu poke %s %s\n        ", line, cyc, q->name,
			v);
		if (pl->mode[i] == AT_NOW) {
			write_poke(f, c, q);
			fputc('\n', f);
		} else if (pl->mode[i] == AT_PENDING) {
			fprintf(f, "pd_on[%zu] = 1'b1;\n", pl->slot[i]);
		} else {
			fprintf(f, "if (now > 64'd%llu)", cyc);
			end_run(f, s, c, 2, ", now",
				"poke of '%s' at cycle %llu, but "
				"the DUT is at cycle %%0d already",
				q->name, cyc);
			fprintf(f, "        else if (now == 64'd%llu) begin ", cyc);
			write_poke(f, c, q);
			fprintf(f, " end\n        else pd_on[%zu] = 1'b1;\n", pl->slot[i]);
		}
		break;
	case HIL_CMD_STEP:
		fprintf(f, "        // %d: step %llu\n", line, cyc);
		if (pl->mode[i]) {
			fprintf(f, "        if (now > 64'd%llu)", CYCLE_MAX - cyc);
			end_run(f, s, c, 2, "", "cannot step past the 48-bit counter");
		}
		fprintf(f, "        adv(now + 64'd%llu);\n", cyc);
		break;
	case HIL_CMD_RUN:
		fprintf(f, "        // %d: run %llu\n", line, cyc);
		if (pl->mode[i]) {
			fprintf(f, "        if (now > 64'd%llu)", cyc);
			end_run(f, s, c, 2, ", now",
				"run to cycle %llu, but the DUT "
				"is at cycle %%0d already",
				cyc);
		}
		fprintf(f, "        adv(64'd%llu);\n", cyc);
		break;
	case HIL_CMD_PEEK:
		fprintf(f, "        // %d: peek %s\n        report(%zu, %d, p%d);\n", line,
			q->name, i, c->port, c->port);
		break;
	case HIL_CMD_EXPECT:
		hil_value_format(c->value, q->width, v);
		fprintf(f, "        // %d: expect %s %s\n        if (p%d !== ", line, q->name,
			v, c->port);
		literal(f, q->width, c->value);
		fputc(')', f);
		char args[32];
		snprintf(args, sizeof(args), ", now, p%d", c->port);
		end_run(f, s, c, 1, args,
			"expect %s at cycle %%0d: got 0x%%h, "
			"expected %s",
			q->name, v);
		break;
	case HIL_CMD_WATCH:
		fprintf(f,
			"        // %d: watch %s\n        w_on%d = 1'b1; w_prev%d = p%d; "
			"w_key%d = %zu;\n",
			line, q->name, c->port, c->port, c->port, c->port, i);
		break;
	case HIL_CMD_UNWATCH:
		fprintf(f, "        // %d: unwatch %s\n", line, q->name);
		/* A port the script never watches has no watch state. */
		if (pl->watched[c->port])
			fprintf(f, "        w_on%d = 1'b0;\n", c->port);
		break;
	case HIL_CMD_WAIT: {
		for (unsigned b = 0; b < q->nbytes; b++)
			masked[b] = c->value[b] & c->mask[b];
		hil_value_format(c->value, q->width, v);
		hil_value_format(c->mask, q->width, m);
		hil_value_format(masked, q->width, vm);
		const char *op = c->ne ? "!=" : "==";
		char cond[64 + 2 * sizeof(v)], args[32];
		snprintf(cond, sizeof(cond), "((p%d & %u'h%s) %s %u'h%s)", c->port, q->width,
			 m + 2, op, q->width, vm + 2);
		fprintf(f, "        // %d: wait %s %s %s mask %s timeout %llu\n", line,
			q->name, op, v, m, cyc);
		if (pl->mode[i]) {
			fprintf(f, "        if (now > 64'd%llu)", CYCLE_MAX - cyc);
			end_run(f, s, c, 2, "", "timeout runs past the 48-bit counter");
		}
		fprintf(f,
			"        hil_t = now + 64'd%llu;\n"
			"        eval_point;\n"
			"        while (%s !== 1'b1 && now < hil_t) begin\n"
			"            tick;\n"
			"            eval_point;\n"
			"        end\n"
			"        if (%s !== 1'b1)",
			cyc, cond, cond);
		snprintf(args, sizeof(args), ", now, p%d", c->port);
		end_run(f, s, c, 1, args,
			"wait timed out at cycle %%0d: %s = 0x%%h "
			"(wanted %s %s)",
			q->name, op, v);
		break;
	}
	}
}

static void write_main(FILE *f, const struct hil_script *s, const struct hil_ports *p,
		       const struct plan *pl, const struct buf *init)
{
	fprintf(f, "    initial begin : main\n        hil_clk = 1'b0;\n");
	for (size_t i = 0; i < p->n; i++)
		if (p->port[i].is_input)
			fprintf(f, "        p%zu = 0;\n", i);
	fprintf(f, "        now = 0;\n        rb_n = 0;\n");
	for (size_t i = 0; i < p->n; i++)
		if (pl->watched[i])
			fprintf(f, "        w_on%zu = 1'b0;\n", i);
	if (pl->nat)
		fprintf(f, "        pd_next = 0;\n");
	for (size_t k = 0; k < pl->nat; k++) {
		const struct hil_cmd *c = &s->cmds[pl->slot_cmd[k]];
		fprintf(f,
			"        pd_at[%zu] = 64'd%llu; pd_port[%zu] = %d; pd_val[%zu] = ", k,
			(unsigned long long)c->cycle, k, c->port, k);
		literal(f, p->port[c->port].width, c->value);
		fprintf(f, "; pd_on[%zu] = 1'b0;\n", k);
	}
	fprintf(f,
		"        // Power-on: flip-flops and memories without an initial\n"
		"        // value start at 0, as on the iCE40 and in the model.\n");
	if (init->n)
		fwrite(init->s, 1, init->n, f);
	fprintf(f, "        #1;\n\n");
	for (size_t i = 0; i < s->ncmds; i++)
		write_cmd(f, s, p, pl, i);
	fprintf(f, "        flush;\n        $finish;\n    end\nendmodule\n");
}

int hil_oracle_write(FILE *out, const struct hil_script *s, const struct hil_ports *p,
		     const char *bare_json, char *err, size_t errlen)
{
	struct walk w = {.json = bare_json, .err = err, .errlen = errlen};
	struct plan pl;
	struct hil_oracle_dut *d = hil_oracle_dut_open(bare_json, p->top, err, errlen);
	if (!d)
		return -1;
	w.modules = d->modules;
	int rc = walk_module(&w, p->top, "dut", 0);
	if (rc == 0 && (rc = make_plan(&pl, s, p, err, errlen)) == 0 &&
	    (rc = plan_signals(&pl, s, d, err, errlen)) < 0)
		plan_free(&pl);
	hil_oracle_dut_close(d);
	if (rc == 0) {
		write_decls(out, s, p, &pl);
		write_tasks(out, p, &pl);
		write_main(out, s, p, &pl, &w.init);
		plan_free(&pl);
		if (fflush(out) != 0 || ferror(out))
			rc = hil_fail(err, errlen, "writing the testbench: %s",
				      strerror(errno));
	}
	free(w.init.s);
	return rc;
}
