#!/bin/sh
# The gateware modules' own testbenches (gateware/tb/tb_NAME.v), each run
# on its module as it is and then on every mutation listed in
# tests/suites/gateware/mutations/NAME.txt, each of which it must catch
# (tests/suites/gateware/mutate.py). A module testbench that passes on a
# broken module proves nothing; this is how we know ours would not.
cd "$(dirname "$0")/../../.." || exit 2
. tests/lib.sh
w=build/mutants
mkdir -p $w
# The sequencer's testbench runs a program, assembled here; the compact
# bridge's is the bridge vectors around tests/fixtures/vectors/vcounter
# (and a frame past its limit), whose generated top and frames are put
# here.
python3 gateware/seq/seqasm.py gateware/tb/tb_seq.s $w/tb_seq_rom.v --module tb_seq_rom ||
	bad "assembling gateware/tb/tb_seq.s"
vc=$("${HIL:-build/asan/bin/hil}" ports --dut tests/fixtures/vectors/vcounter --where) &&
	mkdir -p $w/vcounter && cp "$vc/hil_top.v" "$vc/dut_ce.v" "$vc/ports.json" $w/vcounter/ &&
	python3 tests/suites/gateware/vectors.py input tests/fixtures/vectors/bridge.vec \
		$w/vcounter/in.memh &&
	python3 tests/suites/gateware/vectors.py fill tests/fixtures/vectors/bridge.vec 1 \
		$w/vcounter/over.vec &&
	python3 tests/suites/gateware/vectors.py input $w/vcounter/over.vec $w/vcounter/over.memh ||
	bad "building tests/fixtures/vectors/vcounter for the vectors"
for m in tests/suites/gateware/mutations/*.txt; do
	n=$(basename "$m" .txt)
	python3 tests/suites/gateware/mutate.py "$m" $w/$n >$w/$n.log 2>&1
	sed '$d' $w/$n.log
	tally $w/$n.log
done
summary
