#!/bin/sh
# Says why nextpnr failed, from its log: the clock that missed timing with
# the frequency reached and the one required, or the resource that
# overflowed, or else the log's own errors.
log=$1 board=$2 dut=$3
fail=$(grep -h "Max frequency for clock" "$log" | grep FAIL | tail -n 1)
if [ -n "$fail" ]; then
	echo "hil bitstream $board/$dut: timing failed: $(echo "$fail" | sed 's/^[A-Za-z]*: //')"
	exit 0
fi
over=$(grep -hiE "Unable to place cell|Design uses more|too many|exceeds" "$log" | head -n 3)
if [ -n "$over" ]; then
	echo "hil bitstream $board/$dut: does not fit: $over"
	exit 0
fi
echo "hil bitstream $board/$dut: nextpnr failed:"
grep -hE '^ERROR' "$log" | head -n 5
