#!/usr/bin/python3
"""Random stimulus scripts for the oracle test, written to take every path
a poke has on the simulator: pokes stamped for later cycles (which an
in-process model makes through its lane, skipping the bridge's byte port),
pokes at `now` (which cross the port), several to one port in one cycle,
pokes to inputs while they are watched, pokes kept across a wait (a break
is armed) and runs of every length, with peeks and watches between.

usage: lane_scripts.py SEED PORTS OUT
PORTS is `hil ports` output; OUT gets the script. The script ends with a
run past its last stamped poke, so that every poke is made."""
import random
import sys


def ports(path):
    ins, outs = [], []
    with open(path) as f:
        for line in f.readlines()[2:]:
            _, d, w, name = line.split()
            (ins if d == "in" else outs).append((name, int(w)))
    return ins, outs


def value(rng, width):
    # Mostly small values, so that compares and waits meet; now and then
    # any value of the port's width.
    v = rng.getrandbits(width) if rng.random() < 0.3 else rng.randrange(min(4, 1 << width))
    return hex(v) if rng.random() < 0.5 else str(v)


def main():
    seed, path, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    rng = random.Random(seed)
    ins, outs = ports(path)
    now, last_at, lines = 0, 0, [f"# lane_scripts.py {seed}"]
    watched = set()
    for _ in range(120):
        r = rng.random()
        if r < 0.35:
            c = now + rng.choice([0, 1, 1, 1, 2, 3, 7, 20])
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                name, w = rng.choice(ins)
                lines.append(f"at {c} poke {name} {value(rng, w)}")
            last_at = max(last_at, c)
        elif r < 0.45:
            name, w = rng.choice(ins)
            lines.append(f"poke {name} {value(rng, w)}")
        elif r < 0.65:
            n = rng.choice([0, 1, 1, 2, 3, 5, 30])
            lines.append(f"step {n}")
            now += n
        elif r < 0.72:
            n = rng.choice([1, 4, 25])
            lines.append(f"run {now + n}")
            now += n
        elif r < 0.82:
            name, _ = rng.choice(ins + outs)
            lines.append(f"peek {name}")
        elif r < 0.96:
            name, _ = rng.choice(ins + outs)
            lines.append(f"{'unwatch' if name in watched else 'watch'} {name}")
            watched ^= {name}
        else:
            # A wait ends where its condition first holds, which only the
            # simulation knows; `now` is from here on a bound the script
            # cannot be past, so that stamps and runs stay ahead of it.
            name, w = rng.choice(outs)
            if w >= 8 or rng.random() < 0.3:
                cond = f"!= {value(rng, w) if w < 8 else hex(rng.getrandbits(w))}"
            else:
                cond = "== 0 mask 0"  # holds at once: the break fires where it is armed
            lines.append(f"wait {name} {cond} timeout 40")
            now += 40
    lines.append(f"run {max(now, last_at) + 1}")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


main()
