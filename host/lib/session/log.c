/* The session log (hil/log.h, docs/trace-log.md): a text file, one record
 * a line, so a log can be read with grep and less, and diffed; values in
 * the same hex form as traces. Records go through stdio's buffer: a
 * session that pokes every cycle costs one short line per poke. */
#include "hil/log.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/errfmt.h"
#include "hil/script.h"

#define LOG_VERSION  1
#define LINE_MAX_LEN 1024

int hil_log_create(struct hil_log_writer *w, const char *path, const char *target,
		   const struct hil_ports *ports, uint64_t now, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->path, sizeof(w->path), "%s", path);
	w->ports = ports;
	w->f = fopen(path, "w");
	if (!w->f)
		return hil_fail(err, errlen, "session log %s: %s", path, strerror(errno));
	/* "-": a combinational DUT's clock, which has no name. */
	fprintf(w->f, "hil-log %d\ntarget %s\ndut %s %s %016" PRIx64 "\n", LOG_VERSION, target,
		ports->top, ports->clock[0] ? ports->clock : "-", ports->signature);
	for (size_t i = 0; i < ports->n; i++)
		fprintf(w->f, "port %s %s %u\n", ports->port[i].name,
			ports->port[i].is_input ? "in" : "out", ports->port[i].width);
	fprintf(w->f, "begin %" PRIu64 "\n", now);
	if (ferror(w->f)) {
		fclose(w->f);
		w->f = NULL;
		return hil_fail(err, errlen, "session log %s: write failed", path);
	}
	return 0;
}

int hil_log_put(struct hil_log_writer *w, enum hil_log_kind kind, uint64_t cycle, int port,
		const uint8_t *val)
{
	if (!w->f || w->failed)
		return w->f ? -1 : 0;
	char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
	if (port < 0)
		fprintf(w->f, "%c %" PRIu64 "\n", (char)kind, cycle);
	else if (!val)
		fprintf(w->f, "%c %" PRIu64 " %d\n", (char)kind, cycle, port);
	else {
		hil_value_format(val, w->ports->port[port].width, hex);
		fprintf(w->f, "%c %" PRIu64 " %d %s\n", (char)kind, cycle, port, hex);
	}
	if (ferror(w->f))
		w->failed = 1;
	return w->failed ? -1 : 0;
}

int hil_log_finish(struct hil_log_writer *w, uint64_t now)
{
	if (!w->f)
		return 0;
	hil_log_put(w, HIL_LOG_END, now, -1, NULL);
	int bad = w->failed | (fflush(w->f) != 0) | (fclose(w->f) != 0);
	w->f = NULL;
	return bad ? -1 : 0;
}

/* One line without its newline into buf; 0 at the end, -1 if too long. */
static int get_line(struct hil_log_reader *r, char *buf, size_t cap)
{
	if (!fgets(buf, (int)cap, r->f))
		return 0;
	r->line++;
	size_t n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else
		return feof(r->f) ? -2 : -1;
	return 1;
}

__attribute__((format(printf, 4, 5))) static int bad(const struct hil_log_reader *r, char *err,
						     size_t errlen, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return hil_fail(err, errlen, "%s:%lu: %s", r->path, r->line, msg);
}

#define BAD(...) bad(r, err, errlen, __VA_ARGS__)

static int header(struct hil_log_reader *r, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN], top[HIL_MAX_NAME], clk[HIL_MAX_NAME];
	char name[HIL_MAX_NAME], dir[8];
	int version = 0;
	uint64_t sig;
	unsigned width;
	if (get_line(r, line, sizeof(line)) <= 0 || sscanf(line, "hil-log %d", &version) != 1)
		return BAD("not a hil session log (it starts with \"hil-log 1\")");
	if (version != LOG_VERSION)
		return BAD("log format %d; this hil reads format %d", version, LOG_VERSION);
	if (get_line(r, line, sizeof(line)) <= 0 || strncmp(line, "target ", 7))
		return BAD("expected \"target URI\"");
	snprintf(r->target, sizeof(r->target), "%s", line + 7);
	if (get_line(r, line, sizeof(line)) <= 0 ||
	    sscanf(line, "dut %127s %127s %" SCNx64, top, clk, &sig) != 3)
		return BAD("expected \"dut TOP CLOCK SIGNATURE\"");
	snprintf(r->ports.top, sizeof(r->ports.top), "%s", top);
	snprintf(r->ports.clock, sizeof(r->ports.clock), "%s", strcmp(clk, "-") ? clk : "");
	r->ports.port = calloc(HIL_MAX_PORTS, sizeof(*r->ports.port));
	if (!r->ports.port)
		return BAD("out of memory");
	for (;;) {
		if (get_line(r, line, sizeof(line)) <= 0)
			return BAD("the header ends before \"begin CYCLE\"");
		if (sscanf(line, "begin %" SCNu64, &r->begin) == 1) {
			r->hi = r->begin;
			break;
		}
		if (sscanf(line, "port %127s %7s %u", name, dir, &width) != 3 ||
		    (strcmp(dir, "in") && strcmp(dir, "out")) || width < 1 ||
		    width > HIL_MAX_PORT_WIDTH || r->ports.n >= HIL_MAX_PORTS)
			return BAD("expected \"port NAME in|out WIDTH\" or \"begin CYCLE\"");
		struct hil_port *p = &r->ports.port[r->ports.n++];
		snprintf(p->name, sizeof(p->name), "%s", name);
		p->is_input = !strcmp(dir, "in");
		p->width = width;
		p->nbytes = (width + 7) / 8;
	}
	r->ports.signature = hil_ports_signature(&r->ports);
	if (r->ports.signature != sig)
		return hil_fail(err, errlen,
				"%s: the port list does not hash to the "
				"signature %016" PRIx64 " the log names: the log was edited "
				"or cut",
				r->path, sig);
	return 0;
}

int hil_log_open(struct hil_log_reader *r, const char *path, char *err, size_t errlen)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s", path);
	r->f = fopen(path, "r");
	if (!r->f)
		return hil_fail(err, errlen, "%s: %s", path, strerror(errno));
	if (header(r, err, errlen) < 0) {
		hil_log_close(r);
		return -1;
	}
	return 0;
}

int hil_log_next(struct hil_log_reader *r, struct hil_log_rec *rec, char *err, size_t errlen)
{
	char line[LINE_MAX_LEN], kind, val[LINE_MAX_LEN], extra;
	int port = -1;
	int got = get_line(r, line, sizeof(line));
	if (got == 0)
		return 0;
	if (got == -2)
		return BAD("the last line stops before its end: the log was cut");
	if (got < 0)
		return BAD("line too long");
	if (r->ended)
		return BAD("a record after the end record");
	memset(rec, 0, sizeof(*rec));
	int n = sscanf(line, "%c %" SCNu64 " %d %1023s %c", &kind, &rec->cycle, &port, val,
		       &extra);
	rec->kind = (enum hil_log_kind)kind;
	rec->port = -1;
	int want = kind == 't' || kind == 'e'               ? 2
		: kind == 'w' || kind == 'u'                ? 3
		: kind == 'p' || kind == 's' || kind == 'r' ? 4
							    : -1;
	if (want < 0 || n != want || rec->cycle >= 1ull << 48)
		return BAD("not a log record: '%.60s'", line);
	/* Time only goes forward: a poke is stamped now or later, and every
	 * other record comes in cycle order. */
	if (rec->cycle < r->hi)
		return BAD("cycle %llu comes after cycle %llu: a log's cycles never go "
			   "back",
			   (unsigned long long)rec->cycle, (unsigned long long)r->hi);
	if (kind != 'p')
		r->hi = rec->cycle;
	r->ended = kind == 'e';
	if (want >= 3) {
		if (port < 0 || (size_t)port >= r->ports.n)
			return BAD("port %d is not in the log's port list", port);
		rec->port = port;
	}
	if (want == 4) {
		const struct hil_port *p = &r->ports.port[port];
		char why[160];
		if (hil_value_parse(val, p->width, rec->val, p->nbytes, why, sizeof(why)) < 0)
			return BAD("%s", why);
	}
	return 1;
}

void hil_log_close(struct hil_log_reader *r)
{
	if (r->f)
		fclose(r->f);
	r->f = NULL;
	hil_ports_free(&r->ports);
}
