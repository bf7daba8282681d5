"""hild in a lab (issue 18), the parts built so far: its socket path,
session ids and logs across restarts, workers that do not outlive hild,
a log no client can write lines into, and one rule for token files. Each
case failed on the main before it. Starts its own hilds.

    hardening.py HILD HIL WORKDIR
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time

from hildproto import Client, Hild, check, frame, recv_msg, rss_kb, summary

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")


def socket_path_is_a_file():
    path = os.path.join(W, "notasocket")
    with open(path, "w") as f:
        f.write("someone's data\n")
    p = subprocess.Popen([Hild.binary, "--socket", path, "--state", os.path.join(W, "nas"),
                          "--foreground"], stderr=subprocess.PIPE, text=True)
    try:
        err = p.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        p.kill()
        err = "it started serving there: " + p.communicate()[1]
    kept = open(path).read() if os.path.isfile(path) else None
    check(p.returncode != 0 and "is not a socket" in err and kept == "someone's data\n",
          "hild --socket naming a regular file: refuses to start, the file untouched (%s)"
          % err.strip())


def one_session(d):
    c = Client(d.sock)
    o = c.ok("open", sim=COUNTER)
    c.ok("step", n=3)
    c.ok("close")
    c.close()
    return o["session"], o["log"], o["board"]


FALLBACK = r"""
mount -t tmpfs -o mode=0755 none /run || exit 3
x=$W/xdg && rm -rf $x && mkdir -m 700 $x
wait_sock() { i=0; while [ ! -S "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done; }
XDG_RUNTIME_DIR=$x $HILD --state $W/fb-state --foreground 2>$W/fb1.log & p=$!
wait_sock $x/hil/hild.sock
echo "xdg: $(stat -c %a $x/hil) $(XDG_RUNTIME_DIR=$x $HIL boards >/dev/null 2>&1 && echo served) \
$(XDG_RUNTIME_DIR=$x PYTHONPATH=$ROOT/host/python python3 -c 'import hil.wire as w; print(w.default_address())')"
kill $p; wait $p
env -u XDG_RUNTIME_DIR $HILD --state $W/fb-state --foreground 2>$W/fb2.log & p=$!
wait_sock /run/hil/hild.sock
echo "root: $(stat -c %a /run/hil) $(env -u XDG_RUNTIME_DIR $HIL boards >/dev/null 2>&1 && echo served)"
kill $p; wait $p
chmod 0755 /run/hil && rm -f /run/hil/hild.sock && chmod 0755 /run/hil
mkdir -p $W/fb-nobody && chown 65534 $W/fb-nobody
env -u XDG_RUNTIME_DIR setpriv --reuid 65534 --regid 65534 --clear-groups \
	$HILD --state $W/fb-nobody/state --foreground 2>$W/fb3.log
echo "nobody: exit $? $(cat $W/fb3.log)"
"""


def socket_fallback():
    """hild run by hand needs no pre-made /run/hil: it falls back to
    $XDG_RUNTIME_DIR/hil, and clients look there first."""
    env = dict(os.environ, W=W, HILD=os.path.abspath(Hild.binary), HIL=os.path.abspath(HIL),
               ROOT=ROOT)
    env.pop("HIL_HILD", None)
    p = subprocess.run(["unshare", "-m", "sh", "-c", FALLBACK], capture_output=True,
                       text=True, env=env, timeout=120)
    out = dict(x.split(": ", 1) for x in p.stdout.splitlines() if ": " in x)
    xdg = os.path.join(W, "xdg", "hil", "hild.sock")
    check(out.get("xdg") == "700 served " + xdg,
          "no /run/hil: hild listens in $XDG_RUNTIME_DIR/hil (made 0700), where hil and "
          "the Python client find it (%s)" % (out.get("xdg") or p.stderr.strip()))
    check(out.get("root") == "755 served",
          "no /run/hil and no $XDG_RUNTIME_DIR, as root: hild makes /run/hil (0755) and "
          "serves there (%s)" % out.get("root"))
    check(out.get("nobody", "").startswith("exit 2 hild: no /run/hil this user may write"),
          "neither, as another user: hild says to give --socket (%s)" % out.get("nobody"))


def logs_across_restarts():
    state = os.path.join(W, "restart-state")
    d = Hild("restart", state=state)
    first, log1, _ = one_session(d)
    # Once hild has stopped, its workers have closed their logs.
    check(d.stop() == 0, "hild stops cleanly")
    with open(log1, "rb") as f:
        before = f.read()
    d = Hild("restart", state=state)
    second, log2, board = one_session(d)
    with open(log1, "rb") as f:
        after = f.read()
    check(second > first and log2 != log1 and before and after == before,
          "after a restart session ids go on (%d, then %d) and the first session's "
          "log is kept as it was" % (first, second))
    # The next session's log name, planted as a link to a file outside.
    target = os.path.join(W, "planted-target")
    nxt = os.path.join(state, "sessions", "%d-%s.hlog" % (second + 1, "sim-2"))
    os.symlink(target, nxt)
    third, log3, _ = one_session(d)
    check(not os.path.exists(target) and os.path.islink(nxt) and log3 != nxt and third > second,
          "a link where the next session's log would go is passed over, never "
          "written through (the session took id %d)" % third)
    check(d.stop() == 0, "hild stops cleanly")


def log_refused():
    """A session whose log cannot be made fails its open with that reason."""
    state = os.path.join(W, "nolog-state")
    d = Hild("nolog", state=state)
    sessions = os.path.join(state, "sessions")
    os.rename(sessions, sessions + ".away")
    with open(sessions, "w") as f:
        f.write("not a directory\n")
    c = Client(d.sock)
    r = c.call("open", sim=COUNTER)
    err = r.get("error", {})
    check(err.get("code") == "open_failed" and "cannot make the session log" in
          err.get("message", ""), "a session log that cannot be made: the open fails "
          "saying so (%s)" % err.get("message"))
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


def kids(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


def alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def workers_die_with_hild():
    cfg = [{"name": "ce-0", "type": "counter", "uri": "ce:" + COUNTER}]
    d = Hild("orphans", config=cfg)
    c = Client(d.sock)
    c.ok("open", board="ce-0")
    c.ok("poke", port="en", value=0)
    # A wait that will not end for minutes: the worker is busy in it.
    c.send("wait", port="count", cmp="==", value="0x05", timeout=10 ** 10)
    time.sleep(1)
    workers = kids(d.p.pid)
    models = [k for w in workers for k in kids(w)]
    d.kill()
    gone = False
    for _ in range(60):
        if not any(alive(p) for p in workers + models):
            gone = True
            break
        time.sleep(0.05)
    check(workers and models and gone,
          "hild killed (SIGKILL) while its worker is busy in a long wait: the worker "
          "(%s) and its model process (%s) end with it" % (workers, models))
    for p in workers + models:
        if alive(p):
            os.kill(p, signal.SIGKILL)
    c.close()


def reattached_sim_counts():
    """A sim job whose runner outlived hild counts against --max-sims after
    the restart, and its board's name is not given to another sim."""
    state = os.path.join(W, "reattach-state")
    d = Hild("reattach1", "--max-sims", "1", state=state)
    c = Client(d.sock)
    # Long enough to outlast the restart and the open's second at any
    # speed the model reaches (50-100 million cycles a second here).
    job = c.ok("submit", script="run 400000000\n", dut=COUNTER, sim=True)["job"]
    claim = os.path.join(state, "jobs", str(job), "claim")
    for _ in range(1200):
        if os.path.exists(claim) and os.path.getsize(claim):
            break
        time.sleep(0.05)
    c.close()
    d.kill()
    d = Hild("reattach2", "--max-sims", "1", state=state)
    c = Client(d.sock)
    b = c.ok("boards")
    o = Client(d.sock)
    i = o.send("open", sim=COUNTER)
    o.s.settimeout(1)
    try:
        early = o.reply(i)
    except socket.timeout:
        early = None
    o.s.settimeout(300)
    r = c.ok("job_wait", job=job)
    granted = early or o.reply(i)
    check(b["sims"] == 1 and early is None and r["status"] == "pass" and "ok" in granted and
          granted["ok"]["board"] != r["board"],
          "a sim job re-attached after hild was killed counts against --max-sims 1 "
          "(sims %d; a sim open %s until the job on %s ended, then got %s)"
          % (b["sims"], "waited" if early is None else "did not wait: %s" % early,
             r.get("board"), granted.get("ok", granted).get("board")))
    o.close()
    c.close()
    check(d.stop() == 0, "hild stops cleanly")


def unix_cap():
    """Local clients once could take every place of --max-clients, and TCP
    clients got busy: the Unix socket has a cap of its own."""
    tok = os.path.join(W, "cap-token")
    with open(tok, "w") as f:
        f.write("a-token-for-the-cap-test\n")
    os.chmod(tok, 0o600)
    d, addr = Hild.on_tcp("cap", tok, "--max-clients", "8", "--max-unix", "3")
    local = [Client(d.sock) for _ in range(3)]
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.sock)
    s.settimeout(10)
    r = recv_msg(s)
    s.close()
    t = socket.create_connection(addr)
    t.settimeout(10)
    t.sendall(frame({"hello": 1, "client": "t", "token": "a-token-for-the-cap-test"}))
    h = recv_msg(t)
    check(r and r.get("error", {}).get("code") == "busy" and h == {"hello": 1, "server": "hild"},
          "--max-unix 3: a fourth Unix client gets busy, a TCP client is still served")
    t.close()
    for c in local:
        c.close()
    check(d.stop() == 0, "hild stops cleanly")


def no_forged_log_lines():
    d = Hild("forge")
    dut = os.path.join(W, "dut\nhild: job 99: pass (exit 0) on sim-1")
    os.makedirs(dut, exist_ok=True)
    c = Client(d.sock)
    r = c.call("submit", script="step 1\n", name="forge\nhild: forged", dut=dut, sim=True)
    time.sleep(0.5)
    c.close()
    check(d.stop() == 0, "hild stops cleanly")
    lines = d.logtext().splitlines()
    forged = [x for x in lines if x.startswith("hild: job 99") or x.startswith("hild: forged")]
    check("ok" in r and not forged and any("\\x0ahild: job 99" in x for x in lines),
          "a DUT path holding a newline and a log line: hild's log shows it escaped, "
          "on one line; no line of the client's own (%s)" % forged)


def token_rule():
    tok = os.path.join(W, "spaced-token")
    with open(tok, "w") as f:
        f.write("a-token-with-trailing-blanks \t \r\n")
    os.chmod(tok, 0o600)
    d, addr = Hild.on_tcp("token", tok)
    env = dict(os.environ, HIL_HILD="tcp:%s:%d" % addr, HIL_TOKEN_FILE=tok)
    p = subprocess.run([HIL, "boards", "--json"], capture_output=True, text=True, env=env,
                       timeout=60)
    sys.path.insert(0, os.path.join(ROOT, "host", "python"))
    import hil
    try:
        with hil.connect(address="tcp:%s:%d" % addr, token=None) as cl:
            py = isinstance(cl.boards(), list)
    except hil.HilError as e:
        py = repr(e)
    check(p.returncode == 0,
          "a token file with trailing blanks: hild and libhil's client read the same "
          "token (%s)" % (p.stderr.strip() or "ok"))
    check(py is True, "and so does the Python client (%s)" % py)
    with open(tok, "w") as f:
        f.write("one-line-token-here\nsecond line\n")
    p = subprocess.run([HIL, "boards"], capture_output=True, text=True, env=env, timeout=60)
    check(p.returncode != 0 and "one line" in p.stderr,
          "a token file of two lines: the client refuses it, saying why (%s)"
          % p.stderr.strip())
    check(d.stop() == 0, "hild stops cleanly")


def unauthenticated_and_subscriptions():
    """256 TCP connections that never send their token, each announcing a
    1 MiB frame, once took 256 MB and every client slot; 300,000
    subscriptions once grew hild without bound."""
    tok = os.path.join(W, "limits-token")
    with open(tok, "w") as f:
        f.write("a-token-for-the-limit-tests\n")
    os.chmod(tok, 0o600)
    # Under AddressSanitizer freed memory waits in its quarantine (256 MB by
    # default) before reuse: a small one, so the RSS shows hild's own.
    asan = os.environ.get("ASAN_OPTIONS")
    os.environ["ASAN_OPTIONS"] = (asan + ":" if asan else "") + "quarantine_size_mb=1"
    d, addr = Hild.on_tcp("limits", tok, "--handshake-s", "3", "--max-subs", "100")
    if asan is None:
        del os.environ["ASAN_OPTIONS"]
    else:
        os.environ["ASAN_OPTIONS"] = asan
    time.sleep(0.3)
    base = rss_kb(d.p.pid)
    conns, busy = [], 0
    for _ in range(256):
        try:
            s = socket.create_connection(addr)
            s.sendall((1 << 20).to_bytes(4, "big") + b"{" * 60000)
            conns.append(s)
        except OSError:
            busy += 1
    time.sleep(0.5)
    grown = rss_kb(d.p.pid) - base
    u = Client(d.sock, timeout=10)
    pinged = "ok" in u.call("ping")
    refused = 0
    for s in conns:
        s.settimeout(5)
        try:
            m = recv_msg(s)
            refused += bool(m and m.get("error", {}).get("code") in ("busy", "bad_frame"))
        except OSError:
            pass
    check(grown < 32 * 1024 and pinged and refused == 256,
          "256 TCP connections that never authenticate, each announcing a 1 MiB frame: "
          "hild grew %d KiB (bound 32 MiB), each got busy or bad_frame, a Unix client "
          "is served" % grown)
    for s in conns:
        s.close()
    slow = socket.create_connection(addr)
    t0 = time.monotonic()
    slow.settimeout(10)
    m = recv_msg(slow)
    took = time.monotonic() - t0
    check(m and m.get("error", {}).get("code") == "handshake" and 2 < took < 6,
          "a TCP client that sends nothing: error handshake after --handshake-s 3 "
          "(%.1f s)" % took)
    slow.close()
    errs = {}

    def subscribe(n):
        for k in range(n):
            r = u.call("subscribe", topic="board/b%d/#" % k)
            code = r.get("error", {}).get("code", "ok")
            errs[code] = errs.get(code, 0) + 1
    # The first thousand warm the allocator up; the next 20,000 must not
    # grow hild (they took 3 MB and more before the limit).
    subscribe(1000)
    base = rss_kb(d.p.pid)
    subscribe(20000)
    grown = rss_kb(d.p.pid) - base
    check(errs == {"ok": 100, "limit": 20900} and grown < 2048,
          "21,000 subscriptions on one connection: 100 taken (--max-subs 100), the "
          "rest error limit; over the last 20,000 hild grew %d KiB" % grown)
    u.close()
    check(d.stop() == 0, "hild stops cleanly")


MAX_MSG = 256 << 10


def many_jobs():
    """600 jobs with long DUT paths once made the jobs reply overrun the
    message limit (here --max-msg 256 KiB), and hil jobs failed for every
    client."""
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    d = Hild("manyjobs", "--max-msg", str(MAX_MSG), "--max-user-jobs", "1000", config=cfg)
    hold = Client(d.sock)
    hold.ok("open", board="bench-0")
    deep = os.path.join(W, *(["d" * 200] * 4))
    os.makedirs(deep, exist_ok=True)
    c = Client(d.sock)
    for k in range(600):
        c.ok("submit", script="step 1\n", name="j%d" % k, dut=deep, board="bench-0")
    r = c.call("jobs")
    size = len(json.dumps(r))
    env = dict(os.environ, HIL_HILD=d.sock)
    p = subprocess.run([HIL, "jobs"], capture_output=True, text=True, env=env, timeout=120)
    rows = [x for x in p.stdout.splitlines()[1:] if x.strip()]
    check("ok" in r and r["ok"]["more"] and size < MAX_MSG and p.returncode == 0 and
          len(rows) == 600,
          "600 jobs with %d-character DUT paths: a jobs reply is one page of %d bytes, "
          "under the message limit, and hil jobs pages through all %d"
          % (len(deep), size, len(rows)))
    c.close()
    hold.close()
    check(d.stop() == 0, "hild stops cleanly")


def main():
    socket_path_is_a_file()
    socket_fallback()
    logs_across_restarts()
    log_refused()
    workers_die_with_hild()
    reattached_sim_counts()
    no_forged_log_lines()
    os.environ["HIL_TOKEN_FILE"] = os.path.join(W, "spaced-token")
    token_rule()
    unauthenticated_and_subscriptions()
    unix_cap()
    many_jobs()
    summary()


main()
