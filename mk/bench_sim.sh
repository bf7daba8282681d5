#!/bin/sh
# make bench, simulation: for every example, DUT cycles per second of the
# ceiling (what a user gets from Verilator directly: the bare DUT built with
# Verilator's speed flags, in a C++ loop, tests/bench/ceiling.py),
# and of hil's sim backend free-running, streaming and in lock-step
# (build/bin/bench_sim), each with its ratio to the ceiling; then the
# round trip of a peek, direct and through hild. Writes build/bench/sim.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
HIL=build/bin/hil
B=build/bin/bench_sim
# The ceiling's flags: the Verilator manual's "for best performance" set
# (Benchmarking & Optimization), and the C++ at -O3. The -O goes in
# OPT_FAST and OPT_GLOBAL: verilated.mk puts them after -CFLAGS on the
# compiler's line, so a -CFLAGS -O2 would lose to their default -Os.
CEIL_OPT="-O3 --x-assign fast --x-initial fast --noassert"
CEIL_CXX="OPT_FAST=-O3 OPT_GLOBAL=-O3"
VFLAGS="--cc --exe --build -j 2 -Wno-fatal -Wno-lint -Wno-style $CEIL_OPT"
for v in $CEIL_CXX; do VFLAGS="$VFLAGS -MAKEFLAGS $v"; done
FREE=10000000 STREAM=1000000 LOCK=20000 RTT=100000

{
	echo "## Simulation throughput (DUT cycles per second)"
	echo
	echo "Millions of DUT cycles per second, median of $RUNS runs (min-max)."
	echo "*Ceiling*: what a user gets from Verilator directly: the DUT's own RTL"
	echo "(no bridge) built with the speed flags of Verilator's manual"
	echo "(\`$CEIL_OPT\`), its C++ compiled at -O3"
	echo "(\`$CEIL_CXX\`; verilated.mk's default is -Os, and a -O in"
	echo "\`-CFLAGS\` does not override it), clocked $FREE times in a C++ loop that"
	echo "applies the stimulus in compiled code: in cycle c, input c mod"
	echo "(number of inputs) gets lcg(c). *Free run*: \`hil_run_until\` over"
	echo "$FREE cycles with a watch on the DUT's last output. *Streaming*: the"
	echo "same stimulus as the ceiling, one \`hil_poke\` and one \`hil_advance(1)\`"
	echo "a cycle for $STREAM cycles, then \`hil_sync\`. *Lock-step*: per cycle a"
	echo "poke, \`hil_step(1)\` and \`hil_peek\`, each waiting for its answer,"
	echo "$LOCK cycles. Ratio: to the ceiling (goals: free run 0.8, streaming"
	echo "0.25)."
	echo
	echo "| example | ceiling | free run | ratio | streaming | ratio | lock-step (k/s) | ratio |"
	echo "|---|---|---|---|---|---|---|---|"
} >$b/sim.md

for d in examples/*/; do
	e=$(basename $d)
	"$HIL" run --dut $d $d/test.hil >/dev/null 2>&1 || { echo "bench: $e does not run" >&2; exit 1; }
	dir=$("$HIL" ports --dut $d --where)
	top=$(sed -n 's/.*"top": *"\([^"]*\)".*/\1/p' $dir/ports.json | head -n 1)
	c=$b/ceiling-$e
	# Rebuilt from scratch every time: the C++ flags are make arguments,
	# which would not make objects of other flags stale.
	rm -rf $c/obj && mkdir -p $c
	python3 tests/bench/ceiling.py $dir/ports.json $c/main.cpp &&
		verilator $VFLAGS --top-module $top -Mdir $c/obj $d/*.v $PWD/$c/main.cpp -o ceiling \
			>$c/verilator.log 2>&1 || { tail $c/verilator.log >&2; exit 1; }
	grep -q -e '-O3 -c -o V[^ ]*__ALL\.o' $c/verilator.log ||
		{ echo "bench: the ceiling of $e was not compiled at -O3 ($c/verilator.log)" >&2; exit 1; }
	ceil=$(stats $c/obj/ceiling $FREE) || exit 1
	free=$(stats $B sim:$d free $FREE) || exit 1
	strm=$(stats $B sim:$d stream $STREAM) || exit 1
	lock=$(stats $B sim:$d lockstep $LOCK) || exit 1
	m=${ceil%% *}
	ratio() { echo "${1%% *} $m" | awk '{printf "%.2g", $1 / $2}'; }
	echo "| $e | $(cell "$ceil" 1e6) | $(cell "$free" 1e6) | $(ratio "$free") |" \
		"$(cell "$strm" 1e6 3) | $(ratio "$strm") | $(cell "$lock" 1e3 1) | $(ratio "$lock") |" >>$b/sim.md
	echo "bench: $e done" >&2
done
{
	echo
	echo "Why the ratios sit where they do. The sim backend is the bridge's RTL"
	echo "and the DUT in one Verilator model, clocked once per DUT cycle; the"
	echo "ceiling is the DUT alone, built for speed as above. In a free run the"
	echo "bridge's logic is evaluated every clock as well, and for these small"
	echo "DUTs it is several times their size (perf on counter: about 80% of the"
	echo "time in the model's evaluation of bridge plus DUT, little in the"
	echo "harness or the socket). In streaming, the sim byte port moves one byte"
	echo "a clock and a poke stamped with its cycle is about 10.5 bytes on the"
	echo "wire (see Link cost), so the DUT can take at most one new poke in about"
	echo "10 clocks of the model whatever the host does: at most a tenth of the"
	echo "free-run rate before any other cost. Closing either gap needs a change"
	echo "to the protocol or the PHY (a denser poke, a wider sim port), not to"
	echo "the host."
} >>$b/sim.md

# Round trip: direct, and through a hild of our own on a private socket.
d=$PWD/examples/counter
direct=$(stats2 $B sim:$d rtt $RTT) || exit 1
hild_start rtt
via=$(HIL_HILD=$b/rtt.sock stats2 $B hild:sim:$d rtt $RTT)
rc=$?
kill $hp
wait $hp 2>/dev/null
[ $rc -eq 0 ] || { cat $b/rtt-hild.log >&2; exit 1; }
# The floor under both: a byte bounced through the same number of processes.
P=build/bin/bench_pingpong
floor1=$(stats2 $P 1 $RTT) || exit 1
floor3=$(stats2 $P 3 $RTT) || exit 1
{
	echo
	echo "## Round trip of a peek (microseconds)"
	echo
	echo "$RTT \`hil_peek\` calls on examples/counter, each timed; median of $RUNS"
	echo "runs (min-max) of each run's median and 99th percentile. Through hild:"
	echo "a \`hild:sim:DIR\` session over hild's Unix socket, hild and its worker"
	echo "on the same machine (goal: median under 30 µs). *Floor*: one byte"
	echo "bounced over Unix sockets through as many processes as the peek"
	echo "crosses, with no protocol and no model (build/bin/bench_pingpong):"
	echo "one hop direct (client, simulator), three through hild (client, hild,"
	echo "the session's worker, simulator). No peek on this machine can beat it."
	echo
	echo "| path | median | 99th percentile |"
	echo "|---|---|---|"
	set -- $direct
	echo "| libhil direct to the sim backend | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $via
	echo "| libhil through hild | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $floor1
	echo "| floor: 1 hop | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $floor3
	echo "| floor: 3 hops | $1 ($2-$3) | $4 ($5-$6) |"
} >>$b/sim.md
