# Builds libhil, the hil CLI and the unit tests into $(OUT).
# VARIANT=release: optimised; VARIANT=asan: AddressSanitizer and
# UndefinedBehaviorSanitizer, the build the tests use.

OUT ?= build
VARIANT ?= release
ROOT := $(CURDIR)

CC := gcc
CFLAGS := -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	-Wall -Wextra -Werror -Ihost/include -Ihost/src -MMD -MP \
	-DHIL_ROOT='"$(ROOT)"' $(shell pkg-config --cflags jansson)
LDLIBS := $(shell pkg-config --libs jansson) -lm
ifeq ($(VARIANT),asan)
CFLAGS += -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
CFLAGS += -O2 -g
endif

LIB_SRC := $(wildcard host/src/*.c)
CLI_SRC := $(wildcard host/cli/*.c)
TEST_SRC := $(wildcard tests/unit/test_*.c)

LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(OUT)/obj/%.o)
TESTS := $(TEST_SRC:tests/unit/%.c=$(OUT)/test/%)

all: $(OUT)/lib/libhil.a $(OUT)/bin/hil $(TESTS)

$(OUT)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(OUT)/lib/libhil.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(OUT)/bin/hil: $(CLI_OBJ) $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(OUT)/test/%: tests/unit/%.c $(OUT)/lib/libhil.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) $< $(OUT)/lib/libhil.a $(LDLIBS) -o $@

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
