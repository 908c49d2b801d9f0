#!/bin/sh
# Install everything libctr needs to build and test on Debian 12 (as root).
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root (sudo $0)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
packages="
  build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
  libjson-c-dev libtdb-dev tdb-tools libcap-ng-dev libseccomp-dev libselinux1-dev
  libmount-dev libarchive-dev libssl-dev libzstd-dev libcmocka-dev
  runc crun conmon busybox-static umoci skopeo podman containernetworking-plugins
  iproute2 iptables nftables procps psmisc
  python3 python3-pytest python3-jsonschema python3-setuptools python3-wheel python3-pip
  golang-go cargo rustc
  valgrind abigail-tools doxygen
"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
