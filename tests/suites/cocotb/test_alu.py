"""cocotb tests of examples/alu: combinational outputs beside an
accumulator registered on the clock. Long ClockCycles waits: alone (hil
runs it as a free run), with a coroutine counting the same edges beside it
(it must see each one), and under with_timeout (the timer must fire in the
middle); Edge on the clock; every op read after a Timer."""
import cocotb
from cocotb.clock import Clock
from cocotb.result import SimTimeoutError
from cocotb.triggers import ClockCycles, Edge, ReadOnly, RisingEdge, Timer, with_timeout

from samples import read, sample


async def start(dut, a, b, op):
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 1
    dut.acc_en.value = 0
    dut.a.value = a
    dut.b.value = b
    dut.op.value = op
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    dut.acc_en.value = 1


@cocotb.test()
async def accumulates_for_many_cycles(dut):
    await start(dut, 3, 4, 0)
    await ClockCycles(dut.clk, 20000)
    read("many", dut.acc)
    await ReadOnly()
    assert read("many", dut.acc) == 20000 * 7 % 65536
    await ClockCycles(dut.clk, 1)
    await ReadOnly()
    read("many", dut.acc)


@cocotb.test()
async def a_counter_beside_a_long_wait(dut):
    await start(dut, 1, 0, 7)
    edges = 0

    async def count():
        nonlocal edges
        while True:
            await RisingEdge(dut.clk)
            edges += 1

    counter = cocotb.start_soon(count())
    await ClockCycles(dut.clk, 3000)
    await ReadOnly()
    sample("beside", "edges", edges)
    read("beside", dut.acc)
    counter.kill()
    await ClockCycles(dut.clk, 3000)
    await ReadOnly()
    assert sample("beside", "edges_after_kill", edges) == 3000
    read("beside", dut.acc)


@cocotb.test()
async def a_timeout_inside_a_long_wait(dut):
    await start(dut, 2, 0, 7)
    try:
        await with_timeout(ClockCycles(dut.clk, 5000), 1000, "ns")
        sample("timeout", "timed_out", 0)
    except SimTimeoutError:
        sample("timeout", "timed_out", 1)
    read("timeout", dut.acc)
    await ReadOnly()
    read("timeout", dut.acc)


@cocotb.test()
async def ops_and_clock_edges(dut):
    await start(dut, 0xC3, 0x05, 0)
    for op in range(8):
        dut.op.value = op
        await Timer(1, units="ns")
        read("ops", dut.y)
        read("ops", dut.zero)
        read("ops", dut.carry)
    for _ in range(4):
        await Edge(dut.clk)
        read("ops", dut.clk)
    await ReadOnly()
    read("ops", dut.acc)
