"""Retention (issue 18): finished jobs whose result was read and session
logs go after --keep-days, and oldest first while they take more than
--keep-mb; a queued, running or unread job, a live session's log, and
the newest job and log (which carry the ids on) never go. Starts its own
hilds; ages files with os.utime.

    retention.py HILD HIL WORKDIR
"""
import os
import sys
import time

from hildproto import Client, Hild, check, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
COUNTER = os.path.join(os.getcwd(), "examples/counter")
DAY = 86400


def age(path, days):
    t = time.time() - days * DAY
    os.utime(path, (t, t))


def run_job(c, read=True):
    j = c.ok("submit", script="step 1\n", dut=COUNTER, sim=True)["job"]
    if read:
        c.ok("job_wait", job=j)
    return j


def main():
    state = os.path.join(W, "state")
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    args = ("--keep-days", "30", "--keep-mb", "1")
    d = Hild("ret1", *args, config=cfg, state=state)
    c = Client(d.sock)
    old_read = [run_job(c), run_job(c)]
    big_old, big_new = run_job(c), run_job(c)
    unread = run_job(c, read=False)
    for _ in range(600):
        if any(x["job"] == unread and x["state"] == "done" for x in c.ok("jobs")["jobs"]):
            break
        time.sleep(0.05)
    s = c.ok("open", sim=COUNTER)
    c.ok("close")
    old_log = s["log"]
    hold = Client(d.sock)
    hold.ok("open", board="bench-0")
    queued = c.ok("submit", script="step 1\n", dut=COUNTER, board="bench-0")["job"]
    newest = run_job(c)
    c.close()
    hold.close()
    d.kill()  # the queued job stays queued on disk

    jobs = os.path.join(state, "jobs")
    res = lambda j: os.path.join(jobs, str(j), "result.json")  # noqa: E731
    for j in old_read + [unread]:
        age(res(j), 40)
    for j, days in ((big_old, 3), (big_new, 2)):
        with open(os.path.join(jobs, str(j), "filler"), "wb") as f:
            f.write(b"x" * 700 * 1024)
        age(res(j), days)
    age(old_log, 40)
    age(res(newest), 40)
    with open(os.path.join(jobs, str(newest), "read"), "w"):
        pass

    d = Hild("ret2", *args, config=cfg, state=state)
    # hild sweeps after it makes its socket and before it answers: once
    # answered, the start's sweep is over (the checks once raced it).
    c = Client(d.sock)
    c.ok("ping")
    gone = lambda j: not os.path.exists(os.path.join(jobs, str(j)))  # noqa: E731
    check(all(gone(j) for j in old_read) and not os.path.exists(old_log),
          "at start: jobs read and finished 40 days ago (--keep-days 30) and a 40-day-old "
          "session log are removed")
    check(gone(big_old) and not gone(big_new),
          "--keep-mb 1: of two read jobs of 700 KiB, the older is removed and the newer, "
          "under the limit then, stays")
    check(not gone(unread) and not gone(queued),
          "an unread job 40 days old and a queued job stay")
    check(not gone(newest),
          "the newest job stays although read and 40 days old (ids go on past it)")
    r = c.call("result", job=old_read[0])
    check(r.get("error", {}).get("code") == "no_job", "a removed job's result: no_job")
    # After a job finishes: a live session's log stays however old, an
    # old closed one goes.
    live = c.ok("open", sim=COUNTER)["log"]
    age(live, 40)
    other = Client(d.sock)
    fresh = run_job(other)
    age(res(fresh), 40)
    stale = os.path.join(state, "sessions", "1-sim-old.hlog")
    with open(stale, "w") as f:
        f.write("old\n")
    age(stale, 40)
    last = run_job(other)
    time.sleep(0.5)
    check(os.path.exists(live) and not os.path.exists(stale) and gone(fresh),
          "after a job ends: a live session's log stays, an old closed log and an old "
          "read job go")
    check(last > newest and last > fresh, "job ids go on (%d after %d)" % (last, newest))
    c.close()
    other.close()
    check(d.stop() == 0, "hild stops cleanly")
    summary()


main()
