#!/bin/sh
# make bench, flashing: hil flash (write + verify) of a 104,090-byte UP5K
# image (examples/counter for the iCEBreaker, comment included) under the
# emulated FT2232H, side by side with Debian's openFPGALoader on the same
# emulator and image. The emulated flash takes the W25Q128JV's typical
# page-program and erase times, so both tools wait for the same chip.
# Writes build/bench/flash.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
EMU=build/bin/hil-ft2232h-emu
w=$b
img=$(build/bin/hil bitstream --board icebreaker --dut examples/counter 2>/dev/null) || exit 2

# Runs a command RUNS times under the emulator; prints "median min max" in
# seconds; fails if any run fails, leaves a flash that is not the image, or
# ends with the FPGA unconfigured. The emulator lets the FPGA boot with SCK
# still driven, as openFPGALoader leaves it: both tools are timed on a
# whole, successful flash.
timed() {
	: >$w/times
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(date +%s.%N)
		$EMU --lenient-sck --flash-out $w/flash.bin -- "$@" >$w/run.log 2>&1 || { cat $w/run.log >&2; return 1; }
		grep -q 'fpga: cdone 1' $w/run.log || { echo "bench: $1 left the FPGA unconfigured" >&2; return 1; }
		t1=$(date +%s.%N)
		cmp -s $w/flash.bin $img || { echo "bench: $1 left a flash unlike the image" >&2; return 1; }
		echo "$t1 - $t0" | bc -l >>$w/times
		i=$((i + 1))
	done
	sort -n $w/times | awk '{a[NR]=$1} END {printf "%.2f %.2f %.2f\n", a[int((NR+1)/2)], a[1], a[NR]}'
}

hil=$(timed build/bin/hil flash $img) || exit 2
ofl=$(timed openFPGALoader -b ice40_generic --verify $img) || exit 2
ratio=$(echo "$hil $ofl" | awk '{printf "%.2f", $1 / $4}')

{
	echo
	echo "## Flashing (write + verify, emulated FT2232H)"
	echo
	echo "A $(stat -c %s $img)-byte UP5K image (a 104,090-byte bitstream and"
	echo "its comment) into the emulated board's W25Q128 (tests/emulators/ft2232h), which"
	echo "takes that chip's typical erase and page-program times. Same emulator,"
	echo "same image, one after the other. Wall time, process start to exit."
	echo "Every run counted ended with the flash equal to the image and the"
	echo "FPGA configured from it (the emulator lets it boot with SCK still"
	echo "driven, as openFPGALoader leaves it)."
	echo
	echo "| tool | median | min | max |"
	echo "|---|---|---|---|"
	echo "$hil" | awk '{printf "| hil flash | %s | %s | %s |\n", $1, $2, $3}'
	echo "$ofl" | awk '{printf "| openFPGALoader -b ice40_generic --verify | %s | %s | %s |\n", $1, $2, $3}'
	echo
	echo "hil / openFPGALoader: **$ratio** (the goal: at most 0.33)."
	echo
	echo "Measured on the emulator only: no board was attached. On a real"
	echo "FT2232H the USB round trips cost more than in the emulator, and both"
	echo "tools pay them. hil sends each erase or page program together with"
	echo "its write-enable check and first status poll in one USB round trip."
} >$b/flash.md
