#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The native runtime (ctr-oci) against runc on the same config.json: for
# each spec of a matrix (ctrctl create + init makes the config.json of a
# set of podman flags; a few are edited after: joined namespaces), the
# container runs tests/lib/native-report.sh under runc and under ctr-oci
# (create, start, wait, delete, as conmon drives them) and the two reports,
# normalised by tests/lib/native-report.py, must be equal: capabilities,
# no_new_privs, seccomp mode and filters, IDs and groups, rlimits, hostname,
# cwd, env, umask, oom_score_adj, which namespaces are new, mountinfo,
# /dev, the cgroup limits seen inside, masked and read-only paths, open
# descriptors, the terminal, and two probes of the seccomp policy.
# usage: test-native-diff.sh CTRCTL CTR_OCI SOURCE_ROOT
set -u
CTRCTL=$1
OCI=$2
SRC=$3
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc /usr/bin/python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -x "$OCI" ] || missing "ctr-oci not built: $OCI"

tmp=$(mktemp -d /tmp/native-diff.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CG=libctr_native_diff_$$
holder=

final_cleanup() {
    for rt in runc "$OCI"; do
        for id in $("$rt" --root "$tmp/state-$(basename "$rt")" list -q 2>/dev/null); do
            "$rt" --root "$tmp/state-$(basename "$rt")" delete -f "$id" >/dev/null 2>&1
        done
    done
    [ -n "$holder" ] && { kill -9 "$holder"; wait "$holder"; } 2>/dev/null
    CTRCTL_RUNTIME= "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    wait
    for d in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
cp "$SRC/tests/lib/native-report.sh" "$tmp/rootfs/report.sh"
mkdir -p "$tmp/hostdir" && echo data >"$tmp/hostdir/file"
cat >"$tmp/seccomp.json" <<'J'
{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
  {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
  {"names": ["sethostname"], "action": "SCMP_ACT_ERRNO"}]}
J

c() {
    CTRCTL_RUNTIME= timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
}

# spec NAME FLAGS...: the config.json ctrctl makes for FLAGS, edited for
# this test (the report as the process, a cgroup of the test), in $tmp/spec-NAME.json.
spec() {
    local name=$1
    shift
    c create --network none --name "spec-$name" "$@" --rootfs "$tmp/rootfs" /bin/sh /report.sh
    [ "$RC" = 0 ] || { echo "FAIL: ctrctl create $*: $(cat "$tmp/err")"; return 1; }
    local id=$OUT
    c init "$id"
    [ "$RC" = 0 ] || { echo "FAIL: ctrctl init $*: $(cat "$tmp/err")"; return 1; }
    cp "$ROOT/containers/$id/config.json" "$tmp/spec-$name.json"
}

# edit NAME PYTHON: change $tmp/spec-NAME.json (d is the document).
edit() {
    /usr/bin/python3 - "$tmp/spec-$1.json" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
exec(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"))
PYEOF
}

# run_under RUNTIME NAME: the report of spec NAME under RUNTIME, normalised,
# in $tmp/report-NAME-BASENAME.
run_under() {
    local rt=$1 name=$2 b id state cgpath console=() pid=
    b=$(basename "$rt")
    id="$name-$b"
    state="$tmp/state-$b"
    cgpath="/$CG/$id"
    mkdir -p "$tmp/bundle-$id"
    /usr/bin/python3 - "$tmp/spec-$name.json" "$tmp/bundle-$id/config.json" "$cgpath" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["linux"]["cgroupsPath"] = sys.argv[3]
json.dump(d, open(sys.argv[2], "w"))
PYEOF
    if grep -q '"terminal": true' "$tmp/bundle-$id/config.json"; then
        /usr/bin/python3 "$SRC/tests/lib/console-socket.py" "$tmp/console-$id.sock" "$tmp/raw-$id" 30 \
            >"$tmp/console-$id.ready" &
        pid=$!
        for _ in $(seq 100); do [ -s "$tmp/console-$id.ready" ] && break; sleep 0.05; done
        console=(--console-socket "$tmp/console-$id.sock")
    fi
    "$rt" --root "$state" create --bundle "$tmp/bundle-$id" "${console[@]}" "$id" \
        >"${pid:+/dev/null}${pid:-$tmp/raw-$id}" 2>"$tmp/create-err-$id" </dev/null || {
        echo "       $b create failed: $(cat "$tmp/create-err-$id")"
        [ -n "$pid" ] && kill "$pid" 2>/dev/null
        return 1
    }
    "$rt" --root "$state" start "$id" || return 1
    for _ in $(seq 200); do
        "$rt" --root "$state" state "$id" 2>/dev/null | grep -q '"stopped"' && break
        sleep 0.05
    done
    "$rt" --root "$state" delete -f "$id"
    [ -n "$pid" ] && wait "$pid"
    /usr/bin/python3 "$SRC/tests/lib/native-report.py" "$tmp/raw-$id" "$cgpath" >"$tmp/report-$name-$b"
    grep -q '^== end' "$tmp/report-$name-$b"
}

# compare NAME: the two reports of spec NAME are equal (and complete).
compare() {
    local name=$1
    if run_under runc "$name" && run_under "$OCI" "$name" &&
        diff -u "$tmp/report-$name-runc" "$tmp/report-$name-$(basename "$OCI")" >"$tmp/diff-$name"; then
        ok "the same report under runc and ctr-oci: $name"
    else
        echo "FAIL - the same report under runc and ctr-oci: $name"
        head -60 "$tmp/diff-$name" 2>/dev/null | sed 's/^/       /'
        fail=$((fail + 1))
    fi
}

matrix() {
    spec default && compare default
    spec privileged --privileged && compare privileged
    spec caps --cap-add SYS_ADMIN --cap-add NET_RAW --cap-drop CHOWN --cap-drop KILL && compare caps
    spec readonly --read-only && compare readonly
    spec unconfined --security-opt seccomp=unconfined && compare unconfined
    spec custom-seccomp --security-opt "seccomp=$tmp/seccomp.json" && compare custom-seccomp
    spec nnp --security-opt no-new-privileges && compare nnp
    spec rlimits --ulimit nofile=512:1024 --ulimit core=-1 --ulimit nproc=100:200 && compare rlimits
    spec user --user 1000:1000 --group-add 10 --group-add 100 && compare user
    spec mounts --tmpfs /scratch:size=1m,mode=1777 -v "$tmp/hostdir:/data:ro" -v "$tmp/hostdir:/rw" \
        && compare mounts
    spec masks --security-opt mask=/proc/version:/etc/hostname --security-opt unmask=/proc/keys && compare masks
    spec limits --memory 64m --pids-limit 100 --cpu-shares 512 && compare limits
    spec sysctl --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=65536 && compare sysctl
    spec process -w /tmp -e FOO=bar --oom-score-adj 100 --hostname diff-host && compare process
    spec tty -t && compare tty
    # Namespaces joined by path: those of a process of this test.
    unshare --net --ipc --uts sleep 1000 &
    holder=$!
    sleep 0.2
    spec joined && edit joined "
for n in d['linux']['namespaces']:
    if n['type'] in ('network', 'ipc', 'uts'):
        n['path'] = '/proc/$holder/ns/' + {'network': 'net'}.get(n['type'], n['type'])
d.pop('hostname', None)
d['process']['env'] = [e for e in d['process']['env'] if not e.startswith('HOSTNAME=')]
" && compare joined
}

matrix
summary
