#!/bin/sh
# hil doctor against the emulated iCEBreaker and Glasgow (tests/emulators/ft2232h,
# presented to hil's real libusb and libftdi by umockdev). Its UART runs
# the model of whatever bitstream the doctor configures, as a board runs
# what it was given: the map names each DUT's board-top model by its
# signature. A healthy board passes every step and every example's trace
# equals sim's; then each fault gives its own verdict: no board, another
# board, a chip several boards use and no board named, no permission, the
# FPGA refusing its bitstream, a board the bridge does not fit, the wrong
# baud, a noisy cable, a board that runs something else than it was given.
# An emulated Glasgow (FX2) goes through the same steps.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
EMU=build/bin/hil-ft2232h-emu
w=build/doctor-tests
rm -rf $w && mkdir -p $w
board=icebreaker
emu() { timeout 300 $EMU "$@"; }
# hil doctor's temporary folders go here, to be counted at the end (user
# nobody makes one too).
mkdir -p $w/tmp && chmod 1777 $w/tmp
export TMPDIR=$PWD/$w/tmp

# The map: "SIGNATURE MODEL" for the bring-up DUT and every example (the
# usb suite builds the same models).
signature() { $HIL ports --dut "$1" --json | sed -n 's/.*"signature": "\([0-9a-f]*\)".*/\1/p'; }
for d in gateware/bringup examples/*/; do
	m=$($HIL ports --dut $d --model uart:$board 2>$w/model.err) && s=$(signature $d) &&
		[ -n "$s" ] && echo "$s $m" ||
		{ cat $w/model.err >&2; echo "no model for $d" >&2; }
done >$w/map
[ "$(wc -l <$w/map)" -eq $(($(ls -d examples/*/ | wc -l) + 1)) ] ||
	bad "a board-top model for the bring-up DUT and every example"

# verdict FILE STEP WORD TEXT: the report's line for STEP says WORD and TEXT.
# (Latency is a warning past 20 ms, which a loaded machine can reach.)
verdict() {
	grep -q "^$2 *$3 .*$4" "$1"
}

# A healthy board: every step ok, the examples' traces equal to sim's.
# Two examples (tests/suites/usb runs every one over the same emulated
# board); hil doctor alone takes them all, which the install suite sees.
emu --uart-models $w/map -- $HIL doctor $board --examples counter,alu --keep $w/traces \
	>$w/ok.out 2>$w/ok.err
rc=$?
nex=2
if [ $rc -eq 0 ] && verdict $w/ok.out usb ok '0403:6010 at bus 001 device 005' &&
	verdict $w/ok.out permission ok && verdict $w/ok.out identity ok 'serial HIL00001' &&
	verdict $w/ok.out bring-up ok 'CDONE high' &&
	verdict $w/ok.out loopback ok '200 values looped back, 0 wrong; 20000 streamed, 20000 of their echoes reported, 0 wrong' &&
	verdict $w/ok.out errors ok ' 0 of' &&
	grep -Eq '^latency +(ok|WARN) +a poke and a read: [0-9]+ us median' $w/ok.out &&
	[ "$(grep -c "trace == sim's" $w/ok.out)" -eq $nex ] &&
	grep -q "^verdict: $board works with hil" $w/ok.out; then
	ok "a healthy board: every step ok, $nex examples' traces == sim's"
else
	cat $w/ok.out; tail -5 $w/ok.err; bad "a healthy board (exit $rc)"
fi
# The traces it compared are the ones hil run gives.
$HIL run --dut examples/counter examples/counter/test.hil >$w/counter.sim 2>/dev/null
if [ -s $w/counter.sim ] && cmp -s $w/counter.sim $w/traces/counter.board; then
	ok "the board's trace it kept is hil run's on sim"
else
	bad "the kept trace of counter"
fi

# fault NAME EXIT STEP WORD TEXT [EMU OPTIONS] -- [DOCTOR OPTIONS]
doctor="$HIL doctor"
fault() {
	name=$1 want=$2 step=$3 word=$4 text=$5
	shift 5
	eo=""
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do eo="$eo $1"; shift; done
	shift
	emu $eo -- $doctor "$@" >"$w/$name.out" 2>"$w/$name.err"
	rc=$?
	if [ $rc -eq $want ] && verdict "$w/$name.out" "$step" "$word" "$text" &&
		grep -q "^verdict: .* failed" "$w/$name.out"; then
		ok "$name: exit $rc, $step $word: $(grep "^$step " "$w/$name.out" | sed 's/^[^ ]* *[^ ]* *//' | cut -c1-70)"
	else
		cat "$w/$name.out"; tail -3 "$w/$name.err"; bad "$name (exit $rc)"
	fi
}
fault "another board's chip" 1 usb FAIL 'no icebreaker (USB ID 0403:6010) is attached' \
	--ft232h -- $board --no-examples
fault "another board, chosen by serial" 1 identity FAIL "the device is 0403:6014 (upduino3), not icebreaker" \
	--ft232h -- $board --serial HIL00001 --no-examples
fault "the FPGA refuses its bitstream" 1 bring-up FAIL 'CDONE stayed low' \
	--uart-models $w/map --fault cdone-low -- $board --no-examples
fault "wrong baud" 1 link FAIL 'no answer to SYNC' \
	--uart-models $w/map --baud 1000000 -- $board --no-examples
fault "a noisy cable" 1 errors FAIL 'frames damaged on the line' \
	--uart-models $w/map --fault noise=0.001 -- $board --no-examples
fault "no board named, and the chip is several boards'" 1 usb FAIL 'may be any of: hx8k,icebreaker,icestick' \
	-- --no-examples
# The iCEstick's HX1K (1280 cells) cannot hold the bring-up design (the
# bridge and gateware/bringup, about 1460 cells) today.
fault "a board the bridge does not fit yet" 1 bring-up FAIL 'does not fit: needs [0-9]* logic cells' \
	-- icestick --no-examples
# Through the noise every value still came back right: the link resends.
if verdict "$w/a noisy cable.out" loopback ok '0 wrong; 20000 streamed, 20000 of their echoes reported, 0 wrong'; then
	ok "a noisy cable: every value still looped back right"
else
	bad "a noisy cable's loopback"
fi
# A board whose FPGA runs another design than it was given (the map sends
# counter's signature to alu's model): counter's run is refused.
sed "s|^\($(signature examples/counter)\) .*|\1 $(grep "^$(signature examples/alu) " $w/map | cut -d' ' -f2-)|" \
	$w/map >$w/wrongmap
fault "a board that runs another design" 1 counter FAIL 'runs another DUT\|signature' \
	--uart-models $w/wrongmap -- $board --examples counter

# An emulated Glasgow (an FX2 in its boot ROM): the doctor loads hil's
# firmware, configures the bring-up bitstream, measures the link over the
# FX2's bulk endpoints and runs counter there.
for d in gateware/bringup examples/counter; do
	m=$($HIL ports --dut $d --model fx2:glasgow-revc 2>$w/model.err) && echo "$(signature $d) $m" ||
		cat $w/model.err >&2
done >$w/fx2map
timeout 300 build/bin/hil-fx2-emu --firmware build/firmware/glasgow-revc/hil-fx2.ihx \
	--models $w/fx2map -- $HIL doctor --examples counter >$w/fx2.out 2>$w/fx2.err
rc=$?
if [ $rc -eq 0 ] && verdict $w/fx2.out usb ok '04b4:8613 .*glasgow-revc' &&
	verdict $w/fx2.out identity ok 'boot ROM' && verdict $w/fx2.out bring-up ok "hil's firmware (API 1, build [0-9a-f]*) loaded" &&
	verdict $w/fx2.out loopback ok 'FX2 bulk endpoints: 200 values looped back, 0 wrong; 20000 streamed, 20000 of their echoes reported, 0 wrong' &&
	verdict $w/fx2.out errors ok ' 0 of' && verdict $w/fx2.out counter ok "trace == sim's" &&
	grep -q '^verdict: glasgow-revc works with hil' $w/fx2.out; then
	ok "an FX2 board found without naming it: firmware loaded, every step ok, counter's trace == sim's"
else
	cat $w/fx2.out; tail -3 $w/fx2.err; bad "an FX2 board (exit $rc)"
fi

# A device string is data: a terminal escape in the chip's product string
# is shown escaped, not sent to the terminal.
emu --uart-models $w/map --description "$(printf 'Du\033[31mal')" -- $HIL doctor $board \
	--no-examples >$w/esc.out 2>/dev/null
if grep -q '^identity .*"Du\\x1b\[31mal"' $w/esc.out && ! grep -q "$(printf '\033')" $w/esc.out; then
	ok "a terminal escape in the device's product string is shown escaped"
else
	od -c $w/esc.out | head; bad "device strings escaped"
fi

# No board at all (no emulator): the first step says so, the rest skip.
$HIL doctor $board --no-examples >$w/none.out 2>&1
rc=$?
if [ $rc -eq 1 ] && verdict $w/none.out usb FAIL 'no icebreaker' && verdict $w/none.out link skip; then
	ok "no board attached: usb FAIL, the rest skipped"
else
	cat $w/none.out; bad "no board attached (exit $rc)"
fi

# Without udev rules: the permission step says what to install. hil, its
# files and the models go where user nobody can read them (root only).
if [ "$(id -u)" = 0 ]; then
	u=$(mktemp -d) && chmod 755 $u && mkdir $u/bin && cp $HIL $u/bin/hil &&
		cp -r boards gateware examples $u/ && chmod -R a+rX $u
	doctor="env HIL_ROOT=$u $u/bin/hil doctor"
	fault "no permission" 1 permission FAIL 'this user may not open /dev/bus/usb/001/005' \
		--deny-user -- $board --no-examples
	if grep -q 'sudo cp boards/60-hil.rules' "$w/no permission.out"; then
		ok "no permission: the report says how to install the udev rules"
	else
		bad "no permission: the udev rules"
	fi
	rm -rf $u
else
	echo "skip no-permission check: it needs root to run hil as nobody"
fi

# Every run above left no temporary folder behind but the one whose
# counter was refused, which keeps that run's output and says where.
left=$(ls $w/tmp | grep -c '^hil-doctor-')
kept=$(sed -n 's/.*its output kept in \([^)]*\)).*/\1/p' "$w/a board that runs another design.out")
if [ "$left" -eq 1 ] && [ -s "$kept/counter.board.err" ]; then
	ok "no temporary folder of hil doctor's left behind, but the one a report names"
else
	ls -la $w/tmp; bad "$left temporary folders of hil doctor's left behind (kept: $kept)"
fi

# Usage errors are not verdicts: exit 2.
$HIL doctor nosuchboard >$w/usage.out 2>&1
rc1=$?
$HIL doctor $board --examples ../x >$w/usage2.out 2>&1
rc2=$?
if [ $rc1 -eq 2 ] && grep -q 'nosuchboard' $w/usage.out && [ $rc2 -eq 2 ] &&
	grep -q "no example's name" $w/usage2.out; then
	ok "usage errors: exit 2 with a message"
else
	cat $w/usage.out $w/usage2.out; bad "usage errors ($rc1 $rc2)"
fi

summary
