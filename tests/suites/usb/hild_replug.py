"""hild marks an idle board offline when it is unplugged and free again
when it is back (issue 18), a state event each time, and the board then
runs a session as before. hild runs under the emulated FT2232H board
(its libusb sees the emulated chip), which leaves the bus AWAY_MS after
the start and comes back BACK_MS later, booting the DUT from its flash.

    hild_replug.py HILD HIL EMU BITSTREAM MODEL DUT SIM_TRACE WORKDIR
"""
import json
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.getcwd(), "tests", "suites", "hild"))
from hildproto import Client, check, summary  # noqa: E402

HILD, HIL, EMU, BIN, MODEL, DUT, SIM, W = sys.argv[1:9]
AWAY_MS, BACK_MS = 3000, 3000


def children(pid):
    kids = []
    for p in os.listdir("/proc"):
        try:
            with open("/proc/%s/stat" % p) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(p))
        except (OSError, ValueError, IndexError):
            pass
    return kids


def unreadable():
    """A board hild may not open (no udev rule for its user) still shows on
    USB, its serial unknown: hild once took it for unplugged."""
    own = os.path.join(W, "deny")
    os.makedirs(own, exist_ok=True)
    os.chown(own, 65534, 65534)
    sock = os.path.join(own, "h.sock")
    cfg = os.path.join(own, "boards.json")
    with open(cfg, "w") as f:
        json.dump({"boards": [{"name": "ice-0", "type": "icebreaker",
                               "uri": "ftdi:icebreaker@HIL00001:" + os.path.abspath(DUT)}]}, f)
    emu = subprocess.Popen([EMU, "--deny-user", "--flash-in", BIN, "--uart-model", MODEL, "--",
                            HILD, "--socket", sock, "--state", os.path.join(own, "state"),
                            "--config", cfg, "--foreground"],
                           stderr=open(os.path.join(own, "hild.log"), "w"))
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    time.sleep(3)
    c = Client(sock)
    state = [b["state"] for b in c.ok("boards")["boards"] if b["name"] == "ice-0"]
    c.close()
    check(state == ["free"], "a board hild's user may not open is not taken for unplugged "
          "(state %s)" % state)
    for k in children(emu.pid):
        os.kill(k, signal.SIGTERM)
    emu.wait(60)


def main():
    sock = os.path.join(W, "replug-hild.sock")
    cfg = os.path.join(W, "replug-boards.json")
    with open(cfg, "w") as f:
        json.dump({"boards": [{"name": "ice-0", "type": "icebreaker",
                               "uri": "ftdi:icebreaker@HIL00001:" + os.path.abspath(DUT)}]}, f)
    emu = subprocess.Popen([EMU, "--flash-in", BIN, "--uart-model", MODEL, "--fault",
                            "away=%d:%d" % (AWAY_MS, BACK_MS), "--", HILD, "--socket", sock,
                            "--state", os.path.join(W, "replug-state"), "--config", cfg,
                            "--foreground"], stderr=open(os.path.join(W, "replug-hild.log"), "w"))
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    c = Client(sock)
    c.ok("subscribe", topic="board/ice-0/state")
    t0 = time.monotonic()
    states, why = [], ""
    c.s.settimeout(1)
    while time.monotonic() - t0 < (AWAY_MS + BACK_MS) / 1000 + 8 and states[-1:] != ["free"]:
        try:
            c.ok("ping")
        except OSError:
            pass
        for e in c.events:
            states.append(e["event"]["state"])
            if e["event"]["state"] == "offline":
                why = e["event"].get("why", "")
        c.events = []
        time.sleep(0.2)
    check(states[:2] == ["offline", "free"] and "not plugged in" in why,
          "an idle board unplugged and plugged in again: hild's events say offline (%s), "
          "then free (%s)" % (why, states))
    env = dict(os.environ, HIL_HILD=sock)
    r = subprocess.run([HIL, "run", "--target", "hild:ice-0", os.path.join(DUT, "test.hil")],
                       capture_output=True, text=True, env=env, timeout=120)
    with open(SIM) as f:
        ref = f.read()
    check(r.returncode == 0 and r.stdout == ref,
          "then a session on it runs to the simulator's trace (%s)" % r.stderr.strip()[-200:])
    c.close()
    for k in children(emu.pid):
        os.kill(k, signal.SIGTERM)
    check(emu.wait(60) == 0, "hild stops cleanly")
    unreadable()
    summary()


main()
