#!/bin/sh
# Build a minimal busybox root file system in DIR from Debian's busybox-static.
# usage: make-rootfs.sh DIR
set -eu
dir=$1
bb=$(command -v busybox || echo /bin/busybox)
[ -x "$bb" ] || { echo "make-rootfs: busybox-static is not installed" >&2; exit 1; }
mkdir -p "$dir/bin" "$dir/sbin" "$dir/usr/bin" "$dir/usr/sbin" "$dir/etc" "$dir/proc" "$dir/sys" \
         "$dir/dev" "$dir/tmp" "$dir/root" "$dir/home" "$dir/var/tmp" "$dir/run"
chmod 1777 "$dir/tmp" "$dir/var/tmp"
cp "$bb" "$dir/bin/busybox"
for app in $("$dir/bin/busybox" --list-full); do
    [ -e "$dir/$app" ] || ln -s /bin/busybox "$dir/$app"
done
cat > "$dir/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
tester:x:1000:1000:tester:/home/tester:/bin/sh
P
cat > "$dir/etc/group" <<'G'
root:x:0:
daemon:x:1:
users:x:100:tester
nogroup:x:65534:
tester:x:1000:
wheel:x:10:tester
G
mkdir -p "$dir/home/tester"
chown 1000:1000 "$dir/home/tester" 2>/dev/null || true
