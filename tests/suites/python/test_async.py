"""The asyncio side on tests/fixtures/duts/stamp, whose outputs show the
cycle an input arrived: Event.set() and wait() land in the same DUT cycle,
so an answer poked after the event is seen by the DUT in the event's
cycle."""
import asyncio

import pytest

import hil

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
