/* ClockCycles as a free run (docs/cocotb.md, "Speed"). cocotb takes the
 * edges of a ClockCycles one by one: a long wait costs a trip into Python
 * a cycle, three with cocotb's own Clock.
 * python/hil_cocotb.py asks, before an edge it awaits with more to come,
 * for all of them but the last at once. The request is granted at the end
 * of the time step, when every callback of the step has run, and only if
 * nothing could tell the difference: no write pending, nothing due but
 * the Clock's next write (clock.c, or the timer of cocotb's own Clock)
 * within its half period, one value callback, on the clock, and Python
 * confirms that those wait for its Clock and for this wait alone. Then
 * the DUT runs the cycles as one hil_step, with its inputs as they stand,
 * and the Clock moves on by as many periods, so it keeps its phase and
 * the last edge comes as any. */
#include <string.h>

#include "vpisim.h"

static struct {
	struct sig *clock;
	uint64_t edges, half, token;
	int (*confirm)(void);
} ask;
static uint64_t tokens, ran_token, ran, total;

uint64_t hil_cocotb_free_run(const char *clock, uint64_t edges, uint64_t half,
			     int (*confirm)(void));
uint64_t hil_cocotb_free_ran(uint64_t token);

/* Called from Python (ctypes): asks for `edges` edges of `clock` (its path,
 * "top.clk") to be run at once; `half` is its Clock's half period in steps.
 * Returns a token for hil_cocotb_free_ran, 0 when it cannot be (a signal
 * that is not the DUT's clock). */
uint64_t hil_cocotb_free_run(const char *clock, uint64_t edges, uint64_t half,
			     int (*confirm)(void))
{
	ask.clock = NULL;
	if (!clock || !vs.clock || !confirm || !edges || !half ||
	    edges > UINT64_MAX / 2 / half)
		return 0;
	if (strcmp(clock, vs.clock->full))
		return 0;
	ask.clock = vs.clock;
	ask.edges = edges;
	ask.half = half;
	ask.confirm = confirm;
	ask.token = ++tokens;
	return ask.token;
}

/* How many edges the request `token` ran at once: 0 if it was not granted. */
uint64_t hil_cocotb_free_ran(uint64_t token)
{
	if (!token || token != ran_token)
		return 0;
	ran_token = 0;
	return ran;
}

int vs_free_run(uint64_t at)
{
	if (!ask.clock)
		return 0;
	ask.clock = NULL;
	struct obj *watched = NULL;
	uint64_t tick;
	int driven = vs_clock_due(&tick);
	if (at - vs.now > ask.half || (driven && tick != at) ||
	    vs_armed(cbAfterDelay, NULL) != (driven ? 0 : 1) ||
	    vs_armed(cbValueChange, &watched) != 1 || watched != &vs.clock->o ||
	    vs_armed(cbReadWriteSynch, NULL) || vs_armed(cbReadOnlySynch, NULL) ||
	    vs_armed(cbNextSimTime, NULL) || vs_edge_due())
		return 0;
	for (size_t i = 0; i < vs.nsig; i++)
		if (vs.sig[i].pending)
			return 0;
	if (!ask.confirm())
		return 0;
	if (hil_step(vs.h, ask.edges) < 0) {
		vs_error("running the DUT %llu cycles: %s", (unsigned long long)ask.edges,
			 hil_error(vs.h));
		return -1;
	}
	for (size_t i = 0; i < vs.nsig; i++)
		vs.sig[i].seen = 0;
	if (driven)
		vs_clock_delay(ask.edges * 2 * ask.half);
	else
		vs_delay_timers(ask.edges * 2 * ask.half);
	ran_token = ask.token;
	ran = ask.edges;
	total += ran;
	return 1;
}

uint64_t vs_free_run_cycles(void)
{
	return total;
}
