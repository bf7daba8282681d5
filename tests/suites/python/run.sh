#!/bin/sh
# The Python client (host/python, issue 8) under Debian's pytest:
#  - every example's Python tests and tests/suites/python on the
#    simulator, through a hild the pytest fixture starts because none runs;
#  - each example's test_script prints the trace `hil run` prints for its
#    test.hil;
#  - the examples' Python tests in pytest's own process (--hil-target
#    local, sim: through libhil) with no hild to be had, the same traces;
#  - the marker's params and internals (signals inside the DUT);
#  - the same tests on the netlist backend (boards of a running hild), with
#    the same traces; tests/suites/python with --hil-target board on a
#    configured board of the marker's type;
#  - no hild and a wrong address: the error says how to start one;
#  - `pip install` of the package: pytest finds the plugin by itself.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
ROOT=$(pwd)
HIL=${HIL:-build/asan/bin/hil}
HILD=${HILD:-$(dirname "$HIL")/hild}
HILD=$(cd "$(dirname "$HILD")" && pwd)/$(basename "$HILD")
PY=python3
/usr/bin/python3 -c 'import pytest' 2>/dev/null && PY=/usr/bin/python3
w=build/python-tests
rm -rf $w && mkdir -p $w

# Runs pytest; each test's PASSED/FAILED/ERROR line counts, as does pytest's
# exit status when no test line came out.
pyt() {
	name=$1
	shift
	timeout 900 env PYTHONPATH="$ROOT/host/python${EXTRA_PATH:+:$EXTRA_PATH}" \
		HIL_HILD_BIN=$HILD $PY -m pytest -v -p no:cacheprovider "$@" >$w/$name.log 2>&1
	rc=$?
	n=0
	for t in $(sed -n 's/^\([^ ]*::[^ ]*\) PASSED.*/\1/p' $w/$name.log); do
		ok "$name: $t"
		n=$((n + 1))
	done
	for t in $(sed -n 's/^\([^ ]*::[^ ]*\) \(FAILED\|ERROR\).*/\1/p' $w/$name.log); do
		bad "$name: $t"
		n=$((n + 1))
	done
	if [ $n -eq 0 ] || { [ $rc -ne 0 ] && ! grep -qE ' (FAILED|ERROR)' $w/$name.log; }; then
		bad "$name: pytest exited $rc"
		tail -n 30 $w/$name.log | sed 's/^/    /'
	elif [ $rc -ne 0 ]; then
		grep -E '^(E  |FAILED|ERROR)' $w/$name.log | head -n 30 | sed 's/^/    /'
	fi
}

same() {
	if cmp -s "$2" "$3"; then ok "$1"; else
		bad "$1"
		diff "$2" "$3" | head -n 10 | sed 's/^/    /'
	fi
}

# like_sim KIND WHAT: $w/KIND holds a trace of each of the examples' Python
# tests, each equal to the one through hild on the simulator ($w/sim).
like_sim() {
	n=$(cat examples/*/test_*.py | grep -c '^def test_')
	[ "$(ls $w/$1/*.trace | wc -l)" -eq "$n" ] &&
		ok "$1: a trace from each of the examples' $n Python tests" ||
		bad "$1: $(ls $w/$1/*.trace | wc -l) traces from the examples' $n Python tests"
	for t in $w/$1/*.trace; do
		same "$1: $(basename "$t" .trace) $2" $w/sim/$(basename "$t") $t
	done
}

# With HIL_HILD at a socket nobody serves, the fixture starts its own hild.
HIL_HILD=$ROOT/$w/nobody.sock pyt sim -p hil.pytest_plugin --hil-trace-dir $w/sim \
	examples tests/suites/python
for d in examples/*/; do
	n=$(basename "$d")
	"$HIL" run --direct --dut "$d" "$d/test.hil" >$w/$n.run 2>$w/$n.run.err
	same "$n: the Python test prints the trace hil run prints for test.hil" \
		$w/$n.run $w/sim/$n.test_script.trace
done

# In-process: no hild answers and none can be started (HIL_HILD_BIN is a
# program that fails), yet every example's tests pass with hil run's traces.
HIL_HILD=$ROOT/$w/nobody.sock pyt local -p hil.pytest_plugin \
	--hil-target local --hil-hild-bin /bin/false --hil-trace-dir $w/local examples
like_sim local "prints the trace it prints through hild"
# The marker's params: the FIFO built with WIDTH=16 and DEPTH=4, through
# hild and in-process (a board runs the DUT it was built with, so only
# simulated targets take them).
mkdir -p $w/params
cat >$w/params/test_params.py <<EOF
import pytest


@pytest.mark.hil(dut="$ROOT/examples/fifo", params={"WIDTH": 16, "DEPTH": 4})
def test_wide_and_shallow(dut):
    assert dut.params == "DEPTH=4,WIDTH=16"
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    dut.push.value = 1
    for v in (0x1234, 0xBEEF, 0x0001, 0xFFFF, 0x5555):
        dut.din.value = v
        dut.step()
    assert dut.full.value == 1 and dut.count.value == 4
    dut.push.value = 0
    dut.pop.value = 1
    got = []
    while not dut.empty.value:
        got.append(int(dut.dout.value))
        dut.step()
    assert got == [0x1234, 0xBEEF, 0x0001, 0xFFFF]
EOF
HIL_HILD=$ROOT/$w/nobody.sock pyt params-sim -p hil.pytest_plugin $w/params
HIL_HILD=$ROOT/$w/nobody.sock pyt params-local -p hil.pytest_plugin --hil-target local \
	--hil-hild-bin /bin/false $w/params
# The marker's internals=True: the test reads signals inside the DUT
# (tests/suites/python/test_internals.py has the rest, in-process). Only
# in-process: through hild (hild:sim:DIR) it depends on hild's side of it.
mkdir -p $w/internals
cat >$w/internals/test_marker_internals.py <<EOF
import pytest


@pytest.mark.hil(dut="$ROOT/tests/fixtures/duts/hier", internals=True)
def test_reads_inside(dut):
    assert dut.internals
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    dut.d.value = 5
    dut.step()
    assert (dut.u_acc.sum.value, dut.u_acc.next.value, dut.lane[1].r.value) == (5, 10, 6)
EOF
HIL_HILD=$ROOT/$w/nobody.sock pyt internals-local -p hil.pytest_plugin --hil-target local \
	--hil-hild-bin /bin/false $w/internals
# --hil-waves: every DUT signal of each test, one FST a test, from the
# simulator in the test's process; the traces are those without it.
HIL_HILD=$ROOT/$w/nobody.sock pyt waves -p hil.pytest_plugin --hil-hild-bin /bin/false \
	--hil-waves $w/waves --hil-trace-dir $w/wavetr examples/counter examples/fifo
n=$(ls $w/waves/*.fst 2>/dev/null | wc -l)
if [ "$n" -eq 2 ] && fst2vcd $w/waves/fifo.test_script.fst | grep -q ' mem\[15\] ' &&
	cmp -s $w/wavetr/counter.test_script.trace $w/sim/counter.test_script.trace; then
	ok "--hil-waves: an FST for each of 2 tests, holding the FIFO's memory; the traces unchanged"
else
	bad "--hil-waves: $n files"
fi
if PYTHONPATH=$ROOT/host/python HIL_HILD=$ROOT/$w/nobody.sock $PY -c '
import sys, hil
with hil.open("sim:examples/counter") as dut:
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    dut.en.value = 1
    dut.step(300)
    assert dut.count.value == 300 % 256, dut.count.value
    assert dut.session == "local"
print("in-process")' 2>&1 | grep -qx in-process; then
	ok "hil.open(\"sim:DIR\") runs in this process with no hild"
else
	bad "hil.open(\"sim:DIR\") did not run in-process"
fi

# A lab's hild: every example as a netlist board, and stamp as a board of
# the type tests/suites/python's marker names.
cfg=$w/boards.json
{
	printf '{"boards": [\n'
	for d in examples/*/; do
		n=$(basename "$d")
		printf '  {"name": "%s-netlist", "type": "netlist-%s", "uri": "netlist:icebreaker:%s"},\n' \
			"$n" "$n" "$ROOT/examples/$n"
	done
	printf '  {"name": "alu-0", "type": "alu-sim", "uri": "sim:%s"},\n' "$ROOT/examples/alu"
	printf '  {"name": "stamp-0", "type": "icebreaker", "uri": "sim:%s"}\n]}\n' \
		"$ROOT/tests/fixtures/duts/stamp"
} >$cfg
port=$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >$w/token
chmod 600 $w/token
$HILD --foreground --socket $w/lab.sock --state $w/lab-state --config $cfg \
	--tcp 127.0.0.1:$port --tcp-plain --token-file $w/token 2>$w/lab.log &
lab=$!
i=0
while [ ! -S $w/lab.sock ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
for d in examples/*/; do
	n=$(basename "$d")
	pyt netlist-$n -p hil.pytest_plugin --hil-hild $w/lab.sock --hil-target $n-netlist \
		--hil-trace-dir $w/netlist "$d"
done
like_sim netlist "prints the simulator's trace"
HIL_TOKEN_FILE=$w/token pyt tcp -p hil.pytest_plugin --hil-hild tcp:127.0.0.1:$port \
	--hil-trace-dir $w/tcp examples/counter
same "tcp: the trace over TCP with the token" $w/counter.run $w/tcp/counter.test_script.trace
echo wrong >$w/wrong-token
if HIL_TOKEN_FILE=$w/wrong-token PYTHONPATH=$ROOT/host/python $PY -c '
import sys, hil
try:
    hil.open("hild:sim:examples/counter", address=sys.argv[1])
except hil.HilError as e:
    print(e.code, e.message)' tcp:127.0.0.1:$port 2>&1 | grep -q '^auth '; then
	ok "tcp: a wrong token is refused with hild's code auth"
else
	bad "tcp: a wrong token was not refused with auth"
fi
pyt board -p hil.pytest_plugin --hil-hild $w/lab.sock --hil-target board tests/suites/python
grep -q "stamp-0 leased to client .* (pytest tests/suites/python/" $w/lab.log &&
	ok "--hil-target board: the tests ran on board stamp-0 of hild's boards file" ||
	bad "--hil-target board: no session on stamp-0 in hild's log"
kill $lab
wait $lab

# No hild where the test was told to look: the message says how to start one.
HIL_HILD_BIN=$HILD PYTHONPATH=$ROOT/host/python $PY -m pytest -q -p no:cacheprovider \
	-p hil.pytest_plugin --hil-hild $w/nobody.sock examples/counter >$w/nohild.log 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -q "no hild answers at $w/nobody.sock" $w/nohild.log &&
	grep -q 'start one with `hild --foreground`' $w/nohild.log; then
	ok "no hild at --hil-hild: the test errs, naming the socket and how to start hild"
else
	bad "no hild at --hil-hild: exit $rc, without the message that says how to start hild"
	tail -n 20 $w/nohild.log | sed 's/^/    /'
fi

# pip install (from a copy, so the build leaves the tree alone); then an
# example copied out of the tree, away from its conftest.py and pytest.ini:
# pytest loads the plugin from the package's entry point. The copy's path
# stays the same from run to run, so its model is built once, not once a run.
cp -r host/python $w/src
out=${TMPDIR:-/tmp}/hil-python-tests-$(id -u)
rm -rf $out && mkdir -p $out
if $PY -m pip install -q --no-build-isolation --no-index --target $w/site $w/src \
	>$w/pip.log 2>&1; then
	ok "pip install ./host/python"
	cp -r examples/counter $out/counter
	if (cd $out && HIL_HILD=$ROOT/$w/nobody.sock HIL_HILD_BIN=$HILD \
		PYTHONPATH=$ROOT/$w/site $PY -m pytest -q -p no:cacheprovider \
		--hil-trace-dir $ROOT/$w/installed-trace counter) >$w/installed.log 2>&1 &&
		grep -q "1 passed" $w/installed.log; then
		ok "installed: pytest loads the plugin by its entry point and the test passes"
	else
		bad "installed: the example did not pass"
		tail -n 20 $w/installed.log | sed 's/^/    /'
	fi
	same "installed: the same trace as hil run" $w/counter.run \
		$w/installed-trace/counter.test_script.trace
else
	bad "pip install ./host/python"
	tail -n 20 $w/pip.log | sed 's/^/    /'
fi
rm -rf $out

# From the root with nothing but `pytest`: conftest.py and pytest.ini find
# the plugin and the tests (here only the counter's, to stay short).
if HIL_HILD=$ROOT/$w/nobody.sock HIL_HILD_BIN=$HILD $PY -m pytest -q -p no:cacheprovider \
	examples/counter >$w/bare.log 2>&1 && grep -q "1 passed" $w/bare.log; then
	ok "plain pytest from the source tree finds the plugin"
else
	bad "plain pytest from the source tree"
	tail -n 20 $w/bare.log | sed 's/^/    /'
fi

summary
