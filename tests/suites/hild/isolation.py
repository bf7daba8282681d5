"""Users on one hild (issue 18): the Unix socket's peer credentials say
who a client is; each user sees and controls its own jobs and the events
of its own sessions and jobs, an admin (--admin-group) sees everyone's;
each user's queue is bounded in jobs and script bytes; a connection that
holds nothing and stays silent is let go. Clients of other users run as
/usr/bin/python3 children under other uids. Runs as root (CI does).

    isolation.py HILD HIL WORKDIR
"""
import json
import os
import subprocess
import sys
import time

from hildproto import Client, Hild, check, connect, drain, recv_msg, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")
HERE = os.path.dirname(os.path.abspath(__file__))

# A client as another user: takes requests as JSON lines on stdin and
# prints each reply; {"op": "_events"} prints the events seen so far.
AGENT = r"""
import json, sys
sys.path.insert(0, sys.argv[2])
from hildproto import Client, drain
c = Client(sys.argv[1])
for line in sys.stdin:
    req = json.loads(line)
    op = req.pop("op")
    if op == "_events":
        for m in drain(c, req.get("wait", 0.5)):
            if "id" in m:
                c.replies[m["id"]] = m
            else:
                c.events.append(m)
        c.s.settimeout(120)
        out, c.events = c.events, []
    else:
        out = c.call(op, **req)
    print(json.dumps(out), flush=True)
"""


class Agent:
    def __init__(self, sock, uid, gid=65534, groups=()):
        self.p = subprocess.Popen(["/usr/bin/python3", "-c", AGENT, sock, HERE],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  user=uid, group=gid, extra_groups=list(groups),
                                  cwd="/")

    def call(self, op, **args):
        args["op"] = op
        self.p.stdin.write(json.dumps(args) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        return json.loads(line) if line else {"error": {"code": "agent died"}}

    def ok(self, op, **args):
        r = self.call(op, **args)
        if "ok" not in r:
            raise RuntimeError("%s: %r" % (op, r))
        return r["ok"]

    def events(self, wait=0.5):
        return self.call("_events", wait=wait)

    def close(self):
        self.p.stdin.close()
        self.p.wait(30)


def topics(evs):
    return sorted({e["topic"] for e in evs})


def isolation():
    iso = os.path.join(W, "iso")
    os.makedirs(iso, exist_ok=True)
    os.chmod(iso, 0o755)
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    d = Hild("iso/h", "--group", "nogroup", "--admin-group", "users", "--max-user-jobs", "3",
             "--max-user-bytes", "4000", config=cfg)
    a = Agent(d.sock, 65534)
    b = Agent(d.sock, 65533)
    adm = Agent(d.sock, 65532, groups=[100])
    for x in (a, b, adm):
        x.ok("subscribe", topic="#")
    job = a.ok("submit", script="step 3\n", dut=COUNTER, sim=True)["job"]
    done = a.ok("job_wait", job=job)
    rb = b.call("result", job=job)
    wb = b.call("job_wait", job=job)
    listed_b = [x["job"] for x in b.ok("jobs")["jobs"]]
    listed_adm = [x["job"] for x in adm.ok("jobs")["jobs"]]
    radm = adm.call("result", job=job)
    check(done["status"] == "pass" and rb.get("error", {}).get("code") == "no_job" and
          wb.get("error", {}).get("code") == "no_job" and job not in listed_b,
          "another user's job: result and job_wait answer no_job (%s), jobs does not "
          "list it" % rb.get("error", {}).get("message"))
    check(job in listed_adm and radm.get("ok", {}).get("status") == "pass",
          "a member of --admin-group lists it and reads its result")
    # A session of a's, watched: its port events are a's and the admin's.
    sess = a.ok("open", sim=COUNTER)
    board = sess["board"]
    b.ok("monitor", board=board)
    a.ok("poke", port="en", value=1)
    a.ok("watch", port="count")
    a.ok("step", n=5)
    ea, eb, eadm = a.events(), b.events(), adm.events()
    mine = "board/%s/port/count" % board
    check("job/%d" % job in topics(ea) and mine in topics(ea),
          "the owner gets its job's and its session's events %s" % topics(ea))
    check(not [t for t in topics(eb) if t.startswith("job/") or "/port/" in t or
               t.endswith("/session")],
          "another user, subscribed to # and monitoring the board, gets only boards' "
          "states %s" % topics(eb))
    check("job/%d" % job in topics(eadm) and mine in topics(eadm),
          "the admin gets every event %s" % topics(eadm))
    a.ok("close")
    # Quotas: a's session holds bench-0, so a's board jobs wait in the queue.
    a.ok("open", board="bench-0")
    q = [a.call("submit", script="step 1\n", dut=COUNTER, board="bench-0") for _ in range(4)]
    codes = [r.get("error", {}).get("code", "ok") for r in q]
    other = b.call("submit", script="step 1\n", dut=COUNTER, board="bench-0")
    check(codes == ["ok", "ok", "ok", "limit"] and "ok" in other,
          "--max-user-jobs 3: a user's fourth queued job is refused with limit (%s); "
          "another user's is taken" % q[3].get("error", {}).get("message"))
    a.ok("close")
    for r in q[:3]:
        a.ok("job_wait", job=r["ok"]["job"])
    b.ok("job_wait", job=other["ok"]["job"])
    # An admin reading b's result does not count as b having read it:
    # retention keeps a result until its owner has had it.
    bj = b.ok("submit", script="step 2\n", dut=COUNTER, sim=True)["job"]
    for _ in range(600):
        if any(x["job"] == bj and x["state"] == "done" for x in adm.ok("jobs")["jobs"]):
            break
        time.sleep(0.05)
    mark = os.path.join(d.state, "jobs", str(bj), "read")
    adm.ok("result", job=bj)
    by_admin = os.path.exists(mark)
    b.ok("result", job=bj)
    check(not by_admin and os.path.exists(mark),
          "an admin's look at a result leaves it unread; its owner's marks it read")
    named = a.call("submit", script="step 1\n", dut=COUNTER, sim=True, name="n" * 100000)
    check(named.get("error", {}).get("code") == "bad_request",
          "a job name of 100,000 bytes (stored outside any quota) is refused: %s"
          % named.get("error", {}).get("message"))
    big = a.call("submit", script="step 1\n" * 600, dut=COUNTER, sim=True)
    check(big.get("error", {}).get("code") == "limit" and "--max-user-bytes" in
          big["error"]["message"],
          "--max-user-bytes 4000: a 4200-byte script is refused with limit (%s)"
          % big.get("error", {}).get("message"))
    for x in (a, b, adm):
        x.close()
    check(d.stop() == 0, "hild stops cleanly")
    jobs = os.path.join(d.state, "jobs")
    modes = {oct(os.stat(os.path.join(jobs, x)).st_mode & 0o777) for x in os.listdir(jobs)}
    check(modes == {"0o750"}, "job directories are not for every user: %s" % modes)


def unread_cap():
    """Retention keeps results until their owner reads them: a user who
    never did could fill the disk. --max-user-unread bounds it."""
    d = Hild("unread", "--max-user-unread", "2")
    c = Client(d.sock)
    done = [c.ok("submit", script="step 1\n", dut=COUNTER, sim=True)["job"] for _ in range(2)]
    for _ in range(600):
        if all(x["state"] == "done" for x in c.ok("jobs")["jobs"] if x["job"] in done):
            break
        time.sleep(0.05)
    third = c.call("submit", script="step 1\n", dut=COUNTER, sim=True)
    c.ok("result", job=done[0])
    fourth = c.call("submit", script="step 1\n", dut=COUNTER, sim=True)
    check(third.get("error", {}).get("code") == "limit" and "ok" in fourth,
          "--max-user-unread 2: with two results unread a submit gets limit (%s); "
          "once one is read, the next is taken" % third.get("error", {}).get("message"))
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


def hild_user_is_no_admin():
    """User code runs as hild's user (a sim model, a job's DUT build), so
    hild's own user is no admin: a client of that user once saw every
    user's jobs."""
    own = os.path.join(W, "own")
    os.makedirs(own, exist_ok=True)
    os.chown(own, 65534, 65534)
    cfg = os.path.join(own, "boards.json")
    with open(cfg, "w") as f:
        json.dump({"boards": [{"name": "bench-0", "type": "counter",
                               "uri": "sim:" + COUNTER}]}, f)
    sock = os.path.join(own, "h.sock")
    p = subprocess.Popen([Hild.binary, "--socket", sock, "--state", os.path.join(own, "state"),
                          "--config", cfg, "--foreground"], user=65534, group=65534,
                         stderr=open(os.path.join(own, "hild.log"), "w"),
                         env=dict(os.environ, HIL_CACHE=os.path.join(own, "cache")))
    for _ in range(200):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    other = Agent(sock, 65533)
    job = other.ok("submit", script="step 1\n", dut=COUNTER, board="bench-0")["job"]
    hilds = Agent(sock, 65534)
    seen = [x["job"] for x in hilds.ok("jobs")["jobs"]]
    r = hilds.call("result", job=job)
    check(job not in seen and r.get("error", {}).get("code") == "no_job",
          "a client of hild's own user sees only its own jobs, not another user's")
    other.close()
    hilds.close()
    p.terminate()
    check(p.wait(60) == 0, "hild stops cleanly")


def idle():
    d = Hild("idle", "--idle-s", "1")
    quiet = Client(d.sock)
    quiet.ok("ping")
    subbed = Client(d.sock)
    subbed.ok("subscribe", topic="job/#")
    nohello = connect(d.sock, hello=False)
    time.sleep(3)
    got = drain(quiet, 2)
    silent = recv_msg(nohello)
    try:
        alive = subbed.ok("ping") == {}
    except (EOFError, OSError, RuntimeError):
        alive = False
    check(len(got) == 1 and got[0].get("error", {}).get("code") == "idle",
          "--idle-s 1: a connection holding nothing and silent is told idle and "
          "closed (%s)" % got)
    check(silent is not None and silent.get("error", {}).get("code") == "idle",
          "so is one that never sent its hello")
    check(alive, "a connection with a subscription stays")
    subbed.close()
    check(d.stop() == 0, "hild stops cleanly")


def main():
    if os.getuid() != 0:
        check(False, "isolation.py runs as root, to run clients as other users")
        summary()
    isolation()
    unread_cap()
    hild_user_is_no_admin()
    idle()
    summary()


main()
