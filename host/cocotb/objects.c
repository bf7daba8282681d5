/* The design as cocotb finds it through VPI: one module, the DUT's top,
 * holding its ports and its clock as nets (a vector with a [width-1:0]
 * range when wider than a bit). Handles are made once, when the session
 * opens, and live until it ends; only iterators and callbacks are made and
 * freed while cocotb runs. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpisim.h"

struct iter {
	struct obj o;
	struct obj **item;
	size_t n, next;
};

static void sig_init(struct sig *s, int port, const char *name, unsigned width, int input)
{
	memset(s, 0, sizeof(*s));
	s->o.kind = port < 0 ? OBJ_CLOCK : OBJ_PORT;
	s->port = port;
	s->width = width;
	s->is_input = input;
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->full, sizeof(s->full), "%s.%s", vs.top_name, name);
	s->range.kind = OBJ_RANGE;
	s->left.kind = s->right.kind = OBJ_BOUND;
}

int vs_design_open(const char *target, const struct hil_options *opt, char *err, size_t errlen)
{
	if (hil_open(&vs.h, target, opt, err, errlen) < 0)
		return -1;
	const struct hil_ports *p = hil_ports(vs.h);
	vs.top.kind = OBJ_MODULE;
	snprintf(vs.top_name, sizeof(vs.top_name), "%s", p->top);
	vs.nsig = p->n + (p->clock[0] ? 1 : 0);
	vs.sig = calloc(vs.nsig, sizeof(*vs.sig));
	if (!vs.sig) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < p->n; i++)
		sig_init(&vs.sig[i], (int)i, p->port[i].name, p->port[i].width,
			 p->port[i].is_input);
	if (p->clock[0]) {
		vs.clock = &vs.sig[p->n];
		sig_init(vs.clock, -1, p->clock, 1, 1);
	}
	return 0;
}

void vs_design_close(void)
{
	hil_close(vs.h);
	free(vs.sig);
	vs.sig = NULL;
	vs.h = NULL;
}

static struct sig *sig_of(vpiHandle h)
{
	struct obj *o = (struct obj *)h;
	return o && (o->kind == OBJ_PORT || o->kind == OBJ_CLOCK) ? (struct sig *)o : NULL;
}

/* The signal a range or one of its bounds belongs to. */
static struct sig *owner(struct obj *o)
{
	for (size_t i = 0; i < vs.nsig; i++)
		if (o == &vs.sig[i].range || o == &vs.sig[i].left || o == &vs.sig[i].right)
			return &vs.sig[i];
	return NULL;
}

vpiHandle vpi_handle_by_name(PLI_BYTE8 *name, vpiHandle scope)
{
	char full[2 * HIL_MAX_NAME + 2];
	if (!name)
		return NULL;
	if (scope && (struct obj *)scope == &vs.top)
		snprintf(full, sizeof(full), "%s.%s", vs.top_name, name);
	else
		snprintf(full, sizeof(full), "%s", name);
	if (!strcmp(full, vs.top_name))
		return (vpiHandle)&vs.top;
	for (size_t i = 0; i < vs.nsig; i++)
		if (!strcmp(full, vs.sig[i].full))
			return (vpiHandle)&vs.sig[i];
	return NULL;
}

vpiHandle vpi_handle_by_index(vpiHandle obj, PLI_INT32 index)
{
	(void)obj, (void)index;
	return NULL;
}

vpiHandle vpi_handle(PLI_INT32 type, vpiHandle ref)
{
	struct obj *o = (struct obj *)ref;
	struct sig *s = o ? owner(o) : NULL;
	if (!s && sig_of(ref) && sig_of(ref)->width > 1)
		s = sig_of(ref);
	if (!s)
		return NULL;
	if (type == vpiLeftRange)
		return (vpiHandle)&s->left;
	if (type == vpiRightRange)
		return (vpiHandle)&s->right;
	return NULL;
}

static vpiHandle iter_new(struct obj **item, size_t n)
{
	struct iter *it = calloc(1, sizeof(*it));
	if (!it || !(it->item = calloc(n ? n : 1, sizeof(*it->item)))) {
		free(it);
		vs_error("out of memory");
		return NULL;
	}
	it->o.kind = OBJ_ITER;
	memcpy(it->item, item, n * sizeof(*item));
	it->n = n;
	return (vpiHandle)it;
}

vpiHandle vpi_iterate(PLI_INT32 type, vpiHandle ref)
{
	struct obj *o = (struct obj *)ref, *one[1];
	if (type == vpiModule && !ref) {
		one[0] = &vs.top;
		return iter_new(one, 1);
	}
	if (type == vpiNet && o == &vs.top) {
		struct obj **all = calloc(vs.nsig ? vs.nsig : 1, sizeof(*all));
		if (!all)
			return NULL;
		for (size_t i = 0; i < vs.nsig; i++)
			all[i] = &vs.sig[i].o;
		vpiHandle it = iter_new(all, vs.nsig);
		free(all);
		return it;
	}
	if (type == vpiRange && sig_of(ref) && sig_of(ref)->width > 1) {
		one[0] = &sig_of(ref)->range;
		return iter_new(one, 1);
	}
	return NULL;
}

vpiHandle vpi_scan(vpiHandle iterator)
{
	struct iter *it = (struct iter *)iterator;
	if (!it || it->o.kind != OBJ_ITER)
		return NULL;
	if (it->next < it->n)
		return (vpiHandle)it->item[it->next++];
	/* The end: VPI frees an iterator that was scanned to its end. */
	free(it->item);
	free(it);
	return NULL;
}

PLI_INT32 vpi_free_object(vpiHandle object)
{
	struct obj *o = (struct obj *)object;
	if (o && o->kind == OBJ_ITER) {
		free(((struct iter *)o)->item);
		free(o);
	} else if (o && o->kind == OBJ_CB) {
		return vs_cb_free(o);
	}
	return 1;
}

PLI_INT32 vpi_release_handle(vpiHandle object)
{
	return vpi_free_object(object);
}

PLI_INT32 vpi_get(PLI_INT32 property, vpiHandle object)
{
	struct obj *o = (struct obj *)object;
	struct sig *s = sig_of(object);
	if (property == vpiTimePrecision || property == vpiTimeUnit)
		return vs.precision;
	if (!o)
		return vpiUndefined;
	switch (property) {
	case vpiType:
		return o->kind == OBJ_MODULE   ? vpiModule
			: s                    ? vpiNet
			: o->kind == OBJ_RANGE ? vpiRange
			: o->kind == OBJ_BOUND ? vpiConstant
			: o->kind == OBJ_CB    ? vpiCallback
			: o->kind == OBJ_ITER  ? vpiIterator
					       : vpiUndefined;
	case vpiSize:
		return s ? (PLI_INT32)s->width : o->kind == OBJ_BOUND ? 32 : vpiUndefined;
	case vpiVector:
		return s && s->width > 1;
	case vpiScalar:
		return s && s->width == 1;
	case vpiSigned:
		return 0;
	case vpiDirection:
		return s ? (s->is_input ? vpiInput : vpiOutput) : vpiUndefined;
	case vpiConstType:
		return o->kind == OBJ_BOUND ? vpiDecConst : vpiUndefined;
	case vpiTopModule:
		return o->kind == OBJ_MODULE;
	default:
		return vpiUndefined;
	}
}

PLI_BYTE8 *vpi_get_str(PLI_INT32 property, vpiHandle object)
{
	static char type[32];
	struct obj *o = (struct obj *)object;
	struct sig *s = sig_of(object);
	if (!o)
		return NULL;
	switch (property) {
	case vpiName:
		return o->kind == OBJ_MODULE ? vs.top_name : s ? s->name : NULL;
	case vpiFullName:
		return o->kind == OBJ_MODULE ? vs.top_name : s ? s->full : NULL;
	case vpiDefName:
		return o->kind == OBJ_MODULE ? vs.top_name : NULL;
	case vpiType:
		snprintf(type, sizeof(type), "%s",
			 o->kind == OBJ_MODULE          ? "vpiModule"
				 : s                    ? "vpiNet"
				 : o->kind == OBJ_RANGE ? "vpiRange"
							: "vpiConstant");
		return type;
	default:
		return NULL;
	}
}

/* The value of a range's bound, for vpi_get_value. */
int vs_bound(struct obj *o, PLI_INT32 *out)
{
	struct sig *s = o->kind == OBJ_BOUND ? owner(o) : NULL;
	if (!s)
		return 0;
	*out = o == &s->left ? (PLI_INT32)s->width - 1 : 0;
	return 1;
}
