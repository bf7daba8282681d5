"""In-process sessions: hil.open("sim:DIR") runs the DUT's model inside the
test's own process, through libhil (libhil.so, with ctypes), with no hild,
socket or thread in between. It answers the requests the Dut class makes of
a connection to hild (wire.Connection), calling libhil for each, so a test
is the same code whether its DUT runs here or behind hild.

libhil.so is looked up in $HIL_LIBHIL, then beside this package in hil's
source tree (build/lib/libhil.so, made by make), then where `make install`
put it beside the package (PREFIX/lib), then as the system finds
libhil.so.1."""
import collections
import ctypes
import os

from .errors import HilError

_CODES = {-1: "bad_arg", -2: "link", -3: "bridge", -4: "signature", -5: "target",
          -6: "full", -7: "record"}
_lib = None


class _Port(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char * 128), ("is_input", ctypes.c_int),
                ("width", ctypes.c_uint), ("nbytes", ctypes.c_uint)]


class _Ports(ctypes.Structure):
    _fields_ = [("top", ctypes.c_char * 128), ("clock", ctypes.c_char * 128),
                ("port", ctypes.POINTER(_Port)), ("n", ctypes.c_size_t),
                ("signature", ctypes.c_uint64), ("params", ctypes.c_char * 1024)]


class _Options(ctypes.Structure):
    _fields_ = [(name, ctypes.c_char_p)
                for name in ("top", "ports", "faults", "record", "params", "defines")] + [
        ("includes", ctypes.POINTER(ctypes.c_char_p)), ("waves", ctypes.c_char_p),
        ("internals", ctypes.c_int)]


_WATCH_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_int, ctypes.c_uint64,
                             ctypes.POINTER(ctypes.c_uint8))


def _library():
    global _lib
    if _lib is not None:
        return _lib
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(here, "..", "..", "..", "build", "lib", "libhil.so")
    installed = os.path.join(here, "..", "..", "..", "libhil.so.1")
    path = os.environ.get("HIL_LIBHIL") or next(
        (p for p in (tree, installed) if os.path.exists(p)), "libhil.so.1")
    try:
        lib = ctypes.CDLL(path)
    except OSError as e:
        raise HilError("target", "cannot load libhil for an in-process session (%s): "
                       "build hil with make, set HIL_LIBHIL to its libhil.so, or open "
                       "hild:sim:DIR to run the DUT behind hild" % e) from None
    p, u8p, u64 = ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint8), ctypes.c_uint64
    for name, args, res in [
            ("hil_open", [ctypes.POINTER(p), ctypes.c_char_p, p, ctypes.c_char_p,
                          ctypes.c_size_t], ctypes.c_int),
            ("hil_close", [p], None), ("hil_error", [p], ctypes.c_char_p),
            ("hil_ports", [p], ctypes.POINTER(_Ports)), ("hil_now", [p], u64),
            ("hil_poke", [p, ctypes.c_int, u8p], ctypes.c_int),
            ("hil_poke_at", [p, ctypes.c_int, u64, u8p], ctypes.c_int),
            ("hil_peek", [p, ctypes.c_int, u8p], ctypes.c_int),
            ("hil_peek_signal", [p, ctypes.c_char_p, u8p, ctypes.POINTER(ctypes.c_uint)],
             ctypes.c_int),
            ("hil_advance", [p, u64], ctypes.c_int), ("hil_step", [p, u64], ctypes.c_int),
            ("hil_run_until", [p, u64], ctypes.c_int),
            ("hil_run_and_peek", [p, u64, ctypes.c_size_t, ctypes.POINTER(ctypes.c_int), u8p],
             ctypes.c_int),
            ("hil_watch", [p, ctypes.c_int, _WATCH_FN, p], ctypes.c_int),
            ("hil_unwatch", [p, ctypes.c_int], ctypes.c_int),
            ("hil_wait", [p, ctypes.c_int, ctypes.c_int, u8p, u8p, u64,
                          ctypes.POINTER(u64)], ctypes.c_int),
            ("hil_sync", [p], ctypes.c_int)]:
        f = getattr(lib, name)
        f.argtypes, f.restype = args, res
    _lib = lib
    return lib


class Local:
    """A session on the model of the DUT in dut_dir, in this process; with
    internals, a model whose insides peek(signal=PATH) reads."""

    SUB = 1
    PLANS = 64

    def __init__(self, dut_dir, params=None, waves=None, internals=False):
        self._lib = _library()
        self._h = ctypes.c_void_p()
        err = ctypes.create_string_buffer(4096)
        opt = _Options(params=params.encode() if params else None,
                       waves=os.fsencode(waves) if waves else None,
                       internals=1 if internals else 0)
        rc = self._lib.hil_open(ctypes.byref(self._h), ("sim:" + dut_dir).encode(),
                                ctypes.byref(opt), err, len(err))
        if rc != 0:
            raise HilError(_CODES.get(rc, "target"), err.value.decode(errors="replace"))
        ports = self._lib.hil_ports(self._h).contents
        self._ports = {}
        info_ports = []
        for i in range(ports.n):
            q = ports.port[i]
            name = q.name.decode()
            self._ports[name] = (i, q.nbytes, ctypes.c_uint8 * q.nbytes)
            info_ports.append({"name": name, "dir": "in" if q.is_input else "out",
                               "width": q.width})
        self.info = {"session": "local", "board": "sim", "top": ports.top.decode(),
                     "params": ports.params.decode(),
                     "signature": "%016x" % ports.signature, "ports": info_ports,
                     "now": self._lib.hil_now(self._h), "sub": self.SUB, "log": None}
        self._names = [p["name"] for p in info_ports]
        self._buf = (ctypes.c_uint8 * 32)()
        self._plans = {}
        self._next = 1
        self._replies = {}
        self._events = collections.deque()
        self._handler = None
        self._closed = False
        self._watch_fn = _WATCH_FN(self._on_watch)

    # -- what the Dut calls, as on wire.Connection ----------------------------

    @property
    def sent(self):
        return self._next - 1

    def send(self, op, **args):
        if self._closed:
            raise HilError("closed", "this session is closed")
        i = self._next
        self._next += 1
        try:
            failed = None
            for p in args.pop("pokes", ()):
                try:
                    self._poke(**p)
                except HilError as e:
                    failed = failed or e
            r = getattr(self, "_op_" + op)(**args)
            if failed is not None:
                r["poke_error"] = {"code": failed.code, "message": failed.message}
            self._replies[i] = (r, None)
        except HilError as e:
            self._replies[i] = (None, e)
        except AttributeError:
            self._replies[i] = (None, HilError(
                "bad_call", "%s is not for an in-process session: open hild:sim:DIR "
                "to run the DUT behind hild" % op))
        return i

    def reply(self, i):
        self._deliver()
        r, e = self._replies.pop(i)
        if e is not None:
            raise e
        return r

    def call(self, op, **args):
        return self.reply(self.send(op, **args))

    def on_event(self, sub, handler):
        if sub == self.SUB:
            self._handler = handler

    def close(self):
        if not self._closed:
            self._closed = True
            self._lib.hil_close(self._h)

    @property
    def closed(self):
        return self._closed

    # -- the ops -----------------------------------------------------------------

    def _check(self, rc):
        if rc < 0:
            raise HilError(_CODES.get(rc, "target"),
                           self._lib.hil_error(self._h).decode(errors="replace"))
        return rc

    def _port(self, name):
        try:
            return self._ports[name]
        except KeyError:
            raise HilError("bad_arg", "\"port\" must name a port of DUT '%s'" %
                           self.info["top"]) from None

    @staticmethod
    def _value(text, nbytes, kind):
        v = int(text, 16) if isinstance(text, str) else int(text)
        return kind.from_buffer_copy(v.to_bytes(nbytes, "little"))

    def _now(self):
        return {"cycle": self._lib.hil_now(self._h)}

    def _op_now(self):
        return self._now()

    def _poke(self, port, value, at=None):
        i, nbytes, kind = self._port(port)
        val = self._value(value, nbytes, kind)
        if at is None:
            self._check(self._lib.hil_poke(self._h, i, val))
        else:
            self._check(self._lib.hil_poke_at(self._h, i, at, val))

    def _op_poke(self, port, value, at=None):
        self._poke(port, value, at)
        return self._now()

    def _read(self, name):
        i, nbytes, _ = self._port(name)
        self._check(self._lib.hil_peek(self._h, i, self._buf))
        return "%#x" % int.from_bytes(bytes(self._buf[:nbytes]), "little")

    def _op_peek(self, port=None, signal=None):
        if signal is None:
            v = self._read(port)
            return {"cycle": self._lib.hil_now(self._h), "value": v}
        # ctypes would end the name at a NUL and read another signal.
        if "\0" in signal:
            raise HilError("bad_arg", "a signal's path holds no NUL character")
        width = ctypes.c_uint()
        self._check(self._lib.hil_peek_signal(self._h, signal.encode(), self._buf,
                                              ctypes.byref(width)))
        raw = bytes(self._buf[:(width.value + 7) // 8])
        return {"cycle": self._lib.hil_now(self._h),
                "value": "%#x" % int.from_bytes(raw, "little"), "width": width.value}

    def _moved(self, peek):
        r = self._now()
        if peek:
            r["values"] = {name: self._read(name) for name in peek}
        return r

    def _run(self, until, peek):
        """Runs to until; the ports in peek are read where it stops, the
        reads sent along with the run (one round trip)."""
        if not peek:
            self._check(self._lib.hil_run_until(self._h, until))
            return self._now()
        ports, idx, vals = self._plan(peek)
        self._check(self._lib.hil_run_and_peek(self._h, until, len(ports), idx, vals))
        raw = bytes(vals)
        return {"cycle": self._lib.hil_now(self._h),
                "values": {name: "%#x" % int.from_bytes(raw[32 * k:32 * k + q[1]], "little")
                           for k, (name, q) in enumerate(zip(peek, ports))}}

    def _plan(self, peek):
        """The ports of a list of reads and the ctypes arrays for them, made
        once a list: a lock-step loop reads the same ones every cycle, and
        making the arrays cost more than the run. At most PLANS lists are
        kept."""
        key = tuple(peek)
        plan = self._plans.get(key)
        if plan is None:
            ports = [self._port(name) for name in peek]
            plan = (ports, (ctypes.c_int * len(ports))(*[q[0] for q in ports]),
                    (ctypes.c_uint8 * (32 * len(ports)))())
            if len(self._plans) >= self.PLANS:
                self._plans.clear()
            self._plans[key] = plan
        return plan

    def _op_step(self, n, peek=None):
        return self._run(self._lib.hil_now(self._h) + n, peek)

    def _op_run(self, until, peek=None):
        return self._run(until, peek)

    def _op_advance(self, n):
        self._check(self._lib.hil_advance(self._h, n))
        return self._now()

    def _op_wait(self, port, cmp, value, timeout, mask=None, peek=None):
        i, nbytes, kind = self._port(port)
        at = ctypes.c_uint64()
        m = self._value(mask, nbytes, kind) if mask is not None else None
        rc = self._check(self._lib.hil_wait(self._h, i, 1 if cmp == "!=" else 0,
                                            self._value(value, nbytes, kind), m, timeout,
                                            ctypes.byref(at)))
        r = self._moved(peek)
        r["hit"] = rc == 0
        return r

    def _op_watch(self, port):
        self._check(self._lib.hil_watch(self._h, self._port(port)[0], self._watch_fn, None))
        return self._now()

    def _op_unwatch(self, port):
        self._check(self._lib.hil_unwatch(self._h, self._port(port)[0]))
        return self._now()

    def _op_sync(self):
        self._check(self._lib.hil_sync(self._h))
        return self._now()

    def _op_close(self):
        return {}

    # -- watch reports, as hild's events --------------------------------------

    def _on_watch(self, _user, port, cycle, val):
        name = self._names[port]
        nbytes = self._ports[name][1]
        self._events.append(("board/sim/port/" + name,
                             {"cycle": cycle,
                              "value": "%#x" % int.from_bytes(bytes(val[:nbytes]), "little")}))

    def _deliver(self):
        while self._events and self._handler is not None:
            topic, ev = self._events.popleft()
            self._handler(self.SUB, topic, ev)
