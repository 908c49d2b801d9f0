#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run inside a container (busybox sh): what the container's process is and
# sees, section by section, for test-native-diff.sh to compare between two
# OCI runtimes (after tests/lib/native-report.py has normalised it).
echo "== status"
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
echo "== id"
id
echo "== ulimit"
ulimit -a
echo "== hostname"
hostname
echo "== cwd"
pwd
echo "== env"
env | sort
echo "== umask"
umask
echo "== oom_score_adj"
cat /proc/self/oom_score_adj
echo "== ns"
for n in cgroup ipc mnt net pid uts; do echo "$n $(readlink /proc/self/ns/$n)"; done
echo "== net"
for i in /sys/class/net/*; do echo "${i##*/} $(cat "$i/flags") $(cat "$i/operstate")"; done
echo "== mounts"
cat /proc/self/mountinfo
echo "== dev"
ls -ln /dev
echo "== cgroup"
for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max cpu/cpu.shares \
         memory.max pids.max; do
    [ -r "/sys/fs/cgroup/$f" ] && echo "$f $(cat "/sys/fs/cgroup/$f")"
done
echo "== masked"
for p in /proc/kcore /proc/keys /proc/timer_list /proc/acpi /sys/firmware /proc/sys/kernel/hostname; do
    if [ -d "$p" ]; then
        echo "$p dir $(ls -A "$p" 2>/dev/null | wc -l) entries"
    else
        echo "$p $(head -c 16 "$p" 2>/dev/null | wc -c) bytes"
    fi
done
echo "== writable"
for p in / /proc/sys /sys /tmp; do
    if touch "$p/.w" 2>/dev/null; then rm -f "$p/.w"; echo "$p writable"; else echo "$p read-only"; fi
done
echo "== fds"
ls /proc/self/fd | sort -n | tr '\n' ' '
echo
echo "== tty"
tty
echo "== probes"
mkdir /tmp/probe.d 2>&1 && echo "mkdir ok" && rmdir /tmp/probe.d
hostname probe.invalid 2>&1 && hostname "$(cat /etc/hostname 2>/dev/null || echo x)"
echo "== end"
