"""The blocking API on tests/duts/stamp (now = the cycle number, irq high
in cycles 5, 13, 21, ...): watches, per-cycle callbacks, hild's topics and
monitors, and errors as exceptions carrying the daemon's code."""
import pytest

import hil

pytestmark = pytest.mark.hil(dut="../duts/stamp", board_type="icebreaker")


def test_ports_are_attributes(dut):
    assert set(dut.ports) == {"ack", "now", "got", "seen", "irq"}
    assert dut.ack.is_input and not dut.now.is_input
    assert (dut.now.width, dut.irq.width) == (16, 1)
    assert dut["got"] is dut.got and dut.port("seen") is dut.seen


def test_watch_callback_gets_cycle_and_value(dut):
    got = []
    dut.watch(dut.irq, lambda cycle, value: got.append((cycle, value)))
    assert dut.step(20) == 20 == dut.cycle
    assert got == [(5, 1), (6, 0), (13, 1), (14, 0)]
    assert dut.trace == [(5, "irq", 1), (6, "irq", 0), (13, "irq", 1), (14, "irq", 0)]


def test_on_step_is_called_every_cycle_without_a_round_trip_each(dut):
    calls = []
    dut.on_step(lambda cycle, v: calls.append((cycle, v.now, v["irq"])), dut.now, dut.irq)
    sent = dut._conn._next
    dut.step(1000)
    assert dut._conn._next - sent == 1            # one request for 1000 cycles
    assert [c for c, _, _ in calls] == list(range(1, 1001))
    assert all(now == c for c, now, _ in calls)
    assert [c for c, _, irq in calls if irq] == list(range(5, 1001, 8))


def test_poke_at_a_later_cycle(dut):
    dut.ack.poke(1, at=40)
    dut.run_until(45)
    assert (dut.seen.value, dut.got.value) == (1, 40)


def test_run_until_a_condition(dut):
    assert dut.run_until(dut.irq == 1, timeout=100) == 5
    dut.step()
    assert dut.run_until((dut.now & 0x7) == 5, timeout=100) == 13
    with pytest.raises(hil.Timeout) as e:
        dut.run_until(dut.seen == 1, timeout=7)
    assert e.value.cycle == 20 == dut.cycle


def test_errors_are_exceptions(dut):
    with pytest.raises(hil.HilError) as e:
        dut.now.value = 3
    assert e.value.code == "bad_arg" and "output" in e.value.message
    with pytest.raises(ValueError):
        dut.ack.value = 2                         # does not fit 1 bit
    with pytest.raises(hil.HilError) as e:
        dut.port("nope")
    assert e.value.code == "bad_arg" and "ack" in e.value.message
    with pytest.raises(TypeError):
        if dut.irq == 1:                          # a condition, not a truth value
            pass
    # A code that comes from hild itself, with its message.
    with pytest.raises(hil.HilError) as e:
        dut._call("step")
    assert e.value.code == "bad_arg" and '"n"' in e.value.message


def test_callbacks_must_not_call_the_dut(dut):
    def bad(cycle, value):
        dut.ack.value = 1

    dut.watch(dut.irq, bad)
    with pytest.raises(hil.HilError) as e:
        dut.step(6)
    assert e.value.code == "bad_call"


def test_no_such_board(hild):
    with pytest.raises(hil.HilError) as e:
        hil.open("hild:no-such-board", address=hild)
    assert e.value.code == "no_board"


def test_no_hild(tmp_path):
    with pytest.raises(hil.NotRunning) as e:
        hil.open("sim:examples/counter", address=str(tmp_path / "none.sock"))
    assert "hild --foreground" in str(e.value) and e.value.code == "not_running"


def test_subscribe_with_a_wildcard(dut, hil_client):
    seen = []
    hil_client.subscribe("board/*/port/irq", lambda topic, ev: seen.append((topic, ev)))
    mine = []
    dut.watch(dut.irq, lambda c, v: mine.append((c, v)))
    dut.step(20)
    while len(seen) < len(mine) and hil_client.poll(5):
        pass
    topic = "board/%s/port/irq" % dut.board
    assert [(t, e["cycle"], int(e["value"], 16)) for t, e in seen] == \
        [(topic, c, v) for c, v in mine]


def test_monitor_sees_what_the_owner_sees(dut, hil_client):
    owner, monitor = [], []
    hil_client.monitor(dut.board, lambda topic, ev: monitor.append((topic, ev)))
    dut.subscribe("board/%s/#" % dut.board, lambda topic, ev: owner.append((topic, ev)))
    dut.watch(dut.irq)
    dut.watch(dut.seen)
    dut.ack.poke(1, at=9)
    dut.run_until(dut.now == 30, timeout=40)
    dut.sync()
    while len(monitor) < len(owner) and hil_client.poll(5):
        pass
    assert len(owner) >= 9 and monitor == owner


def test_trace_limit(dut):
    dut.trace_limit = 3
    dut.watch(dut.irq)
    with pytest.raises(hil.HilError) as e:
        dut.step(40)
    assert e.value.code == "trace_full" and "trace_limit" in e.value.message
    assert dut.trace == [(5, "irq", 1), (6, "irq", 0), (13, "irq", 1)] and dut.cycle == 40
