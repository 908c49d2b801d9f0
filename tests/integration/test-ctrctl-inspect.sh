#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# inspect's shape against podman's: for containers made with the same flags
# by both tools (one group of podman run's flags at a time: none, mounts,
# volumes, resources, security, process), every key podman 4.3 shows at the top level
# and in Config, HostConfig, State and Mounts is in ctrctl's inspect with the
# same JSON type (tests/lib/inspect-shape.py).
# usage: test-ctrctl-inspect.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-inspect-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
N=libctr-insp-$$
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
mkdir -p "$tmp/src"
pids=()

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    for id in "${pids[@]}"; do podman rm -f -v "$id" >/dev/null 2>&1; done
    podman volume rm -f "$N-vol" >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    timeout -k 5 120 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# shape GROUP FLAGS...: the same container from both tools, inspect's shapes compared.
shape() {
    local group=$1
    shift
    c create --name "$N-$group" "$@" --rootfs "$tmp/rootfs" /bin/true
    if [ "$RC" != 0 ]; then
        not_ok "$group: ctrctl create $*"
        return
    fi
    c inspect "$N-$group"
    printf '%s' "$OUT" >"$tmp/ours.json"
    local id
    id=$(podman --runtime runc create --network none "$@" --rootfs "$tmp/rootfs" /bin/true 2>"$tmp/perr")
    if [ -z "$id" ]; then
        not_ok "$group: podman create $* ($(cat "$tmp/perr"))"
        return
    fi
    pids+=("$id")
    podman inspect "$id" >"$tmp/theirs.json"
    local diff
    diff=$(/usr/bin/python3 "$SRC/tests/lib/inspect-shape.py" "$tmp/ours.json" "$tmp/theirs.json")
    if [ -z "$diff" ]; then
        ok "$group: inspect has podman's keys with podman's types ($*)"
    else
        not_ok "$group: inspect has podman's keys with podman's types ($*)"
        printf '%s\n' "$diff" | sed 's/^/       /'
    fi
}

shape defaults
shape mounts -v "$tmp/src:/data:ro" --tmpfs /scratch:size=10m --mount "type=bind,src=$tmp/src,dst=/b,bind-propagation=rslave"
shape volumes -v "$N-vol:/v" -v /anon --mount "type=volume,src=$N-vol,dst=/w,ro"
shape resources --memory 64m --memory-reservation 32m --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --pids-limit 20 \
    --device-read-bps /dev/vda:1mb --ulimit nofile=100:200 --device /dev/fuse --oom-score-adj 100
shape security --cap-add SYS_ADMIN --cap-drop CHOWN --security-opt no-new-privileges --sysctl net.ipv4.ip_forward=1 \
    --group-add 10 --read-only
shape process --entrypoint /bin/sh --restart on-failure:3 --health-cmd true --annotation a=b --umask 0077 \
    --env FOO=bar --init

summary
