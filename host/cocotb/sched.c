/* Callbacks and time. A time step runs as in the main loop cocotb ships
 * for Verilator (docs/dev/cocotb-vpi.md, section 4): the timers due, then
 * until nothing happens an evaluation, the value callbacks, a read-write
 * callback and the value callbacks of what it wrote; then the read-only
 * callback, and time moves to the next timer (or the next write of
 * cocotb's Clock, when hil drives it: clock.c). With neither left the
 * simulation ends, as Verilator's does. So a RisingEdge(clk) callback runs
 * after cocotb's write of the clock and before the DUT takes the edge (its
 * reads see the cycle before), and what it writes lands after the edge. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpisim.h"

struct design vs;

enum cb_state {
	ARMED,
	FIRED,
	REMOVED
};

struct cb {
	struct obj o;
	s_cb_data data;
	s_vpi_time time;
	s_vpi_value value;
	enum cb_state state;
	int released; /* cocotb freed the handle: reclaim it once fired */
	uint64_t due; /* cbAfterDelay */
	uint64_t seq;
	struct cb *next;
};

static struct cb *cbs, **cbs_end = &cbs;
static uint64_t cb_seq;
static s_vpi_error_info last_error;
static char error_text[1024];
static int failed; /* the session failed: the simulation ends */

void vs_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(error_text, sizeof(error_text), fmt, ap);
	va_end(ap);
	memset(&last_error, 0, sizeof(last_error));
	last_error.state = vpiRun;
	last_error.level = vpiError;
	last_error.message = error_text;
	last_error.product = vs.product;
}

PLI_INT32 vpi_chk_error(p_vpi_error_info error_info_p)
{
	PLI_INT32 level = last_error.level;
	if (level && error_info_p)
		*error_info_p = last_error;
	memset(&last_error, 0, sizeof(last_error));
	return level;
}

PLI_INT32 vpi_get_vlog_info(p_vpi_vlog_info vlog_info_p)
{
	if (!vlog_info_p)
		return 0;
	vlog_info_p->argc = vs.argc;
	vlog_info_p->argv = vs.argv;
	vlog_info_p->product = vs.product;
	vlog_info_p->version = vs.version;
	return 1;
}

void vpi_get_time(vpiHandle object, p_vpi_time time_p)
{
	(void)object;
	if (!time_p)
		return;
	time_p->high = (PLI_UINT32)(vs.now >> 32);
	time_p->low = (PLI_UINT32)vs.now;
	time_p->real = (double)vs.now;
}

PLI_INT32 vpi_control(PLI_INT32 operation, ...)
{
	if (operation == vpiFinish || operation == vpiStop)
		vs.finished = 1;
	return 1;
}

static int known_reason(PLI_INT32 r)
{
	return r == cbValueChange || r == cbAfterDelay || r == cbReadWriteSynch ||
		r == cbReadOnlySynch || r == cbNextSimTime || r == cbStartOfSimulation ||
		r == cbEndOfSimulation;
}

vpiHandle vpi_register_cb(p_cb_data cb_data_p)
{
	if (!cb_data_p || !cb_data_p->cb_rtn || !known_reason(cb_data_p->reason)) {
		vs_error("hil has no callback for reason %d",
			 cb_data_p ? (int)cb_data_p->reason : -1);
		return NULL;
	}
	struct obj *target = (struct obj *)cb_data_p->obj;
	if (cb_data_p->reason == cbValueChange &&
	    (!target || (target->kind != OBJ_PORT && target->kind != OBJ_CLOCK))) {
		vs_error(
			"hil watches the DUT's ports and clock for value changes, nothing else");
		return NULL;
	}
	struct cb *c = calloc(1, sizeof(*c));
	if (!c) {
		vs_error("out of memory");
		return NULL;
	}
	c->o.kind = OBJ_CB;
	/* cocotb reuses its cb_data when it arms again: keep a copy. */
	c->data = *cb_data_p;
	if (cb_data_p->time) {
		c->time = *cb_data_p->time;
		c->data.time = &c->time;
	}
	if (cb_data_p->value) {
		c->value = *cb_data_p->value;
		c->data.value = &c->value;
	}
	if (c->data.reason == cbAfterDelay && cb_data_p->time)
		c->due = vs.now +
			((uint64_t)cb_data_p->time->high << 32 | cb_data_p->time->low);
	c->seq = cb_seq++;
	if (c->data.reason == cbValueChange) {
		struct sig *s = (struct sig *)target;
		/* An output's changes are seen against its value now. */
		if (vs_output(s) < 0) {
			free(c);
			return NULL;
		}
		s->ncb++;
	}
	*cbs_end = c;
	cbs_end = &c->next;
	return (vpiHandle)c;
}

static void disarm(struct cb *c)
{
	if (c->state == ARMED && c->data.reason == cbValueChange)
		((struct sig *)c->data.obj)->ncb--;
	c->state = REMOVED;
}

PLI_INT32 vpi_remove_cb(vpiHandle cb_obj)
{
	struct cb *c = (struct cb *)cb_obj;
	if (!c || c->o.kind != OBJ_CB)
		return 0;
	disarm(c);
	c->released = 1;
	return 1;
}

PLI_INT32 vs_cb_free(struct obj *o)
{
	struct cb *c = (struct cb *)o;
	if (c->state == ARMED)
		disarm(c);
	c->released = 1;
	return 1;
}

/* Frees the callbacks cocotb is done with; only between dispatches, so
 * that none is freed while a list of them is being called. */
static void reclaim(void)
{
	struct cb **p = &cbs;
	while (*p) {
		struct cb *c = *p;
		if (c->released && c->state != ARMED) {
			*p = c->next;
			free(c);
		} else {
			p = &c->next;
		}
	}
	cbs_end = p;
}

static void call(struct cb *c)
{
	if (vs.finished)
		return;
	s_cb_data d = c->data;
	s_vpi_time t = {.type = vpiSimTime};
	vpi_get_time(NULL, &t);
	d.time = &t;
	if (c->data.reason != cbValueChange)
		c->state = FIRED;
	c->data.cb_rtn(&d);
}

/* The armed callbacks for `reason` (and, for cbAfterDelay, due now), as
 * they stand before any of them runs: one armed by a callback of this
 * round waits for the next. */
static size_t collect(PLI_INT32 reason, struct cb ***out)
{
	size_t n = 0, cap = 0;
	struct cb **list = NULL;
	for (struct cb *c = cbs; c; c = c->next) {
		if (c->state != ARMED || c->data.reason != reason)
			continue;
		if (reason == cbAfterDelay && c->due != vs.now)
			continue;
		if (reason == cbValueChange && !((struct sig *)c->data.obj)->changed)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			struct cb **t = realloc(list, cap * sizeof(*t));
			if (!t) {
				free(list);
				vs_error("out of memory");
				failed = 1;
				*out = NULL;
				return 0;
			}
			list = t;
		}
		list[n++] = c;
	}
	*out = list;
	return n;
}

/* Calls the callbacks of one round; returns how many ran. Among the
 * timers, the Clock hil drives takes its turn in the order of
 * registration, where its own timer would be. */
static size_t round_of(PLI_INT32 reason)
{
	struct cb **list = NULL;
	size_t n = collect(reason, &list);
	if (reason == cbValueChange) {
		for (size_t i = 0; i < vs.nsig; i++)
			vs.sig[i].changed = 0;
		vs_inputs_shown();
	}
	uint64_t turn;
	int clock = reason == cbAfterDelay && vs_clock_turn_due(&turn);
	size_t ran = 0;
	for (size_t i = 0; i < n && !vs.finished && !failed; i++) {
		if (clock && list[i]->seq > turn) {
			vs_clock_turn();
			clock = 0;
			ran++;
		}
		if (list[i]->state == ARMED) {
			call(list[i]);
			ran++;
		}
	}
	if (clock && !vs.finished && !failed) {
		vs_clock_turn();
		ran++;
	}
	free(list);
	return ran;
}

uint64_t vs_next_seq(void)
{
	return cb_seq++;
}

void vs_fail(void)
{
	failed = 1;
}

static int any_changed(void)
{
	for (size_t i = 0; i < vs.nsig; i++)
		if (vs.sig[i].changed && vs.sig[i].ncb)
			return 1;
	return 0;
}

/* Value callbacks until no value changes. */
static void settle(void)
{
	while (any_changed() && !vs.finished && !failed)
		round_of(cbValueChange);
	for (size_t i = 0; i < vs.nsig; i++)
		vs.sig[i].changed = 0;
	vs_inputs_shown();
}

static int evaluate(void)
{
	int rc = vs_evaluate();
	if (rc < 0)
		failed = 1;
	return rc > 0;
}

/* The earliest timer still armed, or the clock's next write if it comes
 * first; 0 with neither. */
static int next_due(uint64_t *at)
{
	int any = 0;
	for (struct cb *c = cbs; c; c = c->next)
		if (c->state == ARMED && c->data.reason == cbAfterDelay &&
		    (!any || c->due < *at)) {
			*at = c->due;
			any = 1;
		}
	uint64_t tick;
	if (vs_clock_due(&tick) && (!any || tick < *at)) {
		*at = tick;
		any = 1;
	}
	return any;
}

size_t vs_armed(PLI_INT32 reason, struct obj **obj)
{
	size_t n = 0;
	for (struct cb *c = cbs; c; c = c->next)
		if (c->state == ARMED && c->data.reason == reason) {
			n++;
			if (obj)
				*obj = (struct obj *)c->data.obj;
		}
	return n;
}

void vs_delay_timers(uint64_t by)
{
	for (struct cb *c = cbs; c; c = c->next)
		if (c->state == ARMED && c->data.reason == cbAfterDelay)
			c->due += by;
}

static int going(void)
{
	return !vs.finished && !failed;
}

int vs_run(void)
{
	round_of(cbStartOfSimulation);
	while (going()) {
		while (going() && round_of(cbAfterDelay))
			;
		settle();
		int did;
		do {
			did = evaluate();
			settle();
			/* Where cocotb applies its writes, its Clock's among them. */
			if (going() && vs_clock_apply())
				did = 1;
			if (going() && round_of(cbReadWriteSynch))
				did = 1;
			settle();
		} while (did && going());
		if (going())
			round_of(cbReadOnlySynch);
		reclaim();
		uint64_t at = 0;
		if (!going() || !next_due(&at))
			break;
		int fr = vs_free_run(at);
		if (fr < 0)
			failed = 1;
		if (fr && (!going() || !next_due(&at)))
			break;
		vs.now = at;
		vs_clock_new_step();
		round_of(cbNextSimTime);
		settle();
	}
	/* cocotb ends Python once it has asked to finish; only a simulation
	 * that ran out of events tells it that it ended. */
	int broke = failed;
	failed = 0;
	if (!vs.finished)
		round_of(cbEndOfSimulation);
	reclaim();
	/* The last writes and cycles travel with a read: send them. */
	if (!broke && hil_run_until(vs.h, hil_now(vs.h)) < 0)
		broke = 1;
	return broke ? -1 : 0;
}
