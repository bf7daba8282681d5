# Builds our Yosys pass (gateware/yosys/*.cc) as a plugin: $(OUT)/lib/hil_ce.so.
OUT ?= build
SRC := $(wildcard gateware/yosys/*.cc)

$(OUT)/lib/hil_ce.so: $(SRC)
	@mkdir -p $(dir $@)
	yosys-config --exec --cxx --cxxflags --ldflags -shared -o $@ $(SRC) --ldlibs
