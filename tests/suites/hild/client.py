"""Checks hild's client protocol (docs/client-protocol.md) from outside, as
a client would: handshake, requests and their replies, the errors that
end a connection without harming the others, limits, and many clients at
once. Prints "ok ..." / "FAIL ..." lines and the closing count.

    client.py SOCKET [MAX_CLIENTS_SOCKET [SMALL_QUEUE_SOCKET]]
"""
import os
import stat
import struct
import sys

from hildproto import at_once, check, closed, connect, frame, recv_msg, summary


def main():
    path = sys.argv[1]
    mode = stat.S_IMODE(os.stat(path).st_mode)
    check(mode == 0o660, "socket mode 0660 (is %o)" % mode)

    s = connect(path, hello=False)
    s.sendall(frame({"hello": 1, "client": "test"}))
    check(recv_msg(s) == {"hello": 1, "server": "hild"}, "handshake")
    s.sendall(frame({"id": 1, "op": "ping"}) + frame({"id": 2, "op": "nope"}) +
              frame({"id": 3}))
    r1, r2, r3 = recv_msg(s), recv_msg(s), recv_msg(s)
    check(r1 == {"id": 1, "ok": {}}, "ping: one reply with its id")
    check(r2["id"] == 2 and r2["error"]["code"] == "unknown_op",
          "unknown op: an error with its id, the connection stays")
    check(r3["id"] == 3 and r3["error"]["code"] == "bad_request",
          "no op: bad_request with its id")
    s.sendall(frame({"id": 4, "op": "ping"}))
    check(recv_msg(s) == {"id": 4, "ok": {}}, "still served after errors")

    # A request split across writes, byte by byte.
    for b in frame({"id": 5, "op": "ping"}):
        s.send(bytes([b]))
    check(recv_msg(s) == {"id": 5, "ok": {}}, "a frame that arrives a byte at a time")

    # Errors that end only the offending connection.
    cases = [
        ("no handshake first", False, frame({"id": 1, "op": "ping"}), "handshake"),
        ("another protocol version", False, frame({"hello": 99}), "version"),
        ("not JSON", True, frame(b"{nope"), "bad_frame"),
        ("not an object", True, frame(b"[1,2]"), "bad_frame"),
        ("no id", True, frame({"op": "ping"}), "bad_frame"),
        ("an empty frame", True, b"\0\0\0\0", "bad_frame"),
        ("a frame over the size limit", True, struct.pack(">I", 1 << 30), "bad_frame"),
    ]
    for what, greet, data, code in cases:
        c = connect(path, hello=greet)
        c.sendall(data)
        r = recv_msg(c)
        check(r is not None and r.get("error", {}).get("code") == code and closed(c),
              "%s: error %s, then closed" % (what, code))
        c.close()
    s.sendall(frame({"id": 6, "op": "ping"}))
    check(recv_msg(s) == {"id": 6, "ok": {}}, "the first client unharmed by all that")

    # A client that vanishes mid-frame costs nothing.
    c = connect(path)
    c.sendall(struct.pack(">I", 100) + b"{")
    c.close()

    # Many clients at once, each with requests in flight.
    n, per = 200, 20

    def worker(k):
        c = connect(path)
        c.sendall(b"".join(frame({"id": k * 1000 + i, "op": "ping"}) for i in range(per)))
        right = all(recv_msg(c) == {"id": k * 1000 + i, "ok": {}} for i in range(per))
        c.close()
        return None if right else k

    bad = at_once(n, worker)
    check(not bad, "%d clients at once, %d requests each, every reply right %s" %
          (n, per, bad[:3]))

    if len(sys.argv) > 2:
        # A hild that takes two clients: the third is told why.
        a, b = connect(sys.argv[2]), connect(sys.argv[2])
        c = connect(sys.argv[2], hello=False)
        r = recv_msg(c)
        check(r is not None and r["error"]["code"] == "busy" and closed(c),
              "over --max-clients: error busy, then closed")
        a.close()
        b.close()

    if len(sys.argv) > 3:
        # A client that sends and never reads: dropped once its replies
        # fill what hild may queue for it, while another is served.
        slow = connect(sys.argv[3])
        other = connect(sys.argv[3])
        req = frame({"id": 1, "op": "ping"})
        dropped = False
        slow.settimeout(0.5)
        try:
            for _ in range(200):
                slow.sendall(req * 1000)
        except OSError:
            dropped = True
        other.sendall(frame({"id": 7, "op": "ping"}))
        check(recv_msg(other) == {"id": 7, "ok": {}}, "served while a client floods")
        if not dropped:
            slow.settimeout(10)
            try:
                while slow.recv(65536):
                    pass
                dropped = True
            except OSError:
                dropped = True
        check(dropped, "a client that never reads its replies is dropped")

    summary()


main()
