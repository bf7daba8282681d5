#!/bin/sh
# make bench, cocotb comparison on examples/alu, two cocotb tests run
# through cocotb's own Makefile flow (tests/bench/cocotb):
# - lock-step (test_alu_lockstep.py): per cycle write a, b and op, await
#   RisingEdge(clk), read y; on SIM=verilator and on SIM=hil (hil-cocotb,
#   the sim target in-process), against the same loop with hil's Python
#   client through hild and in-process (hil_alu_lockstep.py). All check
#   every y against the ALU's function and print a CRC-32 of the y values,
#   which must agree.
# - a long wait (test_alu_wait.py): await ClockCycles(dut.clk, WAIT_CYCLES,
#   ten million by default) with a Clock running, on SIM=verilator (one run:
#   it takes minutes) and on SIM=hil; both must read the same accumulator
#   after it.
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

WAIT_CYCLES=${WAIT_CYCLES:-10000000}
HILMK="SIM=hil COCOTB_MAKEFILES_DIR=$PWD/host/cocotb/makefiles HIL_COCOTB=$PWD/build/bin/hil-cocotb"

# One run of a cocotb test in the scratch folder $1 with make's arguments
# after it: "cycles-per-second result". The first run in a folder also
# builds the model (cocotb's Makefile rebuilds only what changed).
cocotb_run() {
	d=$1
	shift
	rm -f "$d/rate" "$d/results.xml"
	PATH="$ccbin$PATH" PYTHONPATH="${ccpath:+$ccpath:}$T" ALU_LOOP_CYCLES=$N ALU_LOOP_OUT="$d/rate" \
		WAIT_CYCLES=$WAIT_CYCLES make -C "$d" -f "$T/Makefile" ALU_DIR="$PWD/examples/alu" "$@" \
		>"$d/run.log" 2>&1 || {
		tail -30 "$d/run.log" >&2
		return 1
	}
	# cocotb's make exits 0 when a test fails; the rate is only written
	# when the test checked what it read, and results.xml must hold no
	# failure.
	if [ ! -s "$d/rate" ] || grep -q '<failure' "$d/results.xml"; then
		grep -i -B2 -A10 'fail\|error' "$d/run.log" | tail -30 >&2
		return 1
	fi
	cat "$d/rate"
}

# The second field of every sample, which must be one value.
agreed() {
	v=$(cut -d' ' -f2 $b/samples | sort -u)
	[ "$(echo "$v" | wc -l)" -eq 1 ] && echo "$v"
}

mkdir -p "$S" "$S-hil" "$S-wait" "$S-wait-hil"
# The four loops in turns, run by run (pairs, mk/bench_common.sh), so
# that each ratio to cocotb is taken on the same machine state; hild runs
# throughout and serves only the hl turns.
cmd_cc() { cocotb_run "$S"; }
# shellcheck disable=SC2086 # HILMK is make's arguments, one word each
cmd_ch() { cocotb_run "$S-hil" $HILMK; }
cmd_hl() { env PYTHONPATH=host/python "$PY" "$T/hil_alu_lockstep.py" $b/cocotb.sock "$PWD/examples/alu" $N; }
cmd_il() { env PYTHONPATH=host/python "$PY" "$T/hil_alu_lockstep.py" local "$PWD/examples/alu" $N; }
# The first cocotb runs build their models, untimed, outside the turns.
cmd_cc >/dev/null && cmd_ch >/dev/null || { echo "bench: the cocotb loop failed ($S/run.log, $S-hil/run.log)" >&2; exit 1; }
hild_start cocotb
pairs cc ch hl il || { kill $hp; cat $b/cocotb-hild.log >&2; echo "bench: a lock-step loop failed" >&2; exit 1; }
kill $hp
wait $hp 2>/dev/null
cc=$(pstats cc) ch=$(pstats ch) hl=$(pstats hl) il=$(pstats il)
vlt=$(sed -n 's/.*Running on Verilator version \([^ ]*\).*/\1/p' "$S/run.log" | head -n 1)
# Every run of all four loops must have read the same y values.
crc=$(cut -d' ' -f2 $b/pair-cc $b/pair-ch $b/pair-hl $b/pair-il | sort -u)
[ -n "$crc" ] && [ "$(echo "$crc" | wc -l)" -eq 1 ] || {
	echo "bench: the y values differ between runs or loops (CRC-32s:" $crc")" >&2
	exit 1
}
crc_cc=$crc

# The long wait: cocotb's own Verilator run once, hil's RUNS times.
runs=$RUNS
RUNS=1
wv=$(stats2 cocotb_run "$S-wait" MODULE=test_alu_wait) ||
	{ echo "bench: the long wait failed ($S-wait/run.log)" >&2; exit 1; }
RUNS=$runs
acc_wv=$(agreed)
# shellcheck disable=SC2086
wh=$(stats2 cocotb_run "$S-wait-hil" MODULE=test_alu_wait $HILMK) ||
	{ echo "bench: the long wait on hil failed ($S-wait-hil/run.log)" >&2; exit 1; }
acc_wh=$(agreed)
grep -q "cycles of ClockCycles waits ran as free runs" "$S-wait-hil/run.log" ||
	{ echo "bench: the long wait on hil did not run free ($S-wait-hil/run.log)" >&2; exit 1; }
[ -n "$acc_wv" ] && [ "$acc_wv" = "$acc_wh" ] || {
	echo "bench: after the long wait acc differs: Verilator $acc_wv, hil $acc_wh" >&2
	exit 1
}
{
	echo
	echo "## Lock-step against cocotb (thousand cycles a second)"
	echo
	echo "One loop on examples/alu, $N cycles: per cycle poke a, b and op with"
	echo "values from a 32-bit LCG, advance the clock one cycle, read y. Median"
	echo "of $RUNS runs (min-max), the loop alone timed (not the build, the"
	echo "simulator's start or the check). The four loops run in turns, one"
	echo "run of each after the other, $RUNS times over; a ratio is the median"
	echo "of the runs' own ratios (this machine's speed drifts by a third over"
	echo "minutes). *cocotb*: cocotb 1.9.2"
	echo "(\`pip install cocotb==1.9.2\`) on Verilator $vlt through cocotb's own"
	echo "Makefile flow (SIM=verilator, its default flags), a test that starts a"
	echo "\`Clock\` on clk and per cycle writes the three inputs and awaits"
	echo "\`RisingEdge(dut.clk)\` (tests/bench/cocotb). *cocotb + hil*: the same"
	echo "test, unchanged, on \`SIM=hil\` (hil-cocotb with the ALU's simulator in"
	echo "its process, docs/cocotb.md). *hil*: the same loop with"
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
	echo "| cocotb 1.9.2 + hil (\`SIM=hil\`, sim target) | $(cell "$ch" 1e3 1) | $(pratio ch cc) |"
	echo "| hil Python through hild | $(cell "$hl" 1e3 1) | $(pratio hl cc) |"
	echo "| hil Python in-process | $(cell "$il" 1e3 1) | $(pratio il cc) |"
	echo
	echo "## A long wait in cocotb"
	echo
	echo "\`await ClockCycles(dut.clk, $WAIT_CYCLES)\` on examples/alu with a"
	echo "\`Clock\` running and the accumulator adding 7 a cycle"
	echo "(tests/bench/cocotb/test_alu_wait.py), the wait alone timed: cocotb 1.9.2"
	echo "on Verilator $vlt (\`SIM=verilator\`, one run: it takes minutes) and on"
	echo "hil (\`SIM=hil\`, sim target; median of $RUNS runs, min-max). On hil"
	echo "the wait runs as one free run of the DUT when nothing else waits"
	echo "(docs/cocotb.md, Speed); both read the same accumulator after it"
	echo "($acc_wh)."
	echo
	echo "| simulator | cycles per second (millions) | ratio to Verilator |"
	echo "|---|---|---|"
	echo "| cocotb 1.9.2 + Verilator | $(cell "$wv" 1e6 3) | 1 |"
	echo "| cocotb 1.9.2 + hil | $(cell "$wh" 1e6 3) | $(echo "${wh%% *} ${wv%% *}" | awk '{printf "%.0f", $1 / $2}') |"
} >$b/cocotb.md
exit 0
