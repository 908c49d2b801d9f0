#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Restart policies end to end, as root, with real runc and conmon, enforced
# by the monitor's exit command (ctr-cleanup) with no ctrctl process alive:
# on-failure:3 of `exit 1` restarts exactly 3 times (podman 4.3 on the same
# rootfs agrees), always restarts after kill -9 of the container's PID 1,
# unless-stopped and always stay down after ctrctl stop and ctrctl kill,
# on-failure leaves an exit code of 0 alone; ctrctl restart (a new process,
# the count kept, a restart event), restart's errors.
# usage: test-ctrctl-restart.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-restart-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
N=libctr-restart-$$
PODMAN=(podman --runtime runc)
PODMAN_RUN=(run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    # Policies first: a removal races no restart.
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r "${PODMAN[@]}" rm -f -t 0 >/dev/null 2>&1
    wait
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

ctl() { timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@"; }
field() { ctl inspect --format "$2" "$1" 2>/dev/null; }
# until_field NAME FORMAT VALUE SECONDS: poll inspect until FORMAT is VALUE.
until_field() {
    local i=0 n=$(($4 * 10))
    while [ "$i" -lt "$n" ]; do
        [ "$(field "$1" "$2")" = "$3" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
ctrctl_alive() { pgrep -f "^$CTRCTL " >/dev/null; }

# ---- on-failure:3: exactly three restarts, with no ctrctl alive ----
ctl run -d --name "$N-fail" --restart on-failure:3 --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 0.2; exit 1' >/dev/null
check "run -d --restart on-failure:3" [ $? = 0 ]
check "no ctrctl process is left while it restarts" sh -c "! pgrep -f '^$CTRCTL ' >/dev/null"
until_field "$N-fail" '{{.RestartCount}} {{.State.Status}}' '3 exited' 30
check "on-failure:3 of exit 1: RestartCount 3, then exited" [ $? = 0 ]
sleep 1
check "... and no fourth restart" [ "$(field "$N-fail" '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}')" = "3 exited 1" ]
"${PODMAN[@]}" "${PODMAN_RUN[@]}" --name "$N-pfail" --restart on-failure:3 --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 0.2; exit 1' >/dev/null 2>"$tmp/perr"
i=0
while [ "$i" -lt 300 ] && [ "$("${PODMAN[@]}" inspect --format '{{.RestartCount}} {{.State.Status}}' "$N-pfail" 2>/dev/null)" != "3 exited" ]; do
    sleep 0.1
    i=$((i + 1))
done
check "podman agrees: RestartCount 3 (ctrctl $(field "$N-fail" '{{.RestartCount}}'), podman $("${PODMAN[@]}" inspect --format '{{.RestartCount}}' "$N-pfail" 2>/dev/null))" \
    [ "$("${PODMAN[@]}" inspect --format '{{.RestartCount}}' "$N-pfail" 2>/dev/null)" = 3 ]
ctl events --stream=false --filter container="$N-fail" --filter event=restart --format '{{.Status}}' > "$tmp/ev" 2>&1
check "three restart events" [ "$(grep -c '^restart$' "$tmp/ev")" = 3 ]

ctl run -d --name "$N-ok" --restart on-failure --rootfs "$tmp/rootfs" /bin/sh -c 'exit 0' >/dev/null
until_field "$N-ok" '{{.State.Status}}' exited 10
sleep 1
check "on-failure leaves exit 0 alone" [ "$(field "$N-ok" '{{.RestartCount}} {{.State.Status}}')" = "0 exited" ]

# ---- always: kill -9 of PID 1 from the host restarts it ----
ctl run -d --name "$N-always" --restart always --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 100' >/dev/null
pid=$(field "$N-always" '{{.State.Pid}}')
check "always: running with a PID" [ "${pid:-0}" -gt 0 ]
kill -9 "$pid"
until_field "$N-always" '{{.RestartCount}} {{.State.Status}}' '1 running' 20
check "always: restarted after kill -9 of its PID 1" [ $? = 0 ]
pid2=$(field "$N-always" '{{.State.Pid}}')
check "... as a new process ($pid, then $pid2)" [ "${pid2:-0}" -gt 0 ] && [ "$pid2" != "$pid" ] && [ -d "/proc/$pid2" ]
ctl kill "$N-always" >/dev/null
until_field "$N-always" '{{.State.Status}}' exited 10
sleep 1
check "always: ctrctl kill leaves it down (podman's rule)" [ "$(field "$N-always" '{{.RestartCount}} {{.State.Status}}')" = "1 exited" ]
ctl start "$N-always" >/dev/null
check "a user's start clears the count" [ "$(field "$N-always" '{{.RestartCount}} {{.State.Status}}')" = "0 running" ]

# ---- unless-stopped: a stop by the user never restarts ----
ctl run -d --name "$N-us" --restart unless-stopped --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 100' >/dev/null
ctl stop -t 1 "$N-us" >/dev/null
sleep 1.5
check "unless-stopped: down after ctrctl stop" [ "$(field "$N-us" '{{.RestartCount}} {{.State.Status}}')" = "0 exited" ]
ctl start "$N-us" >/dev/null
kill -9 "$(field "$N-us" '{{.State.Pid}}')"
until_field "$N-us" '{{.RestartCount}} {{.State.Status}}' '1 running' 20
check "unless-stopped: restarted after a crash" [ $? = 0 ]

# ---- ctrctl restart ----
pid=$(field "$N-us" '{{.State.Pid}}')
out=$(ctl restart -t 0 "$N-us" 2>&1)
check "restart prints the name as podman does" [ "$out" = "$N-us" ]
pid2=$(field "$N-us" '{{.State.Pid}}')
check "restart: a new process, running, the count kept" [ "$pid2" != "$pid" ] && [ "$(field "$N-us" '{{.RestartCount}} {{.State.Status}}')" = "1 running" ]
ctl create --name "$N-cfg" --rootfs "$tmp/rootfs" /bin/sh -c 'sleep 100' >/dev/null
ctl restart "$N-cfg" >/dev/null
check "restart of a configured container starts it" [ "$(field "$N-cfg" '{{.State.Status}}')" = running ]
ctl pause "$N-cfg" >/dev/null
ctl restart "$N-cfg" >/dev/null 2>"$tmp/err"
RC=$?
check "restart of a paused container is refused" rc_has 125 "$(cat "$tmp/err")" paused
ctl unpause "$N-cfg" >/dev/null
ctl restart nosuch-$$ >/dev/null 2>&1
RC=$?
check "restart of a missing container: 125" rc_is 125 true
ctl run -d --rm --restart always --rootfs "$tmp/rootfs" /bin/true >/dev/null 2>"$tmp/err"
RC=$?
check "--rm with --restart is refused (podman's words)" rc_has 125 "$(cat "$tmp/err")" 'the --rm option conflicts with --restart'
summary
