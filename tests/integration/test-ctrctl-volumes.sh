#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl volume end to end, as root, compared with podman on the same
# commands (podman in a store of this test's own): create, ls (filters,
# --format, -q), inspect (the same keys with the same JSON types), exists,
# rm, prune; the errors and exit codes; a name with '/' leaves nothing.
# Containers with volumes are tests/integration/test-volumes.c's (through
# the C API).
# usage: test-ctrctl-volumes.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need podman python3
tmp=$(mktemp -d /tmp/ctrctl-volumes-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
PROOT=$tmp/proot

final_cleanup() {
    podman --root "$PROOT" --runroot "$tmp/prun" --storage-driver vfs volume prune -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
p() {
    timeout -k 5 60 podman --root "$PROOT" --runroot "$tmp/prun" --storage-driver vfs "$@" >"$tmp/pout" \
        2>"$tmp/perr" </dev/null
    PRC=$?
    POUT=$(cat "$tmp/pout")
    PERR=$(grep -v '^time=' "$tmp/perr")
}
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# is_true EXPR: py's EXPR (over the last output) is True.
is_true() { [ "$(py "$1")" = True ]; }
# both ARGS...: the same command through both tools.
both() {
    c "$@"
    p "$@"
}
# shape JSON: each object's keys with their JSON types, values of the
# fields that must agree, paths normalized.
shape() {
    printf '%s' "$1" | python3 -c '
import json, sys
d = json.load(sys.stdin)
def t(v):
    return type(v).__name__
out = []
for o in d:
    out.append(" ".join("%s:%s" % (k, t(v)) for k, v in sorted(o.items())))
    out.append("labels=%s options=%s name=%s driver=%s scope=%s" % (sorted(o["Labels"].items()),
               sorted(o["Options"].items()), o["Name"], o["Driver"], o["Scope"]))
    out.append("mountpoint ends /volumes/%s/_data: %s" % (o["Name"], o["Mountpoint"].endswith("/volumes/%s/_data" % o["Name"])))
print("\n".join(out))'
}

# ---- create, inspect ----
both volume create plain
same "create prints the name" "$RC:$OUT" "$PRC:$POUT"
both volume create --label app=web --label flag --opt type=tmpfs --opt device=tmpfs --opt o=mode=0700 tmp1
same "create with labels and options" "$RC:$OUT" "$PRC:$POUT"
both volume create --opt type=none --opt o=bind --opt device="$tmp" bound
same "create a bind volume" "$RC:$OUT" "$PRC:$POUT"
both volume inspect plain tmp1 bound
same "inspect: exit code" "$RC" "$PRC"
same "inspect: keys, JSON types, labels, options" "$(shape "$OUT")" "$(shape "$POUT")"
check "inspect: CreatedAt is RFC 3339" is_true 'all(__import__("re").match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$", o["CreatedAt"]) for o in d)'
check "inspect: the data directory is ROOT/volumes/NAME/_data" [ -d "$ROOT/volumes/plain/_data" ]
both volume ls --format json
same "ls --format json: keys and types" "$(shape "$OUT")" "$(shape "$POUT")"
# A tmpfs volume with a size: podman 4.3 refuses it here (it wants project
# quota on its volume directory); ctrctl takes the size as tmpfs's.
c volume create --opt type=tmpfs --opt device=tmpfs --opt o=size=10m sized
check "create a tmpfs volume with a size" rc_is 0 [ "$OUT" = sized ]
c volume inspect sized
check "its size is an o= option" is_true 'd[0]["Options"] == {"device": "tmpfs", "o": "size=10m", "type": "tmpfs"}'
c volume rm sized
check "rm it" rc_is 0 [ "$OUT" = sized ]

# ---- ls ----
both volume ls
same "ls" "$RC:$OUT" "$PRC:$POUT"
both volume ls -q
same "ls -q" "$RC:$OUT" "$PRC:$POUT"
both volume ls --filter label=app=web --format '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels}}'
same "ls --filter label=K=V --format" "$RC:$OUT" "$PRC:$POUT"
both volume ls --filter name=^b -q
same "ls --filter name=REGEX" "$RC:$OUT" "$PRC:$POUT"
both volume ls --filter opt=type=tmpfs -q
same "ls --filter opt=K=V" "$RC:$OUT" "$PRC:$POUT"
both volume ls --filter dangling=true --filter driver=local -q
same "ls --filter dangling=true --filter driver=local" "$RC:$OUT" "$PRC:$POUT"
both volume ls --filter dangling=false -q
same "ls --filter dangling=false" "$RC:$OUT" "$PRC:$POUT"
both volume ls --format 'table {{.Name}}\t{{.Driver}}'
same "ls --format table" "$RC:$OUT" "$PRC:$POUT"

# ---- errors ----
both volume create plain
same "create of an existing name: the error" "$RC:$ERR" "$PRC:$PERR"
both volume create --opt color=red other
same "an unknown option: the error" "$RC:$ERR" "$PRC:$PERR"
both volume ls --filter bogus=1
same "an unknown filter: the error" "$RC:$ERR" "$PRC:$PERR"
both volume inspect nosuch
same "inspect of no volume: the error" "$RC:$ERR" "$PRC:$PERR"
both volume rm nosuch
same "rm of no volume: the error and exit code" "$RC:$ERR" "$PRC:$PERR"
both volume exists plain
same "exists: yes" "$RC:$OUT" "$PRC:$POUT"
both volume exists nosuch
same "exists: no" "$RC:$OUT" "$PRC:$POUT"
c volume create a/b
check "a name with '/': a clear error" rc_has 125 "$ERR" 'names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*'
check "a name with '/': nothing left" [ ! -e "$ROOT/volumes/a" -a ! -e "$ROOT/volumes/a/b" ]
c volume ls -q
check "a name with '/': not listed" [ "$RC" = 0 -a "$(echo "$OUT" | wc -l)" = 3 ]
c volume create --driver nfs x
check "another driver: refused" rc_has 125 "$ERR" 'driver "nfs" is not supported'

# ---- rm, prune ----
both volume rm bound
same "rm" "$RC:$OUT" "$PRC:$POUT"
check "rm removes the data directory" [ ! -e "$ROOT/volumes/bound" ]
check "rm of a bind volume leaves its device" [ -d "$tmp" ]
c volume prune
check "prune without -f asks, and stdin says no" rc_is 0 has "$OUT" "Are you sure you want to continue"
c volume ls -q
check "prune said no: nothing removed" [ "$(echo "$OUT" | wc -l)" = 2 ]
both volume prune -f --filter label=app
same "prune -f --filter label=K" "$RC:$(echo "$OUT" | sort)" "$PRC:$(echo "$POUT" | sort)"
both volume prune -f
same "prune -f" "$RC:$(echo "$OUT" | sort)" "$PRC:$(echo "$POUT" | sort)"
both volume ls -q
same "nothing left" "$RC:$OUT" "$PRC:$POUT"
check "no volume directory left" [ -z "$(ls -A "$ROOT/volumes" 2>/dev/null)" ]

umount_under "$tmp"
umount_under "$RUNROOT"
check "no mount left under the roots" [ -z "$(grep -F -e " $tmp/" -e " $RUNROOT/" /proc/self/mountinfo)" ]
summary
