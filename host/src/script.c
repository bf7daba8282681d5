/* The stimulus script parser (hil/script.h, docs/scripts.md). Everything that
 * can be checked without running is checked here, with the line and column
 * of the word at fault: ports, directions, value widths, number syntax, and
 * cycles that are surely in the past. */
#include "hil/script.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE 4096
#define MAX_WORDS 16
#define MAX_FILE (64u << 20)
#define WORK_BYTES (HIL_MAX_PORT_BYTES + 8)
#define CYCLE_BITS 48

struct word {
	const char *s;
	int col;
};

struct parser {
	const char *path;
	int line;
	const struct hil_ports *ports;
	char *err;
	size_t errlen;
	uint64_t lo; /* the script's cycle is at least this */
};

__attribute__((format(printf, 3, 4)))
static int perr(struct parser *p, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->path, p->line, col, msg);
	return -1;
}

static int digit_value(char c, int base)
{
	int d = c >= '0' && c <= '9'   ? c - '0'
		: c >= 'a' && c <= 'f' ? c - 'a' + 10
		: c >= 'A' && c <= 'F' ? c - 'A' + 10
				       : 99;
	return d < base ? d : -1;
}

/* Bit length of a little-endian value of n bytes. */
static unsigned bit_length(const uint8_t *v, size_t n)
{
	for (size_t i = n; i-- > 0;)
		if (v[i])
			for (int b = 7; b >= 0; b--)
				if (v[i] >> b & 1)
					return (unsigned)(8 * i + b + 1);
	return 0;
}

int hil_value_parse(const char *text, unsigned width, uint8_t *out,
		    size_t nbytes, char *err, size_t errlen)
{
	uint8_t work[WORK_BYTES] = {0};
	int base = 10, digits = 0, overflow = 0;
	const char *s = text;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	}
	for (; *s; s++) {
		if (*s == '_' && digits)
			continue;
		int d = digit_value(*s, base);
		if (d < 0) {
			snprintf(err, errlen, "'%s' is not a number (decimal, 0x hex or "
				 "0b binary; '_' may separate digits)", text);
			return -1;
		}
		digits++;
		unsigned carry = (unsigned)d;
		for (size_t i = 0; i < sizeof(work); i++) {
			unsigned x = work[i] * (unsigned)base + carry;
			work[i] = (uint8_t)x;
			carry = x >> 8;
		}
		overflow |= carry != 0;
	}
	if (!digits) {
		snprintf(err, errlen, "'%s' has no digits", text);
		return -1;
	}
	unsigned bits = bit_length(work, sizeof(work));
	if (overflow || bits > width) {
		if (overflow)
			snprintf(err, errlen, "value %s is wider than %d bits, more than "
				 "the %u bits available", text, 8 * WORK_BYTES, width);
		else
			snprintf(err, errlen, "value %s is %u bits wide, more than the "
				 "%u bits available", text, bits, width);
		return -1;
	}
	memcpy(out, work, nbytes);
	return 0;
}

void hil_value_format(const uint8_t *val, unsigned width, char *out)
{
	static const char hex[] = "0123456789abcdef";
	unsigned nd = (width + 3) / 4;
	*out++ = '0';
	*out++ = 'x';
	for (unsigned d = nd; d-- > 0;)
		*out++ = hex[(val[d / 2] >> (4 * (d % 2))) & 0xF];
	*out = '\0';
}

static int want_port(struct parser *p, const struct word *w, int input_only)
{
	int i = hil_ports_find(p->ports, w->s);
	if (i < 0) {
		char list[256] = "";
		size_t o = 0;
		for (size_t k = 0; k < p->ports->n && o < sizeof(list) - 40; k++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
					      k ? ", " : "", p->ports->port[k].name);
		if (o >= sizeof(list) - 40)
			snprintf(list + o, sizeof(list) - o, ", ...");
		return perr(p, w->col, "unknown port '%s' (ports: %s)", w->s, list);
	}
	if (input_only && !p->ports->port[i].is_input)
		return perr(p, w->col, "poke to output '%s': only inputs can be poked",
			    w->s);
	return i;
}

static int want_value(struct parser *p, const struct word *w, int port,
		      uint8_t **out)
{
	const struct hil_port *q = &p->ports->port[port];
	char msg[256];
	*out = calloc(1, q->nbytes);
	if (!*out)
		return perr(p, w->col, "out of memory");
	if (hil_value_parse(w->s, q->width, *out, q->nbytes, msg, sizeof(msg)) < 0)
		return perr(p, w->col, "%s of port '%s'", msg, q->name);
	return 0;
}

static int want_cycle(struct parser *p, const struct word *w, uint64_t *out)
{
	uint8_t v[8] = {0};
	char msg[256];
	if (hil_value_parse(w->s, CYCLE_BITS, v, 6, msg, sizeof(msg)) < 0)
		return perr(p, w->col, "%s of a cycle count", msg);
	*out = 0;
	for (int i = 5; i >= 0; i--)
		*out = *out << 8 | v[i];
	return 0;
}

static int want_kw(struct parser *p, const struct word *w, const char *kw)
{
	if (strcmp(w->s, kw))
		return perr(p, w->col, "expected '%s', found '%s'", kw, w->s);
	return 0;
}

/* Parses one line's words into c. Returns 1 for a command, 0 for none. */
static int parse_words(struct parser *p, struct word *w, int n, struct hil_cmd *c)
{
	const char *k = w[0].s;
	int need;
	memset(c, 0, sizeof(*c));
	c->line = p->line;
	c->port = -1;
	if (!strcmp(k, "poke")) {
		c->kind = HIL_CMD_POKE;
		need = 3;
	} else if (!strcmp(k, "at")) {
		c->kind = HIL_CMD_POKE_AT;
		need = 5;
	} else if (!strcmp(k, "step")) {
		c->kind = HIL_CMD_STEP;
		need = 2;
	} else if (!strcmp(k, "run")) {
		c->kind = HIL_CMD_RUN;
		need = 2;
	} else if (!strcmp(k, "peek")) {
		c->kind = HIL_CMD_PEEK;
		need = 2;
	} else if (!strcmp(k, "expect")) {
		c->kind = HIL_CMD_EXPECT;
		need = 3;
	} else if (!strcmp(k, "watch")) {
		c->kind = HIL_CMD_WATCH;
		need = 2;
	} else if (!strcmp(k, "unwatch")) {
		c->kind = HIL_CMD_UNWATCH;
		need = 2;
	} else if (!strcmp(k, "wait")) {
		c->kind = HIL_CMD_WAIT;
		need = (n >= 5 && !strcmp(w[4].s, "mask")) ? 8 : 6;
	} else {
		return perr(p, w[0].col, "unknown command '%s' (commands: poke, at, "
			    "step, run, peek, expect, watch, unwatch, wait)", k);
	}
	if (n < need)
		return perr(p, n ? w[n - 1].col + (int)strlen(w[n - 1].s) + 1 : 1,
			    "'%s' needs more words (see docs/scripts.md)", k);
	if (n > need)
		return perr(p, w[need].col, "unexpected '%s' after the %s command",
			    w[need].s, k);

	switch (c->kind) {
	case HIL_CMD_POKE:
		if ((c->port = want_port(p, &w[1], 1)) < 0)
			return -1;
		c->cycle = p->lo;
		return want_value(p, &w[2], c->port, &c->value) < 0 ? -1 : 1;
	case HIL_CMD_POKE_AT:
		if (want_cycle(p, &w[1], &c->cycle) < 0 || want_kw(p, &w[2], "poke") < 0)
			return -1;
		if (c->cycle < p->lo)
			return perr(p, w[1].col, "at %llu is before cycle %llu, which "
				    "the script has reached already",
				    (unsigned long long)c->cycle, (unsigned long long)p->lo);
		if ((c->port = want_port(p, &w[3], 1)) < 0)
			return -1;
		return want_value(p, &w[4], c->port, &c->value) < 0 ? -1 : 1;
	case HIL_CMD_STEP:
		if (want_cycle(p, &w[1], &c->cycle) < 0)
			return -1;
		if (c->cycle > ((1ull << CYCLE_BITS) - 1) - p->lo)
			return perr(p, w[1].col, "step runs past the 48-bit cycle counter");
		p->lo += c->cycle;
		return 1;
	case HIL_CMD_RUN:
		if (want_cycle(p, &w[1], &c->cycle) < 0)
			return -1;
		if (c->cycle < p->lo)
			return perr(p, w[1].col, "run %llu is before cycle %llu, which "
				    "the script has reached already",
				    (unsigned long long)c->cycle, (unsigned long long)p->lo);
		p->lo = c->cycle;
		return 1;
	case HIL_CMD_PEEK:
	case HIL_CMD_WATCH:
	case HIL_CMD_UNWATCH:
		return (c->port = want_port(p, &w[1], 0)) < 0 ? -1 : 1;
	case HIL_CMD_EXPECT:
		if ((c->port = want_port(p, &w[1], 0)) < 0)
			return -1;
		return want_value(p, &w[2], c->port, &c->value) < 0 ? -1 : 1;
	case HIL_CMD_WAIT: {
		if ((c->port = want_port(p, &w[1], 0)) < 0)
			return -1;
		if (strcmp(w[2].s, "==") && strcmp(w[2].s, "!="))
			return perr(p, w[2].col, "expected '==' or '!=', found '%s'",
				    w[2].s);
		c->ne = w[2].s[0] == '!';
		if (want_value(p, &w[3], c->port, &c->value) < 0)
			return -1;
		const struct hil_port *q = &p->ports->port[c->port];
		if (need == 8) {
			if (want_value(p, &w[5], c->port, &c->mask) < 0)
				return -1;
		} else {
			if (!(c->mask = calloc(1, q->nbytes)))
				return perr(p, w[0].col, "out of memory");
			memset(c->mask, 0xFF, q->nbytes);
			if (q->width % 8)
				c->mask[q->nbytes - 1] = (uint8_t)((1u << (q->width % 8)) - 1);
		}
		if (want_kw(p, &w[need - 2], "timeout") < 0 ||
		    want_cycle(p, &w[need - 1], &c->cycle) < 0)
			return -1;
		if (c->cycle > ((1ull << CYCLE_BITS) - 1) - p->lo)
			return perr(p, w[need - 1].col, "timeout runs past the 48-bit "
				    "cycle counter");
		return 1;
	}
	}
	return -1;
}

static void free_cmd(struct hil_cmd *c)
{
	free(c->value);
	free(c->mask);
}

int hil_script_parse(struct hil_script *s, const char *path, const char *text,
		     const struct hil_ports *ports, char *err, size_t errlen)
{
	struct parser p = {path, 0, ports, err, errlen, 0};
	size_t cap = 0;
	memset(s, 0, sizeof(*s));
	if (!(s->path = strdup(path))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	const char *t = text;
	while (*t) {
		char buf[MAX_LINE + 1];
		const char *nl = strchr(t, '\n');
		size_t len = nl ? (size_t)(nl - t) : strlen(t);
		p.line++;
		if (len > MAX_LINE) {
			perr(&p, MAX_LINE + 1, "line longer than %d characters", MAX_LINE);
			goto fail;
		}
		memcpy(buf, t, len);
		buf[len] = '\0';
		t += len + (nl ? 1 : 0);

		struct word w[MAX_WORDS];
		int n = 0;
		for (char *q = buf; *q;) {
			if (*q == '#')
				break;
			if (*q == ' ' || *q == '\t' || *q == '\r') {
				*q++ = '\0';
				continue;
			}
			if (n == MAX_WORDS) {
				perr(&p, (int)(q - buf) + 1, "too many words on one line");
				goto fail;
			}
			w[n].s = q;
			w[n].col = (int)(q - buf) + 1;
			n++;
			while (*q && *q != ' ' && *q != '\t' && *q != '\r' && *q != '#')
				q++;
			if (*q == '#')
				*q = '\0';
			else if (*q)
				*q++ = '\0';
		}
		if (n == 0)
			continue;
		if (s->ncmds == cap) {
			size_t nc = cap ? 2 * cap : 64;
			struct hil_cmd *c = realloc(s->cmds, nc * sizeof(*c));
			if (!c) {
				perr(&p, 1, "out of memory");
				goto fail;
			}
			s->cmds = c;
			cap = nc;
		}
		struct hil_cmd *c = &s->cmds[s->ncmds];
		if (parse_words(&p, w, n, c) < 0) {
			free_cmd(c);
			goto fail;
		}
		s->ncmds++;
	}
	return 0;
fail:
	hil_script_free(s);
	return -1;
}

int hil_script_load(struct hil_script *s, const char *path,
		    const struct hil_ports *ports, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	size_t cap = 65536, len = 0;
	char *text = malloc(cap);
	int rc = -1;
	while (text) {
		len += fread(text + len, 1, cap - len - 1, f);
		if (ferror(f)) {
			snprintf(err, errlen, "%s: read error", path);
			goto out;
		}
		if (feof(f))
			break;
		if (cap >= MAX_FILE) {
			snprintf(err, errlen, "%s: larger than %u MiB", path, MAX_FILE >> 20);
			goto out;
		}
		char *t = realloc(text, cap * 2);
		if (!t) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		text = t;
		cap *= 2;
	}
	if (!text) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		snprintf(err, errlen, "%s: not a text file (it holds NUL bytes)", path);
		goto out;
	}
	rc = hil_script_parse(s, path, text, ports, err, errlen);
out:
	free(text);
	fclose(f);
	return rc;
}

void hil_script_free(struct hil_script *s)
{
	for (size_t i = 0; i < s->ncmds; i++)
		free_cmd(&s->cmds[i]);
	free(s->cmds);
	free(s->path);
	memset(s, 0, sizeof(*s));
}
