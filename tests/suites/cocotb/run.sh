#!/bin/sh
# cocotb on hil (issue 21): this folder's cocotb test modules, unmodified,
# through cocotb's own makefiles, under SIM=icarus and under SIM=hil
# (hil-cocotb, with host/cocotb/makefiles as cocotb's makefile folder) on
# the simulator target: each test must pass on Icarus (an expected failure
# passes) and on hil, and every value the tests sample (samples.py) must be
# the same at the same time. cocotb
# 1.9.2 comes from mk/cocotb.sh (installed into build/cocotb from
# ../shared/third_party when Debian's python3 lacks it).
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
. mk/cocotb.sh
HIL=${HIL:-build/asan/bin/hil}
HIL_COCOTB=${HIL_COCOTB:-$(dirname "$HIL")/hil-cocotb}
HIL_COCOTB=$(cd "$(dirname "$HIL_COCOTB")" && pwd)/$(basename "$HIL_COCOTB")
w=$PWD/build/cocotb-tests
T=$PWD/tests/suites/cocotb
rm -rf $w && mkdir -p $w
cocotb_find $w || { bad "cocotb 1.9.2 is not to be had"; summary; exit; }
libs=$(PATH="$ccbin$PATH" PYTHONPATH=$ccpath cocotb-config --lib-dir)

# Pass or fail of each test in a results.xml, a line each, sorted.
outcomes() {
	/usr/bin/python3 - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET
for case in sorted(ET.parse(sys.argv[1]).iter("testcase"), key=lambda c: c.get("name")):
    bad = case.find("failure") is not None or case.find("error") is not None
    print(case.get("name"), "fail" if bad else "pass")
PY
}

# run DUT SIM [MAKE ARGS...]: one module on one simulator, in its own folder.
run() {
	dut=$1 sim=$2
	shift 2
	d=$w/$dut-$sim
	mkdir -p $d
	# The sanitizers' leak check would count what the embedded Python
	# keeps at exit, which is not hil's; and their dlopen hides cocotb's
	# libraries' own RUNPATH from the libraries they load in turn.
	PATH="$ccbin$PATH" PYTHONPATH="${ccpath:+$ccpath:}$T" COCOTB_SAMPLES=$d/samples \
		ASAN_OPTIONS=detect_leaks=0 LD_LIBRARY_PATH=$libs timeout 600 \
		make -C $d -f $T/Makefile SIM=$sim DUT=$dut HIL_COCOTB=$HIL_COCOTB "$@" \
		>$d/run.log 2>&1
	[ -s $d/results.xml ] && outcomes $d/results.xml >$d/outcomes
}

for dut in counter adder wide; do
	run $dut icarus
	run $dut hil COCOTB_MAKEFILES_DIR=$PWD/host/cocotb/makefiles
	i=$w/$dut-icarus h=$w/$dut-hil
	n=$(grep -c '^@cocotb.test' $T/test_$dut.py)
	if [ ! -s $i/outcomes ] || [ "$(wc -l <$i/outcomes)" -ne "$n" ]; then
		bad "$dut: SIM=icarus did not run its $n tests" $i/run.log
	elif grep -q ' fail$' $i/outcomes; then
		bad "$dut: a test fails on SIM=icarus, the reference: $(grep ' fail$' $i/outcomes | tr '\n' ' ')" $i/run.log
	elif [ ! -s $h/outcomes ]; then
		bad "$dut: SIM=hil wrote no results" $h/run.log
	elif ! grep -q "Running on hil version sim:" $h/run.log; then
		bad "$dut: SIM=hil did not run on hil's simulator target" $h/run.log
	elif ! cmp -s $i/outcomes $h/outcomes; then
		bad "$dut: pass and fail differ (- icarus, + hil):"
		diff $i/outcomes $h/outcomes | sed 's/^/    /'
	elif [ ! -s $i/samples ] || ! cmp -s $i/samples $h/samples; then
		bad "$dut: the sampled values differ (- icarus, + hil):"
		diff $i/samples $h/samples | head -n 20 | sed 's/^/    /'
	else
		ok "$dut: $n cocotb tests pass alike on SIM=icarus and SIM=hil, $(wc -l <$h/samples) samples equal ($(tr "\n" " " <$h/outcomes))"
	fi
done
summary
