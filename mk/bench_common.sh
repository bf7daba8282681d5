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

# "median (min-max)" of a stats line, scaled: fmt "1234 1000 1500" 1e6 -> 0.00123 ...
cell() {
	echo "$1" | awk -v s="${2:-1}" -v d="${3:-2}" '{printf "%.*f (%.*f-%.*f)", d, $1/s, d, $2/s, d, $3/s}'
}
