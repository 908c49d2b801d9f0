#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl top end to end, as root, with real runc and conmon: the processes of
# `sh -c 'sleep 100 & sleep 200 & wait'` with their PIDs in the container
# (1 for sh) and on the host (checked against /proc), command lines, users
# named by the container's /etc/passwd, terminals, and the same output as
# podman 4.3 prints for the same container (headers, widths, values); an
# exec'd process, comma lists and AIX codes, the errors (a bad descriptor, a
# stopped or paused container).
# usage: test-ctrctl-top.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-top-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
N=libctr-top-$$
# podman's default rlimits exceed this machine's hard limits.
PODMAN=(podman --runtime runc)
PODMAN_RUN=(run -d --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
SCRIPT='sleep 100 & sleep 200 & wait'

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${PODMAN[@]}" ps -a --filter name="^$N-" --format '{{.ID}}' 2>/dev/null | xargs -r "${PODMAN[@]}" rm -f -t 0 >/dev/null 2>&1
    wait
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
# same WHAT MINE THEIRS: a check that prints both on a difference.
same() {
    if [ "$2" = "$3" ]; then
        ok "$1"
    else
        not_ok "$1"
        printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"
    fi
}
# cells LINE: the cells of a tabwriter line, one per line (two spaces or more separate them).
cells() { printf '%s\n' "$1" | sed 's/   */\n/g'; }
# settled N: top's `args` output (in $OUT) has N rows and one shell: the
# shell's forked children have exec'd their commands (until then a child's
# command line is still the shell's).
settled() {
    [ "$(printf '%s\n' "$OUT" | tail -n +2 | wc -l)" -ge "$1" ] &&
        [ "$(printf '%s\n' "$OUT" | tail -n +2 | grep -c '^/bin/sh ')" = 1 ]
}
# wait_procs NAME N: until top shows N processes (the shell forks its sleeps).
wait_procs() {
    local i
    for i in $(seq 50); do
        c top "$1" args
        [ "$RC" = 0 ] && settled "$2" && return 0
        sleep 0.1
    done
    return 1
}
podman_wait_procs() {
    local i
    for i in $(seq 50); do
        OUT=$("${PODMAN[@]}" top "$1" args 2>/dev/null) && settled "$2" && return 0
        sleep 0.1
    done
    return 1
}

echo "# ctrctl: $CTRCTL, root $tmp"

# ---- one container, read against /proc ----
c run -d --name "$N-a" --rootfs "$tmp/rootfs" /bin/sh -c "$SCRIPT"
check "run -d sh with two sleeps" [ "$RC" = 0 ]
check "top shows sh and both sleeps" wait_procs "$N-a" 3
c inspect "$N-a"
INIT=$(py "d[0]['State']['Pid']")

c top "$N-a"
check "top without descriptors: podman's default columns" \
    [ "$(cells "$(printf '%s\n' "$OUT" | head -1)" | tr '\n' ' ')" = "USER PID PPID %CPU ELAPSED TTY TIME COMMAND " ]
check "the default rows: root, PID 1 is sh with PPID 0" \
    has "$(printf '%s\n' "$OUT" | sed -n 2p)" '^root  *1  *0  *[0-9]*\.[0-9][0-9][0-9]  *[0-9.]*[mµn]*s  *?  *0s  */bin/sh -c sleep 100 \& sleep 200 \& wait $'

c top "$N-a" pid ppid hpid args
check "top pid ppid hpid args" [ "$RC" = 0 ]
printf '%s\n' "$OUT" | tail -n +2 >"$tmp/rows"
rows_ok=true
while read -r pid ppid hpid args; do
    # the host PID is a process whose innermost PID is pid, and whose command line is args
    inner=$(awk '/^NSpid:/ {print $NF}' "/proc/$hpid/status" 2>/dev/null)
    cmd=$(tr '\0' ' ' <"/proc/$hpid/cmdline" 2>/dev/null)
    parent=$(awk '/^PPid:/ {print $2}' "/proc/$hpid/status" 2>/dev/null)
    [ "$inner" = "$pid" ] && [ "$cmd" = "$args " ] || { echo "# row [$pid $ppid $hpid $args]: NSpid $inner cmdline [$cmd]"; rows_ok=false; }
    case $pid in
        1) [ "$hpid" = "$INIT" ] && [ "$ppid" = 0 ] || rows_ok=false ;;
        *) [ "$ppid" = 1 ] && [ "$parent" = "$INIT" ] || rows_ok=false ;;
    esac
done <"$tmp/rows"
check "each row's PID is its NSpid in /proc/HPID, its command line /proc/HPID/cmdline" $rows_ok
check "HPID of PID 1 is the container's PID ($INIT), the sleeps' PPID is 1" $rows_ok
check "three processes: sh, sleep 100, sleep 200" \
    [ "$(awk '{print $4, $5}' "$tmp/rows" | tr '\n' ,)" = "/bin/sh -c,sleep 100,sleep 200," ]
check "rows in PID order" [ "$(awk '{print $1}' "$tmp/rows" | sort -n | tr '\n' ,)" = "$(awk '{print $1}' "$tmp/rows" | tr '\n' ,)" ]

# Times: stime from /proc (btime + starttime / CLK_TCK, local time), etime and time as Go durations.
c top "$N-a" hpid stime etime time pcpu
start=$(( $(awk '/^btime/ {print $2}' /proc/stat) + $(awk '{print $22}' "/proc/$INIT/stat") / $(getconf CLK_TCK) ))
check "stime of PID 1 is its start from /proc ($(date -d "@$start" '+%F %T %z %Z'))" \
    has "$(printf '%s\n' "$OUT" | grep "^$INIT ")" "^$INIT  *$(date -d "@$start" '+%Y-%m-%d %H:%M:%S %z %Z')  "
check "etime is a Go duration, time 0s, %CPU three decimals" \
    has "$(printf '%s\n' "$OUT" | grep "^$INIT ")" ' [0-9][0-9.]*[mµn]*s  *0s  *[0-9]*\.[0-9][0-9][0-9]$'

# codes and comma lists are the same descriptors
c top "$N-a" pid ppid comm
long=$OUT
c top "$N-a" %p,%P %c
check "AIX codes and a comma list as the names" [ "$OUT" = "$long" ]
c top "$N-a" ' pid ' ',ppid,,' comm
check "spaces and empty elements ignored" [ "$OUT" = "$long" ]
c top "$N-a" ''
check "an empty descriptor list is the default" has "$(printf '%s\n' "$OUT" | head -1)" '^USER  *PID  *PPID  *%CPU'

# An exec'd process is the container's too: its parent is outside (PPID 0).
timeout -k 5 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" exec "$N-a" /bin/sleep 300 >/dev/null 2>&1 &
check "top shows an exec'd process" wait_procs "$N-a" 4
c top "$N-a" ppid args
check "the exec'd process has PPID 0" has "$OUT" '^0  */bin/sleep 300 $'

# ---- errors ----
c top "$N-a" pid bogus
check "an unknown descriptor: exit 125, named, the valid ones listed" \
    rc_has 125 "$ERR" "'bogus': unknown descriptor (valid descriptors: args, capamb, .*, vsz)"
c top
check "no container: podman's message" rc_has 125 "$ERR" "you must provide the name or id of a running container"
c top "$N-nosuch"
check "an unknown container: exit 125" rc_has 125 "$ERR" "no such container"
c pause "$N-a"
c top "$N-a"
check "a paused container: top can only be used on running containers" \
    rc_has 125 "$ERR" "is paused: top can only be used on running containers"
c unpause "$N-a"
c stop -t 0 "$N-a"
c top "$N-a"
check "a stopped container: top can only be used on running containers" \
    rc_has 125 "$ERR" "is exited: top can only be used on running containers"

# ---- the same as podman ----
# One descriptor set whose values have the same widths in both (no times, no
# PIDs, which podman's runc and libctr's leave differently spaced): the
# whole output, header, alignment and values, must be podman's.
SAME=(user group ruser rgroup groups huser hgroup hgroups comm args nice tty state vsz label seccomp capeff capbnd capamb capinh capprm)
compare() { # WHAT FLAGS...
    local what=$1
    shift
    c run -d --name "$N-$what" "$@" --rootfs "$tmp/rootfs" /bin/sh -c "$SCRIPT"
    "${PODMAN[@]}" "${PODMAN_RUN[@]}" --name "$N-p$what" "$@" --rootfs "$tmp/rootfs" /bin/sh -c "$SCRIPT" >/dev/null 2>"$tmp/perr" ||
        { not_ok "podman run $*: $(cat "$tmp/perr")"; return; }
    wait_procs "$N-$what" 3 && podman_wait_procs "$N-p$what" 3
    # podman's top (psgo) reads the host's /proc when podman runs in a
    # chroot (scripts/fresh-check.sh's root): it then lists every host
    # process and is no reference; ctrctl's rows were checked against /proc above.
    local prows
    prows=$("${PODMAN[@]}" top "$N-p$what" pid 2>/dev/null | tail -n +2 | wc -l)
    if [ "$prows" -gt 3 ]; then
        ok "top $*: podman's top lists $prows processes for a 3-process container (it reads the host's /proc here): not compared"
        c rm -f "$N-$what"
        "${PODMAN[@]}" rm -f -t 0 "$N-p$what" >/dev/null 2>&1
        return
    fi
    c top "$N-$what" "${SAME[@]}"
    same "top $* ${SAME[*]}: podman's output" "$OUT" "$("${PODMAN[@]}" top "$N-p$what" "${SAME[@]}" 2>&1)"
    c top "$N-$what" user ppid pcpu tty time args
    same "top $* of the default columns but PID and ELAPSED: podman's" "$OUT" \
        "$("${PODMAN[@]}" top "$N-p$what" user ppid pcpu tty time args 2>&1)"
    c top "$N-$what"
    same "top $* header: podman's" "$(cells "$(printf '%s\n' "$OUT" | head -1)")" \
        "$(cells "$("${PODMAN[@]}" top "$N-p$what" | head -1)")"
    c top "$N-$what" pid ppid pgid
    same "top $* pid ppid pgid: podman's" "$(printf '%s\n' "$OUT" | awk '{print $2, $3}')" \
        "$("${PODMAN[@]}" top "$N-p$what" pid ppid pgid | awk '{print $2, $3}')"
    c rm -f "$N-$what"
    "${PODMAN[@]}" rm -f -t 0 "$N-p$what" >/dev/null 2>&1
}
compare plain
compare user --user 1000:100
compare tty -t --user tester
compare caps --cap-drop all --cap-add net_raw,chown

summary
