/* The stimulus script parser (hil/script.h, docs/scripts.md).
 *
 * Everything that can be known before the DUT runs is checked here, with the
 * line and column of the word at fault: command syntax, ports, directions,
 * number syntax, value widths, and cycles that are certainly in the past.
 * The parser follows the script's cycle as far as it is static: a wait makes
 * `now` depend on the DUT, so from there on only a lower bound is known and
 * the runtime (libhil, the oracle) checks the rest.
 *
 * A repeat block is expanded at its `end`: its commands are copied once per
 * further iteration, and each copy is followed through the cycle checks
 * again, so a poke that the third iteration would make in the past is an
 * error at parse time like any other. */
#include "hil/script.h"
#include "hil/readfile.h"
#include "util/errfmt.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE   4096
#define MAX_SCRIPT (64u << 20)
/* The longest command, wait PORT == VALUE mask MASK timeout N, has 8 words;
 * one more slot holds the first word too many. */
#define MAX_WORDS  9
#define CYCLE_BITS 48
#define CYCLE_MAX  ((1ull << CYCLE_BITS) - 1)
#define NUM_BYTES  HIL_MAX_PORT_BYTES
#define SHOW_MAX   48
#define POOL_CHUNK (64u << 10)

struct word {
	const char *s;
	size_t col;
};

/* A repeat block whose `end` has not come yet. */
struct block {
	int line;
	size_t kwcol, ncol; /* of `repeat` and of N */
	uint32_t count;     /* N */
	size_t first, rep0; /* ncmds and nreps at its start */
};

struct parser {
	const char *path;
	int line;
	const struct hil_ports *ports;
	char *err;
	size_t errlen;
	struct hil_script *s;
	size_t cap, rcap; /* of s->cmds and s->reps */
	const struct word *w;
	int nw, next;                  /* words of the line, the next one to take */
	const char *usage;             /* of the command being parsed */
	uint64_t lo;                   /* `now` is at least this ... */
	int exact;                     /* ... and exactly this unless a wait came before */
	const struct hil_cmd *last_at; /* the poke scheduled latest, if any */
	struct block open[HIL_SCRIPT_MAX_NEST];
	int depth;
};

/* The values live in chunks the script frees at once, so that the copies a
 * repeat makes share them. */
struct hil_script_pool {
	struct hil_script_pool *next;
	size_t used;
	uint8_t data[POOL_CHUNK];
};

static uint8_t *pool_alloc(struct hil_script *s, size_t n)
{
	if (!s->pool || s->pool->used + n > POOL_CHUNK) {
		struct hil_script_pool *c = malloc(sizeof(*c));
		if (!c)
			return NULL;
		c->next = s->pool;
		c->used = 0;
		s->pool = c;
	}
	s->pool->used += n;
	return s->pool->data + s->pool->used - n;
}

/* A word of the script as messages show it: bounded, and with control
 * characters replaced, so that no input can garble the message. */
static const char *shown(const char *s, char *buf, size_t cap)
{
	size_t n = 0, len = strlen(s);
	for (; n < SHOW_MAX && n < cap - 4 && s[n]; n++)
		buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	buf[n] = '\0';
	if (n < len)
		memcpy(buf + n, "...", 4);
	return buf;
}

static int verr(struct parser *p, int line, size_t col, const char *end, const char *fmt,
		va_list ap)
{
	char msg[768];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return hil_fail(p->err, p->errlen, "%s:%d:%zu: %s%s", p->path, line, col, msg, end);
}

__attribute__((format(printf, 3, 4))) static int perr(struct parser *p, size_t col,
						      const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = verr(p, p->line, col, "", fmt, ap);
	va_end(ap);
	return rc;
}

__attribute__((format(printf, 4, 5))) static int perr_line(struct parser *p, int line,
							   size_t col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = verr(p, line, col, "", fmt, ap);
	va_end(ap);
	return rc;
}

/* The iterations, outermost first: `nopen` blocks in their first one (as
 * the parser meets them), then the chain from `rep` outwards. */
static void iterations(const struct hil_repeat *reps, uint32_t rep, const struct block *open,
		       int nopen, char *out)
{
	uint32_t it[HIL_SCRIPT_MAX_NEST], count[HIL_SCRIPT_MAX_NEST];
	int n = 0, base;
	for (int i = 0; i < nopen; i++)
		if (open[i].count > 1) {
			it[n] = 1;
			count[n++] = open[i].count;
		}
	base = n;
	for (; rep && n < HIL_SCRIPT_MAX_NEST; rep = reps[rep - 1].parent) {
		it[n] = reps[rep - 1].iter;
		count[n++] = reps[rep - 1].count;
	}
	for (int i = base, j = n - 1; i < j; i++, j--) {
		uint32_t t = it[i], u = count[i];
		it[i] = it[j];
		count[i] = count[j];
		it[j] = t;
		count[j] = u;
	}
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		o += (size_t)snprintf(out + o, HIL_SCRIPT_ITER_LEN - o, "%s%u of %u%s",
				      i               ? ", "
					      : n > 1 ? " (repeat iterations "
						      : " (repeat iteration ",
				      it[i], count[i], i == n - 1 ? ")" : "");
}

const char *hil_script_iteration(const struct hil_script *s, const struct hil_cmd *c,
				 char *out)
{
	iterations(s->reps, c->rep, NULL, 0, out);
	return out;
}

/* An error about command c that depends on where the script is, so on the
 * iteration too. */
__attribute__((format(printf, 4, 5))) static int cmd_err(struct parser *p,
							 const struct hil_cmd *c, size_t col,
							 const char *fmt, ...)
{
	char it[HIL_SCRIPT_ITER_LEN];
	va_list ap;
	iterations(p->s->reps, c->rep, p->open, p->depth, it);
	va_start(ap, fmt);
	int rc = verr(p, c->line, col, it, fmt, ap);
	va_end(ap);
	return rc;
}

enum {
	NUM_OK,
	NUM_MALFORMED,
	NUM_HUGE
};

/* Parses a number word into NUM_BYTES little-endian bytes. NUM_HUGE means
 * well formed but wider than NUM_BYTES; NUM_MALFORMED puts the reason in
 * `why`. Malformed wins over huge, so the message names the real mistake. */
static int parse_num(const char *s, uint8_t *v, char *why, size_t whylen)
{
	static const char *const names[] = {[2] = "binary", [10] = "decimal", [16] = "hex"};
	unsigned base = 10;
	int huge = 0, ndig = 0, prev_us = 0;
	memset(v, 0, NUM_BYTES);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'b')) {
		base = s[1] == 'x' ? 16 : 2;
		s += 2;
	}
	for (; *s; s++) {
		char c = *s;
		if (c == '_') {
			if (!ndig || prev_us || !s[1]) {
				hil_fail(why, whylen, "'_' may only stand between two digits");
				return NUM_MALFORMED;
			}
			prev_us = 1;
			continue;
		}
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			: c >= 'a' && c <= 'f'    ? (unsigned)(c - 'a' + 10)
			: c >= 'A' && c <= 'F'    ? (unsigned)(c - 'A' + 10)
						  : 99u;
		if (d >= base) {
			char b[16];
			if (c > 0x20 && c < 0x7f)
				snprintf(b, sizeof(b), "'%c'", c);
			else
				snprintf(b, sizeof(b), "byte 0x%02x", (unsigned char)c);
			hil_fail(why, whylen, "%s is not a %s digit%s", b, names[base],
				 c == '-' ? " (values are unsigned)"
					 : base == 10 && (c == 'X' || c == 'B' || d < 16)
					 ? " (hex is written 0x..., binary 0b...)"
					 : "");
			return NUM_MALFORMED;
		}
		ndig++;
		prev_us = 0;
		unsigned carry = d;
		for (size_t i = 0; i < NUM_BYTES && !huge; i++) {
			unsigned x = v[i] * base + carry;
			v[i] = (uint8_t)x;
			carry = x >> 8;
		}
		huge |= carry != 0;
	}
	if (!ndig) {
		hil_fail(why, whylen, base == 10 ? "no digits" : "no digits after the prefix");
		return NUM_MALFORMED;
	}
	return huge ? NUM_HUGE : NUM_OK;
}

static unsigned bit_length(const uint8_t *v, size_t n)
{
	for (size_t i = n; i-- > 0;)
		for (int b = 7; b >= 0; b--)
			if (v[i] >> b & 1)
				return (unsigned)(8 * i + (size_t)b + 1);
	return 0;
}

int hil_value_parse(const char *text, unsigned width, uint8_t *out, size_t nbytes, char *err,
		    size_t errlen)
{
	uint8_t v[NUM_BYTES];
	char why[128], sh[SHOW_MAX + 4];
	if (width == 0 || width > HIL_MAX_PORT_WIDTH)
		return hil_fail(err, errlen, "width %u is not 1 to %d bits", width,
				HIL_MAX_PORT_WIDTH);
	if (nbytes < (width + 7) / 8)
		return hil_fail(err, errlen, "%zu bytes cannot hold %u bits", nbytes, width);
	int rc = parse_num(text, v, why, sizeof(why));
	shown(text, sh, sizeof(sh));
	if (rc == NUM_MALFORMED)
		return hil_fail(err, errlen, "malformed number '%s': %s", sh, why);
	if (rc == NUM_HUGE)
		return hil_fail(err, errlen,
				"value %s is more than %d bits wide, at most %u fit", sh,
				8 * NUM_BYTES, width);
	unsigned bits = bit_length(v, sizeof(v));
	if (bits > width)
		return hil_fail(err, errlen, "value %s is %u bits wide, at most %u fit", sh,
				bits, width);
	memset(out, 0, nbytes);
	memcpy(out, v, (width + 7) / 8);
	return 0;
}

void hil_value_format(const uint8_t *val, unsigned width, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned nd = (width + 3) / 4;
	*out++ = '0';
	*out++ = 'x';
	for (unsigned d = nd; d-- > 0;) {
		unsigned nib = (val[d / 2] >> (4 * (d % 2))) & 0xF;
		/* Bits above the width are not part of the value. */
		if (d == nd - 1 && width % 4)
			nib &= (1u << (width % 4)) - 1;
		*out++ = hex[nib];
	}
	*out = '\0';
}

/* The next word of the command, or an error naming what is missing at the
 * column where it should start. */
static const struct word *arg(struct parser *p, const char *what)
{
	if (p->next < p->nw)
		return &p->w[p->next++];
	const struct word *last = &p->w[p->nw - 1];
	perr(p, last->col + strlen(last->s), "missing %s: the command is '%s'", what,
	     p->usage);
	return NULL;
}

/* The port names for a message, as far as 400 bytes go. */
static void port_list(const struct hil_ports *ports, char *list, size_t cap)
{
	size_t o = 0;
	list[0] = '\0';
	for (size_t k = 0; k < ports->n; k++) {
		const char *name = ports->port[k].name;
		if (o + strlen(name) + 8 > cap) {
			snprintf(list + o, cap - o, ", ...");
			break;
		}
		o += (size_t)snprintf(list + o, cap - o, "%s%s", k ? ", " : "", name);
	}
}

/* Could w be the path of a signal inside the DUT ("u_core.pc", "g[0].r",
 * "ram[3]")? Then hil_script_bind asks the target about it. */
static int signal_word(const char *w)
{
	size_t n = strlen(w);
	int letter = w[0] == '_' || ((w[0] | 0x20) >= 'a' && (w[0] | 0x20) <= 'z');
	if (!n || n > HIL_MAX_SIGNAL_NAME || !letter)
		return 0;
	return strspn(w,
		      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$.[]") ==
		n;
}

/* A port, by the next word; `inside`: else a signal inside the DUT, which
 * peek and expect can read (*signal set, -1 returned). */
static int want_name(struct parser *p, int input_only, int inside, const char **signal)
{
	char sh[SHOW_MAX + 4], list[400];
	const struct word *w = arg(p, "PORT");
	if (!w)
		return -1;
	int i = hil_ports_find(p->ports, w->s);
	if (i >= 0 && input_only && !p->ports->port[i].is_input)
		return perr(p, w->col, "poke to output '%s': only inputs can be poked", w->s);
	if (i >= 0)
		return i;
	port_list(p->ports, list, sizeof(list));
	if (p->ports->clock[0] && !strcmp(w->s, p->ports->clock))
		return perr(p, w->col,
			    "'%s' is the clock, which hil drives; it is "
			    "not a port (ports: %s)",
			    w->s, list);
	if (inside && signal_word(w->s)) {
		size_t n = strlen(w->s) + 1;
		char *copy = (char *)pool_alloc(p->s, n);
		if (!copy)
			return perr(p, w->col, "out of memory");
		memcpy(copy, w->s, n);
		*signal = copy;
		return -1;
	}
	return perr(p, w->col, "unknown port '%s' (ports: %s)%s", shown(w->s, sh, sizeof(sh)),
		    list,
		    strchr(w->s, '.') && !input_only
			    ? "; signals inside the DUT can be peeked and expected, not "
			      "watched or waited on"
			    : "");
}

static int want_port(struct parser *p, int input_only)
{
	return want_name(p, input_only, 0, NULL);
}

/* VALUE or MASK (`what`, called `label` in messages) for `port`, checked
 * against its width. */
static int want_value(struct parser *p, int port, const char *what, const char *label,
		      uint8_t **out)
{
	const struct hil_port *q = &p->ports->port[port];
	uint8_t v[NUM_BYTES];
	char why[128], sh[SHOW_MAX + 4];
	const struct word *w = arg(p, what);
	if (!w)
		return -1;
	int rc = parse_num(w->s, v, why, sizeof(why));
	shown(w->s, sh, sizeof(sh));
	if (rc == NUM_MALFORMED)
		return perr(p, w->col, "malformed number '%s': %s", sh, why);
	unsigned bits = bit_length(v, sizeof(v));
	if (rc == NUM_HUGE)
		return perr(p, w->col,
			    "%s %s is more than %d bits wide, port '%s' "
			    "has %u",
			    label, sh, 8 * NUM_BYTES, q->name, q->width);
	if (bits > q->width)
		return perr(p, w->col, "%s %s is %u bits wide, port '%s' has %u", label, sh,
			    bits, q->name, q->width);
	if (!(*out = pool_alloc(p->s, q->nbytes)))
		return perr(p, w->col, "out of memory");
	memcpy(*out, v, q->nbytes);
	return 0;
}

/* An expect's VALUE for a signal inside the DUT, whose width the parser
 * does not know: kept at full size until hil_script_bind checks it. */
static int want_signal_value(struct parser *p, struct hil_cmd *c)
{
	uint8_t v[NUM_BYTES];
	char why[128], sh[SHOW_MAX + 4];
	const struct word *w = arg(p, "VALUE");
	if (!w)
		return -1;
	int rc = parse_num(w->s, v, why, sizeof(why));
	shown(w->s, sh, sizeof(sh));
	if (rc == NUM_MALFORMED)
		return perr(p, w->col, "malformed number '%s': %s", sh, why);
	if (rc == NUM_HUGE)
		return perr(p, w->col,
			    "value %s is more than %d bits wide, more than hil reads", sh,
			    8 * NUM_BYTES);
	if (!(c->value = pool_alloc(p->s, NUM_BYTES)))
		return perr(p, w->col, "out of memory");
	memcpy(c->value, v, NUM_BYTES);
	c->vcol = (int)w->col;
	return 0;
}

static int want_cycle(struct parser *p, const char *what, uint64_t *out, size_t *col)
{
	uint8_t v[NUM_BYTES];
	char why[128], sh[SHOW_MAX + 4];
	const struct word *w = arg(p, what);
	if (!w)
		return -1;
	*col = w->col;
	int rc = parse_num(w->s, v, why, sizeof(why));
	shown(w->s, sh, sizeof(sh));
	if (rc == NUM_MALFORMED)
		return perr(p, w->col, "malformed number '%s': %s", sh, why);
	if (rc == NUM_HUGE || bit_length(v, sizeof(v)) > CYCLE_BITS)
		return perr(p, w->col,
			    "%s %s is beyond the %d-bit cycle counter "
			    "(at most %llu)",
			    what, sh, CYCLE_BITS, (unsigned long long)CYCLE_MAX);
	*out = 0;
	for (int i = CYCLE_BITS / 8; i-- > 0;)
		*out = *out << 8 | v[i];
	return 0;
}

static int want_kw(struct parser *p, const char *kw, const char *what)
{
	const struct word *w = arg(p, what);
	char sh[SHOW_MAX + 4];
	if (!w)
		return -1;
	if (strcmp(w->s, kw))
		return perr(p, w->col, "expected '%s', found '%s': the command is '%s'", kw,
			    shown(w->s, sh, sizeof(sh)), p->usage);
	return 0;
}

static const char *where(const struct parser *p)
{
	return p->exact ? " already" : " at the earliest (a wait came before)";
}

/* c->cycle more cycles from the script's earliest `now` must stay on the
 * counter. */
static int check_room(struct parser *p, const struct hil_cmd *c, const char *what)
{
	if (c->cycle > CYCLE_MAX - p->lo)
		return cmd_err(p, c, (size_t)c->col,
			       "%s %llu runs past the end of the %d-bit cycle "
			       "counter: the script is at cycle %llu%s",
			       what, (unsigned long long)c->cycle, CYCLE_BITS,
			       (unsigned long long)p->lo, where(p));
	return 0;
}

/* Follows the script's cycle over c, as far as it is static, and refuses
 * what surely cannot run: once as c is parsed, and once for each copy a
 * repeat makes. */
static int track(struct parser *p, struct hil_cmd *c)
{
	switch (c->kind) {
	case HIL_CMD_POKE:
		/* `now` as far as the parser knows it: exact unless after a wait. */
		c->cycle = p->lo;
		break;
	case HIL_CMD_POKE_AT:
		if (c->cycle < p->lo)
			return cmd_err(p, c, (size_t)c->col,
				       "at %llu is before cycle %llu, where the "
				       "script is%s: a poke cannot go back in time",
				       (unsigned long long)c->cycle, (unsigned long long)p->lo,
				       where(p));
		break;
	case HIL_CMD_STEP:
		if (check_room(p, c, "step") < 0)
			return -1;
		p->lo += c->cycle;
		break;
	case HIL_CMD_RUN:
		if (c->cycle < p->lo)
			return cmd_err(p, c, (size_t)c->col,
				       "run %llu would go back in time: the "
				       "script is at cycle %llu%s; step N runs N cycles",
				       (unsigned long long)c->cycle, (unsigned long long)p->lo,
				       where(p));
		p->lo = c->cycle;
		p->exact = 1;
		break;
	case HIL_CMD_WAIT:
		if (check_room(p, c, "timeout") < 0)
			return -1;
		p->exact = 0;
		break;
	case HIL_CMD_PEEK:
	case HIL_CMD_EXPECT:
	case HIL_CMD_WATCH:
	case HIL_CMD_UNWATCH:
		break;
	}
	return 0;
}

static int parse_wait(struct parser *p, struct hil_cmd *c)
{
	char sh[SHOW_MAX + 4];
	size_t col;
	if ((c->port = want_port(p, 0)) < 0)
		return -1;
	const struct hil_port *q = &p->ports->port[c->port];
	const struct word *op = arg(p, "'==' or '!='");
	if (!op)
		return -1;
	if (strcmp(op->s, "==") && strcmp(op->s, "!="))
		return perr(p, op->col,
			    "expected '==' or '!=', found '%s': the "
			    "command is '%s'",
			    shown(op->s, sh, sizeof(sh)), p->usage);
	c->ne = op->s[0] == '!';
	if (want_value(p, c->port, "VALUE", "value", &c->value) < 0)
		return -1;
	if (p->next < p->nw && !strcmp(p->w[p->next].s, "mask")) {
		p->next++;
		if (want_value(p, c->port, "MASK", "mask", &c->mask) < 0)
			return -1;
	} else {
		if (!(c->mask = pool_alloc(p->s, q->nbytes)))
			return perr(p, op->col, "out of memory");
		memset(c->mask, 0xFF, q->nbytes);
		if (q->width % 8)
			c->mask[q->nbytes - 1] = (uint8_t)((1u << (q->width % 8)) - 1);
	}
	if (want_kw(p, "timeout", "'timeout N'") < 0 ||
	    want_cycle(p, "timeout", &c->cycle, &col) < 0)
		return -1;
	c->col = (int)col;
	return track(p, c);
}

static const struct {
	const char *name;
	enum hil_cmd_kind kind;
	const char *usage;
} syntax[] = {
	{"poke", HIL_CMD_POKE, "poke PORT VALUE"},
	{"at", HIL_CMD_POKE_AT, "at CYCLE poke PORT VALUE"},
	{"step", HIL_CMD_STEP, "step N"},
	{"run", HIL_CMD_RUN, "run CYCLE"},
	{"peek", HIL_CMD_PEEK, "peek PORT"},
	{"expect", HIL_CMD_EXPECT, "expect PORT VALUE"},
	{"watch", HIL_CMD_WATCH, "watch PORT"},
	{"unwatch", HIL_CMD_UNWATCH, "unwatch PORT"},
	{"wait", HIL_CMD_WAIT, "wait PORT ==|!= VALUE [mask MASK] timeout N"},
};
#define NSYNTAX (sizeof(syntax) / sizeof(syntax[0]))
static const char *const block_words[] = {"repeat", "end"};
#define NWORDS (NSYNTAX + sizeof(block_words) / sizeof(block_words[0]))

static int unknown_command(struct parser *p, const struct word *w)
{
	char sh[SHOW_MAX + 4], low[16];
	size_t n = strlen(w->s);
	for (size_t i = 0; i < n && n < sizeof(low); i++)
		low[i] = w->s[i] >= 'A' && w->s[i] <= 'Z' ? (char)(w->s[i] + 32) : w->s[i];
	if (n < sizeof(low)) {
		low[n] = '\0';
		for (size_t k = 0; k < NWORDS; k++)
			if (!strcmp(low,
				    k < NSYNTAX ? syntax[k].name : block_words[k - NSYNTAX]))
				return perr(p, w->col,
					    "unknown command '%s' (keywords are "
					    "lower case: '%s')",
					    w->s, low);
	}
	return perr(p, w->col,
		    "unknown command '%s' (commands: poke, at, step, "
		    "run, peek, expect, watch, unwatch, wait, repeat, end)",
		    shown(w->s, sh, sizeof(sh)));
}

/* The line has no word after the command's. */
static int line_done(struct parser *p)
{
	char sh[SHOW_MAX + 4];
	if (p->next < p->nw)
		return perr(p, p->w[p->next].col,
			    "unexpected '%s' after '%s' (one "
			    "command a line; '#' starts a comment)",
			    shown(p->w[p->next].s, sh, sizeof(sh)), p->usage);
	return 0;
}

/* Parses the words of one line into c. */
static int parse_cmd(struct parser *p, struct hil_cmd *c)
{
	size_t k = 0, col;
	while (k < NSYNTAX && strcmp(p->w[0].s, syntax[k].name))
		k++;
	if (k == NSYNTAX)
		return unknown_command(p, &p->w[0]);
	c->kind = syntax[k].kind;
	p->usage = syntax[k].usage;
	p->next = 1;
	int rc = 0;
	switch (c->kind) {
	case HIL_CMD_POKE:
		rc = (c->port = want_port(p, 1)) < 0 ||
			want_value(p, c->port, "VALUE", "value", &c->value) < 0 ||
			track(p, c) < 0;
		break;
	case HIL_CMD_POKE_AT:
		if (want_cycle(p, "cycle", &c->cycle, &col) < 0)
			return -1;
		c->col = (int)col;
		rc = track(p, c) < 0 || want_kw(p, "poke", "'poke'") < 0 ||
			(c->port = want_port(p, 1)) < 0 ||
			want_value(p, c->port, "VALUE", "value", &c->value) < 0;
		break;
	case HIL_CMD_STEP:
	case HIL_CMD_RUN:
		if (want_cycle(p, c->kind == HIL_CMD_STEP ? "step" : "cycle", &c->cycle,
			       &col) < 0)
			return -1;
		c->col = (int)col;
		rc = track(p, c) < 0;
		break;
	case HIL_CMD_WATCH:
	case HIL_CMD_UNWATCH:
		rc = (c->port = want_port(p, 0)) < 0;
		break;
	case HIL_CMD_PEEK:
	case HIL_CMD_EXPECT:
		c->col = (int)p->w[p->next < p->nw ? p->next : 0].col;
		c->port = want_name(p, 0, 1, &c->signal);
		if (c->port < 0 && !c->signal)
			return -1;
		if (c->kind == HIL_CMD_EXPECT)
			rc = c->signal
				? want_signal_value(p, c) < 0
				: want_value(p, c->port, "VALUE", "value", &c->value) < 0;
		break;
	case HIL_CMD_WAIT:
		rc = parse_wait(p, c) < 0;
		break;
	}
	if (rc)
		return -1;
	return line_done(p);
}

/* Room for n commands. */
static int grow(struct parser *p, size_t n)
{
	if (n <= p->cap)
		return 0;
	size_t nc = p->cap ? 2 * p->cap : 64;
	if (nc < n)
		nc = n;
	struct hil_cmd *c = realloc(p->s->cmds, nc * sizeof(*c));
	if (!c)
		return perr(p, 1, "out of memory");
	p->s->cmds = c;
	p->cap = nc;
	return 0;
}

/* repeat N: a block starts. */
static int open_block(struct parser *p)
{
	uint8_t v[NUM_BYTES];
	char why[128], sh[SHOW_MAX + 4];
	p->usage = "repeat N";
	p->next = 1;
	const struct word *w = arg(p, "N");
	if (!w)
		return -1;
	int rc = parse_num(w->s, v, why, sizeof(why));
	shown(w->s, sh, sizeof(sh));
	if (rc == NUM_MALFORMED)
		return perr(p, w->col, "malformed number '%s': %s", sh, why);
	uint32_t n = (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16;
	if (rc == NUM_HUGE || bit_length(v, sizeof(v)) > 20 || n > HIL_SCRIPT_MAX_CMDS)
		return perr(p, w->col,
			    "repeat %s is more than %d, the most commands a script may "
			    "expand to",
			    sh, HIL_SCRIPT_MAX_CMDS);
	if (n == 0)
		return perr(p, w->col,
			    "repeat 0 would never run the block: N is at least 1 "
			    "('#' comments a block out)");
	if (line_done(p) < 0)
		return -1;
	if (p->depth == HIL_SCRIPT_MAX_NEST)
		return perr(p, p->w[0].col, "repeat blocks nest more than %d deep",
			    HIL_SCRIPT_MAX_NEST);
	p->open[p->depth++] =
		(struct block){p->line, p->w[0].col, w->col, n, p->s->ncmds, p->s->nreps};
	return 0;
}

/* The iteration a copy of a command or iteration in the body belongs to:
 * iteration `first` of the block becomes `to`, and the body's own
 * iterations (rep0 + 1 on) their copies, which follow `to`. */
static uint32_t remap(uint32_t rep, uint32_t first, uint32_t to, size_t rep0)
{
	return rep == first ? to : to + (uint32_t)(rep - rep0);
}

/* end: the innermost open block is expanded. A block with N >= 2 gets
 * one iteration per pass, and the iterations made inside its body are
 * copied with each pass; as a block that makes iterations has at least two
 * commands or two iterations under each of its own, there are fewer
 * iterations than twice the commands. */
static int close_block(struct parser *p)
{
	struct hil_script *s = p->s;
	p->usage = "end";
	p->next = 1;
	if (line_done(p) < 0)
		return -1;
	if (!p->depth)
		return perr(p, p->w[0].col, "'end' without 'repeat'");
	const struct block b = p->open[--p->depth];
	size_t len = s->ncmds - b.first, nbody = s->nreps - b.rep0;
	if (b.count < 2 || !len)
		return 0;
	uint64_t total = s->ncmds + (uint64_t)(b.count - 1) * len;
	if (total > HIL_SCRIPT_MAX_CMDS)
		return perr_line(p, b.line, b.ncol,
				 "repeat %u makes the script %llu commands long, more than "
				 "the %d it may expand to: repeat fewer times, or let one "
				 "command do more (step N runs N cycles)",
				 b.count, (unsigned long long)total, HIL_SCRIPT_MAX_CMDS);
	size_t nreps = s->nreps + 1 + (size_t)(b.count - 1) * (1 + nbody);
	if (nreps > p->rcap) {
		size_t nc = 2 * p->rcap > nreps ? 2 * p->rcap : nreps;
		struct hil_repeat *r = realloc(s->reps, nc * sizeof(*r));
		if (!r)
			return perr(p, 1, "out of memory");
		s->reps = r;
		p->rcap = nc;
	}
	if (grow(p, (size_t)total) < 0)
		return -1;
	uint32_t first = (uint32_t)++s->nreps;
	s->reps[first - 1] = (struct hil_repeat){0, 1, b.count};
	for (size_t i = b.first; i < s->ncmds; i++)
		if (!s->cmds[i].rep)
			s->cmds[i].rep = first;
	for (size_t i = b.rep0; i < b.rep0 + nbody; i++)
		if (!s->reps[i].parent)
			s->reps[i].parent = first;
	for (uint32_t k = 2; k <= b.count; k++) {
		uint32_t to = (uint32_t)++s->nreps;
		s->reps[to - 1] = (struct hil_repeat){0, k, b.count};
		for (size_t i = b.rep0; i < b.rep0 + nbody; i++) {
			struct hil_repeat *x = &s->reps[s->nreps++];
			*x = s->reps[i];
			x->parent = remap(x->parent, first, to, b.rep0);
		}
		for (size_t i = b.first; i < b.first + len; i++) {
			struct hil_cmd *c = &s->cmds[s->ncmds];
			*c = s->cmds[i];
			c->rep = remap(c->rep, first, to, b.rep0);
			if (track(p, c) < 0)
				return -1;
			s->ncmds++;
		}
	}
	return 0;
}

/* Splits a line in place into words; a '#' ends the line. A '\r' counts as
 * a space, so scripts saved with CRLF line ends parse. */
static int split(char *buf, struct word *w)
{
	int n = 0;
	char *q = buf;
	while (*q && *q != '#' && n < MAX_WORDS) {
		if (*q == ' ' || *q == '\t' || *q == '\r') {
			q++;
			continue;
		}
		w[n].s = q;
		w[n].col = (size_t)(q - buf) + 1;
		n++;
		while (*q && *q != ' ' && *q != '\t' && *q != '\r' && *q != '#')
			q++;
		if (*q == '#')
			*q = '\0';
		else if (*q)
			*q++ = '\0';
	}
	return n;
}

int hil_script_parse(struct hil_script *s, const char *path, const char *text,
		     const struct hil_ports *ports, char *err, size_t errlen)
{
	struct parser p = {
		.path = path, .ports = ports, .err = err, .errlen = errlen, .s = s, .exact = 1};
	memset(s, 0, sizeof(*s));
	if (!(s->path = strdup(path)))
		return hil_fail(err, errlen, "%s: out of memory", path);
	for (const char *t = text; *t;) {
		char buf[MAX_LINE + 1];
		struct word w[MAX_WORDS];
		const char *nl = strchr(t, '\n');
		size_t len = nl ? (size_t)(nl - t) : strlen(t);
		if (p.line == INT_MAX) {
			perr(&p, 1, "more than %d lines", INT_MAX);
			goto fail;
		}
		p.line++;
		if (len > MAX_LINE) {
			perr(&p, MAX_LINE + 1, "line longer than %d characters", MAX_LINE);
			goto fail;
		}
		memcpy(buf, t, len);
		buf[len] = '\0';
		t += len + (nl ? 1 : 0);
		if ((p.nw = split(buf, w)) == 0)
			continue;
		p.w = w;
		if (!strcmp(w[0].s, "repeat") || !strcmp(w[0].s, "end")) {
			if ((w[0].s[0] == 'r' ? open_block(&p) : close_block(&p)) < 0)
				goto fail;
			continue;
		}
		if (grow(&p, s->ncmds + 1) < 0)
			goto fail;
		struct hil_cmd *c = &s->cmds[s->ncmds];
		memset(c, 0, sizeof(*c));
		c->line = p.line;
		c->port = -1;
		if (parse_cmd(&p, c) < 0)
			goto fail;
		s->ncmds++;
	}
	if (p.depth) {
		const struct block *b = &p.open[p.depth - 1];
		perr_line(&p, b->line, b->kwcol,
			  "'repeat' without 'end': a block ends with a line 'end'");
		goto fail;
	}
	for (size_t i = 0; i < s->ncmds; i++)
		s->nsignals += s->cmds[i].signal != NULL;
	/* A scheduled poke the script never runs up to would never be made. */
	for (size_t i = 0; i < s->ncmds; i++)
		if (s->cmds[i].kind == HIL_CMD_POKE_AT &&
		    (!p.last_at || s->cmds[i].cycle > p.last_at->cycle))
			p.last_at = &s->cmds[i];
	if (p.last_at && p.exact && p.last_at->cycle > p.lo) {
		cmd_err(&p, p.last_at, (size_t)p.last_at->col,
			"at %llu is never reached: the script "
			"ends at cycle %llu; run or step up to it",
			(unsigned long long)p.last_at->cycle, (unsigned long long)p.lo);
		goto fail;
	}
	return 0;
fail:
	hil_script_free(s);
	return -1;
}

int hil_script_load(struct hil_script *s, const char *path, const struct hil_ports *ports,
		    char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	char *text;
	size_t len;
	int rc = hil_read_file(path, MAX_SCRIPT, &text, &len, err, errlen);
	if (rc == -2)
		hil_fail(err, errlen, "%s: larger than %u MiB, too large for a script", path,
			 MAX_SCRIPT >> 20);
	if (rc < 0)
		return -1;
	rc = -1;
	const char *nul = memchr(text, '\0', len);
	if (nul) {
		int line = 1;
		const char *bol = text;
		for (const char *q = text; q < nul; q++)
			if (*q == '\n') {
				line++;
				bol = q + 1;
			}
		hil_fail(err, errlen, "%s:%d:%zu: NUL byte: a script is text", path, line,
			 (size_t)(nul - bol) + 1);
		goto out;
	}
	rc = hil_script_parse(s, path, text, ports, err, errlen);
out:
	free(text);
	return rc;
}

/* A script names few signals; past this many, the lookups would cost more
 * than the script is worth. */
#define MAX_SIGNALS 4096

int hil_script_bind(struct hil_script *s, const struct hil_ports *ports,
		    hil_signal_width_fn width_of, void *user, char *err, size_t errlen)
{
	struct known {
		const char *name;
		unsigned width;
	} *k = NULL;
	size_t nk = 0;
	char why[768], list[400], it[HIL_SCRIPT_ITER_LEN];
	int rc = 0;
	for (size_t i = 0; i < s->ncmds && !rc; i++) {
		struct hil_cmd *c = &s->cmds[i];
		if (!c->signal)
			continue;
		size_t j = 0;
		while (j < nk && k[j].name != c->signal && strcmp(k[j].name, c->signal))
			j++;
		if (j == nk) {
			if (!k && !(k = malloc(MAX_SIGNALS * sizeof(*k)))) {
				rc = hil_fail(err, errlen, "%s: out of memory", s->path);
				break;
			}
			if (nk == MAX_SIGNALS) {
				rc = hil_fail(
					err, errlen,
					"%s:%d:%d: more than %d signals inside the DUT in "
					"one script",
					s->path, c->line, c->col, MAX_SIGNALS);
				break;
			}
			k[nk].name = c->signal;
			if (!width_of(user, c->signal, &k[nk].width, why, sizeof(why))) {
				/* A plain name may be a port misspelt. */
				port_list(ports, list, sizeof(list));
				if (strpbrk(c->signal, ".["))
					rc = hil_fail(err, errlen, "%s:%d:%d: %s", s->path,
						      c->line, c->col, why);
				else
					rc = hil_fail(
						err, errlen,
						"%s:%d:%d: '%s' is no port of %s (ports: "
						"%s); %s",
						s->path, c->line, c->col, c->signal,
						ports->top, list, why);
				break;
			}
			nk++;
		}
		c->width = k[j].width;
		unsigned bits = c->value ? bit_length(c->value, NUM_BYTES) : 0;
		if (bits > c->width)
			rc = hil_fail(err, errlen,
				      "%s:%d:%d: value is %u bits wide, signal '%s' has %u%s",
				      s->path, c->line, c->vcol, bits, c->signal, c->width,
				      hil_script_iteration(s, c, it));
	}
	free(k);
	return rc;
}

void hil_script_free(struct hil_script *s)
{
	while (s->pool) {
		struct hil_script_pool *next = s->pool->next;
		free(s->pool);
		s->pool = next;
	}
	free(s->cmds);
	free(s->reps);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
