"""Signals inside the DUT through hild (issue 20): an open of a sim with
"internals" reads them with {"op": "peek", "signal": PATH}, a session
without it or a board refuses them with what to do, and `hil run` through
hild and a job print the direct run's trace for a script that peeks
inside. Starts
its own hild.

    internals.py HILD HIL WORKDIR
"""
import os
import subprocess
import sys

from hildproto import Client, Hild, check, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
HIER = os.path.join(os.getcwd(), "tests/fixtures/duts/hier")
SCRIPT = os.path.join(HIER, "test.hil")


def message(reply):
    return reply.get("error", {}).get("message", "")


def main():
    d = Hild("internals", config=[{"name": "bench-0", "type": "hier",
                                   "uri": "sim:" + HIER}])
    c = Client(d.sock)
    c.ok("open", sim=HIER, internals=True)
    c.ok("poke", port="rst", value="1")
    c.ok("step", n=1)
    c.ok("poke", port="rst", value="0")
    c.ok("poke", port="d", value="5")
    c.ok("step", n=1)
    s = c.ok("peek", signal="u_acc.sum")
    n = c.ok("peek", signal="u_acc.next")
    w = c.ok("peek", signal="wide")
    check(s.get("value") == "0x05" and s.get("width") == 8 and s.get("cycle") == 2 and
          n.get("value") == "0x0a" and w.get("width") == 100,
          "a sim opened with internals reads u_acc.sum, u_acc.next and the 100-bit wide "
          "(%s, %s, %s)" % (s, n, w.get("width")))
    bad = c.call("peek", signal="u_acc.nosuch")
    check("has no signal 'nosuch'" in message(bad) and "sum" in message(bad),
          "a wrong path is refused with what the scope holds (%s)" % message(bad)[:120])
    c.ok("close")
    c.ok("open", sim=HIER)
    plain = c.call("peek", signal="u_acc.sum")
    check("internals" in message(plain),
          "a sim opened without internals says to open it with them (%s)" % message(plain))
    c.ok("close")
    board = c.call("open", board="bench-0", internals=True)
    check("simulation only" in message(board),
          "internals with a board are refused (%s)" % message(board))
    notbool = c.call("open", sim=HIER, internals="yes")
    check("true or false" in message(notbool),
          "internals that is not a boolean is refused (%s)" % message(notbool))
    direct = subprocess.run([HIL, "run", "--direct", "--dut", HIER, SCRIPT],
                            capture_output=True, text=True, timeout=300)
    via = subprocess.run([HIL, "run", "--dut", HIER, SCRIPT], capture_output=True,
                         text=True, timeout=300, env=dict(os.environ, HIL_HILD=d.sock))
    check(direct.returncode == 0 and via.returncode == 0 and via.stdout == direct.stdout and
          "u_acc.sum" in via.stdout and "through hild" in via.stderr,
          "hil run through hild peeks inside the DUT with the direct run's trace (%s)"
          % via.stderr.strip()[-200:])
    with open(SCRIPT) as f:
        j = c.ok("submit", script=f.read(), dut=HIER, sim=True)["job"]
    res = c.ok("job_wait", job=j)
    with open(os.path.join(d.state, "jobs", str(j), "trace.txt")) as f:
        trace = f.read()
    check(res["status"] == "pass" and trace == direct.stdout,
          "a job whose script peeks inside the DUT passes with the direct run's trace (%s)"
          % res["status"])
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


main()
summary()
