#!/bin/sh
# make bench, link cost: bytes on the wire per poke, per watch report and
# per step, measured on the bit-level board simulation (the iCEBreaker's
# top with its UART PHY, driven by host/sim/hil_uart_main.cpp, which counts
# the bytes on the line), and the rates they allow at 3 and 12 Mbaud (8N1:
# 10 bits a byte); then the rates the board's bridge sustains, measured in
# its own clocks on the iCEBreaker's model (3 Mbaud, 12 MHz) and the
# HX8K's (12 Mbaud, 36 MHz), where the bridge's own work counts as well as
# the line. Each figure is the difference between a script of 2N and one
# of N operations, divided by N, so the handshake and the end of the run
# cancel out. Writes build/bench/link.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
HIL=build/bin/hil
d=examples/counter
N=2000

# bytes KIND COUNT: "to_board from_board" for a script of COUNT of KIND.
bytes() {
	$1 $2 >$b/link-$1-$2.hil
	"$HIL" run --target uart:icebreaker:$d $b/link-$1-$2.hil >/dev/null 2>$b/link.err ||
		{ cat $b/link.err >&2; return 1; }
	sed -n "s/^hil-uart: \([0-9]*\) bytes to the board, \([0-9]*\) from it.*/\1 \2/p" $b/link.err
}

# clocks KIND COUNT BOARD: the board clocks a script of COUNT of KIND took.
clocks() {
	$1 $2 >$b/link-$1-$2.hil
	"$HIL" run --target uart:$3:$d $b/link-$1-$2.hil >/dev/null 2>$b/link.err ||
		{ cat $b/link.err >&2; return 1; }
	sed -n "s/^hil-uart: \([0-9]*\) board clocks$/\1/p" $b/link.err
}
# sustained KIND BOARD MHZ: thousands of KIND a second the board sustains.
sustained() {
	one=$(clocks $1 $N $2) && two=$(clocks $1 $((2 * N)) $2) || return 1
	echo "$one $two $3" | awk -v n=$N '{printf "%.0f\n", n * $3 * 1000 / ($2 - $1)}'
}

poke=$(stats2 per pokes) || exit 1
pk3=$(sustained pokes icebreaker 12) && pk12=$(sustained pokes hx8k 36) &&
	rp3=$(sustained reports icebreaker 12) && rp12=$(sustained reports hx8k 36) || exit 1
rep=$(stats2 per reports) || exit 1
step=$(stats2 per steps) || exit 1
# "median (min-max)", or the median alone when every run agreed.
range() { if [ "$2" = "$3" ]; then echo "$1"; else echo "$1 ($2-$3)"; fi; }
set -- $poke
pk=$1
pkc="$(range $1 $2 $3) | $(range $4 $5 $6)"
set -- $rep
rp=$4
rpc="$(range $1 $2 $3) | $(range $4 $5 $6)"
set -- $step
stt=$1
stc="$(range $1 $2 $3) | $(range $4 $5 $6)"
rate() { echo "$1 $2" | awk '{printf "%.0f", $1 / 10 / $2 / 1000}'; }
{
	echo
	echo "## Link cost (UART)"
	echo
	echo "Bytes on the serial line per operation, measured on the bit-level"
	echo "simulation of the iCEBreaker's board top (examples/counter): the"
	echo "difference between scripts of $((2 * N)) and $N operations, over $N"
	echo "(median of $RUNS, with the range where runs differed: how the host"
	echo "cuts its stream into frames depends on when the bridge's credit comes"
	echo "back, which depends on timing). A poke is \`at C poke en V\` at"
	echo "successive cycles, then a \`run\` past the last, packed into frames as"
	echo "the link streams them; a"
	echo "report is one watch report of \`count\` changing every cycle; a step is"
	echo "\`step 1\`, which waits for its answer. Rates: bytes per second at 8N1"
	echo "(baud / 10) over the bytes per operation."
	echo
	echo "| operation | bytes to the board | bytes from the board | thousands a second at 3 Mbaud | at 12 Mbaud |"
	echo "|---|---|---|---|---|"
	echo "| poke (1-byte port) | $pkc | $(rate 3000000 $pk) | $(rate 12000000 $pk) |"
	echo "| watch report (8-bit port) | $rpc | $(rate 3000000 $rp) | $(rate 12000000 $rp) |"
	echo "| step (with its answer) | $stc | $(rate 3000000 $stt) | $(rate 12000000 $stt) |"
	echo
	echo "Sustained by the board, in thousands a second: the board clocks the"
	echo "bit-level model of the board top (compact bridge and UART PHY, the"
	echo "host's bits 1.5% slow) took for $((2 * N)) operations less those for"
	echo "$N, at the board's clock; the model waits for the host without"
	echo "counting while the bridge has nothing to do. The bridge's own work"
	echo "counts here as well as the line."
	echo
	echo "| operation | iCEBreaker, 3 Mbaud (12 MHz) | HX8K, 12 Mbaud (36 MHz) |"
	echo "|---|---|---|"
	echo "| poke (1-byte port) | $pk3 | $pk12 |"
	echo "| watch report (8-bit port) | $rp3 | $rp12 |"
	echo
	echo "From the protocol (docs/protocol.md, version 2): a poke a few cycles"
	echo "on is 2 bytes plus the value's, and so is a watch report; RUN and"
	echo "RUN_R are 1 byte each; a frame adds 13 (header, CRC, two ENDs) plus"
	echo "escapes, and acks ride in the headers of frames going the other way"
	echo "(or in frames of their own when there are none). A step's rate is"
	echo "bound by its round trip (the FTDI latency timer on a board), not by"
	echo "bytes."
} >$b/link.md
