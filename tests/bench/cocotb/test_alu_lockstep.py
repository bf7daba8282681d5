"""make bench, cocotb side of the lock-step comparison (mk/bench_cocotb.sh):
a cocotb test on examples/alu, written the way a cocotb user writes one.
A Clock started by cocotb drives clk; per cycle the test writes a, b and
op, awaits RisingEdge(clk) and reads y. Only the loop is timed (not the
build, the simulator's start or the check). Writes "CYCLES_PER_SECOND
CRC32" to $ALU_LOOP_OUT when every y checks (alu_loop.check)."""
import os
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import RisingEdge

import alu_loop


@cocotb.test()
async def lockstep(dut):
    n = int(os.environ.get("ALU_LOOP_CYCLES", "20000"))
    stim = alu_loop.stimulus(n)
    ys = []
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 0
    dut.acc_en.value = 0
    await RisingEdge(dut.clk)
    t = time.perf_counter()
    for a, b, op in stim:
        dut.a.value = a
        dut.b.value = b
        dut.op.value = op
        await RisingEdge(dut.clk)
        ys.append(int(dut.y.value))
    rate = n / (time.perf_counter() - t)
    crc = alu_loop.check(stim, ys)
    dut._log.info("%d cycles, %.1f a second, y CRC-32 %08x", n, rate, crc)
    out = os.environ.get("ALU_LOOP_OUT")
    if out:
        with open(out, "w") as f:
            f.write("%.1f %08x\n" % (rate, crc))
