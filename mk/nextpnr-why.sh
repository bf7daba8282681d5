#!/bin/sh
# Says why nextpnr failed, from its log: the clock that missed timing with
# the frequency reached and the one required, or the resources the design
# needs more of than the device has (from the log's "Device utilisation"
# table: nextpnr itself only says "no BELs remaining" for the first cell it
# could not place), or else the log's own errors.
#   sh mk/nextpnr-why.sh LOG BOARD DUT [DEVICE]
log=$1 board=$2 dut=$3 device="the ${4:-device}"
fail=$(grep -h "Max frequency for clock" "$log" | grep FAIL | tail -n 1)
if [ -n "$fail" ]; then
	echo "hil bitstream $board/$dut: timing failed: $(echo "$fail" | sed 's/^[A-Za-z]*: //')"
	exit 0
fi
# Utilisation lines read "Info: <tab> ICESTORM_LC:  2887/ 1280   225%".
over=$(sed -n 's/^Info:[[:space:]]*\([A-Z_0-9]*\):[[:space:]]*\([0-9]*\)\/[[:space:]]*\([0-9]*\).*/\1 \2 \3/p' "$log" |
	awk -v dev="$device" '
	function what(k) {
		if (k == "ICESTORM_LC") return "logic cells (ICESTORM_LC, a LUT4 and a flip-flop each)"
		if (k == "ICESTORM_RAM") return "block RAMs (ICESTORM_RAM)"
		if (k == "SB_IO") return "I/O pins (SB_IO)"
		if (k == "SB_GB") return "global buffers (SB_GB)"
		if (k == "ICESTORM_DSP") return "DSP blocks (ICESTORM_DSP)"
		if (k == "ICESTORM_SPRAM") return "SPRAM blocks (ICESTORM_SPRAM)"
		if (k == "ICESTORM_PLL") return "PLLs (ICESTORM_PLL)"
		return k
	}
	$2 > $3 { printf "%sneeds %d %s, %s has %d", sep, $2, what($1), dev, $3; sep = "; " }')
if [ -n "$over" ]; then
	echo "hil bitstream $board/$dut: does not fit: $over"
	exit 0
fi
over=$(grep -hiE "Unable to place cell|Design uses more|too many|exceeds" "$log" | head -n 3)
if [ -n "$over" ]; then
	echo "hil bitstream $board/$dut: does not fit: $over"
	exit 0
fi
echo "hil bitstream $board/$dut: nextpnr failed:"
grep -hE '^ERROR' "$log" | head -n 5
