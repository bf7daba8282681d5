"""The loop of make bench's cocotb comparison (mk/bench_cocotb.sh), shared
by its two sides: the stimulus, examples/alu's function, and the check.

Per cycle: a, b and op from a 32-bit LCG, one clock, then y read back.
Both sides draw the same N triples, so their y sequences, and the CRC-32
printed over them, must be equal."""
import zlib


def stimulus(n):
    """N (a, b, op) triples from a 32-bit LCG (Numerical Recipes')."""
    x, out = 1, []
    for _ in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out.append(((x >> 8) & 0xFF, (x >> 16) & 0xFF, (x >> 24) & 7))
    return out


def alu(a, b, op):
    """examples/alu/alu.v's y."""
    return [a + b, a - b, a & b, a | b, a ^ b, a << (b & 7), a >> (b & 7), b][op] & 0xFF


def check(stim, ys):
    """Raises AssertionError unless every y is the ALU's function of its
    cycle's inputs; returns the CRC-32 of the y bytes."""
    assert len(ys) == len(stim), "%d values read for %d cycles" % (len(ys), len(stim))
    for i, ((a, b, op), y) in enumerate(zip(stim, ys)):
        assert y == alu(a, b, op), \
            "cycle %d: a=%d b=%d op=%d: y=%d, expected %d" % (i, a, b, op, y, alu(a, b, op))
    return zlib.crc32(bytes(ys))
