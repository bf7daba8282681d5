"""examples/counter/test.hil as a Python test: reset, count, pause, wrap
around, reset while counting. Its trace equals `hil run`'s of test.hil."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.rst.value = 1
    dut.step()
    # rst is captured by edge 1.
    assert dut.count.value == 0
    dut.rst.value = 0
    dut.en.value = 1
    dut.watch(dut.wrap)
    # en is seen from cycle 1 on, so count = cycle - 1 while it stays high.
    dut.step(10)
    assert dut.count.value == 10
    dut.count.peek()
    # Pause: en is low during cycles 20..24, so edges 21..25 do not count.
    dut.watch(dut.count)
    dut.en.poke(0, at=20)
    dut.en.poke(1, at=25)
    dut.run_until(22)
    assert dut.count.value == 19
    dut.run_until(30)
    assert dut.count.value == 24
    dut.unwatch(dut.count)
    # count reaches 255 at cycle 261; wrap is high during that cycle only.
    assert dut.run_until(dut.wrap == 1, timeout=1000) == 261
    assert dut.count.value == 255
    dut.count.peek()
    dut.step()
    assert (dut.count.value, dut.wrap.value) == (0, 0)
    dut.step(3)
    dut.count.peek()
    # The synchronous reset wins over en: rst high in cycle 270, count 0 at 271.
    dut.rst.poke(1, at=270)
    dut.rst.poke(0, at=271)
    dut.run_until(271)
    assert dut.count.value == 0
    dut.step()
    assert dut.count.value == 1
    dut.count.peek()
