"""hild under attack and load at once (issue 18), over TCP with TLS and
the Unix socket together: 256 TLS connections that never send a token
(half of them announcing a 1 MiB frame), 300,000 subscription attempts,
and a client that sends without ever reading, while a TLS client and a
Unix client run their sessions to the right traces. hild's resident
memory is sampled throughout and must stay under LIMIT_MB (printed);
docs/hild.md gives the figure.

    load.py HILD HIL WORKDIR
"""
import os
import socket
import ssl
import subprocess
import sys
import threading
import time

from certs import make_certs
from hildproto import Client, Hild, check, frame, free_port, rss_kb, summary, wait_port

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
COUNTER = os.path.join(os.getcwd(), "examples/counter")
TOKEN = "load-test-token-0123456789"
# hild's resident set may grow this much over its idle size, all of the
# load at once (the sanitizer build, its quarantine held small).
LIMIT_MB = 32


class Sampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()
        self.start()

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, rss_kb(self.pid))
            except OSError:
                return
            time.sleep(0.05)


def unauthenticated(port, ca, out):
    ctx = ssl.create_default_context(cafile=ca)
    conns = []
    for k in range(256):
        try:
            s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                                server_hostname="localhost")
            if k % 2:
                s.sendall((1 << 20).to_bytes(4, "big") + b"{" * 4000)
            conns.append(s)
        except OSError:
            out["refused"] = out.get("refused", 0) + 1
    out["open"] = len(conns)
    out["conns"] = conns


def subscriptions(sock, out):
    c = Client(sock, timeout=120)
    codes = {}
    for _ in range(300):
        ids = [c.send("subscribe", topic="board/x%d/#" % len(codes)) for _ in range(1000)]
        for i in ids:
            code = c.reply(i).get("error", {}).get("code", "ok")
            codes[code] = codes.get(code, 0) + 1
    out["codes"] = codes
    c.close()


def non_reader(sock, out):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock)
    s.sendall(frame({"hello": 1, "client": "deaf"}))
    s.sendall(frame({"id": 0, "op": "subscribe", "topic": "#"}))
    sent = 0
    try:
        s.settimeout(30)
        while sent < 200000:
            s.sendall(frame({"id": sent + 1, "op": "boards"}))
            sent += 1
    except OSError:
        pass
    out["sent"] = sent
    s.close()


def runs(env, n, ref, out, key):
    good = 0
    for _ in range(n):
        r = subprocess.run([HIL, "run", "--dut", COUNTER, os.path.join(COUNTER, "test.hil")],
                           capture_output=True, text=True, env=env, timeout=300)
        good += r.returncode == 0 and r.stdout == ref
    out[key] = good


def main():
    p = make_certs(W, TOKEN)
    port = free_port()
    os.environ["ASAN_OPTIONS"] = (os.environ.get("ASAN_OPTIONS", "") +
                                  ":quarantine_size_mb=1").lstrip(":")
    d = Hild("load", "--tcp", "127.0.0.1:%d" % port, "--tls-cert", p("server.pem"),
             "--tls-key", p("server.key"), "--token-file", p("token"), "--max-clients", "400",
             "--max-tcp", "300", "--handshake-s", "60", "--max-out", "1048580")
    wait_port(port)
    ref = subprocess.run([HIL, "run", "--direct", "--dut", COUNTER,
                          os.path.join(COUNTER, "test.hil")], capture_output=True, text=True,
                         timeout=300).stdout
    time.sleep(0.3)
    base = rss_kb(d.p.pid)
    sampler = Sampler(d.p.pid)
    out = {}
    tls_env = dict(os.environ, HIL_HILD="tls:localhost:%d" % port, HIL_TLS_CA=p("ca.pem"),
                   HIL_TOKEN_FILE=p("token"))
    unix_env = dict(os.environ, HIL_HILD=d.sock)
    attackers = [threading.Thread(target=unauthenticated, args=(port, p("ca.pem"), out)),
                 threading.Thread(target=subscriptions, args=(d.sock, out)),
                 threading.Thread(target=non_reader, args=(d.sock, out))]
    for t in attackers:
        t.start()
    time.sleep(1)
    users = [threading.Thread(target=runs, args=(tls_env, 5, ref, out, "tls")),
             threading.Thread(target=runs, args=(unix_env, 5, ref, out, "unix"))]
    t0 = time.monotonic()
    for t in users:
        t.start()
    for t in users + attackers:
        t.join(600)
    took = time.monotonic() - t0
    sampler.stop.set()
    peak_mb = (sampler.peak - base) / 1024
    print("hild's resident memory: %.1f MiB idle, %.1f MiB at the peak of the load "
          "(grew %.1f MiB; bound %d MiB)" % (base / 1024, sampler.peak / 1024, peak_mb,
                                           LIMIT_MB), flush=True)
    check(out.get("tls") == 5 and out.get("unix") == 5,
          "under the load, 5 runs over TLS and 5 over the Unix socket each printed the "
          "direct run's trace (%s of 5, %s of 5, %.0f s)" % (out.get("tls"), out.get("unix"),
                                                            took))
    codes = out.get("codes", {})
    check(codes.get("ok") == 1024 and codes.get("limit") == 300000 - 1024,
          "300,000 subscription attempts: 1024 taken (--max-subs), the rest limit %s" % codes)
    check(out.get("open", 0) + out.get("refused", 0) == 256,
          "256 TLS connections that never send a token: %d held open, %d refused"
          % (out.get("open", 0), out.get("refused", 0)))
    check(out.get("sent", 200000) < 200000,
          "a client that sends without reading is dropped (after %s requests)"
          % out.get("sent"))
    check(peak_mb < LIMIT_MB, "hild grew %.1f MiB at most, under %d MiB" % (peak_mb, LIMIT_MB))
    log = d.logtext()
    for c in out.get("conns", []):
        c.close()
    u = Client(d.sock, timeout=10)
    check("ok" in u.call("ping") and "did not read" in log,
          "hild serves on afterwards; its log names the dropped client")
    u.close()
    check(d.stop() == 0, "hild stops cleanly")
    summary()


try:
    main()
finally:
    for h in Hild.started:
        if h.p.poll() is None:
            h.kill()
