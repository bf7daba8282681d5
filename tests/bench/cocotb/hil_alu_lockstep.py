"""make bench, hil side of the cocotb comparison (mk/bench_cocotb.sh): the
same loop as test_alu_lockstep.py with hil's Python client, on
examples/alu's simulator through the hild at SOCKET, or with "local" in
this process (hil.open("sim:DIR"), no hild). Per cycle: a, b and op
poked, step(), y read (it comes with the step's reply). Only the loop is
timed. Prints "CYCLES_PER_SECOND CRC32" when every y checks.

    hil_alu_lockstep.py SOCKET|local DUT_DIR N"""
import os
import sys
import time

import hil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alu_loop  # noqa: E402

sock, dut_dir, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
stim = alu_loop.stimulus(n)
ys = []
target = ("sim:" if sock == "local" else "hild:sim:") + dut_dir
with hil.open(target, address=None if sock == "local" else sock) as dut:
    dut.rst.value = 0
    dut.acc_en.value = 0
    dut.step()
    t = time.perf_counter()
    for a, b, op in stim:
        dut.a.value = a
        dut.b.value = b
        dut.op.value = op
        dut.step()
        ys.append(dut.y.value)
    rate = n / (time.perf_counter() - t)
crc = alu_loop.check(stim, ys)
print("%.1f %08x" % (rate, crc))
