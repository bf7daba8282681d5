"""Direct sessions (issue 17): open with "direct": true passes the client
the session's worker socket, and the session's data skips hild while hild
keeps the lease, monitors and the idle limit. Also: hild's own loop never
waits for a busy worker. Starts its own hilds.

    direct.py HILD WORKDIR
"""
import json
import os
import socket
import sys
import threading
import time

from hildproto import (Client, Hild, check, closed, connect, counter_expected, counter_ops,
                       drain, frame, recv_msg, summary)

Hild.binary, Hild.workdir = sys.argv[1], sys.argv[2]
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")


class Owner(Client):
    """A client whose open is direct: its session ops go to the socket
    the open reply passed (self.data), the rest to hild."""

    def open_direct(self, **args):
        self.s.sendall(frame(dict(args, id=0, op="open", direct=True)))
        head = b""
        fds = []
        while len(head) < 4:
            got, more, _, _ = socket.recv_fds(self.s, 4 - len(head), 1)
            if not got:
                raise EOFError("hild closed the connection")
            head += got
            fds += more
        n = int.from_bytes(head, "big")
        body = b""
        while len(body) < n:
            got, more, _, _ = socket.recv_fds(self.s, n - len(body), 1)
            body += got
            fds += more
        reply = json.loads(body)
        self.passed = fds
        if "ok" not in reply:
            return reply
        self.data = Client.__new__(Client)
        self.data.s = socket.socket(fileno=fds[0])
        self.data.s.settimeout(60)
        self.data.next, self.data.events, self.data.replies = 1, [], {}
        return reply


def board_state(d, name):
    c = Client(d.sock)
    b = {x["name"]: x for x in c.ok("boards")["boards"]}
    c.close()
    return b.get(name, {}).get("state")


def wait_state(d, name, want, secs=10):
    for _ in range(int(secs / 0.05)):
        if board_state(d, name) == want:
            return True
        time.sleep(0.05)
    return False


def data_and_monitor(d):
    m = Client(d.sock)
    m.ok("monitor", board="bench-0")
    a = Owner(d.sock)
    r = a.open_direct(board="bench-0")
    ok = r.get("ok", {})
    check(ok.get("direct") is True and len(a.passed) == 1 and ok.get("top") == "counter",
          "open with \"direct\": the reply says direct and passes one descriptor")
    got = counter_ops(a.data, 40)
    subs = {e["sub"] for e in a.data.events}
    check(got == counter_expected(40) and subs == {ok.get("sub")},
          "a direct session's ops, replies and watch reports all come on the passed "
          "socket, with the open reply's sub id")
    a.data.ok("wait", port="count", cmp="==", value="0x50", timeout=1000)
    a.data.ok("sync")
    check(not a.events, "nothing of the session comes through hild (%d messages)"
          % len(a.events))
    own = [(e["topic"], e["event"]) for e in a.data.events]
    r = a.call("step", n=1)
    check(r.get("error", {}).get("code") == "bad_request" and "direct" in
          r["error"]["message"], "a session op sent to hild in a direct session: "
          "bad_request, %s" % r.get("error", {}).get("message"))
    r = a.data.call("boards")
    check(r.get("error", {}).get("code") == "unknown_op" and
          a.data.ok("peek", port="count")["value"] == "0x50",
          "an op that is not the session's on the session socket: unknown_op, and the "
          "session goes on")
    a.ok("close")
    tail = drain(a.data)
    check(tail and tail[-1].get("topic", "").endswith("/session") and
          tail[-1]["event"] == {"state": "closed", "reason": "closed by its owner"},
          "close sent to hild: the session socket says why the session ended, then "
          "closes (%s)" % (tail[-1] if tail else None))
    seen = [(e["topic"], e["event"]) for e in drain(m)]
    start = next((i for i, e in enumerate(seen) if e[0].endswith("/session")
                  and e[1]["state"] == "open"), 0)
    check(len(own) > 40 and seen[start + 1:start + 1 + len(own)] == own,
          "a monitor sees exactly the %d events the direct owner sees" % len(own))
    check(wait_state(d, "bench-0", "free"), "the board is free again")
    m.close()
    a.close()


def data_socket_ends(d):
    a = Owner(d.sock)
    a.open_direct(board="bench-0")
    a.data.ok("step", n=3)
    a.data.close()
    check(wait_state(d, "bench-0", "free"), "closing the session socket ends the lease")
    r = a.call("step", n=1)
    check(r.get("error", {}).get("code") == "no_session", "and hild knows: %s"
          % r.get("error"))
    a.close()
    b = Owner(d.sock)
    b.open_direct(board="bench-0")
    b.data.s.sendall(frame(b"not json"))
    m = recv_msg(b.data.s)
    check(m and m.get("error", {}).get("code") == "bad_frame" and closed(b.data.s),
          "a frame that is not JSON on the session socket: bad_frame, then it closes")
    check(wait_state(d, "bench-0", "free"), "and the lease ends")
    b.close()
    c = Owner(d.sock)
    c.open_direct(board="bench-0")
    c.data.s.sendall((1 << 30).to_bytes(4, "big"))
    m = recv_msg(c.data.s)
    check(m and m.get("error", {}).get("code") == "bad_frame" and closed(c.data.s),
          "a frame over the limit on the session socket: bad_frame, then it closes")
    c.close()
    check(wait_state(d, "bench-0", "free"), "and the lease ends")
    e = Owner(d.sock)
    e.s.sendall(frame({"id": 5, "op": "open", "board": "bench-0", "direct": "yes"}))
    r = e.reply(5)
    check(r.get("error", {}).get("code") == "bad_arg", "\"direct\" that is not a "
          "boolean: bad_arg (%s)" % r.get("error", {}).get("message"))
    e.close()


def pokes_ride(d):
    a = Owner(d.sock)
    a.open_direct(board="bench-0")
    r = a.data.ok("step", n=1, pokes=[{"port": "rst", "value": 1}])
    r = a.data.ok("step", n=4, peek=["count"],
                  pokes=[{"port": "rst", "value": 0}, {"port": "en", "value": "0x1", "at": 1}])
    check(r["cycle"] == 5 and r["values"]["count"] == "0x04" and "poke_error" not in r,
          "pokes riding on a step are carried out before it, at their cycles: %s" % r)
    r = a.data.ok("step", n=2, peek=["count"],
                  pokes=[{"port": "en", "value": 0}, {"port": "nope", "value": 1},
                         {"port": "en", "value": 7}])
    err = r.get("poke_error", {})
    check(r["cycle"] == 7 and r["values"]["count"] == "0x04" and err.get("code") == "bad_arg"
          and err.get("message", "").startswith("pokes[1]:"),
          "a poke that fails: the others are carried out, the step runs, and its reply "
          "says which failed and why (%s)" % err.get("message"))
    r = a.data.ok("now", pokes="en")
    check(r.get("poke_error", {}).get("code") == "bad_arg", "\"pokes\" that is not a "
          "list: poke_error bad_arg")
    a.close()
    check(wait_state(d, "bench-0", "free"), "the board is free again")


def idle():
    d = Hild("direct-idle", "--lease-idle", "2")
    a = Owner(d.sock)
    r = a.open_direct(sim=COUNTER)
    name = r["ok"]["board"]
    t0 = time.monotonic()
    while time.monotonic() - t0 < 4:
        a.data.ok("step", n=1)
        time.sleep(0.2)
    check(board_state(d, name) == "leased", "a direct owner busy on its session socket "
          "keeps its lease past --lease-idle (4 s against 2)")
    t0 = time.monotonic()
    tail = drain(a.data, 8)
    waited = time.monotonic() - t0
    reason = tail[-1]["event"].get("reason", "") if tail else ""
    check("--lease-idle" in reason and waited < 6,
          "a silent direct owner loses the lease after --lease-idle, and its session "
          "socket says why: %s (after %.1f s)" % (reason, waited))
    a.close()
    check(d.stop() == 0, "hild stops cleanly")


def tcp_refused():
    tok = os.path.join(Hild.workdir, "direct-token")
    with open(tok, "w") as f:
        f.write("a-token-for-the-direct-tests\n")
    os.chmod(tok, 0o600)
    d, addr = Hild.on_tcp("direct-tcp", tok)
    s = connect(addr, token="a-token-for-the-direct-tests")
    s.sendall(frame({"id": 1, "op": "open", "sim": COUNTER, "direct": True}))
    r = recv_msg(s)
    check(r.get("error", {}).get("code") == "bad_arg" and "Unix socket" in
          r["error"]["message"], "direct over TCP: bad_arg, %s"
          % r.get("error", {}).get("message"))
    s.close()
    check(d.stop() == 0, "hild stops cleanly")


def busy_worker():
    """hild's end of a worker's socket once blocked: a worker busy with a
    long wait reads nothing, and a client piling large requests on it
    filled the socket and stopped hild for every client."""
    d = Hild("busy")
    a = Client(d.sock)
    a.ok("open", sim=COUNTER)
    a.ok("poke", port="en", value=0)
    a.send("wait", port="count", cmp="==", value="0x05", timeout=10 ** 10)
    pad = "x" * 900000
    stop = threading.Event()

    def flood():
        try:
            for k in range(60):
                if stop.is_set():
                    break
                a.s.sendall(frame({"id": 100 + k, "op": "poke", "port": "en",
                                   "value": 0, "pad": pad}))
        except OSError:
            pass

    t = threading.Thread(target=flood, daemon=True)
    t.start()
    time.sleep(3)
    b = None
    try:
        t0 = time.monotonic()
        b = Client(d.sock, timeout=5)
        b.ok("ping")
        took = time.monotonic() - t0
    except OSError:
        took = None
    check(took is not None and took < 2, "a worker busy with a long wait while its client "
          "piles 54 MB of requests on it: hild still answers others (%s)"
          % ("%.3f s" % took if took is not None else "no answer in 5 s"))
    stop.set()
    a.s.close()
    if b:
        b.close()
    check(d.stop() == 0, "hild stops cleanly")


def main():
    cfg = [{"name": "bench-0", "type": "counter", "uri": "sim:" + COUNTER}]
    d = Hild("direct", config=cfg)
    data_and_monitor(d)
    data_socket_ends(d)
    pokes_ride(d)
    check(d.stop() == 0, "hild stops cleanly")
    idle()
    tcp_refused()
    busy_worker()
    summary()


main()
