/* Trace output for `hil run`; see trace.h. */
#include "trace.h"

#include <stdlib.h>
#include <string.h>

#include "hil/script.h"

void trace_init(struct trace *t, const struct hil_ports *ports, FILE *out, FILE *vcd)
{
	memset(t, 0, sizeof(*t));
	t->ports = ports;
	t->out = out;
	if (vcd)
		vcd_init(&t->vcd, vcd, ports);
	t->has_vcd = vcd != NULL;
}

static int by_order(const void *a, const void *b)
{
	const struct trace_rec *x = a, *y = b;
	return (x->order > y->order) - (x->order < y->order);
}

void trace_flush(struct trace *t)
{
	/* Stable, so reports of one command keep the order they happened in; an
	 * insertion sort, as a cycle holds few reports. */
	for (size_t i = 1; i < t->n; i++) {
		struct trace_rec r = t->rec[i];
		size_t j = i;
		while (j > 0 && by_order(&t->rec[j - 1], &r) > 0) {
			t->rec[j] = t->rec[j - 1];
			j--;
		}
		t->rec[j] = r;
	}
	for (size_t i = 0; i < t->n; i++) {
		const struct trace_rec *r = &t->rec[i];
		const struct hil_port *p = r->port >= 0 ? &t->ports->port[r->port] : NULL;
		char hex[3 + HIL_MAX_PORT_WIDTH / 4 + 1];
		hil_value_format(r->val, p ? p->width : r->width, hex);
		fprintf(t->out, "%llu %s %s\n", (unsigned long long)r->cycle,
			p ? p->name : r->signal, hex);
		if (t->has_vcd && p)
			vcd_value(&t->vcd, r->cycle, r->port, r->val);
		t->total++;
	}
	t->n = 0;
	fflush(t->out);
}

static struct trace_rec *slot(struct trace *t, uint64_t cycle)
{
	if (t->n && t->rec[0].cycle != cycle)
		trace_flush(t);
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct trace_rec *r = realloc(t->rec, cap * sizeof(*r));
		if (!r) {
			t->oom = 1;
			return NULL;
		}
		t->rec = r;
		t->cap = cap;
	}
	struct trace_rec *r = &t->rec[t->n++];
	r->cycle = cycle;
	return r;
}

void trace_add(struct trace *t, uint64_t cycle, int order, int port, const uint8_t *val)
{
	struct trace_rec *r = slot(t, cycle);
	if (!r)
		return;
	r->order = order;
	r->port = port;
	memcpy(r->val, val, t->ports->port[port].nbytes);
}

void trace_add_signal(struct trace *t, uint64_t cycle, int order, const char *signal,
		      unsigned width, const uint8_t *val)
{
	struct trace_rec *r = slot(t, cycle);
	if (!r)
		return;
	r->order = order;
	r->port = -1;
	r->signal = signal;
	r->width = width;
	memcpy(r->val, val, (width + 7) / 8);
}

void trace_free(struct trace *t)
{
	if (t->has_vcd)
		vcd_end(&t->vcd);
	free(t->rec);
	t->rec = NULL;
}
