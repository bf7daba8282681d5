"""examples/mem/test.hil as a Python test: write four words, read them
back one cycle after the address is applied. Its trace equals `hil run`'s
of test.hil."""
import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def test_script(dut):
    dut.we.value = 1
    for cycle, (addr, data) in enumerate(((0x10, 0xBEEF), (0x11, 0x1234),
                                          (0xFF, 0xFFFF), (0x80, 0x0001))):
        dut.waddr.poke(addr, at=cycle)
        dut.wdata.poke(data, at=cycle)
    dut.we.poke(0, at=4)
    # the four writes happen at edges 1 to 4
    dut.run_until(4)
    dut.watch(dut.rdata)
    dut.raddr.value = 0x10
    # the address is applied in cycle 4; rdata still shows the word read at
    # edge 4 (address 0, never written)
    assert dut.rdata.value == 0
    dut.step()
    assert dut.rdata.value == 0xBEEF
    dut.raddr.value = 0x11
    assert dut.rdata.value == 0xBEEF
    dut.step()
    assert dut.rdata.value == 0x1234
    # never written: memories start at zero
    dut.raddr.value = 0x42
    dut.step()
    assert dut.rdata.value == 0
    dut.raddr.value = 0x80
    dut.step()
    assert dut.rdata.value == 1
    # write and read one address at the same edge: the old word comes out
    dut.raddr.value = 0xFF
    dut.we.value = 1
    dut.waddr.value = 0xFF
    dut.wdata.value = 0x5555
    dut.step()
    assert dut.rdata.value == 0xFFFF
    dut.we.value = 0
    dut.step()
    assert dut.rdata.value == 0x5555
    dut.rdata.peek()
    # a read scheduled ahead: raddr 0x10 in cycle 12, its word in cycle 13
    dut.raddr.poke(0x10, at=12)
    assert dut.run_until(dut.rdata == 0xBEEF, timeout=10) == 13
    dut.rdata.peek()
