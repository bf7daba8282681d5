#!/bin/sh
# LUTs, flip-flops and block RAMs used, from nextpnr's JSON report.
python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
u = r["utilization"]
for name, key in (("LUTs", "ICESTORM_LC"), ("block RAMs", "ICESTORM_RAM")):
    if key in u:
        print("%-11s %6d of %6d" % (name, u[key]["used"], u[key]["available"]))
for clk, f in r.get("fmax", {}).items():
    print("clock %s: %.1f MHz achieved, %.1f MHz required" % (clk, f["achieved"], f["constraint"]))
PY
