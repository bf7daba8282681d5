"""TCP with TLS (issue 18): hild's certificate, optional client
certificates (each its own user), the token on top and never in the
clear; plain TCP only on loopback and only when asked. Certificates are
made here with the openssl command; clients are libhil's (the hil CLI)
and the Python package's.

    tls.py HILD HIL WORKDIR
"""
import os
import socket
import ssl
import subprocess
import sys
import threading

from certs import make_certs
from hildproto import Hild, check, frame, free_port, recv_msg, summary, wait_port

Hild.binary, HIL, Hild.workdir = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
W = Hild.workdir
ROOT = os.getcwd()
COUNTER = os.path.join(ROOT, "examples/counter")
TOKEN = "tls-test-token-0123456789"
sys.path.insert(0, os.path.join(ROOT, "host", "python"))
import hil  # noqa: E402


class Tap:
    """A TCP relay that keeps every byte the client sent."""

    def __init__(self, port):
        self.seen = bytearray()
        self.ls = socket.socket()
        self.ls.bind(("127.0.0.1", 0))
        self.ls.listen(4)
        self.port = self.ls.getsockname()[1]
        self.target = port
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                a, _ = self.ls.accept()
            except OSError:
                return
            b = socket.create_connection(("127.0.0.1", self.target))
            threading.Thread(target=self.pipe, args=(a, b, True), daemon=True).start()
            threading.Thread(target=self.pipe, args=(b, a, False), daemon=True).start()

    def pipe(self, src, dst, keep):
        while True:
            try:
                d = src.recv(65536)
                if d:
                    if keep:
                        self.seen += d
                    dst.sendall(d)
            except OSError:
                d = b""
            if not d:
                for s in (src, dst):
                    try:
                        s.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                return


def cli(env, *args):
    return subprocess.run([HIL] + list(args), capture_output=True, text=True, env=env,
                          timeout=300)


def server_only(p):
    port = free_port()
    d = Hild("tls1", "--tcp", "127.0.0.1:%d" % port, "--tls-cert", p("server.pem"),
             "--tls-key", p("server.key"), "--token-file", p("token"))
    wait_port(port)
    tap = Tap(port)
    env = dict(os.environ, HIL_HILD="tls:localhost:%d" % tap.port, HIL_TLS_CA=p("ca.pem"),
               HIL_TOKEN_FILE=p("token"))
    r = cli(env, "boards", "--json")
    check(r.returncode == 0 and '"boards"' in r.stdout,
          "hil boards over TLS, the server checked against HIL_TLS_CA (%s)" % r.stderr.strip())
    script = os.path.join(COUNTER, "test.hil")
    via = cli(env, "run", "--dut", COUNTER, script)
    ref = cli(dict(os.environ), "run", "--direct", "--dut", COUNTER, script)
    check(via.returncode == 0 and via.stdout == ref.stdout and "tls:localhost" in via.stderr,
          "hil run through hild over TLS: the direct run's trace (%s)"
          % via.stderr.strip()[-200:])
    os.environ.update(HIL_TLS_CA=p("ca.pem"), HIL_TOKEN_FILE=p("token"))
    try:
        with hil.open("hild:sim:" + COUNTER, address="tls:localhost:%d" % port) as dut:
            dut.rst.value = 1
            dut.step()
            dut.rst.value = 0
            dut.en.value = 1
            dut.step(10)
            py = int(dut.count.value)
    except hil.HilError as e:
        py = repr(e)
    check(py == 10, "the Python client's session over TLS: 10 steps count to 10 (%s)" % py)
    check(TOKEN.encode() not in tap.seen and len(tap.seen) > 1000,
          "the token never crossed the wire in the clear (%d bytes seen)" % len(tap.seen))
    untrusted = cli(dict(env, HIL_TLS_CA=p("mallory.pem")), "boards")
    check(untrusted.returncode != 0 and "not trusted" in untrusted.stderr,
          "a client that does not trust hild's certificate refuses it (%s)"
          % untrusted.stderr.strip())
    plain = cli(dict(env, HIL_HILD="tcp:127.0.0.1:%d" % port), "boards")
    check(plain.returncode != 0, "plain TCP to the TLS port is not served (%s)"
          % plain.stderr.strip()[:120])
    ctx = ssl.create_default_context(cafile=p("ca.pem"))
    s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="localhost")
    s.sendall(frame({"hello": 1, "client": "t", "token": "wrong-token-xxxxxxxx"}))
    r = recv_msg(s)
    check(r and r.get("error", {}).get("code") == "auth",
          "over TLS the token is still asked for: a wrong one gets auth")
    s.close()
    check(d.stop() == 0, "hild stops cleanly")


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def silent_clients(p):
    """A TCP client that sends nothing, or stops inside its TLS handshake,
    once made hild spin at full CPU from its handshake deadline on, and
    kept its place for ever."""
    port = free_port()
    d = Hild("tls3", "--tcp", "127.0.0.1:%d" % port, "--tls-cert", p("server.pem"),
             "--tls-key", p("server.key"), "--token-file", p("token"), "--handshake-s", "1")
    wait_port(port)
    quiet = socket.create_connection(("127.0.0.1", port))
    half = socket.create_connection(("127.0.0.1", port))
    half.sendall(b"\x16\x03\x01\x01\x00\x01\x00\x00\xfc\x03\x03")
    before = cpu_s(d.p.pid)
    threading.Event().wait(4)
    spent = cpu_s(d.p.pid) - before
    gone = []
    for s in (quiet, half):
        s.settimeout(5)
        try:
            gone.append(s.recv(100) == b"")
        except OSError:
            gone.append(True)
        s.close()
    check(gone == [True, True] and spent < 0.5,
          "TLS clients silent from the start or inside their handshake: closed after "
          "--handshake-s, hild used %.2f s of CPU over those 4 s" % spent)
    check(d.stop() == 0, "hild stops cleanly")


def hild_killed(p):
    """libhil's TLS client writing to a hild that died got SIGPIPE (OpenSSL
    writes with write(2)): the program died with no word of why."""
    port = free_port()
    d = Hild("tls4", "--tcp", "127.0.0.1:%d" % port, "--tls-cert", p("server.pem"),
             "--tls-key", p("server.key"), "--token-file", p("token"))
    wait_port(port)
    script = os.path.join(W, "long.hil")
    with open(script, "w") as f:
        f.write("poke en 1\n" + "step 1\npeek count\n" * 200000)
    env = dict(os.environ, HIL_HILD="tls:localhost:%d" % port, HIL_TLS_CA=p("ca.pem"),
               HIL_TOKEN_FILE=p("token"))
    run = subprocess.Popen([HIL, "run", "--dut", COUNTER, script], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True, env=env)
    threading.Event().wait(3)
    d.kill()
    err = run.communicate(timeout=120)[1]
    check(run.returncode > 0 and "hild" in err,
          "hild killed under a TLS client's session: the client exits %d saying why (%s), "
          "not by SIGPIPE" % (run.returncode, err.strip().splitlines()[-1][-120:]))


def client_certs(p):
    port = free_port()
    d = Hild("tls2", "--tcp", "127.0.0.1:%d" % port, "--tls-cert", p("server.pem"),
             "--tls-key", p("server.key"), "--tls-client-ca", p("ca.pem"),
             "--token-file", p("token"))
    wait_port(port)
    base = dict(os.environ, HIL_HILD="tls:localhost:%d" % port, HIL_TLS_CA=p("ca.pem"),
                HIL_TOKEN_FILE=p("token"))
    who = {n: dict(base, HIL_TLS_CERT=p(n + ".pem"), HIL_TLS_KEY=p(n + ".key"))
           for n in ("alice", "bob", "mallory", "spaced")}
    none = cli(base, "boards")
    forged = cli(who["mallory"], "boards")
    check(none.returncode != 0 and forged.returncode != 0 and "HIL_TLS_CERT" in none.stderr,
          "--tls-client-ca: no certificate, or a self-signed one naming alice, is refused "
          "(%s; %s)" % (none.stderr.strip()[:100], forged.stderr.strip()[:100]))
    spaced = cli(who["spaced"], "boards")
    check(spaced.returncode != 0 and "one common name" in spaced.stderr,
          "a CA-signed certificate whose common name needs escaping ('al ice') is refused, "
          "not taken as another user's look-alike (%s)" % spaced.stderr.strip()[-100:])
    sub = cli(who["alice"], "submit", os.path.join(COUNTER, "test.hil"), "--dut", COUNTER,
              "--sim")
    job = sub.stdout.strip()
    mine = cli(who["alice"], "wait", job)
    theirs = cli(who["bob"], "result", job)
    check(sub.returncode == 0 and mine.returncode == 0 and theirs.returncode != 0 and
          "no job" in theirs.stderr,
          "each certificate is its own user: alice's job is hers, bob gets no_job (%s)"
          % theirs.stderr.strip()[:160])
    check(d.stop() == 0, "hild stops cleanly")


def refusals(p):
    cases = [(["--tcp", "0.0.0.0:%d" % free_port(), "--tcp-plain", "--token-file", p("token")],
              "plain TCP only on a loopback address"),
             (["--tcp", "127.0.0.1:%d" % free_port(), "--token-file", p("token")],
              "--tcp needs TLS")]
    for args, said in cases:
        r = subprocess.run([Hild.binary, "--socket", os.path.join(W, "no.sock"), "--state",
                            os.path.join(W, "no-state")] + args, capture_output=True, text=True,
                           timeout=30)
        check(r.returncode != 0 and said in r.stderr,
              "hild %s: refuses to start (%s)" % (" ".join(args[:3]), r.stderr.strip()))


def main():
    p = make_certs(W, TOKEN)
    server_only(p)
    silent_clients(p)
    hild_killed(p)
    client_certs(p)
    refusals(p)
    summary()


main()
