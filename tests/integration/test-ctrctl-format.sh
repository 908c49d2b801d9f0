#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl ps --format/--filter and inspect --format end to end, as root, with
# real runc and conmon, compared with podman on the same templates and
# filters over containers made the same way (same names, labels, commands).
# usage: test-ctrctl-format.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.  The run root is under
# $CTR_TEST_RUN_DIR when set (a tmpfs in CI).
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

# No networks here: without this, run and create attach to the default network.
export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-format-test.XXXXXX)
if [ -n "${CTR_TEST_RUN_DIR:-}" ]; then
    RUNROOT=$(mktemp -d "$CTR_TEST_RUN_DIR/ctrctl-format.XXXXXX")
else
    RUNROOT=$tmp/run
fi
ROOT=$tmp/root
# The containers of both tools have the same names; podman's are the only
# ones with this prefix in its (shared) store.
N=libctr-fmt-$$
PIMG=localhost/$N:latest
PODMAN_OPTS="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network none"
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/prootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    for s in web db new ok img; do podman --runtime runc rm -f "$N-$s" >/dev/null 2>&1; done
    podman rmi -f "$PIMG" >/dev/null 2>&1
    umount_under "$tmp"
    umount_under "$RUNROOT"
    rm -rf "$tmp" "$RUNROOT"
}
trap final_cleanup EXIT

# c ARGS...: run ctrctl; sets RC, OUT, ERR (two minutes at most).
c() {
    timeout -k 5 120 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
# p ARGS...: run podman with runc; sets PRC, POUT, PERR (its log lines dropped).
p() {
    timeout -k 5 120 podman --runtime runc "$@" >"$tmp/pout" 2>"$tmp/perr" </dev/null
    PRC=$?
    POUT=$(cat "$tmp/pout")
    PERR=$(grep -v '^time=' "$tmp/perr")
}
# same DESCRIPTION MINE THEIRS: equal, else both shown.
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# "Up 3 seconds ago" and the like, as "<time> ago": the two were made seconds apart.
untimed() { sed -E 's/(Up|\)) [A-Za-z0-9 ]+ ago/\1 <t> ago/g; s/^([^ ]+) [A-Za-z0-9 ]+ ago$/\1 <t> ago/'; }
# ours: podman's lines of this test's containers (the format starts with {{.Names}}), sorted.
ours() { grep "^$N-" | sort; }

# inspect_same DESCRIPTION FORMAT [NAME]: both tools print the same for their container NAME (web).
inspect_same() {
    local name=$N-${3:-web}
    c inspect --format "$2" "$name"
    p inspect --format "$2" "$name"
    same "$1" "$RC:$OUT" "$PRC:$POUT"
}
# ps_same DESCRIPTION ARGS...: both list the same lines (sorted; podman: its containers of this test).
ps_same() {
    local d=$1
    shift
    c ps "$@"
    local mine
    mine=$(printf '%s\n' "$OUT" | untimed | sort)
    p ps "$@"
    same "$d" "$RC:$mine" "$PRC:$(printf '%s\n' "$POUT" | ours | untimed)"
}
# table_same DESCRIPTION ARGS...: both print the same header and rows (sorted).
table_same() {
    local d=$1
    shift
    c ps "$@"
    p ps --filter name="^$N-" "$@"
    same "$d: the header" "$RC:$(printf '%s\n' "$OUT" | head -1)" "$PRC:$(printf '%s\n' "$POUT" | head -1)"
    same "$d: the rows" "$(printf '%s\n' "$OUT" | tail -n +2 | sort)" "$(printf '%s\n' "$POUT" | ours)"
}
# err_same DESCRIPTION: the last two calls failed alike: 125, the same message
# (podman's inspect adds "inspecting object: printing inspect output: ").
err_same() {
    local theirs
    theirs=$(printf '%s' "$PERR" | sed 's/^Error: inspecting object: printing inspect output: /Error: /')
    same "$1" "$RC:$ERR" "$PRC:$theirs"
}
# names DESCRIPTION WANT FILTER...: ps -a with these filters lists these names in both.
names() {
    local d=$1 want=$2
    shift 2
    c ps -a "$@" --format '{{.Names}}'
    local mine theirs
    mine=$(printf '%s\n' "$OUT" | sed "/^$/d; s/^$N-//" | sort | tr '\n' ' ')
    p ps -a "$@" --format '{{.Names}}'
    theirs=$(printf '%s\n' "$POUT" | ours | sed "s/^$N-//" | tr '\n' ' ')
    same "$d" "$RC:$mine" "$PRC:$theirs"
    check "... which is: $want" [ "$mine" = "$want" ]
}

echo "# ctrctl: $CTRCTL, root $tmp, run root $RUNROOT; podman's containers: $N-*"

# ---- the same containers in both ----
c run -d --name "$N-web" -l app=web -l tier=front -e FOO=bar --rootfs "$tmp/rootfs" /bin/sleep 300
check "ctrctl run -d web" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
web_id=$OUT
c run --name "$N-db" -l app=db --rootfs "$tmp/rootfs" /bin/sh -c 'exit 3'
check "ctrctl run db (exit 3)" [ "$RC" = 3 ]
c create --name "$N-new" -l app=new --rootfs "$tmp/rootfs" /bin/true
check "ctrctl create new" [ "$RC" = 0 ]
c run --name "$N-ok" --rootfs "$tmp/rootfs" /bin/true
check "ctrctl run ok" [ "$RC" = 0 ]
p run -d $PODMAN_OPTS --name "$N-web" -l app=web -l tier=front -e FOO=bar --rootfs "$tmp/prootfs" /bin/sleep 300
check "podman run -d web" [ "$PRC" = 0 ]
pweb_id=$POUT
p run $PODMAN_OPTS --name "$N-db" -l app=db --rootfs "$tmp/prootfs" /bin/sh -c 'exit 3'
check "podman run db (exit 3)" [ "$PRC" = 3 ]
p create $PODMAN_OPTS --name "$N-new" -l app=new --rootfs "$tmp/prootfs" /bin/true
check "podman create new" [ "$PRC" = 0 ]
p run $PODMAN_OPTS --name "$N-ok" --rootfs "$tmp/prootfs" /bin/true
check "podman run ok" [ "$PRC" = 0 ]

# ---- inspect --format ----
inspect_same "inspect {{.State.Status}}" '{{.State.Status}}'
inspect_same "inspect booleans and numbers" '{{.State.Running}} {{.State.Paused}} {{.State.ExitCode}} {{.Config.StopSignal}} {{.Config.StopTimeout}}'
inspect_same "inspect a map: {{.Config.Labels}}" '{{.Config.Labels}}'
inspect_same "inspect {{json .Config.Labels}}" '{{json .Config.Labels}}'
inspect_same "inspect index, and a missing key" '{{index .Config.Labels "app"}}|{{index .Config.Labels "nope"}}|{{.Config.Labels.nope}}|{{.Config.Labels.tier}}'
inspect_same "inspect range over a map" '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}'
inspect_same "inspect a list: print, len, json, join, range" '{{.Config.Cmd}} {{len .Config.Cmd}} {{json .Config.Cmd}} {{join .Config.Cmd ","}} {{range .Config.Cmd}}<{{.}}>{{end}}'
inspect_same "inspect {{.Path}} {{.Args}}" '{{.Path}} {{.Args}}'
inspect_same "inspect functions: upper, printf, split, title" '{{upper .Name}} {{printf "%s-%d" .State.Status .State.ExitCode}} {{split .Name "-"}} {{title .State.Status}}'
inspect_same "inspect if/else, with, eq, and, not" '{{if .State.Running}}up{{else}}down{{end}} {{with .Config}}{{.StopSignal}}{{end}} {{if eq .State.Status "running"}}yes{{end}} {{and .State.Running .State.Pid | not}}'
inspect_same "inspect \\t and \\n in the format" '{{.State.Status}}\t{{.State.Running}}\n{{.Name}}'
inspect_same "inspect table: aligned columns" 'table {{.Name}} {{.State.Status}} {{.State.ExitCode}}'
inspect_same "inspect the exit code of db (3)" '{{.State.ExitCode}} {{.State.Status}} {{.State.Running}}' db
c inspect -f '{{.State.ExitCode}}' "$N-web" "$N-db"
p inspect -f '{{.State.ExitCode}}' "$N-web" "$N-db"
same "inspect -f of two containers: a line each" "$RC:$OUT" "$PRC:$POUT"
check "... 0 and 3" [ "$OUT" = "$(printf '0\n3')" ]
c inspect --format '{{.Id}} {{.ID}}' "$N-web"
check "inspect {{.Id}} and {{.ID}}: the ID" [ "$RC" = 0 -a "$OUT" = "$web_id $web_id" ]
p inspect --format '{{.Id}} {{.ID}}' "$N-web"
check "... as podman's" [ "$POUT" = "$pweb_id $pweb_id" ]
c inspect --format '{{range .Config.Env}}{{if eq . "FOO=bar"}}{{.}}{{end}}{{end}}' "$N-web"
check "inspect range and if over .Config.Env" [ "$RC" = 0 -a "$OUT" = FOO=bar ]
c inspect --format json "$N-web"
check "inspect --format json: the JSON array" rc_is 0 py "d[0]['Id'] == '$web_id'"
for f in '{{.Foo}}' '{{.State.Foo}}' '{{.Config.Labels.app.x}}' '{{.Config.Cmd.x}}' '{{index .Config.Cmd 5}}' '{{.Name' '{{nofunc .Name}}' '{{if}}{{end}}' '{{end}}' '{{range .Name}}{{end}}' '{{join .Name ","}}'; do
    c inspect --format "$f" "$N-web"
    p inspect --format "$f" "$N-web"
    err_same "inspect --format '$f' fails as podman's"
done

# ---- ps --format ----
ps_same "ps {{.Names}}: the running one" --filter name="^$N-" --format '{{.Names}}'
ps_same "ps -a: {{.Command}} {{.Labels}}" -a --filter name="^$N-" --format '{{.Names}} {{.Command}} {{.Labels}}'
ps_same "ps -a: {{json .Labels}} {{.ExitCode}} {{.Exited}}" -a --filter name="^$N-" --format '{{.Names}} {{json .Labels}} {{.ExitCode}} {{.Exited}} {{if .Pid}}pid{{else}}nopid{{end}}'
ps_same "ps -a: index and missing labels" -a --filter name="^$N-" --format '{{.Names}} {{index .Labels "app"}}|{{.Labels.tier}}|{{len .Labels}}'
ps_same "ps: {{.State}} {{.Status}} of running and exited ones" -a --filter name="^$N-" --filter status=running --filter status=exited --format '{{.Names}} {{.State}}|{{.Status}}'
ps_same "ps: {{.RunningFor}}" -a --filter name="^$N-" --format '{{.Names}} {{.RunningFor}}'
ps_same "ps: the fields podman leaves empty here" -a --filter name="^$N-" --format '{{.Names}} {{.Mounts}} {{.Ports}}|{{.Networks}}|{{.Pod}}|{{.PodName}}|{{.IsInfra}} {{.AutoRemove}} {{.Namespaces}}'
ps_same "ps: {{len .ID}} is 12" --filter name="^$N-" --format '{{.Names}} {{len .ID}}'
ps_same "ps --no-trunc: {{len .ID}} is 64" --no-trunc --filter name="^$N-" --format '{{.Names}} {{len .ID}}'
ps_same "ps: functions on ps fields" -a --filter name="^$N-" --format '{{.Names}} {{upper .Names}} {{split .Command " "}} {{printf "%.4s" .Command}}'
ps_same "ps: \\t in the format" --filter name="^$N-" --format '{{.Names}}\t{{.Labels.app}}'
c ps --format '{{.ID}}'
check "ps {{.ID}}: the short ID" [ "$RC" = 0 -a "$OUT" = "${web_id:0:12}" ]
c ps --no-trunc --format '{{.ID}} {{.CreatedAt}}'
check "ps {{.CreatedAt}}: Go's time" rc_is 0 has "$OUT" "^$web_id [0-9-]\{10\} [0-9:]\{8\}\(\.[0-9]*\)\? +0000 UTC\$"
c ps -q --format '{{.Names}}'
check "ps -q with --format: the format wins" [ "$RC" = 0 -a "$OUT" = "$N-web" ]
table_same "ps table: as podman's" -a --filter status=exited --format 'table {{.Names}}\t{{.Command}}\t{{.Labels}}'
check "... NAMES, then the columns" has "$OUT" '^NAMES  *COMMAND  *LABELS$'
table_same "ps table with spaces" -a --filter label=app --format 'table {{.Names}} {{.Labels}} {{.ExitCode}}'
table_same "ps table of more fields" --format 'table {{.Names}} {{.Image}} {{.Command}} {{.Ports}} {{.Labels}} {{.Mounts}} {{.Networks}} {{.Pod}} {{.PodName}} {{.AutoRemove}} {{.IsInfra}} {{.Size}} {{.ExitCode}} {{.Exited}} {{.Namespaces.MNT}}' --filter label=app=db -a
# (not .ImageID: podman's fails on a container without an image)
f='table {{.CreatedHuman}} {{.RunningFor}} {{.Status}} {{.State}} {{.CreatedAt}} {{.Created}} {{.StartedAt}} {{.ExitedAt}} {{.Pid}} {{.Networks}} {{.Namespaces}}'
c ps --format "$f"
p ps --filter name="^$N-" --format "$f"
# (spaces squeezed: the widths follow the times, whose nanoseconds Go prints without trailing zeros)
same "ps table: the headers of the time fields and others" "$RC:$(printf '%s\n' "$OUT" | head -1 | tr -s ' ')" "$PRC:$(printf '%s\n' "$POUT" | head -1 | tr -s ' ')"
c ps -a --noheading --filter label=app=db --format 'table {{.Names}}\t{{.Command}}'
p ps -a --noheading --filter name="^$N-" --filter label=app=db --format 'table {{.Names}}\t{{.Command}}'
same "ps --noheading: no header" "$RC:$OUT" "$PRC:$POUT"
c ps --noheading
check "ps --noheading: the default table without its header" [ "$RC" = 0 -a "$(printf '%s\n' "$OUT" | wc -l)" = 1 ] && has "$OUT" "$N-web\$"
c ps
check "ps: running for \"Up ... ago\", as podman" has "$OUT" "Up .* ago  *$N-web\$"
for f in '{{.Foo}}' '{{.Id}}' '{{range .Names}}{{end}}' '{{.Names' '{{.Labels.app.x}}' 'table {{.ID}} {{.Foo}}' '{{join .Command ","}}'; do
    c ps --format "$f"
    p ps --filter name="^$N-web" --format "$f"
    err_same "ps --format '$f' fails as podman's"
done

# ---- ps --filter ----
names "filter label=app" "db new web " --filter label=app
names "filter label=app=db" "db " --filter label=app=db
names "filter label=tier=front" "web " --filter label=tier=front
names "filter label=a*: a pattern" "db new web " --filter 'label=a*'
names "filter label and label: all of them" "web " --filter label=app --filter label=tier=front
names "filter status=exited" "db ok " --filter status=exited
names "filter status=running" "web " --filter status=running
names "filter status=created" "new " --filter status=created
names "filter status=exited or running" "db ok web " --filter status=exited --filter status=running
names "filter status=exited,status=running (a list, as podman's)" "db ok web " --filter status=exited,status=running
names "filter status and label: both" "db " --filter status=exited --filter label=app=db
names "filter exited=3" "db " --filter exited=3
names "filter exited=0" "ok " --filter exited=0
names "filter before=db" "web " --filter before="$N-db"
names "filter since=db" "new ok " --filter since="$N-db"
names "filter ancestor: none from this rootfs" "" --filter ancestor=busybox
c ps --filter status=exited --format '{{.Names}}'
check "status= lists exited containers without -a (as podman)" [ "$RC" = 0 -a "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" = "$N-db $N-ok " ]
c ps -a -f label=app=db --format '{{.Names}}'
check "ps -f is --filter" [ "$RC" = 0 -a "$OUT" = "$N-db" ]
c ps -a --filter id="${web_id:0:8}" --format '{{.Names}}'
p ps -a --filter id="${pweb_id:0:8}" --format '{{.Names}}'
same "filter id=PREFIX" "$RC:$OUT" "$PRC:$POUT"
c ps -a --filter name='web$' --format '{{.Names}}'
p ps -a --filter name='web$' --format '{{.Names}}'
same "filter name=REGEX" "$RC:$OUT" "$PRC:$(printf '%s\n' "$POUT" | ours)"
c ps -a --filter status=configured --format '{{.Names}}'
check "filter status=configured (libctr's name)" [ "$RC" = 0 -a "$OUT" = "$N-new" ]
for f in x bogus=1 status=nope exited=abc exited=99999999999; do
    c ps -a --filter "$f"
    p ps -a --filter "$f"
    err_same "ps --filter $f fails as podman's"
done

# ---- ancestor=: a container of an image, in both ----
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
p import -q "$tmp/rootfs.tar" "$PIMG"
check "podman import the image" [ "$PRC" = 0 ]
image_id=$(podman image inspect --format '{{.Id}}' "$PIMG")
c image load "containers-storage:$PIMG"
check "ctrctl image load it from podman's store" [ "$RC" = 0 -a "$OUT" = "$image_id" ]
c create --name "$N-img" "$N" /bin/true
check "ctrctl create from the short name" [ "$RC" = 0 ]
p create $PODMAN_OPTS --name "$N-img" "$N" /bin/true
check "podman create from the short name" [ "$PRC" = 0 ]
names "filter ancestor=the name without the tag" "img " --filter ancestor="localhost/$N"
names "filter ancestor=the name" "img " --filter ancestor="$PIMG"
names "filter ancestor=the image's ID" "img " --filter ancestor="$image_id"
names "filter ancestor=a short name: none, as podman" "" --filter ancestor="$N"
ps_same "ps {{.Image}} {{.ImageID}}: the resolved name" -a --filter name="^$N-img" --format '{{.Names}} {{.Image}} {{.ImageID}}'

# ---- clean up what this test made ----
c rm -f "$N-web" "$N-db" "$N-new" "$N-ok" "$N-img"
check "ctrctl rm its containers" [ "$RC" = 0 ]
p rm -f "$N-web" "$N-db" "$N-new" "$N-ok" "$N-img"
check "podman rm its containers" [ "$PRC" = 0 ]
p rmi -f "$PIMG"
check "podman rmi its image" [ "$PRC" = 0 ]
c ps -a -q
check "no ctrctl container left" [ "$RC" = 0 -a -z "$OUT" ]
p ps -a --filter name="^$N-" -q
check "no podman container of this test left" [ "$PRC" = 0 -a -z "$POUT" ]
umount_under "$tmp"
umount_under "$RUNROOT"
check "no mount left under the roots" [ -z "$(grep -F -e " $tmp/" -e " $RUNROOT/" /proc/self/mountinfo)" ]
rm -rf "$tmp" "$RUNROOT"
check "the roots are removed" [ ! -e "$tmp" -a ! -e "$RUNROOT" ]

summary
