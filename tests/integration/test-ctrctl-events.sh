#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl events end to end, as root, with real runc and conmon: a follower
# (a second process) sees create, init, start, died (with the exit code),
# remove of a container that another ctrctl ran, in order, each within
# 100 ms of the change (died: of the container's exit, recorded by the
# monitor's helper with no ctrctl alive), and uses no CPU while idle; a
# bounded journal rotates and a follower across rotations loses nothing;
# since, until and filters; the JSON keys and types against podman 4.3's;
# a damaged line is skipped.
# usage: test-ctrctl-events.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -n "${LIBCTR_HELPER_DIR:-}" ] || missing "LIBCTR_HELPER_DIR not set (run through meson test)"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-events-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
N=libctr-events-$$
PODMAN=(podman --runtime runc)
PODMAN_RUN=(run --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
FOLLOWER=
STAMPER=

stop_follower() {
    [ -n "$FOLLOWER" ] && kill "$FOLLOWER" 2>/dev/null
    [ -n "$STAMPER" ] && kill "$STAMPER" 2>/dev/null
    [ -n "$FOLLOWER" ] && wait "$FOLLOWER" 2>/dev/null
    [ -n "$STAMPER" ] && wait "$STAMPER" 2>/dev/null
    FOLLOWER=
    STAMPER=
}
final_cleanup() {
    stop_follower
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" rm -f "$N-p" >/dev/null 2>&1
    podman volume rm -f "$N-pv" >/dev/null 2>&1
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

# start_follower FILE [ARGS...]: ctrctl events --format json in the
# background, each line stamped with its receipt time (EPOCHREALTIME) into FILE.
start_follower() {
    local file=$1
    shift
    rm -f "$tmp/fifo"
    mkfifo "$tmp/fifo"
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" events --format json "$@" >"$tmp/fifo" 2>"$tmp/follow-err" </dev/null &
    FOLLOWER=$!
    while IFS= read -r line; do printf '%s %s\n' "$EPOCHREALTIME" "$line"; done <"$tmp/fifo" >"$file" &
    STAMPER=$!
}
# wait_lines FILE PATTERN N: until FILE has N lines matching PATTERN (10 s).
wait_lines() {
    local i
    for i in $(seq 200); do
        [ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
        sleep 0.05
    done
    return 1
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

echo "# ctrctl: $CTRCTL, root $tmp, run root $RUNROOT"

# ---- a follower sees another process's container, in order, at once ----
start_follower "$tmp/follow"
sleep 0.5
c run -d --name "$N-a" --label app=events --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 1; exit 7'
check "run -d of the watched container" rc_is 0 true
ID=$OUT
# No ctrctl is alive while the container runs and exits: the died event is
# written by the monitor's helper.
check "died arrives with no ctrctl alive" wait_lines "$tmp/follow" '"Status":"died"' 1
c inspect --format '{{.State.FinishedAt}}' "$N-a"
FINISHED=$OUT
c rm "$N-a"
check "rm of the watched container" rc_is 0 true
wait_lines "$tmp/follow" '"Status":"remove"' 1
check_follow() {
    /usr/bin/python3 - "$tmp/follow" "$ID" "$FINISHED" <<'PY'
import datetime, json, re, sys
path, cid, finished = sys.argv[1:]
def t(s):
    m = re.match(r'(\d+-\d+-\d+[T ]\d+:\d+:\d+)(?:\.(\d+))?', s)
    base = datetime.datetime.strptime(m.group(1).replace(' ', 'T'), '%Y-%m-%dT%H:%M:%S')
    base = base.replace(tzinfo=datetime.timezone.utc).timestamp()
    return base + float('0.' + (m.group(2) or '0'))
rows = []
for line in open(path):
    stamp, _, js = line.partition(' ')
    e = json.loads(js)
    if e.get('ID') == cid:
        rows.append((float(stamp), e))
statuses = [e['Status'] for _, e in rows]
print('# statuses:', statuses)
want = ['create', 'init', 'start', 'died', 'remove']
ok = statuses == want
died = [e for _, e in rows if e['Status'] == 'died']
if not died or died[0].get('ContainerExitCode') != 7:
    print('# died without exit code 7:', died); ok = False
for stamp, e in rows:
    change = t(finished) if e['Status'] == 'died' else t(e['Time'])
    lat = (stamp - change) * 1000
    print('# %-7s received %.1f ms after the change' % (e['Status'], lat))
    if lat > 100 or lat < -5:
        ok = False
sys.exit(0 if ok else 1)
PY
}
check "follower: create, init, start, died (7), remove in order, each within 100 ms" check_follow

# ---- no polling: an idle follower uses no CPU ----
before=$(cpu_ticks "$FOLLOWER")
sleep 5
after=$(cpu_ticks "$FOLLOWER")
echo "# follower CPU over 5 idle seconds: $((after - before)) ticks"
check "idle follower: no CPU time over 5 s" [ "$((after - before))" -le 1 ]
stop_follower

# ---- one died per exit: the caller waits and records it, the monitor's helper finds it recorded ----
for i in 1 2 3; do
    c run --name "$N-fg$i" --rootfs "$tmp/rootfs" /bin/sh -c "exit $i"
    [ "$RC" = "$i" ] || break
done
check "foreground runs exit with their codes" [ "$RC" = 3 ]
sleep 0.5 # the helpers have run
c events --stream=false --filter event=died --format '{{.Name}} {{.ContainerExitCode}}'
died_once() { [ "$(printf '%s\n' "$OUT" | grep -c -- "-fg")" = 3 ] && has "$OUT" "$N-fg2 2"; }
check "died once per exit, with its code, whoever recorded it" died_once
c rm "$N-fg1" "$N-fg2" "$N-fg3"

# ---- since, until, filters ----
c events --stream=false --filter container="$N-a" --format '{{.Status}}'
check "filter container=NAME, --stream=false" rc_is 0 [ "$(echo $OUT)" = "create init start died remove" ]
c events --stream=false --filter container="${ID:0:12}" --filter event=died --format '{{.Status}} {{.ContainerExitCode}}'
check "filter container=ID-prefix and event=died" rc_is 0 [ "$OUT" = "died 7" ]
c events --stream=false --filter event=create --filter event=remove --filter label=app=events --format '{{.Status}}'
check "filter event=A event=B (alternatives) and label=K=V" rc_is 0 [ "$(echo $OUT)" = "create remove" ]
c events --stream=false --filter label=app=other
check "filter label with another value: nothing" rc_is 0 [ -z "$OUT" ]
sleep 0.05
T1=$(date +%s.%N)
sleep 0.05
c volume create "$N-v"
sleep 0.05
T2=$(date +%s.%N)
sleep 0.05
c volume rm "$N-v"
c events --stream=false --since "$T1" --until "$T2" --format '{{.Type}} {{.Status}} {{.Name}}'
check "since/until select the volume create between them" rc_is 0 [ "$OUT" = "volume create $N-v" ]
c events --stream=false --since "$T2" --filter type=volume --format '{{.Status}}'
check "since T2 and type=volume: the remove" rc_is 0 [ "$OUT" = "remove" ]
c events --stream=false --until "$T1" --filter type=volume
check "until T1: no volume event" rc_is 0 [ -z "$OUT" ]
c events --stream=false --filter bogus=1
check "an unknown filter is refused" rc_has 125 "$ERR" "bogus is an invalid filter"
c events --stream=false --since yesterday-ish
check "a bad --since is refused" rc_has 125 "$ERR" 'invalid --since'
c events --stream=false --filter event=remove
check "default text line in podman's shape" rc_is 0 \
    has "$OUT" "^[0-9-]* [0-9:.]* +0000 UTC container remove $ID (image=, name=$N-a, app=events)$"
# --until in follow mode ends the stream.
UNTIL=$(date -d '+1 sec' +%s.%N)
c events --until "$UNTIL" --filter type=volume --format '{{.Status}}'
check "follow with --until ends when it passes" rc_is 0 [ "$(echo $OUT)" = "create remove" ]

# ---- image events: load, tag, untag, save, remove ----
sh "$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null 2>&1 || { echo "FAIL: make-test-image.sh"; exit 1; }
c image load "oci:$tmp/oci:latest" evimg
IMG=$OUT
c image tag evimg evimg2
c image untag evimg evimg2
c image save evimg "oci:$tmp/saved:latest"
c image rm evimg
c events --stream=false --filter type=image --format '{{.Status}} {{.ID}} {{.Name}}'
image_events() {
    [ "$RC" = 0 ] && [ -n "$IMG" ] && [ "$(printf '%s\n' "$OUT" | awk '{print $1}' | tr '\n' ' ')" = "load tag untag save remove " ] &&
        [ "$(printf '%s\n' "$OUT" | awk '{print $2}' | sort -u)" = "$IMG" ] &&
        has "$OUT" "^tag $IMG .*evimg2" && has "$OUT" "^save $IMG oci:$tmp/saved:latest$"
}
check "image load, tag, untag, save, remove: one event each, with the image's ID" image_events
c events --stream=false --filter image=evimg --format '{{.Status}}'
check "filter image=NAME selects the image's events by name" rc_is 0 [ "$(echo $OUT)" = "load remove" ]

# ---- a container's operations, one event each, in order ----
c image load "oci:$tmp/oci:latest" evops
c run -d --name "$N-ops" evops sleep 100
c pause "$N-ops"
c unpause "$N-ops"
c exec "$N-ops" /bin/sh -c 'exit 4'
c kill -s HUP "$N-ops"
c stop -t 1 "$N-ops"
c mount "$N-ops"
c umount "$N-ops"
c export -o "$tmp/ops.tar" "$N-ops"
c commit "$N-ops" evops-committed
c rm "$N-ops"
c image rm evops-committed evops
c events --stream=false --filter container="$N-ops" --format '{{.Status}}'
check "run, pause, unpause, exec, kill, stop, mount, umount, export, commit, rm: their events in order" rc_is 0 \
    [ "$(echo $OUT)" = "create init start pause unpause exec exec_died kill died stop mount unmount export commit remove" ]
c events --stream=false --filter container="$N-ops" --filter event=exec_died --format '{{.ContainerExitCode}}'
check "exec_died has the exec's exit code" rc_is 0 [ "$OUT" = 4 ]
c events --stream=false --filter container="$N-ops" --filter event=kill --format '{{.Attributes.signal}}'
check "kill has the signal's number in its attributes" rc_is 0 [ "$OUT" = 1 ]

# ---- network events (a configuration list in a directory of the test's own) ----
mkdir -p "$tmp/cni"
c --cni-config-dir "$tmp/cni" network create --subnet 10.209.78.0/24 --interface-name ctrev0 evnet
c --cni-config-dir "$tmp/cni" network rm evnet
c events --stream=false --filter type=network --format '{{.Status}} {{.Network}}'
check "network create and remove" rc_is 0 [ "$(echo $OUT)" = "create evnet remove evnet" ]

# ---- the JSON keys and types against podman's ----
PSTART=$(date +%s)
"${PODMAN[@]}" "${PODMAN_RUN[@]}" --name "$N-p" --label app=events --rootfs "$tmp/rootfs" /bin/sh -c 'exit 7' \
    >/dev/null 2>"$tmp/perr"
"${PODMAN[@]}" rm "$N-p" >/dev/null 2>&1
podman events --stream=false --since "$PSTART" --filter container="$N-p" --format json >"$tmp/podman-events" 2>&1
c events --stream=false --filter container="$N-a" --format json
printf '%s\n' "$OUT" >"$tmp/ctrctl-events"
# same_shapes STATUS...: the events of $tmp/ctrctl-events and $tmp/podman-events
# with those statuses have the same keys, each of the same JSON type.
same_shapes() {
    /usr/bin/python3 - "$tmp/ctrctl-events" "$tmp/podman-events" "$@" <<'PY'
import json, sys
def shapes(path):
    return {e['Status']: {k: type(v).__name__ for k, v in e.items()}
            for e in (json.loads(l) for l in open(path) if l.startswith('{'))}
mine, theirs = shapes(sys.argv[1]), shapes(sys.argv[2])
ok = True
for status in sys.argv[3:]:
    if mine.get(status) is None or mine.get(status) != theirs.get(status):
        print('# %s: ctrctl %s\n#    podman %s' % (status, mine.get(status), theirs.get(status)))
        ok = False
sys.exit(0 if ok else 1)
PY
}
check "JSON keys and types of create, init, start, died, remove are podman's" same_shapes create init start died remove
PSTART=$(date +%s)
podman volume create "$N-pv" >/dev/null 2>&1 && podman volume rm "$N-pv" >/dev/null 2>&1
podman events --stream=false --since "$PSTART" --filter type=volume --format json 2>&1 | grep "\"$N-pv\"" \
    >"$tmp/podman-events"
c events --stream=false --filter volume="$N-v" --format json
printf '%s\n' "$OUT" >"$tmp/ctrctl-events"
check "JSON keys and types of volume create and remove are podman's" same_shapes create remove

# ---- a damaged line is skipped ----
printf 'not json at all\n{"Status":1}\n{"ID":"x"' >>"$RUNROOT/events/events.log"
c volume create "$N-w"
c events --stream=false --filter type=volume --format '{{.Status}} {{.Name}}'
check "damaged and torn lines are skipped, the next event is read" rc_is 0 \
    [ "$(printf '%s\n' "$OUT" | tail -1)" = "create $N-w" ]
c volume rm "$N-w"

# ---- rotation: bounded, and a follower across rotations loses nothing ----
export LIBCTR_EVENTS_MAX_SIZE=4096
start_follower "$tmp/follow-rot" --filter type=volume
sleep 0.3
for i in $(seq 40); do
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" volume create "$N-r$i" >/dev/null &&
        "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" volume rm "$N-r$i" >/dev/null
done
wait_lines "$tmp/follow-rot" "\"Name\":\"$N-r40\",\"Status\":\"remove\"" 1
check_rotation() {
    /usr/bin/python3 - "$tmp/follow-rot" "$N" <<'PY'
import json, sys
path, n = sys.argv[1:]
got = [(e['Status'], e['Name']) for e in (json.loads(l.partition(' ')[2]) for l in open(path))
       if e['Name'].startswith(n + '-r')]
want = [(s, '%s-r%d' % (n, i)) for i in range(1, 41) for s in ('create', 'remove')]
if got != want:
    print('# got %d events, want %d; first difference at %s' % (len(got), len(want),
          next((i for i, (a, b) in enumerate(zip(got, want)) if a != b), min(len(got), len(want)))))
sys.exit(0 if got == want else 1)
PY
}
check "a follower across rotations sees all 80 volume events once, in order" check_rotation
stop_follower
SIZES=$(stat -c '%n %s' "$RUNROOT"/events/events.log* | sed "s|$RUNROOT/events/||")
echo "# journal files: $(echo $SIZES)"
bounded() {
    [ "$(ls "$RUNROOT/events" | grep -c '^events\.log')" = 2 ] &&
        [ "$(stat -c %s "$RUNROOT"/events/events.log* | sort -n | tail -1)" -le 4096 ]
}
check "the journal is bounded: events.log and events.log.1, each at most 4096 bytes" bounded
c events --stream=false --filter type=volume --format '{{.Name}}'
check "a reader reads what both files keep, the newest last" rc_is 0 [ "$(printf '%s\n' "$OUT" | tail -1)" = "$N-r40" ]
unset LIBCTR_EVENTS_MAX_SIZE

summary
