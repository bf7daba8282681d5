#!/bin/sh
# Tests our Yosys pass hil_ce (gateware/yosys/hil_ce.cc) through the flow of
# the DUT build (host/lib/build/dut.c). For each DUT in
# tests/fixtures/yosys/duts: the pass logs the expected counts (expect.txt),
# Icarus finds the transformed DUT cycle-equivalent to the original one run
# on a clock that only ticks when hil_advance would be 1 (gen_tb.py), and
# Verilator lints the transformed DUT without errors. For each DUT in
# tests/fixtures/yosys/bad: Yosys fails with every line of expect.txt in its
# messages.
#
# Every test DUT starts from a defined state (initial values on every register
# and memory, as the iCE40 starts at 0 or at the init file), so the comparison
# is meaningful from the first cycle; the testbench fails on any x output.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
PLUGIN=build/lib/hil_ce.so
w=build/yosys-tests
sim=$(yosys-config --datdir)
CYCLES=4000
# DUTs that instantiate Yosys cells need read_verilog -icells; the others go
# through the script of the DUT build.
ICELLS=" cells mem_cells asyncwrite "

# flow DIR TOP OUT: the DUT build's Yosys script, messages in OUT/yosys.out.
flow() {
	read=read_verilog
	case "$ICELLS" in *" $2 "*) read="read_verilog -icells" ;; esac
	rm -rf "$3" && mkdir -p "$3"
	yosys -q -m $PLUGIN -l "$3/yosys.log" -p "$read $1/*.v; hierarchy -check -top $2; proc; flatten; opt_clean; memory -nomap; opt_clean; hil_ce; opt_clean; write_verilog -noattr $3/dut_ce.v; write_json $3/dut_ce.json" \
		>"$3/yosys.out" 2>&1
}

mkdir -p $w
if ! make -s -f mk/plugin.mk OUT=build >$w/plugin.log 2>&1; then
	bad "build $PLUGIN" $w/plugin.log
	summary
	exit
fi

for d in tests/fixtures/yosys/duts/*/; do
	d=${d%/}
	t=$(basename "$d")
	o=$w/$t
	if ! flow "$d" "$t" "$o"; then
		bad "$t: hil_ce flow failed" "$o/yosys.out"
		continue
	fi
	want=$(cat "$d/expect.txt")
	if grep -qF -- "$want" "$o/yosys.log"; then
		ok "$t: $want"
	else
		bad "$t: log lacks '$want'" "$o/yosys.log"
	fi

	sed "s/^module $t(/module ${t}_ce(/" "$o/dut_ce.v" >"$o/ce.v"
	if ! python3 tests/suites/yosys/gen_tb.py "$o/dut_ce.json" "$t" $CYCLES 1 >"$o/tb.v" 2>"$o/tb.err"; then
		bad "$t: no testbench" "$o/tb.err"
	elif ! iverilog -o "$o/sim" -l "$sim/simlib.v" -l "$sim/simcells.v" \
		"$o/tb.v" "$o/ce.v" "$d"/*.v >"$o/iverilog.log" 2>&1; then
		bad "$t: iverilog failed" "$o/iverilog.log"
	else
		# From the DUT's directory, where its $readmemh files are.
		(cd "$d" && vvp -n "$OLDPWD/$o/sim") >"$o/sim.log" 2>&1
		if grep -q '^PASS' "$o/sim.log" && ! grep -q 'MISMATCH' "$o/sim.log"; then
			ok "$t: equivalent, $(grep '^PASS' "$o/sim.log" | cut -c6-)"
		else
			bad "$t: not equivalent" "$o/sim.log"
		fi
	fi

	if verilator --lint-only -Wno-fatal --top-module "$t" "$o/dut_ce.v" >"$o/lint.log" 2>&1; then
		ok "$t: verilator lint"
	else
		bad "$t: verilator lint failed" "$o/lint.log"
	fi
done

for d in tests/fixtures/yosys/bad/*/; do
	d=${d%/}
	t=$(basename "$d")
	o=$w/bad/$t
	if flow "$d" "$t" "$o"; then
		bad "bad/$t: hil_ce accepted it"
		continue
	fi
	missing=""
	while IFS= read -r line; do
		grep -qF -- "$line" "$o/yosys.out" || missing="$missing '$line'"
	done <"$d/expect.txt"
	if [ -z "$missing" ]; then
		ok "bad/$t: $(grep -m1 'ERROR' "$o/yosys.out" | cut -c1-100)"
	else
		bad "bad/$t: error lacks$missing" "$o/yosys.out"
	fi
done

summary
