#!/bin/sh
# The board top end to end: for every example, hil_board (power-on reset,
# UART PHY at the iCEBreaker's clocks per bit, bridge, DUT) in Verilator,
# driven bit by bit by the serial model of host/sim/hil_uart_main.cpp, must
# print the trace and exit status of the RTL model (which tests/oracle holds
# equal to the Icarus oracle), with no framing error seen by the model's
# receiver or the board's. The model's bits are 1.5% long; one run has them
# 1.5% short instead, and one goes through the lossy link (HIL_FAULTS) as
# well, which must spoil frames and still give the same trace. Two examples
# are built at a time.
cd "$(dirname "$0")/../.." || exit 2
HIL=${HIL:-build/asan/bin/hil}
w=build/serial-tests
board=icebreaker
mkdir -p $w
p=0 f=0

# name, DUT directory, then the environment of the uart run
one() {
	n=$1 d=$2
	shift 2
	"$HIL" run --dut "$d" "$d/test.hil" >$w/$n.rtl 2>$w/$n.rtl.err
	echo $? >$w/$n.rtl.rc
	env "$@" "$HIL" run --stats --target "uart:$board:$d" "$d/test.hil" \
		>$w/$n.uart 2>$w/$n.uart.err
	echo $? >$w/$n.uart.rc
}

check() {
	n=$1
	errs=$(sed -n "s/^hil-uart: .*framing errors: \([0-9]*\) seen by the host's receiver, \([0-9]*\) by the board's$/\1 \2/p" $w/$n.uart.err)
	bad=$(sed -n 's/.*bad_frames=\([0-9]*\).*/\1/p' $w/$n.uart.err)
	if [ "$(cat $w/$n.uart.rc)" != "$(cat $w/$n.rtl.rc)" ]; then
		echo "FAIL $n: exit $(cat $w/$n.uart.rc), RTL $(cat $w/$n.rtl.rc)"
		head -n 5 $w/$n.uart.err
		f=$((f + 1))
	elif ! cmp -s $w/$n.rtl $w/$n.uart || [ ! -s $w/$n.rtl ]; then
		echo "FAIL $n: uart trace differs from RTL"
		diff $w/$n.rtl $w/$n.uart | head -n 5
		f=$((f + 1))
	elif [ "$errs" != "0 0" ]; then
		echo "FAIL $n: framing errors (host's receiver, board's): ${errs:-no report}"
		f=$((f + 1))
	elif [ "$2" = lossy ] && [ "${bad:-0}" -eq 0 ]; then
		echo "FAIL $n: no frame was damaged, the lossy run proved nothing"
		f=$((f + 1))
	else
		echo "ok $n on $board: uart trace = RTL trace ($(wc -l <$w/$n.rtl) lines; $(sed -n 's/^hil-uart: //p' $w/$n.uart.err); $(grep -o 'bad_frames=[0-9]* retransmits=[0-9]*' $w/$n.uart.err))"
		p=$((p + 1))
	fi
}

jobs=""
for d in examples/*/; do
	one "$(basename "$d")" "$d" &
	jobs="$jobs $!"
	if [ $(echo $jobs | wc -w) -ge 2 ]; then
		wait $jobs
		jobs=""
	fi
done
wait $jobs
one counter-fast examples/counter HIL_UART_SKEW=-15 &
one alu-lossy examples/alu HIL_FAULTS=rate=1e-2,seed=5,chunk=burst
wait

for d in examples/*/; do
	check "$(basename "$d")"
done
check counter-fast
check alu-lossy lossy
echo "$p passed, $f failed"
[ $f -eq 0 ]
