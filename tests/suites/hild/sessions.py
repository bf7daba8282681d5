"""hild's sessions, queue, topics, limits, TCP and jobs, checked from
outside as clients see them (issue 5's tests). Starts its own hilds.

    sessions.py HILD HIL WORKDIR
"""
import json
import re
import os
import signal
import subprocess
import sys
import threading
import time

from hildproto import (Client, Hild, at_once, check, closed, connect, counter_expected,
                       counter_ops, drain, frame, recv_msg, summary)

HILD, HIL, W = sys.argv[1], sys.argv[2], sys.argv[3]
Hild.binary, Hild.workdir = HILD, W
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")
ALU = os.path.join(ROOT, "examples/alu")


def boards(path):
    c = Client(path)
    b = c.ok("boards")
    c.close()
    return {x["name"]: x for x in b["boards"]}


def many_clients():
    d = Hild("many", "--max-sims", "4", "--max-unix", "256")
    n = 200

    def one(k):
        c = Client(d.sock, timeout=600)
        o = c.ok("open", sim=COUNTER)
        got = counter_ops(c, 5 + k % 11)
        c.ok("close")
        c.close()
        if o["now"] != 0 or o["top"] != "counter":
            return (k, "open", o)
        return None if got == counter_expected(5 + k % 11) else (k, got)

    bad = at_once(n, one)
    check(not bad, "%d clients at once, each its own sim session (4 at a time, the "
          "rest queued): every trace right %s" % (n, bad[:2]))
    log = d.logtext()
    check(log.count("leased to client") == n, "every client got a session (%d leases)"
          % log.count("leased to client"))
    check(d.stop() == 0, "hild stops cleanly after 200 sessions")


def fair_queue(d):
    hold = Client(d.sock)
    hold.ok("open", board="bench-0")
    order, waiters, errs = [], [], []
    n = 8
    for i in range(n):
        c = Client(d.sock)
        # Half ask for the board by name, half for any board of its type.
        arg = {"board": "bench-0"} if i % 2 == 0 else {"type": "counter"}
        rid = c.send("open", **arg)
        waiters.append((c, rid))
        for _ in range(200):
            if boards(d.sock)["bench-0"]["queued"] == i + 1:
                break
            time.sleep(0.02)

    def take(i, c, rid):
        try:
            r = c.reply(rid)
            if "ok" not in r:
                errs.append((i, r))
                return
            order.append(i)
            c.ok("step", n=3)
            c.ok("close")
        except Exception as e:  # noqa: BLE001
            errs.append((i, repr(e)))

    ts = [threading.Thread(target=take, args=(i, c, rid)) for i, (c, rid) in
          enumerate(waiters)]
    for t in ts:
        t.start()
    hold.ok("close")
    for t in ts:
        t.join()
    check(order == list(range(n)) and not errs,
          "fair queueing: %d clients asking for one board (by name and by type, "
          "mixed) got it in arrival order %s %s" % (n, order, errs[:2]))
    hold.close()
    for c, _ in waiters:
        c.close()


def killed_client(d):
    script = ("import sys; sys.path.insert(0, %r)\n"
              "from hildproto import Client\n"
              "c = Client(%r)\n"
              "c.ok('open', board='bench-0')\n"
              "c.send('run', until=500000000)\n"
              "print('running', flush=True)\n"
              "import time; time.sleep(600)\n") % (os.path.join(ROOT, "tests/suites/hild"), d.sock)
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    p.stdout.readline()
    nxt = Client(d.sock)
    rid = nxt.send("open", board="bench-0")
    time.sleep(0.5)
    t0 = time.monotonic()
    p.kill()
    p.wait()
    r = nxt.reply(rid)
    dt = time.monotonic() - t0
    check("ok" in r and dt < 10, "a client killed mid-run: its lease went to the next "
          "client %.1f s later (bound 10 s)" % dt)
    if "ok" in r:
        check(r["ok"]["now"] == 0 and counter_ops(nxt, 12) == counter_expected(12),
              "the next client's run starts from a clean board and is right")
    nxt.close()


def monitor(d):
    m = Client(d.sock)
    m.ok("monitor", board="bench-0")
    a = Client(d.sock)
    a.ok("open", board="bench-0")
    a.ok("watch", port="wrap")
    counter_ops(a, 30)
    a.ok("wait", port="count", cmp="==", value="0x40", timeout=1000)
    a.ok("step", n=300)
    a.ok("unwatch", port="count")
    a.ok("sync")
    own = [(e["topic"], e["event"]) for e in a.events]
    a.ok("close")
    time.sleep(0.3)
    m.events += drain(m, 0.5)
    seen = [(e["topic"], e["event"]) for e in m.events]
    start = next(i for i, e in enumerate(seen) if e[0].endswith("/session")
                 and e[1]["state"] == "open")
    seen = seen[start:start + len(own)]
    kinds = sorted({t.rsplit("/", 1)[1] for t, _ in own})
    check(len(own) > 250 and seen == own, "a monitor sees exactly the %d events the "
          "owner sees (%s)" % (len(own), ",".join(kinds)))
    m.close()
    a.close()


def offline(d):
    a = Client(d.sock)
    a.ok("open", board="bench-1")
    a.ok("step", n=5)
    # The worker is hild's child running bench-1's URI, the only ce: one;
    # its child is the board's "link" (a ce: model is a process of its
    # own, as a board is a device of its own): kill it.
    killed = 0
    for pid in os.listdir("/proc"):
        try:
            cmd = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
            if b"--worker" in cmd and any(x.startswith(b"ce:") for x in cmd):
                kids = open("/proc/%s/task/%s/children" % (pid, pid)).read().split()
                for k in kids:
                    os.kill(int(k), signal.SIGKILL)
                    killed += 1
        except OSError:
            pass
    r = a.call("step", n=5)
    err = r.get("error", {})
    check(killed == 1 and err.get("code") in ("link", "session_ended"),
          "the board's link dies: the session's request gets error %s" % err.get("code"))
    for _ in range(100):
        b = boards(d.sock)["bench-1"]
        if b["state"] == "offline":
            break
        time.sleep(0.05)
    check(b["state"] == "offline" and b.get("why"), "the board is marked offline: %s"
          % b.get("why"))
    other = Client(d.sock)
    other.ok("open", board="bench-0")
    check(counter_ops(other, 4) == counter_expected(4), "every other board is still served")
    other.close()
    a.close()


def slow_subscriber():
    d = Hild("slow", "--max-events", "100")
    s = Client(d.sock)
    s.ok("subscribe", topic="board/+/port/count".replace("+", "*"))
    a = Client(d.sock)
    a.ok("open", sim=COUNTER)
    got = counter_ops(a, 5000)
    check(got == counter_expected(5000), "the session runs on while a subscriber "
          "does not read")
    msgs = drain(s, 10)
    reason = msgs[-1].get("error", {}) if msgs else {}
    # What the kernel's socket buffer holds reaches it; beyond that hild
    # queues at most --max-events before it gives up on the subscriber.
    check(reason.get("code") == "slow" and len(msgs) < 5000 and
          "dropped" in d.logtext(),
          "a subscriber more than --max-events behind is dropped with a reason "
          "(%d events, then %s)" % (len(msgs) - 1, reason.get("code")))
    a.close()
    check(d.stop() == 0, "hild stops cleanly")


def owner_backlog():
    """An owner that reads its events in slow bursts holds its worker back
    (the back-pressure of --max-events) and must always be let go again:
    a worker once stayed paused for ever when a direct write had emptied
    the owner's queue, and the run's reply never came (found by make soak)."""
    d = Hild("backlog", "--max-events", "40")
    c = Client(d.sock)
    c.ok("open", sim=COUNTER)
    c.ok("poke", port="rst", value=0)
    c.ok("poke", port="en", value=1)
    c.ok("watch", port="count")
    n, rounds, stuck = 30000, 4, []
    for r in range(rounds):
        c.s.sendall(frame({"id": 1000 + r, "op": "step", "n": n}))
        c.s.settimeout(20)
        events, reply = 0, None
        try:
            while reply is None:
                m = recv_msg(c.s)
                if m is None:
                    break
                if m.get("id") == 1000 + r:
                    reply = m
                else:
                    events += 1
                    if events % 200 == 0:
                        time.sleep(0.002)
        except OSError:
            pass
        if reply is None or events != n:
            stuck.append((r, events, reply))
    check(not stuck, "an owner reading its events in slow bursts gets every event and "
          "every reply (%d runs of %d cycles, --max-events 40; stuck: %s)"
          % (rounds, n, stuck[:2]))
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


def tcp():
    tok = os.path.join(W, "token")
    with open(tok, "w") as f:
        f.write("s3cret-token-for-the-tests\n")
    os.chmod(tok, 0o644)
    p = subprocess.run([HILD, "--socket", os.path.join(W, "t0.sock"), "--state",
                        os.path.join(W, "t0"), "--tcp", "127.0.0.1:0", "--tcp-plain",
                        "--token-file", tok],
                       capture_output=True, text=True, timeout=30)
    check(p.returncode == 2 and "chmod 600" in p.stderr,
          "a token file others may read: hild refuses to start")
    os.chmod(tok, 0o600)
    d, addr = Hild.on_tcp("tcp", tok)
    u = Client(d.sock)
    cases = [("no token", {"hello": 1}, "auth"),
             ("a wrong token", {"hello": 1, "token": "s3cret-token-for-the-TESTS"}, "auth"),
             ("a request before the handshake", {"id": 1, "op": "boards"}, "handshake")]
    for what, hello, code in cases:
        c = connect(addr, hello=False)
        c.sendall(frame(hello))
        r = recv_msg(c)
        check(r and r.get("error", {}).get("code") == code and closed(c),
              "TCP with %s: error %s, closed" % (what, code))
    for what, data in [("a malformed frame", frame(b"{nope")),
                       ("an oversized frame", b"\x7f\xff\xff\xff")]:
        c = connect(addr, token="s3cret-token-for-the-tests")
        c.sendall(data)
        r = recv_msg(c)
        check(r and r["error"]["code"] == "bad_frame" and closed(c),
              "TCP with the token and %s: bad_frame, closed" % what)
    c = connect(addr, token="s3cret-token-for-the-tests")
    c.sendall(frame({"id": 5, "op": "ping"}))
    check(recv_msg(c) == {"id": 5, "ok": {}}, "TCP with the right token is served")
    check(u.ok("ping") == {}, "the Unix socket's client is served throughout")
    c.close()
    u.close()
    check(d.stop() == 0, "hild stops cleanly")


def job_script(path, cycles):
    with open(path, "w") as f:
        f.write("poke rst 1\nstep 1\npoke rst 0\npoke en 1\nwatch wrap\nstep 600\n"
                "unwatch wrap\nrun %d\npeek count\n" % cycles)


def jobs():
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    state = os.path.join(W, "jobs-state")
    d = Hild("jobs1", config=cfg, state=state)
    env = dict(os.environ, HIL_HILD=d.sock)
    script = os.path.join(W, "job.hil")
    job_script(script, 6000000)
    ref = subprocess.run([HIL, "run", "--direct", "--dut", COUNTER, script],
                         capture_output=True, text=True, timeout=300).stdout
    ids = []
    for _ in range(5):
        p = subprocess.run([HIL, "submit", script, "--dut", COUNTER, "--board", "bench-0"],
                           capture_output=True, text=True, env=env, timeout=60)
        ids.append(int(p.stdout.strip()))
    ids.append(int(subprocess.run([HIL, "submit", script, "--dut", COUNTER, "--sim"],
                                  capture_output=True, text=True, env=env,
                                  timeout=60).stdout.strip()))
    # Kill hild once the first has finished and the second runs.
    first = os.path.join(state, "jobs", str(ids[0]), "result.json")
    second = os.path.join(state, "jobs", str(ids[1]), "claim")
    for _ in range(1200):
        if os.path.exists(first) and os.path.exists(second):
            break
        time.sleep(0.05)
    finished_before = json.load(open(first))
    d.kill()
    # It keeps only the two newest finished jobs in memory: the others
    # must still be found on disk.
    d2 = Hild("jobs2", "--keep-jobs", "2", config=cfg, state=state)
    env["HIL_HILD"] = d2.sock
    bad = []
    for j in ids:
        w = subprocess.run([HIL, "wait", str(j)], capture_output=True, text=True, env=env,
                           timeout=600)
        r = subprocess.run([HIL, "result", str(j)], capture_output=True, text=True, env=env,
                           timeout=60)
        trace = r.stdout.rsplit("\n", 2)[0] + "\n" if r.stdout else ""
        if w.returncode != 0 or trace != ref:
            bad.append((j, w.returncode, w.stderr[-200:]))
    check(not bad, "hild SIGKILLed with jobs queued and running, restarted: all %d "
          "finish, each trace equal to the direct run %s" % (len(ids), bad[:2]))
    listed = subprocess.run([HIL, "jobs"], capture_output=True, text=True, env=env,
                            timeout=60).stdout
    shown = [int(w.split()[0]) for w in listed.splitlines() if w.split() and w.split()[0].isdigit()]
    check(shown == sorted(ids)[-2:][::-1],
          "--keep-jobs 2: hil jobs lists the two newest finished jobs %s; wait and "
          "result found the %d older ones on disk" % (shown, len(ids) - 2))
    check(json.load(open(first)) == finished_before,
          "the result finished before the kill is intact")
    logs = open(d.log).read() + open(d2.log).read()
    starts = [logs.count("job %d running on" % j) for j in ids]
    m = re.search(r"(\d+) still running", d2.logtext())
    adopted = m is not None and int(m.group(1)) >= 1
    check(starts == [1] * len(ids) and adopted,
          "every job was started once (starts per job %s; the one running at the "
          "kill was adopted, not rerun)" % starts)
    claims = [open(os.path.join(state, "jobs", str(j), "claim")).read().split()[0]
              for j in ids]
    check(len(set(claims)) == len(ids), "one runner claimed each job")
    r = subprocess.run([HIL, "trace", "export", str(ids[0]), "--vcd",
                        os.path.join(W, "job.vcd")], env=env, capture_output=True, text=True)
    vcd = open(os.path.join(W, "job.vcd")).read() if r.returncode == 0 else ""
    check("$var wire 8 # count $end" in vcd and "#6000000" in vcd,
          "hil trace export JOB writes the job's VCD")
    check(d2.stop() == 0, "hild stops cleanly")


def main():
    many_clients()
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER},
           {"name": "bench-1", "type": "counter-b", "uri": "ce:" + COUNTER},
           {"name": "alu-0", "type": "alu", "uri": "sim:" + ALU}]
    d = Hild("boards", config=cfg)
    b = boards(d.sock)
    check(sorted(b) == ["alu-0", "bench-0", "bench-1"] and b["alu-0"]["dut"] == ALU and
          all(x["state"] == "free" for x in b.values()), "hil boards: the config's boards, free")
    fair_queue(d)
    killed_client(d)
    monitor(d)
    offline(d)
    check(d.stop() == 0, "hild stops cleanly")
    slow_subscriber()
    owner_backlog()
    tcp()
    jobs()
    summary()


main()
