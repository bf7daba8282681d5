# hil: the one entry point. README.md has the two commands a newcomer needs:
#   make demo   build everything, run an example on the Verilator backend
#   make test   run every test; the last line is "N passed, N failed"
# `make help` lists the other targets. A DUT's
# bitstream is `build/bin/hil bitstream --board B --dut DIR`: a DUT's path is
# never a make variable, which make would expand.

ROOT := $(CURDIR)
DEMO ?= counter

.PHONY: all demo test lint clean deps host host-asan plugin fuzzers install uninstall

all: deps host plugin

deps:
	@sh mk/deps.sh

host: deps
	@$(MAKE) -s -f mk/host.mk OUT=build VARIANT=release

host-asan: deps
	@$(MAKE) -s -f mk/host.mk OUT=build/asan VARIANT=asan

plugin: deps
	@$(MAKE) -s -f mk/plugin.mk OUT=build

# make install / uninstall [PREFIX=/usr/local] [DESTDIR=]: mk/install.mk
# says what goes where.
install: all firmware
	@$(MAKE) -s -f mk/install.mk install

uninstall:
	@$(MAKE) -s -f mk/install.mk uninstall

# make compile_commands: compile_commands.json for editors and clangd
.PHONY: compile_commands
compile_commands: deps
	@$(MAKE) -n -B -s -f mk/host.mk OUT=build VARIANT=release | /usr/bin/python3 mk/compile_commands.py

# make deb: build/hil_VERSION_ARCH.deb (mk/deb.mk)
.PHONY: deb
deb: all firmware
	@$(MAKE) -s -f mk/deb.mk deb

demo: all
	build/bin/hil run --dut examples/$(DEMO) examples/$(DEMO)/test.hil

test: deps host host-asan plugin fuzzers firmware
	@sh tests/run.sh

# The libFuzzer targets (clang) that tests/suites/fuzz/run.sh runs briefly.
fuzzers: deps
	@$(MAKE) -s -f mk/fuzz.mk

# make fuzz [FUZZ_SECONDS=600]: every fuzz target for that long, two at a
# time; crashes land in build/fuzz/crashes. Not part of make test.
.PHONY: fuzz
fuzz: fuzzers host-asan
	@sh mk/fuzz.sh $(FUZZ_SECONDS)

# make firmware [BOARD=B]: hil's FX2 firmware (firmware/fx2) with sdcc for
# every board with an FX2 (boards/*/fx2_pins.h), checked to fit its RAM;
# build/firmware/BOARD/hil-fx2.ihx
FX2_BOARDS := $(patsubst boards/%/fx2_pins.h,%,$(wildcard boards/*/fx2_pins.h))
.PHONY: firmware
firmware: deps
	@for b in $(or $(BOARD),$(FX2_BOARDS)); do $(MAKE) -s -f mk/firmware.mk BOARD=$$b || exit 1; done

# make resources: LUTs, flip-flops, block RAMs and clock of the bridge + UART
# PHY on every board (with a minimal DUT); prints them, writes docs/resources.md
.PHONY: resources
resources: all
	@$(MAKE) -s -f mk/resources.mk

# make soak [MINUTES=10]: random clients and jobs through hild over the
# lossy link, with attacks, a full disk and restarts mixed in, checked
# against clean runs; as root (its state is a tmpfs of a mount namespace
# of its own); never part of make test
.PHONY: soak
soak: all
	@unshare -m python3 tests/soak/soak.py $(or $(MINUTES),10)

# make bench: measurements (docs/benchmarks.md); never part of make test
.PHONY: bench
bench: all
	@sh mk/bench.sh

# make help: every target, a line each
.PHONY: help
help:
	@echo "make demo          build everything, run an example on the simulator [DEMO=counter]"
	@echo "make test          every test (tests/run.sh; sh tests/run.sh SUITE... runs some)"
	@echo "make all           libhil, hil, hild, the Yosys pass (build/)"
	@echo "make host-asan     the sanitizer build the tests use (build/asan/)"
	@echo "make firmware      the FX2 firmware [BOARD=B]"
	@echo "make install       into PREFIX (/usr/local) [DESTDIR=]; make uninstall"
	@echo "make deb           build/hil_VERSION_ARCH.deb"
	@echo "make bench         measurements against what users use instead (docs/benchmarks.md)"
	@echo "make resources     the bridge's cells and clock per board (docs/resources.md)"
	@echo "make fuzz          every fuzzer [FUZZ_SECONDS=600]; make soak [MINUTES=10]"
	@echo "make lint          Verilator's lint of both bridges"
	@echo "make ucode         assemble the compact bridge's program (gateware/seq)"
	@echo "make compile_commands  compile_commands.json for editors and clangd"
	@echo "make clean         remove build/"

lint: deps
	verilator --lint-only -Wall $$(ls gateware/hil_*.v | grep -v hil_board) --top-module hil_bridge
	verilator --lint-only -Wall gateware/seq/hil_*.v gateware/hil_frame_rx.v \
		gateware/hil_frame_tx.v gateware/hil_crc32.v gateware/hil_crc32_bits.v --top-module hil_bridge

# The compact bridge's program, assembled into the ROM module it runs from
# (committed: building a bitstream needs no Python).
.PHONY: ucode
ucode:
	/usr/bin/python3 gateware/seq/seqasm.py gateware/seq/bridge.s gateware/seq/hil_seq_rom.v

clean:
	rm -rf build
