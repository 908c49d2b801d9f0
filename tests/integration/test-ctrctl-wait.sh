#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl wait end to end, as root, with real runc and conmon, beside podman
# 4.3 on the same rootfs: the exit code by default, -1 for the other
# conditions (running, paused, comma lists and repeated --condition), a
# container that never ran, several containers in order, the errors.
# usage: test-ctrctl-wait.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-wait-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
N=libctr-wait-$$
PODMAN=(podman --runtime runc)
PODMAN_CREATE=(create --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r "${PODMAN[@]}" rm -f -t 0 >/dev/null 2>&1
    wait
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

ctl() { timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@"; }
pod() { timeout -k 5 60 "${PODMAN[@]}" "$@"; }
# both WHAT CMD...: run "ctl CMD" and "pod CMD" (NAME in CMD stands for each one's
# container), compare stdout, stderr and the exit code.
both() {
    local what=$1
    shift
    local mine theirs
    mine=$(ctl "${@//NAME/$N-c}" 2>&1; echo "rc=$?")
    theirs=$(pod "${@//NAME/$N-p}" 2>&1; echo "rc=$?")
    if [ "$mine" = "$theirs" ]; then
        ok "$what"
    else
        not_ok "$what"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$mine" "$theirs"
    fi
}
mk() { # mk SUFFIX SCRIPT: the same container in both
    ctl create --name "$N-c$1" --rootfs "$tmp/rootfs" /bin/sh -c "$2" >/dev/null &&
        pod "${PODMAN_CREATE[@]}" --name "$N-p$1" --rootfs "$tmp/rootfs" /bin/sh -c "$2" >/dev/null
}

mk 1 'sleep 0.3; exit 3'
check "created both" [ $? = 0 ]
both "a container that never ran: 0 at once" wait NAME1
ctl start "$N-c1" >/dev/null && pod start "$N-p1" >/dev/null
both "the exit code of a running container" wait NAME1
both "an exited container: its exit code at once" wait NAME1
both "--condition stopped" wait --condition stopped NAME1
both "--condition exited,running on an exited one" wait --condition exited,running NAME1

mk 2 'sleep 100'
# Started a moment after the wait began: the wait sees it run.
(sleep 0.5; ctl start "$N-c2" >/dev/null; pod start "$N-p2" >/dev/null) &
both "--condition running: -1 once it runs" wait --condition running --interval 50ms NAME2
wait
both "--condition running on a running one" wait --condition running NAME2
(sleep 0.3; ctl pause "$N-c2" >/dev/null; pod pause "$N-p2" >/dev/null) &
both "--condition paused (repeated --condition)" wait --condition paused --condition exited NAME2
wait
ctl unpause "$N-c2" >/dev/null; pod unpause "$N-p2" >/dev/null
(sleep 0.3; ctl kill "$N-c2" >/dev/null; pod kill "$N-p2" >/dev/null) &
both "killed: 137" wait NAME2
wait

mk 3 'exit 5'
ctl start "$N-c3" >/dev/null && pod start "$N-p3" >/dev/null
both "several containers, in order" wait NAME2 NAME3 NAME1

both "an unknown condition" wait --condition bogus NAME1
both "healthy is not a condition in podman 4.3" wait --condition healthy NAME1
# The messages for a missing container differ (ctrctl's own words); the code is podman's.
ctl wait nosuch-$$ >/dev/null 2>&1
RC=$?
check "no such container" rc_is 125 true
ERR=$(ctl wait --interval 5q "$N-c1" 2>&1)
RC=$?
check "a bad interval (podman's words after ctrctl's prefix)" rc_has 125 "$ERR" 'time: unknown unit "q" in duration "5q"' 
summary
