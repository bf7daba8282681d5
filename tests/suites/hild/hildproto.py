"""Helpers the hild tests share: framing, a blocking client of hild's
protocol (docs/client-protocol.md) that keeps events apart from replies,
and the ok/FAIL counting with the closing line the CI reads."""
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

counts = {"passed": 0, "failed": 0}


def check(cond, what):
    if cond:
        counts["passed"] += 1
        print("ok", what, flush=True)
    else:
        counts["failed"] += 1
        print("FAIL", what, flush=True)
    return cond


def summary():
    print("%d passed, %d failed" % (counts["passed"], counts["failed"]))
    sys.exit(1 if counts["failed"] else 0)


def at_once(n, fn):
    """Runs fn(k) for k in range(n), each in a thread of its own, all at
    once, and returns the failures once all are done: what fn returned
    where that was not None, and (k, the exception) where it raised."""
    bad = []

    def one(k):
        try:
            r = fn(k)
        except Exception as e:  # noqa: BLE001 - any failure counts
            r = (k, repr(e))
        if r is not None:
            bad.append(r)

    ts = [threading.Thread(target=one, args=(k,)) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return bad


def frame(obj):
    data = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return struct.pack(">I", len(data)) + data


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        got = s.recv(n - len(buf))
        if not got:
            return None
        buf += got
    return buf


def recv_msg(s):
    head = recv_exact(s, 4)
    if head is None:
        return None
    body = recv_exact(s, struct.unpack(">I", head)[0])
    return None if body is None else json.loads(body)


def closed(s):
    s.settimeout(5)
    try:
        return s.recv(1) == b""
    except OSError:
        return True


def connect(path, hello=True, token=None):
    if isinstance(path, tuple):
        s = socket.create_connection(path)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
    s.settimeout(60)
    if hello:
        h = {"hello": 1, "client": "test"}
        if token is not None:
            h["token"] = token
        s.sendall(frame(h))
        r = recv_msg(s)
        assert r == {"hello": 1, "server": "hild"}, r
    return s


class Client:
    """One connection: call() sends a request and returns its reply,
    keeping events (in order) in self.events."""

    def __init__(self, path, name="test", timeout=120):
        self.s = connect(path)
        self.s.settimeout(timeout)
        self.next = 1
        self.events = []
        self.replies = {}

    def send(self, op, **args):
        i = self.next
        self.next += 1
        args.update(id=i, op=op)
        self.s.sendall(frame(args))
        return i

    def reply(self, i):
        while i not in self.replies:
            m = recv_msg(self.s)
            if m is None:
                raise EOFError("hild closed the connection")
            if "sub" in m and "id" not in m:
                self.events.append(m)
            elif "id" in m:
                self.replies[m["id"]] = m
            else:
                raise RuntimeError("unexpected %r" % m)
        return self.replies.pop(i)

    def call(self, op, **args):
        return self.reply(self.send(op, **args))

    def ok(self, op, **args):
        r = self.call(op, **args)
        if "ok" not in r:
            raise RuntimeError("%s: %r" % (op, r))
        return r["ok"]

    def close(self):
        self.s.close()


def free_port():
    """A loopback TCP port nobody listens on (now)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, tries=200):
    """Until something accepts on the loopback port (at most 10 s)."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port)).close()
            return
        except OSError:
            time.sleep(0.05)


class Hild:
    """A hild of a test's own; the script sets binary and workdir. Every
    one started is in `started`, for a script to stop what is left when it
    fails."""
    binary = workdir = None
    started = []

    def __init__(self, name, *args, config=None, state=None):
        self.sock = os.path.join(self.workdir, name + ".sock")
        self.log = os.path.join(self.workdir, name + ".log")
        self.state = state or os.path.join(self.workdir, name + "-state")
        cmd = [self.binary, "--socket", self.sock, "--state", self.state, "--foreground"]
        if config is not None:
            path = os.path.join(self.workdir, name + "-boards.json")
            with open(path, "w") as f:
                json.dump({"boards": config}, f)
            cmd += ["--config", path]
        self.p = subprocess.Popen(cmd + list(args), stderr=open(self.log, "a"))
        Hild.started.append(self)
        for _ in range(400):
            if os.path.exists(self.sock):
                break
            time.sleep(0.05)

    @classmethod
    def on_tcp(cls, name, token_file, *args):
        """A hild also on TCP (loopback, a free port) with a token; returns
        it and its address once it answers there."""
        port = free_port()
        d = cls(name, "--tcp", "127.0.0.1:%d" % port, "--tcp-plain", "--token-file", token_file,
                *args)
        wait_port(port)
        return d, ("127.0.0.1", port)

    def stop(self):
        """SIGTERM; hild's exit status. One that is not 0 prints the end
        of hild's log, which CI shows with the failed check."""
        self.p.send_signal(signal.SIGTERM)
        rc = self.p.wait(60)
        if rc != 0:
            print("hild %s exited with %d; the end of its log:\n%s"
                  % (os.path.basename(self.sock), rc, self.logtext()[-3000:]))
        return rc

    def kill(self):
        self.p.kill()
        self.p.wait(60)

    def logtext(self):
        with open(self.log) as f:
            return f.read()


def counter_ops(c, k):
    """The counter's reset-and-count stimulus; returns (reports, peek)."""
    c.ok("poke", port="rst", value=1)
    c.ok("step", n=1)
    c.ok("poke", port="rst", value=0)
    c.ok("poke", port="en", value=1)
    c.ok("watch", port="count")
    c.ok("step", n=k)
    v = c.ok("peek", port="count")
    reps = [(e["event"]["cycle"], e["event"]["value"]) for e in c.events
            if e["topic"].endswith("/port/count")]
    return reps, (v["cycle"], v["value"])


def counter_expected(k):
    """en is seen from cycle 1, so count = cycle - 1 (docs/scripts.md's
    counter example), modulo 256; a watch from cycle 1 reports every change."""
    return ([(n, "0x%02x" % ((n - 1) % 256)) for n in range(2, 2 + k)],
            (1 + k, "0x%02x" % (k % 256)))


def rss_kb(pid):
    """A process's resident set, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def drain(c, secs=0.5):
    """Every message c's socket still gives, up to its end."""
    out = []
    c.s.settimeout(secs)
    try:
        while True:
            m = recv_msg(c.s)
            if m is None:
                break
            out.append(m)
    except OSError:
        pass
    return out
