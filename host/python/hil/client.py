"""A connection to hild that is not a session: the board list, topics,
monitoring another session read-only, and jobs."""
import os

from .wire import Connection


class Client:
    """hil.connect() returns one. Events are delivered to the callbacks
    while poll() runs (or any other call reads hild's messages)."""

    def __init__(self, address=None, token=None, timeout=None, client="python"):
        self._conn = Connection(address, client=client, token=token, timeout=timeout)

    def boards(self):
        """hild's boards with their state (docs/client-protocol.md)."""
        return self._conn.call("boards")["boards"]

    def subscribe(self, pattern, callback):
        """callback(topic, event) for every event on a topic matching
        pattern (`*` one segment, a last `#` any number); returns the sub id."""
        sub = self._conn.call("subscribe", topic=pattern)["sub"]
        self._conn.on_event(sub, lambda _s, topic, ev: callback(topic, ev))
        return sub

    def unsubscribe(self, sub):
        self._conn.call("unsubscribe", sub=sub)
        self._conn.on_event(sub, None)

    def monitor(self, board, callback):
        """Every event of the sessions on board, read-only, to
        callback(topic, event): exactly what their owners receive."""
        sub = self._conn.call("monitor", board=board)["sub"]
        self._conn.on_event(sub, lambda _s, topic, ev: callback(topic, ev))
        return sub

    def poll(self, timeout=0.0):
        """Waits up to timeout seconds for events, then delivers them and
        every other one already here; returns how many."""
        return self._conn.poll(timeout)

    def submit(self, script, dut, board=None, board_type=None, sim=False, name="python"):
        """Queues a run of a script (its text) on a board, a board type or
        a simulator; returns the job id."""
        args = {"script": script, "name": name, "dut": os.path.abspath(dut)}
        if [board is not None, board_type is not None, bool(sim)].count(True) != 1:
            raise ValueError("submit: give one of board=NAME, board_type=T or sim=True")
        if board is not None:
            args["board"] = board
        elif board_type is not None:
            args["type"] = board_type
        else:
            args["sim"] = True
        return self._conn.call("submit", **args)["job"]

    def job_wait(self, job):
        return self._conn.call("job_wait", job=job)

    def result(self, job):
        return self._conn.call("result", job=job)

    def close(self):
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False
