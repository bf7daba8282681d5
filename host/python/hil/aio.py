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

# Turns of the event loop given to coroutines before the DUT moves, on a
# loop the scheduler cannot watch (see _Blind).
FALLBACK_ROUNDS = 64


class _Probe:
    """Watches an event loop through its public methods only, as asyncio
    shows no ready queue: whether a coroutine is runnable, which run of the
    loop this is, and whether the run is ending. asyncio's futures and
    tasks reach their loop through the AbstractEventLoop interface alone,
    as they must to run on any loop, so every wake-up (a future's done
    callbacks, a task's next step, a new task's first) is a
    loop.call_soon(); the probe stands in for the loop's call_soon to count
    them in `work`, and for stop and run_forever to tell the loop's runs
    apart. Callbacks of timers and I/O come without call_soon, uncounted:
    they come at a time, not in a cycle, and the DUT does not wait for
    them. The probe lives on the loop object itself, for the loop's life:
    one per loop, however many DUTs the loop drives."""

    def __init__(self, loop):
        self.loop = loop
        self.forward_call_soon = loop.call_soon
        self.forward_stop = loop.stop
        self.forward_run_forever = loop.run_forever
        self.work = 0
        self.run = 0
        self.stopped_run = -1

    def call_soon(self, *args, **kwargs):
        self.work += 1
        return self.forward_call_soon(*args, **kwargs)

    def stop(self):
        # A stop before the loop runs ends its next run (asyncio's rule).
        self.stopped_run = self.run if self.loop.is_running() else self.run + 1
        return self.forward_stop()

    def run_forever(self):
        # run_until_complete (so asyncio.run) runs the loop through
        # run_forever. A call on a running loop fails and starts no run.
        if not self.loop.is_running():
            self.run += 1
        return self.forward_run_forever()

    def stopping(self):
        """Whether loop.stop() was called in this run: the loop ends it at
        the end of the callbacks it is running."""
        return self.stopped_run == self.run

    def round(self):
        """A future that says, once every callback scheduled before it has
        run, whether none was scheduled since. The loop runs call_soon
        callbacks in the order they were scheduled (asyncio's documented
        promise), so when the marker runs, all earlier wake-ups have run,
        and any they caused came after it and moved `work`. A quiet round
        thus leaves nothing runnable; unlike a count of sleep(0) turns it
        holds for a chain of wake-ups of any length."""
        quiet = self.loop.create_future()
        # The marker, and the wake-up of the scheduler it sends, are the
        # scheduler's own turns, not work of coroutines, so neither counts:
        # else two schedulers on one loop (two DUTs) would each keep the
        # other from ever seeing a quiet round.
        self.forward_call_soon(self.look, quiet, self.work)
        return quiet

    def look(self, quiet, mark):
        if quiet.done():  # the scheduler's task was cancelled
            return
        work = self.work
        quiet.set_result(work == mark)
        self.work = work


class _Blind:
    """Stands in for the probe on a loop whose methods cannot be replaced
    (one written in C or Cython, as uvloop's is): it sees neither runs nor
    stops, and a round is FALLBACK_ROUNDS turns of the loop, so a chain of
    wake-ups longer than that goes on in the next cycle."""

    run = 0

    def stopping(self):
        return False

    async def round(self):
        for _ in range(FALLBACK_ROUNDS):
            await asyncio.sleep(0)
        return True


def _probe(loop):
    probe = getattr(loop.call_soon, "__self__", None)
    if isinstance(probe, _Probe):
        return probe
    probe = _Probe(loop)
    # call_soon last: a probe is found by it, so only a complete one is.
    try:
        loop.stop = probe.stop
        loop.run_forever = probe.run_forever
        loop.call_soon = probe.call_soon
    except AttributeError:
        return _Blind()
    return probe


async def _settle(probe, run):
    """Returns True once no coroutine is runnable; False once the loop's
    run `run` is ending (stop() was called, in any way) or over, as the
    callbacks run after a stop must not move the DUT, nor must a later run
    that no coroutine of its own asked to."""
    while True:
        quiet = await probe.round()
        if probe.run != run or probe.stopping():
            return False
        if quiet:
            return True


class Scheduler:
    """The one task that moves a DUT for its coroutines."""

    def __init__(self, dut):
        self.dut = dut
        self._timers = []
        self._conds = []
        self._order = itertools.count()
        self._task = None
        self._run = 0

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
        probe = _probe(loop)
        # The loop stops once the coroutine it runs has returned: coroutines
        # still waiting then, or starting to wait, must not move the DUT. So
        # a drive serves one run of the loop (see _settle), and a wait in a
        # later run starts a drive for all the waits.
        if self._task is not None and not self._task.done() and \
                self._task.get_loop() is loop and self._run == probe.run:
            return
        # Waits left by an event loop that has ended can never complete.
        self._timers = [t for t in self._timers if t[2].get_loop() is loop]
        heapq.heapify(self._timers)
        self._conds = [c for c in self._conds if c[2].get_loop() is loop]
        self._run = probe.run
        self._task = loop.create_task(self._drive(probe, probe.run))

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

    async def _drive(self, probe, run):
        try:
            while await _settle(probe, run):
                self._prune()
                if not self._timers and not self._conds:
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
