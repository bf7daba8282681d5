// hil_ce: our Yosys pass that puts the DUT under the bridge's control.
//
// Why it exists: the bridge must be able to stop the DUT between cycles
// without stopping its own clock. A gated clock would do that, but the iCE40
// has no glitch-free clock gate and nextpnr would leave every bridge-to-DUT
// path untimed. So the DUT keeps the bridge's free-running clock and every
// state element (flip-flop, memory write port, synchronous memory read port)
// gets the enable `hil_advance` instead, ANDed with the enable it had: one
// clock domain, timed completely, and the DUT moves only when the bridge says.
//
// That rewrite is exact only for single-clock, rising-edge, edge-triggered
// designs, so the pass first finds the DUT's one clock and refuses, naming the
// port, cell or net at fault, everything else: two clocks, a clock made by
// logic, falling-edge elements, latches, formal global-clock cells, inout
// ports, and cells it cannot see into. The clock's name goes in the module
// attribute hil_clock for the wrapper generator (host/lib/build/wrap.c); a
// DUT with no state has no clock, and the attribute hil_combinational.
//
// Asynchronous resets, sets and loads stay asynchronous. They can only change
// when a DUT input (driven by a bridge register, which changes only between
// DUT cycles) or DUT state (which changes only on advancing edges) changes,
// so they act at the same DUT cycle on the board and in simulation. One
// caveat, of Verilog models rather than of the chip: an always block only
// looks at its asynchronous set/reset/load on edges. If one is released while
// another is held, or load data moves under a held load, the chip follows at
// once, the transformed DUT on its next free-running clock edge and the
// original on its next DUT cycle (tests/suites/yosys/gen_tb.py steers clear
// of it).
//
// Expects the flattened top module after proc and memory -nomap (mk/dut.mk).

#include "kernel/ff.h"
#include "kernel/ffinit.h"
#include "kernel/mem.h"
#include "kernel/sigtools.h"
#include "kernel/yosys.h"

USING_YOSYS_NAMESPACE
PRIVATE_NAMESPACE_BEGIN

// Cell names made up by proc ($procdff$12) mean nothing to the engineer, so
// state elements are named by the signal they hold and their source line.
static std::string describe(const std::string &kind, const std::string &name,
			    const RTLIL::AttrObject &obj)
{
	std::string src = obj.get_src_attribute();
	return src.empty() ? stringf("%s %s", kind.c_str(), name.c_str())
			   : stringf("%s %s (%s)", kind.c_str(), name.c_str(), src.c_str());
}

static std::string sig_name(const SigSpec &sig)
{
	return sig.is_wire() ? log_id(sig.as_wire()->name) : log_signal(sig);
}

struct ClockFinder {
	Module *module;
	SigMap &sigmap;
	dict<SigBit, SigBit> input_bits; // canonical bit -> input port bit
	Wire *clock = nullptr;
	std::string clock_user; // the first element on `clock`, for messages

	ClockFinder(Module *m, SigMap &sm) : module(m), sigmap(sm)
	{
		for (auto w : module->wires())
			if (w->port_input)
				for (int i = 0; i < w->width; i++)
					input_bits[sigmap(SigBit(w, i))] = SigBit(w, i);
	}

	// Only called on the error path, so a linear search is fine.
	std::string driver_of(SigBit bit)
	{
		for (auto cell : module->cells())
			for (auto &conn : cell->connections())
				if (cell->output(conn.first))
					for (auto b : sigmap(conn.second))
						if (b == bit)
							return stringf(
								"driven by cell %s (%s)",
								log_id(cell),
								log_id(cell->type));
		return "which nothing in the DUT drives";
	}

	void check(const SigSpec &clk, bool rising, const std::string &what)
	{
		SigBit bit = sigmap(clk[0]);
		if (bit.wire == nullptr)
			log_error("%s has a constant clock (%s): hil needs it clocked "
				  "by the DUT's clock input\n",
				  what.c_str(), log_signal(clk));
		if (!rising)
			log_error("%s is clocked on the falling edge of %s: hil can "
				  "only pause rising-edge elements; use posedge\n",
				  what.c_str(), sig_name(clk).c_str());
		auto it = input_bits.find(bit);
		if (it == input_bits.end())
			log_error("%s is clocked by net %s, %s, not directly by an "
				  "input port: hil needs the clock straight from an input "
				  "(no derived, divided or gated clocks; use a clock "
				  "enable instead)\n",
				  what.c_str(), sig_name(clk).c_str(), driver_of(bit).c_str());
		Wire *port = it->second.wire;
		if (port->width != 1) {
			int off = it->second.offset;
			log_error("%s is clocked by bit %d of the %d-bit input port %s: "
				  "hil needs the clock on a 1-bit input port of its own\n",
				  what.c_str(),
				  port->start_offset +
					  (port->upto ? port->width - 1 - off : off),
				  port->width, log_id(port->name));
		}
		if (clock == nullptr) {
			clock = port;
			clock_user = what;
		} else if (port != clock) {
			log_error("the DUT has two clocks, %s and %s: %s is clocked by "
				  "%s, %s by %s; hil bridges single-clock DUTs, so make the "
				  "slower one a clock enable\n",
				  log_id(clock->name), log_id(port->name), clock_user.c_str(),
				  log_id(clock->name), what.c_str(), log_id(port->name));
		}
	}
};

struct HilCePass : public Pass {
	HilCePass() : Pass("hil_ce", "put the DUT under hil's clock enable")
	{
	}

	void help() override
	{
		log("\n");
		log("    hil_ce\n");
		log("\n");
		log("Adds the 1-bit input hil_advance to the top module and makes every\n");
		log("flip-flop and memory port advance only on clock edges where it is 1\n");
		log("(synchronous resets included). Checks that one 1-bit input port\n");
		log("clocks every state element on its rising edge and records that\n");
		log("port's name in the module attribute hil_clock; refuses anything\n");
		log("else with an error. Expects a flattened design after proc and\n");
		log("memory -nomap.\n");
		log("\n");
	}

	void execute(std::vector<std::string> args, RTLIL::Design *design) override
	{
		log_header(design, "Executing HIL_CE pass.\n");
		extra_args(args, 1, design);
		Module *module = design->top_module();
		if (module == nullptr)
			log_error("no top module: run hierarchy -top first\n");

		// The bridge drives every input from a register and samples every
		// output; a bidirectional pin belongs to the bridge, not the DUT.
		for (auto w : module->wires())
			if (w->port_input && w->port_output)
				log_error("port %s is an inout: hil bridges only inputs and "
					  "outputs; keep pads and tristates out of the DUT\n",
					  log_id(w->name));
		if (module->wire(ID(hil_advance)))
			log_error("the DUT already has a signal named hil_advance: "
				  "rename it, hil_ce adds that port\n");

		SigMap sigmap(module);
		FfInitVals initvals(&sigmap, module);
		ClockFinder clk(module, sigmap);

		std::vector<FfData> ffs;
		for (auto cell : module->cells()) {
			// State inside a blackbox or a kept submodule would not get
			// the enable and would run ahead of the rest of the DUT.
			if (!cell->type.begins_with("$"))
				log_error("cell %s is an instance of %s, which hil_ce cannot "
					  "see into (blackbox, vendor primitive or kept "
					  "hierarchy): the DUT must flatten to plain logic\n",
					  log_id(cell), log_id(cell->type));
			if (!RTLIL::builtin_ff_cell_types().count(cell->type))
				continue;
			FfData ff(&initvals, cell);
			std::string name = sig_name(ff.sig_q);
			if (ff.has_gclk)
				log_error("%s is clocked by the formal global clock "
					  "(%s): hil needs a real clock input\n",
					  describe("flip-flop", name, *cell).c_str(),
					  log_id(cell->type));
			if (!ff.has_clk && ff.has_aload)
				log_error(
					"%s: hil needs edge-triggered flip-flops; a latch "
					"follows its input whenever its enable is high, which "
					"no clock enable can pause (look for a signal not "
					"assigned on every path of a combinational always "
					"block)\n",
					describe("latch", name, *cell).c_str());
			if (!ff.has_clk)
				log_error("%s is asynchronous storage (%s) with no clock: "
					  "hil needs clocked flip-flops\n",
					  describe("element", name, *cell).c_str(),
					  log_id(cell->type));
			clk.check(ff.sig_clk, ff.pol_clk, describe("flip-flop", name, *cell));
			ffs.push_back(ff);
		}

		std::vector<Mem> mems = Mem::get_all_memories(module);
		for (auto &mem : mems) {
			std::string what = describe("memory", log_id(mem.memid), mem);
			for (auto &wr : mem.wr_ports) {
				if (!wr.clk_enable)
					log_error(
						"%s has an asynchronous write port: hil needs "
						"writes on the clock edge\n",
						what.c_str());
				clk.check(wr.clk, wr.clk_polarity, what);
			}
			for (auto &rd : mem.rd_ports)
				if (rd.clk_enable)
					clk.check(rd.clk, rd.clk_polarity, what);
		}

		// Every flip-flop and clocked memory port named the clock above, so
		// without one the DUT holds no state (a ROM read asynchronously at
		// most): its outputs follow its inputs, which change only between
		// cycles, and it needs neither enable nor clock. hil_combinational
		// says so in place of hil_clock.

		SigBit adv = module->addWire(ID(hil_advance));
		adv.wire->port_input = true;
		module->fixup_ports();

		for (auto &ff : ffs) {
			if (!ff.has_ce) {
				ff.has_ce = true;
				ff.sig_ce = adv;
			} else {
				SigSpec ce =
					ff.pol_ce ? ff.sig_ce : module->Not(NEW_ID, ff.sig_ce);
				// A reset that overrides the enable would fire on every
				// edge of the free-running clock; folding it into the
				// enable lets hil_advance hold it off like everything else.
				if (ff.has_srst && !ff.ce_over_srst)
					ce = module->Or(
						NEW_ID, ce,
						ff.pol_srst
							? ff.sig_srst
							: module->Not(NEW_ID, ff.sig_srst));
				ff.sig_ce = module->And(NEW_ID, ce, adv);
			}
			ff.pol_ce = true;
			ff.ce_over_srst = true;
			ff.emit();
		}

		int n_mems = 0;
		for (auto &mem : mems) {
			bool gated = false;
			for (auto &wr : mem.wr_ports) {
				wr.en = module->And(NEW_ID, wr.en,
						    SigSpec(adv, GetSize(wr.en)));
				gated = true;
			}
			for (auto &rd : mem.rd_ports) {
				if (!rd.clk_enable)
					continue;
				// Same reasoning as for flip-flops: the reset must wait for
				// an advancing edge. Memory enables are active-high.
				if (rd.srst != State::S0 && !rd.ce_over_srst) {
					if (rd.en != State::S1)
						rd.en = module->Or(NEW_ID, rd.en, rd.srst);
					rd.ce_over_srst = true;
				}
				rd.en = rd.en == State::S1 ? SigSpec(adv)
							   : module->And(NEW_ID, rd.en, adv);
				gated = true;
			}
			if (gated) {
				mem.emit();
				n_mems++;
			}
		}

		if (clk.clock)
			module->set_string_attribute(ID(hil_clock), log_id(clk.clock->name));
		else
			module->set_bool_attribute(ID(hil_combinational));
		log("hil_ce: clock %s: %d flip-flops, %d memories gated\n",
		    clk.clock ? log_id(clk.clock->name) : "(none)", GetSize(ffs), n_mems);
	}
} HilCePass;

PRIVATE_NAMESPACE_END
