#!/bin/sh
# Gateware tests: Verilator lint of both bridges and the PHYs; the compact
# bridge's ROM against its program, and its sequencer alone
# (gateware/tb/tb_seq.v); the UART PHY bit by bit (gateware/tb/tb_uart.v);
# the FX2 PHY against a model of the FX2's slave FIFOs
# (gateware/tb/tb_fx2.v); the framers against
# tests/fixtures/vectors/frames.vec (gateware/tb/tb_frames.v); and each
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
# The compact bridge (gateware/seq), for the UART boards.
compact="gateware/seq/hil_bridge.v gateware/seq/hil_seq.v gateware/seq/hil_seq_rom.v
	gateware/hil_frame_rx.v gateware/hil_frame_tx.v gateware/hil_crc32.v gateware/hil_crc32_bits.v"
if verilator --lint-only -Wall $compact --top-module hil_bridge >$w/lint_seq.log 2>&1; then
	ok "verilator --lint-only -Wall on the compact bridge"
else
	cat $w/lint_seq.log; bad "verilator lint of the compact bridge"
fi
# Its ROM is what its program assembles to (make ucode).
if python3 gateware/seq/seqasm.py gateware/seq/bridge.s $w/hil_seq_rom.v >$w/asm.log 2>&1 &&
	cmp -s $w/hil_seq_rom.v gateware/seq/hil_seq_rom.v; then
	ok "gateware/seq/hil_seq_rom.v is bridge.s assembled"
else
	cat $w/asm.log; bad "gateware/seq/hil_seq_rom.v is not bridge.s assembled: run make ucode"
fi
# The sequencer alone, every instruction, with stalls and outside writes.
python3 gateware/seq/seqasm.py gateware/tb/tb_seq.s $w/tb_seq_rom.v --module tb_seq_rom &&
	iverilog -g2005 -o $w/tb_seq gateware/tb/tb_seq.v gateware/seq/hil_seq.v $w/tb_seq_rom.v &&
	vvp -n $w/tb_seq >$w/seq.log
sed '$d' $w/seq.log
tally $w/seq.log

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

# The framers alone against frames.vec: as the byte-a-clock bridge has
# them (the receiver's outputs registered), with the receiver's outputs in
# the byte's clock, and as the compact bridge has them (that, and the CRC
# a bit a clock).
n=$(python3 $py/frames.py input $w)
for setting in "1 0" "0 0" "0 1"; do
	set -- $setting
	rm -f $w/rx.out $w/tx.out
	if iverilog -g2005 -Ptb_frames.REGOUT=$1 -Ptb_frames.BITWISE=$2 -o $w/tb_frames \
		gateware/tb/tb_frames.v gateware/hil_frame_rx.v gateware/hil_frame_tx.v \
		gateware/hil_crc32.v gateware/hil_crc32_bits.v &&
		vvp -n $w/tb_frames +dir=$w +nrx=${n% *} +ntx=${n#* } >$w/frames_vvp.log; then
		python3 $py/frames.py check $w >$w/frames.log
		sed "\$d; s/\$/ (REGOUT=$1, BITWISE=$2)/" $w/frames.log
		tally $w/frames.log
	else
		bad "the framers' testbench (REGOUT=$1, BITWISE=$2) did not run" $w/frames_vvp.log
	fi
done

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
python3 $py/vectors.py check $vec $w/out.hex "$out/ports.json" 1024 >$w/check.log
rc=$?
sed '$d' $w/check.log
tally $w/check.log

# The same frames into the compact bridge, a byte every 30 clocks (12
# Mbaud at the HX8K's 3 clocks a bit, the fastest a board delivers) and
# every 40 (the iCEBreaker's 4); a stream of 400 one-command frames that
# passes the receive ring's end; and a session that read 1028 bytes, then
# a SYNC with a DATA frame right behind it, which starts a session of its
# own; a wait of 60000 cycles, a frame 256 bytes ahead of the one
# expected (dropped: only its seq's low byte is right), then 1020 bytes,
# the whole of the limit the compact bridge advertises (its ring keeps 4
# bytes for a frame's CRC); and the same with a byte more, past the
# limit, which the bridge must refuse whole and not write over what it
# has not read. The testbench does not resend, so a frame the bridge
# dropped shows as a missing report.
iverilog -g2005 -o $w/tb_vectors_seq gateware/tb/tb_vectors.v $compact \
	"$out/hil_top.v" "$out/dut_ce.v" || bad "building the compact bridge's vector testbench"
{
	sed -n '/^#/p; /^hello /p' $vec
	for i in $(seq 400); do echo "poke rst=1 | 20 00 01 | -"; done
	echo "run 1 | 71 | d1"
} >$w/long.vec
python3 $py/vectors.py input $w/long.vec $w/long.memh
{
	sed -n '/^#/p; /^hello /p' $vec
	for i in $(seq 342); do echo "poke rst=1 | 20 00 01 | -"; done
	echo "resync | SYNC | -"
	echo "five pokes | 20 00 01 20 00 01 20 00 01 20 00 01 20 00 01 | -"
	echo "run 1 | 71 | d1"
} >$w/resync.vec
python3 $py/vectors.py input $w/resync.vec $w/resync.memh
python3 $py/vectors.py fill $vec 0 $w/fill.vec
python3 $py/vectors.py input $w/fill.vec $w/fill.memh
python3 $py/vectors.py fill $vec 1 $w/over.vec
python3 $py/vectors.py input $w/over.vec $w/over.memh
for run in "$vec 30 in" "$vec 40 in" "$w/long.vec 30 long" "$w/resync.vec 40 resync" \
	"$w/fill.vec 30 fill" "$w/over.vec 30 over"; do
	set -- $run
	vvp -n $w/tb_vectors_seq +in=$w/$3.memh +n=$(wc -l <$w/$3.memh) +out=$w/out_seq_$3_$2.hex \
		+gap=$2 >$w/vvp_seq_$3_$2.log
	python3 $py/vectors.py check $1 $w/out_seq_$3_$2.hex "$out/ports.json" 1020 \
		>$w/check_seq_$3_$2.log || rc=1
	sed "\$d; s/\$/ (compact bridge, $(basename $1), a byte every $2 clocks)/" \
		$w/check_seq_$3_$2.log
	tally $w/check_seq_$3_$2.log
done
summary && [ $rc -eq 0 ]
