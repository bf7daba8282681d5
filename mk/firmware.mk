# hil's FX2 firmware (firmware/fx2) for one board with sdcc:
#   make -f mk/firmware.mk BOARD=glasgow-revc
# writes build/firmware/BOARD/hil-fx2.ihx and checks that code and
# constants fit below CODE_SIZE: the FX2LP has 16 KiB of RAM for code and
# data (0x0000-0x3FFF); the top 512 bytes hold the firmware's variables.
# The build id in the image is a hash of the sources and the board's pins,
# so the host can tell whether a device already runs this very image.

BOARD ?= glasgow-revc
OUT := build/firmware/$(BOARD)
CODE_SIZE ?= 0x3e00
XRAM_SIZE := 0x200
SRC := $(sort $(wildcard firmware/fx2/*.c))
HDR := $(sort $(wildcard firmware/fx2/*.h)) protocol/hilfx2.h boards/$(BOARD)/fx2_pins.h
REL := $(SRC:firmware/fx2/%.c=$(OUT)/%.rel)
BUILD_ID := $(firstword $(shell cat $(SRC) $(HDR) | cksum))
SDCC := sdcc -mmcs51 --std-c11 -Ifirmware/fx2 -Iprotocol -Iboards/$(BOARD) -DHILFX2_BUILD=$(BUILD_ID)UL

.PHONY: all
all: $(OUT)/hil-fx2.ihx
	@awk -v limit=$$(($(CODE_SIZE))) -v f=$< -v id=$(BUILD_ID) ' \
		function hex(s,  v, i) { v = 0; for (i = 1; i <= length(s); i++) \
			v = v * 16 + index("0123456789ABCDEF", toupper(substr(s, i, 1))) - 1; return v } \
		BEGIN { top = 0; n = 0 } \
		substr($$0, 8, 2) == "00" { len = hex(substr($$0, 2, 2)); n += len; \
			end = hex(substr($$0, 4, 4)) + len; if (end > top) top = end } \
		END { printf "firmware: %s: %d bytes at 0x0000-0x%04X, the limit 0x%04X (build id %08x)\n", \
			f, n, top - 1, limit - 1, id; \
			if (top > limit) { printf "firmware: too big by %d bytes\n", top - limit; exit 1 } }' $<

$(OUT)/hil-fx2.ihx: $(REL)
	@$(SDCC) --code-loc 0x0000 --code-size $(CODE_SIZE) --xram-loc $(CODE_SIZE) \
		--xram-size $(XRAM_SIZE) --iram-size 0x100 -o $@ $(REL) >$(OUT)/link.log 2>&1 || \
		{ cat $(OUT)/link.log >&2; rm -f $@; \
		  ! grep -q Insufficient $(OUT)/link.log || \
		  echo "firmware: does not fit below $(CODE_SIZE), the FX2LP RAM left for code" >&2; exit 1; }

# Every object depends on every header and on the build id they carry.
$(OUT)/%.rel: firmware/fx2/%.c $(HDR) $(OUT)/build-id
	@mkdir -p $(OUT)
	@$(SDCC) -c $< -o $@ >$(@:.rel=.log) 2>&1 || { cat $(@:.rel=.log) >&2; exit 1; }
	@if grep -q -i 'warning' $(@:.rel=.log); then cat $(@:.rel=.log) >&2; rm -f $@; exit 1; fi

$(OUT)/build-id: FORCE
	@mkdir -p $(OUT)
	@echo $(BUILD_ID) | cmp -s - $@ || echo $(BUILD_ID) >$@

.PHONY: FORCE
FORCE:
