/* Values between cocotb and the DUT. A write to an input is kept until
 * the next evaluation, as Verilator keeps it in the model until its next
 * eval: reads in between see the inputs as written and the outputs as they
 * were. The evaluation pokes what was written, in the cycle the DUT stands
 * in, and then, if cocotb raised the clock, moves on one cycle: the writes
 * that came with the rising edge are what the edge captures, as on
 * Verilator. Pokes and the cycle travel with the next read of an output:
 * a lock-step test that reads one output a cycle costs one round trip. */
#include <stdio.h>
#include <string.h>

#include "vpisim.h"

static unsigned nbytes(const struct sig *s)
{
	return (s->width + 7) / 8;
}

/* Reads the outputs `want` picks as the DUT stands now, in one round trip
 * that also carries the pokes and cycles not yet sent. */
static int read_outputs(int (*want)(const struct sig *))
{
	int ports[HIL_MAX_PORTS];
	static uint8_t vals[HIL_MAX_PORTS * HIL_MAX_PORT_BYTES];
	struct sig *of[HIL_MAX_PORTS];
	size_t n = 0;
	for (size_t i = 0; i < vs.nsig && n < HIL_MAX_PORTS; i++)
		if (!vs.sig[i].is_input && want(&vs.sig[i])) {
			of[n] = &vs.sig[i];
			ports[n++] = vs.sig[i].port;
		}
	if (hil_run_and_peek(vs.h, hil_now(vs.h), n, ports, vals) < 0) {
		vs_error("reading %s's outputs: %s", vs.top_name, hil_error(vs.h));
		vs_fail();
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(of[i]->val, vals + i * HIL_MAX_PORT_BYTES, HIL_MAX_PORT_BYTES);
		of[i]->seen = 1;
	}
	return 0;
}

static const struct sig *asked;

static int is_asked(const struct sig *s)
{
	return s == asked;
}

static int is_watched(const struct sig *s)
{
	return s->ncb > 0;
}

int vs_output(struct sig *s)
{
	if (s->seen || s->is_input)
		return 0;
	asked = s;
	return read_outputs(is_asked);
}

int vs_evaluate(void)
{
	int did = 0;
	for (size_t i = 0; i < vs.nsig; i++) {
		struct sig *s = &vs.sig[i];
		if (!s->pending || s == vs.clock)
			continue;
		s->pending = 0;
		did = 1;
		if (hil_poke(vs.h, s->port, s->val) < 0) {
			vs_error("writing %s: %s", s->full, hil_error(vs.h));
			return -1;
		}
	}
	if (vs.clock)
		vs.clock->pending = 0;
	if (vs_edge_due()) {
		vs.clock_then = 1;
		did = 1;
		if (hil_advance(vs.h, 1) < 0) {
			vs_error("clocking the DUT: %s", hil_error(vs.h));
			return -1;
		}
	} else if (vs.clock) {
		vs.clock_then = vs.clock->val[0] & 1;
	}
	if (!did)
		return 0;
	/* Outputs with value callbacks are read now, to see which changed. */
	static uint8_t before[HIL_MAX_PORTS + 1][HIL_MAX_PORT_BYTES];
	static int had[HIL_MAX_PORTS + 1];
	int watched = 0;
	for (size_t i = 0; i < vs.nsig; i++) {
		struct sig *s = &vs.sig[i];
		if (s->is_input)
			continue;
		had[i] = s->ncb && s->seen;
		watched |= had[i];
		memcpy(before[i], s->val, HIL_MAX_PORT_BYTES);
		s->seen = 0;
	}
	if (!watched)
		return 1;
	if (read_outputs(is_watched) < 0)
		return -1;
	for (size_t i = 0; i < vs.nsig; i++)
		if (had[i] && memcmp(before[i], vs.sig[i].val, nbytes(&vs.sig[i])))
			vs.sig[i].changed = 1;
	return 1;
}

static int bit(const struct sig *s, unsigned i)
{
	return s->val[i / 8] >> (i % 8) & 1;
}

void vpi_get_value(vpiHandle expr, p_vpi_value value_p)
{
	static char text[HIL_MAX_PORT_WIDTH + 1];
	struct obj *o = (struct obj *)expr;
	if (!o || !value_p) {
		vs_error("vpi_get_value without an object or a value");
		return;
	}
	if (o->kind == OBJ_BOUND) {
		PLI_INT32 v = 0;
		vs_bound(o, &v);
		if (value_p->format == vpiIntVal)
			value_p->value.integer = v;
		else
			vs_error("a range's bound is read as vpiIntVal");
		return;
	}
	if (o->kind != OBJ_PORT && o->kind != OBJ_CLOCK) {
		vs_error("vpi_get_value of an object that has no value");
		return;
	}
	struct sig *s = (struct sig *)o;
	if (vs_output(s) < 0)
		return;
	switch (value_p->format) {
	case vpiObjTypeVal:
		value_p->format = vpiBinStrVal;
		/* fallthrough */
	case vpiBinStrVal:
		for (unsigned i = 0; i < s->width; i++)
			text[i] = (char)('0' + bit(s, s->width - 1 - i));
		text[s->width] = '\0';
		value_p->value.str = text;
		return;
	case vpiIntVal: {
		uint32_t v = 0;
		for (unsigned i = 0; i < 4 && i < nbytes(s); i++)
			v |= (uint32_t)s->val[i] << (8 * i);
		value_p->value.integer = (PLI_INT32)v;
		return;
	}
	case vpiScalarVal:
		value_p->value.scalar = bit(s, 0) ? vpi1 : vpi0;
		return;
	default:
		vs_error("%s: hil reads values as vpiBinStrVal, vpiIntVal or vpiScalarVal, "
			 "not format %d",
			 s->full, (int)value_p->format);
	}
}

/* The value cocotb writes, into v (the signal's bytes). Returns 0, or -1
 * after reporting why it cannot be poked. */
static int parse(const struct sig *s, const s_vpi_value *value_p, uint8_t *v)
{
	memset(v, 0, HIL_MAX_PORT_BYTES);
	switch (value_p->format) {
	case vpiIntVal: {
		/* cocotb passes values of 32 bits or less as an int32. */
		uint32_t x = (uint32_t)value_p->value.integer;
		for (unsigned i = 0; i < 4 && i < nbytes(s); i++)
			v[i] = (uint8_t)(x >> (8 * i));
		break;
	}
	case vpiScalarVal:
		v[0] = value_p->value.scalar == vpi1;
		break;
	case vpiBinStrVal: {
		const char *t = value_p->value.str;
		size_t n = t ? strlen(t) : 0;
		for (size_t i = 0; i < n; i++) {
			char c = t[n - 1 - i];
			if (c != '0' && c != '1') {
				vs_error(
					"%s: '%c' cannot be driven: the DUT runs on two states, 0 "
					"and 1",
					s->full, c);
				return -1;
			}
			if (c == '1' && i < s->width)
				v[i / 8] |= (uint8_t)(1u << (i % 8));
		}
		break;
	}
	default:
		vs_error("%s: hil takes values as vpiIntVal, vpiBinStrVal or vpiScalarVal, "
			 "not format %d",
			 s->full, (int)value_p->format);
		return -1;
	}
	if (s->width % 8)
		v[nbytes(s) - 1] &= (uint8_t)((1u << (s->width % 8)) - 1);
	return 0;
}

vpiHandle vpi_put_value(vpiHandle object, p_vpi_value value_p, p_vpi_time time_p,
			PLI_INT32 flags)
{
	(void)time_p;
	struct obj *o = (struct obj *)object;
	if (!o || (o->kind != OBJ_PORT && o->kind != OBJ_CLOCK) || !value_p) {
		vs_error("vpi_put_value on an object that takes no value");
		return NULL;
	}
	struct sig *s = (struct sig *)o;
	if (!s->is_input) {
		vs_error("%s is an output of %s: outputs are read, not driven", s->full,
			 vs.top_name);
		return NULL;
	}
	int f = flags & 0xff;
	if (f == vpiForceFlag || f == vpiReleaseFlag) {
		vs_error("%s: hil drives inputs with pokes; Force and Release are not "
			 "supported (assign the value instead)",
			 s->full);
		return NULL;
	}
	uint8_t v[HIL_MAX_PORT_BYTES];
	if (parse(s, value_p, v) == 0 && !(s == vs.clock && vs_clock_drops_write()))
		vs_drive(s, v);
	return NULL;
}

int vs_drive(struct sig *s, const uint8_t *v)
{
	if (!memcmp(v, s->val, nbytes(s)))
		return 0;
	memcpy(s->val, v, nbytes(s));
	s->pending = 1;
	/* Written back to what the callbacks last saw is no change to them. */
	s->changed = memcmp(s->val, s->shown, nbytes(s)) != 0;
	return 1;
}

int vs_edge_due(void)
{
	return vs.clock && (vs.clock->val[0] & 1) && !vs.clock_then;
}

void vs_inputs_shown(void)
{
	for (size_t i = 0; i < vs.nsig; i++)
		if (vs.sig[i].is_input)
			memcpy(vs.sig[i].shown, vs.sig[i].val, HIL_MAX_PORT_BYTES);
}
