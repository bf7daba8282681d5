"""examples/crc as Python tests.

test_script is test.hil in Python; its trace equals `hil run`'s.

test_messages is the message-driven pattern of picker's documentation, on
a real valid/ready interface and cycle-exact: a publisher coroutine puts
messages on a queue at cycles of its choosing, a driver takes each one
into the DUT (start, then every byte offered until in_ready lets an edge
take it), and a checker, woken by an Event in the cycle the last byte
was taken, compares the DUT's CRC with a model's. The DUT's clock moves
only when all three wait, so none of them can miss a cycle."""
import asyncio
import random

import pytest

pytestmark = pytest.mark.hil(board_type="icebreaker")


def crc16_ccitt_false(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def test_script(dut):
    dut.start.value = 1
    dut.step()
    assert dut.crc_out.value == 0xFFFF
    assert dut.out_valid.value == 0
    dut.start.value = 0
    dut.watch(dut.in_ready)
    dut.watch(dut.out_valid)
    # Message 1, "123456789", every byte poked ahead on the known schedule:
    #   cycle  1 2 3 4 5 6 7 8 9 10 11 12
    #   byte   1 2 3 4 - 5 6 - 7 8  -  9    (- : nothing taken)
    dut.in_valid.value = 1
    dut.in_data.value = 0x31
    for cycle, byte in ((2, 0x32), (3, 0x33), (4, 0x34), (5, 0x35), (7, 0x36)):
        dut.in_data.poke(byte, at=cycle)
    dut.in_valid.poke(0, at=8)
    dut.in_valid.poke(1, at=9)
    for cycle, byte in ((9, 0x37), (10, 0x38), (11, 0x39)):
        dut.in_data.poke(byte, at=cycle)
    dut.in_valid.poke(0, at=13)
    dut.run_until(5)
    assert dut.in_ready.value == 0
    assert dut.crc_out.value == crc16_ccitt_false(b"1234") == 0x5349
    dut.run_until(8)
    assert dut.in_ready.value == 1
    assert dut.crc_out.value == crc16_ccitt_false(b"123456")
    dut.run_until(11)
    assert dut.in_ready.value == 0
    dut.run_until(13)
    assert dut.out_valid.value == 1
    assert dut.crc_out.value == 0x29B1
    dut.crc_out.peek()
    # Message 2, sent the way a sender that does not know the schedule
    # would: offer a byte, wait for in_ready, let one edge take it.
    dut.start.value = 1
    dut.step()
    dut.start.value = 0
    assert dut.crc_out.value == 0xFFFF
    assert dut.out_valid.value == 0
    dut.in_valid.value = 1
    for byte in (0xDE, 0xAD, 0xBE, 0xEF, 0x01):
        dut.in_data.value = byte
        dut.run_until(dut.in_ready == 1, timeout=3)
        dut.step()
    dut.in_valid.value = 0
    assert dut.crc_out.value == crc16_ccitt_false(bytes([0xDE, 0xAD, 0xBE, 0xEF, 0x01]))
    dut.crc_out.peek()
    dut.step(2)
    dut.in_ready.peek()


def test_messages(dut):
    rng = random.Random(2026)
    messages = [bytes(rng.randrange(256) for _ in range(rng.randint(1, 11)))
                for _ in range(12)]
    queue = asyncio.Queue()
    taken = []
    done = dut.event()
    checked = []

    async def publisher():
        for m in messages:
            await dut.astep(rng.randint(0, 6))
            await queue.put(m)
        await queue.put(None)

    async def driver():
        while (m := await queue.get()) is not None:
            dut.start.value = 1
            await dut.astep(1)
            dut.start.value = 0
            dut.in_valid.value = 1
            for byte in m:
                dut.in_data.value = byte
                await dut.wait(dut.in_ready == 1, timeout=3)
                await dut.astep(1)
            dut.in_valid.value = 0
            taken.append(m)
            done.set()
        taken.append(None)
        done.set()

    async def checker():
        while True:
            cycle = await done.wait()
            done.clear()
            # Woken in the cycle of set(): the one after the edge that took
            # the message's last byte, before the driver's next start.
            assert dut.cycle == cycle
            while taken:
                m = taken.pop(0)
                if m is None:
                    return
                assert dut.out_valid.value == 1
                got = dut.crc_out.peek()
                assert got == crc16_ccitt_false(m), (m.hex(), hex(got))
                checked.append((cycle, got))

    async def main():
        await asyncio.gather(publisher(), driver(), checker())

    asyncio.run(main())
    assert len(checked) == len(messages)
    assert [c for c, _ in checked] == sorted(c for c, _ in checked)
