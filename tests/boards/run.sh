#!/bin/sh
# Board builds: a bitstream of examples/counter for the iCEBreaker and for
# the HX8K breakout is made, has the device's bitstream size, passes timing,
# and records its DUT; a build with an impossible clock fails, says why, and
# leaves no hil.bin. Builds run two at a time (each takes about 45 s of one
# core).
cd "$(dirname "$0")/../.." || exit 2
w=build/board-tests
mkdir -p $w
p=0 f=0
ok() { echo "ok $1"; p=$((p + 1)); }
bad() { echo "FAIL $1"; f=$((f + 1)); }

make -s -f mk/bitstream.mk BOARD=icebreaker DUT=examples/counter >$w/good.log 2>&1 &
good=$!
make -s -f mk/bitstream.mk BOARD=hx8k DUT=examples/counter >$w/hx8k.log 2>&1
hx8k_rc=$?
# A copy of the DUT under another name, so the two builds do not share a
# build directory.
rm -rf $w/slowcounter && mkdir -p $w/slowcounter
sed 's/^module counter/module slowcounter/' examples/counter/counter.v >$w/slowcounter/slowcounter.v
make -s -f mk/bitstream.mk BOARD=icebreaker DUT=$w/slowcounter CLK_MHZ=200 >$w/bad.log 2>&1
bad_rc=$?
wait $good
good_rc=$?

bin=build/icebreaker/counter/hil.bin
sig=$(sed -n 's/.*"signature": "\([0-9a-f]*\)".*/\1/p' "$(build/bin/hil ports --dut examples/counter --where)/ports.json")
[ $good_rc -eq 0 ] && [ -f $bin ] && ok "bitstream for icebreaker/counter builds" || { bad "icebreaker/counter: $(tail -n 3 $w/good.log)"; }
[ -f $bin ] && [ "$(stat -c %s $bin)" -eq 104090 ] && ok "hil.bin has the UP5K's size (104090 bytes)" || bad "hil.bin size"
log=build/icebreaker/counter/nextpnr.log
grep -q "PASS at 12.00 MHz" $log && ok "timing passes at 12 MHz: $(grep -o "[0-9.]* MHz (PASS" $log | tail -n 1)" || bad "no passing timing line"
grep -q "\"signature\": \"$sig\"" build/icebreaker/counter/hil.json && grep -q '"board": "icebreaker"' build/icebreaker/counter/hil.json &&
	ok "hil.json records board and DUT signature" || bad "hil.json"
[ $bad_rc -ne 0 ] && ok "impossible clock: build fails (exit $bad_rc)" || bad "impossible clock did not fail"
[ ! -f build/icebreaker/slowcounter/hil.bin ] && ok "impossible clock: no hil.bin left" || bad "stale hil.bin"
grep -q "timing failed: Max frequency for clock .* MHz (FAIL at 200.00 MHz)" $w/bad.log &&
	ok "impossible clock: the message names clock, achieved and required" || bad "message: $(cat $w/bad.log)"
[ $hx8k_rc -eq 0 ] && [ "$(stat -c %s build/hx8k/counter/hil.bin 2>/dev/null)" = 135100 ] &&
	grep -q "PASS at 12.00 MHz" build/hx8k/counter/nextpnr.log &&
	ok "bitstream for hx8k/counter: HX8K size (135100 bytes), timing passes" ||
	bad "hx8k/counter: $(tail -n 3 $w/hx8k.log)"
echo "$p passed, $f failed"
[ $f -eq 0 ]
