#!/usr/bin/python3
"""The sequencer's assembler: a program for hil_seq (gateware/hil_seq.v)
in, a Verilog ROM module out.

    seqasm.py SOURCE.s OUT.v [--module NAME] [--listing FILE]

Source, a statement a line (";" starts a comment):
    name:               a label (a program address)
    .equ NAME expr      a constant
    .var NAME [n]       n bytes (default 1) of data memory, allocated from 0
    .top expr           .var must stay below this address
    .root name          label `name` starts afresh: a subroutine may jump
                        there, leaving its call behind (the call check
                        below does not follow such a jump)
    .macro NAME a b     the lines up to .endm, with a and b replaced by
                        what a use (NAME x, y) gives; no labels inside
    ld m   ld m,x       memory operand, m an expression, ",x" adds X
    ldi k               immediate operand
Expressions are terms joined by + and -: numbers (12, 0x1f, 0b101, 'c'),
symbols, lo(e) and hi(e) for a 16-bit value's bytes.

hil_seq executes an instruction while it reads the next one's operand, so
where an instruction reads what the one before it writes (X for an indexed
operand, data memory after an ST that may have written it) a NOP goes in
between, before any label there (a jump does not need it). An index is
taken to stay within 256 bytes past its base. hil_seq keeps one return
address, so a subroutine (a CALL's target) must reach its RET without a
CALL: the assembler checks. The ROM is the power of
two of words (256 at least) the program needs: yosys builds one of 1024
words from four block RAMs of 1024 x 4 bits, but one of 1280 from five
256 x 16 ones and 40-odd logic cells to choose among them.

Errors name the file and line, and nothing is written.
"""
import re
import sys

PCW = 11
DAW = 9

ALU = {"ld": 0, "add": 1, "adc": 2, "sub": 3, "sbc": 4, "and": 5, "or": 6, "xor": 7}
# Compares are SUB and SBC with the flags-only bit.
CMP = {"cmp": 3, "cpc": 4}
JMP = {"jmp": 0, "jz": 1, "jeq": 1, "jnz": 2, "jne": 2, "jc": 3, "jlo": 3,
       "jnc": 4, "jhs": 4, "call": 5}


# Instructions without an operand: (group, function, operand).
BARE = {"tax": (2, 4, 0), "txa": (2, 4, 1), "shr": (2, 5, 0), "swap": (2, 5, 1),
        "incx": (2, 6, 1), "decx": (2, 6, 0xFF), "nop": (2, 7, 0), "ret": (3, 6, 0)}
X_WRITERS = {"ldx", "ldxi", "tax", "incx", "decx", "addx"}
MEM_READERS = set(ALU) | set(CMP) | {"ldx"}


class AsmError(Exception):
    pass


def word(grp, fn, operand):
    return (grp << 14) | (fn << 11) | operand


class Assembler:
    def __init__(self):
        self.syms = {}
        self.labels = {}
        self.dm_next = 0
        self.dm_top = 1 << DAW
        self.code = []      # (line number, text, mnemonic, operands)
        self.roots = []     # (label, line number)
        self.nops = 0

    def hazard(self, prev, op, args):
        """Whether op/args read what prev (mnemonic, operands) writes."""
        pop, pargs = prev
        indexed = len(args) == 2
        if pop in X_WRITERS and indexed:
            return True
        if pop != "st" or op not in MEM_READERS or not args:
            return False
        try:
            st_at, rd_at = self.value(pargs[0], 0), self.value(args[0], 0)
        except AsmError:
            return True
        if indexed and len(pargs) == 2:
            return True
        if indexed:
            return 0 <= st_at - rd_at < 256
        if len(pargs) == 2:
            return 0 <= rd_at - st_at < 256
        return st_at == rd_at

    def define(self, name, value, lineno):
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise AsmError(f"line {lineno}: '{name}' is not a name")
        if name in self.syms or name in self.labels:
            raise AsmError(f"line {lineno}: '{name}' is defined twice")
        self.syms[name] = value

    def value(self, text, lineno):
        text = text.strip()
        m = re.fullmatch(r"(lo|hi)\((.*)\)", text)
        if m:
            v = self.value(m.group(2), lineno)
            return v & 0xFF if m.group(1) == "lo" else (v >> 8) & 0xFF
        total, sign = 0, 1
        for tok in re.split(r"\s*([+-])\s*", text):
            if tok == "+":
                sign = 1
                continue
            if tok == "-":
                sign = -1
                continue
            if tok == "":
                continue
            if re.fullmatch(r"0x[0-9a-fA-F]+|0b[01]+|[0-9]+", tok):
                v = int(tok, 0)
            elif re.fullmatch(r"'.'", tok):
                v = ord(tok[1])
            elif tok in self.syms:
                v = self.syms[tok]
            elif tok in self.labels:
                v = self.labels[tok]
            else:
                raise AsmError(f"line {lineno}: unknown name '{tok}'")
            total += sign * v
            sign = 1
        return total

    def expand(self, lines):
        """(line number, text) after macros are expanded."""
        macros, out, cur = {}, [], None
        for n, raw in enumerate(lines, 1):
            line = raw.split(";", 1)[0].strip()
            word = line.split(None, 1)[0].lower() if line else ""
            if word == ".macro":
                parts = line.replace(",", " ").split()
                if len(parts) < 2 or cur is not None:
                    raise AsmError(f"line {n}: .macro needs a name, outside a macro")
                cur = (parts[1].lower(), parts[2:], [])
                macros[cur[0]] = cur
            elif word == ".endm":
                if cur is None:
                    raise AsmError(f"line {n}: .endm without .macro")
                cur = None
            elif cur is not None:
                if re.match(r"[A-Za-z_][A-Za-z0-9_]*:", line):
                    raise AsmError(f"line {n}: no labels inside a macro")
                cur[2].append(line)
            elif word in macros:
                _, params, body = macros[word]
                rest = line[len(word):].strip()
                args = [a.strip() for a in rest.split(",")] if rest else []
                if len(args) != len(params):
                    raise AsmError(f"line {n}: {word} takes {len(params)} operand(s)")
                for b in body:
                    for p, a in zip(params, args):
                        b = re.sub(rf"\b{re.escape(p)}\b", a, b)
                    out.append((n, f"{b}    ; {raw.strip()}"))
            else:
                out.append((n, raw))
        if cur is not None:
            raise AsmError(f"macro {cur[0]} has no .endm")
        return out

    def parse(self, lines):
        for n, raw in self.expand(lines):
            line = raw.split(";", 1)[0].strip()
            m = re.match(r"([A-Za-z_][A-Za-z0-9_]*):\s*(.*)", line)
            if m:
                name = m.group(1)
                if name in self.syms or name in self.labels:
                    raise AsmError(f"line {n}: '{name}' is defined twice")
                self.labels[name] = len(self.code)
                line = m.group(2)
            if not line:
                continue
            op, _, rest = line.partition(" ")
            op = op.lower()
            args = [a.strip() for a in rest.split(",")] if rest.strip() else []
            if not op.startswith(".") and self.code and \
                    self.hazard(self.code[-1][2:], op, args):
                at = len(self.code)
                self.code.append((n, "    nop    ; (hazard)", "nop", []))
                self.nops += 1
                for name, v in self.labels.items():
                    if v == at:
                        self.labels[name] = at + 1
            if op == ".equ":
                name, _, expr = rest.strip().partition(" ")
                self.define(name, self.value(expr, n), n)
            elif op == ".var":
                parts = rest.split()
                size = self.value(parts[1], n) if len(parts) > 1 else 1
                self.define(parts[0], self.dm_next, n)
                self.dm_next += size
                if self.dm_next > self.dm_top:
                    raise AsmError(f"line {n}: data memory is full (.top {self.dm_top})")
            elif op == ".root":
                self.roots.append((rest.strip(), n))
            elif op == ".top":
                self.dm_top = self.value(rest, n)
                if self.dm_next > self.dm_top:
                    raise AsmError(f"line {n}: .var already past {self.dm_top}")
            elif op.startswith("."):
                raise AsmError(f"line {n}: unknown directive '{op}'")
            else:
                self.code.append((n, raw.rstrip(), op, args))
        if len(self.code) > (1 << PCW):
            raise AsmError(f"the program has {len(self.code)} words, the ROM {1 << PCW}")

    def byte(self, text, n):
        v = self.value(text, n)
        if not -128 <= v <= 255:
            raise AsmError(f"line {n}: {v} does not fit in a byte")
        return v & 0xFF

    def mem(self, args, n, op):
        if len(args) == 2 and args[1].lower() == "x":
            indexed = 1
        elif len(args) == 1:
            indexed = 0
        else:
            raise AsmError(f"line {n}: '{op}' takes an address, or an address and x")
        a = self.value(args[0], n)
        if not 0 <= a < (1 << DAW):
            raise AsmError(f"line {n}: address {a} is outside the data memory")
        return (indexed << 10) | a

    def encode(self, n, op, args):
        def nargs(k):
            if len(args) != k:
                raise AsmError(f"line {n}: '{op}' takes {k} operand(s)")
        if op in ALU:
            return word(0, ALU[op], self.mem(args, n, op))
        if op in CMP:
            return word(0, CMP[op], (1 << 9) | self.mem(args, n, op))
        if op.endswith("i") and op[:-1] in ALU:
            nargs(1)
            return word(1, ALU[op[:-1]], self.byte(args[0], n))
        if op.endswith("i") and op[:-1] in CMP:
            nargs(1)
            return word(1, CMP[op[:-1]], (1 << 9) | self.byte(args[0], n))
        if op == "st":
            return word(2, 0, self.mem(args, n, op))
        if op == "ldx":
            return word(2, 1, self.mem(args, n, op))
        if op == "ldxi":
            nargs(1)
            return word(2, 1, (1 << 9) | self.byte(args[0], n))
        if op in ("in", "out"):
            nargs(1)
            p = self.value(args[0], n)
            if not 0 <= p < 64:
                raise AsmError(f"line {n}: I/O port {p} is not 0..63")
            return word(2, 2 if op == "in" else 3, p)
        if op in BARE:
            nargs(0)
            return word(*BARE[op])
        if op == "addx":
            nargs(1)
            return word(2, 6, self.byte(args[0], n))
        if op in JMP:
            nargs(1)
            t = self.value(args[0], n)
            if not 0 <= t < (1 << PCW):
                raise AsmError(f"line {n}: jump target {t} is outside the program")
            return word(3, JMP[op], t)
        raise AsmError(f"line {n}: unknown instruction '{op}'")

    def assemble(self):
        words = [self.encode(n, op, args) for n, _, op, args in self.code]
        self.check_calls(words)
        return words

    def check_calls(self, words):
        """hil_seq keeps one return address: a subroutine (a CALL's target)
        must not reach a CALL before its RET."""
        roots = set()
        for name, n in self.roots:
            if name not in self.labels:
                raise AsmError(f"line {n}: .root of an unknown label '{name}'")
            roots.add(self.labels[name])
        for entry in sorted({w & ((1 << PCW) - 1) for w in words if w >> 11 == (3 << 3) | 5}):
            seen, todo = set(), [entry]
            while todo:
                a = todo.pop()
                if a in seen or a >= len(words) or a in roots:
                    continue
                seen.add(a)
                w = words[a]
                grp, fn, target = w >> 14, (w >> 11) & 7, w & ((1 << PCW) - 1)
                if grp != 3:
                    todo.append(a + 1)
                elif fn == 5:
                    raise AsmError(f"line {self.code[a][0]}: a CALL in the subroutine at line "
                                   f"{self.code[entry][0]}: hil_seq keeps one return address")
                elif fn == 0:
                    todo.append(target)
                elif fn in (1, 2, 3, 4):
                    todo += [target, a + 1]


def main(argv):
    args = argv[1:]
    module, listing = "hil_seq_rom", None
    while len(args) > 2 and args[-2] in ("--module", "--listing"):
        if args[-2] == "--module":
            module = args[-1]
        else:
            listing = args[-1]
        args = args[:-2]
    if len(args) != 2:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    src, out = args
    asm = Assembler()
    try:
        with open(src, encoding="utf-8") as fh:
            asm.parse(fh.read().splitlines())
        words = asm.assemble()
    except AsmError as e:
        sys.stderr.write(f"{src}: {e}\n")
        return 1
    except OSError as e:
        sys.stderr.write(f"seqasm: {e}\n")
        return 1
    size = 256
    while size < len(words):
        size *= 2
    # A ROM of a power of two below the address space takes the low bits
    # (the program never runs past its end).
    abits = (size - 1).bit_length()
    index = f"[{abits - 1}:0]" if abits < PCW else ""
    text = [f"// Generated by gateware/seq/seqasm.py from {src}: do not edit;",
            "// change the source and assemble it again.",
            f"// {len(words)} words of {size} ({asm.nops} NOPs kept hazards apart); "
            f"data memory: {asm.dm_next} bytes allocated.",
            "`default_nettype none",
            f"module {module} (",
            "    input  wire        clk,",
            "    input  wire        en,",
            "    /* verilator lint_off UNUSEDSIGNAL */" if index else None,
            f"    input  wire [{PCW - 1}:0]  addr,",
            "    /* verilator lint_on UNUSEDSIGNAL */" if index else None,
            "    output reg  [15:0] data",
            ");",
            f"    reg [15:0] mem [0:{size - 1}];",
            "    initial begin"]
    for i, w in enumerate(words):
        text.append(f"        mem[{i}] = 16'h{w:04x};")
    text += ["    end",
             "    always @(posedge clk)",
             "        if (en)",
             f"            data <= mem[addr{index}];",
             "endmodule",
             "`default_nettype wire", ""]
    with open(out, "w", encoding="utf-8") as fh:
        fh.write("\n".join(t for t in text if t is not None))
    if listing:
        with open(listing, "w", encoding="utf-8") as fh:
            for i, ((n, raw, _, _), w) in enumerate(zip(asm.code, words)):
                fh.write(f"{i:03x}  {w:04x}  {n:4d}  {raw}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
