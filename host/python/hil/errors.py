"""The exceptions hil raises. Every one carries the daemon's error code and
its message (docs/client-protocol.md, "Error codes"); the codes made on the
Python side are listed with the class that uses them."""


class HilError(Exception):
    """An error from hild or from this client: .code and .message."""

    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code
        self.message = message


class NotRunning(HilError):
    """No hild answers where the client looked (code "not_running")."""


class ConnectionLost(HilError):
    """hild closed the connection, or it broke (code "closed")."""


class Timeout(HilError):
    """A wait whose condition did not hold in time (code "timeout");
    .cycle is where the DUT stopped."""

    def __init__(self, message, cycle):
        super().__init__("timeout", message)
        self.cycle = cycle
