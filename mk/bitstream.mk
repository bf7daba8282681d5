# Builds a bitstream of a DUT inside the bridge for a board:
#   make bitstream BOARD=icebreaker DUT=examples/alu
# into build/BOARD/DUT/: hil.bin, hil.json (board, DUT, signature, clocks,
# baud rate or link), the nextpnr report and log, and resources.txt. hil.bin carries
# the same facts itself, as the bitstream's comment (the text between its
# leading FF 00 and 00 FF, which the iCE40 skips on its way to the sync
# word): "hil board=B device=D dut=N signature=S osc_mhz=.. clock_mhz=..
# baud=.." (or link=fx2), so a bitstream apart from its hil.json still says what it is.
# A design that misses timing or does not fit stops the build with the
# reason; no hil.bin is left behind.

ifeq ($(wildcard boards/$(BOARD)/board.mk),)
$(error unknown BOARD '$(BOARD)': boards are $(notdir $(wildcard boards/*/board.mk)))
endif
include boards/$(BOARD)/board.mk

HIL ?= build/bin/hil
NAME := $(notdir $(abspath $(DUT)))
OUT := build/$(BOARD)/$(NAME)
DUTB := $(shell $(HIL) ports --dut $(DUT) --where)
# A board without PLL_* settings runs the bridge on its oscillator.
OSC_MHZ ?= $(CLK_MHZ)
PLL ?= 0
PLL_DIVR ?= 0
PLL_DIVF ?= 0
PLL_DIVQ ?= 0
PLL_FILTER ?= 0
GATEWARE := $(sort $(wildcard gateware/hil_*.v gateware/ice40/*.v))
# The host link: uart (an FTDI chip's UART, hil_chip) or fx2 (an FX2's slave
# FIFO, hil_chip_fx2, clocked by the FX2: no PLL, no divisor).
LINK ?= uart
ifeq ($(LINK),fx2)
YS_CHIP = synth_ice40 -top hil_chip_fx2
LINK_FACT := link=fx2
LINK_JSON := "link": "fx2"
else
CHPARAM := -set DIV $(DIV) -set PLL $(PLL) -set DIVR $(PLL_DIVR) -set DIVF $(PLL_DIVF) \
	-set DIVQ $(PLL_DIVQ) -set FILTER_RANGE $(PLL_FILTER)
YS_CHIP = chparam $(CHPARAM) hil_chip; synth_ice40 -top hil_chip
LINK_FACT := baud=$(BAUD)
LINK_JSON := "baud": $(BAUD)
endif
YS_SYNTH = read_verilog $(GATEWARE) $(DUTB)/hil_top.v $(DUTB)/dut_ce.v; $(YS_CHIP) -json $(OUT)/synth.json

.PHONY: all FORCE
all: $(OUT)/hil.bin

# The board settings in force, rewritten only when they change, so that a
# different clock or divisor (also given on the command line) rebuilds.
SETTINGS := $(DEVICE) $(PACKAGE) $(LINK) $(OSC_MHZ) $(CLK_MHZ) $(DIV) $(BAUD) $(PLL) $(PLL_DIVR) $(PLL_DIVF) $(PLL_DIVQ) $(PLL_FILTER)
$(OUT)/settings: FORCE
	@mkdir -p $(OUT)
	@echo '$(SETTINGS)' | cmp -s - $@ || echo '$(SETTINGS)' >$@

$(OUT)/synth.json: $(GATEWARE) $(DUTB)/hil_top.v $(DUTB)/dut_ce.v $(OUT)/settings
	@mkdir -p $(OUT)
	@yosys -q -l $(OUT)/yosys.log -p '$(YS_SYNTH)' >/dev/null 2>&1 || \
		{ grep -h ERROR $(OUT)/yosys.log >&2; rm -f $@; exit 1; }

$(OUT)/hil.bin: $(OUT)/synth.json boards/$(BOARD)/$(BOARD).pcf $(OUT)/settings mk/bitstream.mk
	@rm -f $@ $(OUT)/hil.asc $(OUT)/report.json $(OUT)/resources.txt
	@nextpnr-ice40 -q --$(DEVICE) --package $(PACKAGE) --pcf boards/$(BOARD)/$(BOARD).pcf \
		--freq $(CLK_MHZ) --json $< --asc $(OUT)/hil.asc --report $(OUT)/report.json \
		--log $(OUT)/nextpnr.log >/dev/null 2>&1 || \
		{ sh mk/nextpnr-why.sh $(OUT)/nextpnr.log $(BOARD) $(NAME) $(DEVICE) >&2; rm -f $(OUT)/hil.asc; exit 1; }
	@sig=$$(sed -n 's/.*"signature": "\([0-9a-f]*\)".*/\1/p' $(DUTB)/ports.json); \
	awk -v c="hil board=$(BOARD) device=$(DEVICE)-$(PACKAGE) dut=$(NAME) signature=$$sig osc_mhz=$(OSC_MHZ) clock_mhz=$(CLK_MHZ) $(LINK_FACT)" \
		'NR == 1 {print ".comment"; print c} /^\./ {skip = $$1 == ".comment"} !skip' \
		$(OUT)/hil.asc | icepack >$@.tmp && mv $@.tmp $@ && \
	printf '{"board": "%s", "dut": "%s", "signature": "%s", "osc_mhz": %s, "clock_mhz": %s, %s}\n' \
		$(BOARD) $(NAME) $$sig $(OSC_MHZ) $(CLK_MHZ) '$(LINK_JSON)' >$(OUT)/hil.json
	@sh mk/resources.sh $(OUT)/report.json >$(OUT)/resources.txt
	@echo "$(OUT)/hil.bin: $$(stat -c %s $@) bytes; $$(grep -h 'Max frequency' $(OUT)/nextpnr.log | tail -n 1 | sed 's/^Info: //')"
