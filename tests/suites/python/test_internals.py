"""Signals inside the DUT from Python: hil.open("sim:DIR", internals=True)
on tests/fixtures/duts/hier (instances u_acc and u_big, a generate loop
lane[0..1], a memory u_acc.hist, a 100-bit register wide), in this
process, and through a real hild (the open request carries "internals", a
read is a peek naming the signal)."""
import os

import pytest

import hil

HIER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures",
                    "duts", "hier")


def reset(dut):
    dut.rst.value = 1
    dut.step()
    dut.rst.value = 0


@pytest.fixture(scope="module")
def session():
    """One session for the module's tests on hier, opened once."""
    with hil.open("sim:" + HIER, internals=True) as dut:
        yield dut


@pytest.fixture
def hier(session):
    reset(session)
    return session


def test_instances_and_generate_scopes(hier):
    hier.d.value = 5
    # The poke lands in this cycle; registers take it at its edge.
    assert hier.u_acc.sum.value == 0
    hier.step()
    assert hier.u_acc.sum.value == 5
    assert hier.u_acc.next.value == 10            # a wire: sum + d
    assert (hier.lane[0].r.value, hier.lane[1].r.value) == (5, 6)
    hier.d.value = 0x30
    hier.step(3)
    assert hier.u_acc.sum.value == hier.q8.value == 0x95
    assert hier.u_big.sum.value == 0x95           # the 12-bit instance


def test_words_of_a_memory(hier):
    for d in (5, 0x30, 0x31, 0x32):
        hier.d.value = d
        hier.step()
    hist = [hier.u_acc.hist[i].value for i in range(4)]
    assert hist == [5, 0x30, 0x31, 0x32]
    assert hier.signal("u_acc.hist[2]").value == 0x31


def test_a_100_bit_register(hier):
    want = 0
    for k in range(14):
        d = 0xA0 + k
        hier.d.value = d
        hier.step()
        want = ((want << 8) | d) & ((1 << 100) - 1)
    # 14 bytes shifted in: the oldest one's top half fell off bit 99.
    assert want >> 96 != 0
    assert hier.wide.value == want


def test_reads_are_ints_and_not_in_the_trace(hier):
    hier.d.value = 7
    hier.step()
    v = hier.u_acc.sum.value
    assert type(v) is int and int(v) == 7 and v == hier.q8.value
    hier.q8.peek()
    assert [(name, value) for _, name, value in hier.trace][-1:] == [("q8", 7)]
    assert all(name in hier.ports for _, name, _ in hier.trace)


def test_ports_stay_ports(hier):
    assert isinstance(hier.d, hil.Port) and isinstance(hier.q8, hil.Port)
    assert isinstance(hier.u_acc, hil.Signal)
    assert hier.lane[1].r.path == "lane[1].r" and hier.u_acc.hist[2].path == "u_acc.hist[2]"


def test_a_wrong_path_says_what_the_scope_holds(hier):
    with pytest.raises(hil.HilError) as e:
        hier.u_acc.nosuch.value
    assert e.value.code == "bad_arg"
    assert "'nosuch'" in e.value.message and "hist[0:3]" in e.value.message
    assert "sum" in e.value.message
    with pytest.raises(hil.HilError) as e:
        hier.lane[7].r.value
    assert "lane[0], lane[1]" in e.value.message
    with pytest.raises(hil.HilError) as e:
        hier.u_acc.value
    assert "scope" in e.value.message
    with pytest.raises(TypeError):
        hier.lane["1"]


def test_internal_signals_are_read_only(hier):
    hier.d.value = 3
    hier.step()
    with pytest.raises(hil.HilError) as e:
        hier.u_acc.sum.value = 9
    assert e.value.code == "bad_arg" and "u_acc.sum" in e.value.message
    assert "read-only" in e.value.message and "poke the DUT's ports" in e.value.message
    with pytest.raises(hil.HilError) as e:
        hier.u_acc.sum = 9
    assert "read-only" in e.value.message
    assert hier.u_acc.sum.value == 3


def test_a_signal_is_not_a_condition(hier):
    with pytest.raises(TypeError) as e:
        hier.u_acc.sum == 5
    assert "dut.u_acc.sum.value" in str(e.value)


def test_without_internals_the_error_says_how():
    with hil.open("sim:" + HIER) as dut:
        assert not dut.internals
        with pytest.raises(AttributeError) as e:
            dut.u_acc
        msg = str(e.value)
        assert "rst, d, q8, q12" in msg and "hil.open(..., internals=True)" in msg
        with pytest.raises(hil.HilError) as e:
            dut.signal("u_acc.sum")
        assert "internals=True" in e.value.message


@pytest.mark.parametrize("scheme", ["ce:", "netlist:icebreaker:", "hild:ce:"])
def test_other_targets_refuse_internals(scheme):
    with pytest.raises(hil.HilError) as e:
        hil.open(scheme + HIER, internals=True)
    assert e.value.code == "bad_arg" and "simulation-only" in e.value.message


def test_through_hild(hild):
    """The same reads through a hild (the one the plugin finds or starts):
    the open asks for internals, each read is a peek naming the signal."""
    with hil.open("hild:sim:" + HIER, address=hild, internals=True) as dut:
        assert dut.internals
        reset(dut)
        dut.d.value = 5
        dut.step()
        assert dut.u_acc.sum.value == 5 and dut.u_acc.next.value == 10
        assert dut.lane[1].r.value == 6 and dut.u_acc.hist[0].value == 5
        assert dut.cycle == 2
        with pytest.raises(hil.HilError) as e:
            dut.u_acc.nosuch.value
        assert "has no signal 'nosuch'" in e.value.message
    with hil.open("hild:sim:" + HIER, address=hild) as dut:
        with pytest.raises(AttributeError) as e:
            dut.u_acc
        assert "internals=True" in str(e.value)
