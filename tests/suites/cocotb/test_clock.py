"""cocotb tests of how a Clock meets the test's own writes and kills, on
examples/counter: hil drives a Clock itself (docs/cocotb.md, Speed), and
must order its writes against cocotb's as cocotb orders its own Clock's:
the later of two writes to the clock in one time step wins, a kill after
the Clock's turn leaves its write, a restarted Clock takes its own phase.
Also ClockCycles on falling edges, from any phase, alone and inside
First, with_timeout and Combine, and two Clocks on one clock."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import (ClockCycles, Combine, FallingEdge, First, ReadOnly, ReadWrite,
                             RisingEdge, Timer, with_timeout)

from samples import read, sample


async def reset(dut):
    dut.rst.value = 1
    dut.en.value = 0
    clock = await cocotb.start(Clock(dut.clk, 10, "ns").start())
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    dut.en.value = 1
    return clock


async def falls(dut, test, n=None):
    while n is None or n > 0:
        await FallingEdge(dut.clk)
        sample(test, "fall", 1)
        n = None if n is None else n - 1


async def aftermath(dut, test):
    """What the clock did: the count and the clock just after, and the count
    three periods on."""
    await Timer(1, "ns")
    read(test, dut.count)
    read(test, dut.clk)
    await Timer(30, "ns")
    read(test, dut.count)


@cocotb.test()
async def a_write_replaces_the_first(dut):
    clock = await reset(dut)
    await FallingEdge(dut.clk)
    clock.kill()
    await Timer(5, "ns")
    cocotb.start_soon(falls(dut, "first"))
    await cocotb.start(Clock(dut.clk, 10, "ns").start())
    dut.clk.value = 0
    await aftermath(dut, "first")


@cocotb.test()
async def a_kill_after_the_turn(dut):
    clock = await reset(dut)
    await FallingEdge(dut.clk)
    await Timer(5, "ns")  # due with the Clock's next write, armed after it
    clock.kill()
    await aftermath(dut, "kill")


@cocotb.test()
async def a_write_before_the_turn(dut):
    await reset(dut)
    await RisingEdge(dut.clk)
    await Timer(10, "ns")  # due with the Clock's next write, armed before it
    dut.clk.value = 0
    await aftermath(dut, "before")


@cocotb.test()
async def falling_edge_cycles(dut):
    await reset(dut)
    await ClockCycles(dut.clk, 1000, rising=False)
    read("falling", dut.count)
    await ReadOnly()
    read("falling", dut.count)
    await Timer(3, "ns")
    await ClockCycles(dut.clk, 777, rising=False)
    read("falling", dut.count)
    await RisingEdge(dut.clk)
    await ClockCycles(dut.clk, 555, rising=False)
    read("falling", dut.count)
    await Timer(5, "ns")
    await ClockCycles(dut.clk, 333)
    read("falling", dut.count)


@cocotb.test()
async def started_low_in_readwrite(dut):
    dut.rst.value = 1
    dut.en.value = 0
    await Timer(3, "ns")
    await ReadWrite()
    cocotb.start_soon(Clock(dut.clk, 10, "ns").start(start_high=False))
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    dut.en.value = 1
    await ClockCycles(dut.clk, 300)
    read("low", dut.count)
    await ClockCycles(dut.clk, 301, rising=False)
    read("low", dut.count)


@cocotb.test()
async def restarted_in_an_edge(dut):
    clock = await reset(dut)
    cocotb.start_soon(falls(dut, "restart", 4))
    await RisingEdge(dut.clk)
    clock.kill()
    cocotb.start_soon(Clock(dut.clk, 20, "ns").start(start_high=False))
    await Timer(1, "ns")
    read("restart", dut.clk)
    await ClockCycles(dut.clk, 50)
    read("restart", dut.count)
    await Timer(7, "ns")
    read("restart", dut.clk)


@cocotb.test()
async def waits_combined(dut):
    await reset(dut)
    await First(ClockCycles(dut.clk, 500), Timer(2000, "ns"))
    read("combined", dut.count)
    await with_timeout(ClockCycles(dut.clk, 400), 10, "us")
    read("combined", dut.count)
    await Combine(ClockCycles(dut.clk, 300), ClockCycles(dut.clk, 500))
    read("combined", dut.count)
    await ReadOnly()
    read("combined", dut.count)


@cocotb.test()
async def two_clocks(dut):
    await reset(dut)
    cocotb.start_soon(Clock(dut.clk, 10, "ns").start())
    await ClockCycles(dut.clk, 600)
    read("two", dut.count)
    await ReadOnly()
    read("two", dut.count)
