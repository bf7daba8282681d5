#!/bin/sh
# Real boards over USB, against the emulated FT2232H board (tests/emulators/ft2232h,
# presented to hil's real libusb and libftdi by umockdev): hil list finds
# it; hil flash writes a real UP5K bitstream, verifies it and the flash
# holds exactly its bytes; every injected fault exits non-zero with a
# message naming it; --sram configures; wrong images are refused before
# any USB traffic; hil run over the ftdi transport (and the tty transport,
# through a pseudo-terminal) gives the sim backend's trace for every
# example; an unplug mid-run ends with a clear error, not a hang, and a
# replug mid-run (the board kept its power) lets the run go on.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
EMU=build/bin/hil-ft2232h-emu
w=build/usb-tests
rm -rf $w && mkdir -p $w
# The Python parts, beside this script.
py=tests/suites/usb
# Every emulated session gets a time limit: a hang is a failure too.
emu() { timeout 120 $EMU "$@"; }

board=icebreaker
for d in examples/*/; do
	build/bin/hil bitstream --board $board --dut $d --out build/$board/$(basename $d) >$w/build.log 2>&1 ||
		{ cat $w/build.log; bad "bitstream $board $d"; }
done
img=build/$board/counter/hil.bin

# hil list
emu --serial HILTEST42 -- $HIL list >$w/list.out 2>&1
if grep -q '^0403:6010 001/005 HILTEST42 .*Dual RS232-HS .*icebreaker' $w/list.out; then
	ok "list: the emulated FT2232H, its serial, bus/device and boards"
else
	cat $w/list.out; bad "list"
fi
emu --ft232h --devnum 9 -- $HIL list >$w/list2.out 2>&1
if grep -q '^0403:6014 001/009 HIL00001 .*Single RS232-HS .*upduino3$' $w/list2.out; then
	ok "list: an FT232H is the UPduino's"
else
	cat $w/list2.out; bad "list FT232H"
fi

# Without udev rules: an ordinary user is told why and what to do. hil,
# its boards/ and the image go where that user can read them. Becoming
# that user takes root: elsewhere the check is skipped, and says so.
if [ "$(id -u)" = 0 ]; then
	u=$(mktemp -d) && chmod 755 $u && mkdir $u/bin && cp $HIL $u/bin/hil &&
		cp -r boards $u/ && cp $img $u/
	chmod -R a+rX $u
	emu --deny-user -- env HIL_ROOT=$u $u/bin/hil list >$w/deny-list.out 2>&1
	emu --deny-user -- env HIL_ROOT=$u $u/bin/hil flash $u/hil.bin >$w/deny-flash.out 2>&1
	rc=$?
	if grep -q '001/005 ? *(no permission)' $w/deny-list.out &&
		grep -q 'install hil.s udev rules (sudo cp boards/60-hil.rules' $w/deny-list.out &&
		[ $rc -eq 2 ] && grep -q 'this user may not: install hil.s udev rules' $w/deny-flash.out; then
		ok "no permission: list and flash say so and point at boards/60-hil.rules"
	else
		cat $w/deny-list.out $w/deny-flash.out; bad "no permission (flash exit $rc)"
	fi
	rm -rf $u
else
	echo "skip no-permission check: it needs root to run hil as nobody"
fi

# The rules cover every board's USB ID.
for mk in boards/*/board.mk; do
	id=$(sed -n 's/^USB_ID[[:space:]]*:=[[:space:]]*//p' $mk)
	if grep 'SUBSYSTEM=="usb"' boards/60-hil.rules | grep "idVendor}==\"${id%:*}\"" |
		grep -q "${id#*:}"; then
		ok "udev rules cover $(basename $(dirname $mk)) ($id)"
	else
		bad "udev rules lack $(basename $(dirname $mk)) ($id)"
	fi
done

# hil flash to SPI flash, verified; the flash holds exactly the file
emu --flash-out $w/flash.bin -- $HIL flash $img >$w/flash.out 2>$w/flash.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/flash.bin $img &&
	grep -q 'written and verified' $w/flash.out && grep -q 'cdone 1' $w/flash.err; then
	ok "flash: $(stat -c %s $img) bytes of UP5K bitstream written, verified, booted; flash == file"
else
	cat $w/flash.out $w/flash.err; bad "flash (exit $rc)"
fi
# Output into a pipe: plain progress lines, no carriage returns.
if grep -q '^hil flash: write 100%' $w/flash.err && ! grep -q "$(printf '\r')" $w/flash.err; then
	ok "flash: plain progress lines when stderr is not a terminal"
else
	bad "flash progress lines"
fi

# On a terminal: one bar redrawn in place.
emu -- script -qec "$HIL flash --sram $img" /dev/null >$w/tty.out 2>&1
if grep -q "$(printf '\r')sram *\[########################################\] 100%" $w/tty.out; then
	ok "flash: a progress bar redrawn in place on a terminal"
else
	od -c $w/tty.out | head; bad "flash progress bar"
fi

# Each fault: non-zero exit and a message that names it.
fault() {
	name=$1 msg=$2
	shift 2
	emu --fault $name -- $HIL flash "$@" >$w/fault.out 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q "$msg" $w/fault.out; then
		ok "fault $name: exit $rc, \"$msg\""
	else
		cat $w/fault.out; bad "fault $name (exit $rc)"
	fi
}
fault readback=0x1234 'verify mismatch at 0x001234' $img
fault cdone-low 'CDONE stayed low after the FPGA was released' $img
fault busy 'busy timeout' $img
fault protected 'the flash is write-protected (status register 1c' $img
fault no-flash 'bad flash ID ffffff' $img
fault unplug=30000 'was the board unplugged' $img
fault cdone-low 'CDONE stayed low after the bitstream went into SRAM' --sram $img
fault unplug=30000 'was the board unplugged' --sram $img

# SRAM: configured, CDONE high, the flash untouched.
emu --flash-out $w/sram-flash.bin -- $HIL flash --sram $img >$w/sram.out 2>$w/sram.err
rc=$?
if [ $rc -eq 0 ] && grep -q 'CDONE high' $w/sram.out && grep -q 'cdone 1' $w/sram.err &&
	[ ! -s $w/sram-flash.bin ]; then
	ok "flash --sram: configured, CDONE high, flash untouched"
else
	cat $w/sram.out $w/sram.err; bad "flash --sram (exit $rc)"
fi

# The kernel's ftdi_sio is given back on the interface we took.
emu --sio-bound -- $HIL flash --sram $img >$w/sio.out 2>&1
if grep -q 'sio: A bound, B bound' $w/sio.out; then
	ok "ftdi_sio detached from channel A for the flash and given back"
else
	cat $w/sio.out; bad "ftdi_sio given back"
fi

# Choosing the device: by bus and device number, by serial number.
emu --devnum 7 -- $HIL flash --sram --bus 1 --device 7 $img >$w/sel.out 2>&1
rc1=$?
emu --devnum 7 -- $HIL flash --sram --bus 1 --device 5 $img >$w/sel2.out 2>&1
rc2=$?
emu --serial BOARD7 -- $HIL flash --sram --serial BOARD7 $img >$w/sel3.out 2>&1
rc3=$?
$HIL flash --sram --bus 1 $img >$w/sel4.out 2>&1
rc4=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 2 ] && grep -q 'no USB device at bus 1 device 5 is attached' $w/sel2.out &&
	[ $rc3 -eq 0 ] && [ $rc4 -eq 2 ] && grep -q -- '--bus and --device go together' $w/sel4.out; then
	ok "selection: --bus/--device and --serial pick the device; a wrong one is not found"
else
	cat $w/sel.out $w/sel2.out $w/sel3.out $w/sel4.out; bad "selection ($rc1 $rc2 $rc3 $rc4)"
fi

# Wrong images are refused before any USB traffic.
refuse() {
	what=$1 msg=$2
	shift 2
	$HIL flash "$@" >$w/refuse.out 2>&1
	rc=$?
	if [ $rc -ne 0 ] && grep -q "$msg" $w/refuse.out; then
		ok "refused: $what"
	else
		cat $w/refuse.out; bad "refuse $what (exit $rc)"
	fi
}
refuse "an image for another chip" 'was built for board icebreaker (up5k-sg48), not for hx8k (hx8k-ct256)' --board hx8k $img
head -c 50000 $img >$w/short.bin
refuse "a cut-short image" 'it is cut short' $w/short.bin
refuse "another DUT than the one named" 'not the one you named' --dut examples/alu $img
refuse "a file that is no bitstream" 'is not an iCE40 bitstream' README.md

# hil run over ftdi: the sim backend's trace, for every example.
for d in examples/*/; do
	n=$(basename $d)
	model=$($HIL ports --dut $d --model uart:$board) &&
		$HIL run --dut $d $d/test.hil >$w/$n.sim 2>/dev/null
	emu --flash-in build/$board/$n/hil.bin --uart-model $model \
		--baud 3000000 -- $HIL run --target ftdi:$board@HIL00001:$d $d/test.hil \
		>$w/$n.ftdi 2>$w/$n.ftdi.err
	rc=$?
	if [ $rc -eq 0 ] && [ -s $w/$n.sim ] && cmp -s $w/$n.sim $w/$n.ftdi; then
		ok "run ftdi:$board@HIL00001:$n: trace == sim ($(wc -l <$w/$n.sim) lines)"
	else
		cat $w/$n.ftdi.err | tail -5; bad "run ftdi $n (exit $rc)"
	fi
done

# hil run takes the same selection options.
d=examples/counter
model=$($HIL ports --dut $d --model uart:$board)
emu --serial BOARD7 --flash-in build/$board/counter/hil.bin --uart-model $model \
	-- $HIL run --target ftdi:$board:$d --serial BOARD7 $d/test.hil >$w/runsel.trace 2>$w/runsel.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/runsel.trace $w/counter.sim; then
	ok "run --serial: trace == sim"
else
	cat $w/runsel.err; bad "run --serial (exit $rc)"
fi

# The emulated iCEBreaker booted from examples/counter's bitstream, its
# UART wired to that DUT's board-top model; more emu options may follow.
counter_board() {
	emu --flash-in build/$board/counter/hil.bin --uart-model $model "$@"
}

# The wrong baud rate on the board's side: garbage, and a clear failure.
counter_board --baud 1000000 -- $HIL run --target ftdi:$board:$d $d/test.hil >$w/baud.out 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q 'no answer to SYNC' $w/baud.out; then
	ok "a board at another baud rate: exit $rc, no answer to SYNC"
else
	cat $w/baud.out; bad "wrong baud (exit $rc)"
fi

# Unplugged mid-run: a clear error, not a hang (emu's timeout catches one).
counter_board --fault unplug=600 -- $HIL run --target ftdi:$board:$d $d/test.hil >$w/unplug.out 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'was unplugged and did not come back within 3 s' $w/unplug.out; then
	ok "unplug mid-run: exit 2, \"$(grep -o 'the board (serial [^;]*' $w/unplug.out | head -1)\""
else
	cat $w/unplug.out; bad "unplug mid-run (exit $rc)"
fi
# Replugged mid-run, the board powered all along: found again by its
# serial number under a new device number, and the run goes on to the
# same trace (the link layer resends what was lost).
counter_board --fault replug=600 -- $HIL run --stats --target ftdi:$board:$d $d/test.hil \
	>$w/replug.trace 2>$w/replug.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/replug.trace $w/counter.sim; then
	ok "replug mid-run: the run goes on, trace == sim ($(grep -o 'retransmits=[0-9]*' $w/replug.err))"
else
	cat $w/replug.err; bad "replug mid-run (exit $rc)"
fi

# The same replug seen first as a refused submit rather than a failed
# transfer (as on a loaded machine, where hil writes before it reaps):
# hil once gave up at once here instead of waiting for the board.
counter_board --fault replug-at-submit=600 -- $HIL run --target ftdi:$board:$d $d/test.hil \
	>$w/replug-submit.trace 2>$w/replug-submit.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/replug-submit.trace $w/counter.sim; then
	ok "replug seen at a submit: the run goes on, trace == sim"
else
	cat $w/replug-submit.err; bad "replug seen at a submit (exit $rc)"
fi

# Replugged with a power cut: the FPGA booted again from flash and the
# bridge started afresh. The run ends, saying so.
counter_board --fault powercycle=600 -- $HIL run --target ftdi:$board:$d $d/test.hil >$w/power.out 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'the bridge has restarted' $w/power.out; then
	ok "power cut mid-run: exit 2, \"the bridge has restarted ...\""
else
	cat $w/power.out; bad "power cut mid-run (exit $rc)"
fi

# The other boards: the HX8K breakout (FT2232H, its UART at 12 Mbaud) and
# the UPduino v3 (an FT232H: flashing and the UART take turns on its one
# channel), flashed and run with examples/counter.
other() {
	b=$1 baud=$2
	shift 2
	build/bin/hil bitstream --board $b --dut $d --out build/$b/counter >$w/build.log 2>&1 ||
		{ cat $w/build.log; bad "bitstream $b"; return; }
	bmodel=$($HIL ports --dut $d --model uart:$b)
	emu "$@" --flash-out $w/$b.flash -- $HIL flash build/$b/counter/hil.bin >$w/$b.out 2>&1
	rc1=$?
	emu "$@" --flash-in build/$b/counter/hil.bin --uart-model $bmodel --baud $baud \
		-- $HIL run --target ftdi:$b:$d $d/test.hil >$w/$b.trace 2>$w/$b.err
	rc2=$?
	if [ $rc1 -eq 0 ] && cmp -s $w/$b.flash build/$b/counter/hil.bin &&
		[ $rc2 -eq 0 ] && cmp -s $w/$b.trace $w/counter.sim; then
		ok "$b ($*): flashed, flash == file; run at $baud baud, trace == sim"
	else
		cat $w/$b.out $w/$b.err | tail -8; bad "$b (flash exit $rc1, run exit $rc2)"
	fi
}
other hx8k 12000000
other upduino3 3000000 --ft232h

# No board, or a board not attached: a message, exit 2.
$HIL run --target ftdi:$board@NOSUCH:$d $d/test.hil >$w/none.out 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q 'no USB device with serial NOSUCH is attached' $w/none.out; then
	ok "no such board: exit 2 with a message"
else
	cat $w/none.out; bad "no such board (exit $rc)"
fi

# hild with the board idle: unplugged, it goes offline; back, it is free
# and runs a session (the emulator's away= fault is by the clock).
HILD=${HILD:-$(dirname "$HIL")/hild}
part $w/hild-replug.out timeout 120 python3 $py/hild_replug.py $HILD $HIL $EMU \
	build/$board/counter/hil.bin "$($HIL ports --dut examples/counter --model uart:$board)" \
	examples/counter $w/counter.sim $w

# tty: the same board top behind a pseudo-terminal.
for n in counter alu; do
	d=examples/$n
	timeout 120 python3 $py/pty_board.py $($HIL ports --dut $d --model uart:$board) \
		$HIL run --target tty:$board@PTY:$d $d/test.hil >$w/$n.tty 2>$w/$n.tty.err
	rc=$?
	if [ $rc -eq 0 ] && cmp -s $w/$n.sim $w/$n.tty; then
		ok "run tty:$board@/dev/pts/N:$n: trace == sim"
	else
		tail -5 $w/$n.tty.err; bad "run tty $n (exit $rc)"
	fi
done

summary
