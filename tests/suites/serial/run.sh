#!/bin/sh
# The board top end to end: for every example, hil_board (power-on reset,
# UART PHY at the iCEBreaker's clocks per bit, bridge, DUT) in Verilator,
# and for two at the HX8K's (12 Mbaud, the fewest clocks per bit of any
# board) and the counter at the iCEstick's, driven bit by bit by the serial
# model of
# host/sim/hil_uart_main.cpp, must print the trace and exit status of the
# RTL model (which tests/suites/oracle holds equal to the Icarus oracle),
# with no framing error seen by the model's receiver or the board's. The
# model's bits are 1.5% long; one run has them 1.5% short instead, and one
# goes through the lossy link (HIL_FAULTS) as well, which must spoil frames
# and still give the same trace. A clean run must need no retransmission (a
# stall shows up as one), and the framing errors the bridge reports in
# STATUS_R must be its receiver's; one run sends one byte in 150 (at random)
# with a low stop bit, which the board must count, report and recover from.
# Two examples are built at a time.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/serial-tests
board=icebreaker
mkdir -p $w

# name, DUT directory, then the environment of the uart run; the board is
# $board unless B= comes first in that environment.
one() {
	n=$1 d=$2
	shift 2
	b=$board
	case "$1" in B=*) b=${1#B=}; shift ;; esac
	echo $b >$w/$n.board
	"$HIL" run --dut "$d" "$d/test.hil" >$w/$n.rtl 2>$w/$n.rtl.err
	echo $? >$w/$n.rtl.rc
	env "$@" "$HIL" run --stats --target "uart:$b:$d" "$d/test.hil" \
		>$w/$n.uart 2>$w/$n.uart.err
	echo $? >$w/$n.uart.rc
}

check() {
	n=$1 on=$(cat $w/$1.board)
	errs=$(sed -n "s/^hil-uart: .*framing errors: \([0-9]*\) seen by the host's receiver, \([0-9]*\) by the board's$/\1 \2/p" $w/$n.uart.err)
	damaged=$(sed -n 's/.*bad_frames=\([0-9]*\).*/\1/p' $w/$n.uart.err)
	resent=$(sed -n 's/.*retransmits=\([0-9]*\).*/\1/p' $w/$n.uart.err)
	phy=$(sed -n 's/.*bridge_phy_errors=\([0-9]*\).*/\1/p' $w/$n.uart.err)
	if [ "$(cat $w/$n.uart.rc)" != "$(cat $w/$n.rtl.rc)" ]; then
		bad "$n: exit $(cat $w/$n.uart.rc), RTL $(cat $w/$n.rtl.rc)"
		head -n 5 $w/$n.uart.err
	elif ! cmp -s $w/$n.rtl $w/$n.uart || [ ! -s $w/$n.rtl ]; then
		bad "$n: uart trace differs from RTL"
		diff $w/$n.rtl $w/$n.uart | head -n 5
	elif [ "$2" = badstop ]; then
		# STATUS_R is read before the run's last bytes cross the line, so
		# it may have counted fewer than the receiver did by the end.
		if [ "${errs% *}" != 0 ] || [ "${errs#* }" -eq 0 ] || [ "${phy:-0}" -eq 0 ] ||
			[ "$phy" -gt "${errs#* }" ]; then
			bad "$n: framing errors: host's receiver, board's: ${errs:-no report}; STATUS_R: ${phy:-nothing}"
		else
			ok "$n on $on: uart trace = RTL trace through ${errs#* } framing errors (STATUS_R phy_errors=$phy)"
		fi
	elif [ "$errs" != "0 0" ]; then
		bad "$n: framing errors (host's receiver, board's): ${errs:-no report}"
	elif [ "$phy" != "${errs#* }" ]; then
		bad "$n: the bridge's STATUS_R says ${phy:-nothing} framing errors, its receiver counted ${errs#* }"
	elif [ "$2" != lossy ] && [ "${resent:-1}" -ne 0 ]; then
		bad "$n: ${resent:-?} retransmits on a clean serial line: something stalled until a timeout"
	elif [ "$2" = lossy ] && [ "${damaged:-0}" -eq 0 ]; then
		bad "$n: no frame was damaged, the lossy run proved nothing"
	else
		ok "$n on $on: uart trace = RTL trace ($(wc -l <$w/$n.rtl) lines; $(sed -n 's/^hil-uart: \(.* bytes to the board\)/\1/p' $w/$n.uart.err); $(grep -o 'bad_frames=[0-9]* retransmits=[0-9]*' $w/$n.uart.err))"
	fi
}

for d in examples/*/; do
	two one "$(basename "$d")" "$d"
done
two_wait
one counter-fast examples/counter HIL_UART_SKEW=-15 &
one alu-lossy examples/alu HIL_FAULTS=rate=1e-2,seed=5,chunk=burst
wait
one crc-badstop examples/crc HIL_UART_BADSTOP=150 &
# The HX8K's 12 Mbaud: 3 clocks a bit at its 36 MHz PLL clock, the fewest the
# receiver takes, with the model's bits 1.5% long and, for mem, 1.5% short.
one crc-hx8k examples/crc B=hx8k
wait
one mem-hx8k-fast examples/mem B=hx8k HIL_UART_SKEW=-15 &
# A line that spoils one byte in three: frames still reach the board now and
# then, the bridge answers, but no data frame gets through. hil once resent
# for ever here; it must give up with an error that says what is wrong.
# Whether a SYNC gets through first depends on the nonce (its stuffing) and
# on timing, so either stage may be the one that gives up.
timeout 60 env HIL_UART_BADSTOP=3 "$HIL" run --target uart:$board:examples/crc \
	examples/crc/test.hil >$w/hopeless.out 2>$w/hopeless.err
hopeless_rc=$?
wait
# The iCEstick, whose HX1K holds the compact bridge beside the counter, and
# beside crc.
one counter-icestick examples/counter B=icestick &
one crc-icestick examples/crc B=icestick
wait

for d in examples/*/; do
	check "$(basename "$d")"
done
check counter-fast
check alu-lossy lossy
check crc-badstop badstop
check crc-hx8k
check mem-hx8k-fast
check counter-icestick
check crc-icestick
if [ $hopeless_rc -eq 2 ] && grep -q "link: the bridge answers but .*the line loses too much" $w/hopeless.err; then
	ok "a hopeless line ends the run: $(grep -o 'link: .*' $w/hopeless.err)"
else
	bad "a hopeless line: exit $hopeless_rc (124: it hung), $(tail -n 2 $w/hopeless.err)"
fi
summary
