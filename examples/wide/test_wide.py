"""examples/wide/test.hil as a Python test: 128-bit operands, a 129-bit
registered sum, a 128-bit combinational XOR; carries across 64-bit
boundaries. Python's integers hold every width. Its trace equals `hil
run`'s of test.hil."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")

ONES = (1 << 128) - 1


def test_script(dut):
    dut.watch(dut.sum)
    dut.x.value = ONES
    dut.y.value = 1
    # xor_out follows in the cycle of the poke; sum is still its power-on 0
    assert dut.xor_out.value == ONES - 1
    assert dut.sum.value == 0
    dut.load.value = 1
    dut.step()
    # a carry through all 128 bits into bit 128
    assert dut.sum.value == 1 << 128
    dut.sum.peek()
    # both operands at their maximum
    dut.y.value = ONES
    assert dut.xor_out.value == 0
    dut.step()
    assert dut.sum.value == 2 * ONES
    # a carry across bit 64 only: (2^64 - 1) + 1 = 2^64
    dut.x.value = (1 << 64) - 1
    dut.y.value = 1
    dut.step()
    assert dut.sum.value == 1 << 64
    x, y = 0x0123_4567_89AB_CDEF_FEDC_BA98_7654_3210, 0xDEAD_BEEF_0000_0000_1111_2222_3333_4444
    dut.x.value = x
    dut.y.value = y
    assert dut.xor_out.value == x ^ y
    dut.xor_out.peek()
    dut.step()
    assert dut.sum.value == x + y
    # load low from cycle 4: sum holds while x and y change
    dut.load.value = 0
    dut.x.poke(0b1010, at=5)
    dut.y.poke(0x5, at=5)
    dut.load.poke(1, at=6)
    dut.run_until(6)
    assert dut.sum.value == x + y
    assert dut.xor_out.value == 15
    dut.run_until(8)
    assert dut.sum.value == 15
    dut.x.poke(1 << 64, at=9)
    dut.run_until(dut.sum != 15, timeout=3)
    assert dut.sum.value == (1 << 64) + 5
    dut.sum.peek()
