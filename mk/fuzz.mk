# Builds the libFuzzer targets of tests/fuzz/ into build/fuzz/bin with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer: libhil and
# hild's files (all but its main) as the tests build them, instrumented.

OUT := build/fuzz
ROOT := $(CURDIR)
CC := clang
SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Werror -Ihost/include -Ihost/lib -Iprotocol -Ihost/hild -MMD -MP \
	-O1 -g -fno-omit-frame-pointer $(SAN) -fsanitize=fuzzer-no-link \
	$(shell pkg-config --cflags jansson libftdi1 libusb-1.0 libcrypto)
LDLIBS := $(shell pkg-config --libs jansson libftdi1 libusb-1.0 libssl libcrypto) -lm

LIB_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard host/lib/*/*.c))
HILD_OBJ := $(patsubst %.c,$(OUT)/obj/%.o,$(filter-out host/hild/main.c,$(wildcard host/hild/*.c)))
TARGETS := $(patsubst tests/fuzz/%_fuzz.c,%,$(wildcard tests/fuzz/*_fuzz.c))
# The targets that drive hild's own code link its files too.
HILD_TARGETS := hild boards jobs

all: $(TARGETS:%=$(OUT)/bin/%_fuzz) $(OUT)/bin/bridge_wedge

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/bin/%_fuzz: $(OUT)/obj/tests/fuzz/%_fuzz.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -fsanitize=fuzzer $(filter %_fuzz.o,$^) \
		$(if $(filter $*,$(HILD_TARGETS)),$(HILD_OBJ)) $(LIB_OBJ) $(LDLIBS) -o $@

$(HILD_TARGETS:%=$(OUT)/bin/%_fuzz): $(HILD_OBJ)

# The gateware fuzz is a plain program: its input comes from a seeded
# generator, and the code under test is the bridge RTL, not ours.
$(OUT)/bin/bridge_wedge: $(OUT)/obj/tests/fuzz/bridge_wedge.o $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) $^ $(LDLIBS) -o $@

-include $(LIB_OBJ:.o=.d) $(HILD_OBJ:.o=.d) $(TARGETS:%=$(OUT)/obj/tests/fuzz/%_fuzz.d) \
	$(OUT)/obj/tests/fuzz/bridge_wedge.d
