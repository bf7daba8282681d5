#!/usr/bin/env python3
"""make soak MINUTES=N: hild under a long random load, not part of make test.

One hild of our own runs every session's board link through the lossy
shim (HIL_FAULTS, rate 1e-3, bursts). Until the time is up, up to eight
clients at a time join and leave: most run a random script on a random
example through hild (`hil run --stats --target hild:sim:DIR`), some are
SIGKILLed part way, some submit the script as a job. At the end every
finished run's trace and exit status must equal its clean twin (the same
script run directly, without faults), every job must have finished with
its twin's trace, and hild's resident memory at the end must be within
2 MiB or 10% of what it was after the first minute (printed: start, after
warm-up, end). Closes with "N passed, N failed"."""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HIL = os.path.join(ROOT, "build/bin/hil")
HILD = os.path.join(ROOT, "build/bin/hild")
W = os.path.join(ROOT, "build/soak")
counts = {"passed": 0, "failed": 0}


def check(cond, what):
    counts["passed" if cond else "failed"] += 1
    print(("ok " if cond else "FAIL ") + what, flush=True)


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


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


def main():
    minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    shutil.rmtree(W, ignore_errors=True)
    os.makedirs(W)
    rng = random.Random(int(os.environ.get("SOAK_SEED", "1")))
    examples = sorted(os.path.join(ROOT, "examples", e) for e in os.listdir(os.path.join(ROOT, "examples")))
    ports = {}
    for e in examples:
        p = subprocess.run([HIL, "ports", "--dut", e, "--json"], capture_output=True, text=True)
        ports[e] = json.loads(p.stdout)["ports"]
        subprocess.run([HIL, "run", "--direct", "--dut", e, os.path.join(e, "test.hil")],
                       capture_output=True)
    sock = os.path.join(W, "hild.sock")
    env = dict(os.environ, HIL_HILD=sock)
    env.pop("HIL_FAULTS", None)
    henv = dict(env, HIL_FAULTS="rate=1e-3,seed=11,chunk=burst")
    hild = subprocess.Popen([HILD, "--socket", sock, "--state", os.path.join(W, "state"),
                             "--max-sims", "3", "--max-clients", "64", "--lease-idle", "30"],
                            env=henv, stderr=open(os.path.join(W, "hild.log"), "w"))
    while not os.path.exists(sock):
        time.sleep(0.05)
    rss0 = rss_kb(hild.pid)
    start = time.time()
    end = start + minutes * 60
    warm = None
    clients, runs, jobs, twins = [], [], [], {}
    n = killed = 0
    retransmits = bad_frames = 0
    hung = []
    shown = start
    while time.time() < end or clients:
        if warm is None and time.time() > start + 60:
            warm = rss_kb(hild.pid)
        if time.time() > shown + 30:
            shown = time.time()
            print("soak: %.1f min, %d clients so far, %d running, hild RSS %d KiB"
                  % ((shown - start) / 60, n, len(clients), rss_kb(hild.pid)), flush=True)
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
                jobs.append((c, int(out) if out.isdigit() else None))
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
    elapsed = time.time() - start
    check(not hung, "no client hung for 2 minutes (hung: %s)" % hung[:5])
    bad_runs = [(c["script"], rc) for c, rc, out in runs if (rc, out) != twins[c["script"]]]
    check(runs and not bad_runs,
          "%d runs through hild over the lossy link, each trace and exit status equal to "
          "its clean twin (differing: %s)" % (len(runs), bad_runs[:3]))
    check(retransmits > 0, "the lossy link did its work: %d bad frames, %d retransmits "
          "over all runs" % (bad_frames, retransmits))
    lost = []
    for c, job in jobs:
        if job is None:
            lost.append((c["script"], "no id"))
            continue
        w = subprocess.run([HIL, "wait", str(job)], capture_output=True, text=True, env=env,
                           timeout=900)
        r = subprocess.run([HIL, "result", str(job)], capture_output=True, text=True, env=env,
                           timeout=60)
        # hil result prints the trace, then one line of summary.
        trace = r.stdout[:r.stdout.rstrip("\n").rfind("\n") + 1]
        if (w.returncode, trace) != twins[c["script"]]:
            lost.append((c["script"], job, w.returncode))
    check(jobs and not lost, "%d jobs submitted, every one finished with its twin's trace "
          "(wrong or lost: %s)" % (len(jobs), lost[:3]))
    rss1 = rss_kb(hild.pid)
    warm = warm or rss0
    check(rss1 <= warm + max(2048, warm // 10),
          "hild's memory stayed flat: RSS %d KiB at start, %d KiB after the first minute, "
          "%d KiB at the end" % (rss0, warm, rss1))
    check(hild.poll() is None, "hild is still serving")
    hild.send_signal(signal.SIGTERM)
    check(hild.wait(60) == 0, "hild stops cleanly")
    print("soak: %.1f minutes, %d clients (%d runs, %d killed part way, %d jobs)"
          % (elapsed / 60, n, len(runs), killed, len(jobs)))
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    sys.exit(1 if counts["failed"] else 0)


main()
