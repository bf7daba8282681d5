"""cocotb tests of examples/adder, a DUT with no clock: outputs follow the
inputs in the same time step; Timer, ReadOnly and Edge on an output."""
import cocotb
from cocotb.triggers import Edge, ReadOnly, Timer

from samples import read


@cocotb.test()
async def adds(dut):
    for a, b, cin in [(1, 2, 0), (200, 100, 1), (255, 255, 1), (7, 7, 0)]:
        dut.a.value = a
        dut.b.value = b
        dut.cin.value = cin
        await Timer(1, units="ns")
        assert read("adds", dut.sum) == (a + b + cin) & 0xFF
        read("adds", dut.cout)
        read("adds", dut.eq)
        read("adds", dut.lt)


@cocotb.test()
async def edge_on_an_output(dut):
    dut.a.value = 3
    dut.b.value = 4
    dut.cin.value = 0
    await Timer(1, units="ns")

    async def later():
        await Timer(5, units="ns")
        dut.b.value = 3

    cocotb.start_soon(later())
    await Edge(dut.eq)
    await ReadOnly()
    read("edge", dut.eq)
    read("edge", dut.sum)
