/* VCD writer; see vcd.h. */
#include "vcd.h"

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

static void header(struct vcd *v)
{
	char id[8];
	fprintf(v->f,
		"$comment hil trace of DUT %s; one time unit is one DUT "
		"cycle $end\n$timescale 1ns $end\n$scope module %s $end\n",
		v->ports->top, v->ports->top);
	for (size_t i = 0; i < v->ports->n; i++) {
		vcd_id(i, id);
		fprintf(v->f, "$var wire %u %s %s $end\n", v->ports->port[i].width, id,
			v->ports->port[i].name);
	}
	fprintf(v->f, "$upscope $end\n$enddefinitions $end\n");
	v->started = 1;
}

void vcd_init(struct vcd *v, FILE *f, const struct hil_ports *ports)
{
	v->f = f;
	v->ports = ports;
	v->time = 0;
	v->started = v->any = 0;
}

void vcd_value(struct vcd *v, uint64_t cycle, int port, const uint8_t *val)
{
	const struct hil_port *p = &v->ports->port[port];
	char id[8];
	if (!v->started)
		header(v);
	if (!v->any || cycle != v->time) {
		fprintf(v->f, "#%llu\n", (unsigned long long)cycle);
		v->time = cycle;
	}
	v->any = 1;
	vcd_id((size_t)port, id);
	if (p->width == 1) {
		fprintf(v->f, "%c%s\n", (val[0] & 1) ? '1' : '0', id);
		return;
	}
	fputc('b', v->f);
	for (unsigned b = p->width; b-- > 0;)
		fputc((val[b / 8] >> (b % 8)) & 1 ? '1' : '0', v->f);
	fprintf(v->f, " %s\n", id);
}

void vcd_end(struct vcd *v)
{
	if (!v->started)
		header(v);
}
