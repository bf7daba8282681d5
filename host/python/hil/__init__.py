"""hil for Python: test benches over hild, the same on the simulator and on
a board (docs/python.md).

    import hil
    with hil.open("sim:examples/counter") as dut:
        dut.rst.value = 1
        dut.step()
        dut.rst.value = 0
        dut.en.value = 1
        dut.step(10)
        assert dut.count.value == 10
"""
from .client import Client
from .dut import Condition, Dut, Port, Signal, Values
from .dut import open_session as open
from .aio import Event
from .errors import ConnectionLost, HilError, NotRunning, Timeout
from .wire import default_address


def connect(address=None, token=None, timeout=None, client="python"):
    """A connection to hild without a session: boards, topics, monitors, jobs."""
    return Client(address, token=token, timeout=timeout, client=client)


__all__ = ["Client", "Condition", "ConnectionLost", "Dut", "Event", "HilError",
           "NotRunning", "Port", "Signal", "Timeout", "Values", "connect", "default_address",
           "open"]
