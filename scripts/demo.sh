#!/bin/sh
# Set up, build, and run the main job: a busybox container through libctr.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build >/dev/null
rootfs=build/busybox-rootfs
[ -x "$rootfs/bin/busybox" ] || tests/lib/make-rootfs.sh "$rootfs"
echo "== a busybox container through libctr (runc + conmon)"
build/examples/hello-run "$PWD/$rootfs"
echo "== containers as data, with each state backend"
build/examples/hello-data files tdb
