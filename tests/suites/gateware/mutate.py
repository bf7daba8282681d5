#!/usr/bin/env python3
"""Mutation testing of a gateware module's testbench: each mutation is a
small change to the module that its testbench must notice. The testbench
is first run on the module as it is (it must pass), then once per
mutation on a copy with the change; a mutation counts as killed when the
testbench reports a failure, stops before its closing line, or runs past
its time limit. A mutation that no longer applies (its text is not in the
module exactly once) or does not compile is a failure of this test, so
the list cannot silently rot.

  mutate.py LIST WORKDIR

Mutants run with +first_fail: the testbench stops at its first failed
check (with its closing line), as that is all a mutant needs.

LIST is tests/suites/gateware/mutations/NAME.txt: first a line
"tb: TESTBENCH FILES..." (the testbench, then the gateware it needs, the
mutated module first); for a testbench that does not judge by itself, a
line "args: PLUSARGS..." for vvp and a line "check: COMMAND..." that
judges what it wrote ({out} in either stands for a file in the run's
folder), printing the closing line; then one mutation a line,
"NAME | TEXT | REPLACEMENT", where TEXT occurs exactly once in the
mutated module ("\\n" stands for a line break). Prints "ok"/"FAIL" lines
and "N passed, M failed"."""
import os
import re
import subprocess
import sys

LIMIT = 120  # seconds a testbench run may take before it counts as hung


def run_tb(files, work, tag, first_fail=False, args=(), check=()):
    exe = os.path.join(work, "tb_" + tag)
    out = os.path.join(work, "out")
    c = subprocess.run(["iverilog", "-g2005", "-I", "gateware/tb", "-o", exe] + files,
                       capture_output=True, text=True)
    if c.returncode != 0:
        return "compile", c.stderr.strip().splitlines()[:3]
    try:
        r = subprocess.run(["vvp", "-n", exe] + (["+first_fail"] if first_fail else []) +
                           [a.replace("{out}", out) for a in args],
                           capture_output=True, text=True, timeout=LIMIT)
        if check:
            r = subprocess.run([a.replace("{out}", out) for a in check],
                               capture_output=True, text=True, timeout=LIMIT)
    except subprocess.TimeoutExpired:
        return "hung", []
    lines = r.stdout.strip().splitlines()
    m = re.match(r"^(\d+) passed, (\d+) failed$", lines[-1]) if lines else None
    if not m:
        return "died", lines[-3:]
    return ("pass" if int(m.group(2)) == 0 and int(m.group(1)) > 0 else "fail"), \
        [l for l in lines if l.startswith("FAIL")][:3]


def main():
    lst, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    rows = [l.rstrip("\n") for l in open(lst) if l.strip() and not l.startswith("#")]
    files = rows[0].split()[1:]
    target = files[1]
    opts = {}
    while len(rows) > 1 and rows[1].split(":", 1)[0] in ("args", "check"):
        key, val = rows.pop(1).split(":", 1)
        opts[key] = val.split()
    orig = open(target).read()
    name = os.path.splitext(os.path.basename(lst))[0]
    passed = failed = 0

    def say(ok, what):
        nonlocal passed, failed
        print(("ok " if ok else "FAIL ") + what)
        if ok:
            passed += 1
        else:
            failed += 1

    verdict, detail = run_tb(files, work, name, False, opts.get("args", ()),
                             opts.get("check", ()))
    say(verdict == "pass", "%s passes on %s as it is" % (files[0], target))
    for d in detail:
        print("   ", d)
    if verdict != "pass":
        print("%d passed, %d failed" % (passed, failed))
        return 1
    for i, row in enumerate(rows[1:]):
        what, old, new = [f.strip().replace("\\n", "\n") for f in row.split("|", 2)]
        if orig.count(old) != 1:
            say(False, "mutation '%s' of %s: its text is in the module %d times, not once"
                % (what, target, orig.count(old)))
            continue
        mdir = os.path.join(work, "%s-m%d" % (name, i))
        os.makedirs(mdir, exist_ok=True)
        mfile = os.path.join(mdir, os.path.basename(target))
        with open(mfile, "w") as f:
            f.write(orig.replace(old, new))
        verdict, detail = run_tb([files[0], mfile] + files[2:], mdir, name, True,
                                 opts.get("args", ()), opts.get("check", ()))
        if verdict == "compile":
            say(False, "mutation '%s' of %s does not compile: %s" % (what, target, detail))
        else:
            say(verdict != "pass", "mutation '%s' of %s is caught (%s)" % (what, target, verdict))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
