#!/bin/sh
# make bench, cocotb comparison: the same lock-step loop on examples/alu
# (per cycle: poke a, b and op, one clock, read y) written as a cocotb test
# on Verilator (tests/bench/cocotb/test_alu_lockstep.py, through cocotb's
# own Makefile flow) and with hil's Python client through hild
# (tests/bench/cocotb/hil_alu_lockstep.py). Both check every y against the
# ALU's function and print a CRC-32 of the y values, which must agree.
# Writes build/bench/cocotb.md.
#
# cocotb 1.9.2: mk/cocotb.sh finds or installs it.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
N=20000
PY=/usr/bin/python3
T=$PWD/tests/bench/cocotb
S=$PWD/$b/cocotb-sim

. mk/cocotb.sh
cocotb_find $b || { echo "bench: cocotb" >&2; exit 1; }

# One run of the cocotb test: "cycles-per-second crc". The first run also
# builds the model (cocotb's Makefile rebuilds only what changed).
cocotb_run() {
	rm -f "$S/rate" "$S/results.xml"
	PATH="$ccbin$PATH" PYTHONPATH="${ccpath:+$ccpath:}$T" ALU_LOOP_CYCLES=$N ALU_LOOP_OUT="$S/rate" \
		make -C "$S" -f "$T/Makefile" ALU_DIR="$PWD/examples/alu" >"$S/run.log" 2>&1 || {
		tail -30 "$S/run.log" >&2
		return 1
	}
	# cocotb's make exits 0 when a test fails; the rate is only written
	# when every y checked, and results.xml must hold no failure.
	if [ ! -s "$S/rate" ] || grep -q '<failure' "$S/results.xml"; then
		grep -i -B2 -A10 'fail\|error' "$S/run.log" | tail -30 >&2
		return 1
	fi
	cat "$S/rate"
}

mkdir -p "$S"
cc=$(stats2 cocotb_run) || { echo "bench: the cocotb loop failed ($S/run.log)" >&2; exit 1; }
crc_cc=$(cut -d' ' -f2 $b/samples | sort -u)
vlt=$(sed -n 's/.*Running on Verilator version \([^ ]*\).*/\1/p' "$S/run.log" | head -n 1)

hild_start cocotb
hl=$(stats2 env PYTHONPATH=host/python "$PY" "$T/hil_alu_lockstep.py" $b/cocotb.sock \
	"$PWD/examples/alu" $N) || { kill $hp; cat $b/cocotb-hild.log >&2; exit 1; }
crc_hl=$(cut -d' ' -f2 $b/samples | sort -u)
kill $hp
wait $hp 2>/dev/null
il=$(stats2 env PYTHONPATH=host/python "$PY" "$T/hil_alu_lockstep.py" local \
	"$PWD/examples/alu" $N) || exit 1
crc_il=$(cut -d' ' -f2 $b/samples | sort -u)
# stats2's summary of the CRC field is meaningless; each side's runs and
# all three loops must have given the same one.
[ "$(echo "$crc_cc" | wc -l)" -eq 1 ] && [ "$crc_cc" = "$crc_hl" ] && [ "$crc_cc" = "$crc_il" ] || {
	echo "bench: the y values differ: cocotb CRC-32 $crc_cc, hil $crc_hl, in-process $crc_il" >&2
	exit 1
}
m=${cc%% *}
ratio() { echo "${1%% *} $m" | awk '{printf "%.2f", $1 / $2}'; }
{
	echo
	echo "## Lock-step against cocotb (thousand cycles a second)"
	echo
	echo "One loop on examples/alu, $N cycles: per cycle poke a, b and op with"
	echo "values from a 32-bit LCG, advance the clock one cycle, read y. Median"
	echo "of $RUNS runs (min-max), the loop alone timed (not the build, the"
	echo "simulator's start or the check). *cocotb*: cocotb 1.9.2"
	echo "(\`pip install cocotb==1.9.2\`) on Verilator $vlt through cocotb's own"
	echo "Makefile flow (SIM=verilator, its default flags), a test that starts a"
	echo "\`Clock\` on clk and per cycle writes the three inputs and awaits"
	echo "\`RisingEdge(dut.clk)\` (tests/bench/cocotb). *hil*: the same loop with"
	echo "hil's Python client on the ALU's simulator through a hild on the same"
	echo "machine, per cycle three pokes, \`step()\` and \`dut.y.value\` (the pokes"
	echo "ride with the step and y comes with its reply: one message each way a"
	echo "cycle, on the session's own socket to its worker, hild out of the"
	echo "data path; both ends poll that socket for up to 200 us before"
	echo "sleeping, docs/client-protocol.md); *in-process*: the same, the simulator"
	echo "loaded into the test's own process (\`hil.open(\"sim:DIR\")\`, through"
	echo "libhil, no hild). All check every y against the ALU's"
	echo "function and agree on the CRC-32 of the y values ($crc_cc). cocotb"
	echo "1.9.2's documentation asks for Verilator 5.022 or later (its Makefile"
	echo "accepts 4.106 on); this loop ran and checked on $vlt."
	echo
	echo "| loop | cycles per second (thousands) | ratio to cocotb |"
	echo "|---|---|---|"
	echo "| cocotb 1.9.2 + Verilator | $(cell "$cc" 1e3 1) | 1 |"
	echo "| hil Python through hild | $(cell "$hl" 1e3 1) | $(ratio "$hl") |"
	echo "| hil Python in-process | $(cell "$il" 1e3 1) | $(ratio "$il") |"
} >$b/cocotb.md
exit 0
