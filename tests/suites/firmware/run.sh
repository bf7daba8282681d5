#!/bin/sh
# The FX2 firmware as built by make firmware (sdcc): it fits the FX2LP's
# RAM and says so; the size check refuses an image that does not fit; the
# image carries the identity record the host looks for, with the API
# version of hilfx2.h and the build id the build printed. Its logic is
# unit-tested on the host by tests/unit/test_fx2.c.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
w=build/firmware-tests
rm -rf $w && mkdir -p $w

for b in $(ls boards/*/fx2_pins.h | cut -d/ -f2); do
	if make -s firmware BOARD=$b >$w/$b.out 2>&1 &&
		grep -q "^firmware: build/firmware/$b/hil-fx2.ihx: [0-9]* bytes at 0x0000-0x[0-9A-F]*, the limit 0x3DFF" $w/$b.out; then
		ok "$b: make firmware builds and reports the size: $(tail -n 1 $w/$b.out | cut -d: -f3-)"
	else
		cat $w/$b.out; bad "$b: make firmware"
		continue
	fi
	id=$(sed -n 's/.*(build id \([0-9a-f]*\)).*/\1/p' $w/$b.out)
	api=$(sed -n 's/^#define HILFX2_API 0x\([0-9a-fA-F]*\)$/\1/p' protocol/hilfx2.h)
	if python3 - build/firmware/$b/hil-fx2.ihx "$id" "$api" <<'PY'
import sys
mem = bytearray(0x4000)
for line in open(sys.argv[1]):
    n, addr, kind = int(line[1:3], 16), int(line[3:7], 16), line[7:9]
    if kind == "00":
        mem[addr:addr + n] = bytes.fromhex(line[9:9 + 2 * n])
at = mem.find(b"HILF")
rec = mem[at:at + 12]
api = int(sys.argv[3], 16)
ok = at >= 0 and rec[4] | rec[5] << 8 == api and rec[6] == 1 and \
    int.from_bytes(rec[8:12], "little") == int(sys.argv[2], 16)
sys.exit(0 if ok else 1)
PY
	then
		ok "$b: the image carries HILF, API $api, the board and build id $id"
	else
		bad "$b: identity record in the image"
	fi
done

# The check is not for show: a limit the firmware exceeds fails the build.
if make -s -f mk/firmware.mk BOARD=glasgow-revc OUT=$w/small CODE_SIZE=0x0800 >$w/small.out 2>&1; then
	bad "a 2 KiB limit was accepted"
else
	grep -q "does not fit below 0x0800" $w/small.out && ok "a 2 KiB limit is refused: $(grep 'does not fit' $w/small.out)" ||
		{ cat $w/small.out; bad "the refusal says why"; }
fi
summary
