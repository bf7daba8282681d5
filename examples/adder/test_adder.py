"""examples/adder/test.hil as a Python test: a DUT with no clock, whose
outputs follow a poke in the poke's own cycle. Its trace equals
`hil run`'s of test.hil (tests/suites/python checks)."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.watch(dut.sum)
    dut.a.value = 200
    dut.b.value = 100
    assert dut.sum.value == 44           # 300 - 256, with carry out
    assert dut.cout.value == 1
    assert dut.lt.value == 0
    dut.cin.value = 1
    assert dut.sum.value == 45
    dut.step()
    dut.sum.peek()
    dut.b.value = 200
    assert dut.eq.value == 1
    assert dut.sum.value == 145          # 401 - 256
    dut.a.value = 0
    dut.b.value = 0
    dut.cin.value = 0
    assert dut.sum.value == 0
    assert dut.cout.value == 0
    dut.step(3)
    # a = 7 from cycle 6 on: the wait stops in that cycle
    dut.a.poke(7, at=6)
    dut.run_until(dut.sum != 0, timeout=10)
    dut.sum.peek()
    dut.lt.peek()
    dut.b.value = 9
    assert dut.lt.value == 1
    dut.sum.peek()
