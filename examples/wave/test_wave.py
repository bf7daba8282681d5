"""examples/wave/test.hil as a Python test: the samples of sine.hex, which
$readmemh loads from the DUT's directory. Its trace equals `hil run`'s of
test.hil (tests/suites/python checks)."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.en.value = 1
    dut.step()
    dut.watch(dut.sample)
    dut.step(8)
    dut.phase.peek()
    dut.unwatch(dut.sample)
    dut.stride.value = 3
    dut.step(10)
    dut.phase.peek()
    dut.sample.peek()
    dut.stride.value = 0
    dut.run_until(dut.sample == 0xFF, timeout=300)
    dut.phase.peek()
    dut.en.value = 0
    dut.step(2)
    dut.sample.peek()
    assert dut.phase.value == 0x3E
