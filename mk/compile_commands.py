"""make compile_commands: compile_commands.json for editors and clang
tools, from the commands make would run for libhil, hil, hild and the unit
tests (make -n; the build itself is untouched). Reads them on stdin."""
import json
import os
import shlex
import sys

root = os.getcwd()
entries = []
for line in sys.stdin:
    words = shlex.split(line)
    if not words or words[0] not in ("gcc", "cc", "clang") or "-c" not in words:
        continue
    source = words[words.index("-c") + 1]
    entries.append({"directory": root, "file": os.path.join(root, source), "arguments": words})
with open("compile_commands.json", "w") as f:
    json.dump(entries, f, indent=1)
print("compile_commands.json: %d files" % len(entries))
