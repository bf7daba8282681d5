"""The blocking API on tests/fixtures/duts/stamp (now = the cycle number,
irq high in cycles 5, 13, 21, ...): watches, per-cycle callbacks, hild's
topics and monitors, and errors as exceptions carrying the daemon's code."""
import os

import pytest

import hil

STAMP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures",
                     "duts", "stamp")

pytestmark = pytest.mark.hil(dut="../../fixtures/duts/stamp", board_type="icebreaker")


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
    sent = dut._conn.sent
    dut.step(1000)
    assert dut._conn.sent - sent == 1            # one request for 1000 cycles
    # Cycles 0..999 have ended; 1000, where the run stopped, has not.
    assert [c for c, _, _ in calls] == list(range(0, 1000))
    assert all(now == c for c, now, _ in calls)
    assert [c for c, _, irq in calls if irq] == list(range(5, 1000, 8))


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


def test_a_mistyped_port_names_the_ports(dut):
    with pytest.raises(AttributeError) as e:
        dut.akc.value = 1
    assert str(e.value) == ("DUT stamp has no port or attribute 'akc'; its ports: "
                            "ack, now, got, seen, irq; signals inside the DUT are read "
                            "in simulation, on a session opened with "
                            "hil.open(..., internals=True)")


def test_true_and_false_poke_as_one_and_zero(dut):
    dut.ack.value = True
    dut.run_until(3)
    assert (dut.seen.value, dut.got.value) == (1, 0)
    dut.ack.value = False
    assert dut.ack.value == 0
    assert dut.run_until(dut.irq == True, timeout=100) == 5


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
        hil.open("hild:sim:" + STAMP,
                 address=str(tmp_path / "none.sock"))
    assert "hild --foreground" in str(e.value) and e.value.code == "not_running"


def test_subscribe_with_a_wildcard(dut, hil_client):
    seen = []
    hil_client.subscribe("board/*/port/irq", lambda topic, ev: seen.append((topic, ev)))
    mine = []
    dut.watch(dut.irq, lambda c, v: mine.append((c, v)))
    dut.step(20)
    while len(seen) < len(mine) and hil_client.poll(5):
        pass
    assert mine == [(5, 1), (6, 0), (13, 1), (14, 0)]
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


def test_on_step_sees_how_a_cycle_ended_after_its_pokes(dut):
    calls = []
    dut.on_step(lambda c, v: calls.append((c, v.seen, v.got)), dut.seen, dut.got)
    dut.step(3)
    dut.ack.value = 1          # poked in cycle 3, after the run stopped there
    dut.step(2)
    assert calls == [(0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 0), (4, 1, 3)]


@pytest.mark.hil(dut="../../../examples/alu", board_type="alu-sim")
def test_a_watch_after_on_step_traces_as_hil_run_does(dut):
    # y = a + b follows a in the cycle of the poke; a watch started after
    # that poke must not report the change, whether or not on_step already
    # watches y (hild then holds an older baseline for it).
    traces = []
    for with_on_step in (False, True):
        dut.a.value = 1
        dut.step()
        if with_on_step:
            dut.on_step(lambda c, v: None, dut.y)
        dut.a.value = 2
        dut.watch(dut.y)
        dut.step(2)
        dut.y.peek()
        dut.unwatch(dut.y)
        traces.append(dut.trace)
    assert traces[0] == [(3, "y", 2)]
    assert traces[1] == [(3, "y", 2), (6, "y", 2)]


def test_a_failed_poke_leaves_the_session_in_step(dut):
    calls = []
    dut.on_step(lambda c, v: calls.append(c), dut.irq)
    for i in range(65536):
        dut.ack.poke(0, at=1000 + i)
    dut.ack.poke(0, at=900000)               # one more than hild keeps
    with pytest.raises(hil.HilError) as e:
        dut.step(5)
    assert e.value.code == "full"
    assert dut.cycle == 5 == dut.sync() and calls == [0, 1, 2, 3, 4]


def test_a_failing_callback_loses_no_cycle(dut):
    calls = []
    dut.on_step(lambda c, v: calls.append(c), dut.now)

    def boom(cycle, value):
        if cycle == 5:
            raise AssertionError("irq at 5")

    dut.watch(dut.irq, boom)
    with pytest.raises(AssertionError):
        dut.step(10)
    assert dut.cycle == 10
    dut.step(2)
    assert calls == list(range(0, 12))


def test_event_set_in_a_callback_is_refused(dut):
    ev = dut.event()
    dut.watch(dut.irq, lambda c, v: ev.set())
    with pytest.raises(hil.HilError) as e:
        dut.step(8)
    assert e.value.code == "bad_call" and not ev.is_set()


def test_submit_needs_a_target(hil_client):
    with pytest.raises(ValueError):
        hil_client.submit("step 1\n", dut=STAMP)


def test_a_read_after_each_step_rides_on_the_step(dut):
    sent = dut._conn.sent
    for _ in range(50):
        dut.ack.value = 0
        dut.step()
        assert dut.now.value == dut.cycle
    # The poke rides with the step: one request a cycle, and only the
    # first read was a request of its own.
    assert dut._conn.sent - sent == 50 + 1


@pytest.mark.hil(dut="../../../examples/alu", board_type="alu-sim")
def test_a_poke_after_the_step_is_seen_by_the_next_read(dut):
    dut.a.value = 1
    dut.step()
    assert dut.y.value == 1                # learnt: y is read after steps
    dut.step()
    assert dut.y.value == 1                # came with the step
    dut.a.value = 5                        # y follows a in this very cycle
    assert dut.y.value == 5
    dut.step()
    dut.a.value = 7
    assert (dut.y.value, dut.y.peek()) == (7, 7)
    assert dut.trace == [(3, "y", 7)]


def test_peek_on_a_run_is_checked_before_the_run(dut):
    for op, args in (("step", {"n": 3, "peek": ["nope"]}), ("step", {"n": 3, "peek": "now"}),
                     ("sync", {"peek": ["now"]})):
        with pytest.raises(hil.HilError) as e:
            dut._call(op, **args)
        assert e.value.code == "bad_arg" and "peek" in e.value.message
    assert dut.sync() == 0
    assert dut._call("step", n=3, peek=["now", "irq"])["values"] == {"now": "0x0003", "irq": "0x0"}
