#!/bin/sh
# FX2 boards through the real libusb against the emulated Glasgow
# (build/bin/hil-fx2-emu, tests/emulators/fx2): hil's firmware loaded through the
# FX2's boot ROM (0xA0, CPUCS), the re-enumeration as 1209:0001, the FPGA
# configured through the firmware with a real Glasgow bitstream (the
# firmware's own request and configuration code answers, on the emulator's
# iCE40 model), nothing loaded twice, another firmware build replaced,
# and the failures said plainly; then every example through the bridge
# behind the FX2 PHY on a cycle model of the FX2's FIFOs (fx2:BOARD:DIR),
# and through the emulated FX2's bulk endpoints into that model
# (usb:BOARD:DIR), traces equal to the sim backend's, also when the board
# is replugged mid-run, with its power or after losing it; one that does
# not come back ends the run with a message.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
EMU=build/bin/hil-fx2-emu
FW=build/firmware/glasgow-revc/hil-fx2.ihx
w=build/fx2-tests
rm -rf $w && mkdir -p $w

# Each into the build cache, where the usb: target finds it; hil bitstream
# prints where.
for d in counter alu; do
	build/bin/hil bitstream --board glasgow-revc --dut examples/$d >$w/bit-$d.path 2>$w/build-$d.log ||
		{ cat $w/build-$d.log; bad "building the glasgow-revc bitstream of $d"; summary; exit; }
done
cnt=$(cat $w/bit-counter.path)
alu=$(cat $w/bit-alu.path)

# what the emulator printed at its exit
emu_says() { grep -q "$2" $w/$1.err; }

# Power-on: a blank FX2 and an unconfigured FPGA; one command loads the
# firmware, configures, and a second finds both done.
$EMU --firmware $FW -- sh -c "$HIL list; $HIL flash --sram $cnt && $HIL flash --sram $cnt &&
	$HIL list && $HIL flash --sram $alu" >$w/first.out 2>$w/first.err
rc=$?
[ $rc -eq 0 ] && grep -q "firmware (API 1, build [0-9a-f]*) loaded; $cnt configured into SRAM; CDONE high" $w/first.out &&
	ok "hil flash --sram: firmware loaded through the boot ROM, the FPGA configured (CDONE high)" ||
	{ cat $w/first.out $w/first.err; bad "first hil flash --sram (exit $rc)"; }
grep -q "04b4:8613 .*glasgow-revc (no firmware yet)" $w/first.out &&
	ok "hil list shows the blank FX2 as glasgow-revc with no firmware yet" || bad "hil list before loading"
grep -q "1209:0001 .*hil FX2 bridge .*glasgow-revc" $w/first.out &&
	ok "hil list shows hil's firmware running on glasgow-revc" || bad "hil list after loading"
grep -q "was running already; $cnt was in the FPGA already (same CRC-32)" $w/first.out &&
	ok "the same firmware and bitstream again: neither is loaded twice" || bad "second load not skipped"
grep -q "was running already; $alu configured into SRAM" $w/first.out &&
	ok "another bitstream: configured, the firmware kept" || bad "alu after counter"
emu_says first "loads [0-9]*, cpu starts 1, re-enumerations 1; configurations 2, .*cdone 1" &&
	ok "the emulator saw one CPU start, one re-enumeration, two configurations: $(sed 's/^fx2-emu: //' $w/first.err | tail -n 1)" ||
	{ cat $w/first.err; bad "emulator counts"; }

# Another build of the firmware already running: hil hands EP0 back to the
# ROM and loads its own. The other build: hil's image with another build id.
mkdir -p $w/other/build/firmware/glasgow-revc && cp -r boards $w/other/
python3 - $FW $w/other/build/firmware/glasgow-revc/hil-fx2.ihx <<'PY'
import sys
out, done = [], False
for line in open(sys.argv[1]):
    line = line.strip()
    b = bytearray.fromhex(line[1:])
    if not done and b[3] == 0 and b"HILF" in b[4:-1]:
        i = b.index(b"HILF", 4)
        if i + 12 <= len(b) - 1:
            b[i + 8] ^= 0xff  # the build id's low byte
            b[-1] = (-sum(b[:-1])) & 0xff
            done = True
    out.append(":" + b.hex().upper())
open(sys.argv[2], "w").write("\n".join(out) + "\n")
sys.exit(0 if done else 1)
PY
[ $? -eq 0 ] || bad "making another firmware build"
$EMU --firmware $FW --firmware $w/other/build/firmware/glasgow-revc/hil-fx2.ihx -- sh -c \
	"HIL_ROOT=$PWD/$w/other $HIL flash --sram $cnt && $HIL flash --sram $cnt" >$w/other.out 2>$w/other.err
rc=$?
[ $rc -eq 0 ] && [ "$(grep -c 'firmware (API 1, build [0-9a-f]*) loaded' $w/other.out)" -eq 2 ] &&
	emu_says other "cpu starts 2, re-enumerations 2; configurations 2, .*cdone 1" &&
	ok "another firmware build running: replaced through the boot ROM, the FPGA configured again" ||
	{ cat $w/other.out $w/other.err; bad "replacing another build (exit $rc)"; }

# An image that is not hil's firmware: it never comes back on the bus.
$EMU -- $HIL flash --sram $cnt >$w/alien.out 2>$w/alien.err
rc=$?
[ $rc -eq 2 ] && grep -q "did not come back as hil's firmware (1209:0001) within 5 s" $w/alien.err &&
	emu_says alien "running an unknown image" &&
	ok "an FX2 that does not run the image: $(grep -o "did not come back.*" $w/alien.err | head -n 1)" ||
	{ cat $w/alien.out $w/alien.err; bad "unknown image (exit $rc)"; }

# A damaged bitstream: the iCE40 model's CRC check fails, CDONE stays low.
python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[len(b) // 2] ^= 0x10; open(sys.argv[2], 'wb').write(b)" $cnt $w/damaged.bin
$EMU --firmware $FW -- $HIL flash --sram $w/damaged.bin >$w/damaged.out 2>$w/damaged.err
rc=$?
[ $rc -eq 2 ] && grep -q "CDONE stayed low after the bitstream went into SRAM" $w/damaged.err &&
	emu_says damaged "cdone 0" &&
	ok "a damaged bitstream: exit 2, CDONE low, said so" ||
	{ cat $w/damaged.out $w/damaged.err; bad "damaged bitstream (exit $rc)"; }

# CDONE wired wrong (reads high with CRESET low).
$EMU --firmware $FW --fault cdone-high -- $HIL flash --sram $cnt >$w/cdone.out 2>$w/cdone.err
rc=$?
[ $rc -eq 2 ] && grep -q "CDONE is high while the FPGA is held in reset" $w/cdone.err &&
	ok "CDONE stuck high: exit 2, said so" || { cat $w/cdone.out $w/cdone.err; bad "cdone-high (exit $rc)"; }

# No board at all (no emulator): where to look, what to plug.
$HIL flash --sram $cnt >$w/none.out 2>$w/none.err
rc=$?
[ $rc -eq 2 ] && grep -q "no FX2 for board glasgow-revc on USB: looked for 1209:0001 (hil's firmware) and 04b4:8613" $w/none.err &&
	ok "no board: $(sed 's/^hil flash: FAILED: //' $w/none.err)" || { cat $w/none.err; bad "no board (exit $rc)"; }

# No flash on the board; a bitstream for another board; the ftdi target.
$HIL flash $cnt >$w/noflash.out 2>$w/noflash.err
[ $? -eq 2 ] && grep -q "glasgow-revc's FPGA has no flash to write: configure it with hil flash --sram" $w/noflash.err &&
	ok "hil flash without --sram: refused, says to use --sram" || { cat $w/noflash.err; bad "flash without --sram"; }
build/bin/hil bitstream --board hx8k --dut examples/counter --out build/hx8k/counter >$w/hx8k.log 2>&1
$EMU --firmware $FW -- $HIL flash --sram --board glasgow-revc build/hx8k/counter/hil.bin >$w/wrong.out 2>$w/wrong.err
rc=$?
[ $rc -eq 2 ] && grep -q "refusing build/hx8k/counter/hil.bin" $w/wrong.err && emu_says wrong "loads 0" &&
	ok "a bitstream built for another board: refused before any USB traffic" ||
	{ cat $w/wrong.out $w/wrong.err; bad "wrong board's bitstream (exit $rc)"; }
$HIL run --target ftdi:glasgow-revc:examples/counter examples/counter/test.hil >$w/ftdi.out 2>$w/ftdi.err
[ $? -eq 2 ] && grep -q "board glasgow-revc is reached through its FX2 .*its target is usb:glasgow-revc:DIR" $w/ftdi.err &&
	ok "ftdi:glasgow-revc refused: $(sed 's/^hil run: //' $w/ftdi.err)" || { cat $w/ftdi.err; bad "ftdi target on an FX2 board"; }

# The bridge behind the FX2 PHY, on a cycle model of the FX2's FIFOs that
# stops the run on any breach of their rules (fx2:BOARD:DIR): every
# example's trace equals the sim backend's.
for d in examples/*/; do
	n=$(basename $d)
	$HIL run --dut $d $d/test.hil >$w/sim-$n.out 2>$w/sim-$n.err
	$HIL run --target fx2:glasgow-revc:$d $d/test.hil >$w/fx2-$n.out 2>$w/fx2-$n.err
	rc=$?
	if [ $rc -eq 0 ] && [ -s $w/fx2-$n.out ] && cmp -s $w/sim-$n.out $w/fx2-$n.out; then
		ok "run fx2:glasgow-revc:$n: trace == sim ($(wc -l <$w/fx2-$n.out) lines)"
	else
		cat $w/fx2-$n.err; bad "run fx2:glasgow-revc:$n (exit $rc): trace differs from sim"
	fi
done

# hil run --target usb:... through the real libusb: the emulated FX2 loads
# hil's firmware, configures the FPGA, and its bulk endpoints carry the
# bytes of the fx2: model above; every example's trace equals sim. wide's
# adder misses the Glasgow's 48 MHz (tests/suites/boards), so its image here
# is built for 40 MHz: the emulator runs the model, not the image's timing.
# Each example is a bitstream build: make test's time allows counter (the
# replug tests below use it too), mem and wide (a 129-bit port, the longest
# commands); the fx2: model above runs every example over the same bytes,
# and HIL_BOARDS=all runs every one here too.
for d in examples/*/; do
	n=$(basename $d)
	case "${HIL_BOARDS:-}/$n" in all/* | */counter | */mem | */wide) ;; *) continue ;; esac
	clk=""
	[ $n = wide ] && clk="CLK_MHZ=40"
	build/bin/hil bitstream --board glasgow-revc --dut $d $clk >$w/usb-build-$n.log 2>&1 ||
		{ cat $w/usb-build-$n.log; bad "usb: bitstream of $n"; continue; }
	model=$($HIL ports --dut $d --model fx2:glasgow-revc)
	$EMU --firmware $FW --model $model -- sh -c "$HIL run --target usb:glasgow-revc:$d $d/test.hil >$w/usb-$n.out &&
		$HIL run --target usb:glasgow-revc:$d $d/test.hil >$w/usb2-$n.out" 2>$w/usb-$n.err
	rc=$?
	if [ $rc -eq 0 ] && [ -s $w/usb-$n.out ] && cmp -s $w/sim-$n.out $w/usb-$n.out &&
		cmp -s $w/sim-$n.out $w/usb2-$n.out && emu_says usb-$n "cpu starts 1, re-enumerations 1; configurations 2,"; then
		ok "run usb:glasgow-revc:$n twice: traces == sim, the firmware loaded once, the FPGA configured for each ($(grep -o 'bulk: .*' $w/usb-$n.err))"
	else
		cat $w/usb-$n.err; bad "run usb:glasgow-revc:$n (exit $rc)"
	fi
done

# The board unplugged mid-run, after 600 bulk bytes of examples/counter's
# session (the emulator's --fault; it comes back 300 ms later at the same
# USB port under a new device number). Powered all along, it still runs
# hil's firmware and its FPGA still holds the DUT: hil claims it again
# without loading either, and the link layer resends what was lost. Having
# lost its power, it comes back as the bare FX2 with its FPGA unconfigured:
# hil loads the firmware and configures the FPGA again, and replays the
# session into the new bridge. Either way the trace is the simulator's.
d=examples/counter
model=$($HIL ports --dut $d --model fx2:glasgow-revc)
unplugged() {
	timeout 60 $EMU --firmware $FW --model $model --fault $2 -- \
		$HIL run --stats --target usb:glasgow-revc:$d $d/test.hil >$w/$1.out 2>$w/$1.err
}
replugged() {
	name=$1 fault=$2 counts=$3 what=$4
	unplugged $name $fault
	rc=$?
	if [ $rc -eq 0 ] && cmp -s $w/sim-counter.out $w/$name.out && emu_says $name "$counts.*unplugs 1"; then
		ok "$what: trace == sim ($(grep -o 'retransmits=[0-9]*' $w/$name.err); $(grep -o 'cpu starts.*configurations [0-9]*' $w/$name.err))"
	else
		cat $w/$name.err; bad "$what (exit $rc)"
	fi
}
replugged replug replug=600 "cpu starts 1, re-enumerations 1; configurations 1," \
	"usb: replugged mid-run, the board powered: claimed again, nothing reloaded"
replugged replug-submit replug-at-submit=600 "cpu starts 1, re-enumerations 1; configurations 1," \
	"usb: replugged mid-run, seen first as a refused submit"
replugged powercut powercycle=600 "cpu starts 2, re-enumerations 2; configurations 2," \
	"usb: replugged mid-run after a power cut: firmware and FPGA loaded again, the session replayed"
# Unplugged for good: a clear failure once the 3 s are up, not a hang.
t0=$(date +%s%N)
unplugged unplug unplug=600
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $rc -eq 2 ] && [ $ms -lt 6000 ] && grep -q "the USB link to board glasgow-revc (FX2) broke: the board (at USB port 1-1: an FX2 has no serial number) was unplugged and did not come back within 3 s; plug it in at the same port and run again" $w/unplug.err; then
	ok "usb: unplugged mid-run: exit 2 after $ms ms, \"$(grep -o 'the board (at USB.*' $w/unplug.err)\""
else
	cat $w/unplug.err; bad "usb: unplugged mid-run (exit $rc, $ms ms)"
fi

# hild with the Glasgow as a board of its file: two sessions through
# hild:glasgow-0, each on a freshly configured FPGA, traces == sim; a
# usb: board given a bitstream of its own is refused with the reason.
HILD=$(dirname "$HIL")/hild
d=examples/counter
printf '{"boards": [{"name": "glasgow-0", "type": "glasgow-revc", "uri": "usb:glasgow-revc:%s"}]}\n' \
	"$(pwd)/$d" >$w/boards.json
cat >$w/hild-usb.sh <<EOS
$HILD --foreground --socket $w/h.sock --state $w/hstate --config $w/boards.json 2>$w/hild.log &
hp=\$!
i=0
while [ ! -S $w/h.sock ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
HIL_HILD=$w/h.sock $HIL run --target hild:glasgow-0 $d/test.hil >$w/hild1.out &&
	HIL_HILD=$w/h.sock $HIL run --target hild:glasgow-0 $d/test.hil >$w/hild2.out
rc=\$?
kill \$hp
wait \$hp
exit \$rc
EOS
model=$($HIL ports --dut $d --model fx2:glasgow-revc)
$EMU --firmware $FW --model $model -- sh $w/hild-usb.sh 2>$w/hild-usb.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/sim-counter.out $w/hild1.out && cmp -s $w/sim-counter.out $w/hild2.out &&
	emu_says hild-usb "configurations 2," && grep -q "glasgow-0 leased" $w/hild.log; then
	ok "hild with a usb: board: two sessions through hild:glasgow-0, each configured, traces == sim"
else
	cat $w/hild-usb.err $w/hild.log; bad "hild with a usb: board (exit $rc)"
fi
printf '{"boards": [{"name": "g", "type": "glasgow-revc", "uri": "usb:glasgow-revc:%s", "bitstream": "%s"}]}\n' \
	"$(pwd)/$d" "$cnt" >$w/boards-bit.json
$HILD --foreground --socket $w/h2.sock --state $w/hstate2 --config $w/boards-bit.json 2>$w/hild-bit.err
[ $? -ne 0 ] && grep -q "a usb: board's FPGA is configured at every session .*leave \"bitstream\" out" $w/hild-bit.err &&
	ok "hild refuses a usb: board with a bitstream of its own, saying why" ||
	{ cat $w/hild-bit.err; bad "hild took a usb: board with a bitstream"; }

# A DUT whose bitstream was not built for the board: said, with the fix.
rm -rf $w/nobit && mkdir -p $w/nobit/nobitdut && cp examples/counter/counter.v $w/nobit/nobitdut/ &&
	sed -i 's/^module counter/module nobitdut/' $w/nobit/nobitdut/counter.v
$HIL run --target usb:glasgow-revc:$w/nobit/nobitdut examples/counter/test.hil >$w/nobit.out 2>$w/nobit.err
[ $? -ne 0 ] && grep -q "build the DUT's bitstream for glasgow-revc first: hil bitstream --board glasgow-revc --dut " $w/nobit.err &&
	ok "usb: without the DUT's bitstream: says how to build it" || { cat $w/nobit.err; bad "usb without a bitstream"; }

summary
