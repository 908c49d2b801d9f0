#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A caller killed at any moment: ctrctl is SIGKILLed at spread-out moments
# of an operation (run -d with a name, a network and a port mapping; exec;
# stop; rm; network create and rm), and after each kill
#   - `ps -a` works and every container it lists is in the state runc says;
#   - a container that is not running starts (or the error says why);
#   - after `rm -a -f` nothing of any container is left: no runc container,
#     no process in the suite's cgroup parent or naming its roots, no mount
#     under its roots, no network namespace, veth, IPAM reservation or nft
#     element, no cgroup, no run or static directory.
# Real runc, conmon and libctr's native bridge network, in a temporary root,
# on the suite's own network only:
#   ctrtest5  bridge ctrtest5  10.209.85.0/24  (the containers')
#   ctrtest6  bridge ctrtest6  10.209.86.0/24  (network create and rm)
# usage: test-kill.sh CTRCTL SOURCE_ROOT [BACKEND]
# CTR_KILL_ROUNDS (default 50) kills of run -d, CTR_KILL_OP_ROUNDS (default
# 25) of each other operation; with CTR_KILL_FAULTS=1 (a
# -Dfault_injection=true build) also a kill at every crash point.  Exit 0 when every
# check passed, 1 otherwise; 77 (skip) when something is missing, except
# with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
BACKEND=${3:-files}
ROUNDS=${CTR_KILL_ROUNDS:-50}
OP_ROUNDS=${CTR_KILL_OP_ROUNDS:-25}
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc conmon ip nft
command -v busybox >/dev/null || missing "busybox (busybox-static) not found"
exec 9</usr/lib/cni
flock 9 || { echo "FAIL: cannot lock /usr/lib/cni"; exit 1; }
if ip -o link show | grep -qE ': ctrtest[56][:@]'; then
    echo "FAIL: a ctrtest5 or ctrtest6 bridge exists already (another run, or a leftover)"
    exit 1
fi

tmp=$(mktemp -d /tmp/ctrctl-kill-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CNI=$tmp/cni.d
ROOTFS=$tmp/rootfs
NET=ctrtest5
SUBNET=10.209.85
NET2=ctrtest6
SUBNET2=10.209.86
CGROUP=/libctr-kill-$$
PORT0=18500
sh "$SRC/tests/lib/make-rootfs.sh" "$ROOTFS" || { echo "FAIL: make-rootfs.sh"; exit 1; }
had_var_lib_cni=0
[ -e /var/lib/cni ] && had_var_lib_cni=1
veths_before=$(ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | sort)

G="--root $ROOT --runroot $RUNROOT --cni-config-dir $CNI --state-backend $BACKEND"
# The OCI runtime's own view, under ctrctl's runtime (CTRCTL_RUNTIME):
# runc, or libctr's native runtime through its command, ctr-oci.
case ${CTRCTL_RUNTIME:-runc} in
runc) RUNC="runc --root $RUNROOT/oci/runc" ;;
native) RUNC="${LIBCTR_HELPER_DIR:?the native runtime needs LIBCTR_HELPER_DIR}/ctr-oci --root $RUNROOT/oci/native" ;;
*) echo "FAIL: CTRCTL_RUNTIME=$CTRCTL_RUNTIME: runc or native"; exit 1 ;;
esac
# purge_nft: delete the elements of libctr's nft table that name the
# suite's subnet (what a failed round may have left).
purge_nft() {
    nft list table ip libctr >/dev/null 2>&1 || return 0
    nft -j list table ip libctr 2>/dev/null | SUBNETS="$SUBNET. $SUBNET2." /usr/bin/python3 -c '
import json, os, sys
subs = os.environ["SUBNETS"].split()
out = []
def text(v):
    if isinstance(v, dict) and "concat" in v:
        return " . ".join(text(x) for x in v["concat"])
    if isinstance(v, dict) and "prefix" in v:
        return "%s/%d" % (v["prefix"]["addr"], v["prefix"]["len"])
    if isinstance(v, list) and len(v) == 2:
        return text(v[0])
    return str(v)
for o in json.load(sys.stdin).get("nftables", []):
    s = o.get("set") or o.get("map")
    if not s:
        continue
    for e in s.get("elem", []):
        k = text(e)
        if any(sub in json.dumps(e) for sub in subs):
            out.append("delete element ip libctr %s { %s }" % (s["name"], k))
print("\n".join(out))
' | while read -r line; do nft "$line" 2>/dev/null; done
}

final_cleanup() {
    # shellcheck disable=SC2086
    "$CTRCTL" $G rm -a -f >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$CTRCTL" $G network rm -f $NET >/dev/null 2>&1
    # shellcheck disable=SC2086
    "$CTRCTL" $G network rm -f $NET2 >/dev/null 2>&1
    ip link del $NET 2>/dev/null
    ip link del $NET2 2>/dev/null
    rm -rf "/var/lib/cni/networks/$NET2"
    purge_nft
    rm -rf "/var/lib/cni/networks/$NET"
    [ "$had_var_lib_cni" = 0 ] && rmdir /var/lib/cni/networks /var/lib/cni 2>/dev/null
    # What a failed round left: its runtime containers, and the processes in
    # the suite's cgroup parent (ours: made by this test's containers).
    for id in $($RUNC list -q 2>/dev/null); do $RUNC delete --force "$id" >/dev/null 2>&1; done
    for d in /sys/fs/cgroup/*$CGROUP /sys/fs/cgroup/*/*$CGROUP; do
        [ -d "$d" ] || continue
        find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | sort -u | xargs -r kill -KILL 2>/dev/null
        sleep 0.2
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# c ARGS...: run ctrctl (a minute at most); sets RC, OUT, ERR.
c() {
    # shellcheck disable=SC2086
    timeout -k 5 60 "$CTRCTL" $G "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# ms: milliseconds since the epoch.
ms() { date +%s%3N; }

# killed_at DELAY_MS ARGS...: start ctrctl ARGS in the background and
# SIGKILL it DELAY_MS milliseconds later (if it still runs).
killed_at() {
    local delay=$1
    shift
    # shellcheck disable=SC2086
    "$CTRCTL" $G "$@" >/dev/null 2>"$tmp/killed-err" </dev/null &
    local pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
}

# duration ARGS...: how long ctrctl ARGS takes, in milliseconds (it must work).
duration() {
    local t0
    t0=$(ms)
    c "$@"
    [ "$RC" = 0 ] || not_ok "unkilled: ctrctl $*"
    echo $(($(ms) - t0))
}

# delay_for I TOTAL_MS [ROUNDS]: the Ith of ROUNDS moments spread over 1.2
# times the operation's length, each at a random point of its slot.
delay_for() {
    local slot=$(($2 * 12 / 10 / ${3:-$ROUNDS} + 1))
    echo $(($1 * slot + RANDOM % slot))
}

# The state runc gives for ID: created, running, paused, stopped, or none.
runc_state() {
    $RUNC state "$1" 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>/dev/null ||
        echo none
}

# truthful: every container `ps -a` lists is in the state runc says it is.
# Prints what is wrong.
truthful() {
    c ps -a -q --no-trunc
    if [ "$RC" != 0 ]; then
        echo "ps -a failed: $ERR"
        return 1
    fi
    [ -n "$OUT" ] || return 0
    # shellcheck disable=SC2086
    c inspect --format '{{.ID}} {{.State.Status}} {{.State.StartedAt}} {{.Name}}' $OUT
    if [ "$RC" != 0 ]; then
        echo "inspect of what ps -a lists failed: $ERR"
        return 1
    fi
    local id state started name real bad=0
    while read -r id state started _ _ _ name; do
        real=$(runc_state "$id")
        case "$state:$real" in
        running:running | paused:paused | created:created | configured:none | exited:none | exited:stopped | \
            removing:none) ;;
        *) echo "$name ($id) is $state, runc says $real"; bad=1 ;;
        esac
        case "$state:$started" in running:0001-*) echo "$name is running but never started"; bad=1 ;; esac
    done <<<"$OUT"
    return $bad
}

# startable: every container that is not running starts (one whose remove
# died says so).  Prints what failed.
startable() {
    c ps -a -q --no-trunc
    [ -n "$OUT" ] || return 0
    # shellcheck disable=SC2086
    c inspect --format '{{.ID}} {{.State.Status}}' $OUT
    local id state bad=0
    while read -r id state; do
        [ "$state" != running ] || continue
        c start "$id"
        # A remove that died: it says so (rm -f finishes it).
        [ "$state" = removing ] && [ "$RC" = 125 ] && has "$ERR" "is removing" && continue
        [ "$RC" = 0 ] || { echo "start of a $state container: rc=$RC $ERR"; bad=1; }
    done <<<"$OUT"
    return $bad
}

# nothing_left: after rm -a -f, nothing of any container remains.  Prints
# what is left.
nothing_left() {
    local left=""
    [ -z "$($RUNC list -q 2>/dev/null)" ] || left="$left runc:$($RUNC list -q | tr '\n' ' ')"
    local p
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" = $$ ] && continue
        # Dead and handed to init, which reaps it (on some machines late):
        # it holds nothing.
        [ "$(cut -d' ' -f3-4 "$p/stat" 2>/dev/null)" = "Z 1" ] && continue
        if grep -qs -- "$CGROUP" "$p/cgroup" || tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$tmp"; then
            left="$left process:${p#/proc/}[$(cut -d' ' -f2-4 "$p/stat" 2>/dev/null)]($(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | head -c 60))"
        fi
    done 2>/dev/null
    local m
    m=$(awk -v t="$tmp" -v r="$RUNROOT" 'index($5, t) == 1 || index($5, r) == 1 {print $5}' /proc/self/mountinfo |
        grep -v -x -F -e "$RUNROOT" -e "$tmp")
    [ -z "$m" ] || left="$left mounts:$(echo $m)"
    [ -z "$(ls -A "$RUNROOT/netns" 2>/dev/null)" ] || left="$left netns:$(ls "$RUNROOT/netns" | tr '\n' ' ')"
    local veths
    veths=$(comm -13 <(echo "$veths_before") <(ip -o link show type veth | awk -F': ' '{print $2}' | cut -d@ -f1 | sort))
    [ -z "$veths" ] || left="$left veths:$(echo $veths)"
    local ipam
    ipam=$(ls "/var/lib/cni/networks/$NET" 2>/dev/null | grep -v -e '^last_reserved_ip' -e '^lock$')
    [ -z "$ipam" ] || left="$left ipam:$(echo $ipam)"
    local nft
    nft=$(nft list table ip libctr 2>/dev/null | grep -c -F "$SUBNET.")
    [ "$nft" = 0 ] || left="$left nft:$nft-lines"
    local cg
    cg=$(find /sys/fs/cgroup/ -mindepth 2 -maxdepth 3 -type d -path "*$CGROUP/*" 2>/dev/null)
    [ -z "$cg" ] || left="$left cgroups:$(echo $cg | head -c 200)"
    [ -z "$(ls -A "$RUNROOT/containers" 2>/dev/null)" ] || left="$left run-dirs:$(ls "$RUNROOT/containers" | tr '\n' ' ')"
    [ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] || left="$left static-dirs:$(ls "$ROOT/containers" | tr '\n' ' ')"
    [ -z "$left" ] && return 0
    echo "left:$left"
    return 1
}

# after_kill LABEL: the checks of one kill, then everything removed.
after_kill() {
    local what
    what=$(truthful) || not_ok "$1: ps -a tells the truth: $what"
    what=$(startable) || not_ok "$1: a stopped container starts: $what"
    c rm -a -f
    [ "$RC" = 0 ] || not_ok "$1: rm -a -f: rc=$RC $ERR"
    what=$(nothing_left) || not_ok "$1: nothing is left: $what"
    [ -z "$what" ] && [ "$RC" = 0 ] && pass=$((pass + 1))
}

echo "# ctrctl: $CTRCTL, backend $BACKEND, root $tmp, $ROUNDS kills of run -d, $OP_ROUNDS of each other operation"
c network create --subnet $SUBNET.0/24 --interface-name $NET $NET
check "network create $NET" [ "$RC" = 0 ]
R="--cgroup-parent $CGROUP --network $NET --rootfs $ROOTFS"
run_args() { echo "run -d --name k$1 $R -p 127.0.0.1:$((PORT0 + $1 % 100)):80 sleep 1000"; }

# ---- run -d, killed ----
# shellcheck disable=SC2046
total=$(duration $(run_args 0))
c rm -a -f
echo "# run -d takes $total ms"
for i in $(seq 1 "$ROUNDS"); do
    # shellcheck disable=SC2046
    killed_at "$(delay_for "$i" "$total")" $(run_args "$i")
    after_kill "run -d killed at $(delay_for "$i" "$total") ms (round $i)"
done

# ---- exec, stop, rm, killed on a running container ----
op_exec() { echo "exec k$1 /bin/sh -c true"; }
op_stop() { echo "stop -t 1 k$1"; }
op_rm() { echo "rm -f k$1"; }
for op in exec stop rm; do
    # shellcheck disable=SC2046
    c $(run_args 0)
    # shellcheck disable=SC2046
    total=$(duration $(op_$op 0))
    c rm -a -f
    echo "# $op takes $total ms"
    for i in $(seq 1 "$OP_ROUNDS"); do
        # shellcheck disable=SC2046
        c $(run_args "$i")
        [ "$RC" = 0 ] || not_ok "$op round $i: run -d: $ERR"
        # shellcheck disable=SC2046
        killed_at "$(delay_for "$i" "$total" "$OP_ROUNDS")" $(op_$op "$i")
        after_kill "$op killed (round $i)"
    done
done

# ---- at each crash point (a -Dfault_injection=true build: CTR_KILL_FAULTS=1) ----
# CTR_FAULT=POINT makes ctrctl SIGKILL itself there (lib/base/fault.h): run -d,
# then stop and rm on a running container, killed at every point of the
# library that the operation reaches (a point it does not reach lets it
# finish; exec reaches none).
if [ "${CTR_KILL_FAULTS:-}" = 1 ]; then
    points=$(grep -rhoE 'CTR_FAULT_POINT\("[a-z0-9._-]+"\)' "$SRC/lib" | sed 's/.*("\(.*\)")/\1/' | sort -u)
    n=0
    for p in $points; do
        case $p in files.*) [ "$BACKEND" = files ] || continue ;; tdb.*) [ "$BACKEND" = tdb ] || continue ;; esac
        n=$((n + 1))
        # shellcheck disable=SC2046
        CTR_FAULT=$p "$CTRCTL" $G $(run_args "$n") >/dev/null 2>&1 </dev/null &
        wait $! 2>/dev/null # (no "Killed" report)
        after_kill "run -d killed at $p"
        for op in stop rm; do
            # shellcheck disable=SC2046
            c $(run_args "$n")
            # shellcheck disable=SC2046
            CTR_FAULT=$p "$CTRCTL" $G $(op_$op "$n") >/dev/null 2>&1 </dev/null &
            wait $! 2>/dev/null
            after_kill "$op killed at $p"
        done
    done
    echo "# $n crash points"
fi

# ---- network create and network rm, killed ----
net_create() { echo "network create --subnet $SUBNET2.0/24 --interface-name $NET2 $NET2"; }
# net_clean LABEL: the network works if it is there, goes with rm -f, and
# leaves nothing: no configuration file, bridge, address or nft element.
net_clean() {
    c network ls -q
    [ "$RC" = 0 ] || not_ok "$1: network ls: rc=$RC $ERR"
    if has "$OUT" "^$NET2\$"; then
        c run --rm --network $NET2 --rootfs "$ROOTFS" true
        [ "$RC" = 0 ] || not_ok "$1: a container on the network that is there: rc=$RC $ERR"
    fi
    c network rm -f $NET2
    [ "$RC" = 0 ] || has "$ERR" "not found\|no such\|does not exist" || not_ok "$1: network rm -f: rc=$RC $ERR"
    local left=""
    [ -z "$(ls -A "$CNI" 2>/dev/null | grep -v -e "^$NET.conflist\$" -e '^cni.lock$')" ] ||
        left="$left cni-dir:$(ls -A "$CNI" | tr '\n' ' ')"
    ip link show $NET2 >/dev/null 2>&1 && left="$left bridge"
    [ -z "$(ls "/var/lib/cni/networks/$NET2" 2>/dev/null | grep -v -e '^last_reserved_ip' -e '^lock$')" ] || left="$left ipam"
    [ "$(nft list table ip libctr 2>/dev/null | grep -c -F "$SUBNET2.")" = 0 ] || left="$left nft"
    if [ -n "$left" ]; then
        not_ok "$1: nothing of the network is left: left:$left"
        ip link del $NET2 2>/dev/null
    else
        pass=$((pass + 1))
    fi
}
# shellcheck disable=SC2046
total=$(duration $(net_create))
c network rm -f $NET2
echo "# network create takes $total ms"
for i in $(seq 1 "$OP_ROUNDS"); do
    # shellcheck disable=SC2046
    killed_at "$(delay_for "$i" "$total" "$OP_ROUNDS")" $(net_create)
    net_clean "network create killed (round $i)"
done
# shellcheck disable=SC2046
c $(net_create)
c run --rm --network $NET2 --rootfs "$ROOTFS" true
total=$(duration network rm -f $NET2)
echo "# network rm takes $total ms"
for i in $(seq 1 "$OP_ROUNDS"); do
    # shellcheck disable=SC2046
    c $(net_create)
    c run -d --name n$i --network $NET2 --rootfs "$ROOTFS" sleep 1000
    killed_at "$(delay_for "$i" "$total" "$OP_ROUNDS")" network rm -f $NET2
    net_clean "network rm killed (round $i)"
    c rm -a -f
done

c network rm -f $NET
check "network rm $NET" [ "$RC" = 0 ]
echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
