"""Parameters through hild (issue 20): an open of a sim and a job take
"params", each set of values is a DUT of its own (ports, signature), the
trace equals that of a direct `hil run --param`, and bad values are refused
with what to write. Starts its own hild.

    params.py HILD HIL WORKDIR
"""
import os
import subprocess
import sys

from hildproto import Client, Hild, check, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
FIFO = os.path.join(os.getcwd(), "examples/fifo")
SCRIPT = os.path.join(FIFO, "test16.hil")
WANT = ["--param", "WIDTH=16", "--param", "DEPTH=4"]


def main():
    d = Hild("params", config=[{"name": "bench-0", "type": "fifo",
                                "uri": "sim:" + FIFO}])
    c = Client(d.sock)
    r = c.ok("open", sim=FIFO, params="WIDTH=16,DEPTH=0x4")
    widths = {p["name"]: p["width"] for p in r["ports"]}
    c.ok("close")
    plain = c.ok("open", sim=FIFO)
    c.ok("close")
    check(r.get("params") == "DEPTH=4,WIDTH=16" and widths["din"] == 16 and
          widths["count"] == 3 and r["signature"] != plain["signature"] and
          "params" not in plain,
          "open of a sim with params: the ports and signature of that DUT (%s, %s)"
          % (r.get("params"), r["signature"]))
    bad = c.call("open", sim=FIFO, params="WIDTH=-1")
    check("must be an integer from 0 to" in bad.get("error", {}).get("message", ""),
          "a bad value is refused with what to write (%s)" % bad.get("error"))
    board = c.call("open", board="bench-0", params="WIDTH=16")
    check("go with \"sim\"" in board.get("error", {}).get("message", ""),
          "params with a board are refused: a board runs the DUT it was built with (%s)"
          % board.get("error", {}).get("message"))
    with open(SCRIPT) as f:
        text = f.read()
    j = c.ok("submit", script=text, dut=FIFO, sim=True, params="WIDTH=16,DEPTH=4")["job"]
    res = c.ok("job_wait", job=j)
    direct = subprocess.run([HIL, "run", "--direct", "--dut", FIFO] + WANT + [SCRIPT],
                            capture_output=True, text=True, timeout=300)
    with open(os.path.join(d.state, "jobs", str(j), "trace.txt")) as f:
        trace = f.read()
    check(res["status"] == "pass" and direct.returncode == 0 and trace == direct.stdout and
          trace.count("\n") > 3,
          "a job with params passes with the trace of hil run --param (%d lines)"
          % trace.count("\n"))
    refused = c.call("submit", script=text, dut=FIFO, sim=True, params="W=1,W=2")
    check("given twice" in refused.get("error", {}).get("message", ""),
          "a job's bad params are refused at submit (%s)" % refused.get("error"))
    via = subprocess.run([HIL, "run", "--dut", FIFO] + WANT + [SCRIPT], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, HIL_HILD=d.sock))
    check(via.returncode == 0 and via.stdout == direct.stdout and "through hild" in via.stderr,
          "hil run --param through hild: the direct run's trace (%s)" % via.stderr.strip())
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


main()
summary()
