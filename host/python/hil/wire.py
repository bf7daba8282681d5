"""One connection to hild: where it listens, the framing and handshake of
its client protocol (docs/client-protocol.md), requests matched to their
replies by id, and events handed to the subscription they belong to."""
import collections
import json
import os
import select
import socket
import ssl
import stat
import struct
import time

from .errors import ConnectionLost, HilError, NotRunning

PROTOCOL = 1
# hild's own limit is --max-msg (1 MiB by default); a lab may raise it, so
# the client takes more, but never an unbounded amount.
MAX_MSG = 64 << 20
# Events of a subscription whose handler is not known yet wait here; a
# bounded queue, so a misbehaving server cannot grow our memory.
MAX_ORPHANS = 65536


def default_address():
    """Where hild listens: $HIL_HILD, else the socket hild picks by default
    (the same rule as libhil's hild: targets)."""
    env = os.environ.get("HIL_HILD")
    if env:
        return env
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg:
        own = os.path.join(xdg, "hil", "hild.sock")
        try:
            if stat.S_ISSOCK(os.stat(own).st_mode):
                return own
        except OSError:
            pass
    return "/run/hil/hild.sock"


def topic_match(pattern, topic):
    """hild's rule: `*` is one segment, a last `#` any number (so `a/#`
    matches `a` too)."""
    p, t = pattern.split("/"), topic.split("/")
    if p[-1] == "#":
        p = p[:-1]
        return len(t) >= len(p) and all(a in ("*", b) for a, b in zip(p, t))
    return len(p) == len(t) and all(a in ("*", b) for a, b in zip(p, t))


def over_tcp(address):
    """tls:HOST:PORT (TLS) or tcp:HOST:PORT (plain, a hild on loopback)."""
    return address.startswith("tcp:") or address.startswith("tls:")


def _tls_context():
    """As libhil's client: trust $HIL_TLS_CA (else the system's CAs), and
    offer $HIL_TLS_CERT/$HIL_TLS_KEY when hild asks for a certificate."""
    ctx = ssl.create_default_context(cafile=os.environ.get("HIL_TLS_CA") or None)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    cert = os.environ.get("HIL_TLS_CERT")
    if cert:
        ctx.load_cert_chain(cert, os.environ.get("HIL_TLS_KEY") or None)
    return ctx


def _dial(address, timeout):
    if over_tcp(address):
        host, _, port = address[4:].rpartition(":")
        if not host or not port.isdigit():
            raise HilError("bad_arg", "%s: expected %s:HOST:PORT" % (address, address[:3]))
        try:
            s = socket.create_connection((host, int(port)), timeout=timeout)
        except OSError as e:
            raise NotRunning("not_running", "cannot reach hild at %s: %s" %
                             (address, e.strerror or e)) from None
        if address.startswith("tcp:"):
            return s
        try:
            return _tls_context().wrap_socket(s, server_hostname=host)
        except ssl.SSLCertVerificationError as e:
            s.close()
            raise HilError("auth", "TLS to %s: its certificate is not trusted (%s); set "
                           "HIL_TLS_CA to the CA that signed it"
                           % (host, e.verify_message)) from None
        except (ssl.SSLError, OSError) as e:
            s.close()
            raise HilError("auth", "TLS handshake with %s: %s" % (host, e)) from None
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(address)
    except OSError as e:
        s.close()
        raise NotRunning("not_running", "no hild answers at %s (%s): start one with "
                         "`hild --foreground` (docs/hild.md), or set HIL_HILD to "
                         "where it listens" % (address, e.strerror or e)) from None
    return s


def _token(address, token):
    if token is not None or not over_tcp(address):
        return token
    path = os.environ.get("HIL_TOKEN_FILE")
    if not path:
        raise HilError("auth", "hild over TCP wants its token: set HIL_TOKEN_FILE to "
                       "a file holding it, or pass token=")
    return read_token(path)


def read_token(path):
    """The one rule for token files, as hild and libhil read them: the
    file's text with trailing spaces, tabs and line ends taken off, which
    must be one line of printable characters."""
    with open(path, "rb") as f:
        raw = f.read(256)
        more = f.read(1)
    tok = raw.rstrip(b" \t\r\n")
    if more or not tok or any(c < 0x20 or c == 0x7f for c in tok):
        raise HilError("auth", "token file %s: the token must be one line of printable "
                       "characters, at most 255" % path)
    return tok.decode("utf-8", "replace")


class Connection:
    """A client of hild. call() sends a request and returns its reply's
    "ok" object or raises HilError; send() and reply() split that in two so
    requests can be pipelined. Events are handed to on_event(sub, topic,
    event) handlers as they are read. With sock, it speaks on that socket
    (a direct session's, passed by hild) with no handshake."""

    def __init__(self, address=None, client="python", token=None, timeout=None, sock=None):
        self._buf = bytearray()
        self._next = 1
        self._replies = {}
        self._handlers = {}
        self._orphans = collections.deque(maxlen=MAX_ORPHANS)
        self._closed = False
        self._passed = None
        if sock is not None:
            self.address = "hild's worker"
            self._sock = sock
            self._sock.settimeout(timeout)
            return
        self.address = address or default_address()
        token = _token(self.address, token)
        self._sock = _dial(self.address, timeout)
        self._sock.settimeout(timeout)
        hello = {"hello": PROTOCOL, "client": client}
        if token is not None:
            hello["token"] = token
        self._write(hello)
        m = self._read()
        if "error" in m:
            self.close()
            raise HilError(m["error"].get("code", "handshake"), m["error"].get("message", ""))
        if m.get("hello") != PROTOCOL:
            self.close()
            raise HilError("version", "hild answered the handshake with %r" % (m,))

    def _write(self, obj):
        data = json.dumps(obj, separators=(",", ":")).encode()
        try:
            self._sock.sendall(struct.pack(">I", len(data)) + data)
        except OSError as e:
            self._lost("sending to hild failed: %s" % (e.strerror or e))

    def _lost(self, why):
        self.close()
        raise ConnectionLost("closed", why)

    def take_fd(self):
        """The descriptor hild passed with a message (a direct session's
        socket), now the caller's; None if none came."""
        fd, self._passed = self._passed, None
        return fd

    def _fill(self, n):
        while len(self._buf) < n:
            try:
                if self._sock.family == socket.AF_UNIX:
                    got, fds, _, _ = socket.recv_fds(self._sock, max(65536, n - len(self._buf)), 1)
                    for fd in fds:
                        if self._passed is not None:
                            os.close(self._passed)
                        self._passed = fd
                else:
                    got = self._sock.recv(max(65536, n - len(self._buf)))
            except socket.timeout:
                # A reply may still come: the connection is out of step, so end it.
                self.close()
                raise ConnectionLost("timeout", "no answer from hild within the timeout; "
                                     "the connection is closed") from None
            except OSError as e:
                self._lost("reading from hild failed: %s" % (e.strerror or e))
            if not got:
                self._lost("%s closed the connection" %
                           ("hild's worker" if self.address == "hild's worker" else "hild"))
            self._buf += got

    def _read(self):
        self._fill(4)
        n = struct.unpack(">I", self._buf[:4])[0]
        if n == 0 or n > MAX_MSG:
            self._lost("hild sent a frame of %d bytes" % n)
        self._fill(4 + n)
        body = bytes(self._buf[4:4 + n])
        del self._buf[:4 + n]
        try:
            m = json.loads(body)
        except ValueError:
            self._lost("hild sent a frame that is not JSON")
        if not isinstance(m, dict):
            self._lost("hild sent a frame that is not a JSON object")
        return m

    def _route(self, m):
        if "id" in m:
            self._replies[m["id"]] = m
        elif "sub" in m:
            h = self._handlers.get(m["sub"])
            if h is None:
                self._orphans.append(m)
            else:
                h(m["sub"], m.get("topic"), m.get("event"))
        elif "error" in m:
            e = m["error"]
            self.close()
            raise HilError(e.get("code", "closed"), e.get("message", ""))
        else:
            self._lost("hild sent %r, neither a reply nor an event" % (m,))

    def pump(self):
        """Reads and routes one message (blocking)."""
        self._route(self._read())

    def whole(self):
        """A whole message waits in the buffer."""
        return len(self._buf) >= 4 and len(self._buf) >= 4 + struct.unpack(">I", self._buf[:4])[0]

    def has_reply(self, i):
        return i in self._replies

    @property
    def sent(self):
        """How many requests this connection has sent."""
        return self._next - 1

    def poll(self, timeout=0.0):
        """Waits up to timeout seconds for a message, then reads and routes
        it and every other one already here; returns how many."""
        n = 0
        deadline = time.monotonic() + timeout
        while not self._closed:
            if not self.whole():
                left = 0.0 if n else max(0.0, deadline - time.monotonic())
                # Bytes TLS has decrypted are not the socket's to show.
                tls_has = isinstance(self._sock, ssl.SSLSocket) and self._sock.pending()
                if not tls_has and not select.select([self._sock], [], [], left)[0]:
                    return n
                self._fill(len(self._buf) + 1)
                continue
            self.pump()
            n += 1
        return n

    def send(self, op, **args):
        if self._closed:
            raise ConnectionLost("closed", "this connection to hild is closed")
        i = self._next
        self._next += 1
        args["id"] = i
        args["op"] = op
        self._write(args)
        return i

    def reply(self, i):
        while i not in self._replies:
            self.pump()
        m = self._replies.pop(i)
        if "error" in m:
            e = m["error"]
            raise HilError(e.get("code", "error"), e.get("message", ""))
        return m.get("ok", {})

    def call(self, op, **args):
        return self.reply(self.send(op, **args))

    def on_event(self, sub, handler):
        """handler(sub, topic, event) for every event of subscription sub;
        None removes it. Events that came before it was set go to it now."""
        if handler is None:
            self._handlers.pop(sub, None)
            return
        self._handlers[sub] = handler
        for m in [m for m in self._orphans if m["sub"] == sub]:
            self._orphans.remove(m)
            handler(m["sub"], m.get("topic"), m.get("event"))

    def close(self):
        if not self._closed:
            self._closed = True
            self._sock.close()
            if self._passed is not None:
                os.close(self._passed)
                self._passed = None

    @property
    def closed(self):
        return self._closed


# A worker's reply is often tens of microseconds away and sleeping until
# it comes costs a wake-up of about as much: with a CPU to spare, ask again
# for up to SPIN_S before sleeping (as libhil and hild's workers do).
SPIN_S = 200e-6 if len(os.sched_getaffinity(0)) > 1 else 0.0

# The operations a session's worker carries out (hild's ops.c).
SESSION_OPS = frozenset(("poke", "peek", "step", "run", "advance", "watch", "unwatch",
                         "wait", "sync", "now", "stats"))


class Direct:
    """A direct session: its operations go to the session's worker on the
    socket hild passed, everything else (close, subscribe) to hild. Looks
    like one Connection to the session; the ids it hands out are opaque."""

    def __init__(self, control, data):
        self._control = control
        self._data = data
        self._spin = SPIN_S > 0

    def send(self, op, **args):
        c = self._data if op in SESSION_OPS else self._control
        return (c, c.send(op, **args))

    def reply(self, i):
        c, n = i
        if c is self._control:
            return c.reply(n)
        # While the worker works, hild's messages (other subscriptions'
        # events) are read as they come, so hild never holds them long.
        timeout = c._sock.gettimeout()
        while not c.has_reply(n):
            if c.whole():
                c.pump()
                continue
            socks = [c._sock, self._control._sock]
            t0 = time.perf_counter()
            ready = select.select(socks, [], [], 0)[0]
            while not ready and self._spin and time.perf_counter() - t0 < SPIN_S:
                ready = select.select(socks, [], [], 0)[0]
            if not ready:
                ready = select.select(socks, [], [], timeout)[0]
            # Polled for only while replies come that soon.
            self._spin = time.perf_counter() - t0 < SPIN_S
            if not ready:
                c.close()
                raise ConnectionLost("timeout", "no answer from hild's worker within the "
                                     "timeout; the connection is closed")
            if self._control._sock in ready:
                self._control.poll(0)
            if c._sock in ready:
                c.pump()
        return c.reply(n)

    @property
    def sent(self):
        return self._control.sent + self._data.sent

    def call(self, op, **args):
        return self.reply(self.send(op, **args))

    def on_event(self, sub, handler):
        self._control.on_event(sub, handler)
        self._data.on_event(sub, handler)

    def close(self):
        self._data.close()
        self._control.close()

    @property
    def closed(self):
        return self._control.closed or self._data.closed
