#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl stats end to end, as root, with real runc and conmon: a busy loop
# under --cpus 0.5 shows 40-60 % CPU (over a stream interval and on
# average), a 20 MiB file in the container's tmpfs shows in its memory
# usage (and matches its memory cgroup), pids counts the container's
# processes (its cgroup.procs), net RX grows after the host pings a
# container on a bridge network of the test's own (ctrstats0,
# 10.209.91.0/24: traffic stays on the host), a stopped container shows
# zeros; the JSON has podman 4.3's keys and types and the table podman's
# header (compared with `podman stats` of a podman container), templates,
# the errors.
# usage: test-ctrctl-stats.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3 ip iptables
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -x /usr/lib/cni/bridge ] || missing "the CNI plugins (containernetworking-plugins) not found"
# One run of the network suites at a time on a machine (as test-ctrctl-net.sh).
exec 9</usr/lib/cni
flock 9 || { echo "FAIL: cannot lock /usr/lib/cni"; exit 1; }
if ip -o link show | grep -qE ': ctrstats0[:@]'; then
    echo "FAIL: a ctrstats0 bridge exists already (another run, or a leftover)"
    exit 1
fi

tmp=$(mktemp -d /tmp/ctrctl-stats-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CNI=$tmp/cni.d
N=libctr-stats-$$
PODMAN=(podman --runtime runc)
PODMAN_RUN=(run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
had_var_lib_cni=0
[ -e /var/lib/cni ] && had_var_lib_cni=1
chains_before=$(iptables-save | grep -E '^:CNI-' | grep -v '^:CNI-HOSTPORT-' | cut -d' ' -f1 | sort)
G=(--root "$ROOT" --runroot "$RUNROOT" --cni-config-dir "$CNI")

final_cleanup() {
    "$CTRCTL" "${G[@]}" rm -a -f >/dev/null 2>&1
    "$CTRCTL" "${G[@]}" network rm -f ctrstats0 >/dev/null 2>&1
    ip link del ctrstats0 2>/dev/null
    rm -rf /var/lib/cni/networks/ctrstats0
    [ "$had_var_lib_cni" = 0 ] && rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null
    "${PODMAN[@]}" ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r "${PODMAN[@]}" rm -f -t 0 >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    CTRCTL_NETWORK=none timeout -k 5 60 "$CTRCTL" "${G[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
R=(run -d --rootfs "$tmp/rootfs")
# bytes SIZE: go-units' HumanSize text ("20.97MB") as a number of bytes.
bytes() {
    python3 -c "import re,sys; m=re.fullmatch(r'([0-9.]+)([kMGTPE]?)B', sys.argv[1]); print(int(float(m[1]) * 1000 ** ' kMGTPE'.index(m[2] or ' ')))" "$1"
}
# cgroup_file PID CONTROLLER FILE: the v1 cgroup file of a process.
cgroup_file() {
    local path
    path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
    cat "/sys/fs/cgroup/$2$path/$3"
}
pid_of() { c inspect "$1"; py "d[0]['State']['Pid']"; }

echo "# ctrctl: $CTRCTL, root $tmp"

# ---- CPU: a busy loop under --cpus 0.5 ----
# The machine may be busy (other builds): a large CPU weight lets the loop use its
# whole quota (a weight never caps), so what is measured is the quota of --cpus,
# not the scheduler's share between busy cgroups.
c "${R[@]}" --name "$N-busy" --cpus 0.5 --cpu-shares 262144 /bin/sh -c 'while :; do :; done'
check "run -d a busy loop with --cpus 0.5" [ "$RC" = 0 ]
sleep 2
c stats --no-stream --format json "$N-busy"
check "stats --no-stream --format json parses, one container" [ "$RC" = 0 ] && [ "$(py 'len(d)')" = 1 ]
avg=$(py "d[0]['avg_cpu'].rstrip('%')")
check "the average CPU of the busy loop is 40-60 % ($avg)" python3 -c "import sys; sys.exit(not 40 <= float('$avg') <= 60)"
timeout -k 5 10 "$CTRCTL" "${G[@]}" stats --interval 1 --no-reset --format json "$N-busy" >"$tmp/stream" 2>"$tmp/err" </dev/null &
stream_pid=$!
sleep 3.5
kill "$stream_pid" 2>/dev/null
wait "$stream_pid" 2>/dev/null
cpus=$(python3 -c "
import json, sys
text, dec, at, out = open(sys.argv[1]).read(), json.JSONDecoder(), 0, []
while text[at:].strip():
    while text[at].isspace(): at += 1
    d, at = dec.raw_decode(text, at)
    out.append(d[0]['cpu_percent'].rstrip('%'))
print(' '.join(out))" "$tmp/stream")
echo "# stream CPU %: $cpus"
second=$(echo "$cpus" | awk '{print $2}')
check "a stream reports every second (3 reports or more)" [ "$(echo "$cpus" | wc -w)" -ge 3 ]
check "the CPU of the busy loop over one interval is 40-60 % ($second)" \
    python3 -c "import sys; sys.exit(not 40 <= float('${second:-0}') <= 60)"
c stats --no-stream --format '{{.CPU}} {{.UpTime}}' "$N-busy"
check "template: .CPU a float, .UpTime a Go duration" has "$OUT" '^[0-9.]* [0-9][0-9.]*[mµn]*s$'
c rm -f "$N-busy"

# ---- memory: 20 MiB in the container's /dev/shm (a tmpfs charged to its cgroup) ----
c "${R[@]}" --name "$N-idle" /bin/sh -c 'sleep 1000'
c "${R[@]}" --name "$N-mem" /bin/sh -c 'head -c 20m /dev/zero > /dev/shm/blob; echo > /dev/shm/done; sleep 1000'
check "run -d two containers, one writing 20 MiB" [ "$RC" = 0 ]
for _ in $(seq 100); do c exec "$N-mem" test -e /dev/shm/done; [ "$RC" = 0 ] && break; sleep 0.1; done
cg1=$(cgroup_file "$(pid_of "$N-mem")" memory memory.usage_in_bytes)
c stats --no-stream --format json "$N-idle" "$N-mem"
cg2=$(cgroup_file "$(pid_of "$N-mem")" memory memory.usage_in_bytes)
check "stats of two containers: two entries, in order" \
    [ "$(py "d[0]['name'], d[1]['name']")" = "$N-idle $N-mem" ]
idle=$(bytes "$(py "d[0]['mem_usage'].split(' / ')[0]")")
mem=$(bytes "$(py "d[1]['mem_usage'].split(' / ')[0]")")
echo "# memory: idle $idle, with 20 MiB $mem"
# (HumanSize keeps 4 digits, and a few pages of the writer go with it)
check "the 20 MiB show in the memory usage ($mem >= 20 MiB, $mem - $idle >= 19.5 MiB)" \
    [ "$mem" -ge $((20 << 20)) ] && [ $((mem - idle)) -ge $((39 << 19)) ]
# (the cgroup's usage read just before and just after: the exec processes
# of the wait above may still be leaving it, with their pages)
check "the usage is the memory cgroup's usage_in_bytes ($cg1 then $cg2, within 2 %)" \
    python3 -c "import sys; sys.exit(not min($cg1, $cg2) * 0.98 <= $mem <= max($cg1, $cg2) * 1.02)"
total=$(awk '/^MemTotal:/ {print $2 * 1024}' /proc/meminfo)
c stats --no-stream --format '{{.MemUsage}}' "$N-mem"
limit=$(bytes "${OUT##* / }")
check "without a limit, the limit is the host's RAM ($total)" \
    python3 -c "import sys; sys.exit(not abs($limit - $total) <= $total * 0.001)"

# ---- pids ----
c "${R[@]}" --name "$N-pids" /bin/sh -c 'sleep 1000 & sleep 1000 & sleep 1000 & wait'
for _ in $(seq 50); do c top "$N-pids" pid; [ "$(printf '%s\n' "$OUT" | wc -l)" -ge 5 ] && break; sleep 0.1; done
procs=$(cgroup_file "$(pid_of "$N-pids")" pids cgroup.procs | wc -l)
c stats --no-stream --format '{{.PIDS}}' "$N-pids"
check "pids is the number of processes (sh and three sleeps: $procs in cgroup.procs)" \
    [ "$OUT" = 4 ] && [ "$procs" = 4 ]

# ---- the table, and JSON against podman's ----
"${PODMAN[@]}" "${PODMAN_RUN[@]}" --name "$N-p" --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 1000' >/dev/null 2>"$tmp/perr"
check "podman runs a container to compare with" [ $? = 0 ]
podman stats --no-stream --format json "$N-p" >"$tmp/pjson" 2>>"$tmp/perr"
podman stats --no-stream "$N-p" 2>>"$tmp/perr" | head -1 >"$tmp/phead"
c stats --no-stream --format json "$N-idle"
printf '%s' "$OUT" >"$tmp/cjson"
shape='import json,sys; d=json.load(open(sys.argv[1])); print(type(d).__name__, sorted((k, type(v).__name__) for k, v in d[0].items()))'
mine=$(python3 -c "$shape" "$tmp/cjson")
theirs=$(python3 -c "$shape" "$tmp/pjson")
check "JSON: podman's keys and types ($theirs)" [ -n "$theirs" ] && [ "$mine" = "$theirs" ]
c stats --no-stream "$N-idle"
check "table: podman's header" [ "$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')" = "$(tr -s ' ' <"$tmp/phead")" ]
check "table: the row of the container" \
    has "$(printf '%s\n' "$OUT" | sed -n 2p)" "^$(c inspect "$N-idle"; py "d[0]['Id'][:12]")  *$N-idle  *[0-9.]*%  *[0-9.]*[kMG]*B / [0-9.]*[kMG]B  *[0-9.]*%  *0B / 0B  *[0-9.]*[kMG]*B / [0-9.]*[kMG]*B  *1  "
c stats --no-stream --no-trunc --format '{{.ID}} {{.Name}} {{.PIDS}}' "$N-idle"
check "template and --no-trunc: the full ID" [ "$OUT" = "$(c inspect "$N-idle"; py "d[0]['Id']") $N-idle 1" ]
c stats --no-stream --format 'table {{.Name}}\t{{.PIDS}}' "$N-idle"
check "table template: its header and row" [ "$(printf '%s\n' "$OUT" | tr -s ' ' | tr '\n' '|')" = "NAME PIDS|$N-idle 1|" ]
c stats --no-stream --format json
check "without names: every running container" [ "$(py "sorted(x['name'] for x in d)")" = "['$N-idle', '$N-mem', '$N-pids']" ]

# ---- a paused container (still sampled, as podman's), a stopped one, errors ----
c pause "$N-mem"
c stats --no-stream --format '{{.Name}} {{.PIDS}}' "$N-mem"
check "a paused container is sampled" [ "$RC" = 0 ] && [ "$OUT" = "$N-mem 1" ]
c unpause "$N-mem"
c stats --no-stream -a "$N-mem"
check "--all with names: podman's error" [ "$RC" = 125 ] && has "$ERR" "cannot be used together"
c stop -t 0 "$N-idle"
c stats --no-stream --format json "$N-idle"
check "a stopped container shows zeros, as podman's" \
    [ "$RC" = 0 ] && [ "$(py "d[0]['cpu_percent'], d[0]['mem_usage'], d[0]['pids'], d[0]['cpu_time']")" = "0.00% 0B / 0B 0 0s" ]
c stats --no-stream nonexistent-$$
check "an unknown container: an error" [ "$RC" = 125 ] && has "$ERR" "no container with name or ID"
c stats --no-stream --interval 0 "$N-mem"
check "--interval 0 is refused" [ "$RC" = 125 ] && has "$ERR" "interval"
c stats --no-stream --format '{{.Foo}}' "$N-mem"
check "an unknown template field: Go's error" [ "$RC" = 125 ] && has "$ERR" "can't evaluate field Foo"

# ---- network: RX grows after the host pings the container ----
c network create --subnet 10.209.91.0/24 --interface-name ctrstats0 ctrstats0
check "network create ctrstats0" [ "$RC" = 0 ]
CTRCTL_NETWORK= timeout -k 5 60 "$CTRCTL" "${G[@]}" "${R[@]}" --network ctrstats0 --name "$N-net" /bin/sh -c 'sleep 1000' \
    >"$tmp/out" 2>"$tmp/err" </dev/null
RC=$?
check "run -d on ctrstats0" [ "$RC" = 0 ]
c inspect "$N-net"
ip_net=$(py "d[0]['NetworkSettings']['Networks']['ctrstats0']['IPAddress']")
# NET IO in podman 4.3's order: transmitted / received (its NetInput is the TX counter)
c stats --no-stream --format json "$N-net"
rx0=$(bytes "$(py "d[0]['net_io'].split(' / ')[1]")")
busybox ping -c 5 -i 0.2 -s 1000 -W 2 "$ip_net" >/dev/null 2>&1
check "the host pings the container ($ip_net)" [ $? = 0 ]
c stats --no-stream --format json "$N-net"
rx1=$(bytes "$(py "d[0]['net_io'].split(' / ')[1]")")
tx1=$(bytes "$(py "d[0]['net_io'].split(' / ')[0]")")
echo "# net: RX $rx0 then $rx1, TX $tx1"
check "RX grew by the 5 pings of 1000 bytes" [ $((rx1 - rx0)) -ge 5000 ]
check "TX: the 5 replies" [ "$tx1" -ge 5000 ]
dev_rx=$(awk '$1 == "eth0:" {print $2}' "/proc/$(pid_of "$N-net")/net/dev")
# read after: a few stray packets (neighbour discovery) may have come meanwhile
check "RX is eth0's of the container's /proc/PID/net/dev ($dev_rx read after)" \
    python3 -c "import sys; sys.exit(not -${dev_rx:-0} * 0.001 <= ${dev_rx:-0} - $rx1 < 2000)"
c rm -a -f
c network rm ctrstats0
check "every container and the network removed" [ "$RC" = 0 ]
check "no CNI chain left" [ "$(iptables-save | grep -E '^:CNI-' | grep -v '^:CNI-HOSTPORT-' | cut -d' ' -f1 | sort)" = "$chains_before" ]

summary
