#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl's mounts end to end (-v, --mount, --tmpfs), as root, with real runc
# and conmon: a ro bind refuses writes, a rw bind writes through, a tmpfs
# has its size and mode; bad input fails clearly and leaves nothing; the
# mounts of config.json, inspect's Mounts, Binds and Tmpfs equal podman's
# for the same flags; an image's volumes (--image-volume bind, podman's
# default, tmpfs and ignore) as podman mounts them, the anonymous volumes
# removed by rm -v and --rm.
# usage: test-ctrctl-mounts.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$(realpath "$1")
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-mounts-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
N=libctr-mnt-$$
PIMG=localhost/libctr-mnt-$$:latest
PODMAN_OPTS="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none"
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
mkdir -p "$tmp/src" "$tmp/src2"
echo hello >"$tmp/src/f"

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    podman ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r podman rm -f >/dev/null 2>&1
    podman_cleanup
    [ -f "$tmp/podman-vol-ids" ] && xargs -r podman rm -f -v <"$tmp/podman-vol-ids" >/dev/null 2>&1
    podman rmi -f "$PIMG" >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# c ARGS...: run ctrctl; sets RC, OUT, ERR.
c() {
    timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# nothing_left: no container, no mount under the run root or the rootfs.
nothing_left() {
    c ps -a -q
    [ "$RC" = 0 ] && [ -z "$OUT" ] && ! grep -qF -e " $RUNROOT/" -e " $tmp/rootfs/" /proc/self/mountinfo
}

# ---- what the mounts do ----

c run --rm -v "$tmp/src:/data:ro" --rootfs "$tmp/rootfs" /bin/sh -c 'cat /data/f; echo changed >/data/f'
check "a ro bind mount refuses writes inside" rc_has 1 "$OUT$ERR" "Read-only file system"
check "... and the host file is unchanged" [ "$(cat "$tmp/src/f")" = hello ]
c run --rm -v "$tmp/src:/data" --rootfs "$tmp/rootfs" /bin/sh -c 'echo written >/data/g'
check "a rw bind mount writes through" rc_is 0 [ "$(cat "$tmp/src/g" 2>/dev/null)" = written ]
c run --rm --mount "type=bind,src=$tmp/src,dst=/m,readonly" --rootfs "$tmp/rootfs" /bin/sh -c 'touch /m/h'
check "--mount type=bind,readonly refuses writes" rc_is 1 [ ! -e "$tmp/src/h" ]
c run --rm --tmpfs /scratch:size=10m,mode=1777 --mount type=tmpfs,dst=/t2,tmpfs-size=5m,tmpfs-mode=700 \
    --rootfs "$tmp/rootfs" /bin/sh -c 'grep -E " /(scratch|t2) " /proc/mounts; stat -c "%n %a" /scratch /t2'
check "--tmpfs size shows in /proc/mounts" rc_has 0 "$OUT" "/scratch tmpfs rw,nosuid,nodev,.*size=10240k"
check "--mount type=tmpfs size and mode show in /proc/mounts" has "$OUT" "/t2 tmpfs .*size=5120k,mode=700"
check "the tmpfs modes show in stat" has "$OUT" "/scratch 1777" && check "... 700" has "$OUT" "/t2 700"
cd "$tmp" || exit 1
c run --rm -v ./src:/rel --rootfs "$tmp/rootfs" /bin/cat /rel/f
cd - >/dev/null || exit 1
check "a ./ source is the working directory's" rc_is 0 [ "$OUT" = hello ]
c run --help
check "run --help shows the mount options" rc_has 0 "$OUT" "-v, --volume \[SRC:\]DST\[:OPTS\]"
check "... and --mount, --tmpfs" has "$OUT" "--mount type=TYPE" && check "... --tmpfs" has "$OUT" "--tmpfs DST"
c create --name "$N-prop" -v "$tmp/src:/data:rshared" --rootfs "$tmp/rootfs" /bin/true
c init "$N-prop"
c inspect --format '{{.OCIConfigPath}}' "$N-prop"
check "the propagation is in the spec" grep -q '"rshared"' "$OUT"
c rm -f "$N-prop"
check "nothing left after the good runs" nothing_left

# ---- bad input: a clear error, nothing left ----

# bad DESCRIPTION PATTERN ARGS...: run fails with 125 and PATTERN, and leaves nothing.
bad() {
    local d=$1 pat=$2
    shift 2
    c run --rm "$@" --rootfs "$tmp/rootfs" /bin/true
    check "$d" rc_has 125 "$ERR" "$pat"
    check "... and leaves nothing" nothing_left
}
bad "a bind source that does not exist" "Error: statfs /nonexistent: no such file or directory" -v /nonexistent:/x
bad "--mount with a source that does not exist" "statfs /nonexistent" --mount type=bind,src=/nonexistent,dst=/x
mkfifo "$tmp/fifo"
bad "a FIFO as a bind source" "is a FIFO" -v "$tmp/fifo:/x"
ln -s ../../../.. "$tmp/rootfs/up"
bad "a destination escaping through a rootfs symlink" \
    "mount destination /up/x: the symbolic link /up -> ../../../.. in the root file system leads out of it" \
    -v "$tmp/src:/up/x"
ln -s /../../etc "$tmp/rootfs/abs"
bad "an absolute link that .. climbs out of" "the symbolic link /abs -> /../../etc" -v "$tmp/src:/abs/x"
rm -f "$tmp/rootfs/up" "$tmp/rootfs/abs"
bad "an unknown -v option" 'Error: invalid option type "foo"' -v "$tmp/src:/x:foo"
bad "an unknown --tmpfs option" 'unknown mount option "foo"' --tmpfs /x:foo
bad "an unknown --mount key" "Error: foo: invalid mount option" --mount "type=bind,src=$tmp/src,dst=/x,foo=bar"
bad "a malformed tmpfs size" 'invalid size "12q"' --tmpfs /x:size=12q
bad "a malformed tmpfs-size" 'invalid size "1x"' --mount type=tmpfs,dst=/x,tmpfs-size=1x
bad "ro and rw" "can only specify 1 'rw' or 'ro' option" -v "$tmp/src:/x:ro,rw"
bad "two propagations" "can only specify 1 '\[r\]shared'" -v "$tmp/src:/x:private,shared"
bad "idmap" "the idmap option (an ID-mapped mount) is not supported" -v "$tmp/src:/x:idmap"
bad "a duplicate destination" "Error: /x: duplicate mount destination" -v "$tmp/src:/x" -v "$tmp/src2:/x"
bad "a relative destination" 'invalid container path "x", must be an absolute path' --tmpfs x
bad "an overlay (O)" "the O option (an overlay over the source) is not supported" -v "$tmp/src:/x:O"
bad "a bad --image-volume" 'invalid image volume mode "foo"' --image-volume foo
bad "an unknown --mount type" 'invalid filesystem type "ramfs"' --mount type=ramfs,dst=/x

# ---- the same as podman ----

# spec_same DESTS FLAGS...: config.json's mounts on the destinations DESTS
# (comma-separated) and the other sections flags set
# (tests/lib/spec-sections.py) equal podman's for the same flags.
spec_same() {
    local dests=$1 theirs
    shift
    c create --name "$N-s" "${LIMITS[@]}" "$@" --rootfs "$tmp/rootfs" /bin/true
    c init "$N-s"
    c inspect --format '{{.OCIConfigPath}}' "$N-s"
    local mine=$OUT
    theirs=$(podman_spec "${LIMITS[@]}" "$@")
    local a b
    # shellcheck disable=SC2046
    a=$(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$mine" $(tr , ' ' <<<"$dests"))
    # shellcheck disable=SC2046
    b=$(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$theirs" $(tr , ' ' <<<"$dests"))
    same "config.json mounts as podman's: $*" "$a" "$b"
    check "... and not empty" has "$a" "^mount "
    c rm -f "$N-s"
    podman_cleanup
}
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
S=$tmp/src
spec_same /data -v "$S:/data:ro"
spec_same /data -v "$S:/data"
spec_same /data,/d2 -v "$S:/data:rshared,nosuid" -v "$S:/d2:bind,noexec,Z"
spec_same /data --mount "type=bind,src=$S,dst=/data,readonly,bind-propagation=rslave"
spec_same /data --mount "type=bind,source=$S,target=/data,bind-nonrecursive,relabel=shared"
spec_same /scratch --tmpfs /scratch:size=10m
spec_same /scratch,/s2 --tmpfs /scratch:ro,size=1g,mode=1777 --tmpfs /s2:noexec,notmpcopyup,rshared
spec_same /t --mount type=tmpfs,dst=/t,tmpfs-size=5m,tmpfs-mode=700
spec_same /dp --mount type=devpts,dst=/dp
spec_same /dp --mount type=devpts,dst=/dp,uid=5,gid=5,mode=620
spec_same /dev/shm --tmpfs /dev/shm:size=1m
spec_same /a,/a/b -v "$S:/a/b" --tmpfs /a

# inspect's Mounts, Binds and Tmpfs, as podman's.
# shellcheck disable=SC2054 # (commas inside the flags, not between elements)
FLAGS=(-v "$S:/data:ro,shared" -v "$S:/z:z" --mount "type=bind,src=$S,dst=/zz,relabel=private" --mount "type=bind,src=$tmp/src2,dst=/m2,bind-propagation=rslave"
       --tmpfs /scratch:size=10m,mode=1777 --mount type=tmpfs,dst=/t2,tmpfs-size=5m --mount type=devpts,dst=/dp)
cat >"$tmp/inspect.py" <<'PY'
import json, sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
h = d["HostConfig"]
print(json.dumps(sorted(d["Mounts"], key=lambda m: m["Destination"]), sort_keys=True))
print(json.dumps(sorted(h["Binds"]), sort_keys=True))
print(json.dumps(h["Tmpfs"], sort_keys=True))
PY
c create --name "$N-i" "${FLAGS[@]}" --rootfs "$tmp/rootfs" /bin/true
c inspect "$N-i"
mine=$(printf '%s' "$OUT" | python3 "$tmp/inspect.py")
# shellcheck disable=SC2086
pid=$(podman --runtime runc create --name "$N-pi" $PODMAN_OPTS "${FLAGS[@]}" --rootfs "$tmp/rootfs" /bin/true 2>/dev/null)
theirs=$(podman inspect "$pid" | python3 "$tmp/inspect.py")
same "inspect's Mounts as podman's" "$(echo "$mine" | sed -n 1p)" "$(echo "$theirs" | sed -n 1p)"
same "inspect's HostConfig.Binds as podman's" "$(echo "$mine" | sed -n 2p)" "$(echo "$theirs" | sed -n 2p)"
same "inspect's HostConfig.Tmpfs as podman's" "$(echo "$mine" | sed -n 3p)" "$(echo "$theirs" | sed -n 3p)"
check "... and they are not empty" has "$mine" '"/scratch"'
podman rm -f "$pid" >/dev/null 2>&1
c rm -f "$N-i"
# ---- the image's volumes: --image-volume bind (podman's default), tmpfs, ignore ----

mkdir -p "$tmp/rootfs/v"
echo from-image >"$tmp/rootfs/v/f"
tar -C "$tmp/rootfs" -cf "$tmp/vol.tar" .
podman import -q --change 'VOLUME /v' "$tmp/vol.tar" "$PIMG" >/dev/null
c image load "containers-storage:$PIMG" mnt-vol
check "an image with VOLUME /v loaded" rc_is 0 true
# volume_spec_same DESCRIPTION FLAGS...: the mount of /v in config.json (a
# volume's data directory named VOLUME) and the other sections of
# spec-sections.py as podman's for an image of FLAGS; sets MINE.
volume_spec_same() {
    local d=$1 pid theirs a b norm
    shift
    c create --name "$N-iv" "${LIMITS[@]}" "$@" mnt-vol /bin/true
    c init "$N-iv"
    c inspect --format '{{.OCIConfigPath}}' "$N-iv"
    local mine=$OUT
    pid=$(podman --runtime runc create --network none "${LIMITS[@]}" "$@" "$PIMG" /bin/true 2>"$tmp/perr")
    echo "$pid" >>"$tmp/podman-vol-ids"
    podman --runtime runc init "$pid" >/dev/null 2>&1
    theirs=$(find "/var/lib/containers/storage/overlay-containers/$pid" -name config.json 2>/dev/null | head -1)
    norm="s#\"$ROOT/volumes/<ID>/_data\"#\"VOLUME\"#;s#\"/var/lib/containers/storage/volumes/<ID>/_data\"#\"VOLUME\"#"
    a=$(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$mine" /v | sed "$norm")
    b=$(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$theirs" /v | sed "$norm")
    same "config.json as podman's: $d" "$a" "$b"
    MINE=$a
    c rm -f -v "$N-iv"
    podman rm -f -v "$pid" >/dev/null 2>&1
}
volume_spec_same "an image volume by default (anonymous volume)"
check "... a bind of a volume's directory" has "$MINE" '^mount /v: .*"source": "VOLUME", "type": "bind"'
volume_spec_same "--image-volume bind" --image-volume bind
check "... the same" has "$MINE" '"source": "VOLUME"'
volume_spec_same "--image-volume tmpfs" --image-volume tmpfs
check "... a tmpfs with tmpcopyup" has "$MINE" '^mount /v: .*"tmpcopyup".*"type": "tmpfs"'
volume_spec_same "--image-volume ignore" --image-volume ignore
no_v_mount() { ! has "$MINE" '^mount /v'; }
check "... no mount on /v" no_v_mount

# volumes_left: the number of volumes ctrctl lists.
volumes_left() {
    c volume ls -q
    printf '%s' "$OUT" | grep -c .
}
c run --name "$N-bv" mnt-vol /bin/sh -c 'grep " /v " /proc/mounts >/dev/null && cat /v/f && echo new >/v/g'
check "bind: /v is a mount with the image's content" rc_is 0 [ "$OUT" = from-image ]
check "... an anonymous volume" [ "$(volumes_left)" = 1 ]
c volume ls -q
c volume inspect "$OUT"
check "... marked anonymous" [ "$(py 'd[0].get("Anonymous")')" = True ]
c rm -v "$N-bv"
check "rm -v removes the anonymous volume" [ "$RC" = 0 ] && [ "$(volumes_left)" = 0 ]
c run --rm mnt-vol /bin/cat /v/f
check "--rm: the volume's content" rc_is 0 [ "$OUT" = from-image ]
check "... and the volume is gone with the container" [ "$(volumes_left)" = 0 ]
c run --name "$N-kv" mnt-vol /bin/true
c rm "$N-kv"
check "rm without -v keeps the anonymous volume (as podman)" [ "$(volumes_left)" = 1 ]
c volume prune -f
check "... which volume prune removes" [ "$(volumes_left)" = 0 ]
c run --rm --image-volume tmpfs mnt-vol /bin/sh -c 'grep " /v " /proc/mounts; cat /v/f'
check "tmpfs: /v is a tmpfs" rc_has 0 "$OUT" '^tmpfs /v tmpfs rw,nosuid,nodev'
check "... with the image's content (tmpcopyup)" has "$OUT" '^from-image$'
check "... and no volume" [ "$(volumes_left)" = 0 ]
c run --rm --image-volume ignore mnt-vol /bin/sh -c 'grep -c " /v " /proc/mounts; cat /v/f'
check "ignore: no mount on /v, the image's file" rc_has 0 "$OUT" '^0$' && check "... there" has "$OUT" from-image
check "... and no volume" [ "$(volumes_left)" = 0 ]
check "nothing left at the end" nothing_left

summary
