/* cocotb's Clock on the DUT's clock, driven by the simulator (docs/cocotb.md,
 * "Speed"). cocotb 1.9's Clock is a Python coroutine: at every half period
 * its timer wakes it, it writes the clock, and cocotb applies the write at
 * the time step's ReadWrite point; two trips into Python a cycle that a
 * lock-step test pays on top of its own. python/hil_cocotb.py hands a Clock
 * that runs forever on the DUT's clock to this file instead, which plays
 * its part with no Python:
 *  - its turn comes among the timers due, in the order cocotb's timer
 *    would have (armed at the previous turn), and schedules its write;
 *  - the write is applied where cocotb applies its writes;
 *  - as in cocotb, of two writes to the clock scheduled in one time step
 *    the later wins (cocotb tells this file of its own through the clock
 *    handle, hil_cocotb_clock_written), a Clock killed after its turn
 *    still has its write applied, and the end of a test drops it.
 * cocotb 2.0 moved its Clock into its C++ layer for the same reason. */
#include <string.h>

#include "vpisim.h"

static struct {
	int on;
	uint64_t half;  /* steps between writes */
	uint64_t due;   /* the time of the next turn */
	uint64_t seq;   /* its place among the timers due then */
	uint8_t value;  /* what the next turn writes: 1 or 0 */
	int scheduled;  /* the write to apply at the ReadWrite point, or -1 */
	int written;    /* cocotb scheduled a write to the clock this step */
	int drop;       /* a turn came after it: cocotb's write is replaced */
	uint64_t token; /* the Clock's, for its stop */
} clk = {.scheduled = -1};
static uint64_t tokens;

uint64_t hil_cocotb_clock_start(const char *path, uint64_t half, int start_high);
void hil_cocotb_clock_stop(uint64_t token, int drop);
void hil_cocotb_clock_written(void);

/* Called from Python (ctypes) when a Clock starts on `path` ("top.clk"):
 * schedules start_high now, then the other value every `half` steps.
 * Returns a token for hil_cocotb_clock_stop, or 0 if the simulator does
 * not drive it (another signal than the DUT's clock, or a clock already
 * driven): cocotb's own Clock runs then. */
uint64_t hil_cocotb_clock_start(const char *path, uint64_t half, int start_high)
{
	if (clk.on || !path || !half || !vs.clock || strcmp(path, vs.clock->full))
		return 0;
	clk.on = 1;
	clk.half = half;
	clk.scheduled = start_high ? 1 : 0;
	clk.value = start_high ? 0 : 1;
	clk.due = vs.now + half;
	clk.seq = vs_next_seq();
	clk.token = ++tokens;
	return clk.token;
}

/* The Clock's task ended: killed (drop 0), or its test ended (drop 1:
 * cocotb drops the writes scheduled then). */
void hil_cocotb_clock_stop(uint64_t token, int drop)
{
	if (token != clk.token)
		return;
	clk.on = 0;
	if (drop)
		clk.scheduled = -1;
}

/* cocotb scheduled a write to the clock: it replaces the Clock's write if
 * that came first, and a turn of the Clock later in the step replaces it. */
void hil_cocotb_clock_written(void)
{
	if (clk.scheduled >= 0) {
		clk.scheduled = -1;
		clk.drop = 0;
	} else {
		clk.written = 1;
	}
}

int vs_clock_due(uint64_t *at)
{
	if (!clk.on)
		return 0;
	*at = clk.due;
	return 1;
}

int vs_clock_turn_due(uint64_t *seq)
{
	if (!clk.on || clk.due != vs.now)
		return 0;
	*seq = clk.seq;
	return 1;
}

void vs_clock_turn(void)
{
	if (!clk.on || clk.due != vs.now)
		return;
	clk.scheduled = clk.value;
	clk.value ^= 1;
	clk.due += clk.half;
	clk.seq = vs_next_seq();
	if (clk.written)
		clk.drop = 1;
}

int vs_clock_apply(void)
{
	if (clk.scheduled < 0)
		return 0;
	uint8_t v[HIL_MAX_PORT_BYTES] = {(uint8_t)clk.scheduled};
	clk.scheduled = -1;
	return vs_drive(vs.clock, v);
}

int vs_clock_drops_write(void)
{
	int d = clk.drop;
	clk.drop = 0;
	return d;
}

void vs_clock_new_step(void)
{
	clk.written = 0;
	clk.drop = 0;
}

void vs_clock_delay(uint64_t by)
{
	clk.due += by;
}
