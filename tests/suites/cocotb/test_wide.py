"""cocotb tests of examples/wide: 128-bit inputs written as cocotb writes
wide values (binary strings), a 129-bit register and a 128-bit
combinational output read back whole."""
import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, ReadOnly, RisingEdge, Timer

from samples import read


@cocotb.test()
async def adds_129_bits(dut):
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    for x, y in [(2**128 - 1, 1), (0x0123456789abcdef0123456789abcdef, 2**127 + 5)]:
        await FallingEdge(dut.clk)
        dut.x.value = x
        dut.y.value = y
        dut.load.value = 1
        await RisingEdge(dut.clk)
        await ReadOnly()
        assert read("wide", dut.sum) == x + y
        assert read("wide", dut.xor_out) == x ^ y
    await FallingEdge(dut.clk)
    dut.load.value = 0
    dut.x.value = 7
    await Timer(3, units="ns")
    read("wide", dut.xor_out)
    read("wide", dut.sum)
