#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Normalise what tests/lib/native-report.sh printed, so that the reports of
two OCI runtimes on the same config.json compare equal when the container
is the same: mount IDs and device numbers dropped, namespaces named "host"
or "new" against the host's, dates dropped from /dev's listing, the
runtime-specific cgroup path and the exec'd PIDs replaced.

usage: native-report.py REPORT CGROUP_PATH
"""
import os
import re
import sys

NS = ("cgroup", "ipc", "mnt", "net", "pid", "uts")


def host_ns():
    return {n: os.readlink("/proc/self/ns/" + n) for n in NS}


def mount_line(line, cgroup):
    f = line.split()
    if len(f) < 7 or "-" not in f:
        return line
    sep = f.index("-")
    root, point, opts = f[3], f[4], f[5]
    fstype, source, sup = f[sep + 1], f[sep + 2], f[sep + 3] if len(f) > sep + 3 else ""
    root = root.replace(cgroup, "CGROUP")
    return " ".join([root, point, opts, fstype, source, sup])


def dev_line(line):
    # busybox ls -ln: drop the date (Mon DD HH:MM or Mon DD YYYY)
    return re.sub(r"\s+[A-Z][a-z]{2}\s+\d+\s+(\d\d:\d\d|\d{4})\s+", " ", line)


def normalise(text, cgroup):
    hosts = host_ns()
    out, section = [], None
    for line in text.replace("\r\n", "\n").splitlines():
        if line.startswith("== "):
            section = line[3:]
            out.append(line)
            continue
        if section == "mounts":
            line = mount_line(line, cgroup)
        elif section == "ns":
            n, _, v = line.partition(" ")
            line = "%s %s" % (n, "host" if hosts.get(n) == v else "new")
        elif section == "dev":
            if line.startswith("total "):
                continue
            line = dev_line(line)
        line = line.replace(cgroup, "CGROUP")
        out.append(line)
    return "\n".join(out) + "\n"


def main():
    text = open(sys.argv[1], encoding="utf-8", errors="replace").read()
    sys.stdout.write(normalise(text, sys.argv[2]))


if __name__ == "__main__":
    main()
