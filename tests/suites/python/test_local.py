"""In-process sessions (hil.open("sim:DIR")) on examples/alu: the ports a
run reads as it stops are kept a list at a time with their ctypes arrays
(hil/local.py), at most Local.PLANS lists. Runs reading more lists than
that, in every order, must each get the values of the ports they name."""
import itertools
import os

import hil

ALU = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                   "examples", "alu")


def test_runs_reading_many_lists_of_ports_each_get_theirs():
    outs = ["y", "zero", "carry", "acc"]
    lists = [list(p) for k in range(1, 5) for p in itertools.permutations(outs, k)]
    lists += [[name, name] for name in outs]
    with hil.open("sim:" + ALU) as dut:
        conn = dut._conn
        assert len(lists) > conn.PLANS
        dut.rst.value = 0
        dut.acc_en.value = 1
        dut.op.value = 0
        for i, names in enumerate(lists * 2):
            a, b = (i * 37) & 0xFF, (i * 91 + 5) & 0xFF
            conn.call("now", pokes=[{"port": "a", "value": a}, {"port": "b", "value": b}])
            r = conn.call("step", n=1, peek=names)
            want = {"y": (a + b) & 0xFF, "zero": int((a + b) & 0xFF == 0),
                    "carry": (a + b) >> 8}
            for name in names:
                got = int(r["values"][name], 16)
                if name == "acc":
                    assert got == dut.acc.value, (i, names)
                else:
                    assert got == want[name], (i, names, got)
            assert len(conn._plans) <= conn.PLANS
