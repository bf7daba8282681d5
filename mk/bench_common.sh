# Sourced by make bench's parts. RUNS (default 5) runs of each figure;
# `stats CMD...` runs CMD RUNS times, each printing one number, and prints
# "median min max"; `stats2` does the same for commands that print two
# numbers, giving "median1 min1 max1 median2 min2 max2".
RUNS=${RUNS:-5}
b=build/bench
mkdir -p $b

# Runs "$@" RUNS times into $b/samples, one output line a run.
sample() {
	: >$b/samples
	i=0
	while [ $i -lt "$RUNS" ]; do
		v=$("$@") || return 1
		[ -n "$v" ] || return 1
		echo "$v" >>$b/samples
		i=$((i + 1))
	done
}

# "median min max" of field $1 of the samples.
summary() {
	cut -d' ' -f$1 $b/samples | sort -g |
		awk '{a[NR]=$1} END {printf "%s %s %s", a[int((NR+1)/2)], a[1], a[NR]}'
}

stats() {
	sample "$@" || return 1
	echo "$(summary 1)"
}

stats2() {
	sample "$@" || return 1
	echo "$(summary 1) $(summary 2)"
}

# Figures to be divided by one another are measured in turns, run by run
# (this machine's speed drifts by a third over minutes; run after run,
# each pair sees the same machine): `pairs NAME...` then runs, RUNS times,
# each command named by NAME, defined as a function cmd_NAME, one after
# the other; `pstats NAME` is "median min max" of NAME's figures, and
# `pratio A B` the median of the runs' A/B (of each line's first
# number).
pairs() {
	for n in "$@"; do : >$b/pair-$n; done
	i=0
	while [ $i -lt "$RUNS" ]; do
		for n in "$@"; do
			v=$(cmd_$n) || return 1
			[ -n "$v" ] || return 1
			echo "$v" >>$b/pair-$n
		done
		i=$((i + 1))
	done
}
pstats() {
	sort -g $b/pair-$1 | awk '{a[NR]=$1} END {printf "%s %s %s", a[int((NR+1)/2)], a[1], a[NR]}'
}
pratio() {
	cut -d' ' -f1 $b/pair-$1 >$b/pair-num-a
	cut -d' ' -f1 $b/pair-$2 >$b/pair-num-b
	paste -d' ' $b/pair-num-a $b/pair-num-b | awk '{print $1 / $2}' | sort -g |
		awk '{a[NR]=$1} END {printf "%.2f", a[int((NR+1)/2)]}'
}

# "median (min-max)" of a stats line, scaled: fmt "1234 1000 1500" 1e6 -> 0.00123 ...
cell() {
	echo "$1" | awk -v s="${2:-1}" -v d="${3:-2}" '{printf "%.*f (%.*f-%.*f)", d, $1/s, d, $2/s, d, $3/s}'
}

# Scripts of N operations for the link-cost figures (bench_link.sh,
# bench_usb.sh): pokes at successive cycles, then a run past the last;
# one watch report a cycle; steps, each waiting for its answer.
pokes() {
	i=1
	while [ $i -le $1 ]; do echo "at $i poke en $((i % 2))"; i=$((i + 1)); done
	echo "run $(($1 + 1))"
}
reports() {
	printf 'poke rst 0\npoke en 1\nwatch count\nrun %d\n' $1
}
steps() {
	i=0
	while [ $i -lt $1 ]; do echo "step 1"; i=$((i + 1)); done
}

# per KIND: "to from" bytes per operation, from `bytes KIND COUNT` (which
# the caller defines for its link) at N and 2N operations, so that the
# handshake and the end of the run cancel out.
per() {
	one=$(bytes $1 $N) && two=$(bytes $1 $((2 * N))) || return 1
	echo "$one $two" | awk -v n=$N '{printf "%.2f %.2f\n", ($3 - $1) / n, ($4 - $2) / n}'
}

# Starts a hild of our own on $b/NAME.sock (state in $b/NAME-state, log in
# $b/NAME-hild.log) with any further options; its pid in $hp.
hild_start() {
	name=$1
	shift
	rm -rf $b/$name-state $b/$name.sock && mkdir -p $b/$name-state
	build/bin/hild --socket $b/$name.sock --state $b/$name-state "$@" >$b/$name-hild.log 2>&1 &
	hp=$!
	i=0
	while [ ! -S $b/$name.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
