#!/usr/bin/env python3
"""Turns tests/fixtures/vectors/bridge.vec into the byte stream the gateware testbench
feeds the bridge (one DATA frame a command, after a SYNC), and checks what
the bridge sent back: the DATA payloads, joined in stream order, must be the
reports the vectors list. A row whose command is SYNC starts a new session
there (a SYNC frame, offsets from 0); then the last session's reports are
checked. Framing and CRC are done here with zlib, apart from hil's own C
and Verilog.

  vectors.py input  bridge.vec in.memh
  vectors.py fill   bridge.vec EXTRA fill.vec
  vectors.py check  bridge.vec out.hex ports.json ROOM

ROOM is what the bridge's ring takes past its read offset: its last frame's
limit must be its ack plus ROOM. A row whose report is DROPPED must be
refused whole: no report from it, and its bytes not acknowledged (the
offset does not move past them); its command may start "@+N ", which sends
it N bytes past the offset expected. A row "NAME | IDLE | DROPPED" is no
frame but 32 ENDs on the line: time for the bridge, as a pause would give.
"""
import json
import struct
import sys
import zlib

END, ESC = 0xC0, 0xDB
NONCE = 0x2BAD


def stuff(raw):
    out = [END]
    for b in raw:
        out += [ESC, 0xDC] if b == END else [ESC, 0xDD] if b == ESC else [b]
    return out + [END]


def frame(flags, ack, seq, limit, payload=b""):
    raw = bytes([flags]) + struct.pack("<HHH", ack, seq, limit) + payload
    return stuff(raw + struct.pack("<I", zlib.crc32(raw)))


def read_vec(path):
    rows = []
    for line in open(path):
        if line.startswith("#") or not line.strip():
            continue
        name, cmd, rep = [f.strip() for f in line.split("|")]
        shift = 0
        if cmd.startswith("@+"):
            shift, cmd = cmd[2:].split(None, 1)
        if cmd not in ("SYNC", "IDLE"):
            cmd = bytes.fromhex(cmd)
        rows.append((name, cmd.encode() if isinstance(cmd, str) else cmd, rep, int(shift)))
    return rows


def make_input(vec, out):
    wire = frame(0x04, 0, NONCE, 0x4000)
    off = 0
    for _, cmd, rep, shift in read_vec(vec):
        if cmd == b"SYNC":
            wire += frame(0x04, 0, NONCE, 0x4000)
            off = 0
            continue
        if cmd == b"IDLE":
            wire += [END] * 32
            continue
        wire += frame(0x01, 0, off + shift, 0x4000, cmd)
        if rep != "DROPPED":
            off += len(cmd)
    with open(out, "w") as f:
        f.write("".join("%02x\n" % b for b in wire))


def make_fill(vec, extra, out):
    """The session of vec up to its HELLO, then a wait of 60000 cycles;
    two frames ahead of the one expected that the bridge must drop (one
    its logic refuses, one its program undoes), then 1020 + extra command
    bytes: a compact bridge's whole
    limit, which the last frame fills (extra 0) or passes (extra 1, which
    must be dropped)."""
    head = [l for l in open(vec) if l.startswith("#") or l.startswith("hello ")]
    fill = " 10" * 255
    with open(out, "w") as f:
        f.writelines(head)
        f.write("wait 60000 | 1f 60 ea | -\n")
        f.write("a frame 256 bytes ahead, seq's low byte the one expected | @+256 71 | DROPPED\n")
        f.write("a frame 2048 bytes ahead, seq's low 11 bits the ones expected | @+2048 71 | "
                "DROPPED\n")
        # (the program takes it out of the ring after its end: a frame
        # before then would be dropped for its seq, and here never resent)
        f.write("a pause | IDLE | DROPPED\n")
        for _ in range(3):
            f.write("255 bytes of WAIT 0 |%s | -\n" % fill)
        f.write("%d more, run 1 |%s 71 | %s\n" % (254 + extra, " 10" * (254 + extra),
                                                 "df 61 ea" if extra == 0 else "DROPPED"))


def unframe(data):
    """Yields (header, payload) of each good frame; counts the bad ones."""
    frames, bad, buf, esc = [], 0, [], False
    for b in data:
        if b == END:
            if buf:
                raw = bytes(buf)
                if len(raw) >= 11 and zlib.crc32(raw[:-4]) == struct.unpack("<I", raw[-4:])[0]:
                    frames.append((struct.unpack("<BHHH", raw[:7]), raw[7:-4]))
                else:
                    bad += 1
            buf, esc = [], False
        elif b == ESC:
            esc = True
        else:
            buf.append({0xDC: END, 0xDD: ESC}.get(b, b) if esc else b)
            esc = False
    return frames, bad


def check(vec, outfile, ports_path, room):
    ports = json.load(open(ports_path))
    sig = int(ports["signature"], 16)
    rows = read_vec(vec)
    resyncs = sum(1 for _, c, _, _ in rows if c == b"SYNC")
    last = max([i + 1 for i, (_, c, _, _) in enumerate(rows) if c == b"SYNC"] or [0])
    rows = rows[last:]
    want = b""
    for name, _, rep, _ in rows:
        if rep == "HELLO_R":
            want += bytes([0x81, 0x5A, 2, len(ports["ports"]), 2, 10, 10]) + \
                struct.pack("<H", 256) + struct.pack("<Q", sig)
        elif rep not in ("-", "DROPPED"):
            want += bytes.fromhex(rep)
    data = [int(l, 16) for l in open(outfile) if l.strip()]
    frames, bad = unframe(data)
    stream, synced, passed, failed = b"", False, 0, 0

    def ok(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
            print("ok", what)
        else:
            failed += 1
            print("FAIL", what)

    for (flags, ack, seq, limit), pay in frames:
        if flags & 0x08:
            synced = seq == NONCE
            stream = b""
        elif flags & 0x01 and seq == len(stream) & 0xFFFF:
            stream += pay
    # A SYNC abandons the frame the bridge was sending, if any.
    ok(bad <= resyncs, "no spoilt frames from the bridge, but one cut short by each SYNC "
       "after the first (%d)" % bad)
    ok(synced, "SYNC_ACK echoes the nonce")
    ok(stream == want, "report stream equals the vectors")
    if stream != want:
        print("  got  ", stream.hex(" "))
        print("  want ", want.hex(" "))
    last_ack = frames[-1][0][1] if frames else -1
    total = sum(len(c) for _, c, rep, _ in rows if rep != "DROPPED")
    ok(last_ack == total, "bridge acknowledges all %d command bytes (%d)" % (total, last_ack))
    last_limit = frames[-1][0][3] if frames else -1
    ok(last_limit == (last_ack + room) & 0xFFFF,
       "bridge's limit is its ack plus %d (%d)" % (room, last_limit))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1] == "input":
        make_input(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "fill":
        make_fill(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])))
