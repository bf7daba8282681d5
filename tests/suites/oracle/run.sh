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
# script written out). A script that reads signals inside the DUT
# (`peek u_acc.sum`) runs on the simulator alone: the ce: target must
# refuse it, and hil run and the oracle must still agree.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/oracle
mkdir -p $w

# inside NAME DIR SCRIPT [--param NAME=VALUE]...: does the script peek or
# expect a name that is none of the DUT's ports, so a signal inside it?
# Told from the script's text and `hil ports`, not from what the targets
# make of it; a DUT whose ports cannot be listed fails the check (status 2).
inside() {
	n=$1 d=$2 s=$3
	shift 3
	"$HIL" ports "$@" --dut "$d" >$w/$n.ports 2>&1 || return 2
	awk 'NR > 2 { print $4 }' $w/$n.ports >$w/$n.portnames
	[ -s $w/$n.portnames ] || return 2
	sed 's/#.*//' "$s" | awk '$1 == "peek" || $1 == "expect" { print $2 }' |
		grep -qvxFf $w/$n.portnames
}

# check NAME DIR SCRIPT [--param NAME=VALUE]...: the oracle's testbench is
# compiled with the DUT's .v and .sv files (Icarus's -g2012 for these) and
# run in the DUT's directory, where its $readmemh files are. The exit
# statuses land in $w/NAME.run.rc and $w/NAME.oracle.rc.
check() {
	n=$1 d=$2 s=$3
	shift 3
	inside "$n" "$d" "$s" "$@"
	case $? in
	0) sim=1 ;;
	1) sim=0 ;;
	*)
		bad "$n: hil ports cannot list the DUT's ports" $w/$n.ports
		return
		;;
	esac
	"$HIL" run "$@" --dut "$d" "$s" >$w/$n.run.out 2>$w/$n.run.err
	hrc=$?
	echo $hrc >$w/$n.run.rc
	"$HIL" run "$@" --target "ce:$d" "$s" >$w/$n.ce.out 2>$w/$n.ce.err
	crc=$?
	if [ $sim -eq 1 ]; then
		# Signals inside the DUT: simulation only. The run itself must
		# have got past binding them, else run = oracle says little.
		if [ $crc -ne 2 ] || [ -s $w/$n.ce.out ] ||
			! grep -q "simulation-only" $w/$n.ce.err; then
			bad "$n: the clock-enable model exits $crc, not 2 with 'simulation-only' for signals inside the DUT" $w/$n.ce.err
			return
		fi
		if [ $hrc -eq 2 ]; then
			bad "$n: hil run cannot run a script that reads inside the DUT" $w/$n.run.err
			return
		fi
		ok "$n: ce: refuses the signals inside the DUT as simulation-only"
	elif [ $crc -ne $hrc ] || ! cmp -s $w/$n.run.out $w/$n.ce.out; then
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
	echo $orc >$w/$n.oracle.rc
	if [ $hrc -eq $orc ] && cmp -s $w/$n.run.out $w/$n.oracle.out; then
		[ $sim -eq 1 ] && eq="RTL = oracle" || eq="RTL = CE = oracle"
		ok "$n: $eq, $(wc -l <$w/$n.oracle.out) trace lines, exit $orc"
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
for n in hier cpu-inside; do
	if [ "$(cat $w/$n.run.rc 2>/dev/null)" = 0 ] && [ -s $w/$n.run.out ]; then
		ok "$n: reads inside the DUT and passes, $(wc -l <$w/$n.run.out) trace lines"
	else
		bad "$n: does not pass on hil run (exit $(cat $w/$n.run.rc 2>/dev/null))" $w/$n.run.err
	fi
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
} >$w/unrolled.hil
# (not piped into `script`: a pipeline's checks would count in a subshell)
check vcounter-unrolled $v $w/unrolled.hil
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

# Signals inside tests/fixtures/duts/hier (instances u_acc and u_big of
# hier_acc, generate scopes lane[0] and lane[1], memories hist, a 100-bit
# register wide), against its ports.
h=tests/fixtures/duts/hier
hscript() {
	cat >$w/$1.hil
	check "hier-$1" $h $w/$1.hil
}
# An expect of a signal that fails in the second pass of a repeat block.
hscript inside_fails <<'EOF'
poke rst 1
step 1
poke rst 0
repeat 2
    poke d 3
    step 2
    peek u_acc.sum
    expect u_big.sum 0x6
end
peek u_big.sum
EOF
msg="$w/inside_fails.hil:8: expect u_big.sum at cycle 5: got 0x00c, expected 0x006 (repeat iteration 2 of 2)"
for e in run oracle; do
	if [ "$(cat $w/hier-inside_fails.$e.rc 2>/dev/null)" = 1 ] &&
		grep -qxF "$msg" $w/hier-inside_fails.$e.err; then
		ok "inside_fails: $e exits 1 and names the signal, the line and the iteration"
	else
		bad "inside_fails: $e does not exit 1 with '$msg'" $w/hier-inside_fails.$e.err
	fi
done
# Nested repeat blocks that read inside the DUT between reports of its
# ports in the same cycles (a watch, several evaluation points in one
# cycle): each cycle's lines in the order of the commands, as for ports.
# inside_unrolled.hil is the same script written out.
hscript inside_repeat <<'EOF'
poke rst 1
step 1
poke rst 0
watch q8
repeat 3
    poke d 0x11
    repeat 2
        step 1
        peek u_acc.hist[0]
        peek lane[0].r
        expect lane[1].r 2
        peek q12
        peek u_big.sum
    end
    poke d 0x80
    step 0
    peek u_acc.next
    peek u_acc.n
    poke d 0x7
    step 0
    peek u_big.next
    peek wide
end
peek u_acc.hist[3]
peek u_big.hist[1]
EOF
{
	printf 'poke rst 1\nstep 1\npoke rst 0\nwatch q8\n'
	for i in 1 2 3; do
		echo "poke d 0x11"
		for j in 1 2; do
			printf 'step 1\npeek u_acc.hist[0]\npeek lane[0].r\nexpect lane[1].r 2\n'
			printf 'peek q12\npeek u_big.sum\n'
		done
		printf 'poke d 0x80\nstep 0\npeek u_acc.next\npeek u_acc.n\n'
		printf 'poke d 0x7\nstep 0\npeek u_big.next\npeek wide\n'
	done
	printf 'peek u_acc.hist[3]\npeek u_big.hist[1]\n'
} >$w/inside_unrolled.hil
check hier-inside_unrolled $h $w/inside_unrolled.hil
r=$w/hier-inside_repeat.run.out
if [ "$(cat $w/hier-inside_repeat.run.rc 2>/dev/null)" = 0 ] && [ -s $r ] &&
	cmp -s $r $w/hier-inside_unrolled.run.out; then
	ok "inside_repeat: passes, the trace of the script written out, $(wc -l <$r) lines"
else
	bad "inside_repeat: fails, or its trace differs from that of the script written out (- repeat, + unrolled):"
	diff -u $r $w/hier-inside_unrolled.run.out | tail -n +3 | head -n 20 | sed 's/^/    /'
fi

# Names the bare Yosys JSON lacks: hil oracle says so at the line and
# column, as hil run does for those its model lacks, and writes nothing.
oracle_refuses() {
	printf 'poke rst 1\nstep 1\n%s\n' "$1" >$w/hier-bad.hil
	"$HIL" oracle --dut $h $w/hier-bad.hil >$w/hier-bad.tb.v 2>$w/hier-bad.err
	rc=$?
	if [ $rc -eq 2 ] && [ ! -s $w/hier-bad.tb.v ] &&
		grep -qF "$w/hier-bad.hil:3:$2: $3" $w/hier-bad.err; then
		ok "oracle refuses '$1': $3"
	else
		bad "oracle on '$1' exits $rc, not 2 with '$w/hier-bad.hil:3:$2: $3'" $w/hier-bad.err
	fi
}
oracle_refuses "peek u_acc.nope" 6 "u_acc has no signal 'nope'"
oracle_refuses "peek nope" 6 "'nope' is no port of hier (ports: rst, d, q8, q12); hier has no signal 'nope'"
oracle_refuses "expect u_acc.hist[4] 0" 8 "'u_acc.hist[4]': hist has words 0 to 3"
oracle_refuses "expect lane[1].r 0x10" 18 "value is 5 bits wide, signal 'lane[1].r' has 4"

# Random scripts (lane_scripts.py) whose pokes take every path: on sim:
# those stamped past where the bridge stands go through the model's lane,
# on ce: all cross the byte port; both must equal the oracle.
for d in tests/fixtures/vectors/vcounter examples/alu examples/wide examples/fifo; do
	e=$(basename $d)
	if ! "$HIL" ports --dut $d >$w/lane-$e.ports 2>&1; then
		bad "lane-$e: hil ports cannot list the DUT's ports" $w/lane-$e.ports
		continue
	fi
	for seed in 1 2 3; do
		/usr/bin/python3 tests/suites/oracle/lane_scripts.py $seed $w/lane-$e.ports \
			$w/lane-$e-$seed.hil || { bad "lane-$e-$seed: lane_scripts.py failed"; continue; }
		check lane-$e-$seed $d $w/lane-$e-$seed.hil
	done
done

summary
