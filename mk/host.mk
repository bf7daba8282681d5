# Builds libhil, the hil CLI and the unit tests into $(OUT).
# VARIANT=release: optimised; VARIANT=asan: AddressSanitizer and
# UndefinedBehaviorSanitizer, the build the tests use.

OUT ?= build
VARIANT ?= release
ROOT := $(CURDIR)

CC := gcc
# The library's own files include its internal headers (host/lib/LAYER/*.h)
# by their layer; the CLI and hild see only host/include, libhil's API.
CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Werror -Ihost/include -Iprotocol -MMD -MP -fPIC \
	$(shell pkg-config --cflags jansson libftdi1 libusb-1.0 libssl libcrypto)
LIB_CFLAGS := -Ihost/lib
# --as-needed: a program records only the libraries it calls into.
LDLIBS := -Wl,--as-needed $(shell pkg-config --libs jansson libftdi1 libusb-1.0 libssl libcrypto) -lm
ifeq ($(VARIANT),asan)
CFLAGS += -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS += -O2 -g
endif

LIB_SRC := $(wildcard host/lib/*/*.c)
CLI_SRC := $(wildcard host/cli/*.c)
HILD_SRC := $(wildcard host/hild/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(OUT)/obj/%.o)
HILD_OBJ := $(HILD_SRC:%.c=$(OUT)/obj/%.o)
TESTS := $(TEST_SRC:tests/unit/%.c=$(OUT)/test/%)

# The emulated boards the USB tests run hil against (tests/emulators): the
# FT2232H's and the FX2's chip files, each on the shared core (the device
# under umockdev, the iCE40 and its flash, the clock, the board model's
# process). Test fixtures, built once, without the sanitizers (GLib's
# threads and umockdev's preload make their reports noise there).
EMU_CORE := $(wildcard tests/emulators/*.c)
EMU_SRC := $(EMU_CORE) $(wildcard tests/emulators/ft2232h/*.c)
EMU_OBJ := $(EMU_SRC:%.c=$(OUT)/obj/%.o)
ifeq ($(VARIANT),release)
EMU := $(OUT)/bin/hil-ft2232h-emu $(OUT)/bin/hil-fx2-emu
# libhil as a shared library, for the Python client's in-process sessions
# (ctypes); not in the sanitizer build, whose runtime a host would lack.
SHARED := $(OUT)/lib/libhil.so
# make bench's drivers (tests/bench), optimised like what they measure.
BENCH := $(patsubst tests/bench/%.c,$(OUT)/bin/%,$(wildcard tests/bench/*.c))
endif
EMU_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -g -MMD -MP \
	$(shell pkg-config --cflags umockdev-1.0 glib-2.0)

# hil-cocotb, cocotb's simulator on libhil (host/cocotb): its vpi_*
# functions are exported (-rdynamic) for cocotb's VPI library, which it
# loads; vpi_user.h is the IEEE header Verilator ships.
COCOTB_SRC := $(wildcard host/cocotb/*.c)
COCOTB_OBJ := $(COCOTB_SRC:%.c=$(OUT)/obj/%.o)
VPI_INC := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)/include/vltstd

all: $(OUT)/lib/libhil.a $(SHARED) $(OUT)/bin/hil $(OUT)/bin/hild $(OUT)/bin/hil-cocotb \
	$(TESTS) $(EMU) $(BENCH)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/obj/host/lib/%.o: host/lib/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c $< -o $@

$(OUT)/lib/libhil.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(OUT)/lib/libhil.so: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,libhil.so.1 $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/bin/hil: $(CLI_OBJ) $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/obj/host/cocotb/%.o: host/cocotb/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -I$(VPI_INC) -c $< -o $@

$(OUT)/bin/hil-cocotb: $(COCOTB_OBJ) $(OUT)/obj/host/cli/opts.o $(OUT)/obj/host/cli/dutopts.o \
		$(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -rdynamic $^ $(LDLIBS) -ldl -o $@

$(OUT)/bin/hild: $(HILD_OBJ) $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

# Unit tests check the library's insides too, so they see its headers.
$(OUT)/test/%: tests/unit/%.c $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -Itests/unit $(LDFLAGS) $< $(OUT)/lib/libhil.a $(LDLIBS) -o $@

$(OUT)/test/test_reactor: tests/unit/test_reactor.c host/hild/reactor.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Ihost/hild $(LDFLAGS) $^ -o $@

# The FX2 firmware's chip-independent logic, compiled for the host and run
# against the emulator's iCE40 with a real bitstream of a tiny design.
FX2_HOST_SRC := firmware/fx2/descriptors.c firmware/fx2/setup.c firmware/fx2/iceconf.c \
	tests/emulators/fx2/pins_model.c tests/emulators/ice40.c tests/emulators/clock.c
$(OUT)/test/test_fx2: tests/unit/test_fx2.c $(FX2_HOST_SRC) $(OUT)/fixtures/tiny.bin
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit -Ifirmware/fx2 -Itests/emulators -Itests/emulators/fx2 \
		-DFX2_FIXTURE='"$(ROOT)/$(OUT)/fixtures/tiny.bin"' $(LDFLAGS) \
		$(filter %.c,$^) $(LDLIBS) -o $@

$(OUT)/fixtures/tiny.bin: tests/fixtures/unit/tiny.v
	@mkdir -p $(dir $@)
	@yosys -q -p 'synth_ice40 -top tiny -json $(@:.bin=.json)' $< >/dev/null
	@nextpnr-ice40 -q --hx8k --package bg121 --json $(@:.bin=.json) --asc $(@:.bin=.asc) 2>/dev/null
	@icepack $(@:.bin=.asc) $@

$(OUT)/bin/bench_%: tests/bench/bench_%.c $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) $(LDFLAGS) $< $(OUT)/lib/libhil.a $(LDLIBS) -o $@

$(OUT)/obj/tests/emulators/%.o: tests/emulators/%.c
	@mkdir -p $(dir $@)
	$(CC) $(EMU_CFLAGS) -Itests/emulators -c $< -o $@

# The emulated FX2 (tests/emulators/fx2): its chip glue, the firmware's own
# logic and the Intel HEX reader on the shared core, built like the
# FT2232H's.
FX2EMU_SRC := $(EMU_CORE) $(wildcard tests/emulators/fx2/*.c) firmware/fx2/descriptors.c \
	firmware/fx2/setup.c firmware/fx2/iceconf.c host/lib/program/ihex.c host/lib/util/errfmt.c
$(OUT)/bin/hil-fx2-emu: $(FX2EMU_SRC) $(wildcard tests/emulators/*.h tests/emulators/fx2/*.h firmware/fx2/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(EMU_CFLAGS) -Itests/emulators -Itests/emulators/fx2 -Ifirmware/fx2 -Ihost/include -Ihost/lib \
		-Iprotocol $(FX2EMU_SRC) $(shell pkg-config --libs umockdev-1.0 glib-2.0) -o $@

$(OUT)/bin/hil-ft2232h-emu: $(EMU_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $^ $(shell pkg-config --libs umockdev-1.0 glib-2.0) -o $@

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(HILD_OBJ:.o=.d) $(EMU_OBJ:.o=.d) $(COCOTB_OBJ:.o=.d)
