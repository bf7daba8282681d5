#!/usr/bin/env python3
"""Writes frames.vec and bridge.vec from an implementation independent of
hil's C and Verilog code (Python's zlib CRC and hand-written stuffing), so
the vectors check both rather than echo one. Run it only to change the
vectors: the .vec files are what the tests read."""
import struct
import zlib

END, ESC = 0xC0, 0xDB


def stuff(raw):
    out = [END]
    for b in raw:
        if b == END:
            out += [ESC, 0xDC]
        elif b == ESC:
            out += [ESC, 0xDD]
        else:
            out.append(b)
    return out + [END]


def frame(flags, ack, seq, limit, payload=b"", crc_xor=0):
    raw = bytes([flags]) + struct.pack("<HHH", ack, seq, limit) + payload
    crc = (zlib.crc32(raw) ^ crc_xor) & 0xFFFFFFFF
    return stuff(raw + struct.pack("<I", crc))


def hexs(bs):
    return " ".join("%02x" % b for b in bs)


def le48(v):
    return struct.pack("<Q", v)[:6]


def frames_vec():
    rows = []

    def good(name, flags, ack, seq, limit, payload, meaning):
        rows.append(("good", name, hexs(frame(flags, ack, seq, limit, payload)),
                     "%02x %04x %04x %04x" % (flags, ack, seq, limit),
                     hexs(payload) if payload else "-", meaning))

    def bad(name, wire, meaning):
        rows.append(("bad", name, hexs(wire), "-", "-", meaning))

    good("sync", 0x04, 0, 0x1234, 0x4000, b"", "SYNC, nonce 0x1234, host limit 0x4000")
    good("sync_ack", 0x08, 0, 0x1234, 0x0400, b"", "SYNC_ACK echoing nonce 0x1234, bridge limit 0x0400")
    good("hello", 0x01, 0, 0, 0x4000, bytes([0x01, 0x5A]), "DATA at offset 0: HELLO tag 0x5a")
    good("poke", 0x01, 0x0019, 0x0002, 0x4019,
         bytes([0x02, 0x03]) + le48(120) + bytes([1, 0x05]),
         "DATA at offset 2, ack 0x19: POKE port 3 at cycle 120 value 0x05")
    good("escapes", 0x01, 0x00C0, 0x00DB, 0xC0DB,
         bytes([0x02, 0xC0]) + le48(0xDBC0) + bytes([2, 0xC0, 0xDB]),
         "every header field and the payload need escaping")
    good("nak", 0x02, 0x0100, 0, 0x4100, b"", "ack-only frame asking for a resend from 0x0100")
    good("run_r", 0x01, 0x0010, 0x0030, 0x0410, bytes([0x86]) + le48(500),
         "bridge DATA at offset 0x30: RUN_R at cycle 500")
    good("watch_r", 0x01, 0x0010, 0x0037, 0x0410,
         bytes([0x83, 0x01]) + le48(7) + bytes([2, 0x34, 0x12]),
         "bridge DATA: WATCH_R port 1 at cycle 7, 16-bit value 0x1234")
    f = frame(0x01, 0, 0, 0x4000, bytes([0x01, 0x5A]))
    bad("bad_crc", frame(0x01, 0, 0, 0x4000, bytes([0x01, 0x5A]), crc_xor=1), "CRC off by one bit: dropped")
    bad("flipped_payload", f[:9] + [f[9] ^ 0x40] + f[10:], "a payload bit flipped in transit: dropped")
    bad("bad_escape", [END, 0x01, ESC, 0x01] + f[3:], "ESC followed by 0x01: dropped")
    bad("short", [END, 0x01, 0x00, 0x00, END], "shorter than header and CRC: dropped")
    bad("truncated", f[:-3] + [END], "frame cut short: dropped")
    rows.append(("good", "after_garbage", hexs([0x55, 0xAA, 0x13] + frame(0x02, 0, 0, 0x4000)),
                 "02 0000 0000 4000", "-",
                 "line noise before the first END is skipped; the frame after it is good"))
    with open("frames.vec", "w") as out:
        out.write("# Link frames (docs/protocol.md sections 1-2). One frame a line:\n"
                  "# KIND | NAME | WIRE BYTES | FLAGS ACK SEQ LIMIT | PAYLOAD | MEANING\n"
                  "# KIND good: decodes to the header and payload given, and encoding\n"
                  "# them gives the wire bytes (after_garbage: decoding only).\n"
                  "# KIND bad: the decoder must drop it.\n")
        for r in rows:
            out.write(" | ".join(r) + "\n")


def bridge_vec():
    # A session against the bridge wrapping tests/vectors/vcounter. Host frames go
    # in; the bridge's DATA payloads, joined in stream order, must be the
    # report bytes given (its ack-only frames are not checked).
    sig = None  # filled by the test from ports.json
    cmds = []
    cmds.append(("hello", bytes([0x01, 0x5A]), "HELLO_R", 25))
    cmds.append(("poke rst=1 at 0", bytes([0x02, 0]) + le48(0) + bytes([1, 1]), None, 0))
    cmds.append(("run to 1", bytes([0x06]) + le48(1), "86" + le48(1).hex(), 7))
    cmds.append(("poke rst=0, en=1 at 1", bytes([0x02, 0]) + le48(1) + bytes([1, 0]) +
                 bytes([0x02, 1]) + le48(1) + bytes([1, 1]), None, 0))
    cmds.append(("sample count at 5", bytes([0x03, 2]) + le48(5), "82 02" + le48(5).hex() + "0104", 10))
    cmds.append(("poke to an output: ERROR_R NOT_INPUT", bytes([0x02, 2]) + le48(5) + bytes([1, 9]),
                 "85 05 02" + le48(5).hex(), 9))
    cmds.append(("discarded while halted", bytes([0x06]) + le48(9), None, 0))
    cmds.append(("resume", bytes([0x07]), "87 0200", 3))
    cmds.append(("late stamp", bytes([0x06]) + le48(2), "85 04 06" + le48(5).hex(), 9))
    cmds.append(("resume", bytes([0x07]), "87 0100", 3))
    cmds.append(("run to 10", bytes([0x06]) + le48(10), "86" + le48(10).hex(), 7))
    # 13 good frames so far: the SYNC and one DATA frame per command, this one too.
    cmds.append(("status", bytes([0x08]), "88" + le48(10).hex() + "0000 0000 0d00 00 0000", 16))
    with open("bridge.vec", "w") as out:
        out.write("# A session with the bridge around tests/vectors/vcounter (ports: rst 0,\n"
                  "# en 1, count 2, wrap 3). One command a line:\n"
                  "# NAME | COMMAND BYTES (sent in a DATA frame each, in order) | REPORT BYTES\n"
                  "# REPORT BYTES '-' means none; HELLO_R is checked field by field by the\n"
                  "# test (its signature comes from ports.json).\n")
        for name, cmd, rep, _ in cmds:
            if rep is None:
                r = "-"
            elif rep == "HELLO_R":
                r = "HELLO_R"
            else:
                r = bytes.fromhex(rep.replace(" ", "")).hex(" ")
            out.write("%s | %s | %s\n" % (name, cmd.hex(" "), r))


frames_vec()
bridge_vec()
