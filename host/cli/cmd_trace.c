/* hil trace export (LOG | JOB) --vcd FILE: a session log as a VCD for
 * GTKWave. Inputs change where they were poked (unpoked inputs are 0 from
 * the first cycle), outputs where a watch reported or a peek sampled them.
 * A log lists a poke when it was scheduled, possibly before reports of
 * earlier cycles, so pokes wait in a heap until the log has passed their
 * cycle; libhil schedules at most 65536 ahead, which bounds the heap. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "hil/log.h"
#include "jobref.h"
#include "opts.h"
#include "vcd.h"

#define HEAP_MAX (1u << 17)

struct heap {
	struct hil_log_rec *e;
	size_t n;
	unsigned long seq;
	unsigned long *order; /* keeps pokes of one cycle in log order */
};

static int before(const struct heap *h, size_t a, size_t b)
{
	if (h->e[a].cycle != h->e[b].cycle)
		return h->e[a].cycle < h->e[b].cycle;
	return h->order[a] < h->order[b];
}

static void swap(struct heap *h, size_t a, size_t b)
{
	struct hil_log_rec t = h->e[a];
	unsigned long o = h->order[a];
	h->e[a] = h->e[b];
	h->order[a] = h->order[b];
	h->e[b] = t;
	h->order[b] = o;
}

static void push(struct heap *h, const struct hil_log_rec *r)
{
	size_t i = h->n++;
	h->e[i] = *r;
	h->order[i] = h->seq++;
	while (i && before(h, i, (i - 1) / 2)) {
		swap(h, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static void pop(struct heap *h)
{
	h->e[0] = h->e[--h->n];
	h->order[0] = h->order[h->n];
	for (size_t i = 0;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && before(h, l, m))
			m = l;
		if (r < h->n && before(h, r, m))
			m = r;
		if (m == i)
			break;
		swap(h, i, m);
		i = m;
	}
}

static void drain(struct heap *h, struct vcd *v, uint64_t upto)
{
	while (h->n && h->e[0].cycle <= upto) {
		vcd_value(v, h->e[0].cycle, h->e[0].port, h->e[0].val);
		pop(h);
	}
}

static int export_vcd(const char *log, const char *out)
{
	struct hil_log_reader rd;
	struct hil_log_rec rec;
	char err[1024];
	if (hil_log_open(&rd, log, err, sizeof(err)) < 0) {
		fprintf(stderr, "hil trace: %s\n", err);
		return 2;
	}
	struct heap h = {calloc(HEAP_MAX, sizeof(*h.e)), 0, 0,
			 calloc(HEAP_MAX, sizeof(unsigned long))};
	FILE *f = fopen(out, "w");
	int status = 2, got;
	if (!h.e || !h.order || !f) {
		fprintf(stderr, "hil trace: %s: %s\n", out,
			f ? "out of memory" : "cannot create");
		goto done;
	}
	struct vcd v;
	vcd_init(&v, f, &rd.ports);
	uint8_t zero[HIL_MAX_PORT_BYTES] = {0};
	for (size_t i = 0; i < rd.ports.n; i++)
		if (rd.ports.port[i].is_input)
			vcd_value(&v, rd.begin, (int)i, zero);
	while ((got = hil_log_next(&rd, &rec, err, sizeof(err))) == 1) {
		if (rec.kind == HIL_LOG_POKE) {
			if (h.n == HEAP_MAX) {
				fprintf(stderr,
					"hil trace: %s: more than %u pokes scheduled "
					"ahead, which libhil never writes\n",
					log, HEAP_MAX);
				goto done;
			}
			push(&h, &rec);
			continue;
		}
		drain(&h, &v, rec.cycle);
		if (rec.kind == HIL_LOG_SAMPLE || rec.kind == HIL_LOG_REPORT)
			vcd_value(&v, rec.cycle, rec.port, rec.val);
	}
	if (got < 0) {
		fprintf(stderr, "hil trace: %s\n", err);
		goto done;
	}
	drain(&h, &v, ~0ull);
	vcd_end(&v);
	status = 0;
done:
	if (f && fclose(f) != 0) {
		perror(out);
		status = 2;
	}
	free(h.e);
	free(h.order);
	hil_log_close(&rd);
	return status;
}

int cmd_trace(int argc, char **argv)
{
	const char *what = NULL, *vcd = NULL, *sock = NULL;
	const struct cliopt opts[] = {
		{"vcd", &vcd, NULL, NULL, 0}, {"socket", &sock, NULL, NULL, 0}, {0}};
	/* "export" is a command of its own, its options after it. */
	int ok = argc >= 2 && !strcmp(argv[1], "export");
	if (ok && opts_parse(argc - 1, argv + 1, "hil trace export", opts, &what, 1) < 0)
		return 2;
	if (!ok || !what || !vcd) {
		fprintf(stderr,
			"usage: hil trace export (LOG | JOB) --vcd FILE [--socket PATH]\n"
			"  writes a session log, or the log of job JOB that hild "
			"ran, as a VCD\n");
		return 2;
	}
	char path[4096];
	if (jobref_log(what, sock, path, sizeof(path)) < 0)
		return 2;
	return export_vcd(path, vcd);
}
