#!/usr/bin/env python3
"""make soak MINUTES=N: hild under a long random load, not part of make test.

One hild of our own runs every session's board link through the lossy
shim (HIL_FAULTS, rate 1e-3, bursts), with its state on a 64 MiB tmpfs
of a mount namespace of its own (make soak runs it under unshare -m, as
root) and TCP with TLS. Until the time is up, up to eight clients at a
time join and leave: most run a random script on a random example
through hild (`hil run --stats --target hild:sim:DIR`), some are SIGKILLed
part way, some submit the script as a job. Faults come in turn, each in a
window of its own: an attack (64 TLS connections that never send the
token, 20,000 subscription attempts, a client that never reads), the
state's disk filled up for 10 s, and hild SIGKILLed and started again.

At the end: a run that no fault window touched has its clean twin's
trace and exit status (the same script run directly, without faults); a
run a window touched may fail, but one that exits 0 has its twin's trace;
every job a client was given an id for finishes (none lost), was run by
one runner (none doubled), and is a pass only with its twin's trace; no
client hung; and hild's resident memory at the end is within 2 MiB or
10% of what it was after the first minute (printed: start, after warm-up,
end; counted over the hild that ran last). Closes with "N passed, N
failed"."""
import json
import os
import random
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HIL = os.path.join(ROOT, "build/bin/hil")
HILD = os.path.join(ROOT, "build/bin/hild")
W = os.path.join(ROOT, "build/soak")
STATE = os.path.join(W, "state")
TOKEN = "soak-token-0123456789abcdef"
sys.path.insert(0, os.path.join(ROOT, "tests", "suites", "hild"))
from certs import make_certs  # noqa: E402
from hildproto import check, frame, rss_kb, summary  # noqa: E402


def script(rng, ports):
    ins = [p for p in ports if p["dir"] == "in"]
    outs = [p for p in ports if p["dir"] == "out"]
    lines, now, watched = [], 0, set()
    for _ in range(rng.randint(20, 160)):
        r = rng.random()
        if r < 0.45:
            p = rng.choice(ins)
            lines.append("poke %s 0x%x" % (p["name"], rng.getrandbits(p["width"])))
        elif r < 0.65:
            n = rng.randint(1, 40)
            lines.append("step %d" % n)
            now += n
        elif r < 0.75:
            now += rng.randint(1, 3000)
            lines.append("run %d" % now)
        elif r < 0.85:
            p = rng.choice(outs)
            lines.append(("unwatch " if p["name"] in watched else "watch ") + p["name"])
            watched ^= {p["name"]}
        else:
            lines.append("peek " + rng.choice(outs)["name"])
    return "\n".join(lines) + "\n"


class Hild:
    """The soak's hild; start() again after a kill, on the same state."""

    def __init__(self, env, certs, port):
        self.env, self.certs, self.port = env, certs, port
        self.sock = os.path.join(W, "hild.sock")
        self.log = open(os.path.join(W, "hild.log"), "a")
        self.start()

    def start(self):
        c = self.certs
        self.p = subprocess.Popen(
            [HILD, "--socket", self.sock, "--state", STATE, "--max-sims", "3",
             "--max-clients", "128", "--max-tcp", "100", "--handshake-s", "5",
             "--lease-idle", "30", "--max-subs", "1000", "--max-user-unread", "100000",
             "--tcp", "127.0.0.1:%d" % self.port,
             "--tls-cert", c("server.pem"), "--tls-key", c("server.key"),
             "--token-file", c("token")], env=self.env, stderr=self.log)
        for _ in range(400):
            if os.path.exists(self.sock):
                break
            time.sleep(0.05)


def attack(h):
    """Unauthenticated TLS connections, a subscription flood and a client
    that never reads, all at once; they end by themselves."""
    ctx = ssl.create_default_context(cafile=h.certs("ca.pem"))
    held = []
    for _ in range(64):
        try:
            held.append(ctx.wrap_socket(socket.create_connection(("127.0.0.1", h.port),
                                                                 timeout=10),
                                        server_hostname="localhost"))
        except OSError:
            pass

    def send_all(name, first, requests):
        """A client that sends and never reads what comes back."""
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(h.sock)
            s.settimeout(20)
            s.sendall(frame({"hello": 1, "client": name}))
            for m in [first] + requests:
                s.sendall(frame(m))
            s.close()
        except OSError:
            pass

    def flood():
        send_all("flood", {"id": 0, "op": "ping"},
                 [{"id": k, "op": "subscribe", "topic": "board/f%d/#" % k} for k in range(20000)])

    def deaf():
        send_all("deaf", {"id": 0, "op": "subscribe", "topic": "#"},
                 [{"id": k + 1, "op": "boards"} for k in range(100000)])

    ts = [threading.Thread(target=f, daemon=True) for f in (flood, deaf)]
    for t in ts:
        t.start()
    time.sleep(8)
    for s in held:
        s.close()


def fill_disk():
    """Fills the state's tmpfs for 10 s, then frees it."""
    path = os.path.join(STATE, "filler")
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * (1 << 20))
                f.flush()
        except OSError:
            pass
    time.sleep(10)
    os.unlink(path)


def faults(h, rng, stop, windows):
    """One fault after another, each recorded as a window of time."""
    kinds = ["attack", "disk", "restart"]
    time.sleep(45)
    k = 0
    while not stop.is_set():
        kind = kinds[k % len(kinds)]
        k += 1
        t0 = time.time()
        if kind == "attack":
            attack(h)
        elif kind == "disk":
            fill_disk()
        else:
            h.p.kill()
            h.p.wait()
            h.start()
        windows.append((kind, t0, time.time() + 2))
        stop.wait(rng.uniform(20, 40))


def touched(c, windows):
    return [k for k, a, b in windows if c["started"] < b and c.get("ended", 1e18) > a]


def main():
    global HIL, HILD
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    shutil.rmtree(W, ignore_errors=True)
    os.makedirs(STATE)
    # Copies of its own: a rebuild while it runs does not pull the binaries
    # from under it.
    os.makedirs(os.path.join(W, "bin"))
    for b in (HIL, HILD):
        shutil.copy2(b, os.path.join(W, "bin"))
    HIL, HILD = (os.path.join(W, "bin", os.path.basename(b)) for b in (HIL, HILD))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=0750", "tmpfs",
                       STATE]).returncode:
        check(False, "a tmpfs for hild's state: none could be mounted; make soak runs "
              "this as root under unshare -m")
        summary()
    rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))
    examples = sorted(os.path.join(ROOT, "examples", e) for e in os.listdir(os.path.join(ROOT, "examples")))
    ports = {}
    for e in examples:
        p = subprocess.run([HIL, "ports", "--dut", e, "--json"], capture_output=True, text=True)
        ports[e] = json.loads(p.stdout)["ports"]
        subprocess.run([HIL, "run", "--direct", "--dut", e, os.path.join(e, "test.hil")],
                       capture_output=True)
    certs = make_certs(W, TOKEN)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    env = dict(os.environ, HIL_HILD=os.path.join(W, "hild.sock"))
    env.pop("HIL_FAULTS", None)
    h = Hild(dict(env, HIL_FAULTS="rate=1e-3,seed=11,chunk=burst"), certs, port)
    rss0 = rss_kb(h.p.pid)
    start = time.time()
    end = start + minutes * 60
    warm = None
    windows, stop = [], threading.Event()
    fault_thread = threading.Thread(target=faults, args=(h, rng, stop, windows), daemon=True)
    fault_thread.start()
    clients, runs, jobs, twins, refused = [], [], [], {}, []
    n = killed = 0
    retransmits = bad_frames = 0
    hung = []
    shown = start
    pid, born, born_rss = h.p.pid, start, rss0
    while time.time() < end or clients:
        if h.p.pid != pid:
            time.sleep(0.5)
            pid, born, born_rss, warm = h.p.pid, time.time(), rss_kb(h.p.pid), None
        if warm is None and time.time() > born + 60:
            warm = rss_kb(pid)
        if time.time() > shown + 30:
            shown = time.time()
            print("soak: %.1f min, %d clients so far, %d running, hild RSS %d KiB, faults %s"
                  % ((shown - start) / 60, n, len(clients), rss_kb(h.p.pid),
                     [k for k, _, _ in windows]), flush=True)
        for c in clients[:]:
            if c["p"].poll() is None:
                if c["kind"] == "kill" and time.time() > c["kill_at"]:
                    c["p"].send_signal(signal.SIGKILL)
                if time.time() > c["started"] + 120:
                    hung.append(c["script"])
                    c["p"].kill()
                    c["p"].wait()
                    clients.remove(c)
                continue
            c["ended"] = time.time()
            clients.remove(c)
            if c["kind"] == "run":
                err = open(c["err"]).read()
                for part in err.split():
                    if part.startswith("retransmits="):
                        retransmits += int(part.split("=")[1])
                    if part.startswith("bad_frames="):
                        bad_frames += int(part.split("=")[1])
                runs.append((c, c["p"].returncode, open(c["out"]).read()))
            elif c["kind"] == "job":
                out = open(c["out"]).read().strip()
                if out.isdigit():
                    jobs.append((c, int(out)))
                else:
                    refused.append((c, open(c["err"]).read().strip()))
            else:
                killed += 1
        if time.time() < end and len(clients) < 8:
            n += 1
            e = rng.choice(examples)
            path = os.path.join(W, "s%d.hil" % n)
            with open(path, "w") as f:
                f.write(script(rng, ports[e]))
            t = subprocess.run([HIL, "run", "--direct", "--dut", e, path], capture_output=True,
                               text=True, env=env, timeout=600)
            twins[path] = (t.returncode, t.stdout)
            r = rng.random()
            kind = "run" if r < 0.6 else "kill" if r < 0.75 else "job"
            out, err = path + ".out", path + ".err"
            if kind == "job":
                cmd = [HIL, "submit", path, "--dut", e, "--sim"]
            else:
                cmd = [HIL, "run", "--stats", "--target", "hild:sim:" + e, path]
            p = subprocess.Popen(cmd, stdout=open(out, "w"), stderr=open(err, "w"), env=env)
            clients.append({"p": p, "kind": kind, "script": path, "out": out, "err": err,
                            "kill_at": time.time() + rng.uniform(0.05, 1.5),
                            "started": time.time()})
        time.sleep(0.02)
    stop.set()
    fault_thread.join(120)
    elapsed = time.time() - start
    check(not hung, "no client hung for 2 minutes (hung: %s)" % hung[:5])
    clean = [(c, rc, out) for c, rc, out in runs if not touched(c, windows)]
    faulted = [(c, rc, out) for c, rc, out in runs if touched(c, windows)]
    bad_runs = [(c["script"], rc) for c, rc, out in clean if (rc, out) != twins[c["script"]]]
    check(clean and not bad_runs,
          "%d runs through hild over the lossy link that no fault touched, each trace and "
          "exit status equal to its clean twin (differing: %s)" % (len(clean), bad_runs[:3]))
    false_pass = [(c["script"], touched(c, windows)) for c, rc, out in faulted
                  if rc == 0 and (rc, out) != twins[c["script"]]]
    check(not false_pass,
          "%d runs a fault touched (%d of them failed): none exited 0 without its twin's "
          "trace %s" % (len(faulted), sum(rc != twins[c["script"]][0] for c, rc, _ in faulted),
                        false_pass[:3]))
    check(retransmits > 0, "the lossy link did its work: %d bad frames, %d retransmits "
          "over all runs" % (bad_frames, retransmits))
    check([k for k, _, _ in windows], "faults came: %s" % [k for k, _, _ in windows])
    lost, wrong, errors = [], [], 0
    for c, job in jobs:
        w = subprocess.run([HIL, "wait", str(job)], capture_output=True, text=True, env=env,
                           timeout=900)
        r = subprocess.run([HIL, "result", str(job)], capture_output=True, text=True, env=env,
                           timeout=60)
        if w.returncode not in (0, 1, 2) or r.returncode not in (0, 1, 2) or not r.stdout:
            lost.append((c["script"], job, w.stderr.strip()[-120:]))
            continue
        # hil result prints the trace, then one line of summary.
        trace = r.stdout[:r.stdout.rstrip("\n").rfind("\n") + 1]
        if w.returncode == 2:
            errors += 1
        elif (w.returncode, trace) != twins[c["script"]]:
            wrong.append((c["script"], job, w.returncode))
    check(jobs and not lost, "%d jobs given an id, every one finished: none lost (%s); %d "
          "submits refused while a fault lasted" % (len(jobs), lost[:3], len(refused)))
    check(not wrong, "every job that passed or failed has its twin's trace and status; %d "
          "ended in an error a fault caused, none a pass it did not earn (wrong: %s)"
          % (errors, wrong[:3]))
    logs = open(os.path.join(W, "hild.log")).read()
    doubled = [j for _, j in jobs if logs.count("job %d running on" % j) > 1]
    check(not doubled, "no job ran twice (doubled: %s)" % doubled[:5])
    rss1 = rss_kb(h.p.pid)
    warm = warm or born_rss
    check(rss1 <= warm + max(2048, warm // 10),
          "hild's memory stayed flat: RSS %d KiB at the first start, %d KiB a minute after "
          "its last start (or at it), %d KiB at the end" % (rss0, warm, rss1))
    check(h.p.poll() is None, "hild is still serving")
    h.p.send_signal(signal.SIGTERM)
    check(h.p.wait(60) == 0, "hild stops cleanly")
    print("soak: %.1f minutes, %d clients (%d runs, %d killed part way, %d jobs), faults: %s"
          % (elapsed / 60, n, len(runs), killed, len(jobs), [k for k, _, _ in windows]))
    summary()


main()
