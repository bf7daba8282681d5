#!/usr/bin/env python3
"""Prepares and checks gateware/tb/tb_frames.v against tests/fixtures/vectors/frames.vec.

  frames.py input DIR   writes DIR/rx.memh, DIR/tx.memh; prints "NRX NTX"
  frames.py check DIR   compares DIR/rx.out and DIR/tx.out with the vectors
"""
import sys
import zlib

# tb_frames.v's MAXLEN: the longest frame hil_frame_rx takes, CRC included.
MAXLEN = 1035


def stuffed(raw):
    body = raw + zlib.crc32(raw).to_bytes(4, "little")
    return b"\xc0" + body.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"


def at_limit():
    """Two frames the receiver only: MAXLEN bytes long (taken) and a byte
    longer (dropped)."""
    for extra, ok in ((0, 1), (1, 0)):
        pay = bytes((i * 7) & 0xFF for i in range(MAXLEN - 11 + extra))
        yield stuffed(bytes([1, 0, 0, 0, 0, 0, 0x40]) + pay), ok


def vectors():
    for line in open("tests/fixtures/vectors/frames.vec"):
        if line.startswith("#") or not line.strip():
            continue
        kind, name, wire, hdr, pay, _ = [f.strip() for f in line.split("|")]
        raw = b""
        if hdr != "-":
            fl, ack, seq, lim = [int(x, 16) for x in hdr.split()]
            raw = bytes([fl]) + ack.to_bytes(2, "little") + seq.to_bytes(2, "little") + \
                lim.to_bytes(2, "little") + (bytes.fromhex(pay) if pay != "-" else b"")
        yield kind, name, bytes.fromhex(wire), raw


def make_input(d):
    rx, tx = b"", b""
    for kind, name, wire, raw in vectors():
        rx += wire
        if kind == "good" and name != "after_garbage":
            tx += bytes([len(raw)]) + raw
    for wire, _ in at_limit():
        rx += wire
    open(d + "/rx.memh", "w").write("".join("%02x\n" % b for b in rx))
    open(d + "/tx.memh", "w").write("".join("%02x\n" % b for b in tx))
    print(len(rx), len(tx))


def check(d):
    want_rx, want_tx = [], b""
    for kind, name, wire, raw in vectors():
        if name == "after_garbage":
            want_rx += [0, 1]
        else:
            want_rx.append(1 if kind == "good" else 0)
        if kind == "good" and name != "after_garbage":
            want_tx += wire
    want_rx += [ok for _, ok in at_limit()]
    got_rx = [int(l.split()[0]) for l in open(d + "/rx.out") if l.strip()]
    got_tx = bytes(int(l, 16) for l in open(d + "/tx.out") if l.strip())
    passed = failed = 0
    for what, ok in (("hil_frame_rx judges every vector frame as the vectors say, and frames of MAXLEN and a byte more (%d frames)" % len(want_rx),
                      got_rx == want_rx),
                     ("hil_frame_tx makes the vectors' wire bytes (%d bytes)" % len(want_tx),
                      got_tx == want_tx)):
        print(("ok " if ok else "FAIL ") + what)
        passed += ok
        failed += not ok
    if got_rx != want_rx:
        print("  rx got ", got_rx, "\n  rx want", want_rx)
    if got_tx != want_tx:
        print("  tx got ", got_tx.hex(" "), "\n  tx want", want_tx.hex(" "))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "input":
        make_input(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
