#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl healthchecks end to end, as root, with real runc and conmon: the
# schedule (libctr's ctr-healthcheck, no systemd) turning a failing check
# unhealthy after its retries with no ctrctl running and a passing one
# healthy; ps's "(healthy)"; `healthcheck run` of a passing, a failing, a
# timed-out check and one in its start period, with podman 4.3's output,
# exit codes and State.Health; health_status events; --health-on-failure
# restart; the schedule's process gone (by PID) after a stop, a remove and
# a restart, and its waiting while the container is paused.
# usage: test-ctrctl-health.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-health-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
N=libctr-health-$$
PODMAN=(podman --runtime runc)
PODMAN_RUN=(run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
# A main process that ends at once on SIGTERM: stops and restarts are quick.
SCRIPT='trap "exit 0" TERM; while :; do sleep 1; done'

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r "${PODMAN[@]}" rm -f -t 0 >/dev/null 2>&1
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
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# run NAME ARGS...: ctrctl run -d NAME with ARGS before the root file system.
run() {
    local name=$1
    shift
    c run -d --name "$N-$name" "$@" --rootfs "$tmp/rootfs" /bin/sh -c "$SCRIPT"
}
prun() {
    local name=$1
    shift
    "${PODMAN[@]}" "${PODMAN_RUN[@]}" --name "$N-p$name" "$@" --rootfs "$tmp/rootfs" /bin/sh -c "$SCRIPT" >/dev/null 2>"$tmp/perr" ||
        echo "# podman run $name: $(cat "$tmp/perr")"
}
health() { c inspect "$N-$1" --format '{{json .State.Health}}'; }
phealth() { "${PODMAN[@]}" inspect "$N-p$1" --format '{{json .State.Health}}'; }
# hpy JSON EXPR: EXPR with h = the Health object JSON.
hpy() { printf '%s' "$1" | /usr/bin/python3 -c "import json,sys; h=json.load(sys.stdin); print($2)"; }
# helper_pid NAME: the schedule's PID the run directory keeps ("" when none).
helper_pid() {
    local id
    id=$(cid "$1")
    [ -n "$id" ] && cat "$RUNROOT/containers/$id/healthcheck.pid" 2>/dev/null
}
cid() { "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" inspect "$N-$1" --format '{{.Id}}' 2>/dev/null; }
# is_helper PID ID: PID is ctr-healthcheck for container ID, alive.
is_helper() {
    [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] &&
        tr '\0' ' ' <"/proc/$1/cmdline" | grep -q "/ctr-healthcheck .* $2 \$"
}
# gone PID: within 3 s, no process PID (or a zombie).
gone() {
    local i
    for i in $(seq 30); do
        [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ] || return 0
        sleep 0.1
    done
    return 1
}
# wait_status NAME STATUS SECONDS: until State.Health.Status is STATUS.
wait_status() {
    local i
    for i in $(seq $(($3 * 10))); do
        health "$1"
        [ "$(hpy "$OUT" "h['Status']" 2>/dev/null)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

echo "# ctrctl: $CTRCTL, root $tmp"

# ---- the schedule: a failing check turns unhealthy, a passing one healthy ----
since=$(date +%s)
run bad --health-cmd 'exit 1' --health-interval 1s --health-retries 2
check "run -d with a failing healthcheck" [ "$RC" = 0 ]
BAD=$OUT
run ok --health-cmd 'echo hi' --health-interval 1s
OK=$OUT
health bad
check "Health at the start: starting, streak 0, Log null (podman's)" \
    [ "$OUT" = '{"Status":"starting","FailingStreak":0,"Log":null}' ]
BAD_PID=$(helper_pid bad)
OK_PID=$(helper_pid ok)
check "the schedule's PID is kept in the run directory: ctr-healthcheck for the container" is_helper "$BAD_PID" "$BAD"
check "one schedule per container" is_helper "$OK_PID" "$OK"
# No ctrctl runs meanwhile: only the schedule can check.
sleep 3.5
health bad
check "after about two intervals, with no ctrctl running: unhealthy" [ "$(hpy "$OUT" "h['Status']")" = unhealthy ]
check "its failing streak at least the retries, each Log entry exit code 1" \
    [ "$(hpy "$OUT" "h['FailingStreak'] >= 2 and all(e['ExitCode'] == 1 for e in h['Log'])")" = True ]
health ok
check "the passing one: healthy, streak 0" [ "$(hpy "$OUT" "(h['Status'], h['FailingStreak'])")" = "('healthy', 0)" ]
check "its Log keeps the output: hi" [ "$(hpy "$OUT" "repr(h['Log'][-1]['Output'])")" = "'hi\\n'" ]
check "Log entries have podman's keys and types (Start, End RFC 3339, ExitCode int, Output)" \
    [ "$(hpy "$OUT" "sorted((k, type(v).__name__) for k, v in h['Log'][0].items())")" = \
      "[('End', 'str'), ('ExitCode', 'int'), ('Output', 'str'), ('Start', 'str')]" ]
check "Start and End are times with nanoseconds, End after Start" \
    [ "$(hpy "$OUT" "h['Log'][0]['Start'][19] == '.' and h['Log'][0]['Start'][-1] == 'Z' and h['Log'][0]['End'] >= h['Log'][0]['Start']")" = True ]
c ps --filter name="^$N-"
check "ps: Up ... ago (unhealthy), as podman" has "$OUT" "Up [0-9a-zA-Z ]* ago (unhealthy)  *$N-bad"
check "ps: Up ... ago (healthy)" has "$OUT" "Up [0-9a-zA-Z ]* ago (healthy)  *$N-ok"
sleep 3
health bad
check "the Log keeps the last 5 checks" [ "$(hpy "$OUT" "len(h['Log'])")" = 5 ]

# ---- healthcheck run against podman's ----
prun ok --health-cmd 'echo hi' --health-interval 1h
prun bad --health-cmd 'exit 1' --health-interval 1h --health-retries 2
c healthcheck run "$N-ok"
pout=$("${PODMAN[@]}" healthcheck run "$N-pok" 2>&1)
prc=$?
same "healthcheck run of a passing check: podman's exit code" "$RC" "$prc"
same "and output (none)" "$OUT$ERR" "$pout"
c healthcheck run "$N-bad"
pout=$("${PODMAN[@]}" healthcheck run "$N-pbad" 2>&1)
prc=$?
same "healthcheck run of a failing check: podman's exit code (1)" "$RC" "$prc"
same "and output (unhealthy)" "$OUT" "$pout"

run once --health-cmd 'exit 1' --health-interval 1h --health-retries 2
c healthcheck run "$N-once"
c healthcheck run "$N-once"
"${PODMAN[@]}" healthcheck run "$N-pbad" >/dev/null 2>&1
health once
mine=$(hpy "$OUT" "(h['Status'], h['FailingStreak'], len(h['Log']))")
same "two failures with --health-retries 2: podman's Status, FailingStreak, Log length" "$mine" \
    "$(hpy "$(phealth bad)" "(h['Status'], h['FailingStreak'], len(h['Log']))")"

# a timeout is a failure, with podman's message; libctr kills the check at the timeout
run to --health-cmd 'sleep 5' --health-timeout 1s --health-interval 1h
prun to --health-cmd 'sleep 5' --health-timeout 1s --health-interval 1h
t0=$(date +%s%N)
c healthcheck run "$N-to"
t1=$(date +%s%N)
pout=$("${PODMAN[@]}" healthcheck run "$N-pto" 2>&1)
prc=$?
same "a timed-out check: podman's exit code (125)" "$RC" "$prc"
same "and message" "$ERR" "$pout"
check "the check is killed at its timeout (well before its 5 s)" [ $(((t1 - t0) / 1000000)) -lt 4000 ]
health to
same "the timeout recorded: podman's Status, FailingStreak, ExitCode -1" \
    "$(hpy "$OUT" "(h['Status'], h['FailingStreak'], h['Log'][-1]['ExitCode'])")" \
    "$(hpy "$(phealth to)" "(h['Status'], h['FailingStreak'], h['Log'][-1]['ExitCode'])")"

# the start period: failures count for nothing
run sp --health-cmd 'exit 1' --health-start-period 30s --health-retries 1 --health-interval 1h
prun sp --health-cmd 'exit 1' --health-start-period 30s --health-retries 1 --health-interval 1h
c healthcheck run "$N-sp"
pout=$("${PODMAN[@]}" healthcheck run "$N-psp" 2>&1)
same "a failure in the start period: podman's exit code and output" "$RC $OUT" "$? $pout"
health sp
same "the start period: still starting, streak 0, the check logged (podman's)" \
    "$(hpy "$OUT" "(h['Status'], h['FailingStreak'], len(h['Log']))")" \
    "$(hpy "$(phealth sp)" "(h['Status'], h['FailingStreak'], len(h['Log']))")"
run sp2 --health-cmd 'exit 1' --health-start-period 1s --health-retries 1 --health-interval 1h
sleep 1.2
c healthcheck run "$N-sp2"
health sp2
check "after the start period the failure counts: unhealthy" [ "$(hpy "$OUT" "h['Status']")" = unhealthy ]

# errors, in podman's words
run none
prun none
c healthcheck run "$N-none"
pout=$("${PODMAN[@]}" healthcheck run "$N-pnone" 2>&1)
same "no healthcheck: podman's exit code" "$RC" "$?"
same "and message (the ID differs)" "${ERR//$(printf '%s' "$ERR" | grep -o '[0-9a-f]\{64\}')/ID}" \
    "${pout//$(printf '%s' "$pout" | grep -o '[0-9a-f]\{64\}')/ID}"
c inspect "$N-none" --format '{{json .State.Health}}'
check "no healthcheck: Health has Status \"\" (podman's)" [ "$OUT" = '{"Status":"","FailingStreak":0,"Log":null}' ]
c healthcheck run "$N-nosuch"
check "an unknown container: podman's prefix" rc_has 125 "$ERR" "^Error: unable to look up $N-nosuch to perform a health check: "
c run -d --health-cmd true --health-on-failure bogus --rootfs "$tmp/rootfs" true
pout=$("${PODMAN[@]}" run -d --health-cmd true --health-on-failure bogus --rootfs "$tmp/rootfs" true 2>&1)
same "a bad --health-on-failure: podman's message" "$ERR" "$pout"

# ---- events: one health_status per run, its status ----
c events --since "$since" --until "$(date +%s)" --filter event=health_status --filter container="$N-once" --format json
check "two runs, two health_status events" [ "$(printf '%s\n' "$OUT" | grep -c .)" = 2 ]
# podman 4.3 puts health_status beside Attributes, and the status before the run: libctr's differ.
check "with the status after each run (starting, unhealthy), in Attributes" \
    [ "$(printf '%s\n' "$OUT" | python3 -c "import json,sys; print([json.loads(l)['Attributes']['health_status'] for l in sys.stdin])")" = "['starting', 'unhealthy']" ]
c events --since "$since" --until "$(date +%s)" --filter event=health_status --filter container="$N-ok"
check "the schedule's runs write events too: health_status=healthy" has "$OUT" "container health_status .*name=$N-ok, health_status=healthy)"

# ---- the schedule ends with the container ----
c stop -t 0 "$N-ok"
check "stop: the schedule's process $OK_PID is gone" gone "$OK_PID"
c rm -f "$N-bad"
check "rm -f: the schedule's process $BAD_PID is gone" gone "$BAD_PID"
run st --health-cmd true --health-interval 1s
ST_PID=$(helper_pid st)
c restart -t 0 "$N-st"
ST_PID2=$(helper_pid st)
check "restart: the old schedule $ST_PID is gone" gone "$ST_PID"
check "and a new one runs for the new start" is_helper "$ST_PID2" "$(cid st)"
c start "$N-ok"
OK_PID3=$(helper_pid ok)
check "start again: a schedule again" is_helper "$OK_PID3" "$OK"
health ok
check "a new start is starting again, streak 0, the Log kept" \
    [ "$(hpy "$OUT" "(h['Status'], h['FailingStreak'], len(h['Log']) > 0)")" = "('starting', 0, True)" ]
c stop -t 0 "$N-ok"
check "and it ends with the stop" gone "$OK_PID3"

# a paused container keeps its schedule, checked again once unpaused
run pz --health-cmd true --health-interval 1s
PZ_PID=$(helper_pid pz)
c pause "$N-pz"
check "pause" [ "$RC" = 0 ]
sleep 1.5
check "paused: the schedule waits" is_helper "$PZ_PID" "$(cid pz)"
c unpause "$N-pz"
health pz
n1=$(hpy "$OUT" "len(h['Log'] or [])")
sleep 2.2
health pz
check "unpaused: checked again" [ "$(hpy "$OUT" "len(h['Log'] or [])")" -gt "$n1" ]
c rm -f "$N-pz"
check "rm -f: its schedule is gone" gone "$PZ_PID"

# ---- --health-on-failure restart ----
run re --health-cmd 'exit 1' --health-interval 1s --health-retries 2 --health-on-failure restart
c inspect "$N-re" --format '{{.Config.HealthcheckOnFailureAction}} {{.State.StartedAt}}'
check "inspect: HealthcheckOnFailureAction restart" has "$OUT" '^restart '
first_start=${OUT#restart }
RE_PID=$(helper_pid re)
restarted=false
for i in $(seq 80); do
    c inspect "$N-re" --format '{{.State.Status}} {{.State.StartedAt}}'
    [ "$OUT" != "running $first_start" ] && [ "${OUT%% *}" = running ] && { restarted=true; break; }
    sleep 0.1
done
check "unhealthy after two failures: the schedule restarted the container" $restarted
check "the schedule that restarted it is gone" gone "$RE_PID"
RE_PID2=$(helper_pid re)
check "a new schedule runs for the new start" [ "$RE_PID2" != "$RE_PID" ]
check "it is ctr-healthcheck for the container" is_helper "$RE_PID2" "$(cid re)"
sleep 1 # --until is in whole seconds: the restart's events are then before it
c events --since "$since" --until "$(date +%s)" --filter container="$N-re" --format '{{.Status}}'
check "events: two health_status, then the restart (died, stop, restart)" \
    has "$(printf '%s\n' "$OUT" | tr '\n' ' ')" "health_status .*health_status died stop restart"
run kl --health-cmd 'exit 1' --health-interval 1h --health-retries 1 --health-on-failure kill
c healthcheck run "$N-kl"
check "--health-on-failure kill: the run fails" rc_has 1 "$OUT" '^unhealthy$'
c inspect "$N-kl" --format '{{.State.Status}} {{.State.ExitCode}}'
check "and the container was killed (137)" [ "$OUT" = "exited 137" ]
c rm -f "$N-re"
check "rm -f: its schedule is gone" gone "$RE_PID2"

summary
