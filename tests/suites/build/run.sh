#!/bin/sh
# The DUT build (host/lib/build/dut.c): hostile file and directory names are built
# or refused with nothing executed or expanded; a build error's file:line
# reaches a direct run, a client of hild and pytest; a first build shows its
# progress on a terminal; two processes build one
# DUT at once; a copy of an example outside the checkout, run from another
# directory, builds into the default cache (~/.cache/hil) and writes nothing
# into the checkout; hil bitstream takes hostile paths as data.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
root=$PWD
HIL=${HIL:-build/asan/bin/hil}
case $HIL in /*) ;; *) HIL=$root/$HIL ;; esac
HILD=$(dirname "$HIL")/hild
w=$root/build/build-tests
rm -rf "$w" && mkdir -p "$w"
export HIL_CACHE="$w/cache"

# A DUT whose output shows which source was built: q = K at every cycle.
dut() { # DIR K [TOP]
	mkdir -p "$1"
	printf 'module %s(input clk, input en, output reg [7:0] q);\n  always @(posedge clk) q <= en ? 8%sd%s : 8%sd0;\nendmodule\n' "${3:-t}" "'" "$2" "'" >"$1/${3:-t}.v"
}
printf 'poke en 1\nstep 2\npeek q\n' >"$w/t.hil"
printf '2 q 0x%02x\n' 7 >"$w/want7"

# Would run if any name reached a shell: each leaves a file named PWNED
# in the directory it ran in (ours, a build folder or the DUT's).
pwned() { find "$w" "$root" -maxdepth 1 -name PWNED; find "$w" -name PWNED | head -n 1; }
# The names' classes, for the messages.
label() {
	case $1 in
	1) echo "with a space" ;; 2) echo "with ';' and '#'" ;; 3) echo "with '?'" ;;
	4) echo "with '*'" ;; 5) echo "with a quote" ;; 6) echo "with a double quote" ;;
	7) echo "with \$(...)" ;; 8) echo "with backquotes" ;; 9) echo "with a backslash" ;;
	*) echo "with a newline" ;;
	esac
}

nl='
'
n=0
for name in 'a b' 'x;touch PWNED;#' 'a?' 'a*' "a'b" 'a"b' 'a$(touch PWNED)' 'a`touch PWNED`' 'a\b' "a${nl}b"; do
	n=$((n + 1))
	# A source file with the name: refused, the name shown escaped.
	d="$w/file$n/t"
	dut "$d" 7
	printf 'module u(input clk); endmodule\n' >"$d/$name.v"
	(cd "$w" && "$HIL" ports --dut "$d") >"$w/out" 2>"$w/err"
	rc=$?
	if [ $rc -eq 2 ] && grep -q "rename it" "$w/err" && [ "$(wc -l <"$w/err")" -eq 1 ] && [ -z "$(pwned)" ]; then
		ok "a source file named $(label $n) is refused in one line, nothing run"
	else
		bad "a source file named $(label $n): exit $rc" "$w/err"
	fi
	# The name in the directory's path: built, and the right sources.
	d="$w/dir$n/$name/t"
	dut "$d" 7
	case $name in 'a?'|'a*') dut "$w/dir$n/ab/t" 9 ;; esac
	(cd "$w" && "$HIL" run --direct --dut "$d" "$w/t.hil") >"$w/out" 2>"$w/err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$w/out" "$w/want7" && [ -z "$(pwned)" ]; then
		ok "a DUT under a directory named $(label $n) builds from its own sources, nothing run"
	else
		bad "a DUT under a directory named $(label $n): exit $rc, trace $(cat "$w/out")" "$w/err"
	fi
done

# A first build says what it is doing on a terminal, and nothing into a pipe.
dut "$w/tty/t" 5
dut "$w/pipe/t" 6
script -qec "$HIL ports --dut $w/tty/t --model sim" /dev/null >"$w/tty.out" 2>&1
rc=$?
"$HIL" ports --dut "$w/pipe/t" --model sim >/dev/null 2>"$w/pipe.err"
if [ $rc -eq 0 ] && grep -q "hil: building DUT 't': Yosys" "$w/tty.out" &&
	grep -q "hil: building DUT 't': Verilator" "$w/tty.out" &&
	grep -q "hil: built DUT 't' in" "$w/tty.out" && [ ! -s "$w/pipe.err" ]; then
	ok "a first build shows its steps and time on a terminal, nothing in a pipe"
else
	bad "progress of a first build: exit $rc" "$w/tty.out"
fi

# A DUT of many files (more than a fixed table of arguments would hold),
# its top in the last one.
d="$w/many/t"
mkdir -p "$d"
i=0
while [ $i -lt 150 ]; do
	printf 'module m%03d(input a, output y); assign y = ~a; endmodule\n' $i >"$d/a$(printf %03d $i).v"
	i=$((i + 1))
done
printf 'module t(input clk, input en, output reg [7:0] q);\n  wire n;\n  m149 u(.a(en), .y(n));\n  always @(posedge clk) q <= n ? 8%sd0 : 8%sd7;\nendmodule\n' "'" "'" >"$d/z.v"
"$HIL" run --direct --dut "$d" "$w/t.hil" >"$w/out" 2>"$w/err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$w/out" "$w/want7"; then
	ok "a DUT of 151 files, its top in the last, builds and runs"
else
	bad "a DUT of 151 files: exit $rc, trace $(cat "$w/out")" "$w/err"
fi

# A DUT directory whose own name is no Verilog identifier: refused until
# --top names the module.
d="$w/odd;name"
dut "$d" 7
"$HIL" run --direct --dut "$d" "$w/t.hil" >"$w/out" 2>"$w/err"
rc=$?
"$HIL" run --direct --dut "$d" --top t "$w/t.hil" >"$w/out2" 2>"$w/err2"
if [ $rc -eq 2 ] && grep -q "name it with --top" "$w/err" && cmp -s "$w/out2" "$w/want7"; then
	ok "a DUT directory named odd;name is refused until --top names its module"
else
	bad "DUT directory odd;name: exit $rc" "$w/err"
fi

# A syntax error on line 3 of broken.v: its file:line in every path.
b="$w/errs/t"
mkdir -p "$b"
printf 'module t(input clk, input en, output reg q);\n  always @(posedge clk)\n    q <= en +;\nendmodule\n' >"$b/broken.v"
"$HIL" run --direct --dut "$b" "$w/t.hil" >"$w/out" 2>"$w/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "$b/broken.v:3" "$w/err"; then
	ok "a direct run shows the tool's file:line ($b/broken.v:3)"
else
	bad "direct run of a broken DUT: exit $rc" "$w/err"
fi
"$HILD" --socket "$w/hild.sock" --state "$w/state" --foreground 2>"$w/hild.log" &
hp=$!
i=0
while [ ! -S "$w/hild.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
HIL_HILD="$w/hild.sock" "$HIL" run --dut "$b" "$w/t.hil" >"$w/out" 2>"$w/err"
rc=$?
if [ $rc -ne 0 ] && grep -q "through hild" "$w/err" && grep -qF "broken.v:3" "$w/err"; then
	ok "a client of hild sees the tool's file:line"
else
	bad "broken DUT through hild: exit $rc" "$w/err"
fi
mkdir -p "$w/py"
cat >"$w/py/test_broken.py" <<EOF
import pytest

@pytest.mark.hil(dut="$b")
def test_broken(dut):
    dut.step(1)
EOF
PYTHONPATH="$root/host/python" /usr/bin/python3 -m pytest -q -p hil.pytest_plugin \
	--hil-hild "$w/hild.sock" -c /dev/null "$w/py/test_broken.py" >"$w/pytest.out" 2>&1
rc=$?
if [ $rc -ne 0 ] && grep -qF "broken.v:3" "$w/pytest.out"; then
	ok "pytest shows the tool's file:line"
else
	bad "pytest on a broken DUT: exit $rc" "$w/pytest.out"
fi
kill $hp
wait $hp 2>/dev/null

# Two processes build one DUT at once: both succeed with the same trace,
# into one folder of the cache, leaving no half-built folder behind.
d="$w/race/race"
dut "$d" 7 race
"$HIL" run --direct --dut "$d" "$w/t.hil" >"$w/race1" 2>"$w/race1.err" &
r1=$!
"$HIL" run --direct --dut "$d" "$w/t.hil" >"$w/race2" 2>"$w/race2.err" &
r2=$!
wait $r1
rc1=$?
wait $r2
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && cmp -s "$w/race1" "$w/want7" && cmp -s "$w/race2" "$w/want7" &&
	[ "$(ls -d "$HIL_CACHE"/race-* | wc -l)" -eq 1 ] && [ "$(ls -d "$HIL_CACHE"/race-*/sim-* | wc -l)" -eq 1 ] &&
	[ -z "$(find "$HIL_CACHE" -maxdepth 1 -name '.tmp-race*')" ] &&
	[ -z "$(find "$HIL_CACHE"/race-* -name '.tmp-*')" ]; then
	ok "two processes build one DUT at once: one model, both traces right"
else
	bad "two builds at once: exits $rc1 $rc2" "$w/race2.err"
fi

# hil bitstream: the DUT's path and the output folder are data, never a
# make variable or a script's text (make bitstream once took DUT=... into
# a recipe and $(shell ...)); a setting that is not one is refused.
d="$w/bit/a \$(touch PWNED);\`touch PWNED\`/t"
dut "$d" 7
out="$w/bit/out 'x' \$(touch PWNED)"
"$HIL" bitstream --board icebreaker --dut "$d" --out "$out" >"$w/bit.out" 2>"$w/bit.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$w/bit.out")" = "$out/hil.bin" ] && [ -s "$out/hil.bin" ] &&
	head -c 200 "$out/hil.bin" | tr '\0' '\n' | grep -q "^hil board=icebreaker device=up5k-sg48 dut=t " &&
	grep -q '"dut": "t"' "$out/hil.json" && [ -z "$(pwned)" ]; then
	ok "hil bitstream of a DUT under a hostile directory, into a hostile --out: built, nothing run"
else
	bad "hil bitstream with hostile paths: exit $rc" "$w/bit.err"
fi
"$HIL" bitstream --board icebreaker --dut "$d" --out "$out" 'CLK_MHZ=$(touch PWNED)' >"$w/bit.out" 2>"$w/bit.err"
rc=$?
if [ $rc -ne 0 ] && grep -q "CLK_MHZ: '\$(touch PWNED)' is not a value it can take" "$w/bit.err" &&
	[ -z "$(pwned)" ]; then
	ok "hil bitstream with a setting that is no number: refused, nothing run"
else
	bad "hil bitstream with a bad setting: exit $rc" "$w/bit.err"
fi

# Finding the top (host/lib/build/topfind.c) when no module is named like
# the directory: the one module no other instantiates, said so; else the
# candidates and --top. It once stopped at Yosys's "Module `myfifo' not
# found!". Comments, strings and a directive naming a module count as no
# instance.
mkdir -p "$w/myfifo"
cat >"$w/myfifo/fifo.v" <<'EOF'
// module decoy: a comment
module fifo_mem(input clk, input [3:0] a, output reg [7:0] q);
  reg [7:0] m [0:15];
  initial m[3] = 8'd7;
  always @(posedge clk) q <= m[a];
endmodule
module fifo(input clk, input [3:0] a, output [7:0] q);
  /* fifo is also named in this comment */
  fifo_mem u_mem(.clk(clk), .a(a), .q(q));
  initial if (0) $display("fifo_ctl fifo");
endmodule
EOF
printf 'poke a 3\nstep 2\npeek q\n' >"$w/fifo.hil"
"$HIL" run --direct --dut "$w/myfifo" "$w/fifo.hil" >"$w/top1.out" 2>"$w/top1.err"
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$w/top1.out")" = "2 q 0x07" ] &&
	grep -q "no module is named 'myfifo' like its directory; its top is 'fifo', the one module no other instantiates (--top names another)" "$w/top1.err"; then
	ok "a directory named unlike any module: its one uninstantiated module is the top, and hil says so"
else
	bad "top finding, one candidate: exit $rc, $(cat "$w/top1.out")" "$w/top1.err"
fi
cp -r "$w/myfifo" "$w/twotops"
printf 'module spare(input clk, output reg o);\n  always @(posedge clk) o <= !o;\nendmodule\n' >"$w/twotops/spare.v"
"$HIL" ports --dut "$w/twotops" >"$w/top2.out" 2>"$w/top2.err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$w/top2.out" ] &&
	grep -q "no module 'twotops' in the DUT's sources; the modules no other instantiates are 'fifo' and 'spare': choose the top with --top" "$w/top2.err"; then
	ok "two uninstantiated modules: both named, --top suggested"
else
	bad "top finding, two candidates: exit $rc" "$w/top2.err"
fi
"$HIL" ports --dut "$w/twotops" --top fifo_ctl >"$w/top3.out" 2>"$w/top3.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "no module 'fifo_ctl' in the DUT's sources; its modules are 'fifo', 'fifo_mem' and 'spare': name one of them with --top" "$w/top3.err" &&
	"$HIL" ports --dut "$w/twotops" --top spare >"$w/top4.out" 2>&1 && grep -q "DUT spare" "$w/top4.out"; then
	ok "--top naming no module lists the modules; --top spare builds spare"
else
	bad "top finding, --top: exit $rc" "$w/top3.err"
fi

# SystemVerilog, parameters, macros and header folders
# (docs/systemverilog.md). What Yosys's SystemVerilog front end refuses is
# refused with its file:line and a pointer to what to write instead.
mkdir -p "$w/svbad"
printf 'package pk;\n  localparam int N = 4;\nendpackage\nmodule svbad import pk::*; (input logic clk, input logic [N-1:0] a, output logic [N-1:0] q);\n  always_ff @(posedge clk) q <= a;\nendmodule\n' >"$w/svbad/svbad.sv"
"$HIL" ports --dut "$w/svbad" >"$w/svbad.out" 2>"$w/svbad.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "svbad/svbad.sv:4: ERROR: syntax error" "$w/svbad.err" &&
	grep -q "docs/systemverilog.md says what it takes and what to write instead" "$w/svbad.err"; then
	ok "an import in a module's header, which Yosys 0.23 refuses: its file:line and where to read what to write instead"
else
	bad "SystemVerilog refusal: exit $rc" "$w/svbad.err"
fi
"$HIL" ports --dut examples/fifo >"$w/p8.out" 2>&1 &&
	"$HIL" ports --dut examples/fifo --param WIDTH=16 --param DEPTH=0x4 >"$w/p16.out" 2>&1
if grep -q "^DUT fifo, clock clk, signature" "$w/p8.out" && grep -q "^    2  in       8  din$" "$w/p8.out" &&
	grep -q "^DUT fifo with DEPTH=4,WIDTH=16, clock clk" "$w/p16.out" &&
	grep -q "^    2  in      16  din$" "$w/p16.out" && grep -q "^    7  out      3  count$" "$w/p16.out" &&
	[ "$(sed -n 1p "$w/p8.out" | sed 's/.*signature //')" != "$(sed -n 1p "$w/p16.out" | sed 's/.*signature //')" ]; then
	ok "--param WIDTH=16 --param DEPTH=0x4: the SystemVerilog FIFO's ports change width, and its signature with them"
else
	bad "parameters in hil ports" "$w/p16.out"
fi
# Bad parameters and macros, each refused with what to write.
pbad() { # LABEL TEXT ARGS...
	label=$1 text=$2
	shift 2
	"$HIL" ports --dut examples/fifo "$@" >"$w/pbad.out" 2>"$w/pbad.err"
	rc=$?
	if [ $rc -eq 2 ] && grep -qF -- "$text" "$w/pbad.err"; then
		ok "$label refused: $(head -n 1 "$w/pbad.err" | cut -c1-110)"
	else
		bad "$label: exit $rc" "$w/pbad.err"
	fi
}
pbad "a negative parameter" "parameter 'WIDTH=-3': the value must be an integer from 0 to 2147483647" --param WIDTH=-3
pbad "a string parameter" "parameter 'NAME=\"x\"': the value must be an integer" --param 'NAME="x"'
pbad "a parameter without a value" "parameter 'WIDTH': write NAME=VALUE" --param WIDTH
pbad "two parameters in one --param" "--param: one NAME=VALUE each time, without ','" --param WIDTH=1,DEPTH=2
pbad "a parameter given twice" "parameter WIDTH is given twice" --param WIDTH=1 --param WIDTH=2
pbad "a parameter the top does not have" "the top module 'fifo' has no parameter 'NOPE' (--param sets the top module's own parameters)" --param NOPE=1
pbad "a macro value with a shell's ';'" "macro 'X=1;rm': its value may hold letters, digits" -D 'X=1;rm'
# Macros and header folders reach every tool: the trace changes with them,
# the same on the simulator and the netlist.
mkdir -p "$w/inc" "$w/defd"
printf '`define W 12\n' >"$w/inc/widths.vh"
printf '`include "widths.vh"\nmodule defd(input clk, input [`W-1:0] a, output reg [`W-1:0] q);\n`ifdef DOUBLE\n  always @(posedge clk) q <= a + a + `BIAS;\n`else\n  always @(posedge clk) q <= a + `BIAS;\n`endif\nendmodule\n' >"$w/defd/defd.v"
printf 'poke a 0x100\nstep 1\npeek q\n' >"$w/defd.hil"
"$HIL" run --direct --dut "$w/defd" -I "$w/inc" -D BIAS=3 "$w/defd.hil" >"$w/d1.out" 2>"$w/d1.err"
"$HIL" run --direct --dut "$w/defd" --include "$w/inc" --define "BIAS=8'h10" -D DOUBLE "$w/defd.hil" >"$w/d2.out" 2>>"$w/d1.err"
"$HIL" run --direct --target "netlist:icebreaker:$w/defd" -I "$w/inc" -D "BIAS=8'h10" -D DOUBLE "$w/defd.hil" >"$w/d3.out" 2>>"$w/d1.err"
"$HIL" ports --dut "$w/defd" -D BIAS=3 >"$w/d4.out" 2>"$w/d4.err"
if [ "$(cat "$w/d1.out")" = "1 q 0x103" ] && [ "$(cat "$w/d2.out")" = "1 q 0x210" ] && cmp -s "$w/d2.out" "$w/d3.out" &&
	grep -q "Can't open include file \`widths.vh'" "$w/d4.err"; then
	ok "-I DIR and -D NAME[=VALUE] reach Yosys and Verilator (sim and netlist agree); without -I the header is missing"
else
	bad "macros and header folders: $(cat "$w/d1.out" "$w/d2.out" "$w/d3.out")" "$w/d1.err"
fi
# A run asking for one set of values refuses a target built with another,
# naming the values.
p16=$("$HIL" ports --dut examples/fifo --param WIDTH=16 --param DEPTH=4 --where)/ports.json
"$HIL" run --direct --dut examples/fifo --ports "$p16" examples/fifo/test.hil >"$w/mis.out" 2>"$w/mis.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "the target runs DUT 'fifo' (built in .*describes DUT 'fifo' with DEPTH=4,WIDTH=16 (signature" "$w/mis.err"; then
	ok "a target built without the parameters is refused by a run that asks for them, by name"
else
	bad "parameter mismatch: exit $rc" "$w/mis.err"
fi
# The bitstream of a FIFO built with other values says so in its comment
# and hil.json.
"$HIL" bitstream --board icebreaker --dut examples/fifo --param WIDTH=16 --param DEPTH=4 \
	--out "$w/bs16" >"$w/bs16.out" 2>"$w/bs16.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '"params": "DEPTH=4,WIDTH=16"' "$w/bs16/hil.json" &&
	head -c 400 "$w/bs16/hil.bin" | grep -aq "dut=fifo params=DEPTH=4,WIDTH=16 signature=f6e287760b843b33"; then
	ok "hil bitstream --param: the bitstream's comment and hil.json name the values"
else
	bad "bitstream with parameters: exit $rc" "$w/bs16.err"
fi

# An example copied out of the checkout, run from elsewhere with the
# default cache: its models in ~/.cache/hil, nothing new in the checkout.
# build/ is left out of the look: other suites run beside this one
# (tests/run.sh) and write there; that the models went to the home's cache
# is checked by name.
unset HIL_CACHE
mkdir -p "$w/home" "$w/away/x" "$w/cwd"
cp -r examples/counter "$w/away/x/"
touch "$w/marker"
sleep 1
(cd "$w/cwd" && HOME="$w/home" XDG_CACHE_HOME= "$HIL" run --direct --dut ../away/x/counter ../away/x/counter/test.hil) >"$w/away.out" 2>"$w/away.err"
rc=$?
HIL_CACHE="$w/cache" "$HIL" run --direct --dut examples/counter examples/counter/test.hil >"$w/here.out" 2>/dev/null
new=$(find "$root" -newer "$w/marker" -not -path "$root/build/*" -not -path "$root/build" \
	-not -path "$root/.git*" | head -n 3)
if [ $rc -eq 0 ] && cmp -s "$w/away.out" "$w/here.out" && ls -d "$w"/home/.cache/hil/counter-*/sim-* >/dev/null 2>&1 &&
	[ -z "$new" ]; then
	ok "a copy of counter run from another directory builds into ~/.cache/hil, nothing written into the checkout"
else
	bad "out-of-tree copy: exit $rc, new files in the checkout: $new" "$w/away.err"
fi

summary
