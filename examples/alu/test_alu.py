"""examples/alu/test.hil as a Python test: combinational results are
visible in the cycle of the poke; the accumulator changes at the next edge.
Its trace equals `hil run`'s of test.hil (tests/suites/python checks)."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    assert dut.acc.value == 0
    # Every op on a = 200 (0xc8), b = 100 (0x64), all in cycle 1.
    dut.a.value = 200
    dut.b.value = 100
    assert dut.y.value == 44             # 300 - 256, with carry out
    assert dut.carry.value == 1
    assert dut.zero.value == 0
    for op, y in ((1, 100), (2, 0x40), (3, 0xEC), (7, 100)):
        dut.op.value = op
        assert dut.y.value == y, "op %d" % op
    dut.op.value = 1
    dut.b.value = 201
    assert dut.y.value == 0xFF           # 200 - 201 borrows
    assert dut.carry.value == 1
    dut.b.value = 200
    assert (dut.y.value, dut.zero.value, dut.carry.value) == (0, 1, 0)
    dut.watch(dut.acc)
    dut.watch(dut.zero)
    dut.op.value = 0
    dut.b.value = 0x05
    dut.acc_en.value = 1
    assert dut.y.value == 205
    dut.step()
    assert dut.acc.value == 205
    dut.op.value = 4
    dut.b.value = 0xC8
    assert dut.zero.value == 1
    assert dut.y.value == 0
    dut.step()
    assert dut.acc.value == 205
    dut.op.value = 5
    dut.b.value = 3
    assert dut.y.value == 0x40           # 0xc8 << 3, truncated to 8 bits
    dut.op.poke(6, at=5)
    dut.b.poke(2, at=5)
    dut.run_until(5)
    # acc: 205 + 0x40 + 0x40 (edges 4, 5); during cycle 5 y = 200 >> 2 = 50
    assert dut.acc.value == 333
    dut.y.peek()
    dut.acc_en.value = 0
    dut.step(2)
    dut.acc.peek()
    # a = 3 from cycle 9 on makes y = 3 >> 2 = 0
    dut.a.poke(3, at=9)
    dut.run_until(dut.zero != 0, timeout=10)
    assert dut.y.value == 0
    dut.a.peek()
