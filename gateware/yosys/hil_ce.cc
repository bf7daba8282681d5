// hil_ce: our Yosys pass that puts the DUT under the bridge's controlled
// clock. Every state element (flip-flop, memory write port, synchronous
// memory read port) gets the enable `hil_advance`, ANDed with the enable it
// had, so the DUT and the bridge share one free-running clock that nextpnr
// times completely, and the DUT only moves when the bridge says so. A gated
// clock would leave the bridge-to-DUT paths untimed on an iCE40.
//
// It also finds the DUT's one clock (the input port that clocks every state
// element) and refuses, with the offending name, what it cannot make
// deterministic: two clocks, a clock made by logic, falling-edge or latch
// storage, global-clock cells, inout ports. The clock's name goes in the
// module attribute hil_clock for the wrapper generator.
//
// Asynchronous resets stay asynchronous: in hil they can only come from
// bridge registers, which change only between DUT cycles, so they act at the
// same cycle on every backend.

#include "kernel/ff.h"
#include "kernel/ffinit.h"
#include "kernel/mem.h"
#include "kernel/sigtools.h"
#include "kernel/yosys.h"

USING_YOSYS_NAMESPACE
PRIVATE_NAMESPACE_BEGIN

struct ClockCheck {
	Module *module;
	SigMap &sigmap;
	dict<SigBit, Wire *> inputs; // canonical bit -> 1-bit input port
	SigBit clock;
	std::string clock_name;
	bool found = false;

	ClockCheck(Module *m, SigMap &sm) : module(m), sigmap(sm)
	{
		for (auto w : module->wires())
			if (w->port_input && !w->port_output && w->width == 1)
				inputs[sigmap(SigBit(w, 0))] = w;
	}

	void check(SigSpec clk, bool rising, const std::string &what)
	{
		if (clk.size() != 1)
			log_error("%s has a %d-bit clock: hil needs one clock bit\n",
				  what.c_str(), clk.size());
		SigBit bit = sigmap(clk[0]);
		if (!rising)
			log_error("%s is clocked on the falling edge: hil supports "
				  "rising-edge state elements only\n", what.c_str());
		auto it = inputs.find(bit);
		if (it == inputs.end())
			log_error("%s is clocked by %s, which is not an input port of "
				  "the DUT: hil needs one clock, straight from an input "
				  "(no derived or gated clocks)\n",
				  what.c_str(), log_signal(clk));
		if (!found) {
			found = true;
			clock = bit;
			clock_name = log_id(it->second->name);
		} else if (bit != clock) {
			log_error("the DUT has two clocks, %s and %s (%s uses the "
				  "second): hil bridges single-clock DUTs\n",
				  clock_name.c_str(), log_id(it->second->name),
				  what.c_str());
		}
	}
};

struct HilCePass : public Pass {
	HilCePass() : Pass("hil_ce", "put the DUT under hil's controlled clock") {}

	void help() override
	{
		log("\n");
		log("    hil_ce\n");
		log("\n");
		log("Adds the input hil_advance to the top module and makes every\n");
		log("flip-flop and memory port advance only while it is 1. Expects a\n");
		log("flattened design after proc and memory -nomap. Names the clock\n");
		log("in the module attribute hil_clock; refuses what it cannot make\n");
		log("deterministic (see gateware/yosys/hil_ce.cc).\n");
		log("\n");
	}

	void execute(std::vector<std::string> args, RTLIL::Design *design) override
	{
		log_header(design, "Executing HIL_CE pass.\n");
		extra_args(args, 1, design);
		Module *module = design->top_module();
		if (!module)
			log_error("no top module: run hierarchy -top first\n");

		for (auto w : module->wires())
			if (w->port_input && w->port_output)
				log_error("port %s is an inout: hil bridges only inputs "
					  "and outputs\n", log_id(w->name));

		SigMap sigmap(module);
		FfInitVals initvals(&sigmap, module);
		ClockCheck clk(module, sigmap);

		std::vector<Cell *> ffs;
		for (auto cell : module->cells()) {
			if (!RTLIL::builtin_ff_cell_types().count(cell->type))
				continue;
			FfData ff(&initvals, cell);
			std::string what = stringf("flip-flop %s (%s)", log_id(cell->name),
						   log_signal(ff.sig_q));
			if (ff.has_gclk)
				log_error("%s uses the formal global clock: not supported\n",
					  what.c_str());
			if (!ff.has_clk)
				log_error("%s is a latch or asynchronous storage: hil "
					  "needs clocked flip-flops\n", what.c_str());
			if (ff.has_aload)
				log_error("%s has an asynchronous load: not supported\n",
					  what.c_str());
			clk.check(ff.sig_clk, ff.pol_clk, what);
			ffs.push_back(cell);
		}

		std::vector<Mem> mems = Mem::get_all_memories(module);
		for (auto &mem : mems) {
			std::string what = stringf("memory %s", log_id(mem.memid));
			for (auto &wr : mem.wr_ports) {
				if (!wr.clk_enable)
					log_error("%s has an asynchronous write port: hil "
						  "needs clocked writes\n", what.c_str());
				clk.check(wr.clk, wr.clk_polarity, what);
			}
			for (auto &rd : mem.rd_ports)
				if (rd.clk_enable)
					clk.check(rd.clk, rd.clk_polarity, what);
		}

		if (!clk.found)
			log_error("no clock: the DUT has no flip-flop or memory clocked "
				  "by an input port; hil needs exactly one clock input\n");

		Wire *adv = module->addWire(ID(hil_advance));
		adv->port_input = true;
		module->fixup_ports();

		for (auto cell : ffs) {
			FfData ff(&initvals, cell);
			if (ff.has_ce) {
				// A sync reset must only act on advancing edges too.
				if (ff.has_srst && !ff.ce_over_srst)
					ff.convert_ce_over_srst(true);
				SigSpec ce = ff.pol_ce ? ff.sig_ce : module->Not(NEW_ID, ff.sig_ce);
				ff.sig_ce = module->And(NEW_ID, ce, adv);
			} else {
				ff.has_ce = true;
				ff.ce_over_srst = true;
				ff.sig_ce = adv;
			}
			ff.pol_ce = true;
			ff.emit();
		}

		for (auto &mem : mems) {
			for (auto &wr : mem.wr_ports)
				wr.en = module->And(NEW_ID, wr.en,
						    SigSpec(SigBit(adv), GetSize(wr.en)));
			for (int i = 0; i < GetSize(mem.rd_ports); i++) {
				auto &rd = mem.rd_ports[i];
				if (!rd.clk_enable)
					continue;
				if (rd.srst != State::S0 && !rd.ce_over_srst)
					mem.emulate_rd_srst_over_ce(i);
				mem.rd_ports[i].en = module->And(NEW_ID, mem.rd_ports[i].en, adv);
			}
			mem.emit();
		}

		module->set_string_attribute(ID(hil_clock), clk.clock_name);
		log("hil_ce: clock %s: %d flip-flops, %d memories gated\n",
		    clk.clock_name.c_str(), GetSize(ffs), GetSize(mems));
	}
} HilCePass;

PRIVATE_NAMESPACE_END
