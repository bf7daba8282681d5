"""hild on a full disk (issue 18): its state directory on a small tmpfs
mounted in a mount namespace of this test's own (run it under
`unshare -m`, as root). A job whose result cannot be stored is an error,
never a pass; a submit the disk refuses fails with the reason and leaves
nothing that blocks a later one; once space is back jobs run again with
no restart; after a restart no job is lost, doubled or passed, and a job
directory hild cannot read is moved aside.

    unshare -m storage.py HILD HIL WORKDIR
"""
import json
import os
import subprocess
import sys

from hildproto import Client, Hild, check, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")
SCRIPT = "poke en 1\nstep 5\npeek count\n"


def wait_job(d, job):
    env = dict(os.environ, HIL_HILD=d.sock)
    p = subprocess.run([HIL, "wait", str(job)], capture_output=True, text=True, env=env,
                       timeout=120)
    return p.returncode, p.stderr.strip()


def fill(path):
    """Writes path until the disk is full (its last write fails)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        while os.write(fd, b"\0" * 4096) > 0:
            pass
    except OSError:
        pass
    os.close(fd)


def main():
    fs = os.path.join(W, "fs")
    os.makedirs(fs, exist_ok=True)
    rc = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", fs]).returncode
    if not check(rc == 0, "a 1 MiB tmpfs for hild's state, in this test's mount namespace"):
        summary()
    state = os.path.join(fs, "state")
    jobs = os.path.join(state, "jobs")
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    d = Hild("full", config=cfg, state=state)
    hold = Client(d.sock)
    hold.ok("open", board="bench-0")
    c = Client(d.sock)
    a = c.ok("submit", script=SCRIPT, name="a", dut=COUNTER, board="bench-0")["job"]
    filler = os.path.join(fs, "filler")
    fill(filler)
    r = c.call("submit", script=SCRIPT * 200, name="b", dut=COUNTER, board="bench-0")
    left = [x for x in os.listdir(jobs) if x.startswith(".new-")]
    check(r.get("error", {}).get("code") == "storage" and "No space left" in
          r["error"]["message"] and not left,
          "a submit on a full disk: an error that says so, nothing half-written left "
          "(%s)" % r.get("error", {}).get("message"))
    hold.ok("close")
    code, said = wait_job(d, a)
    check(code == 2 and "error" in said,
          "the queued job runs on the full disk, its result cannot be stored: hil wait "
          "exits 2, not 0 (%s)" % said)
    os.unlink(filler)
    b = c.ok("submit", script=SCRIPT, name="c", dut=COUNTER, board="bench-0")["job"]
    code, said = wait_job(d, b)
    check(b == a + 1 and code == 0,
          "space back: the next submit takes the next id and passes, with no restart "
          "(job %d: %s)" % (b, said))
    c.close()
    hold.close()
    check(d.stop() == 0, "hild stops cleanly")
    # Restart: every job as it ended, the newest made unreadable first.
    with open(os.path.join(jobs, str(b), "job.json"), "w") as f:
        f.write("{not json")
    d = Hild("full", config=cfg, state=state)
    c = Client(d.sock)
    listed = {x["job"]: x for x in c.ok("jobs")["jobs"]}
    n = c.ok("submit", script=SCRIPT, name="d", dut=COUNTER, board="bench-0")["job"]
    code, said = wait_job(d, n)
    aside = os.path.isdir(os.path.join(jobs, "unreadable-%d" % b))
    check(listed.get(a, {}).get("status") == "error" and b not in listed and aside and
          n == b + 1 and code == 0,
          "after a restart: the job that could not store its result is an error, the "
          "unreadable one is moved aside (%s), ids go on past it (%d) and jobs run"
          % (aside, n))
    c.close()
    check(d.stop() == 0, "hild stops cleanly")
    # The newest job moved aside, then two restarts with no submit between:
    # its id was handed out again once its directory had a new name.
    with open(os.path.join(jobs, str(n), "job.json"), "w") as f:
        f.write("{not json")
    Hild("full", config=cfg, state=state).stop()
    d = Hild("full", config=cfg, state=state)
    c = Client(d.sock)
    m = c.ok("submit", script=SCRIPT, name="e", dut=COUNTER, board="bench-0")["job"]
    c.close()
    check(m == n + 1 and os.path.isdir(os.path.join(jobs, "unreadable-%d" % n)),
          "a job moved aside at one start keeps its id at the next: the next job is %d "
          "(after %d)" % (m, n))
    wait_job(d, m)
    check(d.stop() == 0, "hild stops cleanly")
    with open(os.path.join(jobs, str(a), "job.json")) as f:
        check(json.load(f)["job"] == a, "the first job's record is intact")
    open_to_all = [os.path.join(r, x) for r, ds, fs in os.walk(state) for x in ds + fs
                   if os.lstat(os.path.join(r, x)).st_mode & 0o007]
    check(not open_to_all and not os.stat(state).st_mode & 0o007,
          "nothing in the state directory (jobs, results, traces, session logs) is "
          "open to every user: %s" % open_to_all[:3])
    subprocess.run(["umount", fs])
    summary()


main()
