#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl end to end, as root, with real runc and conmon, in a temporary root.
# usage: test-ctrctl.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when not root or
# runc/conmon/busybox are missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

# No networks here (tests/integration/test-ctrctl-net.sh has them): without
# this, run and create attach to the default network in /etc/cni/net.d.
export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
ROOTFS=$tmp/rootfs
sh "$SRC/tests/lib/make-rootfs.sh" "$ROOTFS" || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT


# c ARGS...: run ctrctl; sets RC, OUT, ERR (a minute at most, never hangs the suite).
c() {
    timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
# ci INPUT ARGS...: the same with INPUT on stdin.
ci() {
    local input=$1
    shift
    printf '%s' "$input" | timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err"
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
json_ok() { printf '%s' "$OUT" | /usr/bin/python3 -c 'import json,sys; json.load(sys.stdin)'; }
# jq-like: py EXPR (d is the parsed stdout).
# ps_status NAME: the STATUS column of NAME in `ps -a` (empty when absent).
ps_status() {
    c ps -a --format json
    printf '%s' "$OUT" | /usr/bin/python3 -c "import json,sys
for x in json.load(sys.stdin):
    if x['Names'][0] == sys.argv[1]: print(x['Status'])" "$1"
}
# Processes seen, to check at the end that none is left: PID:STARTTIME.
seen_pids=""
remember_pids() {
    c inspect "$1"
    local p
    for p in $(py "d[0]['State']['Pid'], d[0]['State'].get('ConmonPid', 0)"); do
        p=${p//[^0-9]/}
        [ -n "$p" ] && [ "$p" != 0 ] && [ -r "/proc/$p/stat" ] &&
            seen_pids="$seen_pids $p:$(awk '{print $22}' "/proc/$p/stat")"
    done
}
C="c run --rootfs $ROOTFS"

echo "# ctrctl: $CTRCTL, root $tmp"

# ---- run ----
$C --rm /bin/sh -c 'exit 3'
check "run --rm exits with the container's code (3)" [ "$RC" = 3 ]
$C --rm /bin/echo hello world
check "run --rm prints the container's output" [ "$RC" = 0 -a "$OUT" = "hello world" ]
$C --rm /bin/sh -c 'echo out1; echo err1 >&2; echo out2; echo err2 >&2'
check "run: stdout and stderr apart, in order" [ "$RC" = 0 -a "$OUT" = "$(printf 'out1\nout2')" -a "$ERR" = "$(printf 'err1\nerr2')" ]
$C --rm -e FOO=bar -w /tmp -u 1000 /bin/sh -c 'echo $FOO $(pwd) $(id -u)'
check "run -e -w -u" [ "$OUT" = "bar /tmp 1000" ]
ci "piped input" run --rm -i --rootfs "$ROOTFS" /bin/cat
check "run -i passes stdin" [ "$RC" = 0 -a "$OUT" = "piped input" ]
$C --rm -t /bin/echo on-a-tty
check "run -t relays the terminal" [ "$RC" = 0 -a "$OUT" = "$(printf 'on-a-tty\r')" ]
$C --rm --read-only /bin/sh -c 'touch /x'
check "run --read-only: the rootfs is read-only" [ "$RC" != 0 ]
c --state-backend tdb run --rm --rootfs "$ROOTFS" /bin/sh -c 'exit 4'
check "--state-backend tdb run" [ "$RC" = 4 ]
c ps -a -q
check "run --rm leaves nothing" [ "$RC" = 0 -a -z "$OUT" ]

# ---- run -d, ps, exec ----
$C -d --name web --stop-signal TERM /bin/sleep 100
check "run -d prints the ID" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
web_id=$OUT
remember_pids web
c ps
check "ps shows it Up" rc_is 0 has "$OUT" "^${web_id:0:12} .* Up .* web\$"
c ps -q
check "ps -q prints the short ID" [ "$OUT" = "${web_id:0:12}" ]
c ps --format json
check "ps --format json parses" json_ok
check "ps --format json has the fields" [ "$(py "d[0]['Id'], d[0]['Names'], d[0]['State'], d[0]['Command'], d[0]['Pid'] > 0")" = "$web_id ['web'] running ['/bin/sleep', '100'] True" ]
c exec web /bin/sh -c 'echo exec-out; echo exec-err >&2; exit 5'
check "exec returns the process's code (5)" [ "$RC" = 5 ]
check "exec relays stdout and stderr" [ "$OUT" = exec-out -a "$ERR" = exec-err ]
c exec -e A=1 -w /tmp -u 1000 web /bin/sh -c 'echo $A $(pwd) $(id -u)'
check "exec -e -w -u" [ "$RC" = 0 -a "$OUT" = "1 /tmp 1000" ]
ci "to exec" exec -i web /bin/cat
check "exec -i passes stdin" [ "$OUT" = "to exec" ]
c exec web /no/such/command
check "exec of a missing command exits 127" [ "$RC" = 127 ]

# ---- logs ----
$C -d --name logger /bin/sh -c 'echo l1; echo e1 >&2; echo l2; echo e2 >&2; sleep 0.3; echo l3'
c wait logger
check "wait prints the exit code (0)" [ "$RC" = 0 -a "$OUT" = 0 ]
c logs logger
check "logs: stdout lines on stdout, in order" [ "$RC" = 0 -a "$OUT" = "$(printf 'l1\nl2\nl3')" ]
check "logs: stderr lines on stderr, in order" [ "$ERR" = "$(printf 'e1\ne2')" ]
c logs --tail 1 logger
check "logs --tail 1" [ "$RC" = 0 -a "$OUT" = l3 -a -z "$ERR" ]
c logs --since 1h logger
check "logs --since 1h (a duration)" [ "$RC" = 0 -a "$OUT" = "$(printf 'l1\nl2\nl3')" ]
c logs --since 2099-01-01T00:00:00Z logger
check "logs --since a future RFC 3339 time prints nothing" [ "$RC" = 0 -a -z "$OUT" -a -z "$ERR" ]
$C -d --name follower /bin/sh -c 'echo f1; sleep 1; echo f2'
c logs -f follower
check "logs -f follows until the container exits" [ "$RC" = 0 -a "$OUT" = "$(printf 'f1\nf2')" ]

# ---- start -a ----
c create --name later --rootfs "$ROOTFS" /bin/sh -c 'echo started; exit 6'
check "create prints the ID" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
c ps -a
check "ps -a shows it Created/Configured" has "$OUT" "Configured *later\$"
c start -a later
check "start -a attaches and exits with the code (6)" [ "$RC" = 6 -a "$OUT" = started ]

# ---- attach ----
$C -d --name talker /bin/sh -c 'sleep 1; echo said; echo warned >&2; exit 8'
c attach talker
check "attach relays the output and exits with the code (8)" [ "$RC" = 8 -a "$OUT" = said -a "$ERR" = warned ]
c create -i --name reader --rootfs "$ROOTFS" /bin/sh -c 'read x; echo got $x'
ci "line" start -a -i reader
check "start -a -i passes stdin" [ "$RC" = 0 -a "$OUT" = "got line" ]
if command -v script >/dev/null; then
    # A terminal of 30x100 (script's), typed input, then ctrl-p ctrl-q.
    G="$CTRCTL --root $ROOT --runroot $RUNROOT"
    (sleep 2; printf 'stty size\r'; sleep 1; printf '\020\021'; sleep 1) |
        timeout -k 5 60 script -qfec "stty rows 30 cols 100; $G run -it --name tty1 --rootfs $ROOTFS /bin/sh" /dev/null \
            >"$tmp/out" 2>&1
    RC=$?
    check "run -it: the terminal's size, then ctrl-p,ctrl-q detaches" rc_is 0 grep -q '^30 100' "$tmp/out"
    check "... and the container still runs" has "$(ps_status tty1)" '^Up '
    (sleep 1; printf 'exit 9\r'; sleep 1) | timeout -k 5 60 script -qfec "$G attach tty1" /dev/null >"$tmp/out" 2>&1
    RC=$?
    check "attach to its terminal, then exit 9 in the shell" [ "$RC" = 9 ]
    c rm tty1
else
    echo "# (script(1) not found: no local terminal checks)"
fi

# ---- stop, kill, wait, pause ----
t0=$(date +%s)
c stop -t 1 web
t1=$(date +%s)
check "stop -t 1 a sleep 100" [ "$RC" = 0 -a "$OUT" = web -a $((t1 - t0)) -lt 10 ]
check "ps -a shows it Exited" has "$(ps_status web)" '^Exited'

$C -d --name victim /bin/sleep 100
remember_pids victim
c kill -s KILL victim
check "kill -s KILL" [ "$RC" = 0 -a "$OUT" = victim ]
c wait victim
check "wait prints 137 after SIGKILL" [ "$RC" = 0 -a "$OUT" = 137 ]

$C -d --name sleeper /bin/sleep 100
remember_pids sleeper
c pause sleeper
check "pause" [ "$RC" = 0 -a "$OUT" = sleeper ]
check "ps shows it Paused" [ "$(ps_status sleeper)" = Paused ]
c unpause sleeper
check "unpause" [ "$RC" = 0 ]
check "ps shows it Up again" has "$(ps_status sleeper)" '^Up '

# ---- inspect ----
c inspect sleeper web
check "inspect of two containers is a JSON array" json_ok
check "inspect has both, with their state" [ "$(py "len(d), d[0]['Name'], d[0]['State']['Running'], d[0]['State']['Pid'] > 0, d[1]['Name']")" = "2 sleeper True True web" ]

# ---- wrong input ----
c kill -s NOSUCHSIG sleeper
check "kill -s with an unknown signal exits 125" rc_is 125 has "$ERR" 'unknown signal "NOSUCHSIG"'
check "... and the container still runs" has "$(ps_status sleeper)" '^Up '
c attach --detach-keys ctrl-bogus sleeper
check "attach with invalid --detach-keys exits 125" rc_is 125 has "$ERR" '^Error: .*detach keys'
c run --rm --rootfs "$tmp/no-such-dir" /bin/true
check "run with a missing rootfs exits 125 with the path" rc_is 125 has "$ERR" "^Error: .*$tmp/no-such-dir"
c run --name notfound --rootfs "$ROOTFS" /no/such/command
check "run of a command missing in the rootfs exits 127" rc_is 127 has "$ERR" '^Error: .*no/such/command'
check "... says which container it left behind, in which state" has "$ERR" "^container notfound ([0-9a-f]\{12\}) is left behind, [a-z]*: 'ctrctl start notfound' retries, 'ctrctl rm notfound' removes it\$"
check "... the container is left in a valid state" [ -n "$(ps_status notfound)" ]
c rm notfound
check "... and can be removed" [ "$RC" = 0 ]
c rm no-such-container
check "rm of an unknown name exits 125" rc_is 125 has "$ERR" '^Error: .*no-such-container'
c create --stop-signal NOPE --rootfs "$ROOTFS" /bin/true
check "create --stop-signal with an unknown signal exits 125" rc_is 125 has "$ERR" 'unknown signal'
c logs --since yesterday sleeper
check "logs --since with a bad time exits 125" rc_is 125 has "$ERR" 'invalid --since'
c rm sleeper
check "rm of a running container without -f exits 125" [ "$RC" = 125 ]

# ---- a bounded log: 200 MB written, max-size=10m (podman's --log-opt) ----
c run -d --name big --log-opt max-size=10m --rootfs "$ROOTFS" /bin/sh -c \
    'i=0; while [ $i -lt 200 ]; do head -c 1000000 /dev/zero | tr "\0" a | fold -w 999; i=$((i+1)); done; echo; echo LAST-LINE'
c wait big
check "a 200 MB writer with max-size=10m runs to its end" [ "$RC" = 0 -a "$OUT" = 0 ]
c inspect --format '{{.HostConfig.LogConfig.Path}}' big
size=$(stat -c %s "$OUT")
check "... and leaves a log under 11 MB ($size bytes)" [ "$size" -lt 11000000 ]
c logs big
check "... whose tail logs shows" [ "$RC" = 0 ] && [ "$(printf '%s' "$OUT" | tail -n 1)" = LAST-LINE ]
c inspect --format '{{.HostConfig.LogConfig.Type}} {{.HostConfig.LogConfig.Size}}' big
check "... inspect: LogConfig as podman's (k8s-file 10MB)" [ "$OUT" = "k8s-file 10MB" ]
c rm big
c create --log-opt max-size=lots --rootfs "$ROOTFS" /bin/true
check "--log-opt with a bad size exits 125" rc_has 125 "$ERR" "max-size"
c create --log-opt tag=x --rootfs "$ROOTFS" /bin/true
check "--log-opt other than max-size is refused" rc_has 125 "$ERR" "unsupported --log-opt"

# ---- a hostile root file system: /etc/passwd, /etc/group not regular files ----
# The OCI runtime reads both when it starts a process: a FIFO would block it
# forever.  run fails at once, or runs, within 5 s, and leaves nothing.
run_mounts() { grep -F " $RUNROOT/containers/" /proc/self/mountinfo | cut -d' ' -f5 | sort; }
mounts_before=$(run_mounts)
for what in passwd-fifo group-fifo passwd-null passwd-socket; do
    H=$tmp/hostile-$what
    cp -a "$ROOTFS" "$H"
    f=$H/etc/${what%%-*}
    rm -f "$f"
    case $what in
    *-fifo) mkfifo "$f" ;;
    *-null) mknod "$f" c 1 3 ;;
    *-socket) /usr/bin/python3 -c "import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])" "$f" ;;
    esac
    for user in "" "-u 0" "-u 1000:1000"; do
        t0=$(date +%s%N)
        # shellcheck disable=SC2086
        c run --name "h-$what" $user --rootfs "$H" /bin/true
        ms=$((($(date +%s%N) - t0) / 1000000))
        check "run with /etc/${what%%-*} a ${what#*-} (${user:-default user}) fails within 5 s ($ms ms)" \
            [ "$RC" != 0 ] && [ "$ms" -lt 5000 ] && has "$ERR" "is a"
        c rm -f "h-$what"
        check "... rm -f removes it" [ "$RC" = 0 ]
    done
    check "... and no process of it is left" [ -z "$(pgrep -f -- "$H")" ]
    check "... and no mount" [ "$(run_mounts)" = "$mounts_before" ]
    rm -rf "$H"
done
c exec sleeper /bin/true
check "exec still works next to them" [ "$RC" = 0 ]

# ---- the first commands a podman user types, answered as podman does ----
c start sleeper
check "start of a running container: a no-op, exit 0, nothing printed" [ "$RC" = 0 -a -z "$OUT" -a -z "$ERR" ]
check "... and it still runs" has "$(ps_status sleeper)" '^Up '
c start -a later
check "start -a of an exited container shows only the new run's output" [ "$RC" = 6 -a "$OUT" = started ]
c exec sleeper /no/such/command
check "exec of a missing binary exits 127 with the runtime's reason" rc_is 127 has "$ERR" '^Error: .*/no/such/command.*no such file or directory'
c exec sleeper /etc
check "exec of a directory exits 126 with the runtime's reason" rc_is 126 has "$ERR" '^Error: .*permission denied'
$C -d --name stubborn /bin/sleep 100
remember_pids stubborn
c stop -t 1 stubborn
check "stop that resorts to SIGKILL says so on stderr" rc_has 0 "$ERR" 'StopSignal SIGTERM failed to stop container stubborn in 1 seconds, resorting to SIGKILL'
c rm stubborn
c run --bogus --rootfs "$ROOTFS" /bin/true
check "an unknown long option: Error: unknown flag" rc_is 125 has "$ERR" "^Error: unknown flag: --bogus\$"
c run -Z --rootfs "$ROOTFS" /bin/true
check "an unknown short option: Error: unknown shorthand flag" rc_is 125 has "$ERR" "^Error: unknown shorthand flag: 'Z' in -Z\$"
c stop -t
check "a missing option argument: Error: flag needs an argument" rc_is 125 has "$ERR" "^Error: flag needs an argument: 't' in -t\$"
c --bogus ps
check "an unknown global option: Error: unknown flag" rc_is 125 has "$ERR" "^Error: unknown flag: --bogus\$"
$C --rm -d --name gone /bin/sh -c 'sleep 2; exit 3'
check "run --rm -d starts the container" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
remember_pids gone
c inspect gone
check "... marked AutoRemove" [ "$(py "d[0]['HostConfig']['AutoRemove']")" = True ]
for _ in $(seq 1 100); do [ -z "$(ps_status gone)" ] && break; sleep 0.1; done
check "... and removed when it exits, with no ctrctl process left" [ -z "$(ps_status gone)" ]
# The environment its first process started with, from its own /proc/self/environ.
$C -d --name envy -e FOO=bar -e PATH=/bin:/usr/bin /bin/sh -c 'tr "\0" "\n" < /proc/self/environ; exec sleep 100'
remember_pids envy
for _ in $(seq 1 50); do c logs envy; [ -n "$OUT" ] && break; sleep 0.1; done
real_env=$OUT
c inspect envy
# same_env: the inspected Config.Env (in $OUT) equals $real_env, else both are printed.
same_env() {
    local inspected real
    inspected=$(py "sorted(d[0]['Config']['Env'])")
    real=$(printf '%s' "$real_env" | /usr/bin/python3 -c 'import sys; print(sorted(sys.stdin.read().split(chr(10))))')
    [ "$inspected" = "$real" ] && return 0
    echo "       inspected: $inspected"
    echo "       real:      $real"
    return 1
}
check "inspect Config.Env is the environment the process really gets" same_env
check "... with the configured and the default variables" [ "$(py "'FOO=bar' in d[0]['Config']['Env'] and 'PATH=/bin:/usr/bin' in d[0]['Config']['Env'] and 'HOME=/root' in d[0]['Config']['Env']")" = True ]
c rm -f envy

# ---- rm ----
c rm -f sleeper
check "rm -f of a running container" [ "$RC" = 0 -a "$OUT" = sleeper ]
c rm web logger follower later victim talker reader
check "rm of several containers" [ "$RC" = 0 ]
c ps -a -q
check "no container left" [ "$RC" = 0 -a -z "$OUT" ]
# Left: the same process (PID and start time) still alive (a zombie is dead:
# reaping orphans is the job of PID 1, which may be slow in a sandbox).
left=""
for pc in $seen_pids; do
    p=${pc%%:*}
    stat=$(awk '{print $3, $22}' "/proc/$p/stat" 2>/dev/null)
    [ -n "$stat" ] && [ "${stat#* }" = "${pc#*:}" ] && [ "${stat%% *}" != Z ] && left="$left $p"
done
RC=0
[ -z "$left" ] || ps -o pid,ppid,stat,cmd -p "${left# }" | cut -c1-200
check "no container or conmon process left (seen:$seen_pids)" [ -z "$left" ]
if [ -d "$RUNROOT/oci/runc" ]; then
    check "runc lists no container" [ -z "$(runc --root "$RUNROOT/oci/runc" list -q 2>/dev/null)" ]
fi
check "no mount left under the root" [ -z "$(grep -F -e " $tmp/" -e " $RUNROOT/" /proc/self/mountinfo)" ]
remove_run_root
rm -rf "$tmp"
check "the root is removed" [ ! -e "$tmp" ]

summary
