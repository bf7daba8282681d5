#!/bin/sh
# The oracle test: the trace and exit status of `hil run` (bridge + DUT
# under Verilator, the DUT's own RTL clocked on advancing cycles) must
# equal, byte for byte, those of the model of the DUT after the clock-enable
# pass the chip gets (target ce:DIR) and those of the plain Icarus testbench
# of the bare DUT that `hil oracle` writes for the same script. The cases
# are every example and test DUT with a test.hil, and scripts below, run
# against tests/fixtures/vectors/vcounter, for the corners the examples do
# not reach: failures, commands that cannot run, several evaluation points
# in one cycle.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/oracle
mkdir -p $w

# check NAME DIR SCRIPT
check() {
	n=$1 d=$2 s=$3
	"$HIL" run --dut "$d" "$s" >$w/$n.run.out 2>$w/$n.run.err
	hrc=$?
	"$HIL" run --target "ce:$d" "$s" >$w/$n.ce.out 2>$w/$n.ce.err
	crc=$?
	if [ $crc -ne $hrc ] || ! cmp -s $w/$n.run.out $w/$n.ce.out; then
		bad "$n: the RTL model exits $hrc, the clock-enable model $crc; trace diff (- RTL, + CE):"
		diff -u $w/$n.run.out $w/$n.ce.out | tail -n +3 | head -n 20 | sed 's/^/    /'
		sed "s/^/    ce stderr: /" $w/$n.ce.err | head -n 5
		return
	fi
	if ! "$HIL" oracle --dut "$d" "$s" >$w/$n.tb.v 2>$w/$n.gen.err; then
		bad "$n: hil oracle: $(head -n 3 $w/$n.gen.err)"
		return
	fi
	if ! iverilog -o $w/$n.vvp $w/$n.tb.v "$d"/*.v 2>$w/$n.iverilog.err; then
		bad "$n: iverilog: $(head -n 3 $w/$n.iverilog.err)"
		return
	fi
	vvp -n $w/$n.vvp >$w/$n.oracle.out 2>$w/$n.oracle.err
	orc=$?
	if [ $hrc -eq $orc ] && cmp -s $w/$n.run.out $w/$n.oracle.out; then
		ok "$n: RTL = CE = oracle, $(wc -l <$w/$n.oracle.out) trace lines, exit $orc"
		return
	fi
	bad "$n: hil run exits $hrc, the oracle $orc; trace diff (- hil run, + oracle):"
	diff -u $w/$n.run.out $w/$n.oracle.out | tail -n +3 | head -n 40 | sed 's/^/    /'
	for e in run oracle; do
		[ -s $w/$n.$e.err ] && sed "s/^/    $e stderr: /" $w/$n.$e.err | head -n 5
	done
}

for d in examples/*/ tests/fixtures/duts/*/; do
	d=${d%/}
	[ -f "$d/test.hil" ] || continue
	check "$(basename "$d")" "$d" "$d/test.hil"
done

# vcounter: rst, en in; count (8 bits), wrap = en && count == 255 out.
v=tests/fixtures/vectors/vcounter
script() {
	cat >$w/$1.hil
	check "vcounter-$1" $v $w/$1.hil
}
script expect_fails <<'EOF'
watch count
poke en 1
step 4
peek count
expect count 5
peek count
EOF
script wait_times_out <<'EOF'
watch count
poke en 1
wait count == 0x80 mask 0x80 timeout 100
wait count == 3 timeout 10
EOF
script same_cycle <<'EOF'
# Reports of several evaluation points in one cycle, and lines out of
# order: the watch on line 4 sorts before the peeks.
watch count
watch en
step 0
peek count
poke en 1
step 0
peek en
poke en 0
poke en 1
step 2
unwatch en
poke en 0
step 0
watch en
poke en 1
run 2
at 3 poke en 0
step 1
peek count
step 1
EOF
script at_pokes <<'EOF'
# Pokes for later cycles: in script order within a cycle, kept across a
# wait that stops before them, applied at the end of a run.
watch count
at 3 poke en 1
at 3 poke en 0
at 3 poke en 1
at 12 poke en 0
at 6 poke rst 1
at 7 poke rst 0
wait count == 2 timeout 20
peek count
run 12
peek count
peek en
step 3
peek count
EOF
script run_into_past <<'EOF'
poke en 1
watch count
wait count == 5 timeout 50
run 3
EOF
script at_into_past <<'EOF'
poke en 1
wait count == 9 timeout 50
at 4 poke rst 1
peek count
EOF

summary
