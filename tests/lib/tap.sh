# shellcheck shell=bash disable=SC2034,SC2154
# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the ctrctl test scripts (bash, sourced after `set -u` with $tmp
# unset yet): the counters, the skip rule, the checks and the summary.
# Each script sets $tmp (its temporary root) before the checks run, and
# defines its own `c` (how it runs ctrctl: sets RC, OUT, ERR).
pass=0
fail=0
RC=0
OUT=
ERR=

# missing REASON: skip (exit 77), or fail with CI=true, where the
# integration suites must run.
missing() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: the integration suite must run)"
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}

# need COMMAND...: each must be in PATH (else missing()).
need() {
    local t
    for t in "$@"; do command -v "$t" >/dev/null || missing "$t not found"; done
}

ok() { echo "ok   - $1"; pass=$((pass + 1)); }
not_ok() {
    echo "FAIL - $1"
    echo "       rc=$RC stdout=[$(head -c 600 "$tmp/out")] stderr=[$(head -c 600 "$tmp/err")]"
    fail=$((fail + 1))
}
# check DESCRIPTION TEST...: run TEST and report its result.
check() {
    local d=$1
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}
# rc_is N TEST...: the last exit code was N and TEST succeeds.
rc_is() {
    local n=$1
    shift
    [ "$RC" = "$n" ] && "$@"
}
# has TEXT PATTERN: TEXT matches the grep PATTERN.
has() { printf '%s' "$1" | grep -q -- "$2"; }
# rc_has N TEXT PATTERN: the last exit code was N and TEXT has PATTERN.
rc_has() { [ "$RC" = "$1" ] && has "$2" "$3"; }
# py EXPR: EXPR evaluated in Python with d = the last output parsed as JSON.
py() { printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# run_root_for DIR: the run root a script uses, printed: DIR/run, or with
# CTR_TEST_RUN_DIR set (CI mounts a tmpfs there, as /run is on real
# machines) a new directory under that one.  remove_run_root removes it.
run_root_for() {
    if [ -n "${CTR_TEST_RUN_DIR:-}" ]; then
        mktemp -d "$CTR_TEST_RUN_DIR/run-XXXXXX"
    else
        echo "$1/run"
    fi
}
remove_run_root() {
    umount_under "$RUNROOT"
    rm -rf "$RUNROOT"
}

# umount_under DIR: lazily unmount whatever is mounted under DIR, deepest first.
umount_under() {
    # Never the whole system: an empty or relative DIR, or /, is refused.
    case $1 in /?*) ;; *) echo "umount_under: refusing \"$1\"" >&2; return 1 ;; esac
    awk -v d="${1%/}/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
}

# summary: the counts; the status is 0 when nothing failed.
summary() {
    echo "$pass passed, $fail failed"
    [ "$fail" = 0 ]
}

# podman_spec FLAGS... [-- COMMAND...]: podman 4.3 (with runc, no network)
# creates and inits a container of FLAGS on the root file system $PSPEC_ROOTFS
# (default $tmp/rootfs) running COMMAND (default /bin/true); prints the path of
# the config.json it wrote, also when runc refused to start it here (podman
# does not clamp its rlimits), or nothing when the create failed ($tmp/perr
# says why).  The container is removed by podman_cleanup.
podman_spec() {
    local flags=() cmd=() id
    while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    cmd=("$@")
    [ ${#cmd[@]} -gt 0 ] || cmd=(/bin/true)
    id=$(podman --runtime runc create --network none "${flags[@]}" --rootfs "${PSPEC_ROOTFS:-$tmp/rootfs}" \
        "${cmd[@]}" 2>"$tmp/perr") || return 0
    echo "$id" >>"$tmp/podman-ids"
    podman --runtime runc init "$id" >/dev/null 2>&1
    find "/var/lib/containers/storage/overlay-containers/$id" -name config.json 2>/dev/null | head -1
}
# podman_cleanup: remove the containers podman_spec made.
podman_cleanup() {
    [ -f "$tmp/podman-ids" ] || return 0
    xargs -r podman rm -f <"$tmp/podman-ids" >/dev/null 2>&1
    rm -f "$tmp/podman-ids"
}
