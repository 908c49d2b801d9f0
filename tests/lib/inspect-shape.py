#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compare the shape of two inspect documents: key sets and JSON types.

usage: inspect-shape.py OURS.json THEIRS.json [SECTION...]

Each file holds one inspect document (or a one-element array, as `inspect`
prints).  For each SECTION (a top-level key, e.g. HostConfig; default: the
whole document's top level plus Config, HostConfig, State and Mounts), every
key THEIRS has must be in OURS with the same JSON type (null, bool, number,
string, array, object), recursively into objects and into the first element
of arrays.  Prints one line per difference; exits 1 when there is one."""
import json
import sys


def kind(v):
    if v is None:
        return 'null'
    if isinstance(v, bool):
        return 'bool'
    if isinstance(v, (int, float)):
        return 'number'
    if isinstance(v, str):
        return 'string'
    if isinstance(v, list):
        return 'array'
    return 'object'


def compare(ours, theirs, path, out, deep=True):
    if kind(ours) != kind(theirs):
        out.append('%s: ours is %s, podman\'s %s (%s)' % (path, kind(ours), kind(theirs),
                                                          json.dumps(theirs)[:80]))
        return
    if not deep:
        return
    if isinstance(theirs, dict):
        for k, v in theirs.items():
            if k not in ours:
                out.append('%s.%s: missing (podman: %s)' % (path, k, json.dumps(v)[:80]))
            else:
                compare(ours[k], v, '%s.%s' % (path, k), out)
    elif isinstance(theirs, list) and theirs and ours:
        compare(ours[0], theirs[0], path + '[0]', out)
    elif isinstance(theirs, list) and theirs and not ours:
        out.append('%s: ours is empty, podman\'s has %s' % (path, json.dumps(theirs)[:80]))


def load(path):
    with open(path) as f:
        d = json.load(f)
    return d[0] if isinstance(d, list) else d


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    ours, theirs = load(argv[1]), load(argv[2])
    sections = argv[3:] or ['', 'Config', 'HostConfig', 'State', 'Mounts']
    out = []
    for s in sections:
        if s == '':
            for k, v in theirs.items():
                if k not in ours:
                    out.append('.%s: missing (podman: %s)' % (k, json.dumps(v)[:80]))
                else:
                    compare(ours[k], v, '.' + k, out, deep=False)
        elif s not in theirs:
            out.append('.%s: podman has no such key' % s)
        else:
            compare(ours.get(s), theirs[s], '.' + s, out)
    for line in out:
        print(line)
    return 1 if out else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
