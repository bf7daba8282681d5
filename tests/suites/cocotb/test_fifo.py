"""cocotb tests of examples/fifo (SystemVerilog, 8 bits by 16, first word
fall-through): two producers taking turns at the push port under a Lock,
tasks joined with Combine, First between a coroutine and a Timer, and
with_timeout both in time and too late."""
import cocotb
from cocotb.clock import Clock
from cocotb.result import SimTimeoutError
from cocotb.triggers import (ClockCycles, Combine, FallingEdge, First, Lock, ReadOnly,
                             RisingEdge, Timer, with_timeout)

from samples import read, sample


async def reset(dut):
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 1
    dut.push.value = 0
    dut.pop.value = 0
    dut.din.value = 0
    await ClockCycles(dut.clk, 2)
    await FallingEdge(dut.clk)
    dut.rst.value = 0


async def not_empty(dut):
    while int(dut.empty.value):
        await RisingEdge(dut.clk)
    return int(dut.dout.value)


@cocotb.test()
async def producers_share_a_lock(dut):
    await reset(dut)
    lock = Lock()
    order = []

    async def produce(base, n):
        for i in range(n):
            async with lock:
                await FallingEdge(dut.clk)
                dut.din.value = base + i
                dut.push.value = 1
                order.append(base + i)
                await FallingEdge(dut.clk)
                dut.push.value = 0

    a = cocotb.start_soon(produce(0x10, 4))
    b = cocotb.start_soon(produce(0x80, 4))
    await Combine(a.join(), b.join())
    await ReadOnly()
    assert read("lock", dut.count) == 8
    for word in order:
        await FallingEdge(dut.clk)
        assert read("lock", dut.dout) == word
        dut.pop.value = 1
        await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.pop.value = 0
    await ReadOnly()
    read("lock", dut.empty)


@cocotb.test()
async def first_and_timeouts(dut):
    await reset(dut)
    waiting = cocotb.start_soon(not_empty(dut))
    fired = await First(waiting.join(), Timer(50, units="ns"))
    sample("first", "timer_won", int(isinstance(fired, Timer)))
    waiting.kill()
    try:
        await with_timeout(not_empty(dut), 30, "ns")
        sample("first", "timed_out", 0)
    except SimTimeoutError:
        sample("first", "timed_out", 1)
    await FallingEdge(dut.clk)
    dut.din.value = 0x5A
    dut.push.value = 1
    await FallingEdge(dut.clk)
    dut.push.value = 0
    word = await with_timeout(not_empty(dut), 100, "ns")
    assert sample("first", "word", word) == 0x5A
    read("first", dut.count)
