/* cocotb's Clock on the DUT's clock, driven by the simulator (docs/cocotb.md,
 * "The clock"). cocotb 1.9's Clock is a Python coroutine: at every half
 * period a timer wakes it, it writes the clock, and cocotb applies the
 * write in the time step's ReadWrite phase; two trips into Python a cycle
 * that a lock-step test pays on top of its own. python/hil_cocotb.py hands
 * a Clock that runs forever on the DUT's clock to this file instead: the
 * same writes at the same times, applied at the same point of the time
 * step (before the step's ReadWrite callbacks), with no Python. cocotb 2.0
 * moved its Clock into its C++ layer for the same reason. */
#include <string.h>

#include "vpisim.h"

static struct {
	int on;
	uint64_t half;  /* steps between writes */
	uint64_t due;   /* the time of the next write */
	uint8_t value;  /* what it writes: 1 or 0 */
	uint64_t token; /* the Clock's, for its stop */
} clk;
static uint64_t tokens;

uint64_t hil_cocotb_clock_start(const char *path, uint64_t half, int start_high);
void hil_cocotb_clock_stop(uint64_t token);

/* Called from Python (ctypes) when a Clock starts on `path` ("top.clk"):
 * writes start_high now, then the other value every `half` steps. Returns
 * a token for hil_cocotb_clock_stop, or 0 if the simulator does not drive
 * it (another signal than the DUT's clock, or a clock already driven):
 * cocotb's own Clock runs then. */
uint64_t hil_cocotb_clock_start(const char *path, uint64_t half, int start_high)
{
	if (clk.on || !path || !half || !vs.clock || strcmp(path, vs.clock->full))
		return 0;
	clk.on = 1;
	clk.half = half;
	clk.due = vs.now;
	clk.value = start_high ? 1 : 0;
	clk.token = ++tokens;
	return clk.token;
}

/* The Clock's task ended (killed, or at the end of its test). */
void hil_cocotb_clock_stop(uint64_t token)
{
	if (clk.on && token == clk.token)
		clk.on = 0;
}

int vs_clock_on(void)
{
	return clk.on;
}

int vs_clock_due(uint64_t *at)
{
	if (!clk.on)
		return 0;
	*at = clk.due;
	return 1;
}

int vs_clock_tick(void)
{
	if (!clk.on || clk.due != vs.now)
		return 0;
	uint8_t v[HIL_MAX_PORT_BYTES] = {clk.value};
	clk.value ^= 1;
	clk.due += clk.half;
	return vs_drive(vs.clock, v);
}

void vs_clock_delay(uint64_t by)
{
	clk.due += by;
}
