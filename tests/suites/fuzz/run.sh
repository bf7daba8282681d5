#!/bin/sh
# The libFuzzer targets of tests/fuzz/*_fuzz.c (built by mk/fuzz.mk with
# ASan and UBSan), for make test: first every saved input of
# tests/fuzz/regress/TARGET (each a crash a fuzzer once found, now fixed),
# then a bounded run from the seeds in tests/fuzz/corpus/TARGET, with
# what it finds kept in build/fuzz/work (never in the tree). The run
# lengths keep the whole set near a minute on two cores; `make fuzz` runs
# them for long. Then the gateware fuzz (bridge_fuzz.sh).
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
b=build/fuzz
export TMPDIR=$b/tmp
mkdir -p $TMPDIR

# target and its number of runs (they differ by about 50x in speed)
one() {
	t=$1 runs=$2
	mkdir -p $b/work/$t $b/crashes
	if [ -d tests/fuzz/regress/$t ]; then
		if $b/bin/${t}_fuzz tests/fuzz/regress/$t/* >$b/$t.regress.log 2>&1; then
			ok "$t: $(ls tests/fuzz/regress/$t | wc -l) saved crash inputs run clean"
		else
			grep -A12 'ERROR\|property broken' $b/$t.regress.log | head -n 20
			bad "$t: a saved crash input fails again"
		fi
	fi
	if $b/bin/${t}_fuzz -runs=$runs -seed=1 -artifact_prefix=$b/crashes/$t- \
		-dict=tests/fuzz/$t.dict $b/work/$t tests/fuzz/corpus/$t >$b/$t.log 2>&1; then
		ok "$t: $runs runs clean ($(grep -o 'cov: [0-9]*' $b/$t.log | tail -n 1) edges)"
	else
		grep -A12 'ERROR\|property broken' $b/$t.log | head -n 20
		bad "$t: see $b/$t.log; the input is in $b/crashes"
	fi
}

one frame 1000000
one script 200000
one ports 40000
one bitfile 40000
one log 40000
one boards 40000
one hild 12000
one jobs 4000

HIL=${HIL:-build/asan/bin/hil}
# example, model (ce, the bridge with the clock-enabled DUT, or uart-BOARD), rounds
wedge() {
	d=examples/$1
	dir=$("$HIL" ports --dut $d --where)
	case $2 in
	ce) m=$("$HIL" ports --dut $d --model ce) ;;
	uart-*) m=$("$HIL" ports --dut $d --model uart:${2#uart-}) ;;
	esac
	mkdir -p $b/wedge
	if $b/bin/bridge_wedge $m $dir/ports.json $3 $(cksum <$d/test.hil | cut -d' ' -f1) \
		$b/wedge >$b/wedge-$1-$2.log 2>&1; then
		ok "$1 ($2): $(grep '^ok' $b/wedge-$1-$2.log | sed 's/^ok //')"
	else
		grep -v '^ok' $b/wedge-$1-$2.log | head -n 5
		bad "$1 ($2): the bridge wedged"
	fi
}
for e in examples/*/; do
	wedge "$(basename "$e")" ce 1000
done
wedge counter uart-icebreaker 150

summary
