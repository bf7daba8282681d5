# Builds one DUT for hil (invoked by the hil CLI through dut_prepare()):
#   make -f mk/dut.mk DUT_DIR=examples/alu TOP=alu OUT=build/dut/alu-XXXX HIL=build/bin/hil [sim]
# ports: OUT/ports.json, OUT/hil_top.v, OUT/dut_bare.json (for the oracle)
# sim:   also OUT/hil-sim, the Verilator model of hil_top behind a socket
# netlist, uart, fx2 (with BOARD=B): OUT/netlist-B/hil-sim, OUT/uart-B/hil-sim,
#   OUT/fx2-B/hil-sim
# The DUT goes through our hil_ce Yosys pass and the model simulates exactly
# what that pass wrote, so CI exercises the clock enables the chip gets.

SRCS := $(sort $(wildcard $(DUT_DIR)/*.v))
PLUGIN := build/lib/hil_ce.so
GATEWARE := $(sort $(wildcard gateware/hil_*.v))
VFLAGS := --cc --exe --build -j 2 --x-assign 0 --x-initial 0 -Wno-fatal -Wno-lint \
	-Wno-style -O3 -CFLAGS -O1

.PHONY: ports sim netlist uart fx2
ports: $(OUT)/ports.json $(OUT)/dut_bare.json
sim: ports $(OUT)/hil-sim
# The gate-level model: the netlist synth_ice40 makes of bridge + DUT for
# BOARD's chip, simulated with Yosys's iCE40 cell models, same socket harness.
netlist: ports $(OUT)/netlist-$(BOARD)/hil-sim
# The whole board top, UART PHY and power-on reset included, at BOARD's
# clocks per bit, behind a model of the host's serial chip.
uart: ports $(OUT)/uart-$(BOARD)/hil-sim
# An FX2 board's top (slave-FIFO PHY included) behind a cycle model of the
# FX2's FIFOs.
fx2: ports $(OUT)/fx2-$(BOARD)/hil-sim

# The Yosys scripts, kept on one line each for the shell.
YS_CE = read_verilog $(SRCS); hierarchy -check -top $(TOP); proc; flatten; opt_clean; memory -nomap; opt_clean; hil_ce; opt_clean; write_verilog -noattr $(OUT)/dut_ce.v; write_json $(OUT)/dut_ce.json
YS_BARE = read_verilog $(SRCS); hierarchy -check -top $(TOP); proc; write_json $(OUT)/dut_bare.json

$(OUT)/dut_ce.v $(OUT)/dut_ce.json: $(SRCS) $(PLUGIN)
	@mkdir -p $(OUT)
	@yosys -q -m $(PLUGIN) -l $(OUT)/yosys.log -p '$(YS_CE)' >/dev/null 2>&1 || \
		{ grep -h 'ERROR' $(OUT)/yosys.log >&2; rm -f $(OUT)/dut_ce.v $(OUT)/dut_ce.json; exit 1; }

$(OUT)/dut_bare.json: $(SRCS)
	@mkdir -p $(OUT)
	@yosys -q -l $(OUT)/yosys_bare.log -p '$(YS_BARE)' >/dev/null 2>&1 || \
		{ grep -h 'ERROR' $(OUT)/yosys_bare.log >&2; rm -f $@; exit 1; }

# The wrapper depends on the generator that writes it: the hil binary. Its
# outputs are replaced only when their text changes, so relinking hil (or
# switching between its builds) does not rebuild the model.
$(OUT)/ports.json $(OUT)/hil_top.v: $(OUT)/dut_ce.json $(HIL)
	@mkdir -p $(OUT)/wrap.new
	@$(HIL) wrap --json $(OUT)/dut_ce.json --top $(TOP) --out $(OUT)/wrap.new
	@for f in ports.json hil_top.v; do \
		cmp -s $(OUT)/wrap.new/$$f $(OUT)/$$f || mv $(OUT)/wrap.new/$$f $(OUT)/$$f; done
	@rm -rf $(OUT)/wrap.new

$(OUT)/hil-sim: $(OUT)/hil_top.v $(OUT)/dut_ce.v $(GATEWARE) host/sim/hil_sim_main.cpp host/sim/hil_socket.h
	@verilator $(VFLAGS) --top-module hil_top -Mdir $(OUT)/obj $(GATEWARE) $(OUT)/hil_top.v $(OUT)/dut_ce.v \
		$(CURDIR)/host/sim/hil_sim_main.cpp -o hil-sim >$(OUT)/verilator.log 2>&1 || \
		{ tail -30 $(OUT)/verilator.log >&2; exit 1; }
	@cp $(OUT)/obj/hil-sim $@

ifneq ($(BOARD),)
include boards/$(BOARD)/board.mk
CELLS := $(shell yosys-config --datdir)/ice40/cells_sim.v
BRIDGE := $(filter-out gateware/hil_board.v,$(GATEWARE))
YS_NETLIST = read_verilog $(BRIDGE) $(OUT)/hil_top.v $(OUT)/dut_ce.v; synth_ice40 -device $(SYNTH_DEVICE) -top hil_top; write_verilog -noattr $(OUT)/netlist-$(BOARD)/hil_top_netlist.v

$(OUT)/netlist-$(BOARD)/hil-sim: $(OUT)/hil_top.v $(OUT)/dut_ce.v $(BRIDGE) boards/$(BOARD)/board.mk host/sim/hil_sim_main.cpp host/sim/hil_socket.h
	@mkdir -p $(OUT)/netlist-$(BOARD)
	@yosys -q -l $(OUT)/netlist-$(BOARD)/yosys.log -p '$(YS_NETLIST)' >/dev/null 2>&1 || \
		{ grep -h ERROR $(OUT)/netlist-$(BOARD)/yosys.log >&2; exit 1; }
	@verilator $(VFLAGS) --top-module hil_top -DNO_ICE40_DEFAULT_ASSIGNMENTS -Mdir $(OUT)/netlist-$(BOARD)/obj \
		$(OUT)/netlist-$(BOARD)/hil_top_netlist.v \
		$(CELLS) $(CURDIR)/host/sim/hil_sim_main.cpp -o hil-sim >$(OUT)/netlist-$(BOARD)/verilator.log 2>&1 || \
		{ tail -30 $(OUT)/netlist-$(BOARD)/verilator.log >&2; exit 1; }
	@cp $(OUT)/netlist-$(BOARD)/obj/hil-sim $@

# The files mk/bitstream.mk synthesises, with the same DIV.
$(OUT)/uart-$(BOARD)/hil-sim: $(OUT)/hil_top.v $(OUT)/dut_ce.v $(GATEWARE) boards/$(BOARD)/board.mk \
		host/sim/hil_uart_main.cpp host/sim/hil_uart.vlt host/sim/hil_socket.h
	@mkdir -p $(OUT)/uart-$(BOARD)
	@verilator $(VFLAGS) --top-module hil_board -GDIV=$(DIV) -CFLAGS -DHIL_DIV=$(DIV) \
		-Mdir $(OUT)/uart-$(BOARD)/obj $(CURDIR)/host/sim/hil_uart.vlt $(GATEWARE) \
		$(OUT)/hil_top.v $(OUT)/dut_ce.v $(CURDIR)/host/sim/hil_uart_main.cpp -o hil-sim \
		>$(OUT)/uart-$(BOARD)/verilator.log 2>&1 || \
		{ tail -30 $(OUT)/uart-$(BOARD)/verilator.log >&2; exit 1; }
	@cp $(OUT)/uart-$(BOARD)/obj/hil-sim $@

$(OUT)/fx2-$(BOARD)/hil-sim: $(OUT)/hil_top.v $(OUT)/dut_ce.v $(GATEWARE) boards/$(BOARD)/board.mk \
		host/sim/hil_fx2_main.cpp host/sim/hil_fx2.vlt host/sim/hil_socket.h
	@[ "$(LINK)" = fx2 ] || { echo "board $(BOARD) has no FX2 (its LINK is $(or $(LINK),uart))" >&2; exit 1; }
	@mkdir -p $(OUT)/fx2-$(BOARD)
	@verilator $(VFLAGS) --top-module hil_board_fx2 \
		-Mdir $(OUT)/fx2-$(BOARD)/obj $(CURDIR)/host/sim/hil_fx2.vlt $(GATEWARE) \
		$(OUT)/hil_top.v $(OUT)/dut_ce.v $(CURDIR)/host/sim/hil_fx2_main.cpp -o hil-sim \
		>$(OUT)/fx2-$(BOARD)/verilator.log 2>&1 || \
		{ tail -30 $(OUT)/fx2-$(BOARD)/verilator.log >&2; exit 1; }
	@cp $(OUT)/fx2-$(BOARD)/obj/hil-sim $@
endif
