#!/bin/sh
# Board builds: a bitstream of every example for every board in boards/, each
# of the device's bitstream size, with a passing timing line for every clock
# at the board's bridge clock (from the PLL where the board uses it), and a
# hil.json and a bitstream comment that record board and DUT signature; a build with an
# impossible clock fails, says why, and leaves no hil.bin. A build that does
# not fit its board yet (MISFITS) must fail with a message that names the
# resource, what is needed and what the device has, and leave no hil.bin; if
# such a build starts to fit, this test fails until it leaves MISFITS.
# make test builds every example on one board of each device (hx8k for the
# HX8K, icebreaker for the UP5K) and, on the boards that share a device, the
# counter (on the iCEstick crc instead, which fills it to 93%) and what is
# known to fail there: the others differ only in pins,
# clock and PHY, which the counter exercises. HIL_BOARDS=all builds every
# example for every board (36 builds, about 13 minutes on two cores).
# Builds run in two lanes.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL_BIN=${HIL_BIN:-build/bin/hil}
w=build/board-tests
mkdir -p $w

# The iCEstick's HX1K has 1280 logic cells; the compact bridge and its PHY
# take about 1040, which leaves room for adder, counter, crc, fifo and wave,
# not for alu and mem (about 1390 and 1310: their ports' registers) nor cpu
# and wide.
MISFITS="icestick/alu icestick/cpu icestick/mem icestick/wide"
# Builds whose DUT cannot meet the board's clock: wide's 129-bit adder is
# one carry chain, about 44 MHz on the HX8K, and Glasgow's bridge clock is
# the FX2's 48 MHz. Such a build must fail with the timing message; if it
# starts to pass, this test fails until the build leaves SLOW.
SLOW="glasgow-revc/wide"

bin_bytes() {
	case $1 in
	up5k) echo 104090 ;;
	hx8k) echo 135100 ;;
	hx1k) echo 32220 ;;
	*) echo 0 ;;
	esac
}
board_var() { sed -n "s/^$2[[:space:]]*:=[[:space:]]*//p" boards/$1/board.mk; }

boards=$(ls boards/*/board.mk | cut -d/ -f2)
examples=$(ls -d examples/*/ | cut -d/ -f2)
FULL="hx8k icebreaker"
picked() { # board example: is this build in the matrix?
	[ "${HIL_BOARDS:-}" = all ] && return 0
	# The examples of SystemVerilog, a DUT with no clock and memory files
	# on the iCEBreaker only: make test's time.
	case "$1/$2" in icebreaker/*) ;; */adder | */fifo | */wave) return 1 ;; esac
	case " $FULL " in *" $1 "*) return 0 ;; esac
	case " $SLOW " in *" $1/$2 "*) return 0 ;; esac
	if [ "$1" = icestick ]; then [ "$2" = crc ] || [ "$2" = cpu ]; else [ "$2" = counter ]; fi
}
build() {
	$HIL_BIN bitstream --board $1 --dut examples/$2 --out build/$1/$2 >$w/$1-$2.log 2>&1
	echo $? >$w/$1-$2.rc
}
lane() { # lane N: every other build of the matrix, one after another
	i=0
	for b in $boards; do
		for n in $examples; do
			picked $b $n || continue
			[ $((i % 2)) -eq $1 ] && build $b $n
			i=$((i + 1))
		done
	done
}
rm -f $w/*.rc
lane 0 &
lane0=$!
# A copy of the counter under another name, so its build directory is its own.
rm -rf $w/slowcounter && mkdir -p $w/slowcounter
sed 's/^module counter/module slowcounter/' examples/counter/counter.v >$w/slowcounter/slowcounter.v
$HIL_BIN bitstream --board icebreaker --dut $w/slowcounter --out build/icebreaker/slowcounter \
	CLK_MHZ=200 >$w/bad.log 2>&1
bad_rc=$?
lane 1
wait $lane0

for b in $boards; do
	dev=$(board_var $b DEVICE)
	size=$(bin_bytes $dev)
	for n in $examples; do
		picked $b $n || continue
		misfit=0
		case " $MISFITS " in *" $b/$n "*) misfit=1 ;; esac
		d=examples/$n/
		out=build/$b/$n
		if [ ! -f $w/$b-$n.rc ]; then
			bad "$b/$n: the build did not run"
			continue
		fi
		rc=$(cat $w/$b-$n.rc)
		if [ $misfit -eq 1 ]; then
			if [ "$rc" -ne 0 ] && [ ! -f $out/hil.bin ] &&
				grep -q "does not fit: needs [0-9]* logic cells .* has [0-9]*" $w/$b-$n.log; then
				ok "$b/$n does not fit, as known: $(sed 's/.*does not fit: //' $w/$b-$n.log | head -n 1)"
			else
				bad "$b/$n: expected 'does not fit' (exit $rc): $(tail -n 2 $w/$b-$n.log); if it fits now, take $b/$n out of MISFITS"
			fi
			continue
		fi
		case " $SLOW " in *" $b/$n "*)
			if [ "$rc" -ne 0 ] && [ ! -f $out/hil.bin ] &&
				grep -q "timing failed: Max frequency for clock .* MHz (FAIL at $(board_var $b CLK_MHZ).00 MHz)" $w/$b-$n.log; then
				ok "$b/$n misses the board's clock, as known: $(sed 's/.*timing failed: //' $w/$b-$n.log | head -n 1)"
			else
				bad "$b/$n: expected a timing failure (exit $rc): $(tail -n 2 $w/$b-$n.log); if it passes now, take it out of SLOW"
			fi
			continue
		esac
		if [ "$rc" -ne 0 ] || [ ! -f $out/hil.bin ]; then
			bad "$b/$n: build failed: $(tail -n 3 $w/$b-$n.log)"
			continue
		fi
		# nextpnr reports each clock after placement and again after routing:
		# the last line of each clock is the one that counts.
		clocks=$(grep -h "Max frequency for clock" $out/nextpnr.log |
			awk '{k = $0; sub(/.*clock /, "", k); sub(/:.*/, "", k); last[k] = $0}
			     END {for (k in last) print last[k]}')
		sig=$(sed -n 's/.*"signature": "\([0-9a-f]*\)".*/\1/p' "$($HIL_BIN ports --dut $d --where)/ports.json")
		# The bitstream opens with our comment, FF 00 text 00 00 FF; the
		# sync word follows it, and what is left is the device's bitstream.
		text=$(head -c 512 $out/hil.bin | tail -c +3 | tr '\0' '\n' | head -n 1)
		sync=$(od -An -tx1 -j $((${#text} + 5)) -N 4 $out/hil.bin | tr -d ' ')
		if [ "$(od -An -tx1 -N 2 $out/hil.bin | tr -d ' ')" != ff00 ] || [ "$sync" != 7eaa997e ] ||
			! echo "$text" | grep -q "^hil board=$b device=$dev-$(board_var $b PACKAGE) dut=$n signature=$sig "; then
			bad "$b/$n: hil.bin's comment does not name board, device, DUT and signature: '$text', then $sync"
		elif [ "$(($(stat -c %s $out/hil.bin) - ${#text} - 1))" -ne "$size" ]; then
			bad "$b/$n: hil.bin is $(stat -c %s $out/hil.bin) bytes with a ${#text}-byte comment, the $dev's bitstream is $size"
		elif [ -z "$clocks" ] || echo "$clocks" | grep -vq "PASS at $(board_var $b CLK_MHZ).00 MHz"; then
			bad "$b/$n: timing at the board's $(board_var $b CLK_MHZ) MHz bridge clock: ${clocks:-no timing line}"
		elif [ "$(board_var $b PLL)" = 1 ] && ! grep -q "ICESTORM_PLL: *1/" $out/nextpnr.log; then
			bad "$b/$n: the board's bridge clock comes from the PLL, but nextpnr placed none"
		elif ! grep -q "\"signature\": \"$sig\"" $out/hil.json || ! grep -q "\"board\": \"$b\"" $out/hil.json; then
			bad "$b/$n: hil.json does not record board $b and signature $sig"
		else
			ok "$b/$n: $size bytes after a ${#text}-byte comment naming board and DUT, $(echo "$clocks" | sed 's/.*clock .\([^ ]*\).: \(.*\)/\1 \2/' | tr '\n' ' ')"
		fi
	done
done

[ $bad_rc -ne 0 ] && ok "impossible clock: build fails (exit $bad_rc)" || bad "impossible clock did not fail"
[ ! -f build/icebreaker/slowcounter/hil.bin ] && ok "impossible clock: no hil.bin left" || bad "stale hil.bin"
grep -q "timing failed: Max frequency for clock .* MHz (FAIL at 200.00 MHz)" $w/bad.log &&
	ok "impossible clock: the message names clock, achieved and required" || bad "message: $(cat $w/bad.log)"
summary
