#!/bin/sh
# Run the README's test command, as root, in a fresh minimal Debian 12 root on a
# clone of the committed tree: what a new user gets on a fresh machine.
#
# usage: scripts/fresh-check.sh [--plain] [--keep] [--new-base] [--summary FILE]
#   --plain       only the stages that need no sanitizer (scripts/test.sh --plain)
#   --keep        keep the run's root (its path is printed) for debugging
#   --new-base    make the pristine root again with debootstrap
#   --summary F   copy the run's "passed failed skipped" (build-test/test-summary) to F
#
# A pristine `debootstrap --variant=minbase bookworm` root is kept in
# $CTR_FRESH_DIR/base (default /var/tmp/libctr-fresh) and reused; every run works
# on a new copy of it, run-XXXXXX, so no run starts from a root an earlier one
# dirtied.  Into the copy go only the host's /etc/resolv.conf and apt sources,
# and a `git clone` of the repository at HEAD (the committed tree, not the work
# tree).  The run gets a mount namespace of its own in which the copy is the
# root through pivot_root, as a machine's root is: not a chroot, in which runc
# exec would join a container's mount namespace at the host's root instead of
# the container's (setns sets the root to the namespace's first mount).  In it
# the copy is bound onto itself, /proc, /sys and /dev are bound in and /run is a
# new tmpfs; these mounts and every one the tests make die with the namespace,
# and none touches the host's.  At the end, also on failure or interrupt, what
# the run started (the processes in its namespace and their descendants, e.g.
# containers) is stopped and the copy removed.  Exits with the test command's
# status.
# Needs root, debootstrap and git (scripts/setup.sh installs them).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
top=${CTR_FRESH_DIR:-/var/tmp/libctr-fresh}
mirror=${CTR_FRESH_MIRROR:-http://deb.debian.org/debian}
suite=bookworm
plain=false keep=false new_base=false summary_out=""
while [ $# -gt 0 ]; do
    case $1 in
    --plain) plain=true ;;
    --keep) keep=true ;;
    --new-base) new_base=true ;;
    --summary) [ $# -gt 1 ] || { echo "fresh-check: --summary needs a file" >&2; exit 2; }
        summary_out=$2; shift ;;
    -h | --help) sed -n '2,/^set -eu/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
    *) echo "usage: $0 [--plain] [--keep] [--new-base] [--summary FILE]" >&2; exit 2 ;;
    esac
    shift
done
case $summary_out in
"" | /*) ;;
*) summary_out=$PWD/$summary_out ;;
esac
[ -z "$summary_out" ] || rm -f "$summary_out"
if [ "$(id -u)" != 0 ]; then
    echo "fresh-check: run as root (it runs debootstrap, mount and unshare)" >&2
    exit 1
fi
for tool in debootstrap git; do
    command -v "$tool" >/dev/null || { echo "fresh-check: needs $tool (scripts/setup.sh installs it)" >&2; exit 1; }
done
commit=$(git -C "$src" rev-parse HEAD)

begin=$(date +%s)
stage() { echo "== fresh: $1 ($(( $(date +%s) - begin )) s)"; }

# shellcheck disable=SC2317 # (called from the traps)
# under DIR: the mount points at or below DIR.
under() {
    awk -v r="$1" 'r == $5 || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo
}

run=""
child=""
ns=""                # the run's mount namespace (readlink /proc/PID/ns/mnt)

# shellcheck disable=SC2317 # (called from the traps)
# The processes in the run's namespace and all their descendants (containers
# have namespaces of their own, under a monitor in the run's).
run_pids() {
    [ -n "$ns" ] || return 0
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        ppid=$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
        echo "$pid ${ppid:-0} $(readlink "$p/ns/mnt" 2>/dev/null)"
    done | awk -v ns="$ns" '
        { parent[$1] = $2; mine[$1] = ($3 == ns) }
        END {
            for (p in parent) {
                q = p
                for (depth = 0; q + 0 > 1 && depth < 64; depth++) {
                    if (mine[q]) { printf " %s", p; break }
                    q = parent[q]
                }
            }
        }'
}

# shellcheck disable=SC2317 # (called from the traps)
# Stop what the run left behind, then remove the copy.
teardown() {
    rc=$?
    trap - EXIT INT TERM HUP
    [ -n "$run" ] || exit "$rc"
    stage "teardown"
    pids=$(run_pids)
    [ -z "$child" ] || case "$pids " in *" $child "*) ;; *) pids="$pids $child" ;; esac
    if [ -n "$pids" ]; then
        echo "fresh-check: stopping what the run left:$pids"
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
        sleep 2
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
        sleep 1
    fi
    left=$(run_pids)
    if [ -n "$left" ]; then
        echo "fresh-check: processes of the run remain ($left); not removing $run" >&2
        [ "$rc" -ne 0 ] || rc=1
    elif under "$run" | grep -q .; then
        echo "fresh-check: mounts remain under $run; not removing it" >&2
        under "$run" | sed 's/^/  /' >&2
        [ "$rc" -ne 0 ] || rc=1
    elif $keep; then
        echo "fresh-check: kept $run (remove it with rm -rf --one-file-system $run)"
    else
        rm -rf --one-file-system "$run"
    fi
    stage "end, status $rc"
    exit "$rc"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

mkdir -p "$top"
base=$top/base
if $new_base || [ ! -e "$base/.libctr-fresh-base" ]; then
    stage "debootstrap --variant=minbase $suite into $base"
    tmpbase=$(mktemp -d "$top/base-new-XXXXXX")
    chmod 0755 "$tmpbase"
    if ! debootstrap --variant=minbase "$suite" "$tmpbase" "$mirror" > "$tmpbase.log" 2>&1; then
        tail -20 "$tmpbase.log"
        echo "fresh-check: debootstrap failed (log: $tmpbase.log)" >&2
        rm -rf --one-file-system "$tmpbase"
        exit 1
    fi
    rm -f "$tmpbase.log"
    date -u +%FT%TZ > "$tmpbase/.libctr-fresh-base"
    rm -rf --one-file-system "$base.old"
    [ ! -e "$base" ] || mv "$base" "$base.old"
    mv "$tmpbase" "$base"
    rm -rf --one-file-system "$base.old"
else
    stage "reusing $base (made $(cat "$base/.libctr-fresh-base"); --new-base makes it again)"
fi

stage "copying the base root"
run=$(mktemp -d "$top/run-XXXXXX")
cp -a "$base/." "$run/"
chmod 0755 "$run"    # it is /: mktemp made it 0700
rm -f "$run/.libctr-fresh-base"

# Only what apt needs to reach Debian's archive comes from the host.
cp -L /etc/resolv.conf "$run/etc/resolv.conf"
if [ -e /etc/apt/sources.list ] || ls /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
    rm -f "$run/etc/apt/sources.list"
    [ ! -e /etc/apt/sources.list ] || cp /etc/apt/sources.list "$run/etc/apt/sources.list"
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ ! -e "$f" ] || cp "$f" "$run/etc/apt/sources.list.d/"
    done
fi

stage "cloning $commit (the committed tree)"
git clone -q --no-hardlinks "$src" "$run/root/libctr"
git -C "$run/root/libctr" checkout -q --detach "$commit"

stages=all
$plain && stages=plain
stage "CI=true CTR_TEST_STAGES=$stages scripts/test.sh in the fresh root, as root"
# The namespace's set-up, then the tests, in the background, so that a signal
# reaches the traps at once (a shell waiting for a foreground command runs them
# only when it ends); teardown stops it.
# The kill and waiter tests with fewer rounds and containers: this run checks
# that the set-up is complete; the main run does the full numbers.
# shellcheck disable=SC2016 # (expanded by the inner shell)
unshare --mount --propagation private /bin/sh -euc '
    mount --bind "$1" "$1"
    cd "$1"
    for d in proc sys dev; do mount --rbind "/$d" "$d"; done
    mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs run
    mkdir .old-root
    pivot_root . .old-root
    cd /
    umount -l /.old-root
    rmdir /.old-root
    shift
    exec /usr/bin/env -i "$@" /bin/sh -c "cd /root/libctr && exec scripts/test.sh"
' fresh-root "$run" HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 TERM="${TERM:-dumb}" CI=true CTR_TEST_STAGES="$stages" \
    CTR_KILL_ROUNDS="${CTR_KILL_ROUNDS:-10}" CTR_KILL_OP_ROUNDS="${CTR_KILL_OP_ROUNDS:-4}" CTR_WAIT_MANY="${CTR_WAIT_MANY:-50}" \
    </dev/null &
child=$!
host_ns=$(readlink /proc/self/ns/mnt)
tries=0
while [ -z "$ns" ] && [ $tries -lt 100 ]; do
    n=$(readlink "/proc/$child/ns/mnt" 2>/dev/null) || break
    [ "$n" = "$host_ns" ] || ns=$n
    [ -n "$ns" ] || sleep 0.1
    tries=$((tries + 1))
done
[ -n "$ns" ] || echo "fresh-check: the run's mount namespace was not seen; what it leaves cannot be found" >&2
rc=0
wait "$child" || rc=$?
child=""
if [ -n "$summary_out" ] && [ -f "$run/root/libctr/build-test/test-summary" ]; then
    cp "$run/root/libctr/build-test/test-summary" "$summary_out"
fi
echo "fresh-check: scripts/test.sh exited with status $rc"
exit "$rc"
