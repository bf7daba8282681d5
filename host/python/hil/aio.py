"""asyncio on a DUT whose clock the host controls. Coroutines wait for
cycles (dut.astep, dut.arun_until) or conditions (dut.wait); the DUT moves
only when every runnable coroutine has run, so whatever a coroutine does
after it wakes (poke, Event.set, waking another coroutine that pokes)
happens in the cycle it woke in. That is xspcomm's Event semantics, kept
across a USB cable because the bridge holds the DUT's clock meanwhile."""
import asyncio
import heapq
import itertools

from .errors import HilError, Timeout

# A wait with no bound is a series of waits this long (dut.py's, too).
WAIT_CHUNK = 1 << 40

# Rounds of the event loop given to coroutines before the DUT moves, when
# the loop does not show its ready queue (not CPython's asyncio loop).
FALLBACK_ROUNDS = 64


async def _settle():
    """Returns once no coroutine is runnable: each round lets every ready
    task run; CPython's loop keeps those it has yet to run in _ready."""
    loop = asyncio.get_running_loop()
    ready = getattr(loop, "_ready", None)
    rounds = 0
    while True:
        await asyncio.sleep(0)
        rounds += 1
        if ready is None:
            if rounds >= FALLBACK_ROUNDS:
                return
        elif not ready:
            return


class Scheduler:
    """The one task that moves a DUT for its coroutines."""

    def __init__(self, dut):
        self.dut = dut
        self._timers = []
        self._conds = []
        self._order = itertools.count()
        self._task = None

    def busy(self):
        """Whether coroutines of a running event loop wait on the DUT."""
        return any(_live(f) for _, _, f in self._timers) or \
            any(_live(f) for _, _, f in self._conds)

    def at(self, cycle):
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (cycle, next(self._order), fut))
        self._kick()
        return fut

    def until(self, cond, deadline):
        fut = asyncio.get_running_loop().create_future()
        self._conds.append((cond, deadline, fut))
        self._kick()
        return fut

    def _kick(self):
        loop = asyncio.get_running_loop()
        if self._task is not None and not self._task.done() and self._task.get_loop() is loop:
            return
        # Waits left by an event loop that has ended can never complete.
        self._timers = [t for t in self._timers if t[2].get_loop() is loop]
        heapq.heapify(self._timers)
        self._conds = [c for c in self._conds if c[2].get_loop() is loop]
        self._task = loop.create_task(self._drive())

    def _fail_all(self, e):
        for _, _, fut in self._timers:
            if not fut.done():
                fut.set_exception(e)
        for _, _, fut in self._conds:
            if not fut.done():
                fut.set_exception(e)
        self._timers, self._conds = [], []

    def _prune(self):
        self._timers = [t for t in self._timers if not t[2].done()]
        heapq.heapify(self._timers)
        self._conds = [c for c in self._conds if not c[2].done()]

    async def _drive(self):
        loop = asyncio.get_running_loop()
        try:
            while True:
                await _settle()
                self._prune()
                # The loop stops once the coroutine it runs has returned:
                # coroutines still waiting then must not move the DUT.
                if not self._timers and not self._conds or getattr(loop, "_stopping", False):
                    return
                self._move()
                self.dut._raise_pending()
        except Exception as e:
            self._fail_all(e)
        finally:
            self._prune()

    def _move(self):
        """Moves the DUT to the next cycle where a coroutine wakes, and wakes
        the ones due there."""
        dut = self.dut
        now = dut.cycle
        bound = None
        if self._timers:
            bound = self._timers[0][0]
        for _, deadline, _ in self._conds:
            if deadline is not None and (bound is None or deadline < bound):
                bound = deadline
        if len(self._conds) == 1:
            cond, deadline, fut = self._conds[0]
            hit = dut._wait_once(cond, bound - now if bound is not None else WAIT_CHUNK)
            if hit is not None:
                fut.set_result(hit)
                self._conds = []
            elif deadline is not None and dut.cycle >= deadline:
                fut.set_exception(Timeout("%r did not hold by cycle %d" %
                                          (cond, dut.cycle), dut.cycle))
                self._conds = []
        elif self._conds:
            # One break unit serves one condition; with several, check them
            # all at each cycle (a round trip a cycle).
            held = False
            for cond, deadline, fut in self._conds:
                if cond.holds(dut._peek(cond.port, record=False)):
                    fut.set_result(dut.cycle)
                    held = True
                elif deadline is not None and dut.cycle >= deadline:
                    fut.set_exception(Timeout("%r did not hold by cycle %d" %
                                              (cond, dut.cycle), dut.cycle))
                    held = True
            if not held and (bound is None or bound > now):
                dut._run("step", n=1)
        elif bound > now:
            dut._run("run", until=bound)
        while self._timers and self._timers[0][0] <= dut.cycle:
            _, _, fut = heapq.heappop(self._timers)
            if not fut.done():
                fut.set_result(dut.cycle)


def _live(fut):
    if fut.done():
        return False
    loop = fut.get_loop()
    return loop.is_running() and not loop.is_closed()


class Event:
    """An event coroutines set and wait for within one DUT cycle: the DUT
    does not move between set() and the waiters' reaction, so an answer
    they poke is seen by the DUT in the cycle of set(). .cycle is the
    cycle of the last set()."""

    def __init__(self, dut):
        self._dut = dut
        self._ev = asyncio.Event()
        self.cycle = None

    def set(self):
        if self._dut._in_callback:
            raise HilError("bad_call", "Event.set() from inside a watch, on_step or topic "
                           "callback: the callback runs before the DUT reaches the "
                           "cycle it reports; set events from coroutines")
        self.cycle = self._dut.cycle
        self._ev.set()

    def clear(self):
        self._ev.clear()

    def is_set(self):
        return self._ev.is_set()

    async def wait(self):
        """Returns the cycle the event was set in."""
        await self._ev.wait()
        return self.cycle
