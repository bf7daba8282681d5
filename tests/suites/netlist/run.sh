#!/bin/sh
# Gate-level identity: for every example, the netlist Yosys makes for the
# iCEBreaker's, the HX8K's and the iCEstick's chip (synth_ice40), simulated
# with Yosys's iCE40 cell models and driven by the same host code and
# script, must print the trace the RTL model prints (which
# tests/suites/oracle holds equal to the Icarus oracle of the bare DUT). Two
# builds run at a time. Every example on the iCEBreaker; on the HX8K, make
# test's time allows alu (carry chains) and mem (block RAM), where the two
# devices' cells differ most; HIL_BOARDS=all runs every example there too.
# On the iCEstick nothing in make test: its netlist is the HX8K's kind
# (-device hx), and this target puts the byte-a-clock bridge beside the
# DUT, not the iCEstick's compact one; HIL_BOARDS=all runs crc there.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/netlist-tests
mkdir -p $w

one() {
	d=$1 board=$2 n=$(basename "$1")
	"$HIL" run --dut "$d" "$d/test.hil" >$w/$n.rtl 2>$w/$n.rtl.err
	echo $? >$w/$n.rtl.rc
	"$HIL" run --target "netlist:$board:$d" "$d/test.hil" >$w/$n.$board 2>$w/$n.$board.err
	echo $? >$w/$n.$board.rc
}

# on BOARD DIR: whether this run checks example DIR on BOARD.
on() {
	case $1/$(basename "$2") in
	icebreaker/* | hx8k/alu | hx8k/mem) return 0 ;;
	hx8k/* | icestick/crc) [ "${HIL_BOARDS:-}" = all ] ;;
	*) return 1 ;;
	esac
}
for board in icebreaker hx8k icestick; do
	for d in examples/*/; do
		on $board "$d" || continue
		two one "$d" $board
	done
done
two_wait

for board in icebreaker hx8k icestick; do
	for d in examples/*/; do
		on $board "$d" || continue
		n=$(basename "$d")
		if [ "$(cat $w/$n.$board.rc)" != "$(cat $w/$n.rtl.rc)" ]; then
			bad "$n on $board: exit $(cat $w/$n.$board.rc), RTL $(cat $w/$n.rtl.rc)"
			head -n 5 $w/$n.$board.err
		elif ! cmp -s $w/$n.rtl $w/$n.$board || [ ! -s $w/$n.rtl ]; then
			bad "$n on $board: netlist trace differs from RTL"
			diff $w/$n.rtl $w/$n.$board | head -n 5
		else
			ok "$n on $board: gate-level trace = RTL trace ($(wc -l <$w/$n.rtl) lines)"
		fi
	done
done
# examples/fifo built with other parameters: its netlist too.
fdir=examples/fifo
fparams="--param WIDTH=16 --param DEPTH=4"
"$HIL" run $fparams --dut $fdir $fdir/test16.hil >$w/fifo16.rtl 2>&1
"$HIL" run $fparams --target netlist:icebreaker:$fdir $fdir/test16.hil >$w/fifo16.net 2>&1
if [ -s $w/fifo16.rtl ] && cmp -s $w/fifo16.rtl $w/fifo16.net; then
	ok "fifo with WIDTH=16 DEPTH=4 on icebreaker: gate-level trace = RTL trace ($(wc -l <$w/fifo16.rtl) lines)"
else
	bad "fifo with parameters: the netlist's trace differs"
	diff $w/fifo16.rtl $w/fifo16.net | head -n 5
fi
summary
