#!/usr/bin/env python3
"""Writes the Icarus testbench that checks one DUT against its hil_ce output.

Usage: gen_tb.py DUT_CE_JSON TOP CYCLES SEED > tb.v

The testbench instantiates the original DUT (module TOP) and the transformed
one (module TOP_ce, dut_ce.v renamed). The original gets a clock that only
pulses on cycles where a pseudo-random `adv` is 1, i.e. what hil_advance is
meant to emulate; the transformed one gets a free-running clock and
hil_advance = adv. Both get the same random inputs and every output is
compared twice a cycle, before the edge (combinational paths) and after it
(state). Outputs must also never be x or z: every test DUT starts from a
defined state, so an x would mean the comparison is not testing anything.

1-bit inputs named rst*, arst*, srst*, set*, clr*, ld* (active-low when the
name ends in _n) are "rare": on a quarter of the cycles one of them, never
two, is asserted, so that resets and loads do not hold the DUT still. Never
two, because the Verilog models of asynchronous set/reset/load only act on
edges: released from a reset while a set is still held, the original DUT
stays reset until its next (gated) clock edge, the transformed one sets on
its next free-running edge, and the chip sets at once. Inputs start inactive
and first change at 1 ns, so no model sees a spurious edge at time 0.

Also checks what the pass promises in the JSON: the attribute hil_clock names
a 1-bit input, and hil_advance is a 1-bit input.
"""
import json
import sys

RARE = ("rst", "arst", "srst", "set", "clr", "ld")


def fail(msg):
    sys.stderr.write("gen_tb: %s\n" % msg)
    sys.exit(1)


def main():
    path, top, cycles, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(path) as f:
        mod = json.load(f)["modules"].get(top)
    if mod is None:
        fail("%s has no module %s" % (path, top))
    ports = mod["ports"]
    clock = mod.get("attributes", {}).get("hil_clock")
    if clock is None:
        fail("module %s has no hil_clock attribute" % top)
    for name in (clock, "hil_advance"):
        p = ports.get(name)
        if p is None or p["direction"] != "input" or len(p["bits"]) != 1:
            fail("%s is not a 1-bit input of %s" % (name, top))

    inputs = [(n, len(p["bits"])) for n, p in ports.items()
              if p["direction"] == "input" and n not in (clock, "hil_advance")]
    rare = [n for n, w in inputs if w == 1 and n.lower().startswith(RARE)]
    active_low = set(n for n in rare if n.lower().endswith("_n"))
    outputs = [(n, len(p["bits"])) for n, p in ports.items() if p["direction"] == "output"]
    if not outputs:
        fail("%s has no outputs to compare" % top)

    o = []
    o.append("`timescale 1ns/1ns")
    o.append("module tb;")
    o.append("    reg clk = 0, adv = 0;")
    o.append("    integer seed = %d, cycle = 0, errors = 0, advances = 0, pick;" % seed)
    for n, w in inputs:
        o.append("    reg [%d:0] i_%s = %d;" % (w - 1, n, n in active_low))
    for n, w in outputs:
        o.append("    wire [%d:0] r_%s, c_%s;" % (w - 1, n, n))
    o.append("    // adv only changes while clk is low, so this gate does not glitch.")
    o.append("    wire gclk = clk & adv;")
    conns = ["        .%s(i_%s)" % (n, n) for n, _ in inputs]
    o.append("    %s ref (" % top)
    o.append(",\n".join(["        .%s(gclk)" % clock] + conns +
                        ["        .%s(r_%s)" % (n, n) for n, _ in outputs]))
    o.append("    );")
    o.append("    %s_ce ce (" % top)
    o.append(",\n".join(["        .%s(clk)" % clock, "        .hil_advance(adv)"] + conns +
                        ["        .%s(c_%s)" % (n, n) for n, _ in outputs]))
    o.append("    );")
    o.append("    task check(input [8*12-1:0] when);")
    o.append("    begin")
    for n, _ in outputs:
        o.append("        if (r_%s !== c_%s || ^r_%s === 1'bx) begin" % (n, n, n))
        o.append('            if (errors < 10) $display("MISMATCH cycle %%0d %%0s %s: original %%h, hil_ce %%h",'
                 " cycle, when, r_%s, c_%s);" % (n, n, n))
        o.append("            errors = errors + 1;")
        o.append("        end")
    o.append("    end")
    o.append("    endtask")
    o.append("    initial begin")
    o.append("        #1;")
    o.append("        for (cycle = 0; cycle < %d; cycle = cycle + 1) begin" % cycles)
    o.append("            adv = $random(seed);")
    o.append("            advances = advances + adv;")
    o.append("            pick = {$random(seed)} %% %d;" % (4 * max(len(rare), 1)))
    for n, w in inputs:
        if n in rare:
            inv = "!" if n in active_low else ""
            o.append("            i_%s = %s(pick == %d);" % (n, inv, rare.index(n)))
        else:
            words = ", ".join(["$random(seed)"] * ((w + 31) // 32))
            o.append("            i_%s = {%s};" % (n, words))
    o.append('            #4 check("before edge");')
    o.append("            #1 clk = 1;")
    o.append('            #4 check("after edge");')
    o.append("            #1 clk = 0;")
    o.append("        end")
    o.append("        if (advances < %d / 4 || advances > %d * 3 / 4) begin" % (cycles, cycles))
    o.append('            $display("MISMATCH: adv was 1 on %%0d of %d cycles", advances);' % cycles)
    o.append("            errors = errors + 1;")
    o.append("        end")
    o.append('        if (errors == 0) $display("PASS %0d cycles, %0d advancing", cycle, advances);')
    o.append('        else $display("FAIL %0d mismatches", errors);')
    o.append("        $finish;")
    o.append("    end")
    o.append("endmodule")
    print("\n".join(o))


main()
