"""make bench, the Python client: one figure a run, per second, on
examples/counter through the hild at SOCKET.

    bench_python.py SOCKET DUT_DIR MODE N

MODE lockstep: per cycle a poke, a step and a read (what a cocotb test
bench does every cycle; the read comes with the step's reply); stream: N pokes at successive cycles, then one
run past them; on_step: one step of N cycles with a per-cycle callback;
astep: a coroutine that pokes and awaits astep(1) N times."""
import asyncio
import sys
import time

import hil

sock, dut_dir, mode, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with hil.open("hild:sim:" + dut_dir, address=sock) as dut:
    dut.rst.value = 0
    dut.step()
    t = time.perf_counter()
    if mode == "lockstep":
        for i in range(n):
            dut.en.value = i & 1
            dut.step()
            dut.count.value
    elif mode == "stream":
        base = dut.cycle
        for i in range(n):
            dut.en.poke(i & 1, at=base + i)
        dut.run_until(base + n)
    elif mode == "on_step":
        seen = []
        dut.en.value = 1
        dut.on_step(lambda c, v: seen.append(v.count), dut.count)
        dut.step(n)
        assert len(seen) == n
    elif mode == "astep":
        async def loop():
            for i in range(n):
                dut.en.value = i & 1
                await dut.astep(1)
        asyncio.run(loop())
    else:
        sys.exit("unknown mode " + mode)
    print("%.1f" % (n / (time.perf_counter() - t)))
