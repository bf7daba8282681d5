"""hil's part inside the Python of a SIM=hil run (docs/cocotb.md, "Speed").
hil-cocotb names this module cocotb's entry point (PYGPI_ENTRY_POINT). It
wraps two of cocotb's functions and starts cocotb as cocotb starts itself:

- Clock.start, for a Clock that runs forever on the DUT's clock, hands the
  clock to hil-cocotb (host/cocotb/clock.c), which makes the same writes
  at the same times with no trip into Python, told of cocotb's own writes
  to the clock so that it orders them as cocotb would; and it keeps the
  clock's task and half period for the next point.
- ClockCycles, before each edge it awaits with more to come, asks
  hil-cocotb (host/cocotb/freerun.c) to run the edges but the last at once.
  hil-cocotb grants it at the end of the time step if only that Clock and
  this wait are pending, and calls confirm() to make sure that nothing else
  in cocotb's scheduler waits on them; the wait then counts what was run.
  Otherwise the edge comes as on any simulator.

The tests see the same values at the same times either way, with one
exception docs/cocotb.md names: a read of the clock itself in a ReadWrite
callback at a time the clock changes.
"""
import ctypes
import functools

import cocotb
import cocotb.clock
import cocotb.triggers
from cocotb.scheduler import Scheduler
from cocotb.triggers import GPITrigger, PythonTrigger, Timer

# cocotb's embedding takes its hooks for logs and for the simulator's
# events from the entry point's module.
from cocotb import _filter_from_c, _log_from_c, _sim_event  # noqa: F401

_CONFIRM = ctypes.CFUNCTYPE(ctypes.c_int)
_sim = ctypes.CDLL(None)
_sim.hil_cocotb_free_run.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.c_uint64, _CONFIRM]
_sim.hil_cocotb_free_run.restype = ctypes.c_uint64
_sim.hil_cocotb_free_ran.argtypes = [ctypes.c_uint64]
_sim.hil_cocotb_free_ran.restype = ctypes.c_uint64
_sim.hil_cocotb_clock_start.argtypes = [ctypes.c_char_p, ctypes.c_uint64, ctypes.c_int]
_sim.hil_cocotb_clock_start.restype = ctypes.c_uint64
_sim.hil_cocotb_clock_stop.argtypes = [ctypes.c_uint64, ctypes.c_int]
_sim.hil_cocotb_clock_written.argtypes = []

_clocks = {}  # a clock's path: (the task of its Clock, half period in steps)
_asking = None  # (task, trigger, clock task) of the wait whose request stands


def _quiet():
    """Whether the scheduler holds nothing but the asking wait and its
    Clock that the simulator could wake."""
    if _asking is None:
        return False
    task, trigger, clock_task = _asking
    s = cocotb.scheduler
    if s._pending_coros or s._pending_triggers or s._pending_events or s._write_calls:
        return False
    for waited, tasks in s._trigger2coros.items():
        if waited is trigger:
            if list(tasks) != [task]:
                return False
        elif isinstance(waited, GPITrigger):
            if not isinstance(waited, Timer) or list(tasks) != [clock_task]:
                return False
    return True


def _confirm():
    try:
        return int(_quiet())
    except Exception:  # a scheduler not as expected: no free run
        return 0


_confirm_c = _CONFIRM(_confirm)
_clock_start = cocotb.clock.Clock.start


class _Driven(PythonTrigger):
    """What the task of a Clock that hil-cocotb drives waits on. It never
    fires; cocotb unprimes it when the task is killed or its test ends
    (cocotb drops a finished test's tasks without closing them), which
    stops the clock, as unpriming the timer of cocotb's own Clock does."""

    def __init__(self, token, signal, mine):
        super().__init__()
        self._token, self._signal, self._mine = token, signal, mine

    def prime(self, callback):  # abstract in Trigger
        super().prime(callback)

    def unprime(self):
        # At a test's end cocotb drops the writes it had scheduled, the
        # Clock's among them; a kill leaves them.
        _sim.hil_cocotb_clock_stop(self._token, int(bool(cocotb.scheduler._terminate)))
        self._signal.__dict__.pop("_set_value", None)
        path = self._signal._path
        if _clocks.get(path) is self._mine:
            del _clocks[path]
        super().unprime()


def _tell_writes(signal):
    """Tells hil-cocotb of each write cocotb schedules on the driven clock,
    which it orders against the Clock's own."""
    method = type(signal)._set_value

    def _set_value(value, call_sim):
        if call_sim == cocotb.scheduler._schedule_write:
            _sim.hil_cocotb_clock_written()
        return method(signal, value, call_sim)

    signal._set_value = _set_value


@functools.wraps(_clock_start)
async def _start(self, cycles=None, start_high=True):
    path = self.signal._path
    mine = (cocotb.scheduler._current_task, self.half_period)
    if cycles is None:
        _clocks[path] = mine
    token = 0
    if cycles is None and cocotb.scheduler._mode == Scheduler._MODE_NORMAL:
        token = _sim.hil_cocotb_clock_start(path.encode(), self.half_period, int(bool(start_high)))
    if token:
        # cocotb's Clock replaces a write pending on the clock with its first.
        cocotb.scheduler._write_calls.pop(self.signal, None)
        _tell_writes(self.signal)
        await _Driven(token, self.signal, mine)
        return
    try:
        await _clock_start(self, cycles, start_high)
    finally:
        if _clocks.get(path) is mine:
            del _clocks[path]


async def _cycles(self):
    global _asking
    trigger = self._type(self.signal)
    path = self.signal._path.encode()
    left = self.num_cycles
    while left > 0:
        token = 0
        clock = _clocks.get(self.signal._path)
        if left > 1 and clock:
            _asking = (cocotb.scheduler._current_task, trigger, clock[0])
            token = _sim.hil_cocotb_free_run(path, left - 1, clock[1], _confirm_c)
        await trigger
        _asking = None
        left -= 1 + (_sim.hil_cocotb_free_ran(token) if token else 0)
    return self


def _initialise_testbench(argv):
    cocotb.clock.Clock.start = _start
    cocotb.triggers.ClockCycles._wait = _cycles
    return cocotb._initialise_testbench(argv)
