#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A damaged record is contained: for each state backend and each kind of
# damage to one running container's config or state (truncated, garbage,
# wrong types, paths outside the runtime's directories), that container is
# listed as unknown with the reason (ps -a, inspect), is removed by name or
# ID with everything it had, and the others list, start and remove as
# usual.  Then the database itself: a state.tdb emptied or replaced by a
# foreign file is an error that says so, never an empty list.
# Real runc and conmon, no network, in a temporary root.
# usage: test-damage.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc conmon tdbtool
command -v busybox >/dev/null || missing "busybox (busybox-static) not found"

tmp=$(mktemp -d /tmp/ctrctl-damage-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOTFS=$tmp/rootfs
sh "$SRC/tests/lib/make-rootfs.sh" "$ROOTFS" || { echo "FAIL: make-rootfs.sh"; exit 1; }
final_cleanup() {
    for b in files tdb; do
        "$CTRCTL" --root "$tmp/root-$b" --runroot "$RUNROOT/$b" --state-backend $b rm -a -f >/dev/null 2>&1
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    # shellcheck disable=SC2086
    timeout -k 5 60 "$CTRCTL" $G "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# damage BACKEND ROOT ID WHAT KIND: replace the container's config or state
# document with a damaged one.
damage() {
    local backend=$1 root=$2 id=$3 what=$4 kind=$5 old new
    if [ "$backend" = files ]; then
        old=$(cat "$root/state/files/ctr/$id/$what.json")
    else
        old=$(tdbdump -k "$what/$id" "$root/state/tdb/state.tdb" | /usr/bin/python3 -c '
import re, sys
s = re.sub(r"\\([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), sys.stdin.read())
print(s.rstrip("\0\n"), end="")')
    fi
    new=$(printf '%s' "$old" | WHAT=$what KIND=$kind /usr/bin/python3 -c '
import json, os, sys
kind, what = os.environ["KIND"], os.environ["WHAT"]
text = sys.stdin.read()
if kind == "truncated":
    print(text[: len(text) // 2], end="")
elif kind == "garbage":
    print("\x01\x02 not json {", end="")
else:
    d = json.loads(text)
    if kind == "wrong-types":
        d["name" if what == "config" else "pid"] = [1, 2]
    elif kind == "outside":
        if what == "config":
            d["staticDir"] = "/etc"
        else:
            d["runDir"] = "/etc"
    print(json.dumps(d), end="")
')
    if [ "$backend" = files ]; then
        printf '%s' "$new" >"$root/state/files/ctr/$id/$what.json"
    else
        tdbtool "$root/state/tdb/state.tdb" store "$what/$id" "$new" >/dev/null
    fi
}

for backend in files tdb; do
    ROOT=$tmp/root-$backend
    G="--root $ROOT --runroot $RUNROOT/$backend --state-backend $backend"
    for what in config state; do
        for kind in truncated garbage wrong-types outside; do
            L="$backend, $what $kind"
            c run -d --name d1 --rootfs "$ROOTFS" sleep 1000
            c run -d --name ok1 --rootfs "$ROOTFS" sleep 1000
            c create --name ok2 --rootfs "$ROOTFS" sleep 1000
            c inspect --format '{{.ID}} {{.State.Pid}}' d1
            read -r id pid <<<"$OUT"
            damage $backend "$ROOT" "$id" $what $kind
            c ps -a --no-trunc --format '{{.ID}} {{.Status}}'
            check "$L: ps -a lists all three" [ "$RC" = 0 ] && [ "$(printf '%s\n' "$OUT" | wc -l)" = 3 ]
            check "$L: the damaged one as unknown, with the reason" has "$OUT" "^$id Unknown: ."
            check "$L: the others as they are" has "$OUT" " Up " && has "$OUT" " Created$\| Configured$"
            c inspect --format '{{.State.Status}}|{{.State.Error}}' "$id"
            check "$L: inspect says unknown and why" [ "$RC" = 0 ] && has "$OUT" '^unknown|..*'
            c start "$id"
            check "$L: start of the damaged one fails and says why" rc_has 125 "$ERR" "damaged record"
            c start ok2
            check "$L: another container starts" [ "$RC" = 0 ]
            # By name when the config (and so the name) is intact, else by ID.
            ref=d1
            [ $what = config ] && ref=$id
            c rm "$ref"
            check "$L: rm without -f of the damaged, running one asks for -f" rc_has 125 "$ERR" "force"
            c rm -f "$ref"
            check "$L: rm -f removes it" [ "$RC" = 0 ]
            check "$L: ... with its process" [ ! -d "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat")" = Z ]
            check "$L: ... its runtime container" [ -z "$(runc --root "$RUNROOT/$backend/oci/runc" list -q | grep -x "$id")" ]
            check "$L: ... and its directories" [ ! -e "$ROOT/containers/$id" ] && [ ! -e "$RUNROOT/$backend/containers/$id" ]
            c ps -a --format '{{.Names}} {{.State}}'
            check "$L: the others are still listed" [ "$RC" = 0 ] && has "$OUT" "^ok1 " && has "$OUT" "^ok2 "
            c rm -f ok1 ok2
            check "$L: and are removed" [ "$RC" = 0 ]
            c run -d --name d1 --rootfs "$ROOTFS" true
            check "$L: the name is free again" [ "$RC" = 0 ]
            c rm -a -f
        done
    done
done

# ---- the tdb database itself ----
G="--root $tmp/root-tdb --runroot $RUNROOT/tdb --state-backend tdb"
DB=$tmp/root-tdb/state/tdb/state.tdb
c create --name keep --rootfs "$ROOTFS" true
cp "$DB" "$tmp/db.saved"
: >"$DB"
c ps -a
check "an emptied state.tdb is an error, not an empty list" rc_has 125 "$ERR" "state.tdb"
head -c 4096 /dev/urandom >"$DB"
c ps -a
check "a foreign state.tdb is an error that names it" rc_has 125 "$ERR" "state.tdb"
check "... and is left as it was" [ "$(stat -c %s "$DB")" = 4096 ]
cp "$tmp/db.saved" "$DB"
tdbtool "$DB" delete meta/version >/dev/null
c ps -a
check "a state.tdb without its layout version is an error" rc_has 125 "$ERR" "version"
cp "$tmp/db.saved" "$DB"
c ps -a --format '{{.Names}}'
check "the saved database lists its container again" [ "$RC" = 0 -a "$OUT" = keep ]
c rm -a -f

summary
