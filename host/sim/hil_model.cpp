// The Verilator backend, in-process: the bridge shell (Vshell: bridge and
// port registers, generated as hil_shell.v) and the DUT's own RTL (Vdut) as
// two models, joined by hil_glue.h. The DUT gets a rising edge exactly on
// the bridge's advancing clocks, which in simulation is the same as the
// chip's clock enable, and costs nothing on the others.
//
// Fast-forward: while the engine is only counting toward a stamp with no
// break armed (ff_ok), the DUT is clocked alone, up to the clock before the
// stamp and only while no watched output changes; the one bridge clock that
// follows adds those cycles to its counter (ff_add, hil_engine.v). A free
// run thus costs the DUT's evaluation and little else.
//
// The lane: pokes stamped after every command sent before them
// (hil_model_lane) need not cross the byte port. Each is written into the
// DUT model right after the edge into its cycle, with an evaluation, as
// the bridge's POKE would have at that cycle; the shell's registers load
// the DUT's inputs (lane_we) on the same bridge clock, so its reads,
// watches and breaks see what they would have. The engine meanwhile only
// counts the cycles of a command stamped later, fast-forwarding as usual.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <new>
#include <vector>

#include "Vdut.h"
#include "Vshell.h"
#include "hil_model.h"
#include "verilated.h"
// HIL_MODEL_TRACE: 1 for a VCD, 2 for an FST; a model without it has no
// tracing code at all, so that a run without waves costs nothing more.
#if HIL_MODEL_TRACE == 1
#include "verilated_vcd_c.h"
typedef VerilatedVcdC Waves;
#elif HIL_MODEL_TRACE == 2
#include "verilated_fst_c.h"
typedef VerilatedFstC Waves;
#endif

#include "hil_glue.h"

// A fast-forward stretch ends after this many DUT cycles, so that the
// caller's clock budget (and with it its timers) still bites.
static const uint64_t FF_MAX = 1u << 16;

// The lane's bound: a caller with more waits for the model to use some.
static const size_t LANE_CAP = 1u << 20;
// A lane entry: its cycle (8 bytes, little-endian), port, value length,
// then the value.
static const size_t LANE_HDR = 10;

struct hil_model {
	VerilatedContext ctx;
	Vshell *sh;
	Vdut *dut;
	uint64_t cycle; // the DUT's edges so far
	std::vector<uint8_t> lane;
	size_t lane_pos;    // the next entry's offset in lane
	uint64_t lane_next; // its cycle, or UINT64_MAX when the lane is empty
	uint64_t lane_last; // the cycle of the latest entry taken
	bool lane_load;     // the shell must load the DUT's inputs
	bool idle;          // the last run left the bridge idle, its input taken
#ifdef HIL_MODEL_TRACE
	Waves *waves;
	uint64_t last; // the time of the last dump
#endif
};

#ifdef HIL_MODEL_PEEK
#include "hil_peek.h"
#endif

#ifdef HIL_MODEL_TRACE
// Picoseconds: cycle n at n ns, as the port-level VCD has it. Verilator
// ignores a dump at a time already dumped (and says so on stdout), so a
// cycle's second poke goes a picosecond after its first.
static void dump(hil_model *m, uint64_t at)
{
	if (!m->waves)
		return;
	uint64_t t = m->cycle * 1000 + at;
	if (t <= m->last)
		t = m->last + 1;
	m->waves->dump(t);
	m->last = t;
}
#else
static void dump(hil_model *, uint64_t)
{
}
#endif

// eval() is Verilator's eval_step(), which around the evaluation itself
// sets and reads per-thread state (Verilated::t_s) that a single-threaded
// model has no use for; in a shared library each of those is a call to
// __tls_get_addr, a few nanoseconds, as much as a small DUT's whole cycle.
// Once the first eval() has run the DUT's initial blocks, the model calls
// the root's evaluation directly. A traced model keeps eval(), whose
// eval_step also marks activity for the dump.
#ifdef HIL_MODEL_TRACE
static inline void eval_dut(hil_model *m)
{
	m->dut->eval();
}
static inline void eval_shell(hil_model *m)
{
	m->sh->eval();
}
#else
void Vdut___024root___eval(Vdut___024root *);
void Vshell___024root___eval(Vshell___024root *);
static inline void eval_dut(hil_model *m)
{
	Vdut___024root___eval(m->dut->rootp);
}
static inline void eval_shell(hil_model *m)
{
	Vshell___024root___eval(m->sh->rootp);
}
#endif

static void dut_edge(hil_model *m)
{
#ifdef HIL_GLUE_CLOCK
	m->dut->HIL_GLUE_CLOCK = 1;
	eval_dut(m);
	m->cycle++;
	dump(m, 0);
	m->dut->HIL_GLUE_CLOCK = 0;
#else
	m->cycle++;
#endif
	eval_dut(m);
	dump(m, 500);
}

// A lane entry's cycle.
static uint64_t entry_cycle(const uint8_t *e)
{
	uint64_t c = 0;
	for (int i = 7; i >= 0; i--)
		c = c << 8 | e[i];
	return c;
}

static uint64_t lane_cycle(const hil_model *m, size_t at)
{
	return entry_cycle(m->lane.data() + at);
}

// The lane's pokes due in the cycle the DUT has just entered, each with
// the evaluation a POKE gets.
static void lane_apply(hil_model *m)
{
	while (m->lane_next == m->cycle) {
		const uint8_t *e = m->lane.data() + m->lane_pos;
		hil_glue_poke(m->dut, e[8], e + LANE_HDR);
		eval_dut(m);
		dump(m, 500);
		m->lane_pos += LANE_HDR + e[9];
		m->lane_next =
			m->lane_pos < m->lane.size() ? lane_cycle(m, m->lane_pos) : UINT64_MAX;
		m->lane_load = true;
	}
}

// One rising edge of the bridge's clock, the DUT's with it when it
// advances; leaves the clock low for the next evaluation.
static void bridge_clock(hil_model *m)
{
	Vshell *sh = m->sh;
	bool adv = sh->dut_advance, poked = sh->dut_poked;
	uint64_t extra = 0;
	if (adv) {
		hil_glue_inputs(m->dut, sh);
		dut_edge(m);
		lane_apply(m);
		if (sh->ff_ok) {
			uint64_t room = (uint64_t)sh->ff_left - 1;
			if (room > FF_MAX)
				room = FF_MAX;
			while (extra < room && !hil_glue_watched_changed(sh, m->dut)) {
				dut_edge(m);
				lane_apply(m);
				extra++;
			}
		}
	}
	sh->ff_add = extra;
	if (m->lane_load) {
		hil_glue_lane(sh, m->dut);
		sh->lane_we = 1;
		m->lane_load = false;
	}
	sh->clk = 1;
	eval_shell(m);
	sh->ff_add = 0;
	sh->lane_we = 0;
	if (poked) {
		hil_glue_inputs(m->dut, sh);
		eval_dut(m);
		dump(m, 500);
	}
	if (adv || poked)
		hil_glue_outputs(sh, m->dut);
	sh->clk = 0;
}

extern "C" unsigned hil_model_abi(void)
{
	return HIL_MODEL_ABI;
}

extern "C" hil_model *hil_model_new(const char *waves, char *err, size_t errlen)
{
#ifndef HIL_MODEL_TRACE
	if (waves) {
		std::snprintf(err, errlen, "this model was built without tracing");
		return nullptr;
	}
#endif
	hil_model *m = new (std::nothrow) hil_model;
	if (!m) {
		std::snprintf(err, errlen, "out of memory for the model");
		return nullptr;
	}
	m->cycle = 0;
	m->lane_pos = 0;
	m->lane_next = UINT64_MAX;
	m->lane_last = 0;
	m->lane_load = false;
	m->idle = false;
#ifdef HIL_MODEL_TRACE
	m->waves = nullptr;
	m->last = 0;
	if (waves)
		m->ctx.traceEverOn(true);
#endif
	m->sh = new (std::nothrow) Vshell(&m->ctx, "shell");
	m->dut = new (std::nothrow) Vdut(&m->ctx, "dut");
	if (!m->sh || !m->dut) {
		std::snprintf(err, errlen, "out of memory for the model");
		hil_model_free(m);
		return nullptr;
	}
	m->sh->rst = 1;
	m->sh->clk = 0;
	m->sh->eval();
	for (int i = 0; i < 4; i++) {
		bridge_clock(m);
		m->sh->eval();
	}
	m->sh->rst = 0;
	hil_glue_inputs(m->dut, m->sh);
	m->dut->eval();
	hil_glue_outputs(m->sh, m->dut);
	m->sh->eval();
#ifdef HIL_MODEL_TRACE
	if (waves) {
		m->waves = new (std::nothrow) Waves;
		if (!m->waves) {
			std::snprintf(err, errlen, "out of memory for the model");
			hil_model_free(m);
			return nullptr;
		}
		m->dut->trace(m->waves, 99);
		m->waves->set_time_unit("1ps");
		m->waves->set_time_resolution("1ps");
		m->waves->open(waves);
		if (!m->waves->isOpen()) {
			std::snprintf(err, errlen, "%s: cannot write the waveform", waves);
			hil_model_free(m);
			return nullptr;
		}
		m->waves->dump(0);
	}
#endif
	return m;
}

extern "C" void hil_model_free(hil_model *m)
{
	if (!m)
		return;
	if (m->sh)
		m->sh->final();
	if (m->dut)
		m->dut->final();
#ifdef HIL_MODEL_TRACE
	if (m->waves) {
		m->waves->close();
		delete m->waves;
	}
#endif
	delete m->sh;
	delete m->dut;
	delete m;
}

extern "C" int hil_model_signal(hil_model *m, const char *name, uint8_t *val, size_t cap,
				unsigned *width, char *err, size_t errlen)
{
#ifdef HIL_MODEL_PEEK
	return peek_signal(m, name, val, cap, width, err, errlen);
#else
	(void)m, (void)name, (void)val, (void)cap, (void)width;
	std::snprintf(err, errlen, "this model was built without internal signals");
	return 0;
#endif
}

extern "C" int hil_model_run(hil_model *m, const uint8_t *in, size_t in_len, size_t *taken,
			     uint8_t *out, size_t cap, size_t *made, unsigned long clocks)
{
	Vshell *sh = m->sh;
	size_t pos = 0, n = 0;
	int idle = 0;
	for (unsigned long c = 0; c < clocks; c++) {
		// This clock's inputs, from the state after the last edge; one
		// evaluation settles them and the falling edge together.
		sh->rx_valid = pos < in_len;
		sh->rx_data = pos < in_len ? in[pos] : 0;
		sh->tx_ready = n < cap;
		eval_shell(m);
		if (sh->idle && pos == in_len && !sh->tx_valid) {
			idle = 1;
			break;
		}
		if (n && (!sh->tx_valid || n == cap))
			break;
		bool took = sh->rx_valid, gave = sh->tx_valid && sh->tx_ready;
		uint8_t tx = sh->tx_data;
		bridge_clock(m);
		if (took)
			pos++;
		if (gave)
			out[n++] = tx;
	}
	*taken = pos;
	*made = n;
	m->idle = idle;
	return idle;
}

extern "C" uint64_t hil_model_cycles(const hil_model *m)
{
	return m->cycle;
}

extern "C" int hil_model_lane(hil_model *m, const uint8_t *in, size_t len, size_t *taken,
			      char *err, size_t errlen)
{
	if (m->lane_pos == m->lane.size()) {
		m->lane.clear();
		m->lane_pos = 0;
	} else if (m->lane_pos > LANE_CAP / 2) {
		m->lane.erase(m->lane.begin(), m->lane.begin() + (long)m->lane_pos);
		m->lane_pos = 0;
	}
	size_t pos = 0;
	int rc = 0;
	while (pos + LANE_HDR <= len && pos + LANE_HDR + in[pos + 9] <= len) {
		size_t n = LANE_HDR + in[pos + 9];
		if (m->lane.size() - m->lane_pos + n > LANE_CAP)
			break;
		uint64_t c = entry_cycle(in + pos);
		unsigned port = in[pos + 8];
		// An entry for a cycle the DUT has entered would never be made,
		// and would hold up every entry behind it.
		if (c <= m->cycle || c < m->lane_last || port >= HIL_GLUE_NPORTS ||
		    !hil_glue_in_bytes[port] || hil_glue_in_bytes[port] != in[pos + 9]) {
			std::snprintf(
				err, errlen,
				"a lane poke of port %u (%u bytes) for cycle %llu, with the "
				"DUT at cycle %llu and the lane at %llu (a bug in hil)",
				port, in[pos + 9], (unsigned long long)c,
				(unsigned long long)m->cycle,
				(unsigned long long)m->lane_last);
			rc = -1;
			break;
		}
		m->lane.insert(m->lane.end(), in + pos, in + pos + n);
		m->lane_last = c;
		pos += n;
	}
	if (m->lane_next == UINT64_MAX && m->lane_pos < m->lane.size())
		m->lane_next = lane_cycle(m, m->lane_pos);
	*taken = pos;
	return rc;
}

// What a POKE does when the engine executes it (bridge_clock, poked),
// without the bytes: the DUT's input written and evaluated, its outputs
// handed to the shell, and the shell's copy of the input loaded on its
// next clock (lane_we), before the engine can act on anything.
extern "C" int hil_model_poke_now(hil_model *m, uint64_t cycle, unsigned port,
				  const uint8_t *val, size_t len, char *err, size_t errlen)
{
	if (!m->idle || m->lane_pos != m->lane.size())
		return 0;
	if (cycle != m->cycle || port >= HIL_GLUE_NPORTS || !hil_glue_in_bytes[port] ||
	    hil_glue_in_bytes[port] != len) {
		std::snprintf(err, errlen,
			      "a poke of port %u (%zu bytes) now at cycle %llu, with the DUT "
			      "at cycle %llu (a bug in hil)",
			      port, len, (unsigned long long)cycle,
			      (unsigned long long)m->cycle);
		return -1;
	}
	hil_glue_poke(m->dut, port, val);
	eval_dut(m);
	dump(m, 500);
	hil_glue_outputs(m->sh, m->dut);
	m->lane_load = true;
	return 1;
}

extern "C" void hil_model_lane_clear(hil_model *m)
{
	m->lane.clear();
	m->lane_pos = 0;
	m->lane_next = UINT64_MAX;
	m->lane_last = 0;
}
