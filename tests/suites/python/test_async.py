"""The asyncio side on tests/fixtures/duts/stamp, whose outputs show the
cycle an input arrived: Event.set() and wait() land in the same DUT cycle,
so an answer poked after the event is seen by the DUT in the event's
cycle."""
import asyncio
import os
import sys

import pytest

import hil

STAMP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures",
                     "duts", "stamp")

pytestmark = pytest.mark.hil(dut="../../fixtures/duts/stamp", board_type="icebreaker")


def run(*coros):
    """Runs the coroutines together; their results in order."""
    async def together():
        return await asyncio.gather(*coros)
    return asyncio.run(together())


def test_event_answer_lands_in_the_event_cycle(dut):
    ev = dut.event()

    async def watcher():
        cycle = await dut.wait(dut.irq == 1, timeout=100)
        ev.set()
        return cycle

    async def responder():
        cycle = await ev.wait()
        dut.ack.value = 1
        await dut.astep(1)
        return cycle

    seen, answered = run(watcher(), responder())
    assert seen == answered == 5
    assert dut.seen.value == 1
    assert dut.got.value == 5          # ack was visible during cycle 5


def test_event_through_a_chain_of_coroutines(dut):
    first, second = dut.event(), dut.event()
    relay = asyncio.Queue()

    async def watcher():
        await dut.wait(dut.irq == 1, timeout=100)
        first.set()

    async def hop1():
        await first.wait()
        await relay.put("irq")

    async def hop2():
        await relay.get()
        await asyncio.sleep(0)
        second.set()

    async def responder():
        await second.wait()
        dut.ack.value = 1
        await dut.astep(1)

    async def clock():
        await dut.astep(30)

    run(watcher(), hop1(), hop2(), responder(), clock())
    assert (first.cycle, second.cycle) == (5, 5)
    assert dut.got.value == 5


def test_a_step_after_the_event_is_a_cycle_later(dut):
    # The control: answering one astep late shows up as got == 6, so the
    # tests above can tell the two apart.
    ev = dut.event()

    async def watcher():
        await dut.wait(dut.irq == 1, timeout=100)
        ev.set()

    async def late():
        await ev.wait()
        await dut.astep(1)
        dut.ack.value = 1
        await dut.astep(1)

    run(watcher(), late())
    assert dut.got.value == 6


def test_coroutines_share_one_clock(dut):
    woke = []

    async def every(n, times):
        for _ in range(times):
            c = await dut.astep(n)
            woke.append((n, c, dut.now.value))

    run(every(3, 4), every(5, 3))
    assert sorted(woke) == [(3, 3, 3), (3, 6, 6), (3, 9, 9), (3, 12, 12),
                            (5, 5, 5), (5, 10, 10), (5, 15, 15)]
    assert dut.cycle == 15


def test_two_conditions_at_once(dut):
    async def on(cond):
        return await dut.wait(cond, timeout=50)

    got = run(on(dut.irq == 1), on(dut.now == 12), on((dut.now & 0xF) == 0xE))
    assert got == [5, 12, 14]


def test_wait_timeout(dut):
    async def main():
        with pytest.raises(hil.Timeout) as e:
            await dut.wait(dut.seen == 1, timeout=10)
        return e.value

    e, = run(main())
    assert e.code == "timeout" and e.cycle == 10 and dut.cycle == 10


def test_blocking_step_while_coroutines_wait_is_refused(dut):
    async def sleeper():
        await dut.astep(5)

    async def rogue():
        await asyncio.sleep(0)
        with pytest.raises(hil.HilError) as e:
            dut.step(1)
        return e.value.code

    _, code = run(sleeper(), rogue())
    assert code == "bad_call" and dut.cycle == 5


def test_coroutines_left_waiting_do_not_move_the_dut(dut):
    async def forever():
        while True:
            await dut.astep(1)

    async def never():
        await dut.wait(dut.seen == 1)

    async def main():
        asyncio.get_running_loop().create_task(forever())
        asyncio.get_running_loop().create_task(never())
        await dut.astep(3)

    asyncio.run(main())
    assert dut.cycle == 3 and not dut.sched.busy()
    assert dut.step(2) == 5                 # the blocking API works again


def test_a_closed_loop_leaves_nothing_behind(dut):
    async def forever():
        while True:
            await dut.astep(1)

    async def main():
        asyncio.get_running_loop().create_task(forever())
        await dut.astep(3)

    loop = asyncio.new_event_loop()
    loop.run_until_complete(main())
    loop.close()
    assert dut.cycle == 3 and not dut.sched.busy()

    async def again():
        return await asyncio.wait_for(dut.astep(2), 30)

    assert asyncio.run(again()) == 5


def test_a_long_chain_of_wake_ups_ends_in_the_cycle_it_began(dut):
    # 200 hops, each through another path of asyncio (task switches, a
    # future's done callback, gather and wait_for, a queue): many more
    # turns of the loop than any fixed count, all of them in cycle 5.
    n = 200
    evs = [dut.event() for _ in range(n + 1)]
    relay = asyncio.Queue()

    async def watcher():
        await dut.wait(dut.irq == 1, timeout=100)
        evs[0].set()

    async def hop(i):
        await evs[i].wait()
        kind = i % 4
        if kind == 0:
            for _ in range(3):
                await asyncio.sleep(0)
            evs[i + 1].set()
        elif kind == 1:
            loop = asyncio.get_running_loop()
            fut = loop.create_future()
            fut.add_done_callback(lambda _: evs[i + 1].set())
            loop.call_soon(fut.set_result, None)
        elif kind == 2:
            await asyncio.gather(asyncio.sleep(0), asyncio.wait_for(asyncio.sleep(0), 60))
            evs[i + 1].set()
        else:
            await relay.put(i + 1)

    async def relayer():
        for _ in range(n // 4):
            evs[await relay.get()].set()

    async def responder():
        await evs[n].wait()
        dut.ack.value = 1
        await dut.astep(1)

    async def clock():
        await dut.astep(30)

    run(watcher(), relayer(), responder(), clock(), *[hop(i) for i in range(n)])
    assert {ev.cycle for ev in evs} == {5}
    assert dut.got.value == 5


def test_a_cancelled_wait_neither_moves_the_dut_nor_holds_it(dut):
    async def main():
        loop = asyncio.get_running_loop()
        early = loop.create_task(dut.astep(100))
        await asyncio.sleep(0)                  # early waits for cycle 100
        early.cancel()
        with pytest.raises(asyncio.CancelledError):
            await early
        moved = dut.cycle
        late = loop.create_task(dut.astep(50))
        first = await dut.astep(2)
        late.cancel()
        return moved, first, await dut.astep(1)

    assert run(main()) == [(0, 2, 3)]
    assert dut.cycle == 3 and not dut.sched.busy()


def test_a_stopped_loop_leaves_the_dut_until_a_coroutine_waits_again(dut):
    async def monitor():
        while True:
            await dut.astep(1)

    async def stopper():
        await dut.astep(3)
        asyncio.get_running_loop().stop()

    async def idle():
        for _ in range(100):
            await asyncio.sleep(0)

    loop = asyncio.new_event_loop()
    try:
        mon = loop.create_task(monitor())
        loop.create_task(stopper())
        # In cycle 3 the stopper stops the loop before the monitor, woken
        # in the same cycle, waits again: that wait must not move the DUT.
        loop.run_forever()
        assert dut.cycle == 3
        loop.run_until_complete(idle())
        assert dut.cycle == 3
        assert loop.run_until_complete(dut.astep(2)) == 5
        mon.cancel()
        loop.run_until_complete(asyncio.wait([mon]))
        assert dut.cycle == 5 and not dut.sched.busy()
    finally:
        loop.close()


def test_two_duts_on_one_loop(dut, hild):
    # Each DUT answers an irq of its own in its own cycle, while dut's clock
    # ticks a cycle at a time: one DUT's scheduler, busy all along, must
    # not keep the other's from seeing its coroutines settle.
    with hil.open("hild:sim:" + STAMP, address=hild) as other:
        async def answer(d, nth):
            for _ in range(nth):
                await d.wait(d.irq == 1, timeout=100)
                await d.astep(1)
            d.ack.value = 1
            await d.astep(1)

        async def ticks(until):
            while not until.done():
                await dut.astep(1)

        async def main():
            answered = asyncio.gather(answer(dut, 1), answer(other, 2))
            await asyncio.gather(answered, ticks(answered))

        asyncio.run(asyncio.wait_for(main(), 60))
        assert (dut.got.value, other.got.value) == (6, 14)
        assert other.cycle == 15


def _note_private(touched, name):
    # Two frames up is the code that reached the attribute.
    mod = sys._getframe(2).f_globals.get("__name__", "")
    if name.startswith("_") and not name.startswith("__") and \
            (mod == "hil" or mod.startswith("hil.")):
        touched.append("%s (%s)" % (name, mod))


def test_the_scheduler_uses_only_the_public_api_of_the_loop(dut):
    touched = []

    class Watched(asyncio.SelectorEventLoop):
        def __getattribute__(self, name):
            _note_private(touched, name)
            return super().__getattribute__(name)

        def __setattr__(self, name, value):
            _note_private(touched, name)
            super().__setattr__(name, value)

    ev = dut.event()

    async def watcher():
        await dut.wait(dut.irq == 1, timeout=100)
        ev.set()

    async def responder():
        await ev.wait()
        await asyncio.sleep(0)
        dut.ack.value = 1
        await dut.astep(1)

    async def monitor():
        while True:
            await dut.astep(1)

    async def main():
        asyncio.get_running_loop().create_task(monitor())
        await asyncio.gather(watcher(), responder())

    with asyncio.Runner(loop_factory=Watched) as runner:
        runner.run(main())
    assert dut.got.value == 5 and dut.cycle == 6
    assert touched == []


def test_a_loop_whose_methods_cannot_be_replaced_still_settles_short_chains(dut):
    class Sealed(asyncio.SelectorEventLoop):
        # Like a loop written in C (uvloop): no method can be replaced.
        def __setattr__(self, name, value):
            if callable(getattr(type(self), name, None)):
                raise AttributeError("%s is read-only" % name)
            super().__setattr__(name, value)

    first, second = dut.event(), dut.event()
    relay = asyncio.Queue()

    async def watcher():
        await dut.wait(dut.irq == 1, timeout=100)
        first.set()

    async def hop1():
        await first.wait()
        await relay.put("irq")

    async def hop2():
        await relay.get()
        second.set()

    async def responder():
        await second.wait()
        dut.ack.value = 1
        await dut.astep(1)

    async def main():
        await asyncio.gather(watcher(), hop1(), hop2(), responder())

    with asyncio.Runner(loop_factory=Sealed) as runner:
        runner.run(main())
    assert (first.cycle, second.cycle, dut.got.value) == (5, 5, 5)


def test_a_stop_from_call_soon_threadsafe_leaves_the_dut_where_it_is(dut):
    # How another thread stops a loop; the stop comes by another way than
    # a task's wake-up, yet the monitor woken in cycle 3 must not move the
    # DUT past it.
    async def monitor():
        while True:
            await dut.astep(1)

    async def stopper():
        await dut.astep(3)
        loop.call_soon_threadsafe(loop.stop)

    loop = asyncio.new_event_loop()
    try:
        mon = loop.create_task(monitor())
        loop.create_task(stopper())
        loop.run_forever()
        assert dut.cycle == 3
        mon.cancel()
        loop.run_until_complete(asyncio.wait([mon]))
        assert dut.cycle == 3 and not dut.sched.busy()
    finally:
        loop.close()
