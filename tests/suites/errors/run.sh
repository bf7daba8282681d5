#!/bin/sh
# Bad input gets a clear error that names the problem: DUTs hil cannot
# bridge (tests/fixtures/duts/bad_*, each with the text its error must
# contain), scripts with mistakes (repeat blocks among them), a target
# built for another DUT, a failing expect.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/errors
mkdir -p $w

# expect NAME STATUS TEXT CMD...: CMD exits with STATUS and its stderr has TEXT.
expect() {
	name=$1 want=$2 text=$3
	shift 3
	"$@" >$w/out 2>$w/err
	rc=$?
	if [ $rc -eq "$want" ] && grep -qF -- "$text" $w/err; then
		ok "$name"
	else
		bad "$name: exit $rc (wanted $want), stderr:" $w/err
	fi
}

for d in tests/fixtures/duts/bad_*/; do
	[ -f "$d/expect.txt" ] || continue
	n=$(basename "$d")
	expect "$n" 2 "$(cat "$d/expect.txt")" "$HIL" ports --dut "$d"
done

v=tests/fixtures/vectors/vcounter
printf 'poke rst 1\nstep 2\npeek cnt\n' >$w/unknown_port.hil
expect "unknown port names line and column" 2 \
	"unknown_port.hil:3:6: 'cnt' is no port of vcounter (ports: rst, en, count, wrap); vcounter has no signal 'cnt'" \
	"$HIL" run --dut $v $w/unknown_port.hil
# Signals inside the DUT (tests/fixtures/duts/hier): a name the DUT lacks,
# at its line and column with what the scope holds, a memory without its
# word, what only ports can do, and targets without insides.
h=tests/fixtures/duts/hier
printf 'step 1\npeek u_acc.summ\n' >$w/no_signal.hil
expect "a path the DUT lacks names line, column and what the scope holds" 2 \
	"no_signal.hil:2:6: u_acc has no signal 'summ' (signals: clk, d, hist[0:3], n, next, q, rst, sum)" \
	"$HIL" run --dut $h $w/no_signal.hil
printf 'peek u_acc.hist\n' >$w/memory.hil
expect "a memory is peeked a word at a time" 2 \
	"memory.hil:1:6: 'u_acc.hist' is a memory [0:3]: peek one word, u_acc.hist[N]" \
	"$HIL" run --dut $h $w/memory.hil
printf 'expect lane[0].r 0x10\n' >$w/signal_wide.hil
expect "an expect's value wider than the signal" 2 \
	"signal_wide.hil:1:18: value is 5 bits wide, signal 'lane[0].r' has 4" \
	"$HIL" run --dut $h $w/signal_wide.hil
printf 'watch u_acc.sum\n' >$w/watch_inside.hil
expect "signals inside are peeked and expected, not watched" 2 \
	"watch_inside.hil:1:7: unknown port 'u_acc.sum' (ports: rst, d, q8, q12); signals inside the DUT can be peeked and expected, not watched or waited on" \
	"$HIL" run --dut $h $w/watch_inside.hil
printf 'step 2\npeek u_acc.sum\n' >$w/ce_inside.hil
expect "the ce: model has no insides to read: simulation-only" 2 \
	"ce_inside.hil:2:6: 'u_acc.sum': internal signals are simulation-only; a ce: target reaches the DUT's ports alone" \
	"$HIL" run --target ce:$h $w/ce_inside.hil
printf 'poke en 0x3\n' >$w/too_wide.hil
expect "value too wide names line and column" 2 "too_wide.hil:1:9:" \
	"$HIL" run --dut $v $w/too_wide.hil
# A scheduled poke the script never runs up to: at parse time when the
# end is known, after the run when a wait made it unknown.
printf 'at 5 poke en 1\nrun 3\n' >$w/unreached.hil
expect "a poke scheduled past the script's end names line and column" 2 \
	"unreached.hil:1:4: at 5 is never reached: the script ends at cycle 3" \
	"$HIL" run --dut $v $w/unreached.hil
printf 'poke en 1\nwait count != 0 timeout 20\nat 40 poke en 0\nstep 2\n' >$w/unreached_wait.hil
expect "the same after a wait, once the run shows where it ended" 2 \
	"unreached_wait.hil:3:4: at 40 is never reached: the script ended at cycle" \
	"$HIL" run --dut $v $w/unreached_wait.hil
printf 'poke count 1\n' >$w/output.hil
expect "poke to an output" 2 "output.hil:1:6:" "$HIL" run --dut $v $w/output.hil
printf 'step 3\nfrobnicate 7\n' >$w/syntax.hil
expect "unknown command" 2 "syntax.hil:2:1:" "$HIL" run --dut $v $w/syntax.hil
printf 'poke rst 1\nstep 1\npoke rst 0\npoke en 1\nstep 4\nexpect count 5\n' >$w/expect.hil
expect "failing expect: cycle and both values" 1 \
	"expect.hil:6: expect count at cycle 5: got 0x04, expected 0x05" \
	"$HIL" run --dut $v $w/expect.hil
printf 'poke en 1\nwait wrap == 1 timeout 20\n' >$w/wait.hil
expect "wait that times out" 1 "wait.hil:2: wait timed out at cycle 20" \
	"$HIL" run --dut $v $w/wait.hil
# repeat blocks: each mistake at its line and column, the bound on what
# they expand to, and a failure inside one naming its iteration.
printf 'poke en 1\nrepeat 3\n    repeat 2\n        step 1\n    end\n' >$w/no_end.hil
expect "repeat without end" 2 \
	"no_end.hil:2:1: 'repeat' without 'end': a block ends with a line 'end'" \
	"$HIL" run --dut $v $w/no_end.hil
expect "the same from hil oracle" 2 \
	"no_end.hil:2:1: 'repeat' without 'end': a block ends with a line 'end'" \
	"$HIL" oracle --dut $v $w/no_end.hil
printf 'repeat 2\n  step 1\nend\n  end\n' >$w/extra_end.hil
expect "end without repeat" 2 "extra_end.hil:4:3: 'end' without 'repeat'" \
	"$HIL" run --dut $v $w/extra_end.hil
printf 'repeat 0\nend\n' >$w/repeat0.hil
expect "repeat 0" 2 "repeat0.hil:1:8: repeat 0 would never run the block: N is at least 1" \
	"$HIL" run --dut $v $w/repeat0.hil
printf 'repeat  -2\nend\n' >$w/repeat_neg.hil
expect "repeat of a negative number" 2 "repeat_neg.hil:1:9: malformed number '-2'" \
	"$HIL" run --dut $v $w/repeat_neg.hil
printf 'repeat 1000001\nend\n' >$w/repeat_huge.hil
expect "repeat N beyond the bound" 2 \
	"repeat_huge.hil:1:8: repeat 1000001 is more than 1000000, the most commands a script may expand to" \
	"$HIL" run --dut $v $w/repeat_huge.hil
printf 'poke en 1\nrepeat 1000\n  repeat 1000\n    step 1\n  end\nend\n' >$w/repeat_bound.hil
expect "repeats that expand past the bound" 2 \
	"repeat_bound.hil:2:8: repeat 1000 makes the script 1000001 commands long, more than the 1000000 it may expand to: repeat fewer times" \
	"$HIL" run --dut $v $w/repeat_bound.hil
printf 'repeat 4\n  at 2 poke en 1\n  step 1\nend\n' >$w/repeat_past.hil
expect "a poke that one iteration makes in the past" 2 \
	"repeat_past.hil:2:6: at 2 is before cycle 3, where the script is already: a poke cannot go back in time (repeat iteration 4 of 4)" \
	"$HIL" run --dut $v $w/repeat_past.hil
printf 'poke en 1\nrepeat 4\n  step 2\n  expect count 2\nend\n' >$w/repeat_expect.hil
expect "failing expect in a repeat names its iteration" 1 \
	"repeat_expect.hil:4: expect count at cycle 4: got 0x04, expected 0x02 (repeat iteration 2 of 4)" \
	"$HIL" run --dut $v $w/repeat_expect.hil
expect "missing script" 2 "nope.hil" "$HIL" run --dut $v $w/nope.hil
expect "missing DUT directory" 2 "tests/fixtures/duts/nope" \
	"$HIL" run --dut tests/fixtures/duts/nope $w/wait.hil

# A target built for one DUT, checked against another DUT's port list: the
# message names both.
lfsr_ports=$("$HIL" ports --dut tests/fixtures/duts/lfsr --where 2>/dev/null)/ports.json
if [ -f "$lfsr_ports" ]; then
	expect "signature mismatch names both DUTs" 2 "describes DUT 'lfsr'" \
		"$HIL" run --dut $v --ports "$lfsr_ports" $w/wait.hil
	grep -qF "'vcounter'" $w/err && ok "mismatch names vcounter" ||
		bad "mismatch does not name vcounter"
else
	bad "could not build tests/fixtures/duts/lfsr"
fi
summary
