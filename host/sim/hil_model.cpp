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
#include <cstdint>
#include <cstdio>
#include <new>

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

struct hil_model {
	VerilatedContext ctx;
	Vshell *sh;
	Vdut *dut;
#ifdef HIL_MODEL_TRACE
	Waves *waves;
	uint64_t cycle; // the DUT's edges so far
	uint64_t last;  // the time of the last dump
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

static void dut_edge(hil_model *m)
{
#ifdef HIL_GLUE_CLOCK
	m->dut->HIL_GLUE_CLOCK = 1;
	m->dut->eval();
#ifdef HIL_MODEL_TRACE
	m->cycle++;
#endif
	dump(m, 0);
	m->dut->HIL_GLUE_CLOCK = 0;
#elif defined(HIL_MODEL_TRACE)
	m->cycle++;
#endif
	m->dut->eval();
	dump(m, 500);
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
		if (sh->ff_ok) {
			uint64_t room = (uint64_t)sh->ff_left - 1;
			if (room > FF_MAX)
				room = FF_MAX;
			while (extra < room && !hil_glue_watched_changed(sh, m->dut)) {
				dut_edge(m);
				extra++;
			}
		}
	}
	sh->ff_add = extra;
	sh->clk = 1;
	sh->eval();
	sh->ff_add = 0;
	if (poked) {
		hil_glue_inputs(m->dut, sh);
		m->dut->eval();
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
#ifdef HIL_MODEL_TRACE
	m->waves = nullptr;
	m->cycle = m->last = 0;
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
		sh->eval();
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
	return idle;
}
