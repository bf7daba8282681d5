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
FREE=10000000 STREAM=1000000 LOCK=20000 RTT=100000 WAVES=1000000

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
	echo "$LOCK cycles. Ratio: to the ceiling (goals: free run 0.8 on cpu and"
	echo "0.5 on the others, streaming 0.1). The ceiling, the free run and"
	echo "streaming are measured in turns, one run of each after the other,"
	echo "$RUNS times over, and their ratios are the median of the $RUNS runs'"
	echo "(this machine's speed drifts by as much as a third over minutes);"
	echo "lock-step's is to the ceiling's median. *Free run, --fst*: the same over"
	echo "$WAVES cycles with every DUT signal written to an FST (\`hil run --fst\`);"
	echo "without a waveform the model is built with no tracing code at all, so"
	echo "the free run is what it was before waveforms existed. *Free run,"
	echo "internals*: the free run on the model a session opened with internals"
	echo "gets (every signal public, so that \`peek u_core.pc\` can read it)."
	echo
	echo "| example | ceiling | free run | ratio | free run, --fst | free run, internals | streaming | ratio | lock-step (k/s) | ratio |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
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
		verilator $VFLAGS --top-module $top -Mdir $c/obj $(ls $d/*.v $d/*.sv 2>/dev/null) \
			$PWD/$c/main.cpp -o ceiling >$c/verilator.log 2>&1 || { tail $c/verilator.log >&2; exit 1; }
	grep -q -e '-O3 -c -o V[^ ]*__ALL\.o' $c/verilator.log ||
		{ echo "bench: the ceiling of $e was not compiled at -O3 ($c/verilator.log)" >&2; exit 1; }
	# In the DUT's directory, where its $readmemh files are.
	cmd_ceil() { env -C $d $PWD/$c/obj/ceiling $FREE; }
	cmd_free() { $B sim:$d free $FREE; }
	cmd_strm() { $B sim:$d stream $STREAM; }
	pairs ceil free strm || exit 1
	ceil=$(pstats ceil) free=$(pstats free) strm=$(pstats strm)
	# Every DUT signal to an FST: what a waveform costs while it is on
	# (off, the model has no tracing code: the free run above).
	fst=$(stats $B sim:$d free-fst $WAVES) || exit 1
	peek=$(stats $B sim:$d free-peek $FREE) || exit 1
	lock=$(stats $B sim:$d lockstep $LOCK) || exit 1
	m=${ceil%% *}
	ratio() { echo "${1%% *} $m" | awk '{printf "%.2g", $1 / $2}'; }
	echo "| $e | $(cell "$ceil" 1e6) | $(cell "$free" 1e6) | $(pratio free ceil) |" \
		"$(cell "$fst" 1e6 3) | $(cell "$peek" 1e6) | $(cell "$strm" 1e6 3) | $(pratio strm ceil) |" \
		"$(cell "$lock" 1e3 1) | $(ratio "$lock") |" >>$b/sim.md
	echo "bench: $e done" >&2
done

# examples/cpu running its program, the realistic workload: arg asks for
# the primes below 2048, 65536 times over, so it runs for all the cycles
# measured. The ceiling sets the same arg at power-on and clocks the bare
# core; hil pokes it at cycle 0 and runs with a watch on the last output.
CPU_ARG=0xffff0800
c=$b/ceiling-cpu-program
dir=$("$HIL" ports --dut examples/cpu --where) || exit 1
rm -rf $c/obj && mkdir -p $c
python3 tests/bench/ceiling.py $dir/ports.json $c/main.cpp arg=$CPU_ARG &&
	verilator $VFLAGS --top-module cpu -Mdir $c/obj examples/cpu/*.v $PWD/$c/main.cpp -o ceiling \
		>$c/verilator.log 2>&1 || { tail $c/verilator.log >&2; exit 1; }
cmd_ceil() { $c/obj/ceiling $FREE; }
cmd_free() { $B sim:examples/cpu program $FREE arg=$CPU_ARG; }
pairs ceil free || exit 1
ceil=$(pstats ceil) free=$(pstats free)
{
	echo
	echo "examples/cpu running its program (arg $CPU_ARG set at power-on, no"
	echo "other stimulus; the row above drives its inputs with the random"
	echo "stimulus, resetting it at random, on the ceiling's side only):"
	echo
	echo "| workload | ceiling | free run | ratio |"
	echo "|---|---|---|---|"
	echo "| cpu, its program | $(cell "$ceil" 1e6) | $(cell "$free" 1e6) | $(pratio free ceil) |"
} >>$b/sim.md
{
	echo
	echo "Why the ratios sit where they do. The sim backend (\`sim:\`) runs the"
	echo "DUT's own RTL in the caller's process, clocked only on the cycles the"
	echo "bridge advances, next to a second Verilator model of the bridge; while"
	echo "the bridge only counts toward a stamp, the DUT is clocked alone"
	echo "(fast-forward, docs/architecture.md). A free run thus costs the DUT's"
	echo "own evaluation plus a compare of the watched output a cycle; the rest"
	echo "of the gap to the ceiling is the model being a shared library (Verilator's"
	echo "runtime reaches its thread-locals through __tls_get_addr there, a few"
	echo "times an evaluation) and being built with --x-assign 0 rather than fast."
	echo "Streaming goes through the model's lane (docs/architecture.md): a"
	echo "poke stamped past where the bridge stands is handed to the model,"
	echo "which writes it into the DUT right after the edge into its cycle, and"
	echo "the bridge only counts; it costs the DUT's evaluation, one more"
	echo "evaluation per poke, and libhil's checks and copies of each poke."
	echo "Lock-step is bounded by the bridge, not the DUT: each round trip"
	echo "crosses the sim byte port, one byte a bridge clock, and one clock of"
	echo "the bridge's model costs a few hundred nanoseconds."
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
floor2=$(stats2 $P 2 $RTT) || exit 1
floor1s=$(stats2 $P 1 $RTT spin) || exit 1
{
	echo
	echo "## Round trip of a peek (microseconds)"
	echo
	echo "$RTT \`hil_peek\` calls on examples/counter, each timed; median of $RUNS"
	echo "runs (min-max) of each run's median and 99th percentile. Through hild:"
	echo "a \`hild:sim:DIR\` session, hild and its worker on the same machine;"
	echo "the session is direct (docs/client-protocol.md): the peek goes to the"
	echo "session's worker, which holds the model, on a socket of its own, one"
	echo "hop, and both ends poll it for up to 200 us before sleeping. Direct,"
	echo "the model runs in the caller's process: no hop at all. *Floor*: one"
	echo "byte bounced over Unix sockets through a chain of processes, with no"
	echo "protocol and no model (build/bin/bench_pingpong): one hop, two (the"
	echo "way a session relayed by hild goes), and one hop whose ends poll"
	echo "before sleeping as hil's do."
	echo
	echo "| path | median | 99th percentile |"
	echo "|---|---|---|"
	set -- $direct
	echo "| libhil direct (the model in-process) | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $via
	echo "| libhil through hild | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $floor1
	echo "| floor: 1 hop | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $floor2
	echo "| floor: 2 hops | $1 ($2-$3) | $4 ($5-$6) |"
	set -- $floor1s
	echo "| floor: 1 hop, polling first | $1 ($2-$3) | $4 ($5-$6) |"
} >>$b/sim.md
