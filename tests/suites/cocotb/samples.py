"""What the cocotb tests of this suite saw, one line a sample, for the
suite to compare between simulators: `TEST TIME_PS NAME VALUE` appended to
the file $COCOTB_SAMPLES names. TIME_PS counts from the test's start:
simulators differ in the steps they leave between tests (Verilator's
cocotb loop takes one), not within one."""
import os

import cocotb
from cocotb.utils import get_sim_time


def sample(test, name, value):
    start = round(cocotb.regression_manager._test_start_sim_time * 1000)
    with open(os.environ["COCOTB_SAMPLES"], "a") as f:
        f.write("%s %d %s %s\n" % (test, get_sim_time("ps") - start, name, value))
    return value


def read(test, handle):
    """The handle's value as an int, recorded."""
    return sample(test, handle._name, int(handle.value))


__all__ = ["cocotb", "read", "sample"]
