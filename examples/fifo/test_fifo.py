"""examples/fifo/test.hil as a Python test. Its trace equals `hil run`'s of
test.hil (tests/suites/python checks, and runs the FIFO built with other
parameters through the marker's params)."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0
    dut.watch(dut.full)
    assert dut.empty.value == 1
    dut.push.value = 1
    dut.din.value = 0xA0
    dut.step()
    dut.din.value = 0xA1
    dut.step()
    dut.count.peek()
    dut.dout.peek()
    dut.step(14)
    assert dut.full.value == 1
    dut.count.peek()
    dut.din.value = 0xFF
    dut.step()
    assert dut.count.value == 16
    dut.push.value = 0
    dut.pop.value = 1
    dut.dout.peek()
    dut.step()
    dut.dout.peek()
    dut.run_until(dut.empty == 1, timeout=40)
    dut.count.peek()

