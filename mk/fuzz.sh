#!/bin/sh
# make fuzz: runs every libFuzzer target of tests/fuzz for SECONDS (default
# 600) each, two at a time, from its seeds and what earlier runs found
# (build/fuzz/work). A crash stops that target and is saved in
# build/fuzz/crashes; fix it, then copy the input to
# tests/fuzz/regress/TARGET/ so make test runs it ever after.
cd "$(dirname "$0")/.." || exit 2
secs=${1:-600}
b=build/fuzz
export TMPDIR=$b/tmp
mkdir -p $TMPDIR $b/crashes
. tests/lib.sh
run() {
	t=$1
	mkdir -p $b/work/$t
	if $b/bin/${t}_fuzz -max_total_time=$secs -artifact_prefix=$b/crashes/$t- \
		-dict=tests/fuzz/$t.dict -print_final_stats=1 $b/work/$t tests/fuzz/corpus/$t \
		>$b/$t.long.log 2>&1; then
		echo "fuzz $t: clean for ${secs} s, $(sed -n 's/^stat::number_of_executed_units: *//p' \
			$b/$t.long.log) inputs, $(grep -o 'cov: [0-9]*' $b/$t.long.log | tail -n 1) edges"
	else
		echo "fuzz $t: FAILED; see $b/$t.long.log and $b/crashes/"
		echo 1 >$b/fuzz.failed
	fi
}
rm -f $b/fuzz.failed
for f in tests/fuzz/*_fuzz.c; do
	t=$(basename $f _fuzz.c)
	two run $t
done
two_wait
[ ! -e $b/fuzz.failed ]
