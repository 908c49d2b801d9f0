#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print the sections of an OCI runtime spec (config.json) that podman's
flags set, normalised, as sorted JSON lines, so that two tools' specs for
the same flags can be compared with diff.

usage: spec-sections.py CONFIG.JSON [DEST...]

Sections: process.args, process.capabilities, process.rlimits,
process.noNewPrivileges, process.oomScoreAdj, process.user (uid, gid,
additionalGids, umask), linux.resources, linux.devices, linux.sysctl,
whether linux.seccomp is there, and the mounts whose destination is one of
DEST (the ones the flags asked for; the tools' own mounts differ in their
paths).  A container ID (64 hex digits) in a string becomes <ID>.  A
device's fileMode keeps only its permission bits: podman 4.3 writes the
file type bits too (020600 for a character device), which the OCI schema
refuses (at most 0777 and the set-ID/sticky bits); libctr writes the schema's."""
import json
import re
import sys

ID = re.compile(r'[0-9a-f]{64}')


def norm(v):
    if isinstance(v, str):
        return ID.sub('<ID>', v)
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def sections(spec, dests):
    p = spec.get('process', {})
    lx = spec.get('linux', {})
    user = p.get('user', {})
    out = {
        'process.args': p.get('args'),
        'process.capabilities': {k: sorted(v) for k, v in p.get('capabilities', {}).items() if v},
        'process.rlimits': sorted(p.get('rlimits') or [], key=lambda r: r['type']),
        'process.noNewPrivileges': bool(p.get('noNewPrivileges')),
        'process.oomScoreAdj': p.get('oomScoreAdj'),
        # podman 4.3 orders the added groups by a map walk: not always the same
        'process.user': {k: sorted(user[k]) if k == 'additionalGids' and user.get(k) else user.get(k)
                         for k in ('uid', 'gid', 'additionalGids', 'umask')},
        'linux.resources': lx.get('resources'),
        'linux.devices': sorted([dict(d, fileMode=d['fileMode'] & 0o7777) if 'fileMode' in d else d
                                 for d in lx.get('devices') or []], key=lambda d: d['path']),
        'linux.sysctl': lx.get('sysctl'),
        'linux.seccomp': 'seccomp' in lx,
    }
    for m in spec.get('mounts', []):
        if m.get('destination') in dests:
            out['mount ' + m['destination']] = m
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        spec = json.load(f)
    for k, v in sorted(sections(spec, set(argv[2:])).items()):
        print('%s: %s' % (k, json.dumps(norm(v), sort_keys=True)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
