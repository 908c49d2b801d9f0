#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl image, export, commit, mount: end to end, as root, with real runc,
# conmon, podman, skopeo, in a temporary root.
# usage: test-ctrctl-image.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc conmon podman skopeo

# No networks here: without this, run and create attach to the default
# network in /etc/cni/net.d (tests/integration/test-ctrctl-net.sh has them).
export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-image-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
PIMG=localhost/libctr-cli-test-$$:latest
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
tar -C "$tmp/rootfs" -cf "$tmp/bb.tar" .

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    podman rmi -f "$PIMG" localhost/libctr-cli-saved-$$:latest >/dev/null 2>&1
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

# Images the way users make them.
podman import -q --change 'CMD ["/bin/sh","-c","echo hello from podman import"]' "$tmp/bb.tar" "$PIMG" >/dev/null
PID=$(podman image inspect --format '{{.Id}}' "$PIMG")
skopeo copy -q "containers-storage:$PIMG" "oci:$tmp/oci:latest"
skopeo copy -q "containers-storage:$PIMG" "docker-archive:$tmp/docker.tar:$PIMG"

c image load "oci:$tmp/oci:latest" busybox
check "image load oci: prints podman's image ID" [ "$RC" = 0 -a "$OUT" = "$PID" ]
c run --rm busybox
check "run --rm IMAGE runs the image's command" [ "$RC" = 0 -a "$OUT" = "hello from podman import" ]
c run --rm busybox /bin/sh -c 'echo args; exit 3'
check "run --rm IMAGE CMD: output and exit code" [ "$RC" = 3 -a "$OUT" = "args" ]
c image load "docker-archive:$tmp/docker.tar"
check "image load docker-archive: same ID" [ "$RC" = 0 -a "$OUT" = "$PID" ]
c image load "containers-storage:$PIMG" from-podman
check "image load containers-storage: same ID" [ "$RC" = 0 -a "$OUT" = "$PID" ]
c image load oci:/nonexistent
check "image load of a missing layout fails with a message" rc_has 125 "$ERR" "nonexistent"
# A descriptor whose size is not the blob's: the manifest's in index.json,
# a layer's in the manifest (the manifest's digest follows).
for what in manifest layer config; do
    rm -rf "$tmp/badsize" && cp -a "$tmp/oci" "$tmp/badsize"
    WHAT=$what /usr/bin/python3 - "$tmp/badsize" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
idx = json.load(open(d + "/index.json"))
desc = idx["manifests"][0]
if os.environ["WHAT"] == "manifest":
    desc["size"] += 1
else:
    path = d + "/blobs/sha256/" + desc["digest"].split(":")[1]
    m = json.load(open(path))
    (m["layers"][0] if os.environ["WHAT"] == "layer" else m["config"])["size"] -= 1
    data = json.dumps(m).encode()
    h = hashlib.sha256(data).hexdigest()
    open(d + "/blobs/sha256/" + h, "wb").write(data)
    desc["digest"], desc["size"] = "sha256:" + h, len(data)
json.dump(idx, open(d + "/index.json", "w"))
PY
    c image load "oci:$tmp/badsize:latest" badsize
    check "image load: a $what descriptor with a wrong size is refused" rc_has 125 "$ERR" "descriptor says"
    c image ls
    check "... and nothing of it is stored" [ "$RC" = 0 ] && ! has "$OUT" badsize
done
c image ls --format json
check "image ls --format json lists the names" [ "$RC" = 0 ] && [ "$(py "sorted(d[0]['Names'])")" = "['$PIMG', 'localhost/busybox:latest', 'localhost/from-podman:latest']" ]
c image ls
check "image ls table" rc_has 0 "$OUT" "localhost/busybox"
c image inspect busybox
check "image inspect" [ "$RC" = 0 -a "$(py "d[0]['Id']")" = "$PID" ]

c image import -c 'CMD echo from a tarball' -c 'ENV X=1' "$tmp/bb.tar" tarimg
check "image import TARBALL NAME --change" [ "$RC" = 0 ]
c run --rm tarimg
check "the imported image runs its CMD" [ "$OUT" = "from a tarball" ]
c image tag tarimg tarimg:v2 other/name
c run --rm other/name:latest sh -c 'echo $X'
check "image tag, then run by the new name" [ "$RC" = 0 -a "$OUT" = "1" ]
c image rm tarimg:v2
check "image rm of one of several names untags" [ "$RC" = 0 ]
c image inspect tarimg:v2
check "the name is gone" [ "$RC" = 125 ]

c create --name ctr1 busybox /bin/sh -c 'echo changed > /etc/motd; rm /etc/group'
c start -a ctr1
c image rm busybox from-podman "$PIMG"
c image rm "$PID"
check "image rm of an image in use is refused" rc_has 125 "$ERR" "used by 1 container"
c export -o "$tmp/ctr1.tar" ctr1
check "export -o FILE" [ "$RC" = 0 ] && tar -tf "$tmp/ctr1.tar" | grep -q '^bin/busybox$' && tar -xOf "$tmp/ctr1.tar" etc/motd | grep -q changed
c commit -c 'CMD ["/bin/cat", "/etc/motd"]' ctr1 committed
check "commit CTR NAME" [ "$RC" = 0 ]
c run --rm committed
check "run the committed image: the change is there" [ "$RC" = 0 -a "$OUT" = "changed" ]
c run --rm committed /bin/sh -c 'test -e /etc/group || echo deleted'
check "a deleted file stays deleted in the committed image" [ "$OUT" = "deleted" ]
c mount ctr1
MP=$OUT
check "mount prints the mount point" [ "$RC" = 0 ] && [ -f "$MP/etc/motd" ] && grep -qF " $MP " /proc/self/mountinfo
c umount ctr1
check "umount unmounts it" [ "$RC" = 0 ] && ! grep -qF " $MP " /proc/self/mountinfo

c image save committed "oci:$tmp/saved:v1"
check "image save oci:" [ "$RC" = 0 ] && skopeo inspect "oci:$tmp/saved:v1" >/dev/null
c image save committed "docker-archive:$tmp/saved.tar:localhost/libctr-cli-saved-$$:latest"
check "image save docker-archive: loads in podman" [ "$RC" = 0 ] && podman load -q -i "$tmp/saved.tar" >/dev/null &&
    podman image exists "localhost/libctr-cli-saved-$$:latest"
c image save committed "oci-archive:$tmp/saved-oci.tar"
check "image save oci-archive: skopeo reads it" [ "$RC" = 0 ] && skopeo inspect "oci-archive:$tmp/saved-oci.tar" >/dev/null

c rm -f ctr1
c image rm -f committed
c image prune -a
check "image prune -a" [ "$RC" = 0 ]
c image ls -q
check "nothing left" [ "$RC" = 0 -a -z "$OUT" ]

summary
