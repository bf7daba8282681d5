#!/bin/sh
# The oracle test: for every example (and every test DUT with a script), the
# trace and exit status of `hil run` (bridge + DUT under Verilator) must equal
# those of the plain Icarus testbench of the bare DUT that `hil oracle`
# generates from the same script, byte for byte.
cd "$(dirname "$0")/../.." || exit 2
HIL=${HIL:-build/asan/bin/hil}
w=build/oracle
mkdir -p $w
p=0 f=0
for d in examples/*/ tests/duts/*/; do
	[ -f "$d/test.hil" ] || continue
	n=$(basename "$d")
	"$HIL" run --dut "$d" "$d/test.hil" >$w/$n.hil.out 2>$w/$n.hil.err
	hrc=$?
	if ! "$HIL" oracle --dut "$d" "$d/test.hil" >$w/$n.tb.v 2>$w/$n.gen.err; then
		echo "FAIL $n: hil oracle: $(head -n 3 $w/$n.gen.err)"
		f=$((f + 1))
		continue
	fi
	if ! iverilog -o $w/$n.vvp $w/$n.tb.v "$d"/*.v 2>$w/$n.iverilog.err; then
		echo "FAIL $n: iverilog: $(head -n 3 $w/$n.iverilog.err)"
		f=$((f + 1))
		continue
	fi
	vvp -n $w/$n.vvp >$w/$n.oracle.out 2>$w/$n.oracle.err
	orc=$?
	lines=$(wc -l <$w/$n.oracle.out)
	if [ $hrc -ne $orc ]; then
		echo "FAIL $n: hil run exits $hrc, the oracle $orc"
		head -n 3 $w/$n.hil.err $w/$n.oracle.err
		f=$((f + 1))
	elif ! cmp -s $w/$n.hil.out $w/$n.oracle.out; then
		echo "FAIL $n: traces differ (< hil run, > oracle)"
		diff $w/$n.hil.out $w/$n.oracle.out | head -n 10
		f=$((f + 1))
	elif [ $hrc -ne 0 ] && [ "${d#examples/}" != "$d" ]; then
		echo "FAIL $n: the example's own script fails: $(head -n 2 $w/$n.hil.err)"
		f=$((f + 1))
	elif [ "$lines" -eq 0 ]; then
		echo "FAIL $n: empty trace, nothing was compared"
		f=$((f + 1))
	else
		echo "ok $n: $lines trace lines identical, exit $hrc"
		p=$((p + 1))
	fi
done
echo "$p passed, $f failed"
[ $f -eq 0 ]
