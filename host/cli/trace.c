/* Trace output for `hil run`; see trace.h. */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "hil/script.h"

void trace_init(struct trace *t, const struct hil_ports *ports, FILE *out,
		FILE *vcd)
{
	memset(t, 0, sizeof(*t));
	t->ports = ports;
	t->out = out;
	t->vcd = vcd;
}

/* VCD identifiers: printable characters from '!' on, base 94. */
static void vcd_id(size_t i, char *id)
{
	int n = 0;
	do {
		id[n++] = (char)('!' + i % 94);
		i /= 94;
	} while (i);
	id[n] = '\0';
}

static void vcd_header(struct trace *t)
{
	char id[8];
	fprintf(t->vcd, "$comment hil trace of DUT %s; one time unit is one DUT "
			"cycle $end\n$timescale 1ns $end\n$scope module %s $end\n",
		t->ports->top, t->ports->top);
	for (size_t i = 0; i < t->ports->n; i++) {
		vcd_id(i, id);
		fprintf(t->vcd, "$var wire %u %s %s $end\n", t->ports->port[i].width,
			id, t->ports->port[i].name);
	}
	fprintf(t->vcd, "$upscope $end\n$enddefinitions $end\n");
	t->vcd_started = 1;
}

static void vcd_value(struct trace *t, const struct trace_rec *r)
{
	const struct hil_port *p = &t->ports->port[r->port];
	char id[8];
	if (!t->vcd_started)
		vcd_header(t);
	if (t->total == 0 || r->cycle != t->vcd_time) {
		fprintf(t->vcd, "#%llu\n", (unsigned long long)r->cycle);
		t->vcd_time = r->cycle;
	}
	vcd_id((size_t)r->port, id);
	if (p->width == 1) {
		fprintf(t->vcd, "%c%s\n", (r->val[0] & 1) ? '1' : '0', id);
		return;
	}
	fputc('b', t->vcd);
	for (unsigned b = p->width; b-- > 0;)
		fputc((r->val[b / 8] >> (b % 8)) & 1 ? '1' : '0', t->vcd);
	fprintf(t->vcd, " %s\n", id);
}

static int by_line(const void *a, const void *b)
{
	const struct trace_rec *x = a, *y = b;
	return (x->line > y->line) - (x->line < y->line);
}

void trace_flush(struct trace *t)
{
	/* Stable, so reports of one line keep the order they happened in; an
	 * insertion sort, as a cycle holds few reports. */
	for (size_t i = 1; i < t->n; i++) {
		struct trace_rec r = t->rec[i];
		size_t j = i;
		while (j > 0 && by_line(&t->rec[j - 1], &r) > 0) {
			t->rec[j] = t->rec[j - 1];
			j--;
		}
		t->rec[j] = r;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->rec[i];
		const struct hil_port *p = &t->ports->port[r->port];
		char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
		hil_value_format(r->val, p->width, hex);
		fprintf(t->out, "%llu %s %s\n", (unsigned long long)r->cycle, p->name,
			hex);
		if (t->vcd)
			vcd_value(t, r);
		t->total++;
	}
	t->n = 0;
	fflush(t->out);
}

void trace_add(struct trace *t, uint64_t cycle, int line, int port,
	       const uint8_t *val)
{
	if (t->n && t->rec[0].cycle != cycle)
		trace_flush(t);
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct trace_rec *r = realloc(t->rec, cap * sizeof(*r));
		if (!r) {
			t->oom = 1;
			return;
		}
		t->rec = r;
		t->cap = cap;
	}
	struct trace_rec *r = &t->rec[t->n++];
	r->cycle = cycle;
	r->line = line;
	r->port = port;
	memcpy(r->val, val, t->ports->port[port].nbytes);
}

void trace_free(struct trace *t)
{
	if (t->vcd && !t->vcd_started)
		vcd_header(t);
	free(t->rec);
	t->rec = NULL;
}
