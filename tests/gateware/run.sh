#!/bin/sh
# Gateware tests: Verilator lint of the bridge and the PHYs; the UART
# PHY bit by bit (gateware/tb/tb_uart.v); the FX2 PHY against a model of
# the FX2's slave FIFOs (gateware/tb/tb_fx2.v); the framers against
# tests/vectors/frames.vec (gateware/tb/tb_frames.v); and the bridge fed the
# frames of tests/vectors/bridge.vec under Icarus (gateware/tb/tb_vectors.v)
# with the generated top of tests/vectors/vcounter.
cd "$(dirname "$0")/../.." || exit 2
HIL=${HIL:-build/asan/bin/hil}
w=build/gateware-tests
mkdir -p $w
p=0 f=0
if verilator --lint-only -Wall $(ls gateware/hil_*.v | grep -v hil_board) --top-module hil_bridge >$w/lint.log 2>&1; then
	echo "ok verilator --lint-only -Wall on the bridge"; p=$((p + 1))
else
	cat $w/lint.log; echo "FAIL verilator lint"; f=$((f + 1))
fi
for m in hil_uart_rx hil_uart_tx hil_fx2_fifo; do
	if verilator --lint-only -Wall gateware/$m.v --top-module $m >$w/lint_$m.log 2>&1; then
		echo "ok verilator --lint-only -Wall on $m"; p=$((p + 1))
	else
		cat $w/lint_$m.log; echo "FAIL verilator lint of $m"; f=$((f + 1))
	fi
done

# The UART PHY at the divisors the boards use: 3 (12 Mbaud from the HX8K's
# 36 MHz PLL clock), 4 (3 Mbaud from 12 MHz) and 12 (1 Mbaud from 12 MHz).
for div in 3 4 12; do
	iverilog -g2005 -DDIVISOR=$div -o $w/tb_uart_$div gateware/tb/tb_uart.v \
		gateware/hil_uart_rx.v gateware/hil_uart_tx.v &&
		vvp -n $w/tb_uart_$div >$w/uart_$div.log
	sed "\$d; s/\$/ (divisor $div)/" $w/uart_$div.log
	up=$(tail -n 1 $w/uart_$div.log | cut -d' ' -f1)
	uf=$(tail -n 1 $w/uart_$div.log | cut -d' ' -f3)
	[ -z "$up" ] && up=0 && uf=1
	p=$((p + up)) f=$((f + uf))
done

# The FX2 slave-FIFO PHY against a cycle model of the FX2's FIFOs, with
# high-speed (512) and full-speed (64) packets.
for pkt in 512 64; do
	iverilog -g2005 -Ptb_fx2.PKT=$pkt -o $w/tb_fx2_$pkt gateware/tb/tb_fx2.v gateware/hil_fx2_fifo.v &&
		vvp -n $w/tb_fx2_$pkt >$w/fx2_$pkt.log
	grep -v '^#' $w/fx2_$pkt.log | sed "\$d; s/\$/ (FX2, $pkt-byte packets)/"
	fp=$(tail -n 1 $w/fx2_$pkt.log | cut -d' ' -f1)
	ff=$(tail -n 1 $w/fx2_$pkt.log | cut -d' ' -f3)
	[ -z "$fp" ] && fp=0 && ff=1
	p=$((p + fp)) f=$((f + ff))
done

# The framers alone against frames.vec.
n=$(python3 tests/gateware/frames.py input $w) &&
	iverilog -g2005 -o $w/tb_frames gateware/tb/tb_frames.v gateware/hil_frame_rx.v \
		gateware/hil_frame_tx.v gateware/hil_crc32.v &&
	vvp -n $w/tb_frames +dir=$w +nrx=${n% *} +ntx=${n#* } >$w/frames_vvp.log
python3 tests/gateware/frames.py check $w >$w/frames.log
sed '$d' $w/frames.log
fp=$(tail -n 1 $w/frames.log | cut -d' ' -f1)
ff=$(tail -n 1 $w/frames.log | cut -d' ' -f3)
[ -z "$fp" ] && fp=0 && ff=1
p=$((p + fp)) f=$((f + ff))

out=$("$HIL" ports --dut tests/vectors/vcounter --where)
if [ -z "$out" ] || [ ! -f "$out/hil_top.v" ]; then
	echo "FAIL building tests/vectors/vcounter"
	echo "$p passed, $((f + 1)) failed"
	exit 1
fi
python3 tests/gateware/vectors.py input tests/vectors/bridge.vec $w/in.memh &&
	iverilog -g2005 -o $w/tb_vectors gateware/tb/tb_vectors.v gateware/hil_*.v \
		"$out/hil_top.v" "$out/dut_ce.v" &&
	vvp -n $w/tb_vectors +in=$w/in.memh +n=$(wc -l <$w/in.memh) +out=$w/out.hex >$w/vvp.log
python3 tests/gateware/vectors.py check tests/vectors/bridge.vec $w/out.hex "$out/ports.json" >$w/check.log
rc=$?
cat $w/check.log | sed '$d'
line=$(tail -n 1 $w/check.log)
cp=$(echo "$line" | cut -d' ' -f1)
cf=$(echo "$line" | cut -d' ' -f3)
[ -z "$cp" ] && cp=0 && cf=1
echo "$((p + cp)) passed, $((f + cf)) failed"
[ $((f + cf)) -eq 0 ] && [ $rc -eq 0 ]
