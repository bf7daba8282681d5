"""A session on one DUT through hild: the DUT's ports as attributes, pokes,
peeks, runs, watches, per-cycle callbacks and the trace, with the cycle
semantics of docs/scripts.md. The asyncio side is in aio.py."""
import functools
import os
import socket

from . import aio
from .aio import WAIT_CHUNK
from .errors import HilError, Timeout
from .local import Local
from .wire import SESSION_OPS, Connection, Direct, over_tcp, topic_match

# Pokes go without waiting for their replies; past this many unanswered,
# the client reads replies first, staying inside hild's --max-inflight.
MAX_PIPELINED = 32
CYCLE_LIMIT = 1 << 48


class Condition:
    """port == value or port != value (optionally under a mask), for
    run_until() and wait(). It has no truth value: compare port.value."""

    def __init__(self, port, ne, value, mask=None):
        port._check_value(value, "compare with")
        if mask is not None:
            port._check_value(mask, "mask")
        self.port, self.ne, self.value, self.mask = port, ne, value, mask

    def holds(self, value):
        m = self.mask if self.mask is not None else (1 << self.port.width) - 1
        return ((value & m) == (self.value & m)) != self.ne

    def __bool__(self):
        raise TypeError("%r is a condition for dut.run_until() or dut.wait(), not a "
                        "truth value: compare dut.%s.value to test the port now"
                        % (self, self.port.name))

    def __repr__(self):
        mask = "" if self.mask is None else " & %#x" % self.mask
        return "(%s%s %s %#x)" % (self.port.name, mask, "!=" if self.ne else "==", self.value)


class Masked:
    """port & mask, to be compared: (dut.flags & 0x4) == 0x4."""

    def __init__(self, port, mask):
        self.port, self.mask = port, mask

    def __eq__(self, value):
        return Condition(self.port, False, value, self.mask)

    def __ne__(self, value):
        return Condition(self.port, True, value, self.mask)

    __hash__ = object.__hash__


class Port:
    """One port of the DUT. .value reads it at the current cycle (a peek)
    or, for an input, sets it at the current cycle (a poke)."""

    def __init__(self, dut, name, direction, width):
        self._dut = dut
        self.name = name
        self.direction = direction
        self.width = width

    @property
    def is_input(self):
        return self.direction == "in"

    @property
    def value(self):
        return self._dut._peek(self, record=False)

    @value.setter
    def value(self, v):
        self._dut._poke(self, v, None)

    def poke(self, value, at=None):
        """Sets this input to value at cycle at (default: the current one).
        A later cycle is kept by hild and applied when a run gets there."""
        self._dut._poke(self, value, at)

    def peek(self):
        """The value at the current cycle, also written to the trace (as a
        script's `peek`)."""
        return self._dut._peek(self, record=True)

    def _check_value(self, v, what):
        # bool is an int: True and False are 1 and 0, as in cocotb.
        if not isinstance(v, int):
            raise TypeError("%s %s: a value is an int, not %r" % (what, self.name, v))
        if v < 0 or v >> self.width:
            raise ValueError("%s %s: %d does not fit its %d bit%s" %
                             (what, self.name, v, self.width, "" if self.width == 1 else "s"))

    def __eq__(self, value):
        if isinstance(value, Port):
            return self is value
        return Condition(self, False, value)

    def __ne__(self, value):
        if isinstance(value, Port):
            return self is not value
        return Condition(self, True, value)

    def __and__(self, mask):
        self._check_value(mask, "mask")
        return Masked(self, mask)

    __hash__ = object.__hash__

    def __repr__(self):
        return "<port %s: %s, %d bit%s>" % (self.name, self.direction, self.width,
                                          "" if self.width == 1 else "s")


class Signal:
    """A signal inside the DUT, named by its path below the top:
    dut.u_acc.sum is "u_acc.sum", dut.lane[1].r is "lane[1].r" (a generate
    scope), dut.u_acc.hist[2] is "u_acc.hist[2]" (a word of a memory).
    Simulation only, on a session opened with internals=True. A handle is
    just a path: .value reads it at the current cycle as an int, as a
    port's does, and a path that names no signal fails there with the
    simulator's message, which lists what the scope holds. Internal signals
    are read-only (poke the DUT's ports), cannot be waited on, and their
    reads are not in the trace."""

    def __init__(self, dut, path):
        object.__setattr__(self, "_dut", dut)
        object.__setattr__(self, "path", path)

    @property
    def value(self):
        """The value at the current cycle (not written to the trace)."""
        return self._dut._peek_signal(self.path)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return Signal(self._dut, self.path + "." + name)

    def __getitem__(self, index):
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("%s[%r]: the index of a generate scope or a memory's word "
                            "is a whole number, as in dut.lane[1].r or "
                            "dut.u_mem.ram[3]" % (self.path, index))
        return Signal(self._dut, "%s[%d]" % (self.path, index))

    def __setattr__(self, name, value):
        path = self.path if name == "value" else self.path + "." + name
        raise HilError("bad_arg", "%s is inside the DUT: internal signals are read-only; "
                       "poke the DUT's ports instead" % path)

    def __call__(self, *args, **kwargs):
        raise TypeError("dut.%s is no method of hil.Dut: on a session with internals, "
                        "a name that is neither a port nor a method is a signal inside "
                        "the DUT (read dut.%s.value)" % (self.path, self.path))

    def __eq__(self, other):
        if isinstance(other, Signal):
            return self._dut is other._dut and self.path == other.path
        raise TypeError("dut.%s is a signal inside the DUT: compare dut.%s.value (run_until() "
                        "and wait() take ports alone)" % (self.path, self.path))

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self.path)

    def __repr__(self):
        return "<signal %s inside %s>" % (self.path, self._dut.top)


class Values(dict):
    """Port values by name, also as attributes: values.valid."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class _Watch:
    """What wants a port's reports: the trace (with the order key of the
    watch that asked), callbacks, and the per-cycle callbacks' tracker."""

    def __init__(self):
        self.trace_key = None
        self.callbacks = []
        self.steppers = 0


def _op(fn):
    """A public call that talks to hild: refused from inside callbacks and
    on a closed session; an error deferred while it ran (a pipelined poke's,
    a callback's) is raised when it returns, after the session's state has
    caught up with hild's."""
    name = fn.__name__.strip("_")

    @functools.wraps(fn)
    def call(self, *args, **kwargs):
        self._io(name)
        result = fn(self, *args, **kwargs)
        self._raise_pending()
        return result
    return call


class Dut:
    """A leased DUT. Use as a context manager; see hil.open()."""

    def __init__(self, conn, info, target, trace_limit=1000000, internals=False):
        self._conn = conn
        self.trace_limit = trace_limit
        self.target = target
        self.session = info["session"]
        self.board = info["board"]
        self.top = info["top"]
        self.params = info.get("params", "")
        self.signature = info["signature"]
        self.log = info.get("log")
        self.internals = bool(internals)
        self._now = info["now"]
        self._sub = info["sub"]
        # A direct session's own events come from its worker, not from
        # hild: subscriptions see them here (hild sends it the rest).
        self._direct = bool(info.get("direct"))
        self._own_subs = {}
        self.ports = {}
        self._inflight = []
        # Pokes wait here and ride with the next request of the session
        # ("pokes" on it): a poke is not a message of its own.
        self._pokes = []
        self._watches = {}
        self._keys = 0
        self._trace = []
        self._steppers = []
        self._history = {}
        self._next_fire = self._now
        # Ports read right after a run, with no poke in between, come with
        # the next run's reply ("peek" on step/run/wait) and are served
        # from _values while nothing is poked: one round trip a cycle for a
        # poke-step-read loop instead of two.
        self._values = None
        self._used = set()
        self._missed = set()
        self._in_callback = 0
        self._pending = None
        self._ended = None
        self.sched = aio.Scheduler(self)
        # Ports become attributes unless the name is taken by the API
        # (dut.port(name) reaches those too). Not hasattr(self, ...): with
        # internals every name is an attribute (a Signal).
        for p in info["ports"]:
            port = Port(self, p["name"], p["dir"], p["width"])
            self.ports[port.name] = port
            if not (hasattr(Dut, port.name) or port.name in self.__dict__ or
                    port.name.startswith("_")):
                setattr(self, port.name, port)
        conn.on_event(self._sub, self._event)

    # -- time ---------------------------------------------------------------

    @property
    def cycle(self):
        """The current cycle: pokes without `at` land in it, peeks read it."""
        return self._now

    @_op
    def step(self, n=1):
        """Runs n cycles; returns the new cycle."""
        self._sync_only("step")
        return self._run("step", n=self._count(n, "step"))

    @_op
    def run_until(self, until, timeout=None):
        """run_until(CYCLE) runs to that cycle. run_until(CONDITION,
        timeout=N) runs until the condition holds (checked from the current
        cycle on, after its pokes), at most N cycles, and returns the cycle
        where it held; hil.Timeout if it did not."""
        self._sync_only("run_until")
        if isinstance(until, Condition):
            return self._wait(until, timeout)
        until = self._count(until, "run_until")
        if until < self._now:
            raise ValueError("run_until(%d): the DUT is already at cycle %d" % (until, self._now))
        return self._run("run", until=until)

    # -- ports --------------------------------------------------------------

    def port(self, name):
        """The port called name (also for names that clash with methods)."""
        try:
            return self.ports[name]
        except KeyError:
            raise HilError("bad_arg", "DUT %s has no port '%s'; its ports: %s" %
                           (self.top, name, ", ".join(self.ports))) from None

    def signal(self, path):
        """The signal inside the DUT at path below the top ("u_acc.sum",
        "lane[1].r", "u_acc.hist[2]"), also for names that clash with the
        API (see Signal). Needs a session opened with internals=True."""
        if not self.internals:
            raise HilError("bad_arg", "'%s': %s" % (path, self._internals_hint()))
        return Signal(self, path)

    def __getattr__(self, name):
        # Only what normal lookup did not find: a signal inside the DUT on a
        # session with internals, else a port name mistyped, most likely.
        # Names with "_" stay plain, for copy and pickle.
        if name.startswith("_") or "ports" not in self.__dict__:
            raise AttributeError(name)
        if self.internals:
            return Signal(self, name)
        raise AttributeError("DUT %s has no port or attribute '%s'; its ports: %s; %s" %
                             (self.top, name, ", ".join(self.ports), self._internals_hint()))

    @staticmethod
    def _internals_hint():
        return ("signals inside the DUT are read in simulation, on a session opened "
                "with hil.open(..., internals=True)")

    def __getitem__(self, name):
        return self.port(name)

    def _port(self, p):
        if isinstance(p, Port):
            if p._dut is not self:
                raise HilError("bad_arg", "%r belongs to another DUT" % p)
            return p
        return self.port(p)

    @_op
    def _poke(self, port, value, at):
        if not port.is_input:
            raise HilError("bad_arg", "port '%s' is an output: only inputs take pokes"
                           % port.name)
        port._check_value(value, "poke")
        self._values = None
        args = {"port": port.name, "value": "%#x" % value}
        if at is not None:
            at = self._count(at, "poke at")
            if at < self._now:
                raise ValueError("poke %s at %d: the DUT is already at cycle %d"
                                 % (port.name, at, self._now))
            args["at"] = at
        self._pokes.append(args)
        if len(self._pokes) >= MAX_PIPELINED:
            self._send_pokes()
            self._collect_pokes()

    @_op
    def _peek(self, port, record):
        return self._read(port, record)

    @_op
    def _peek_signal(self, path):
        # Never recorded: the trace holds ports alone, on every target.
        return int(self._call("peek", signal=path)["value"], 16)

    # -- watches, per-cycle callbacks, the trace -----------------------------

    @_op
    def watch(self, port, callback=None):
        """Reports every cycle where port changes (docs/scripts.md, "What a
        cycle means") to the trace and, if given, to callback(cycle, value)
        as the reports arrive. Watching a port already watched starts its
        watch again at the current cycle, as a script's `watch` does.
        Callbacks must not call the DUT; react with run_until() or the
        asyncio side instead."""
        port = self._port(port)
        w = self._watches.get(port.name)
        if w is None:
            w = self._watch_of(port)
        else:
            self._call("unwatch", port=port.name)
            self._call("watch", port=port.name)
            if port.name in self._history:
                self._history[port.name].append((self._now, self._read(port, False)))
        w.trace_key = self._key()
        if callback is not None:
            w.callbacks.append(callback)

    @_op
    def unwatch(self, port, callback=None):
        """Stops watching port (or only stops calling callback)."""
        port = self._port(port)
        w = self._watches.get(port.name)
        if w is None:
            return
        if callback is None:
            w.trace_key = None
            w.callbacks = []
        elif callback in w.callbacks:
            w.callbacks.remove(callback)
        self._drop_watch(port, w)

    @_op
    def on_step(self, callback, *ports):
        """callback(cycle, values) once for every cycle that ends from now
        on, when the DUT moves past it (at its edge), values holding the
        listed ports as that cycle ended, after all its pokes. Built from
        watch reports, so a step(1000) costs one round trip, not a
        thousand. The cycle a run stops at has not ended: its callback
        comes with the next move. Returns a handle for remove_on_step."""
        ps = [self._port(p) for p in ports]
        if not self._steppers:
            self._next_fire = self._now
        for p in ps:
            w = self._watch_of(p)
            w.steppers += 1
            if p.name not in self._history:
                self._history[p.name] = [(self._now, self._read(p, False))]
        handle = (callback, ps, self._now)
        self._steppers.append(handle)
        return handle

    @_op
    def remove_on_step(self, handle):
        self._steppers.remove(handle)
        for p in handle[1]:
            w = self._watches[p.name]
            w.steppers -= 1
            self._drop_watch(p, w)
            if not any(p in h[1] for h in self._steppers):
                self._history.pop(p.name, None)

    @property
    def trace(self):
        """The reports so far as (cycle, port name, value), in the order
        `hil run` prints them: by cycle, then by the watch or peek call that
        asked (as a script's lines), then as they came."""
        return [(c, p.name, v) for c, _, _, p, v in sorted(self._trace)]

    def trace_text(self):
        """The trace in `hil run`'s format: CYCLE PORT 0xHEX a line."""
        return "".join("%d %s 0x%0*x\n" % (c, p.name, (p.width + 3) // 4, v)
                       for c, _, _, p, v in sorted(self._trace))

    def write_trace(self, path):
        with open(path, "w") as f:
            f.write(self.trace_text())

    # -- hild's topics --------------------------------------------------------

    @_op
    def subscribe(self, pattern, callback):
        """callback(topic, event) for hild's events on topics matching
        pattern (docs/client-protocol.md, "Topics"). Returns the sub id."""
        sub = self._call("subscribe", topic=pattern)["sub"]
        self._conn.on_event(sub, lambda _s, topic, ev: self._callback(callback, topic, ev))
        if self._direct:
            self._own_subs[sub] = (pattern, callback)
        return sub

    @_op
    def unsubscribe(self, sub):
        self._call("unsubscribe", sub=sub)
        self._conn.on_event(sub, None)
        self._own_subs.pop(sub, None)

    @_op
    def sync(self):
        """Returns once the board has carried out everything sent."""
        return self._call("sync")["cycle"]

    @_op
    def stats(self):
        """The link's counters (frames, bad frames, resends, NAKs)."""
        return self._call("stats")

    # -- asyncio ----------------------------------------------------------------

    async def astep(self, n=1):
        """Resumes this coroutine n cycles later. Other coroutines run in
        the same cycles: the DUT moves only when every one of them waits."""
        return await self.sched.at(self._now + self._count(n, "astep"))

    async def arun_until(self, cycle):
        cycle = self._count(cycle, "arun_until")
        if cycle < self._now:
            raise ValueError("arun_until(%d): the DUT is already at cycle %d" % (cycle, self._now))
        return await self.sched.at(cycle)

    async def wait(self, cond, timeout=None):
        """Resumes when cond holds (from the current cycle on), at most
        timeout cycles later; returns that cycle, or raises hil.Timeout."""
        if not isinstance(cond, Condition):
            raise TypeError("wait() takes a condition such as dut.done == 1")
        deadline = None if timeout is None else self._now + self._count(timeout, "timeout")
        return await self.sched.until(cond, deadline)

    def event(self):
        """An asyncio event whose set() and wait() land in the same cycle."""
        return aio.Event(self)

    # -- the end ------------------------------------------------------------------

    def close(self):
        """Ends the session (hild resets the board for the next one)."""
        if self._conn.closed:
            return
        try:
            self._collect_pokes()
            self._call("close")
        finally:
            self._conn.close()
        self._raise_pending()

    def __enter__(self):
        return self

    def __exit__(self, etype, evalue, tb):
        try:
            self.close()
        except HilError:
            # The error that ended the block says more than the close after it.
            if etype is None:
                raise
        return False

    def __repr__(self):
        return "<hil.Dut %s on %s (session %s), cycle %d>" % (self.top, self.board,
                                                             self.session, self._now)

    # -- inside ---------------------------------------------------------------

    def _io(self, what):
        if self._in_callback:
            raise HilError("bad_call", "%s() from inside a watch, on_step or topic callback: "
                           "callbacks run while the client reads hild's messages and "
                           "must not call the DUT" % what)
        if self._ended is not None:
            raise self._ended
        if self._conn.closed:
            raise HilError("closed", "this session is closed")

    def _sync_only(self, what):
        if self.sched.busy():
            raise HilError("bad_call", "%s() while coroutines wait on the DUT: inside "
                           "asyncio code use await dut.astep(), dut.arun_until() or "
                           "dut.wait()" % what)

    @staticmethod
    def _count(n, what):
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n >= CYCLE_LIMIT:
            raise ValueError("%s: %r is not a cycle count (a whole number below 2^48)"
                             % (what, n))
        return n

    def _key(self):
        self._keys += 1
        return self._keys

    def _defer(self, e):
        if self._pending is None:
            self._pending = e

    def _raise_pending(self):
        if self._pending is not None:
            e, self._pending = self._pending, None
            raise e

    def _record(self, cycle, key, port, value):
        if self.trace_limit is not None and len(self._trace) >= self.trace_limit:
            self._defer(HilError("trace_full", "the trace holds %d reports, its limit: "
                                 "unwatch what you do not need, or open with a larger "
                                 "trace_limit (None: no limit)" % len(self._trace)))
            return
        self._trace.append((cycle, key, len(self._trace), port, value))

    def _send_pokes(self):
        """Sends the waiting pokes as one request, not waiting for it."""
        if self._pokes:
            pokes, self._pokes = self._pokes, []
            self._inflight.append(self._conn.send("now", pokes=pokes))

    def _call(self, op, **args):
        """One request and its reply, with the waiting pokes carried out
        first (an error of theirs is the request's). Raises only the
        request's own error; the pipelined pokes' errors are deferred (see
        _op)."""
        if self._pokes and op in SESSION_OPS:
            args["pokes"], self._pokes = self._pokes, []
        else:
            self._send_pokes()
        i = self._conn.send(op, **args)
        try:
            r = self._conn.reply(i)
        finally:
            self._collect_pokes()
        if "cycle" in r:
            self._now = r["cycle"]
        e = r.get("poke_error")
        if e:
            self._defer(HilError(e.get("code", "error"), e.get("message", "")))
        return r

    def _collect_pokes(self):
        """Takes the replies of pipelined pokes; an error is deferred."""
        while self._inflight:
            i = self._inflight.pop(0)
            try:
                e = self._conn.reply(i).get("poke_error")
                if e:
                    self._defer(HilError(e.get("code", "error"), e.get("message", "")))
            except HilError as e:
                self._defer(e)

    def _read(self, port, record):
        if self._values is not None and port.name in self._values:
            v, cycle = self._values[port.name], self._now
            self._used.add(port.name)
        else:
            r = self._call("peek", port=port.name)
            v, cycle = int(r["value"], 16), r["cycle"]
            if self._values is not None:
                self._missed.add(port.name)
        if record:
            self._record(cycle, self._key(), port, v)
        return v

    def _moving(self, op, args):
        """Sends a run (step, run, wait) asking for the ports read after the
        last one; returns its reply, its values kept for _read."""
        want = self._used | self._missed
        self._used, self._missed, self._values = set(), set(), None
        if want:
            args["peek"] = sorted(want)
        try:
            r = self._call(op, **args)
        finally:
            self._fire_steppers()
        self._values = {k: int(v, 16) for k, v in r.get("values", {}).items()}
        return r

    def _run(self, op, **args):
        self._moving(op, args)
        return self._now

    def _wait(self, cond, timeout):
        """One break-unit wait; returns the cycle, or raises Timeout."""
        if timeout is None:
            while True:
                hit = self._wait_once(cond, WAIT_CHUNK)
                if hit is not None:
                    return hit
        hit = self._wait_once(cond, self._count(timeout, "timeout"))
        if hit is None:
            raise Timeout("%r did not hold by cycle %d" % (cond, self._now), self._now)
        return hit

    def _wait_once(self, cond, n):
        args = {"port": cond.port.name, "cmp": "!=" if cond.ne else "==",
                "value": "%#x" % cond.value, "timeout": n}
        if cond.mask is not None:
            args["mask"] = "%#x" % cond.mask
        r = self._moving("wait", args)
        return r["cycle"] if r["hit"] else None

    def _watch_of(self, port):
        w = self._watches.get(port.name)
        if w is None:
            self._call("watch", port=port.name)
            w = self._watches[port.name] = _Watch()
        return w

    def _drop_watch(self, port, w):
        if w.trace_key is None and not w.callbacks and not w.steppers:
            del self._watches[port.name]
            self._call("unwatch", port=port.name)

    def _event(self, _sub, topic, ev):
        for pattern, cb in list(self._own_subs.values()):
            if topic and topic_match(pattern, topic):
                self._callback(cb, topic, ev)
        parts = (topic or "").split("/")
        if len(parts) == 4 and parts[2] == "port":
            self._report(parts[3], ev)
        elif len(parts) == 3 and parts[2] == "session" and ev.get("state") == "closed":
            self._ended = HilError("session_ended", "the session ended: %s" %
                                   ev.get("reason", "hild closed it"))

    def _report(self, name, ev):
        port = self.ports.get(name)
        w = self._watches.get(name)
        if port is None or w is None:
            return
        cycle, value = ev["cycle"], int(ev["value"], 16)
        if w.trace_key is not None:
            self._record(cycle, w.trace_key, port, value)
        if name in self._history:
            self._history[name].append((cycle, value))
        for cb in list(w.callbacks):
            self._callback(cb, cycle, value)

    def _callback(self, cb, *args):
        # An exception in a callback is deferred to the end of the call that
        # read the event, so the session stays in step with hild.
        self._in_callback += 1
        try:
            cb(*args)
        except Exception as e:
            self._defer(e)
        finally:
            self._in_callback -= 1

    def _fire_steppers(self):
        """Calls the per-cycle callbacks for the cycles that have ended
        since the last call (all before the current one), each with the
        values its ports ended that cycle with: the last report at or
        before it (reports are sorted stably, so a cycle reported twice,
        at a stop and again after pokes there, ends with the second)."""
        first, end = self._next_fire, self._now
        if not self._steppers or end <= first:
            self._next_fire = max(first, end)
            return
        hist = {}
        for name, h in self._history.items():
            h.sort(key=lambda cv: cv[0])
            hist[name] = h
        pos, cur = {}, {}
        for name, h in hist.items():
            i = 0
            while i + 1 < len(h) and h[i + 1][0] < first:
                i += 1
            cur[name], pos[name] = h[i][1], i + 1 if h[i][0] < first else i
        for c in range(first, end):
            for name, h in hist.items():
                i = pos[name]
                while i < len(h) and h[i][0] <= c:
                    cur[name] = h[i][1]
                    i += 1
                pos[name] = i
            for cb, ps, since in list(self._steppers):
                if c >= since:
                    self._callback(cb, c, Values((p.name, cur[p.name]) for p in ps))
        self._next_fire = end
        for name, h in hist.items():
            h[:] = [(end - 1, cur[name])] + [cv for cv in h if cv[0] >= end]


def _split_target(target, internals=False):
    """hil.open's target: the open request's arguments and a description."""
    t = target[5:] if target.startswith("hild:") else target
    if t.startswith("sim:"):
        d = os.path.abspath(t[4:])
        if not os.path.isdir(d):
            raise HilError("bad_arg", "%s: no DUT directory %s" % (target, d))
        return {"sim": d}
    if t.startswith("type="):
        return {"type": t[5:]}
    if target.startswith("hild:") and t and ":" not in t:
        return {"board": t}
    scheme = t.split(":", 1)[0]
    if internals and scheme in ("ce", "netlist", "uart", "ftdi", "tty"):
        raise HilError("bad_arg", "%s: internal signals are simulation-only: a %s: target "
                       "reaches the DUT's ports alone; read them on sim:DIR or "
                       "hild:sim:DIR" % (target, scheme))
    raise HilError("bad_arg", "%s: the Python client reaches targets through hild: "
                   "sim:DIR, hild:sim:DIR, hild:BOARD or hild:type=T. For another "
                   "backend (netlist:, uart:, ftdi:, ...) list it as a board in hild's "
                   "boards file (docs/hild.md) and open hild:NAME" % target)


def _params_text(params):
    """params as libhil and hild take them: "NAME=VALUE,..." (they check
    names and values and say what is wrong)."""
    if params is None or isinstance(params, str):
        return params or None
    if not isinstance(params, dict):
        raise HilError("bad_arg", "params: a dict such as {\"WIDTH\": 16}, or a string "
                       "\"WIDTH=16,DEPTH=4\"; not %s" % type(params).__name__)
    for name, value in params.items():
        if not isinstance(name, str) or type(value) is not int:
            raise HilError("bad_arg", "params: %r: %r: each parameter is a name and an "
                           "integer" % (name, value))
    return ",".join("%s=%d" % kv for kv in params.items())


def open_session(target, address=None, token=None, timeout=None, client="python",
                 trace_limit=1000000, params=None, waves=None, internals=False):
    """Opens a session: sim:DIR (the model of the DUT in DIR, run in this
    process through libhil: no hild involved), hild:sim:DIR (the same model
    behind hild), hild:BOARD or hild:type=T (the first free board of type
    T). Through hild it waits for the lease when others hold it; address
    is where hild listens (default $HIL_HILD, else its default socket);
    timeout (seconds) bounds every wait for hild, None waits for ever.
    The trace keeps at most trace_limit reports (None: no limit); past it
    the next call raises HilError "trace_full". params overrides the top's
    parameters of a sim target: {"WIDTH": 16} (or "WIDTH=16"). waves names
    a .fst or .vcd file for every DUT signal of an in-process sim:DIR.
    internals=True makes signals inside the DUT readable as dut.u_acc.sum
    (see Signal) on a simulation: sim:DIR, hild:sim:DIR or a board of hild
    whose URI is sim:DIR. Its model has every signal public and runs
    slower (a CPU 0.57 times as fast), so it is asked for; other targets
    refuse it."""
    args = _split_target(target, internals)
    text = _params_text(params)
    if text:
        args["params"] = text
    if internals:
        args["internals"] = True
    if waves and target.startswith("hild:"):
        raise HilError("bad_arg", "waves=: every DUT signal comes from the simulator in "
                       "this process: open sim:DIR, not %s" % target)
    if not target.startswith("hild:"):
        conn = Local(args["sim"], text, waves, internals)
        return Dut(conn, conn.info, target, trace_limit, internals)
    conn = Connection(address, client=client, token=token, timeout=timeout)
    # Over the Unix socket the session's data skips hild: the open reply
    # passes the worker's socket (docs/client-protocol.md, direct sessions).
    if not over_tcp(conn.address):
        args["direct"] = True
    try:
        info = conn.call("open", **args)
        fd = conn.take_fd()
        if info.get("direct"):
            if fd is None:
                raise HilError("open_failed", "hild's open reply passed no session socket")
            data = Connection(sock=socket.socket(fileno=fd), timeout=timeout)
            conn = Direct(conn, data)
        elif fd is not None:
            os.close(fd)
    except BaseException:
        conn.close()
        raise
    return Dut(conn, info, target, trace_limit, internals)

