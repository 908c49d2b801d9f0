#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctr-monitor (the native runtime's monitor, in conmon's place for a
# create) against conmon's contract, driven directly as lib/oci/conmon.c
# drives it (native-monitor.py), on a config.json ctrctl makes.
# usage: test-native-monitor.sh CTRCTL CTR_MONITOR CTR_OCI SOURCE_ROOT
set -u
CTRCTL=$1
MON=$2
OCI=$3
SRC=$4
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc /usr/bin/python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -x "$MON" ] || missing "ctr-monitor not built: $MON"
[ -x "$OCI" ] || missing "ctr-oci not built: $OCI"

tmp=$(mktemp -d /tmp/native-monitor.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CG=libctr_native_monitor_$$

final_cleanup() {
    for id in $("$OCI" --root "$tmp/state" list 2>/dev/null | awk 'NR > 1 {print $1}'); do
        "$OCI" --root "$tmp/state" delete -f "$id" >/dev/null 2>&1
    done
    # Each container with its own runtime (the other one would wait for it).
    CTRCTL_RUNTIME= timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -f spec >/dev/null 2>&1
    CTRCTL_RUNTIME=native timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -f sel-default sel-named \
        >/dev/null 2>&1
    for d in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
# c ARGS...: ctrctl with runc (the spec's container); cn: with the native runtime.
c() {
    CTRCTL_RUNTIME= timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
}
cn() {
    CTRCTL_RUNTIME=native timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
}
c create --network none --name spec --rootfs "$tmp/rootfs" /bin/true
[ "$RC" = 0 ] || { echo "FAIL: ctrctl create: $(cat "$tmp/err")"; exit 1; }
id=$OUT
c init "$id"
[ "$RC" = 0 ] || { echo "FAIL: ctrctl init: $(cat "$tmp/err")"; exit 1; }
cp "$ROOT/containers/$id/config.json" "$tmp/spec.json"
# (the spec container stays: its mounts, /dev/shm and the like, are the bundles' too)

# Selection: runtime "native" runs under ctr-monitor, unless a conmon is named.
CONMON=$(command -v conmon || echo /usr/libexec/podman/conmon)
monitor_of() {
    local pid
    cn inspect --format '{{.State.ConmonPid}}' "$1"
    pid=$OUT
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -d' ' -f1
}
for how in default named; do
    extra=()
    [ "$how" = named ] && extra=(--conmon "$CONMON")
    cn "${extra[@]}" run -d --network none --name "sel-$how" --rootfs "$tmp/rootfs" /bin/sleep 100
    m=$(monitor_of "sel-$how")
    if [ "$how" = default ]; then
        check "runtime native: the monitor is ctr-monitor" rc_is 0 [ "$m" = "$MON" ]
    else
        check "runtime native with --conmon: the monitor is that conmon" rc_is 0 [ "$m" = "$CONMON" ]
    fi
    cn "${extra[@]}" rm -f "sel-$how"
    check "... rm -f" rc_is 0 true
done

timeout -k 5 300 /usr/bin/python3 "$SRC/tests/integration/native-monitor.py" "$MON" "$OCI" "$tmp/spec.json" "$tmp" "$CG"
py_rc=$?
[ "$fail" = 0 ] && exit $py_rc
echo "# $pass passed, $fail failed (the selection checks)"
exit 1
