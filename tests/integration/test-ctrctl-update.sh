#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl update end to end, as root, with real runc and conmon: the memory and
# pids limits of a running container changed in its cgroup (v1 here:
# memory/.../memory.limit_in_bytes and pids/.../pids.max; v2: memory.max,
# pids.max), shown by inspect, kept by a stop and a start; bad values refused
# with podman's messages and nothing changed; the same update by podman 4.3
# writes the same cgroup values.  podman 4.3 does not keep them in its config
# (its inspect still shows the old ones) and has no --pids-limit on update:
# ctrctl does both.
# usage: test-ctrctl-update.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-update-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
PODMAN=(podman --runtime runc --root "$tmp/proot" --runroot "$tmp/prun")
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
    wait
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
p() {
    timeout -k 5 60 "${PODMAN[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# limits PID: "MEMORY PIDS" as the cgroup of process PID shows them.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    limits() {
        local d
        d=/sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")
        echo "$(cat "$d/memory.max") $(cat "$d/pids.max")"
    }
    UNLIMITED=max
else
    limits() {
        local m p
        m=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' "/proc/$1/cgroup")
        p=/sys/fs/cgroup/pids$(awk -F: '$2 == "pids" {print $3}' "/proc/$1/cgroup")
        echo "$(cat "$m/memory.limit_in_bytes") $(cat "$p/pids.max")"
    }
    UNLIMITED=9223372036854771712
fi
pid_of() { c inspect --format '{{.State.Pid}}' "$1"; echo "$OUT"; }

echo "# ctrctl: $CTRCTL, root $tmp"

c run -d --name upd --rootfs "$tmp/rootfs" /bin/sleep 1000
check "run a container" rc_is 0 true
ID=$OUT
pid=$(pid_of upd)
check "before: no memory limit, podman's default pids limit" [ "$(limits "$pid")" = "$UNLIMITED 2048" ]

c update --memory 64m --pids-limit 50 upd
check "update prints the full ID, as podman" rc_is 0 [ "$OUT" = "$ID" ]
check "the cgroup has the new limits" [ "$(limits "$pid")" = "67108864 50" ]
c inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.MemorySwap}}' upd
check "inspect shows them (swap: twice the memory, as at create)" [ "$OUT" = "67108864 50 134217728" ]
c inspect --format '{{.State.Status}}' upd
check "it still runs" [ "$OUT" = running ]

# Bad values: refused with podman's words, nothing changed.
bad() {
    local what=$1 msg=$2
    shift 2
    c update "$@" upd
    check "$what: refused ($msg)" rc_has 125 "$ERR" "$msg"
    check "$what: the cgroup is unchanged" [ "$(limits "$pid")" = "67108864 50" ]
    c inspect --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}' upd
    check "$what: the config is unchanged" [ "$OUT" = "67108864 50" ]
}
bad "a bad size" "invalid value for memory: invalid size: '12q'" --memory 12q
bad "swap below memory" "minimum memoryswap limit should be larger than memory limit" --memory 32m --memory-swap 16m
bad "--cpus with --cpu-quota" "cpu-quota and --cpus cannot be set together" --cpus 0.5 --cpu-quota 1000
bad "a blkio weight out of range" "invalid blkio weight 5: the range is 10 to 1000" --blkio-weight 5
bad "an unknown flag" "unknown flag: --memory-swappiness" --memory-swappiness 10
c update --memory 32m
check "no container: podman's message" rc_has 125 "$ERR" "accepts 1 arg(s), received 0"
p update --memory 12q nosuch
check "podman's message for a bad size is the same" has "$ERR" "invalid value for memory: invalid size: '12q'"

# A stop and a start: the new cgroup gets the stored limits.
c stop -t 0 upd
c start upd
pid=$(pid_of upd)
check "after stop and start: the same limits in the new cgroup" [ "$(limits "$pid")" = "67108864 50" ]
# A stopped container's update is stored for its next start (podman 4.3 refuses it: runc has no container).
c stop -t 0 upd
c update --memory 48m upd
check "a stopped container: updated" rc_is 0 [ "$OUT" = "$ID" ]
c start upd
pid=$(pid_of upd)
check "its next start applies it" [ "$(limits "$pid")" = "50331648 50" ]
c update --pids-limit -1 upd
check "the pids limit removed again" [ "$(limits "$pid")" = "50331648 max" ]
c update upd
check "no flags: nothing to do, the ID printed (podman's)" rc_is 0 [ "$OUT" = "$ID" ]
c rm -f upd
check "removed" rc_is 0 true

# podman 4.3 writes the same cgroup values for the same memory update.
p run -d --name pupd --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --rootfs "$tmp/rootfs" \
    /bin/sleep 1000
ppid=$("${PODMAN[@]}" inspect --format '{{.State.Pid}}' pupd)
p update --memory 64m pupd
check "podman update --memory 64m: the memory limit is the same as ctrctl's" \
    [ "$(limits "$ppid" | cut -d' ' -f1)" = 67108864 ]
"${PODMAN[@]}" rm -f -t 0 pupd >/dev/null 2>&1

summary
