# Builds our Yosys pass (gateware/yosys/*.cc) as a plugin: $(OUT)/lib/hil_ce.so.
OUT ?= build
SRC := $(wildcard gateware/yosys/*.cc)

$(OUT)/lib/hil_ce.so: $(SRC)
	@mkdir -p $(dir $@)
	yosys-config --build $@ $(SRC) 2>&1 | grep -v '^$$' >&2 || true
	@test -f $@
