"""cocotb tests of examples/mem, a 256 x 16-bit RAM whose read port is
registered: a writer coroutine started with start_soon and awaited as a
task, words read back a cycle after their address, a read of the word an
edge writes (the old word), and NextTimeStep."""
import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, FallingEdge, NextTimeStep, ReadOnly, RisingEdge

from samples import read, sample


def clock(dut):
    cocotb.start_soon(Clock(dut.clk, 8, units="ns").start())
    dut.we.value = 0
    dut.raddr.value = 0


@cocotb.test()
async def writes_then_reads(dut):
    clock(dut)
    rng = random.Random(21)
    words = {}

    async def writer():
        for _ in range(40):
            await FallingEdge(dut.clk)
            addr, word = rng.randrange(256), rng.randrange(65536)
            dut.we.value = 1
            dut.waddr.value = addr
            dut.wdata.value = word
            words[addr] = word
        await FallingEdge(dut.clk)
        dut.we.value = 0
        return len(words)

    written = await cocotb.start_soon(writer())
    sample("words", "written", written)
    for addr in sorted(words):
        await FallingEdge(dut.clk)
        dut.raddr.value = addr
        await RisingEdge(dut.clk)
        await ReadOnly()
        assert read("words", dut.rdata) == words[addr]


@cocotb.test()
async def read_before_write(dut):
    clock(dut)
    await FallingEdge(dut.clk)
    dut.we.value = 1
    dut.waddr.value = 9
    dut.wdata.value = 0x1111
    dut.raddr.value = 9
    await FallingEdge(dut.clk)
    dut.wdata.value = 0x2222
    await RisingEdge(dut.clk)
    await ReadOnly()
    assert read("rbw", dut.rdata) == 0x1111
    await NextTimeStep()
    read("rbw", dut.rdata)
    await FallingEdge(dut.clk)
    dut.we.value = 0
    await ClockCycles(dut.clk, 2)
    await ReadOnly()
    assert read("rbw", dut.rdata) == 0x2222
