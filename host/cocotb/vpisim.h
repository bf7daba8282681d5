/* hil-cocotb, the simulator side of cocotb's VPI (docs/cocotb.md,
 * docs/dev/cocotb-vpi.md): a VPI the size cocotb 1.9 uses, on a libhil
 * session. The objects are the DUT's top, its ports and its clock; time is
 * cocotb's, in steps of the precision; the DUT takes a cycle when cocotb
 * drives its clock from 0 to 1, and a write lands as a poke in the cycle it
 * belongs to. objects.c answers what cocotb asks of the design, values.c
 * reads and writes values, sched.c keeps the callbacks and runs time on the
 * shape of Verilator's own loop, so cocotb sees what it sees there. */
#ifndef HIL_COCOTB_VPISIM_H
#define HIL_COCOTB_VPISIM_H

#include <stddef.h>
#include <stdint.h>

#include "hil/hil.h"
#include "vpi_user.h"

enum obj_kind {
	OBJ_MODULE, /* the DUT's top */
	OBJ_PORT,   /* a port of the DUT (port: its index) */
	OBJ_CLOCK,  /* the DUT's clock, which hil drives on cocotb's writes */
	OBJ_RANGE,  /* a port's [width-1:0] */
	OBJ_BOUND,  /* one end of that range, an integer constant */
	OBJ_ITER,
	OBJ_CB
};

/* Every handle cocotb holds starts with this; vpiHandle points at it. */
struct obj {
	enum obj_kind kind;
};

/* A port or the clock: what cocotb reads and writes. */
struct sig {
	struct obj o;
	int port;       /* OBJ_PORT: index into the session's ports; -1 the clock */
	unsigned width; /* bits */
	char name[HIL_MAX_NAME], full[2 * HIL_MAX_NAME + 2];
	int is_input;
	uint8_t val[HIL_MAX_PORT_BYTES]; /* inputs: as written; outputs: last seen */
	int seen;    /* outputs: val holds the value at the last evaluation */
	int pending; /* an input written since the last evaluation */
	int changed; /* value callbacks are due */
	/* inputs: the value the last round of value callbacks saw */
	uint8_t shown[HIL_MAX_PORT_BYTES];
	int ncb; /* value callbacks armed on it */
	struct obj range, left, right;
};

struct design {
	hil_t *h;
	struct obj top;
	char top_name[HIL_MAX_NAME];
	struct sig *sig; /* the ports, then the clock if the DUT has one */
	size_t nsig;
	struct sig *clock;
	int clock_then; /* the clock's value at the last evaluation */
	int precision;
	uint64_t now; /* cocotb's time, in steps of the precision */
	int finished; /* cocotb called vpi_control(vpiFinish) */
	int argc;
	char **argv;
	char product[16], version[8200];
};

extern struct design vs;

/* Reports a failed VPI call through vpi_chk_error, which cocotb calls
 * after each one and logs. */
__attribute__((format(printf, 1, 2))) void vs_error(const char *fmt, ...);

/* objects.c */
int vs_design_open(const char *target, const struct hil_options *opt, char *err,
		   size_t errlen);
void vs_design_close(void);

/* The integer value of a range's bound: 1, or 0 if o is none. */
int vs_bound(struct obj *o, PLI_INT32 *out);

/* values.c: the DUT catches up with cocotb's writes: the pokes made since
 * the last evaluation, then a cycle if the clock rose. Outputs with value
 * callbacks are read again, and those that changed marked. Returns 1 if
 * anything was done, 0 if not, -1 when the session failed (cocotb is then
 * told, and the simulation ends). */
int vs_evaluate(void);
/* An output's value now (read from the DUT once an evaluation). */
int vs_output(struct sig *s);
/* An input written, as vpi_put_value writes it: v holds its bytes. Returns
 * 1 if the value changed, 0 if not. */
int vs_drive(struct sig *s, const uint8_t *v);
/* Whether the clock stands at 1 having been 0 at the last evaluation: the
 * next evaluation takes a cycle. */
int vs_edge_due(void);
/* A round of value callbacks has seen the inputs as they stand. */
void vs_inputs_shown(void);

/* sched.c: runs the simulation to its end; returns 0, or -1 when the
 * session failed. */
int vs_run(void);
/* vpi_free_object of a callback handle. */
PLI_INT32 vs_cb_free(struct obj *o);
/* How many callbacks for `reason` are armed; *obj (if given) is the object
 * of the last one. */
size_t vs_armed(PLI_INT32 reason, struct obj **obj);
/* Every armed timer falls due `by` steps later. */
void vs_delay_timers(uint64_t by);

/* clock.c: cocotb's Clock on the DUT's clock, driven here, as a timer of
 * its own among cocotb's. The time of its next write (*at), if it runs;
 * whether its turn among the timers due now is still to come (*seq: its
 * place, in the order of registration cocotb's timers have), and that
 * turn; its write, applied where cocotb applies its own (returns 1 if the
 * clock changed); whether a write cocotb applies to the clock must be
 * dropped (the Clock's came after it, and replaces it); a new time step. */
int vs_clock_due(uint64_t *at);
int vs_clock_turn_due(uint64_t *seq);
void vs_clock_turn(void);
int vs_clock_apply(void);
int vs_clock_drops_write(void);
void vs_clock_new_step(void);
/* Its next writes come `by` steps later. */
void vs_clock_delay(uint64_t by);
/* sched.c: the next place in the order of registration. */
uint64_t vs_next_seq(void);
/* The session failed: the simulation ends. */
void vs_fail(void);

/* freerun.c: before time moves on to `at`, the next timer, runs the cycles
 * a ClockCycles asked for at once if nothing else waits. Returns 1 if it
 * did, 0 if not, -1 when the session failed. */
int vs_free_run(uint64_t at);
/* The cycles run that way so far. */
uint64_t vs_free_run_cycles(void);

#endif
