#!/bin/sh
# make bench, link cost: bytes on the wire per poke, per watch report and
# per step, measured on the bit-level board simulation (the iCEBreaker's
# top with its UART PHY, driven by host/sim/hil_uart_main.cpp, which counts
# the bytes on the line), and the rates they allow at 3 and 12 Mbaud (8N1:
# 10 bits a byte). Each figure is the difference between a script of 2N
# and one of N operations, divided by N, so the handshake and the end of
# the run cancel out. Writes build/bench/link.md.
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

poke=$(stats2 per pokes) || exit 1
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
	echo "From the protocol (docs/protocol.md, version 2): a poke a few cycles"
	echo "on is 2 bytes plus the value's, and so is a watch report; RUN and"
	echo "RUN_R are 1 byte each; a frame adds 13 (header, CRC, two ENDs) plus"
	echo "escapes, and acks ride in the headers of frames going the other way"
	echo "(or in frames of their own when there are none). A step's rate is"
	echo "bound by its round trip (the FTDI latency timer on a board), not by"
	echo "bytes."
} >$b/link.md
