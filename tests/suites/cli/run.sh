#!/bin/sh
# The CLI's outputs besides the trace: --vcd (checked with GTKWave's own
# reader when it is installed, and structurally always), --json, hil ports.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
HIL=${HIL:-build/asan/bin/hil}
w=build/cli-tests
mkdir -p $w

# Every command's --help (and hil help COMMAND, and hild --help) prints its
# usage on stdout and exits 0; an unknown command exits 2.
helped=0
cmds="run list bitstream flash doctor replay trace boards submit jobs wait result ports oracle wrap"
for c in $cmds; do
	"$HIL" $c --help >$w/help.out 2>&1 && grep -q "^usage: hil $c" $w/help.out &&
		"$HIL" help $c >$w/help2.out 2>&1 && cmp -s $w/help.out $w/help2.out &&
		helped=$((helped + 1))
done
"$(dirname "$HIL")/hild" --help >$w/hild-help.out 2>&1 && grep -q "^usage: hild" $w/hild-help.out &&
	helped=$((helped + 1))
"$HIL" nosuchcommand >/dev/null 2>&1
unknown=$?
[ $helped -eq 16 ] && [ $unknown -eq 2 ] &&
	ok "--help exits 0 with the usage for all 15 commands and hild; an unknown command exits 2" ||
	bad "--help: $helped of 16 exit 0 with their usage; unknown command exit $unknown"

# Options go through getopt_long: --opt=value, operands before options,
# "--" before an operand, hil's own --cache=DIR before the command, and
# the same order under POSIXLY_CORRECT.
c=examples/counter
rm -f $w/eq.out $w/order.out $w/dashdash.out
"$HIL" run --dut=$c $c/test.hil >$w/eq.out 2>&1 &&
	POSIXLY_CORRECT=1 "$HIL" run $c/test.hil --dut $c >$w/order.out 2>&1 &&
	"$HIL" run --dut $c -- $c/test.hil >$w/dashdash.out 2>&1 &&
	cmp -s $w/eq.out $w/order.out && cmp -s $w/eq.out $w/dashdash.out &&
	ok "run --dut=DIR, SCRIPT before --dut (POSIXLY_CORRECT too) and -- SCRIPT run alike" ||
	bad "run --dut=DIR / SCRIPT --dut DIR / -- SCRIPT: $(tail -qn 1 $w/eq.out $w/order.out $w/dashdash.out 2>/dev/null)"
"$HIL" --cache="$PWD/$w/cache" ports --dut $c --where >$w/cache.out 2>&1 &&
	grep -q "^$PWD/$w/cache/" $w/cache.out && ok "hil --cache=DIR builds into DIR" ||
	bad "hil --cache=DIR: $(head -n 1 $w/cache.out)"
# A relative cache is the caller's: the build's tools run in folders of
# the cache, where a relative path would name nothing.
rm -rf $w/relcache
(cd $w && HIL_CACHE=relcache "$OLDPWD/$HIL" ports --dut "$OLDPWD/$c" --where) >$w/relcache.out 2>&1 &&
	grep -q "^$PWD/$w/relcache/" $w/relcache.out && ok "HIL_CACHE=relative builds into that folder of the caller's" ||
	bad "HIL_CACHE=relative: $(tail -n 1 $w/relcache.out)"
# refused NAME TEXT CMD...: CMD exits 2 with TEXT as the one line of its stderr.
refused() {
	name=$1 text=$2
	shift 2
	"$@" >$w/refused.out 2>$w/refused.err
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat $w/refused.err)" = "$text" ]; then
		ok "$name"
	else
		bad "$name: exit $rc, stderr: $(head -n 3 $w/refused.err)"
	fi
}
refused "an option without its value names it" "hil run: --dut wants a value" \
	"$HIL" run $c/test.hil --dut
refused "an unknown option is named" "hil ports: unknown option '--jsn'" \
	"$HIL" ports --dut $c --jsn
refused "a flag given a value is named" "hil run: --json takes no value" \
	"$HIL" run --json=yes --dut $c $c/test.hil
refused "an operand too many is named" "hil run: unexpected 'extra.hil'" \
	"$HIL" run --dut $c $c/test.hil extra.hil
refused "-D without its value names it" "hil run: -D wants a value" \
	"$HIL" run --dut $c $c/test.hil -D
refused "-I of the DUT options is not taken where no DUT is built" "hil flash: unknown option '-I'" \
	"$HIL" flash -I x hil.bin
refused "a --param holding a ',' is refused" "hil ports: --param: one NAME=VALUE each time, without ','" \
	"$HIL" ports --dut $c --param A=1,B=2
refused "a bad --bus names it" "hil flash: --bus wants a bus number from 1 to 255" \
	"$HIL" flash --bus 0 --device 1 hil.bin
hild="$(dirname "$HIL")/hild"
refused "hild: an option without its value names it" "hild: --socket wants a value" \
	"$hild" --socket
refused "hild: a number out of range names the option and the range" \
	"hild: --max-clients wants a number from 1 to 100000" "$hild" --max-clients=0
refused "hild: an unknown option is named" \
	"hild: unknown option '--sockets' (hild --help lists them)" "$hild" --sockets /tmp/x
# getopt_long takes a prefix of one option; a prefix of two is named so.
refused "a prefix of two options is called ambiguous" "hil submit: ambiguous option '--boa'" \
	"$HIL" submit --boa x
refused "hild: a prefix of two options is called ambiguous" \
	"hild: ambiguous option '--max' (hild --help lists them)" "$hild" --max

# The tree's C and C++ are as .clang-format has them.
git ls-files '*.c' '*.h' '*.cpp' '*.cc' | grep -v '^tests/fuzz/corpus/' |
	xargs clang-format --dry-run --Werror >$w/format.out 2>&1 &&
	ok "every C and C++ file is as clang-format leaves it" ||
	bad "clang-format would change: $(grep -o '^[^: ]*\.[ch][cp]*:' $w/format.out | sort -u | head -5 | tr '\n' ' ')"

# make compile_commands: an entry for every C file of libhil, hil and hild,
# with the flags the build uses.
make -s compile_commands >$w/cc.out 2>&1
/usr/bin/python3 - <<'PY' && ok "make compile_commands: $(cat $w/cc.out); host/cli and host/hild compile without host/lib on their path" || bad "compile_commands.json"
import glob, json, os
d = {os.path.relpath(e["file"]): e["arguments"] for e in json.load(open("compile_commands.json"))}
want = glob.glob("host/lib/*/*.c") + glob.glob("host/cli/*.c") + glob.glob("host/hild/*.c")
assert want and all(f in d for f in want), [f for f in want if f not in d][:3]
assert "-Ihost/include" in d["host/lib/session/hil.c"] and "-Werror" in d["host/lib/session/hil.c"]
# The CLI and hild are clients of libhil's API: its internal headers
# (host/lib) are not on their include path.
outside = [f for f in want if not f.startswith("host/lib/")]
assert outside and all("-Ihost/lib" not in d[f] for f in outside), [f for f in outside if "-Ihost/lib" in d[f]]
PY

# The ports' VCD, of a target other than the simulator (there --vcd dumps
# every DUT signal: tests/suites/waves).
d=examples/alu
"$HIL" run --target ce:$d --vcd $w/alu.vcd --json $d/test.hil >$w/alu.out 2>$w/alu.err
[ $? -eq 0 ] && ok "run with --vcd --json exits 0" || bad "run with --vcd --json"
tail -n 1 $w/alu.out | python3 -c '
import json, sys
j = json.loads(sys.stdin.read())
assert j["result"] == "pass" and j["failure"] is None
assert j["cycles"] == 9 and j["reports"] == 10, j
' && ok "--json summary: pass, 9 cycles, 10 reports" || bad "--json summary"
grep -q '^\$enddefinitions \$end' $w/alu.vcd && grep -q '^\$var wire 16 .* acc \$end' $w/alu.vcd &&
	grep -q '^#5$' $w/alu.vcd && ok "VCD header and timestamps" || bad "VCD structure"
# Every value change in the VCD is a report of the trace, at its cycle.
python3 - $w/alu.vcd $w/alu.out <<'PY' && ok "VCD values equal the trace" || bad "VCD values"
import sys
ids, t, seen = {}, None, []
for line in open(sys.argv[1]):
    s = line.split()
    if s and s[0] == "$var":
        ids[s[3]] = (s[4], int(s[2]))
    elif line.startswith("#"):
        t = int(line[1:])
    elif line[0] in "01" and t is not None:
        seen.append((t, ids[line[1:].strip()][0], int(line[0])))
    elif line[0] == "b":
        v, i = line[1:].split()
        seen.append((t, ids[i][0], int(v, 2)))
trace = []
for line in open(sys.argv[2]):
    if line.startswith("{"):
        continue
    c, n, v = line.split()
    trace.append((int(c), n, int(v, 16)))
assert seen == trace, (seen, trace)
PY
if command -v vcd2fst >/dev/null; then
	vcd2fst $w/alu.vcd $w/alu.fst >/dev/null 2>&1 && ok "GTKWave's vcd2fst reads the VCD" ||
		bad "vcd2fst rejects the VCD"
fi
"$HIL" ports --dut $d >$w/ports.out 2>&1 &&
	grep -q '^ *8  out *16  acc$' $w/ports.out && grep -q 'clock clk' $w/ports.out &&
	ok "hil ports lists ports with index, direction and width" || bad "hil ports"
"$HIL" ports --dut $d --json | python3 -c '
import json, sys
j = json.load(sys.stdin)
assert j["top"] == "alu" and j["clock"] == "clk" and len(j["ports"]) == 9
assert [p["index"] for p in j["ports"]] == list(range(9))
' && ok "hil ports --json" || bad "hil ports --json"
# On a clean link nothing is ever resent: a resend there means a reply sat
# in the model until a timer asked for it (the bug where the model went to
# sleep with a frame still in its receive pipeline). 300 lock-step steps.
python3 -c "print(''.join('poke en %d\\nstep 1\\npeek count\\n' % (i & 1) for i in range(300)))" >$w/lockstep.hil
"$HIL" run --stats --dut examples/counter $w/lockstep.hil >$w/lockstep.out 2>$w/lockstep.err
if grep -q 'retransmits=0 naks=0 ' $w/lockstep.err && [ "$(wc -l <$w/lockstep.out)" -eq 300 ]; then
	ok "300 lock-step round trips on a clean link: no resend, no NAK"
else
	bad "clean link resent: $(cat $w/lockstep.err)"
fi
summary
