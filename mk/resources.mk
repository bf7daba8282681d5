# What the bridge and its PHY (UART or FX2 slave FIFO) take on each board's chip:
#   make resources
# For every board in boards/*/, builds the bitstream of the minimal DUT
# tests/fixtures/duts/min (one clock, a 1-bit input, a 1-bit registered
# output) with hil bitstream, into build/BOARD/min/, then prints one table
# (board, device, link, LUTs, flip-flops, block RAMs, clock achieved /
# required) and writes it into docs/resources.md. A board the design does
# not fit, or misses timing on, gets a row that says so, with the numbers.
# A board whose row cannot be made (the build failed for another reason) is
# reported on stderr; then the run exits 1 and docs/resources.md is left as
# it was.

DUT := tests/fixtures/duts/min
BOARDS := $(sort $(patsubst boards/%/board.mk,%,$(wildcard boards/*/board.mk)))
R := build/resources
DOC := docs/resources.md
# One setting of a board, from its board.mk: $(call bv,BOARD,NAME).
bv = $(shell sed -n 's/^$(2)[[:space:]]*:=[[:space:]]*//p' boards/$(1)/board.mk)

.PHONY: all FORCE
all: $(BOARDS:%=$(R)/%.row)
	@ok=1; for b in $(BOARDS); do [ -f $(R)/$$b.row ] || ok=0; done; \
	dirty=$$(git status --porcelain -- gateware boards mk $(DUT) 2>/dev/null | \
		sed 's/^...//' | cut -d/ -f1 | sort -u | sed 's|$$|/|' | tr '\n' ' ' | sed 's/ $$//'); \
	rev=$$(git rev-parse --short HEAD 2>/dev/null || echo unknown); \
	[ -n "$$dirty" ] && rev="$$rev plus uncommitted changes in $$dirty"; \
	{ \
	echo "# Resources"; \
	echo; \
	echo "What the bridge and its PHY (the link: UART, or the FX2's slave FIFO) take"; \
	echo "on each board's chip: the compact bridge (gateware/seq) on a UART board, the"; \
	echo "byte-a-clock one (gateware/hil_*.v) on the FX2 board. They are built"; \
	echo "around the minimal DUT \`$(DUT)/$(notdir $(DUT)).v\` (one clock, a 1-bit input, a 1-bit"; \
	echo "registered output), so the figures are the bridge's and the PHY's own plus"; \
	echo "that one flip-flop. Produced by \`make resources\` on $$(date -u +%Y-%m-%d)"; \
	echo "(commit $$rev; $$(yosys -V | cut -d' ' -f1,2),"; \
	echo "nextpnr-ice40 $$(nextpnr-ice40 --version 2>&1 | sed -n 's/.*(Version \(.*\)).*/\1/p' | head -n 1)); run it again to regenerate this file."; \
	echo; \
	echo "| board | device | link | LUTs (logic cells) | flip-flops | block RAMs | clock: achieved / required |"; \
	echo "|---|---|---|---|---|---|---|"; \
	for b in $(BOARDS); do [ -f $(R)/$$b.row ] && cat $(R)/$$b.row; done; \
	echo; \
	echo "- LUTs: nextpnr's logic cells (ICESTORM_LC) used, of those on the device;"; \
	echo "  each holds a LUT4, a flip-flop and carry logic, and a cell used only for"; \
	echo "  a flip-flop or a carry counts too."; \
	echo "- Flip-flops: the SB_DFF* cells nextpnr packed (its log: LCs used as"; \
	echo "  \"LUT4 and DFF\" plus \"DFF only\"); the device has one per logic cell."; \
	echo "- Block RAMs: ICESTORM_RAM (4 kbit each) used, of those on the device."; \
	echo "- Clock: the bridge clock's maximum frequency after routing, and the"; \
	echo "  frequency the board runs it at (CLK_MHZ in its board.mk: the oscillator,"; \
	echo "  the PLL's output where the board uses its PLL, or the FX2's IFCLK)."; \
	echo "  \"not placed\":"; \
	echo "  nextpnr stopped before."; \
	echo "- Per board: build/BOARD/$(notdir $(DUT))/ (nextpnr.log, report.json, resources.txt)."; \
	} >$(R)/resources.md; \
	echo "Bridge + PHY, measured with the minimal DUT $(DUT)/$(notdir $(DUT)).v (one clock, 1-bit in, 1-bit registered out):"; \
	sed -n '/^| board/,/^$$/p' $(R)/resources.md | sed '$$d'; \
	if [ $$ok = 1 ]; then \
		cp $(R)/resources.md $(DOC); echo "written to $(DOC)"; \
	else \
		echo "hil resources: not every board has a row (above); $(DOC) not written" >&2; exit 1; \
	fi

# One board's row, or its reason on stderr and no row. hil bitstream builds
# only what changed; for a build nextpnr gave up on it still writes
# resources.txt, from nextpnr's log. (DUT and the board names are ours, not
# a user's.)
$(R)/%.row: FORCE
	@mkdir -p $(R)
	@rm -f $@ $(R)/$*.txt
	@b=build/$*/$(notdir $(DUT)); rm -f $$b/resources.txt; \
	if build/bin/hil bitstream --board $* --dut $(DUT) --out $$b >$(R)/$*.log 2>&1; then \
		ok=1; \
	else \
		ok=0; \
	fi; \
	cp $$b/resources.txt $(R)/$*.txt 2>/dev/null || touch $(R)/$*.txt; \
	awk -v board=$* -v device=$(call bv,$*,DEVICE)-$(call bv,$*,PACKAGE) \
		-v link=$(or $(call bv,$*,LINK),uart) -v mhz=$(call bv,$*,CLK_MHZ) -v ok=$$ok ' \
		/^LUTs/ { lu = $$2; la = $$4 } \
		/^flip-flops/ { ff = $$2 } \
		/^block RAMs/ { ru = $$3; ra = $$5 } \
		/^clock/ { ach = $$(NF - 5); req = $$(NF - 2) } \
		END { \
			if (lu == "") exit 1; \
			bad = 0; \
			luts = lu " of " la; if (lu + 0 > la + 0) { luts = "**does not fit**: " lu " of " la; bad = 1 } \
			rams = ru " of " ra; if (ru + 0 > ra + 0) { rams = "**does not fit**: " ru " of " ra; bad = 1 } \
			if (ach == "") clock = sprintf("not placed / %.1f MHz", mhz); \
			else { clock = ach " / " req " MHz"; if (ach + 0 < req + 0) { clock = clock " (**misses timing**)"; bad = 1 } } \
			if (!ok && !bad) exit 1; \
			printf "| %s | %s | %s | %s | %s | %s | %s |\n", board, device, link, luts, ff, rams, clock \
		}' $(R)/$*.txt >$@.tmp && mv $@.tmp $@ || \
	{ rm -f $@.tmp; echo "hil resources: $*: no row, the build failed:" >&2; sed 's/^/    /' $(R)/$*.log >&2; }

FORCE:
