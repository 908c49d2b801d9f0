#!/bin/sh
# Set up, build, and run the main job: a busybox image made the way users
# make images (podman import, then skopeo copy to an OCI layout), loaded into
# libctr and run through the library (runc + conmon).
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build >/dev/null
rootfs=build/busybox-rootfs
[ -x "$rootfs/bin/busybox" ] || tests/lib/make-rootfs.sh "$rootfs"

demo=$PWD/build/demo
ctrctl="build/examples/ctrctl/ctrctl --root $demo/root --runroot /run/libctr-demo"
image=localhost/libctr-demo-busybox:latest
echo "== a busybox image: podman import, then skopeo copy to an OCI layout"
rm -rf "$demo/oci" "$demo/busybox.tar"
mkdir -p "$demo"
tar -C "$rootfs" -cf "$demo/busybox.tar" .
podman import --quiet --change 'CMD ["/bin/sh", "-c", "echo hello from an image"]' "$demo/busybox.tar" "$image" >/dev/null
skopeo copy --quiet "containers-storage:$image" "oci:$demo/oci:latest"
podman rmi --force "$image" >/dev/null
echo "== ctrctl image load oci:$demo/oci:latest busybox"
$ctrctl image load --quiet "oci:$demo/oci:latest" busybox
$ctrctl image ls
echo "== ctrctl run --rm busybox (the image's command), then with a command"
$ctrctl run --rm busybox
$ctrctl run --rm busybox /bin/sh -c 'echo hello from $(uname -s) in a busybox container; id'

echo "== a busybox container from a rootfs directory (runc + conmon)"
build/examples/hello-run "$PWD/$rootfs"
echo "== containers as data, with each state backend"
build/examples/hello-data files tdb
