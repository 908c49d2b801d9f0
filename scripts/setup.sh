#!/bin/sh
# Install everything libctr needs to build and test on Debian 12: every package a
# build, a test, a binding suite or a script under scripts/ calls.  Run as root
# (a fresh machine may have no sudo).  A fresh `debootstrap --variant=minbase`
# root is enough to start from: scripts/fresh-check.sh checks that.
set -eu
if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: run as root (it installs packages with apt-get)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# What each group is for:
#  build:      compilers, meson, the libraries libctr links, cmocka for the tests
#  containers: runtimes, conmon, catatonit (--init) and tzdata (--tz), podman/skopeo/umoci (images the tests compare with),
#              criu (checkpoint/restore; scripts/setup-criu.sh makes it work on kernels 6.13 and later),
#              busybox-static (test root file systems), CNI plugins
#  test tools: ip/bridge/tc (iproute2), iptables-save, nft, ps (procps), killall (psmisc),
#              setfattr/getfattr (attr: test-storage.c), mount/unshare/flock (util-linux),
#              timeout/stat/mktemp (coreutils), find/xargs (findutils), modprobe (kmod),
#              readelf/nm (binutils, via build-essential)
#  validator:  tests/lib/oci-validate: python3-jsonschema and the OCI JSON schemas;
#              python3-yaml reads kube YAML in tests/lib/kube-check.py
#  bindings:   Python (pytest, pip), Go, Rust
#  stages:     valgrind, abidiff, doxygen (scripts/test.sh)
#  fresh root: debootstrap, git, ca-certificates (scripts/fresh-check.sh)
packages="
  build-essential meson ninja-build pkg-config clang libclang-rt-14-dev
  libjson-c-dev libtdb-dev tdb-tools libcap-ng-dev libseccomp-dev libselinux1-dev
  libmount-dev libarchive-dev libssl-dev libzstd-dev libcmocka-dev libcurl4-openssl-dev libyaml-dev
  runc crun conmon catatonit tzdata busybox-static umoci skopeo podman containernetworking-plugins criu
  docker-registry apache2-utils openssl zstd bsdutils
  iproute2 iptables nftables procps psmisc attr util-linux coreutils findutils kmod
  python3 python3-pytest python3-jsonschema python3-yaml python3-setuptools python3-wheel python3-pip
  golang-github-opencontainers-specs-dev golang-github-opencontainers-image-spec-dev
  golang-go cargo rustc
  valgrind abigail-tools doxygen
  debootstrap git ca-certificates
"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    echo "setup.sh: installing$missing"
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
"$(dirname "$0")/setup-criu.sh"
