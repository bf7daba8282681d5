"""make bench, cocotb side of the long wait (mk/bench_cocotb.sh): a cocotb
test on examples/alu that starts a Clock, lets the accumulator add y = 7
each cycle and awaits ClockCycles(dut.clk, N) (WAIT_CYCLES, ten million by
default), as a test waits for a long computation. Only the wait is timed.
Writes "CYCLES_PER_SECOND ACC" to $ALU_LOOP_OUT, acc read after the wait:
every simulator must give the same."""
import os
import time

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, ReadOnly, RisingEdge


@cocotb.test()
async def long_wait(dut):
    n = int(os.environ.get("WAIT_CYCLES", "10000000"))
    cocotb.start_soon(Clock(dut.clk, 10, units="ns").start())
    dut.rst.value = 1
    dut.acc_en.value = 0
    dut.a.value = 3
    dut.b.value = 4
    dut.op.value = 0
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    dut.acc_en.value = 1
    await RisingEdge(dut.clk)
    t = time.perf_counter()
    await ClockCycles(dut.clk, n)
    rate = n / (time.perf_counter() - t)
    await ReadOnly()
    acc = int(dut.acc.value)
    dut._log.info("%d cycles, %.1f a second, acc %d", n, rate, acc)
    out = os.environ.get("ALU_LOOP_OUT")
    if out:
        with open(out, "w") as f:
            f.write("%.1f %d\n" % (rate, acc))
