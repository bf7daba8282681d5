#!/bin/sh
# cocotb on hil (issue 21): this folder's cocotb test modules, unmodified,
# through cocotb's own makefiles, on SIM=icarus (the reference: each test
# must pass there, an expected failure passing), on SIM=verilator, and on
# SIM=hil (hil-cocotb, with host/cocotb/makefiles as cocotb's makefile
# folder) with the DUT on the simulator, on the netlist and on the emulated
# board behind its UART. Each of those is a check: the same pass and fail
# as on Icarus, and every value the tests sample (samples.py) the same at
# the same time. cocotb 1.9.2 comes from mk/cocotb.sh (installed into
# build/cocotb from ../shared/third_party when Debian's python3 lacks it).
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

# The example a module tests: test_NAME.py tests examples/NAME, but for
# these.
dut_of() {
	case $1 in clock) echo counter ;; *) echo $1 ;; esac
}

# run MODULE NAME SIM [MAKE ARGS...]: test_MODULE.py on one simulator, in
# the folder $w/MODULE-NAME.
run() {
	mod=$1 d=$w/$1-$2 sim=$3
	shift 3
	mkdir -p $d
	# The sanitizers' leak check would count what the embedded Python
	# keeps at exit, which is not hil's; and their dlopen hides cocotb's
	# libraries' own RUNPATH from the libraries they load in turn.
	PATH="$ccbin$PATH" PYTHONPATH="${ccpath:+$ccpath:}$T" COCOTB_SAMPLES=$d/samples \
		ASAN_OPTIONS=detect_leaks=0 LD_LIBRARY_PATH=$libs timeout 900 \
		make -C $d -f $T/Makefile SIM=$sim DUT=$(dut_of $mod) MODULE=test_$mod \
		HIL_COCOTB=$HIL_COCOTB "$@" \
		>$d/run.log 2>&1
	[ -s $d/results.xml ] && outcomes $d/results.xml >$d/outcomes
}

# same MODULE NAME WHAT [TARGET]: the run in $w/MODULE-NAME against Icarus's;
# on hil, it must have run on TARGET.
same() {
	i=$w/$1-icarus r=$w/$1-$2
	if [ ! -s $r/outcomes ]; then
		bad "$1 on $3 wrote no results" $r/run.log
	elif [ -n "$4" ] && ! grep -q "Running on hil version $4:" $r/run.log; then
		bad "$1: SIM=hil did not run on target $4" $r/run.log
	elif ! cmp -s $i/outcomes $r/outcomes; then
		bad "$1: pass and fail differ (- icarus, + $3):"
		diff $i/outcomes $r/outcomes | sed 's/^/    /'
	elif ! cmp -s $i/samples $r/samples; then
		bad "$1: the sampled values differ (- icarus, + $3):"
		diff $i/samples $r/samples | head -n 20 | sed 's/^/    /'
	else
		ok "test_$1.py on $3: $(wc -l <$r/outcomes) tests as on Icarus, $(wc -l <$r/samples) samples equal"
	fi
}

hilmk=COCOTB_MAKEFILES_DIR=$PWD/host/cocotb/makefiles
for mod in ${COCOTB_MODULES:-counter adder wide mem fifo alu clock}; do
	run $mod icarus icarus
	i=$w/$mod-icarus
	n=$(grep -c '^@cocotb.test' $T/test_$mod.py)
	if [ ! -s $i/outcomes ] || [ "$(wc -l <$i/outcomes)" -ne "$n" ]; then
		bad "$mod: SIM=icarus did not run its $n tests" $i/run.log
		continue
	elif grep -q ' fail$' $i/outcomes; then
		bad "$mod: a test fails on SIM=icarus, the reference: $(grep ' fail$' $i/outcomes | tr '\n' ' ')" $i/run.log
		continue
	elif [ ! -s $i/samples ]; then
		bad "$mod: the tests sampled nothing on SIM=icarus" $i/run.log
		continue
	fi
	run $mod verilator verilator
	same $mod verilator SIM=verilator
	for target in sim netlist uart; do
		case $target in sim) uri=sim ;; *) uri=$target:icebreaker ;; esac
		run $mod $target hil $hilmk HIL_TARGET=$uri
		same $mod $target "SIM=hil HIL_TARGET=$uri" $target
	done
done

# Through hild (HIL_TARGET=hild:sim): a hild of the suite's own builds and
# runs the DUT in its worker; test_counter.py must see what it sees
# in-process.
case " ${COCOTB_MODULES:-counter} " in *" counter "*)
	HILD=${HILD:-$(dirname "$HIL")/hild}
	rm -rf $w/hild-state && mkdir -p $w/hild-state
	"$HILD" --socket $w/hild.sock --state $w/hild-state >$w/hild.log 2>&1 &
	hp=$!
	i=0
	while [ ! -S $w/hild.sock ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	export HIL_HILD=$w/hild.sock
	run counter hild hil $hilmk HIL_TARGET=hild:sim
	unset HIL_HILD
	kill $hp
	wait $hp 2>/dev/null
	same counter hild "SIM=hil HIL_TARGET=hild:sim" hild
	;;
esac

# hil drives cocotb's Clock itself and runs long ClockCycles waits free
# (docs/cocotb.md, Speed): test_alu.py's first wait must have, and with
# --plain-cocotb (cocotb's Clock and ClockCycles as released) the results
# must be the same.
case " ${COCOTB_MODULES:-alu} " in *" alu "*)
	r=$w/alu-sim
	if [ -s $r/outcomes ] && grep -q "^hil-cocotb: 2[0-9]\{4\} cycles of ClockCycles waits ran as free runs" $r/run.log; then
		ok "alu on SIM=hil: the long ClockCycles waits ran free ($(grep -o '[0-9]* cycles' $r/run.log))"
	else
		bad "alu on SIM=hil: ClockCycles(dut.clk, 20000) did not run free" $r/run.log
	fi
	run alu plain hil $hilmk HIL_TARGET=sim HIL_ARGS=--plain-cocotb
	if grep -q "ran as free runs" $w/alu-plain/run.log; then
		bad "alu with --plain-cocotb: a wait still ran free" $w/alu-plain/run.log
	else
		same alu plain "SIM=hil HIL_ARGS=--plain-cocotb" sim
	fi
	;;
esac
summary
