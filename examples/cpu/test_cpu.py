"""examples/cpu as Python tests.

program() is what prog.s computes, written in Python from its description
(no instruction set in it): the words the core must write to `out`.

test_script is test.hil in Python; its trace equals `hil run`'s.

test_program runs the program with another argument (N = 100, two rounds)
and records every word written to `out` with an on_step callback: the
words must be program()'s, and each must land in the cycle asm.py's
instruction-set simulator says (which also checks that cpu.v holds the
program asm.py makes of prog.s today)."""
import os
import zlib

import pytest

import asm

pytestmark = pytest.mark.hil(board_type="icebreaker")

M = 0xFFFFFFFF


def s32(v):
    v &= M
    return v - (1 << 32) if v >> 31 else v


def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def program(arg):
    """The words prog.s writes to out for this arg, in order."""
    n = min(arg & 0xFFFF, 2048)
    out = []
    for _ in range((arg >> 16) + 1):
        primes = [p for p in range(2, n) if all(p % d for d in range(2, int(p ** 0.5) + 1))]
        out += primes
        out.append(len(primes))
        out.append(zlib.crc32(b"".join(p.to_bytes(2, "little") for p in primes)))
        x = (0x2545F491 + n) & M
        vals = []
        for _ in range(16):
            x ^= (x << 13) & M
            x ^= x >> 17
            x ^= (x << 5) & M
            vals.append(s32(x))
        vals.sort()
        out += [vals[0] & M, vals[-1] & M]
        h = 0
        for v in vals:
            u = v & M
            h = (h + (v >> 7)) & M
            h ^= sx(u >> 16, 16) & M
            h = (h - sx(u >> 8, 8)) & M
            h = (h + (u & 0xFFFF)) & M
            h = (h + (v < s32(h))) & M
            h |= (u < h) << 1
            h ^= (v >> (h & 31)) & M
            h = ((h << 3) | (h >> 29)) & M
            h = (h + (v < -1000) + (u < 1000)) & M
            h = (h + (((h & 0x7F) ^ 0x55) | 0x100)) & M
        out.append(h)
    return out


def test_script(dut):
    want = program(60)
    assert len(want) == 22 and want[16:18] == [59, 17]
    # power-on: the core fetches from address 0 in cycle 0
    dut.arg.value = 60
    dut.run_until(941)
    assert dut.out_count.value == 0
    dut.step()
    assert dut.out_count.value == 1
    assert dut.out.value == 2
    # rst in cycle 942: the program starts again in cycle 943
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    assert dut.out_count.value == 0
    assert dut.out.value == 0
    dut.watch(dut.out)
    dut.watch(dut.halted)
    dut.run_until(1884)
    assert dut.out_count.value == 0
    dut.step()
    assert dut.out_count.value == 1
    assert dut.out.value == 2
    dut.run_until(dut.out_count == 3, timeout=1000)
    assert dut.out.value == want[2] == 5
    dut.run_until(dut.out_count == 17, timeout=5000)
    assert dut.out.value == want[16]
    dut.run_until(dut.out_count == 18, timeout=100)
    assert dut.out.value == want[17]
    dut.run_until(dut.out_count == 19, timeout=10000)
    assert dut.out.value == want[18] == 0xEEDD9DF5
    dut.run_until(16420)
    assert dut.out_count.value == 20
    assert dut.out.value == want[19]
    dut.run_until(16430)
    assert dut.out.value == want[19]
    dut.step()
    assert dut.out.value == want[20]
    assert dut.run_until(dut.halted == 1, timeout=10000) == 19564
    assert dut.out_count.value == 22
    assert dut.out.value == want[21]
    dut.out_count.peek()
    dut.step(100)
    assert dut.halted.value == 1
    assert dut.out_count.value == 22
    # rst in cycle 19664: N = 10, two rounds
    want = program(0x1000A)
    assert len(want) == 18
    dut.rst.value = 1
    dut.arg.value = 0x1000A
    dut.step()
    dut.rst.value = 0
    assert dut.halted.value == 0
    assert dut.out_count.value == 0
    dut.run_until(dut.out_count == 5, timeout=2000)
    assert dut.out.value == want[4] == 4
    dut.run_until(dut.out_count == 6, timeout=2000)
    assert dut.out.value == want[5]
    dut.run_until(dut.out_count == 14, timeout=10000)
    assert dut.out.value == want[13] == 4
    dut.run_until(dut.halted == 1, timeout=10000)
    assert dut.out_count.value == 18
    assert dut.out.value == want[17]
    dut.out_count.peek()


def test_program(dut):
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "prog.s")) as f:
        words = asm.assemble(f.read())
    with open(os.path.join(here, "cpu.v")) as f:
        assert asm.verilog(words) in f.read(), "cpu.v is not prog.s: run python3 asm.py"
    arg = 1 << 16 | 100
    want = program(arg)
    assert len(want) == 2 * (25 + 5)
    iss, iss_halt, _ = asm.run(words, arg, start=dut.cycle + 1)
    assert [v for _, _, v in iss] == want

    seen = []

    def on_cycle(cycle, v):
        if v.out_count != len(seen):
            assert v.out_count == len(seen) + 1, (cycle, v.out_count)
            seen.append((cycle, v.out_count, v.out))

    dut.rst.value = 1
    dut.arg.value = arg
    dut.step()
    dut.rst.value = 0
    dut.on_step(on_cycle, dut.out, dut.out_count)
    halt = dut.run_until(dut.halted == 1, timeout=200_000)
    dut.step(10)
    assert [v for _, _, v in seen] == want
    assert seen == iss
    assert halt == iss_halt
    assert dut.out_count.value == len(want)
