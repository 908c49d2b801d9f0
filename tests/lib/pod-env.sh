# SPDX-License-Identifier: LGPL-2.1-or-later
# What the pod suites (test-ctrctl-pod.sh, test-ctrctl-kube.sh) share,
# sourced after tap.sh with CTRCTL set: pod_env NAME BRIDGE checks the
# tools, takes the CNI plugins' lock (the suites make bridges), and sets
#   tmp      /tmp/ctrctl-NAME-test.PID (lower case: podman names an image
#            pulled from oci:DIR after DIR)
#   ROOT RUNROOT CNI G   ctrctl's roots and global options
#   P        podman (runc, a store of the test's own)
#   HP       a host port for the test
# with the cleanup of all of it (and of BRIDGE, the test network's) on exit;
# c ARGS... runs ctrctl (RC, OUT, ERR), state NAME prints a container's
# State.Status, wait_http URL the body at URL within 10 s (a server starting
# in the background).

pod_env() {
    local bridge=$2
    [ "$(id -u)" = 0 ] || missing "not root"
    need runc podman ip /usr/bin/python3 catatonit
    command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
    [ -x /usr/lib/cni/bridge ] || missing "the CNI plugins (containernetworking-plugins) not found"
    exec 9</usr/lib/cni
    flock 9 || { echo "FAIL: cannot lock /usr/lib/cni"; exit 1; }
    if ip -o link show | grep -qE ": $bridge[:@]"; then
        echo "FAIL: a $bridge bridge exists already (another run, or a leftover)"
        exit 1
    fi
    tmp=/tmp/ctrctl-$1-test.$$
    rm -rf "$tmp" && mkdir -m 700 "$tmp" || { echo "FAIL: mkdir $tmp"; exit 1; }
    ROOT=$tmp/root
    RUNROOT=$(run_root_for "$tmp")
    CNI=$tmp/cni.d
    G=(--root "$ROOT" --runroot "$RUNROOT" --cni-config-dir "$CNI")
    P=(timeout -k 5 120 podman --runtime runc --root "$tmp/proot" --runroot "$tmp/prun" --storage-driver overlay)
    POD_BRIDGE=$bridge
    POD_HAD_VAR_LIB_CNI=0
    [ -e /var/lib/cni ] && POD_HAD_VAR_LIB_CNI=1
    HP=$((20000 + $$ % 20000))
    trap pod_cleanup EXIT
}

pod_cleanup() {
    for p in $("$CTRCTL" "${G[@]}" pod ps -q 2>/dev/null); do "$CTRCTL" "${G[@]}" pod rm -f "$p" >/dev/null 2>&1; done
    "$CTRCTL" "${G[@]}" rm -a -f >/dev/null 2>&1
    "$CTRCTL" "${G[@]}" network rm -f "$POD_BRIDGE" >/dev/null 2>&1
    ip link del "$POD_BRIDGE" 2>/dev/null
    rm -rf "/var/lib/cni/networks/$POD_BRIDGE"
    [ "$POD_HAD_VAR_LIB_CNI" = 0 ] && rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null
    "${P[@]}" pod rm -a -f >/dev/null 2>&1
    "${P[@]}" rm -a -f >/dev/null 2>&1
    "${P[@]}" rmi -a -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}

c() {
    CTRCTL_NETWORK=none timeout -k 5 120 "$CTRCTL" "${G[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

state() { "$CTRCTL" "${G[@]}" inspect --format '{{.State.Status}}' "$1" 2>/dev/null; }

wait_http() {
    /usr/bin/python3 - "$1" <<'PYEOF'
import sys, time, urllib.request
for _ in range(100):
    try:
        print(urllib.request.urlopen(sys.argv[1], timeout=1).read().decode().strip())
        break
    except Exception:
        time.sleep(0.1)
PYEOF
}
