#!/usr/bin/env python3
"""A tiny RV32I assembler and instruction-set simulator for examples/cpu.

    python3 asm.py            assemble prog.s into cpu.v's program section
                              (between "// BEGIN PROGRAM" and "// END PROGRAM")
    python3 asm.py --list     print the listing instead
    python3 asm.py --run ARG [START]
                              run prog.s with `arg` = ARG on the simulator below
                              and print every word written to `out` with the
                              cycle it shows on the port, then the cycle
                              `halted` rises; the program starts in cycle START:
                              0 at power-on, C + 1 after `poke rst 1` in cycle C
                              (default 1: `poke rst 1; step 1; poke rst 0`)

The simulator counts cycles as cpu.v spends them (4 a instruction, 5 a
store, 6 a load, 5 + the shift amount a shift), so its cycles are the ones a
test script can expect. Standard library only.

Source syntax: one instruction, label ("name:") or directive a line, `#`
comments; registers by number (x0..x31) or ABI name; immediates and
addresses are Python expressions over numbers, `.equ` names and labels.
Pseudo-instructions: nop li la mv not neg seqz snez j jr call ret beqz bnez
bltz bgez blez bgtz bgt ble bgtu bleu; directives: .equ NAME, EXPR and
.word EXPR.
"""
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RAM_WORDS = 1024

ABI = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1",
       "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
       "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"]
REGS = {name: i for i, name in enumerate(ABI)}
REGS.update({"x%d" % i: i for i in range(32)})
REGS["fp"] = 8

# name: (format, opcode, funct3, funct7)
OPS = {
    "lui": ("U", 0x37, 0, 0), "auipc": ("U", 0x17, 0, 0),
    "jal": ("J", 0x6F, 0, 0), "jalr": ("I", 0x67, 0, 0),
    "beq": ("B", 0x63, 0, 0), "bne": ("B", 0x63, 1, 0), "blt": ("B", 0x63, 4, 0),
    "bge": ("B", 0x63, 5, 0), "bltu": ("B", 0x63, 6, 0), "bgeu": ("B", 0x63, 7, 0),
    "lb": ("L", 0x03, 0, 0), "lh": ("L", 0x03, 1, 0), "lw": ("L", 0x03, 2, 0),
    "lbu": ("L", 0x03, 4, 0), "lhu": ("L", 0x03, 5, 0),
    "sb": ("S", 0x23, 0, 0), "sh": ("S", 0x23, 1, 0), "sw": ("S", 0x23, 2, 0),
    "addi": ("I", 0x13, 0, 0), "slti": ("I", 0x13, 2, 0), "sltiu": ("I", 0x13, 3, 0),
    "xori": ("I", 0x13, 4, 0), "ori": ("I", 0x13, 6, 0), "andi": ("I", 0x13, 7, 0),
    "slli": ("SH", 0x13, 1, 0), "srli": ("SH", 0x13, 5, 0), "srai": ("SH", 0x13, 5, 0x20),
    "add": ("R", 0x33, 0, 0), "sub": ("R", 0x33, 0, 0x20), "sll": ("R", 0x33, 1, 0),
    "slt": ("R", 0x33, 2, 0), "sltu": ("R", 0x33, 3, 0), "xor": ("R", 0x33, 4, 0),
    "srl": ("R", 0x33, 5, 0), "sra": ("R", 0x33, 5, 0x20), "or": ("R", 0x33, 6, 0),
    "and": ("R", 0x33, 7, 0),
    "fence": ("N", 0x0F, 0, 0), "ecall": ("N", 0x73, 0, 0), "ebreak": ("N", 0x73, 0, 0),
}


class AsmError(Exception):
    pass


def hi_lo(value):
    """value = (hi << 12) + lo with lo a signed 12-bit number."""
    value &= 0xFFFFFFFF
    lo = value & 0xFFF
    if lo >= 0x800:
        lo -= 0x1000
    return ((value - lo) >> 12) & 0xFFFFF, lo


def expand(mn, args, pc, ev):
    """A pseudo-instruction as real ones: [(mnemonic, args)]. ev(expr)
    evaluates an expression, or returns None in the first pass when it
    names a label not seen yet."""
    if mn == "nop":
        return [("addi", ["zero", "zero", "0"])]
    if mn == "li":
        v = ev(args[1])
        if v is None:
            raise AsmError("li needs a value known before it (use la for labels)")
        v &= 0xFFFFFFFF
        if v < 0x800 or v >= 0xFFFFF800:
            return [("addi", [args[0], "zero", str(v - (1 << 32) if v >> 31 else v)])]
        hi, lo = hi_lo(v)
        out = [("lui", [args[0], str(hi)])]
        if lo:
            out.append(("addi", [args[0], args[0], str(lo)]))
        return out
    if mn == "la":
        v = ev(args[1])
        hi, lo = hi_lo((v if v is not None else pc) - pc)
        return [("auipc", [args[0], str(hi)]), ("addi", [args[0], args[0], str(lo)])]
    if mn == "mv":
        return [("addi", [args[0], args[1], "0"])]
    if mn == "not":
        return [("xori", [args[0], args[1], "-1"])]
    if mn == "neg":
        return [("sub", [args[0], "zero", args[1]])]
    if mn == "seqz":
        return [("sltiu", [args[0], args[1], "1"])]
    if mn == "snez":
        return [("sltu", [args[0], "zero", args[1]])]
    if mn == "j":
        return [("jal", ["zero", args[0]])]
    if mn == "jr":
        return [("jalr", ["zero", "0(%s)" % args[0]])]
    if mn == "call":
        return [("jal", ["ra", args[0]])]
    if mn == "ret":
        return [("jalr", ["zero", "0(ra)"])]
    zb = {"beqz": "beq", "bnez": "bne", "bltz": "blt", "bgez": "bge"}
    if mn in zb:
        return [(zb[mn], [args[0], "zero", args[1]])]
    if mn == "blez":
        return [("bge", ["zero", args[0], args[1]])]
    if mn == "bgtz":
        return [("blt", ["zero", args[0], args[1]])]
    sw = {"bgt": "blt", "ble": "bge", "bgtu": "bltu", "bleu": "bgeu"}
    if mn in sw:
        return [(sw[mn], [args[1], args[0], args[2]])]
    return [(mn, args)]


def encode(mn, args, pc, ev):
    if mn not in OPS:
        raise AsmError("unknown instruction '%s'" % mn)
    fmt, opc, f3, f7 = OPS[mn]

    def reg(a):
        if a not in REGS:
            raise AsmError("not a register: '%s'" % a)
        return REGS[a]

    def imm(a, bits, signed=True):
        v = ev(a)
        lo, hi = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        if not lo <= v <= hi:
            raise AsmError("immediate %d out of range [%d, %d]" % (v, lo, hi))
        return v & ((1 << bits) - 1)

    def mem(a):  # "off(reg)"
        m = re.fullmatch(r"(.*)\((\w+)\)", a)
        if not m:
            raise AsmError("expected offset(register), got '%s'" % a)
        return imm(m.group(1) or "0", 12), reg(m.group(2))

    def want(n):
        if len(args) != n:
            raise AsmError("%s takes %d operands, got %d" % (mn, n, len(args)))

    if fmt == "R":
        want(3)
        return (f7 << 25 | reg(args[2]) << 20 | reg(args[1]) << 15 | f3 << 12 |
                reg(args[0]) << 7 | opc)
    if fmt == "I":
        if mn == "jalr" and len(args) == 2:
            i, rs1 = mem(args[1])
        else:
            want(3)
            i, rs1 = imm(args[2], 12), reg(args[1])
        return i << 20 | rs1 << 15 | f3 << 12 | reg(args[0]) << 7 | opc
    if fmt == "SH":
        want(3)
        return (f7 << 25 | imm(args[2], 5, False) << 20 | reg(args[1]) << 15 |
                f3 << 12 | reg(args[0]) << 7 | opc)
    if fmt == "L":
        want(2)
        i, rs1 = mem(args[1])
        return i << 20 | rs1 << 15 | f3 << 12 | reg(args[0]) << 7 | opc
    if fmt == "S":
        want(2)
        i, rs1 = mem(args[1])
        return ((i >> 5) << 25 | reg(args[0]) << 20 | rs1 << 15 | f3 << 12 |
                (i & 31) << 7 | opc)
    if fmt == "B":
        want(3)
        off = ev(args[2]) - pc
        if off & 1 or not -4096 <= off < 4096:
            raise AsmError("branch target out of reach: offset %d" % off)
        i = off & 0x1FFF
        return ((i >> 12) << 31 | ((i >> 5) & 63) << 25 | reg(args[1]) << 20 |
                reg(args[0]) << 15 | f3 << 12 | ((i >> 1) & 15) << 8 |
                ((i >> 11) & 1) << 7 | opc)
    if fmt == "U":
        want(2)
        return imm(args[1], 20, False) << 12 | reg(args[0]) << 7 | opc
    if fmt == "J":
        if len(args) == 1:
            args = ["ra"] + args
        want(2)
        off = ev(args[1]) - pc
        if off & 1 or not -(1 << 20) <= off < (1 << 20):
            raise AsmError("jump target out of reach: offset %d" % off)
        i = off & 0x1FFFFF
        return ((i >> 20) << 31 | ((i >> 1) & 0x3FF) << 21 | ((i >> 11) & 1) << 20 |
                ((i >> 12) & 0xFF) << 12 | reg(args[0]) << 7 | opc)
    if mn == "fence":
        return 0x0FF0000F
    return 0x00100073 if mn == "ebreak" else 0x00000073


def assemble(text, name="prog.s"):
    """[(address, word, source line)] of the program."""
    lines = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        while True:
            m = re.match(r"([A-Za-z_.][\w.]*):\s*(.*)", line)
            if not m:
                break
            lines.append((n, raw, "label", m.group(1), []))
            line = m.group(2)
        if line:
            parts = line.split(None, 1)
            args = [a.strip() for a in parts[1].split(",")] if len(parts) > 1 else []
            lines.append((n, raw, "op", parts[0].lower(), args))

    syms = {}

    def evaluator(final):
        def ev(expr):
            try:
                return int(eval(expr, {"__builtins__": {}}, dict(syms)))
            except NameError:
                if final:
                    raise AsmError("unknown name in '%s'" % expr)
                return None
            except Exception as e:
                raise AsmError("bad expression '%s': %s" % (expr, e))
        return ev

    out = []
    for final in (False, True):
        pc = 0
        ev = evaluator(final)
        for n, raw, kind, what, args in lines:
            try:
                if kind == "label":
                    if not final and what in syms:
                        raise AsmError("'%s' defined twice" % what)
                    syms[what] = pc
                elif what == ".equ":
                    if not final and args[0] in syms:
                        raise AsmError("'%s' defined twice" % args[0])
                    syms[args[0]] = ev(args[1])
                elif what == ".word":
                    if final:
                        out.append((pc, ev(args[0]) & 0xFFFFFFFF, raw.strip()))
                    pc += 4
                else:
                    insns = expand(what, args, pc, ev)
                    for k, (mn, a) in enumerate(insns):
                        if final:
                            src = raw.strip() if k == 0 else "  (%s)" % what
                            out.append((pc, encode(mn, a, pc, ev), src))
                        pc += 4
            except AsmError as e:
                raise AsmError("%s:%d: %s" % (name, n, e))
    if len(out) > RAM_WORDS:
        raise AsmError("%s: %d words do not fit the RAM's %d" % (name, len(out), RAM_WORDS))
    return out


def verilog(words):
    lines = ["    initial begin"]
    for addr, word, src in words:
        lines.append("        ram[%d] = 32'h%08x;  // %03x: %s" % (addr // 4, word, addr, src))
    lines.append("    end")
    return "\n".join(lines) + "\n"


# ---- The simulator -------------------------------------------------------

def sx(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def run(words, arg, max_cycles=100_000_000, start=1):
    """Runs the program as cpu.v does from the cycle `start` (its first F).
    Returns ([(cycle, out_count, out)], halt cycle or None, instructions)."""
    mem = bytearray(4 * RAM_WORDS)
    for addr, word, _ in words:
        mem[addr:addr + 4] = word.to_bytes(4, "little")
    x = [0] * 32
    pc = 0
    cycle = start
    outs = []
    n = 0
    M = 0xFFFFFFFF
    while cycle < max_cycles:
        a = pc & 0xFFC
        ins = int.from_bytes(mem[a:a + 4], "little")
        n += 1
        op, rd, f3 = ins & 0x7F, (ins >> 7) & 31, (ins >> 12) & 7
        r1, r2 = x[(ins >> 15) & 31], x[(ins >> 20) & 31]
        ii = sx(ins >> 20, 12)
        si = sx(((ins >> 25) << 5) | ((ins >> 7) & 31), 12)
        bi = sx(((ins >> 31) << 12) | (((ins >> 7) & 1) << 11) | (((ins >> 25) & 63) << 5) |
                (((ins >> 8) & 15) << 1), 13)
        ji = sx(((ins >> 31) << 20) | (((ins >> 12) & 0xFF) << 12) | (((ins >> 20) & 1) << 11) |
                (((ins >> 21) & 0x3FF) << 1), 21)
        nxt = (pc + 4) & 0xFFF
        cost = 4
        val = None
        if op == 0x37:
            val = ins & 0xFFFFF000
        elif op == 0x17:
            val = (pc + (ins & 0xFFFFF000)) & M
        elif op == 0x6F:
            val, nxt = nxt, (pc + ji) & M
        elif op == 0x67 and f3 == 0:
            val, nxt = nxt, (r1 + ii) & M & ~1
        elif op == 0x63 and f3 not in (2, 3):
            c = {0: r1 == r2, 1: r1 != r2, 4: sx(r1, 32) < sx(r2, 32),
                 5: sx(r1, 32) >= sx(r2, 32), 6: r1 < r2, 7: r1 >= r2}[f3]
            if c:
                nxt = (pc + bi) & M
        elif op == 0x03 and f3 in (0, 1, 2, 4, 5):
            cost = 6
            ea = (r1 + ii) & M
            w = arg & M if ea >> 31 else int.from_bytes(mem[ea & 0xFFC:(ea & 0xFFC) + 4], "little")
            h = (w >> 16) if ea & 2 else w & 0xFFFF
            b = (h >> 8) if ea & 1 else h & 0xFF
            val = {0: sx(b, 8) & M, 1: sx(h, 16) & M, 2: w, 4: b, 5: h}[f3]
        elif op == 0x23 and f3 in (0, 1, 2):
            cost = 5
            ea = (r1 + si) & M
            if ea >> 31:
                outs.append((cycle + 5, len(outs) + 1, r2))
            else:
                a = ea & 0xFFC
                if f3 == 0:
                    mem[a + (ea & 3)] = r2 & 0xFF
                elif f3 == 1:
                    mem[a + (ea & 2):a + (ea & 2) + 2] = (r2 & 0xFFFF).to_bytes(2, "little")
                else:
                    mem[a:a + 4] = r2.to_bytes(4, "little")
        elif op in (0x13, 0x33):
            bv = r2 if op == 0x33 else ii & M
            if f3 == 0:
                val = r1 - bv if op == 0x33 and ins >> 30 & 1 else r1 + bv
            elif f3 == 1:
                val, cost = r1 << (bv & 31), 5 + (bv & 31)
            elif f3 == 2:
                val = int(sx(r1, 32) < sx(bv, 32))
            elif f3 == 3:
                val = int(r1 < bv)
            elif f3 == 4:
                val = r1 ^ bv
            elif f3 == 5:
                val = (sx(r1, 32) if ins >> 30 & 1 else r1) >> (bv & 31)
                cost = 5 + (bv & 31)
            elif f3 == 6:
                val = r1 | bv
            else:
                val = r1 & bv
            val &= M
        elif op == 0x0F:
            pass
        else:  # ECALL, EBREAK, CSRs, anything else: halted rises after X
            return outs, cycle + 4, n
        if val is not None and rd:
            x[rd] = val
        pc = nxt & 0xFFC  # a 12-bit pc, targets rounded down to a word
        cycle += cost
    return outs, None, n


def main(argv):
    src = os.path.join(HERE, "prog.s")
    try:
        words = assemble(open(src).read())
    except AsmError as e:
        sys.exit(str(e))
    if argv[:1] == ["--list"]:
        sys.stdout.write(verilog(words))
    elif argv[:1] == ["--run"] and len(argv) in (2, 3):
        outs, halt, n = run(words, int(argv[1], 0), start=int((argv + ["1"])[2]))
        for cycle, k, v in outs:
            print("cycle %d: out_count %d, out 0x%08x (%d)" % (cycle, k, v, sx(v, 32)))
        print("halted in cycle %s after %d instructions" % (halt, n))
    elif not argv:
        path = os.path.join(HERE, "cpu.v")
        text = open(path).read()
        begin = text.index("// BEGIN PROGRAM\n") + len("// BEGIN PROGRAM\n")
        end = text.index("    // END PROGRAM")
        new = text[:begin] + verilog(words) + text[end:]
        if new != text:
            open(path, "w").write(new)
        print("%s: %d words (%d bytes) of %d" % (path, len(words), 4 * len(words), RAM_WORDS))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
