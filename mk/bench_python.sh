#!/bin/sh
# make bench, the Python client (host/python): cycles, pokes and callbacks
# per second on examples/counter's simulator through a hild of our own
# (tests/bench/bench_python.py). Writes build/bench/python.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
N=20000
PY=python3
/usr/bin/python3 -c 'import sys; assert sys.version_info >= (3, 10)' 2>/dev/null && PY=/usr/bin/python3
hild_start python
{
	echo
	echo "## The Python client (thousands a second)"
	echo
	echo "A Python test bench on examples/counter's simulator through hild,"
	echo "$N of each; median of $RUNS (min-max). *lock-step*: per cycle a poke,"
	echo "\`step()\` and a read of \`count\` (one round trip: the read comes with"
	echo "the step's reply; *Lock-step against cocotb* below runs a loop like it"
	echo "on examples/alu with cocotb and with this client);"
	echo "*astep*: a coroutine poking and awaiting \`astep(1)\` (one round trip a"
	echo "cycle); *stream*: pokes at successive cycles with \`at=\`, sent without"
	echo "waiting, then one run; *on_step*: one \`step($N)\` with a per-cycle"
	echo "callback, rebuilt from watch reports."
	echo
	echo "| loop | thousand a second |"
	echo "|---|---|"
} >$b/python.md
for m in lockstep astep stream on_step; do
	r=$(stats env PYTHONPATH=host/python $PY tests/bench/bench_python.py $b/python.sock \
		$PWD/examples/counter $m $N) || { kill $hp; cat $b/python-hild.log >&2; exit 1; }
	echo "| $m | $(cell "$r" 1e3 1) |" >>$b/python.md
done
kill $hp
wait $hp 2>/dev/null
exit 0
