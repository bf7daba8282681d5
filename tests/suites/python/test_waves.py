"""Waveforms of every DUT signal from Python: hil.open("sim:DIR",
waves=FILE) in this process; GTKWave's fst2vcd reads the file, which
holds the counter's register at the cycles the trace has it. Through hild
waves are refused (the file would be hild's to write)."""
import os
import subprocess

import pytest

import hil

COUNTER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                       "examples", "counter")


def values(vcd_text, name):
    """(time, value) of the top-scope signal `name` in a VCD."""
    ident, out, t, depth = None, [], 0, 0
    for line in vcd_text.splitlines():
        s = line.split()
        if not s:
            continue
        if s[0] == "$scope":
            depth += 1
        elif s[0] == "$upscope":
            depth -= 1
        elif s[0] == "$var" and depth == 1 and s[4] == name:
            ident = s[3]
        elif line[0] == "#":
            t = int(line[1:])
        elif line[0] == "b" and s[1] == ident:
            out.append((t, int(s[0][1:], 2)))
    return out


def test_waves_file_holds_the_register(tmp_path):
    path = str(tmp_path / "counter.fst")
    with hil.open("sim:" + COUNTER, waves=path) as dut:
        dut.rst.value = 1
        dut.step()
        dut.rst.value = 0
        dut.en.value = 1
        dut.step(10)
        assert dut.count.value == 10
    vcd = subprocess.run(["fst2vcd", path], capture_output=True, text=True, check=True).stdout
    count = values(vcd, "count")
    # Cycle n at n ns (1000 ps): count is n - 1 from cycle 2 on.
    at = {t // 1000: v for t, v in count if t % 1000 == 0}
    assert [at[c] for c in range(2, 12)] == list(range(1, 11)), count[:12]


def test_waves_through_hild_refused():
    with pytest.raises(hil.HilError) as e:
        hil.open("hild:sim:" + COUNTER, waves="x.fst")
    assert e.value.code == "bad_arg" and "open sim:DIR" in str(e.value)


def test_waves_needs_fst_or_vcd(tmp_path):
    with pytest.raises(hil.HilError) as e:
        hil.open("sim:" + COUNTER, waves=str(tmp_path / "x.txt"))
    assert "name the waveform file .vcd or .fst" in str(e.value)
