#!/bin/sh
# LUTs (nextpnr's logic cells), flip-flops and block RAMs used, and the
# clock reached, of one board build:
#   sh mk/resources.sh REPORT.json [NEXTPNR.log]   a build that placed and routed
#   sh mk/resources.sh --log NEXTPNR.log           a build nextpnr gave up on
# LUTs, block RAMs and the clock come from nextpnr's JSON report (or, with
# --log, from the log's "Device utilisation" table and timing lines).
# Flip-flops are not in the report: they come from the log's packing lines
# ("LCs used as LUT4 and DFF" + "LCs used as DFF only"), which count every
# SB_DFF* cell of the netlist as nextpnr packed it; each logic cell holds
# one flip-flop, so the device has as many as it has logic cells. The log
# is the one beside the report unless named.
python3 - "$@" <<'PY'
import json, os, re, sys

args = sys.argv[1:]
if args[:1] == ["--log"]:
    report, log = None, args[1]
else:
    report = args[0]
    log = args[1] if len(args) > 1 else os.path.join(os.path.dirname(report), "nextpnr.log")

text = open(log).read() if os.path.exists(log) else ""
util, clocks = {}, []
if report:
    r = json.load(open(report))
    util = {k: (v["used"], v["available"]) for k, v in r["utilization"].items()}
    clocks = [(c, f["achieved"], f["constraint"]) for c, f in r.get("fmax", {}).items()]
else:
    for k, used, avail in re.findall(r"^Info:\s*([A-Z_0-9]+):\s*(\d+)/\s*(\d+)", text, re.M):
        util[k] = (int(used), int(avail))
    # The last line for each clock is the final (routed) figure.
    for c, got, want in re.findall(
            r"Max frequency for clock '([^']*)': ([0-9.]+) MHz \((?:PASS|FAIL) at ([0-9.]+) MHz\)", text):
        clocks = [x for x in clocks if x[0] != c] + [(c, float(got), float(want))]

ffs = None
packed = re.findall(r"^Info:\s+(\d+) LCs used as (?:LUT4 and DFF|DFF only)$", text, re.M)
if packed:
    ffs = sum(int(n) for n in packed)

def line(name, key):
    if key in util:
        print("%-11s %6d of %6d" % (name, util[key][0], util[key][1]))

line("LUTs", "ICESTORM_LC")
if ffs is not None:
    lcs = util.get("ICESTORM_LC", (0, 0))[1]
    print("%-11s %6d of %6d" % ("flip-flops", ffs, lcs))
line("block RAMs", "ICESTORM_RAM")
for c, got, want in clocks:
    print("clock %s: %.1f MHz achieved, %.1f MHz required" % (c, got, want))
PY
