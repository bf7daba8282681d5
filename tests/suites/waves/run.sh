#!/bin/sh
# Waveforms of every DUT signal from the simulator (hil run --fst, --vcd on
# sim:): GTKWave's fst2vcd reads the file, it holds examples/cpu's
# internal registers, and at every cycle the trace reports, the ports'
# values in the dump are those of the trace (cycle n at n ns, the time
# base of the ports' VCD). The trace itself is that of a run without
# waves; other targets refuse --fst and keep the ports' VCD.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/waves-tests
rm -rf $w && mkdir -p $w
d=examples/cpu

"$HIL" run --direct --dut $d $d/test.hil >$w/plain.out 2>$w/plain.err
"$HIL" run --dut $d --fst $w/cpu.fst $d/test.hil >$w/fst.out 2>$w/fst.err
rc=$?
if [ $rc -eq 0 ] && cmp -s $w/plain.out $w/fst.out && [ -s $w/cpu.fst ]; then
	ok "hil run --fst: the trace of a run without it, and an FST of $(wc -c <$w/cpu.fst) bytes"
else
	bad "hil run --fst: exit $rc" $w/fst.err
fi
fst2vcd $w/cpu.fst >$w/cpu.vcd 2>$w/fst2vcd.err || bad "fst2vcd cannot read the FST" $w/fst2vcd.err
"$HIL" run --dut $d --vcd $w/cpu-full.vcd $d/test.hil >$w/vcd.out 2>$w/vcd.err
[ $? -eq 0 ] && cmp -s $w/plain.out $w/vcd.out || bad "hil run --vcd on the simulator" $w/vcd.err

# check VCD TRACE LABEL: the dump's top-scope port values at the end of
# each reported cycle equal the trace's, and the core's registers are there.
check() {
	if python3 - "$1" "$2" >$w/check.out 2>&1 <<'PY'; then
import sys
vcd, trace = sys.argv[1], sys.argv[2]
names, scope, changes, t = {}, [], {}, 0
for line in open(vcd):
    s = line.split()
    if not s:
        continue
    if s[0] == "$scope":
        scope.append(s[2])
    elif s[0] == "$upscope":
        scope.pop()
    elif s[0] == "$var":
        names.setdefault(s[3], []).append(".".join(scope + [s[4]]))
    elif line[0] == "#":
        t = int(line[1:])
    elif line[0] in "01xz":
        changes.setdefault(line[1:].strip(), []).append((t, line[0]))
    elif line[0] == "b":
        v, i = s
        changes.setdefault(i, []).append((t, v[1:]))
full = {n: i for i, ns in names.items() for n in ns}
for reg in ("dut.cpu.pc", "dut.cpu.ir", "dut.cpu.state", "dut.cpu.rf[10]"):
    assert reg in full, "no %s among %d signals" % (reg, len(full))
def at(name, time):
    v = None
    for when, val in changes[full[name]]:
        if when > time:
            break
        v = val
    return int(v, 2)
n = 0
for line in open(trace):
    c, port, val = line.split()
    got = at("dut." + port, int(c) * 1000 + 999)
    assert got == int(val, 16), "cycle %s: %s is %#x in the dump, %s in the trace" % (c, port, got, val)
    n += 1
assert n > 40, n
print("%d reports, %d signals" % (n, len(full)))
PY
		ok "$3: the core's registers, and the ports equal the trace ($(cat $w/check.out))"
	else
		bad "$3" $w/check.out
	fi
}
check $w/cpu.vcd $w/plain.out "FST through fst2vcd"
check $w/cpu-full.vcd $w/plain.out "VCD"

# Elsewhere: --fst refused with what to use, --vcd the ports' VCD.
"$HIL" run --target ce:$d --fst $w/ce.fst $d/test.hil >$w/ce.out 2>$w/ce.err
rc=$?
if [ $rc -eq 2 ] && grep -q "every DUT signal comes from the simulator" $w/ce.err && [ ! -e $w/ce.fst ]; then
	ok "--fst on the clock-enable model: refused, pointing at the simulator"
else
	bad "--fst on ce: exit $rc" $w/ce.err
fi
"$HIL" run --target ce:$d --vcd $w/ce.vcd $d/test.hil >$w/ce2.out 2>$w/ce2.err
rc=$?
if [ $rc -eq 0 ] && grep -q "one time unit is one DUT cycle" $w/ce.vcd; then
	ok "--vcd on the clock-enable model: the ports' VCD"
else
	bad "--vcd on ce" $w/ce2.err
fi
"$HIL" run --dut $d --vcd $w/x.vcd --fst $w/x.fst $d/test.hil >/dev/null 2>$w/both.err
[ $? -eq 2 ] && grep -q "one waveform a run" $w/both.err && ok "--vcd with --fst: refused" ||
	bad "--vcd with --fst" $w/both.err
"$HIL" run --dut $d --fst /nonexistent/dir/x.fst $d/test.hil >/dev/null 2>$w/nodir.err
[ $? -eq 2 ] && grep -q "cannot write the waveform" $w/nodir.err &&
	ok "a waveform file that cannot be written: refused before the run" ||
	bad "unwritable waveform" $w/nodir.err

# The same pokes made two ways: stamped ahead of the bridge (the model's
# lane makes them) and at `now` (POKEs through the bridge). Every signal's
# dump must be the same, the times of the pokes included.
v=tests/fixtures/vectors/vcounter
printf 'poke rst 0\nat 1 poke en 1\nat 3 poke en 0\nat 3 poke en 1\nat 6 poke rst 1\nstep 8\n' >$w/lane.hil
printf 'poke rst 0\nstep 1\npoke en 1\nstep 2\npoke en 0\npoke en 1\nstep 3\npoke rst 1\nstep 2\n' >$w/port.hil
for k in lane port; do
	"$HIL" run --dut $v --vcd $w/$k.vcd $w/$k.hil >$w/$k.out 2>$w/$k.err || bad "$k pokes: hil run" $w/$k.err
	sed '/\$date/,/\$end/d' $w/$k.vcd >$w/$k.body
done
if cmp -s $w/lane.body $w/port.body && [ "$(grep -c '^#' $w/lane.body)" -ge 16 ]; then
	ok "pokes through the lane and through the bridge: the same dump, $(grep -c '^#' $w/lane.body) times"
else
	bad "pokes through the lane and through the bridge dump differently (- lane, + bridge):"
	diff $w/lane.body $w/port.body | head -n 20 | sed 's/^/    /'
fi

summary
