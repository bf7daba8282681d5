#!/bin/sh
# The oracle test: the trace and exit status of `hil run` (bridge + DUT
# under Verilator, the DUT's own RTL clocked on advancing cycles) must
# equal, byte for byte, those of the model of the DUT after the clock-enable
# pass the chip gets (target ce:DIR) and those of the plain Icarus testbench
# of the bare DUT that `hil oracle` writes for the same script. The cases
# are every script of every example and test DUT, and scripts below, run
# against tests/fixtures/vectors/vcounter, for the corners the examples do
# not reach: failures, commands that cannot run, several evaluation points
# in one cycle, repeat blocks (whose trace must also be that of the same
# script written out).
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/oracle
mkdir -p $w

# check NAME DIR SCRIPT [--param NAME=VALUE]...: the oracle's testbench is
# compiled with the DUT's .v and .sv files (Icarus's -g2012 for these) and
# run in the DUT's directory, where its $readmemh files are.
check() {
	n=$1 d=$2 s=$3
	shift 3
	"$HIL" run "$@" --dut "$d" "$s" >$w/$n.run.out 2>$w/$n.run.err
	hrc=$?
	"$HIL" run "$@" --target "ce:$d" "$s" >$w/$n.ce.out 2>$w/$n.ce.err
	crc=$?
	if [ $crc -ne $hrc ] || ! cmp -s $w/$n.run.out $w/$n.ce.out; then
		bad "$n: the RTL model exits $hrc, the clock-enable model $crc; trace diff (- RTL, + CE):"
		diff -u $w/$n.run.out $w/$n.ce.out | tail -n +3 | head -n 20 | sed 's/^/    /'
		sed "s/^/    ce stderr: /" $w/$n.ce.err | head -n 5
		return
	fi
	if ! "$HIL" oracle "$@" --dut "$d" "$s" >$w/$n.tb.v 2>$w/$n.gen.err; then
		bad "$n: hil oracle: $(head -n 3 $w/$n.gen.err)"
		return
	fi
	if ! iverilog -g2012 -o $w/$n.vvp $w/$n.tb.v $(ls "$d"/*.v "$d"/*.sv 2>/dev/null) \
		2>$w/$n.iverilog.err; then
		bad "$n: iverilog: $(head -n 3 $w/$n.iverilog.err)"
		return
	fi
	tb=$PWD/$w/$n.vvp
	(cd "$d" && vvp -n "$tb") >$w/$n.oracle.out 2>$w/$n.oracle.err
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
	for s in "$d"/*.hil; do
		[ -f "$s" ] || continue
		n=$(basename "$d")
		[ "$s" = "$d/test.hil" ] || n=$n-$(basename "$s" .hil)
		case $n in
		# Scripts for the DUT built with other parameters (its README).
		fifo-test16) check "$n" "$d" "$s" --param WIDTH=16 --param DEPTH=4 ;;
		*) check "$n" "$d" "$s" ;;
		esac
	done
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
script repeat <<'EOF'
# Nested repeat blocks holding every kind of command; unrolled.hil is the
# same script written out.
watch wrap
repeat 3
    poke en 1
    watch count
    at 900 poke en 0
    repeat 2
        step 3
        peek count
        wait count == 0 mask 0x3 timeout 8
        peek en
    end
    unwatch count
    poke en 0
    peek count
    step 2
    expect wrap 0
end
repeat 2
    poke en 1
    step 5
    wait wrap == 1 timeout 300
    # two lines, twice in one cycle: reports in the order they are asked
    repeat 2
        peek wrap
        peek count
    end
    step 1
end
run 900
peek count
EOF
{
	echo "watch wrap"
	for i in 1 2 3; do
		printf 'poke en 1\nwatch count\nat 900 poke en 0\n'
		for j in 1 2; do
			printf 'step 3\npeek count\nwait count == 0 mask 0x3 timeout 8\npeek en\n'
		done
		printf 'unwatch count\npoke en 0\npeek count\nstep 2\nexpect wrap 0\n'
	done
	for i in 1 2; do
		printf 'poke en 1\nstep 5\nwait wrap == 1 timeout 300\n'
		for j in 1 2; do
			printf 'peek wrap\npeek count\n'
		done
		echo "step 1"
	done
	printf 'run 900\npeek count\n'
} | script unrolled
r=$w/vcounter-repeat.run.out
if [ -s $r ] && cmp -s $r $w/vcounter-unrolled.run.out; then
	ok "repeat: the trace of the script written out, $(wc -l <$r) lines"
else
	bad "repeat: the trace differs from that of the script written out (- repeat, + unrolled):"
	diff -u $r $w/vcounter-unrolled.run.out | tail -n +3 | head -n 20 | sed 's/^/    /'
fi

# A failure in the third inner pass of the second outer one: both name the
# line and the iterations.
script repeat_fails <<'EOF'
poke en 1
watch count
repeat 3
    repeat 4
        step 1
        wait count != 7 timeout 0
    end
end
EOF
msg="$w/repeat_fails.hil:6: wait timed out at cycle 7: count = 0x07 (wanted != 0x07) (repeat iterations 2 of 3, 3 of 4)"
for e in run oracle; do
	if grep -qxF "$msg" $w/vcounter-repeat_fails.$e.err; then
		ok "repeat_fails: $e names the line and the iterations"
	else
		bad "repeat_fails: $e's message is not '$msg'" $w/vcounter-repeat_fails.$e.err
	fi
done

summary
