#!/bin/sh
# make bench, the usb link of FX2 boards (Glasgow), on the emulated FX2
# (build/bin/hil-fx2-emu) with the counter's fx2: model behind its bulk
# endpoints, through the real libusb: pokes per second streamed (and the
# bytes per second that makes), and the round trip of a peek; then the
# bytes per poke, report and step measured on the board top behind the
# FX2 FIFO model (fx2:glasgow-revc:DIR), and the rates they allow at the
# FX2's own limits. Writes build/bench/usb.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
HIL=build/bin/hil
B=build/bin/bench_sim
EMU=build/bin/hil-fx2-emu
FW=build/firmware/glasgow-revc/hil-fx2.ihx
d=examples/counter
STREAM=50000 RTT=2000 N=2000

make -s firmware BOARD=glasgow-revc >/dev/null &&
	"$HIL" bitstream --board glasgow-revc --dut $d >/dev/null 2>$b/usb-build.log &&
	"$HIL" run --target fx2:glasgow-revc:$d $d/test.hil >/dev/null 2>&1 ||
	{ cat $b/usb-build.log >&2; echo "bench: the Glasgow build of $d failed" >&2; exit 1; }
model=$("$HIL" ports --dut $d --model fx2:glasgow-revc)
emu() { "$EMU" --firmware $FW --model $model -- "$@" 2>>$b/usb-emu.log; }

strm=$(stats emu $B usb:glasgow-revc:$d stream $STREAM) || exit 1
rtt=$(stats2 emu $B usb:glasgow-revc:$d rtt $RTT) || exit 1

# bytes KIND COUNT: "to_board from_board" across the FX2's FIFOs.
bytes() {
	$1 $2 >$b/usb-$1-$2.hil
	"$HIL" run --target fx2:glasgow-revc:$d $b/usb-$1-$2.hil >/dev/null 2>$b/usb.err ||
		{ cat $b/usb.err >&2; return 1; }
	sed -n "s/^hil-fx2: \([0-9]*\) bytes to the board, \([0-9]*\) from it.*/\1 \2/p" $b/usb.err
}
set -- $(per pokes) && pk=$1 pkf=$2 &&
	set -- $(per reports) && rpt=$1 rp=$2 &&
	set -- $(per steps) && stt=$1 stf=$2 || exit 1

# thousands a second at RATE bytes/s for BYTES an operation
rate() { echo "$1 $2" | awk '{printf "%.0f", $1 / $2 / 1000}'; }
{
	echo
	echo "## The usb link of FX2 boards (emulated)"
	echo
	echo "Through the real libusb to the emulated FX2 (\`hil-fx2-emu\`), hil's"
	echo "firmware loaded and the FPGA configured as on a board, with the"
	echo "counter's board top behind a cycle model of the FX2's FIFOs on its"
	echo "bulk endpoints (\`fx2:glasgow-revc\`). These time the emulation"
	echo "(umockdev, the emulator, the Verilator model), not a Glasgow: a board's"
	echo "figures are bound by USB 2.0 and the FX2 instead (the table below)."
	echo "Median of $RUNS (min-max)."
	echo
	echo "| measure | figure |"
	echo "|---|---|"
	echo "| streaming: pokes a second, $STREAM cycles, one poke a cycle | $(cell "$strm" 1e3 1) thousand |"
	echo "| streaming: stimulus bytes a second to the board ($pk a poke) | $(echo "$strm" | awk -v k=$pk '{printf "%.0f (%.0f-%.0f) kB", $1 * k / 1e3, $2 * k / 1e3, $3 * k / 1e3}') |"
	set -- $rtt
	echo "| round trip of a peek, median (µs, over $RTT) | $1 ($2-$3) |"
	echo "| round trip of a peek, 99th percentile (µs) | $4 ($5-$6) |"
	echo
	echo "Bytes per operation across the FX2's FIFOs, measured on the board top"
	echo "behind the FX2 model as the UART's are (the difference between scripts"
	echo "of $((2 * N)) and $N operations, over $N), and what the FX2's limits allow:"
	echo "the slave FIFO moves a byte a clock at 48 MHz (48 MB/s), the PHY writes"
	echo "at most two bytes in three clocks into EP6 (32 MB/s from the board), and"
	echo "USB 2.0 bulk carries at most 13 packets of 512 bytes a 125 µs"
	echo "microframe (53.2 MB/s), shared by both directions."
	echo
	echo "| operation | bytes to the board | bytes from the board | thousands a second at 48 MB/s to / 32 MB/s from the board |"
	echo "|---|---|---|---|"
	echo "| poke (1-byte port) | $pk | $pkf | $(rate 48000000 $pk) |"
	echo "| watch report (8-bit port) | $rpt | $rp | $(rate 32000000 $rp) |"
	echo "| step (with its answer) | $stt | $stf | bound by its round trip (below 1 ms on a board), not by bytes |"
} >$b/usb.md
