#!/bin/sh
# make bench, fan-out: events per second hild delivers to 1, 10 and 100
# subscribers of one watched port (build/bin/bench_fanout), from a hild of
# our own on a private socket. Writes build/bench/fanout.md.
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
N=20000
# Subscribers may fall N events behind while the session runs flat out.
hild_start fanout --max-events $((2 * N))
{
	echo
	echo "## Fan-out through hild (events per second)"
	echo
	echo "One session on examples/counter (sim) watches \`count\`, which changes"
	echo "every cycle, and runs $N cycles; K other clients of the same hild each"
	echo "subscribe to \`board/*/port/count\`. Events delivered to all K (K x $N)"
	echo "over the time from the first to the last, as one process reading all K"
	echo "sockets sees them; thousands a second, median of $RUNS (min-max)."
	echo
	echo "| subscribers | thousand events a second, all together | per subscriber |"
	echo "|---|---|---|"
} >$b/fanout.md
for k in 1 10 100; do
	r=$(stats build/bin/bench_fanout $b/fanout.sock $PWD/examples/counter $k $N) ||
		{ kill $hp; cat $b/fanout-hild.log >&2; exit 1; }
	echo "| $k | $(cell "$r" 1e3 1) | $(echo ${r%% *} $k | awk '{printf "%.1f", $1 / $2 / 1e3}') |" >>$b/fanout.md
done
kill $hp
wait $hp 2>/dev/null
exit 0
