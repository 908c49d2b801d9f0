#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl diff against podman diff of the same image and the same commands,
# on both storage drivers: added, changed and deleted paths (a new tree, a
# changed file, deletions of a file and a tree, a directory deleted and made
# again, a symlink, a chmod), --format
# json; the runtime's mount points left out (/etc/hosts and the like; a
# volume's mount point is listed, as podman lists it); a symlink to / not followed; a container created and
# never started (no changes), a rootfs container and a bad format refused.
# podman sorts overlay diffs by path but not vfs ones: for vfs the sets are
# compared.
# usage: test-ctrctl-diff.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need podman runc conmon umoci

export CTRCTL_NETWORK=none
# podman wants a lowercase path for an oci: reference.
tmp=/tmp/ctrctl-diff-test.$(tr -dc 'a-z0-9' </dev/urandom | head -c 10)
mkdir -m 700 "$tmp" || { echo "FAIL: cannot make $tmp"; exit 1; }
RUNROOT=$(run_root_for "$tmp")
final_cleanup() {
    for d in overlay vfs; do
        "$CTRCTL" --root "$tmp/root-$d" --runroot "$RUNROOT/$d" --storage-driver "$d" rm -a -f >/dev/null 2>&1
        podman --runtime runc --root "$tmp/proot-$d" --runroot "$tmp/prun-$d" --storage-driver "$d" rm -a -f \
            >/dev/null 2>&1
        podman --runtime runc --root "$tmp/proot-$d" --runroot "$tmp/prun-$d" --storage-driver "$d" rmi -a -f \
            >/dev/null 2>&1
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

"$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null || { echo "FAIL: make-test-image"; exit 1; }
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs"; exit 1; }
SCRIPT='rm -rf /home; mkdir /home; touch /home/new; touch /x; mkdir -p /newdir/sub; echo a > /newdir/sub/f; rm /etc/group; echo >> /etc/passwd; rm -rf /var;
ln -s /nowhere /lnk; chmod 700 /tmp; ln -s / /hostlink; echo v > /data/in-volume'

for d in overlay vfs; do
    C="timeout -k 5 120 $CTRCTL --root $tmp/root-$d --runroot $RUNROOT/$d --storage-driver $d"
    P="timeout -k 5 120 podman --runtime runc --root $tmp/proot-$d --runroot $tmp/prun-$d --storage-driver $d"
    $C image load -q "oci:$tmp/oci:latest" bb >/dev/null || { not_ok "$d: load"; continue; }
    img=$($P pull -q "oci:$tmp/oci:latest" 2>/dev/null)
    $C run --name d1 -v /data bb sh -c "$SCRIPT" >/dev/null 2>&1
    check "$d: the container ran" [ $? = 0 ]
    $P run --name d1 --net=none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 -v /data "$img" sh -c "$SCRIPT" \
        >/dev/null 2>&1
    check "$d: podman's container ran" [ $? = 0 ]
    ours=$($C diff d1)
    theirs=$($P diff d1 2>/dev/null)
    if [ "$d" = overlay ]; then
        check "$d: ctrctl diff is podman diff (sorted by path)" [ "$ours" = "$theirs" -a -n "$ours" ]
    else
        check "$d: ctrctl diff has podman diff's changes" [ "$ours" = "$(printf '%s\n' "$theirs" | sort -k2)" -a -n "$ours" ]
    fi
    # A directory deleted and made again: overlay makes it opaque (podman: deleted, then added to).
    home="D /home A /home/new"
    [ "$d" = vfs ] && home="C /home A /home/new D /home/tester"
    check "$d: the expected changes" [ "$(printf '%s\n' "$ours" | tr '\n' ' ')" = \
        "A /data C /etc D /etc/group C /etc/passwd $home A /hostlink A /lnk A /newdir A /newdir/sub A /newdir/sub/f C /tmp D /var A /x " ]
    check "$d: the runtime's mount points are left out (the volume's is listed, as podman's)" \
        sh -c '! printf "%s\n" "$1" | grep -q "/etc/hosts\|/etc/resolv.conf\|/etc/hostname\|/run\|/proc\|/dev"' _ "$ours"
    check "$d: a symlink to / is not followed" sh -c '! printf "%s\n" "$1" | grep -q "^. /hostlink/"' _ "$ours"
    ojson=$($C diff --format json d1)
    pjson=$($P diff --format json d1 2>/dev/null)
    norm='import json,sys; d=json.load(sys.stdin); print(json.dumps({k: sorted(v) for k, v in d.items()}, sort_keys=True))'
    check "$d: --format json has podman's keys and lists" \
        [ "$(printf '%s' "$ojson" | /usr/bin/python3 -c "$norm")" = "$(printf '%s' "$pjson" | /usr/bin/python3 -c "$norm")" ]
    [ "$d" = overlay ] && check "$d: --format json is podman's, byte for byte" [ "$ojson" = "$pjson" ]
    $C create --name fresh bb true >/dev/null 2>&1
    check "$d: a container never started has no changes" [ -z "$($C diff fresh)" ]
    $C run -d --name running bb sh -c 'echo r > /running-file; sleep 100' >/dev/null 2>&1
    for _ in $(seq 50); do $C diff running 2>/dev/null | grep -q running-file && break; sleep 0.1; done
    check "$d: a running container's changes" sh -c "$C diff running | grep -qx 'A /running-file'"
    $C rm -f running fresh d1 >/dev/null 2>&1
    $P rm -f d1 >/dev/null 2>&1
done

C="timeout -k 5 120 $CTRCTL --root $tmp/root-overlay --runroot $RUNROOT/overlay"
$C create --name rfs --rootfs "$tmp/rootfs" /bin/true >/dev/null 2>&1
out=$($C diff rfs 2>&1)
rc=$?
check "a rootfs container: a clear error" has "$out" "root file system of its own"
check "a rootfs container: exit 125" [ "$rc" = 125 ]
out=$($C diff --format yaml rfs 2>&1)
check "a bad format" has "$out" "the only valid format for diff is json"
out=$($C diff no-such-container 2>&1)
check "an unknown container" has "$out" "no such container"
$C rm -f rfs >/dev/null 2>&1

summary
