#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl's resource and device flags end to end, as root, with real runc and
# conmon: the limits really apply (a 32 MiB container is OOM-killed and
# inspect says so; --pids-limit stops the 21st process; the container's
# cgroup shows what data/resources' mapping says, read by cgroup-check;
# ulimits in /proc/self/limits; devices usable inside), bad input fails
# clearly and leaves nothing, and linux.resources, linux.devices and
# process.rlimits equal podman's for the same flags.
# usage: test-ctrctl-resources.sh CTRCTL SOURCE_ROOT CGROUP_CHECK
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
CGCHECK=$3
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-resources-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
N=libctr-res-$$
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/prootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
PIDS=()

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    podman ps -a --filter "name=^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r podman rm -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# c ARGS...: run ctrctl; sets RC, OUT, ERR (two minutes at most).
c() {
    timeout -k 5 120 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
# p ARGS...: podman with runc; sets PRC, POUT, PERR (its log lines dropped).
p() {
    timeout -k 5 120 podman --runtime runc "$@" >"$tmp/pout" 2>"$tmp/perr" </dev/null
    PRC=$?
    POUT=$(cat "$tmp/pout")
    PERR=$(grep -v '^time=' "$tmp/perr")
}
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# nothing_left DESCRIPTION: no container, no static dir, no run dir.
nothing_left() {
    c ps -a -q
    local ps=$OUT
    check "$1: nothing left" [ -z "$ps" ] && [ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] &&
        [ -z "$(ls -A "$RUNROOT/containers" 2>/dev/null)" ]
}
# A block device of this host for the throttles (this machine: /dev/vda, 254:0).
BDEV=
for b in /dev/vda /dev/sda /dev/nvme0n1 /dev/xvda; do [ -b "$b" ] && { BDEV=$b; break; }; done
[ -n "$BDEV" ] || BDEV=/dev/$(ls /sys/block | grep -v -E '^(loop|ram|zram)' | head -1)
[ -b "$BDEV" ] || missing "no block device for the throttles"
CGV=1
[ -e /sys/fs/cgroup/cgroup.controllers ] && CGV=2
echo "# ctrctl: $CTRCTL, root $tmp, run root $RUNROOT, block device $BDEV, cgroup v$CGV"

# ---- memory: OOM-killed and recorded ----
c run --name "$N-oom" --memory 32m --rootfs "$tmp/rootfs" /bin/sh -c 'head -c 67108864 /dev/zero | tail >/dev/null'
check "--memory 32m: allocating 64 MiB is killed (137)" [ "$RC" = 137 ]
c inspect --format '{{.State.OOMKilled}} {{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' "$N-oom"
check "... inspect: OOMKilled true, Memory and MemorySwap (twice)" rc_is 0 [ "$OUT" = "true 33554432 67108864" ]
c run --name "$N-fits" --memory 32m --rootfs "$tmp/rootfs" /bin/sh -c 'head -c 8388608 /dev/zero | tail >/dev/null'
check "--memory 32m: allocating 8 MiB is fine" [ "$RC" = 0 ]
c inspect --format '{{.State.OOMKilled}}' "$N-fits"
check "... inspect: OOMKilled false" rc_is 0 [ "$OUT" = false ]
c rm -f "$N-oom" "$N-fits"

# ---- pids: the 21st process is refused ----
# The subshell forks sleeps until a fork fails (busybox sh then exits the
# subshell): the shell, the subshell and 18 sleeps are the 20; after the
# subshell's exit, 19 are left.
c run -d --name "$N-pids" --pids-limit 20 --rootfs "$tmp/rootfs" /bin/sh -c \
    '(i=0; while [ $i -lt 30 ]; do sleep 60 & i=$((i+1)); done); echo forked; exec sleep 60'
check "--pids-limit 20: run -d" [ "$RC" = 0 ]
for _ in $(seq 1 50); do
    c logs "$N-pids"
    has "$OUT" forked && break
    sleep 0.1
done
check "... the 21st fork failed in the container" has "$ERR" "can't fork"
c inspect --format '{{.State.Pid}}' "$N-pids"
pid=$OUT
if [ "$CGV" = 1 ]; then
    cg=/sys/fs/cgroup/pids$(awk -F: '$2 ~ /(^|,)pids(,|$)/ {print $3}' "/proc/$pid/cgroup")
else
    cg=/sys/fs/cgroup$(awk -F: '$2 == "" {print $3}' "/proc/$pid/cgroup")
fi
check "... 19 processes left in its cgroup ($cg)" [ "$(cat "$cg/pids.current" 2>/dev/null)" = 19 ]
check "... the cgroup counted the refusal (pids.events)" grep -q '^max [1-9]' "$cg/pids.events"
"$CGCHECK" "$ROOT" "$RUNROOT" "$N-pids" >"$tmp/cg" 2>&1
check "... cgroup-check: pids.max is 20" grep -q '^ok .*pids.max 20$' "$tmp/cg"
c rm -f "$N-pids"

# ---- the cgroup files of the mapping ----
c run -d --name "$N-cg" --cpus 0.5 -c 512 --cpuset-cpus 0 --cpuset-mems 0 --memory 64m --memory-reservation 32m \
    --oom-kill-disable --pids-limit 50 --device-read-bps "$BDEV:1mb" --device-write-iops "$BDEV:100" \
    --rootfs "$tmp/rootfs" /bin/sleep 60
check "cgroup limits: run -d" [ "$RC" = 0 ]
"$CGCHECK" "$ROOT" "$RUNROOT" "$N-cg" >"$tmp/cg" 2>&1
cgrc=$?
sed 's/^/    /' "$tmp/cg"
check "... cgroup-check: every file shows its value" [ "$cgrc" = 0 ]
if [ "$CGV" = 1 ]; then
    check "... --cpus 0.5: cpu.cfs_quota_us 50000" grep -q '^ok .*cpu.cfs_quota_us 50000$' "$tmp/cg"
    check "... --cpus 0.5: cpu.cfs_period_us 100000" grep -q '^ok .*cpu.cfs_period_us 100000$' "$tmp/cg"
    check "... memory.limit_in_bytes" grep -q '^ok .*memory.limit_in_bytes 67108864$' "$tmp/cg"
    check "... blkio.throttle.read_bps_device" grep -q '^ok .*blkio.throttle.read_bps_device [0-9]*:[0-9]* 1048576$' "$tmp/cg"
else
    check "... --cpus 0.5: cpu.max 50000 100000" grep -q '^ok .*cpu.max 50000 100000$' "$tmp/cg"
    check "... memory.max" grep -q '^ok .*memory.max 67108864$' "$tmp/cg"
fi
c rm -f "$N-cg"
c run -d --name "$N-cg2" --cpu-period 50000 --cpu-quota 20000 --memory 48m --memory-swap -1 --pids-limit -1 \
    --rootfs "$tmp/rootfs" /bin/sleep 60
"$CGCHECK" "$ROOT" "$RUNROOT" "$N-cg2" >"$tmp/cg" 2>&1
cgrc=$?
sed 's/^/    /' "$tmp/cg"
check "cpu period and quota, unlimited swap and pids: cgroup-check" [ "$RC:$cgrc" = 0:0 ]
check "... pids.max is max" grep -q '^ok .*pids.max max$' "$tmp/cg"
c rm -f "$N-cg2"

# ---- ulimits ----
c run --rm --ulimit nofile=100:200 --ulimit core=-1 --rootfs "$tmp/rootfs" /bin/cat /proc/self/limits
check "--ulimit nofile=100:200: in /proc/self/limits" rc_is 0 has "$OUT" '^Max open files  *100  *200 '
check "--ulimit core=-1: unlimited" has "$OUT" '^Max core file size  *unlimited  *unlimited '
# An explicit hard limit above ours: refused at the start, naming the limit,
# unless this process may raise it (CAP_SYS_RESOURCE).
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ]; then
    c run --name "$N-ul" --ulimit nofile=$((hard + 1)):$((hard + 1)) --rootfs "$tmp/rootfs" /bin/true
    capeff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
    if [ $(( (0x$capeff >> 24) & 1 )) = 0 ]; then
        check "--ulimit above our hard limit: the start fails naming the limit" rc_has 125 "$ERR" 'ulimit nofile: the hard limit'
    else
        check "--ulimit above our hard limit, with CAP_SYS_RESOURCE: taken" [ "$RC" = 0 ]
    fi
    c rm -f "$N-ul"
fi

# ---- devices ----
c run --rm --device /dev/null:/dev/mynull --rootfs "$tmp/rootfs" /bin/sh -c 'echo hi >/dev/mynull && ls -l /dev/mynull'
check "--device /dev/null:/dev/mynull: writable inside, char 1, 3" rc_is 0 has "$OUT" '^crw.* 1, *3 .*/dev/mynull'
c run --rm --device /dev/fuse --rootfs "$tmp/rootfs" /bin/sh -c 'exec 3<>/dev/fuse && echo opened'
check "--device /dev/fuse: opens inside" rc_is 0 [ "$OUT" = opened ]
c run --rm --device /dev/fuse:/dev/fuse:r --rootfs "$tmp/rootfs" /bin/sh -c \
    'exec 3</dev/fuse && echo read; exec 4<>/dev/fuse && echo write'
check "--device /dev/fuse:/dev/fuse:r: opens for reading, not for writing (the device cgroup)" [ "$OUT" = read ]
c run --rm --rootfs "$tmp/rootfs" /bin/sh -c 'test -e /dev/fuse'
check "without --device: no /dev/fuse" [ "$RC" = 1 ]

# ---- bad input: podman's messages, nothing left ----
while IFS= read -r flags; do
    eval "set -- $flags"
    c create --name "$N-bad" "$@" --rootfs "$tmp/rootfs" /bin/true
    p create --network none --name "$N-bad" "$@" --rootfs "$tmp/prootfs" /bin/true
    same "$flags: podman's error" "$RC:$ERR" "$PRC:$PERR"
    [ "$PRC" = 0 ] && podman rm -f "$N-bad" >/dev/null 2>&1
    nothing_left "$flags"
done <<'EOF'
--memory 12q
--device /dev/nonexistent-libctr
--ulimit foo=1:2
--ulimit nofile
--memory-swap 64m
--memory 64m --memory-reservation 128m
--cpus 0.5 --cpu-quota 20000
--cpu-period 100
--device-read-bps /dev/nonexistent-libctr:1mb
--device-read-iops /dev/null:1k
--device /dev/null:rel
--ulimit nofile=200:100
--device-cgroup-rule 'x 1:3 rwm'
--shm-size 12q
EOF
c create --name "$N-bad" --cpus -1 --rootfs "$tmp/rootfs" /bin/true
check "--cpus -1: a clear error" rc_has 125 "$ERR" '^Error: .*--cpus.*positive'
nothing_left "--cpus -1"
c run --name "$N-bad" --ulimit nofile=$(( $(cat /proc/sys/fs/nr_open) + 1 )) --rootfs "$tmp/rootfs" /bin/true
check "--ulimit nofile above fs.nr_open: the start fails naming the limit" rc_has 125 "$ERR" 'ulimit nofile'
c rm -f "$N-bad"
nothing_left "a failed start, removed"
c create --name "$N-km" --kernel-memory 10m --rootfs "$tmp/rootfs" /bin/true
check "--kernel-memory: podman's warning, ignored" rc_has 0 "$ERR" 'The --kernel-memory flag is no longer supported'
c rm -f "$N-km"

# ---- the same spec sections as podman ----
# sections FILE: the spec's sections that flags set, as tests/lib/spec-sections.py prints them.
sections() { /usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$1"; }
NP="--ulimit nproc=1024:1024"
i=0
while IFS= read -r flags; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    eval "set -- $flags"
    c create --name "$N-s$i" "$@" --rootfs "$tmp/rootfs" /bin/true
    c init "$N-s$i"
    c inspect --format '{{.OCIConfigPath}}' "$N-s$i"
    mine=$(sections "$OUT" 2>&1)
    p create --network none --name "$N-s$i" "$@" --rootfs "$tmp/prootfs" /bin/true
    pid=$POUT
    p init "$pid"
    pcfg=$(find "/var/lib/containers/storage/overlay-containers/$pid" -name config.json | head -1)
    theirs=$(sections "$pcfg" 2>&1)
    has "$mine" "^linux.resources: {" || not_ok "spec of $flags: ours could not be read"
    same "spec as podman: $flags" "$mine" "$theirs"
    podman rm -f "$pid" >/dev/null 2>&1
    c rm -f "$N-s$i"
done <<EOF
--ulimit nofile=1024:1024 $NP
--memory 64m --memory-reservation 32m --memory-swap 128m --ulimit nofile=1024:1024 $NP
--memory 64m --memory-swap -1 --oom-kill-disable --oom-score-adj 100 --ulimit nofile=1024:1024 $NP
--cpus 0.5 -c 512 --cpuset-cpus 0 --cpuset-mems 0 --ulimit nofile=1024:1024 $NP
--cpu-period 50000 --cpu-quota 20000 --pids-limit 20 --ulimit nofile=1024:1024 $NP
--blkio-weight 300 --memory 32m --ulimit nofile=1024:1024 $NP
--pids-limit -1 --device-read-bps $BDEV:1mb --device-write-bps $BDEV:2mb --device-read-iops $BDEV:100 --device-write-iops $BDEV:200 --ulimit nofile=1024:1024 $NP
--device /dev/fuse --device /dev/null:/dev/mynull:r --device-cgroup-rule 'c 1:5 rwm' --device-cgroup-rule 'b 8:* r' --ulimit nofile=1024:1024 $NP
--device /dev/net:/dev/xnet --ulimit nofile=100:200 --ulimit core=-1 $NP
-m 1g --memory-reservation 512m --pids-limit 0 --ulimit nofile=2048:4096 --ulimit nproc=100:200 --ulimit stack=8388608:-1
EOF

# ---- inspect: HostConfig's resource keys, values and JSON types as podman's ----
# hostkeys [shm]: the keys of the inspect output on stdin; ShmSize with an argument.
hostkeys() {
    python3 -c '
import json, sys
h = json.load(sys.stdin)[0]["HostConfig"]
keys = ("Memory MemorySwap MemoryReservation KernelMemory MemorySwappiness NanoCpus CpuShares CpuPeriod CpuQuota "
        "CpuRealtimePeriod CpuRealtimeRuntime CpuCount CpuPercent CpusetCpus CpusetMems PidsLimit BlkioWeight "
        "BlkioWeightDevice BlkioDeviceReadBps BlkioDeviceWriteBps BlkioDeviceReadIOps BlkioDeviceWriteIOps "
        "OomScoreAdj OomKillDisable Ulimits Devices IOMaximumIOps IOMaximumBandwidth").split()
# ShmSize when given (by default podman shows 65536000, its "65536k")
keys += ["ShmSize"] if sys.argv[1:] else []
print(json.dumps({k: [type(h.get(k, KeyError)).__name__, h.get(k, "missing")] for k in keys}, sort_keys=True))' "$@"
}
i=0
while IFS= read -r flags; do
    i=$((i + 1))
    eval "set -- $flags"
    c create --name "$N-i$i" "$@" --rootfs "$tmp/rootfs" /bin/true
    c inspect "$N-i$i"
    shm=
    case "$flags" in *--shm-size*) shm=shm ;; esac
    mine=$(printf '%s' "$OUT" | hostkeys $shm 2>&1)
    p create --network none --name "$N-i$i" "$@" --rootfs "$tmp/prootfs" /bin/true
    p inspect "$N-i$i"
    theirs=$(printf '%s' "$POUT" | hostkeys $shm 2>&1)
    has "$mine" '"Memory"' || not_ok "inspect of $flags: ours could not be read"
    same "inspect as podman: $flags" "$mine" "$theirs"
    podman rm -f "$N-i$i" >/dev/null 2>&1
    c rm -f "$N-i$i"
done <<EOF
--ulimit nofile=1024:1024 $NP
--memory 64m --memory-reservation 32m --cpus 0.5 -c 512 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 20 --oom-score-adj 100 --oom-kill-disable --shm-size 32m --ulimit nofile=100:200 --ulimit core=-1 $NP
--memory 64m --memory-swap -1 --cpu-period 50000 --cpu-quota 20000 --pids-limit -1 --blkio-weight-device $BDEV:200 --device-read-bps $BDEV:1mb --device-write-bps $BDEV:2mb --device-read-iops $BDEV:100 --device-write-iops $BDEV:200 --device /dev/fuse --device /dev/null:/dev/mynull:r --device /dev/net:/dev/xnet --ulimit nofile=1024:1024 $NP
EOF

nothing_left "the end"
summary
