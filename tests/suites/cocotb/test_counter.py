"""cocotb tests of examples/counter (8 bits, synchronous rst, en; wrap
high in the cycle whose edge takes 255 to 0), run unmodified on every
simulator the suite compares: Clock, RisingEdge, FallingEdge, ReadOnly,
ReadWrite, Timer, ClockCycles, start_soon with an Event, and a failure."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import (ClockCycles, Event, FallingEdge, ReadOnly, ReadWrite,
                             RisingEdge, Timer)

from samples import read, sample


async def reset(dut):
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 1
    dut.en.value = 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0


@cocotb.test()
async def counts(dut):
    await reset(dut)
    dut.en.value = 1
    for _ in range(5):
        await RisingEdge(dut.clk)
        read("counts", dut.count)
    await ReadOnly()
    read("counts", dut.count)
    await ClockCycles(dut.clk, 250)
    await ReadOnly()
    read("counts", dut.count)
    read("counts", dut.wrap)


@cocotb.test()
async def edge_reads_before_the_edge(dut):
    """In a RisingEdge callback the DUT has not taken the edge yet; after
    ReadOnly it has, and a write there lands after the edge."""
    await reset(dut)
    dut.en.value = 1
    await RisingEdge(dut.clk)
    before = read("edge", dut.count)
    await ReadOnly()
    after = read("edge", dut.count)
    assert after == before + 1
    await RisingEdge(dut.clk)
    dut.en.value = 0
    await RisingEdge(dut.clk)
    read("edge", dut.count)
    await ReadWrite()
    read("edge", dut.count)
    await RisingEdge(dut.clk)
    await ReadOnly()
    read("edge", dut.count)


@cocotb.test()
async def falling_edge_writes(dut):
    await reset(dut)
    for i in range(6):
        await FallingEdge(dut.clk)
        dut.en.value = i % 2
        read("falling", dut.count)
    await Timer(25, units="ns")
    read("falling", dut.count)


@cocotb.test()
async def event_between_coroutines(dut):
    await reset(dut)
    seen = Event()

    async def watcher():
        while True:
            await RisingEdge(dut.clk)
            if int(dut.count.value) == 7:
                sample("event", "set", 1)
                seen.set()
                return

    cocotb.start_soon(watcher())
    dut.en.value = 1
    await seen.wait()
    await ReadOnly()
    read("event", dut.count)


@cocotb.test(expect_fail=True)
async def a_failing_check(dut):
    await reset(dut)
    dut.en.value = 1
    await ClockCycles(dut.clk, 3)
    await ReadOnly()
    assert read("fail", dut.count) == 99
