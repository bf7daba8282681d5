#!/bin/sh
# make bench: measurements, never pass/fail. Runs the parts below, each of
# which writes a section into build/bench/, then prints one document and
# writes it to docs/benchmarks.md with the machine and the date. Each
# figure is the median of RUNS runs (default 5), with min and max.
#   mk/bench_sim.sh     DUT cycles per second against the Verilator ceiling,
#                       and the round trip of a peek, direct and via hild
#   mk/bench_fanout.sh  events per second from hild to 1, 10, 100 subscribers
#   mk/bench_python.sh  the Python client: lock-step, astep, streaming, on_step
#   mk/bench_cocotb.sh  a lock-step loop on examples/alu: cocotb 1.9.2 on
#                       Verilator against hil's Python client through hild
#   mk/bench_link.sh    bytes per poke, report and step on the UART link
#   mk/bench_usb.sh     the usb link of FX2 boards, on the emulated FX2
#   mk/resources.mk     the bridge's size and Fmax on every board
#   mk/bench_flash.sh   hil flash against openFPGALoader
cd "$(dirname "$0")/.." || exit 2
. mk/bench_common.sh
start=$(date +%s)
for part in sim fanout python cocotb link usb flash; do
	echo "bench: $part" >&2
	sh mk/bench_$part.sh || { echo "bench: mk/bench_$part.sh failed" >&2; exit 1; }
done
echo "bench: resources" >&2
make -s -f mk/resources.mk >$b/resources.out 2>&1 || { cat $b/resources.out >&2; exit 1; }

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` on $(date -u +%Y-%m-%d) (commit"
	echo "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)), $(nproc) cores, $cpu;"
	echo "the whole run took $((($(date +%s) - start) / 60)) minutes. Each figure: median of"
	echo "$RUNS runs (min-max) unless a section says otherwise. Every figure comes"
	echo "from simulation or emulation on this machine: no board was attached."
	echo
	cat $b/sim.md $b/fanout.md $b/python.md $b/cocotb.md $b/link.md $b/usb.md
	echo
	echo "## Bridge size and speed"
	echo
	echo "The bridge and its PHY around the minimal DUT, as \`make resources\`"
	echo "reports them, placed and routed from the current sources (it rebuilds"
	echo "what changed; one run, nextpnr being deterministic for its seed);"
	echo "docs/resources.md says what each column counts: the compact bridge on"
	echo "the UART boards, the byte-a-clock one on the FX2 board."
	echo
	sed -n '/^| board/,/^$/p' docs/resources.md
	cat $b/flash.md
} >docs/benchmarks.md
cat docs/benchmarks.md
