#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The same OCI spec as podman for the same flags: for each combination of
# podman run's flags below (mounts, resources, ulimits, devices,
# capabilities, seccomp, sysctls, users, the process), ctrctl create + init
# and podman create + init make a config.json each, and the sections those
# flags set (tests/lib/spec-sections.py: process.args, capabilities,
# rlimits, noNewPrivileges, oomScoreAdj, user; linux.resources, devices,
# sysctl, seccomp's presence; the mounts asked for) are equal.
# usage: test-ctrctl-spec.sh CTRCTL SOURCE_ROOT
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
tmp=$(mktemp -d /tmp/ctrctl-spec-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
S=$tmp/src
mkdir -p "$S"
# A seccomp profile in podman's format: everything allowed but mkdir.
cat >"$tmp/seccomp.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    podman_cleanup
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

# Limits both tools can set here: podman does not clamp its defaults to the
# caller's hard limits (ctrctl does), so the comparisons name them.
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# same "DESTS" FLAGS... -- COMMAND...: both tools' config.json sections for these flags are equal.
n=0
same() {
    local dests=$1
    shift
    local flags=() cmd=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
    shift
    cmd=("$@")
    [ ${#cmd[@]} -gt 0 ] || cmd=(/bin/true)
    n=$((n + 1))
    local what="spec $n (${flags[*]}) equals podman's"
    c create --name "spec-$n" "${flags[@]}" --rootfs "$tmp/rootfs" "${cmd[@]}"
    [ "$RC" = 0 ] && c init "spec-$n"
    [ "$RC" = 0 ] && c inspect --format '{{.OCIConfigPath}}' "spec-$n"
    if [ "$RC" != 0 ] || [ ! -f "$OUT" ]; then
        not_ok "$what: ctrctl create/init"
        return
    fi
    # shellcheck disable=SC2086
    /usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$OUT" $dests >"$tmp/ours"
    local theirs
    theirs=$(podman_spec "${flags[@]}" -- "${cmd[@]}")
    if [ -z "$theirs" ]; then
        not_ok "$what: podman create ($(grep -v '^time=' "$tmp/perr"))"
        return
    fi
    # shellcheck disable=SC2086
    /usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$theirs" $dests >"$tmp/theirs"
    if diff -u "$tmp/theirs" "$tmp/ours" >"$tmp/diff"; then
        ok "$what"
    else
        not_ok "$what"
        sed 's/^/       /' "$tmp/diff" | cut -c1-400
    fi
    c rm -f "spec-$n"
    podman_cleanup
}

# ---- defaults, mounts ----
same "" "${LIMITS[@]}" --
same "/data" "${LIMITS[@]}" -v "$S:/data:ro" --
same "/data /other" "${LIMITS[@]}" -v "$S:/data:rw,rslave,nosuid" -v "$S:/other:z" --
same "/b" "${LIMITS[@]}" --mount "type=bind,src=$S,dst=/b,readonly,bind-propagation=rshared" --
same "/scratch /t" "${LIMITS[@]}" --tmpfs /scratch:size=10m,mode=1777 --mount type=tmpfs,dst=/t,tmpfs-size=1m --
# ---- resources ----
same "" "${LIMITS[@]}" --memory 64m --memory-swap 128m --memory-reservation 32m --
same "" "${LIMITS[@]}" --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 --
same "" "${LIMITS[@]}" --cpu-period 50000 --cpu-quota 25000 --pids-limit 20 --oom-score-adj 100 --
same "" "${LIMITS[@]}" --device-read-bps /dev/vda:1mb --device-write-iops /dev/vda:100 --pids-limit -1 --
same "" --ulimit nofile=100:200 --ulimit nproc=50:60 --ulimit core=0:0 --
same "" "${LIMITS[@]}" --device /dev/fuse --device /dev/null:/dev/mynull:r --device-cgroup-rule 'c 1:3 rwm' --
# ---- security ----
same "" "${LIMITS[@]}" --cap-add SYS_ADMIN --cap-drop CHOWN --cap-drop net_raw --
same "" "${LIMITS[@]}" --cap-drop ALL --cap-add NET_BIND_SERVICE -u 1000:1000 --
same "" "${LIMITS[@]}" --security-opt no-new-privileges --security-opt seccomp=unconfined --
same "" "${LIMITS[@]}" --security-opt "seccomp=$tmp/seccomp.json" --group-add 10 --group-add 20 --
same "" "${LIMITS[@]}" --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=65536 --read-only --
same "" "${LIMITS[@]}" --privileged --
# ---- the process ----
same "" "${LIMITS[@]}" --entrypoint /bin/echo -- hello world
same "" "${LIMITS[@]}" --init --umask 0077 -u 1000 --
same "" "${LIMITS[@]}" --entrypoint '["/bin/sh","-c"]' -- 'echo hi'

summary
