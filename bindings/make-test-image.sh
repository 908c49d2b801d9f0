#!/bin/sh
# Build the bindings' test image: an OCI image layout in DIR, tag "latest",
# holding the busybox root file system of tests/lib/make-rootfs.sh (one
# layer, made with umoci), command /bin/sh.  Load it as "oci:DIR:latest".
# usage: make-test-image.sh DIR
set -eu
dir=$1
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/libctr-image-XXXXXX")
trap 'rm -rf "$work"' EXIT
"$src/tests/lib/make-rootfs.sh" "$work/rootfs"
rm -rf "$dir"
umoci init --layout "$dir"
umoci new --image "$dir:latest"
umoci insert --image "$dir:latest" "$work/rootfs" /
umoci config --image "$dir:latest" --config.cmd /bin/sh --config.workingdir / \
    --config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin --author libctr-bindings
umoci gc --layout "$dir"
