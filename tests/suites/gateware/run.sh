#!/bin/sh
# Gateware tests: Verilator lint of the bridge and the PHYs; the UART
# PHY bit by bit (gateware/tb/tb_uart.v); the FX2 PHY against a model of
# the FX2's slave FIFOs (gateware/tb/tb_fx2.v); the framers against
# tests/fixtures/vectors/frames.vec (gateware/tb/tb_frames.v); and the
# bridge fed the frames of tests/fixtures/vectors/bridge.vec under Icarus
# (gateware/tb/tb_vectors.v) with the generated top of
# tests/fixtures/vectors/vcounter.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/gateware-tests
# The Python halves of the testbenches, beside this script.
py=tests/suites/gateware
mkdir -p $w
if verilator --lint-only -Wall $(ls gateware/hil_*.v | grep -v hil_board) --top-module hil_bridge >$w/lint.log 2>&1; then
	ok "verilator --lint-only -Wall on the bridge"
else
	cat $w/lint.log; bad "verilator lint"
fi
for m in hil_uart_rx hil_uart_tx hil_fx2_fifo; do
	if verilator --lint-only -Wall gateware/$m.v --top-module $m >$w/lint_$m.log 2>&1; then
		ok "verilator --lint-only -Wall on $m"
	else
		cat $w/lint_$m.log; bad "verilator lint of $m"
	fi
done

# The UART PHY at the divisors the boards use: 3 (12 Mbaud from the HX8K's
# 36 MHz PLL clock), 4 (3 Mbaud from 12 MHz) and 12 (1 Mbaud from 12 MHz).
for div in 3 4 12; do
	iverilog -g2005 -DDIVISOR=$div -o $w/tb_uart_$div gateware/tb/tb_uart.v \
		gateware/hil_uart_rx.v gateware/hil_uart_tx.v &&
		vvp -n $w/tb_uart_$div >$w/uart_$div.log
	sed "\$d; s/\$/ (divisor $div)/" $w/uart_$div.log
	tally $w/uart_$div.log
done

# The FX2 slave-FIFO PHY against a cycle model of the FX2's FIFOs, with
# high-speed (512) and full-speed (64) packets.
for pkt in 512 64; do
	iverilog -g2005 -Ptb_fx2.PKT=$pkt -o $w/tb_fx2_$pkt gateware/tb/tb_fx2.v gateware/hil_fx2_fifo.v &&
		vvp -n $w/tb_fx2_$pkt >$w/fx2_$pkt.log
	grep -v '^#' $w/fx2_$pkt.log | sed "\$d; s/\$/ (FX2, $pkt-byte packets)/"
	tally $w/fx2_$pkt.log
done

# The framers alone against frames.vec.
n=$(python3 $py/frames.py input $w) &&
	iverilog -g2005 -o $w/tb_frames gateware/tb/tb_frames.v gateware/hil_frame_rx.v \
		gateware/hil_frame_tx.v gateware/hil_crc32.v &&
	vvp -n $w/tb_frames +dir=$w +nrx=${n% *} +ntx=${n#* } >$w/frames_vvp.log
python3 $py/frames.py check $w >$w/frames.log
sed '$d' $w/frames.log
tally $w/frames.log

out=$("$HIL" ports --dut tests/fixtures/vectors/vcounter --where)
if [ -z "$out" ] || [ ! -f "$out/hil_top.v" ]; then
	bad "building tests/fixtures/vectors/vcounter"
	summary
	exit
fi
vec=tests/fixtures/vectors/bridge.vec
python3 $py/vectors.py input $vec $w/in.memh &&
	iverilog -g2005 -o $w/tb_vectors gateware/tb/tb_vectors.v gateware/hil_*.v \
		"$out/hil_top.v" "$out/dut_ce.v" &&
	vvp -n $w/tb_vectors +in=$w/in.memh +n=$(wc -l <$w/in.memh) +out=$w/out.hex >$w/vvp.log
python3 $py/vectors.py check $vec $w/out.hex "$out/ports.json" >$w/check.log
rc=$?
sed '$d' $w/check.log
tally $w/check.log
summary && [ $rc -eq 0 ]
