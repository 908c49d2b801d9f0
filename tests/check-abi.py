#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exported interface against the ABI baseline: additions only.

usage: check-abi.py BASELINE.abi LIBRARY HEADERS_DIR

Runs abidiff.  Compatible (exit 0): no change, or only growth that old
programs and plug-ins never see: a struct growing at its end (every member
inserted at or after the old size, nothing deleted or moved) and new
enumerators.  Versioned options structs grow that way (a flag or version
says when a new member is there).  Anything else abidiff reports (a removed
or changed function, a deleted or moved member, a changed type or value)
is a failure.  abidiff's report is printed in every case.
"""
import re
import subprocess
import sys

# Lines that only say where a change lies, or that sizes grew.
NEUTRAL = [
    r"^Functions changes summary: 0 Removed, \d+ Changed( \(\d+ filtered out\))?, \d+ Added functions?$",
    r"^Variables changes summary: 0 Removed, \d+ Changed( \(\d+ filtered out\))?, \d+ Added variables?$",
    r"^\d+ functions? with some indirect sub-type change:$",
    r"^\d+ variables? with some indirect sub-type change:$",
    r"^\[C\] '.*' (at \S+ )?has some indirect sub-type changes:$",
    r"^(parameter \d+|return type) of type '.*' has sub-type changes:$",
    r"^in (pointed to|unqualified underlying|referenced) type '.*'( at \S+)?:$",
    r"^(underlying )?type '.*' (at \S+ )?changed:$",
    r"^type of '.*' changed:$",
    r"^in pointed to type 'function type .*':$",
    r"^type size hasn't changed$",
    r"^\d+ data member changes?:$",
    r"^\d+ data member insertions?:$",
    r"^\d+ enumerator insertions?:$",
    r"^'.*' value '?-?\d+'?$",
]
SIZE = re.compile(r"^type size changed from (\d+) to (\d+) \(in bits\)$")
INSERTED = re.compile(r"^'.*', at offset (\d+) \(in bits\)( at \S+)?$")


def judge(report):
    """The lines that are not additions (empty: compatible)."""
    bad, old_size = [], None
    for raw in report.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = SIZE.match(line)
        if m:
            old_size = int(m.group(1))
            if int(m.group(2)) < old_size:
                bad.append(line)
            continue
        m = INSERTED.match(line)
        if m:
            if old_size is None or int(m.group(1)) < old_size:
                bad.append(line + "   <- not at the end")
            continue
        if not any(re.match(p, line) for p in NEUTRAL):
            bad.append(line)
    return bad


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    baseline, library, headers = argv[1:]
    p = subprocess.run(["abidiff", "--no-added-syms", "--headers-dir2", headers, baseline, library],
                       capture_output=True, text=True)
    print(p.stdout, end="")
    print(p.stderr, end="", file=sys.stderr)
    if p.returncode == 0:
        print(f"abi: compatible with {baseline}")
        return 0
    if p.returncode & ~4:  # an error, bad usage, or an incompatible change
        print(f"abi: INCOMPATIBLE with {baseline} (abidiff exit {p.returncode})")
        return 1
    bad = judge(p.stdout)
    if bad:
        print(f"abi: INCOMPATIBLE with {baseline}: changes that are not additions:")
        for line in bad:
            print("  " + line)
        return 1
    print(f"abi: compatible with {baseline} (additions only: structs grown at their end, new enumerators)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
