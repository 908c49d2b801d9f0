#!/bin/sh
# Make `criu` work on this machine (scripts/setup.sh runs it after the packages).
#
# Debian 12's criu (3.17) fails on Linux 6.13 and later: the kernel split the
# vvar mapping in two (a new [vvar_vclock] VMA, kernel commit e93d2521b27f,
# "x86/vdso: Split virtual clock pages into dedicated mapping"), and CRIU before
# 4.1 stops at "vdso: Unexpected rt vDSO area bounds" in `criu check`, so every
# checkpoint fails.  CRIU 4.1 handles it.  When `criu check` fails that way,
# Debian 13's criu (4.1) is unpacked with the libraries it needs (its own
# glibc among them: it wants glibc 2.38) under /opt/libctr-criu, from Debian's
# own archive with apt-get, without touching the system's packages, and
# /usr/local/sbin/criu (ahead of /usr/sbin in PATH) runs it with that
# glibc's loader.  runc and crun run `criu` from PATH.
set -eu
PREFIX=/opt/libctr-criu
WRAPPER=/usr/local/sbin/criu
PACKAGES="criu libcompel1 libc6 libgnutls30t64 libnftables1 libnl-3-200 libprotobuf-c1 libbsd0 libnet1 libuuid1
  libmd0 libidn2-0 libp11-kit0 libtasn1-6 libunistring5 libnettle8t64 libhogweed6t64 libgmp10 libffi8 libjansson4
  libmnl0 libnftnl11 libxtables12 libedit2 libtinfo6"

check() { criu check >/tmp/libctr-criu-check.$$ 2>&1; r=$?; out=$(cat /tmp/libctr-criu-check.$$); rm -f /tmp/libctr-criu-check.$$; return $r; }

if check; then
    exit 0
fi
case $out in
*"vDSO area bounds"*) ;;
*)
    echo "setup-criu.sh: criu check fails (checkpoint/restore will not work): $out" >&2
    exit 0
    ;;
esac
echo "setup-criu.sh: Debian 12's criu cannot handle this kernel's vDSO ([vvar_vclock]): installing Debian 13's criu 4.1 under $PREFIX"
state=/var/cache/libctr-criu
mkdir -p "$state/lists/partial" "$state/archives/partial" "$state/debs"
echo "deb http://deb.debian.org/debian trixie main" >"$state/sources.list"
apt_opts="-o Dir::Etc::sourcelist=$state/sources.list -o Dir::Etc::sourceparts=/nonexistent
  -o Dir::State::Lists=$state/lists -o Dir::Cache=$state -o APT::Sandbox::User=root"
# shellcheck disable=SC2086
apt-get $apt_opts update -q >/dev/null
rm -f "$state"/debs/*.deb
# shellcheck disable=SC2086
(cd "$state/debs" && for p in $PACKAGES; do apt-get $apt_opts download -q "$p/trixie" >/dev/null; done)
rm -rf "$PREFIX.new"
mkdir -p "$PREFIX.new"
for deb in "$state"/debs/*.deb; do
    dpkg-deb -x "$deb" "$PREFIX.new"
done
rm -rf "$PREFIX"
mv "$PREFIX.new" "$PREFIX"
cat >"$WRAPPER" <<WRAP
#!/bin/sh
# Installed by libctr's scripts/setup-criu.sh: Debian 13's criu with its own libraries.
L=$PREFIX/usr/lib/x86_64-linux-gnu
exec "\$L/ld-linux-x86-64.so.2" --library-path "\$L" $PREFIX/usr/sbin/criu "\$@"
WRAP
chmod 755 "$WRAPPER"
hash -r 2>/dev/null || true
if check; then
    echo "setup-criu.sh: $($WRAPPER --version | head -1): criu check passes"
else
    echo "setup-criu.sh: criu check still fails: $out" >&2
fi
