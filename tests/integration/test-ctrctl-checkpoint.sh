#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl container checkpoint|restore end to end, as root, with real runc,
# conmon and CRIU: a counter (`i=$((i+1))` every 0.1 s, written to /tmp/c)
# goes on from where it was, not from zero, after a checkpoint and a restore
# in place, and after an export and an import as a new container with a new
# name (its root file system changes in the archive); --leave-running keeps it
# running; --keep keeps CRIU's log; inspect's State keys are podman 4.3's
# for the same steps; the errors (no checkpoint, wrong state, bad flags, a
# missing or bad archive) in podman's words.
# usage: test-ctrctl-checkpoint.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman conmon umoci python3 tar
command -v criu >/dev/null || missing "criu not found (scripts/setup.sh installs it)"
criu check >/dev/null 2>&1 || missing "criu check fails on this kernel (scripts/setup-criu.sh)"

export CTRCTL_NETWORK=none
# podman wants a lowercase path for an oci: reference.
tmp=/tmp/ctrctl-ckpt-test.$(tr -dc 'a-z0-9' </dev/urandom | head -c 10)
mkdir -m 700 "$tmp" || { echo "FAIL: cannot make $tmp"; exit 1; }
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
P=(podman --runtime runc --root "$tmp/proot" --runroot "$tmp/prun")
COUNTER='echo new > /etc/newfile; rm /etc/group; i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done'
final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${P[@]}" rm -a -f -t 0 >/dev/null 2>&1
    "${P[@]}" rmi -a -f >/dev/null 2>&1
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

c() {
    timeout -k 5 120 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
pm() {
    timeout -k 5 120 "${P[@]}" "$@" >"$tmp/pout" 2>"$tmp/perr" </dev/null
    PRC=$?
    POUT=$(cat "$tmp/pout")
    PERR=$(cat "$tmp/perr")
}
# counter NAME: the counter's value, read in the container.
# The counter's file is empty for a moment at each write (`echo > /tmp/c`
# truncates it first): a read that finds it so is read again.
counter() {
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        c exec "$1" cat /tmp/c
        [ -n "$OUT" ] && break
        sleep 0.02
    done
    printf '%s' "$OUT"
}
pcounter() {
    local _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pm exec "$1" cat /tmp/c
        [ -n "$POUT" ] && break
        sleep 0.02
    done
    printf '%s' "$POUT"
}
# wait_counter NAME N [podman]: until the counter reaches N (10 s at most).
wait_counter() {
    local _ v
    for _ in $(seq 100); do
        if [ "${3:-}" = podman ]; then v=$(pcounter "$1"); else v=$(counter "$1"); fi
        [ -n "$v" ] && [ "$v" -ge "$2" ] 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
# state_keys: the keys of State in inspect's output (OUT or POUT), sorted;
# not CgroupPath, which podman shows for any running container and ctrctl not.
state_keys() {
    printf '%s' "$1" |
        python3 -c 'import json,sys; print(" ".join(sorted(set(json.load(sys.stdin)[0]["State"]) - {"CgroupPath"})))'
}
state() { printf '%s' "$OUT" | python3 -c "import json,sys; s=json.load(sys.stdin)[0]['State']; print($1)"; }
same() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"; fi
}

echo "# ctrctl: $CTRCTL, root $tmp, $(criu --version | head -1)"
"$SRC/bindings/make-test-image.sh" "$tmp/oci" >/dev/null || { echo "FAIL: make-test-image"; exit 1; }
c image load -q "oci:$tmp/oci:latest" bb
check "image loaded" [ "$RC" = 0 ]
pm pull -q "oci:$tmp/oci:latest"
PIMG=$POUT
check "podman pulled the same image" [ "$PRC" = 0 ] && [ -n "$PIMG" ]

# ---- checkpoint and restore in place ----
c run -d --name k1 bb sh -c "$COUNTER"
check "run -d the counter" [ "$RC" = 0 ]
ID=$OUT
check "the counter reaches 20" wait_counter k1 20
before=$(counter k1)
c container checkpoint k1
check "checkpoint prints the name as given" [ "$RC" = 0 ] && [ "$OUT" = k1 ]
c ps -a --format '{{.Names}} {{.Status}}'
check "ps: the checkpointed container is Exited (0)" has "$OUT" '^k1 Exited (0) '
c inspect k1
check "inspect: State.Status exited, Checkpointed true, Restored absent" \
    [ "$(state "s['Status'], s['Checkpointed'], 'Restored' in s")" = "exited True False" ]
check "inspect: CheckpointPath is the container's checkpoint directory, with CRIU's inventory" \
    [ "$(state "s['CheckpointPath']")" = "$ROOT/containers/$ID/checkpoint" ] && [ -f "$ROOT/containers/$ID/checkpoint/inventory.img" ]
check "inspect: CheckpointedAt is set, RestoredAt zero; no CheckpointLog without --keep" \
    [ "$(state "s['CheckpointedAt'] > '2000', s['RestoredAt'], 'CheckpointLog' in s")" = "True 0001-01-01T00:00:00Z False" ]
check "no dump.log without --keep" [ ! -e "$ROOT/containers/$ID/dump.log" ]
check "the root file system is unmounted, the process gone" \
    [ "$(state "s['Pid'], s['ConmonPid']")" = "0 0" ] && ! grep -q "$ID" /proc/self/mountinfo
CKPT_KEYS=$(state_keys "$OUT")

sleep 1
c container restore k1
check "restore prints the name as given" [ "$RC" = 0 ] && [ "$OUT" = k1 ]
after=$(counter k1)
check "the counter goes on from where it was ($before before, $after after), not from zero" \
    [ -n "$after" ] && [ "$after" -ge "$before" ] 2>/dev/null
sleep 0.5
check "and keeps counting" [ "$(counter k1)" -gt "$after" ] 2>/dev/null
c inspect k1
check "inspect: running, Restored true, Checkpointed absent, RestoredAt set, CheckpointedAt zero" \
    [ "$(state "s['Status'], s['Restored'], 'Checkpointed' in s, s['RestoredAt'] > '2000', s['CheckpointedAt']")" = \
      "running True False True 0001-01-01T00:00:00Z" ]
check "the checkpoint's files are gone without --keep" \
    [ "$(state "'CheckpointPath' in s, 'RestoreLog' in s")" = "False False" ] && [ ! -e "$ROOT/containers/$ID/checkpoint" ] &&
    [ ! -e "$ROOT/containers/$ID/restore.log" ]
RESTORED_KEYS=$(state_keys "$OUT")

# ---- podman's keys for the same steps ----
pm run -d --name k1 --network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$PIMG" sh -c "$COUNTER"
check "podman: run -d the counter" [ "$PRC" = 0 ]
wait_counter k1 5 podman
pm container checkpoint k1
check "podman: checkpoint" [ "$PRC" = 0 ] && [ "$POUT" = k1 ]
pm inspect k1
same "inspect's State keys after a checkpoint are podman's" "$CKPT_KEYS" "$(state_keys "$POUT")"
pm container restore k1
check "podman: restore" [ "$PRC" = 0 ]
pm inspect k1
same "inspect's State keys after a restore are podman's" "$RESTORED_KEYS" "$(state_keys "$POUT")"

# ---- leave-running, keep ----
c container checkpoint --leave-running --keep k1
check "checkpoint --leave-running --keep" [ "$RC" = 0 ] && [ "$OUT" = k1 ]
c inspect k1
check "--leave-running: still running, not Checkpointed" [ "$(state "s['Status'], 'Checkpointed' in s")" = "running False" ]
check "--keep: CheckpointLog is dump.log, kept" \
    [ "$(state "s['CheckpointLog']")" = "$ROOT/containers/$ID/dump.log" ] && [ -s "$ROOT/containers/$ID/dump.log" ]
v=$(counter k1)
sleep 0.5
check "--leave-running: the counter goes on counting" [ "$(counter k1)" -gt "$v" ] 2>/dev/null
pm container checkpoint --leave-running --keep k1
pm inspect k1
c inspect k1
same "inspect's State keys after --leave-running --keep are podman's" "$(state_keys "$OUT")" "$(state_keys "$POUT")"
c container restore k1
pm container restore k1
same "restoring a running container: podman's error" "$(printf '%s' "$ERR" | sed "s/$ID/ID/")" \
    "$(printf '%s' "$PERR" | sed 's/container [0-9a-f]\{64\}/container ID/')"
check "and it fails with 125" [ "$RC" = 125 ]
pm container checkpoint --leave-running --export "$tmp/p.tar" k1
check "podman: checkpoint --export (an archive of podman's for the flag checks below)" [ "$PRC" = 0 ]

# ---- export and import as a new container ----
c container checkpoint --export "$tmp/k1.tar" k1
check "checkpoint --export FILE" [ "$RC" = 0 ] && [ "$OUT" = k1 ]
at_export=$(tar -xOf "$tmp/k1.tar" rootfs-diff.tar | tar -xOf - tmp/c)
check "the archive: config.dump, CRIU's images, rootfs-diff.tar" \
    tar -tf "$tmp/k1.tar" config.dump checkpoint/inventory.img rootfs-diff.tar
check "rootfs-diff.tar holds the changes: /etc/newfile, /etc/group deleted, /tmp/c ($at_export)" \
    [ "$(tar -xOf "$tmp/k1.tar" rootfs-diff.tar | tar -tf - | grep -E '^etc/(newfile|\.wh\.group)$' | sort | tr '\n' ' ')" = "etc/.wh.group etc/newfile " ]
check "an export without --keep leaves no images in the container's directory" [ ! -e "$ROOT/containers/$ID/checkpoint" ]
c container restore --import "$tmp/k1.tar" --name k2
check "restore --import FILE --name NEW prints the new container's ID" [ "$RC" = 0 ] && has "$OUT" '^[0-9a-f]\{64\}$'
ID2=$OUT
c inspect k2
check "the ID printed is k2's, and it is not k1's" [ "$(py "d[0]['Id']")" = "$ID2" ] && [ "$ID2" != "$ID" ]
v=$(counter k2)
check "the new container's counter goes on from the export ($at_export), not from zero ($v)" \
    [ -n "$v" ] && [ "$v" -ge "$at_export" ] 2>/dev/null
c exec k2 sh -c 'cat /etc/newfile; [ -e /etc/group ] || echo no-group'
check "the root file system changes came with it" [ "$OUT" = "new
no-group" ]
c ps -a --format '{{.Names}} {{.Status}}'
check "k1 is exited, k2 runs" has "$OUT" '^k1 Exited (0) ' && has "$OUT" '^k2 Up '
check "the import's staging directory is gone" [ -z "$(ls -A "$ROOT/checkpoint-import" 2>/dev/null)" ]
c container restore --import "$tmp/k1.tar" --name k2
check "an import under a taken name fails, and leaves no container" [ "$RC" = 125 ] &&
    [ "$("$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" ps -a -q | wc -l)" = 2 ]

# ---- errors ----
c container restore k1
check "restore of a container whose checkpoint went into an export: a clear error" \
    rc_has 125 "$ERR" "^Error: a complete checkpoint for this container cannot be found, cannot restore: stat $ROOT/containers/$ID/checkpoint/inventory.img"
c create --name k3 bb sleep 100
c container restore k3
pm create --name k3 "$PIMG" sleep 100
pm container restore k3
same "restore of a container never checkpointed: podman's message (its path aside)" \
    "$(printf '%s' "$ERR" | sed 's|stat /.*/inventory.img|stat PATH/inventory.img|')" \
    "$(printf '%s' "$PERR" | sed 's|stat /.*/inventory.img|stat PATH/inventory.img|')"
check "and it fails with 125" [ "$RC" = 125 ]
c container checkpoint k1
pm stop -t 0 k1
pm container checkpoint k1
same "checkpoint of an exited container: podman's error" "$ERR" "$PERR"
for args in "restore" "restore --name x k1" "restore --import $tmp/p.tar k1" "checkpoint"; do
    # shellcheck disable=SC2086
    c container $args
    # shellcheck disable=SC2086
    pm container $args
    same "container $args: podman's error" "$ERR" "$PERR"
done
c container restore --import "$tmp/none.tar"
pm container restore --import "$tmp/none.tar"
same "--import of a missing file: podman's message" "$ERR" "$PERR"
check "and it fails with 125" [ "$RC" = 125 ]
echo junk >"$tmp/junk.tar"
c container restore --import "$tmp/junk.tar"
check "--import of a file that is not a tar fails" [ "$RC" = 125 ] && has "$ERR" "junk.tar"
tar -cf "$tmp/empty.tar" -C "$tmp" junk.tar
c container restore --import "$tmp/empty.tar"
check "--import of a tar that is not a checkpoint: a clear error" rc_has 125 "$ERR" "is not a checkpoint archive"
c container checkpoint --export "$tmp/nodir/x.tar" k2
check "--export into a missing directory fails before the checkpoint" \
    rc_has 125 "$ERR" "^Error: creating checkpoint archive $tmp/nodir/x.tar: "
c inspect k2
check "and k2 still runs, not checkpointed" [ "$(state "s['Status'], 'Checkpointed' in s")" = "running False" ]
v=$(counter k2)
c container checkpoint k2
c container restore k2
check "the imported container checkpoints and restores in place too (counter $v, then $(counter k2))" \
    [ "$RC" = 0 ] && [ "$(counter k2)" -ge "$v" ] 2>/dev/null
c container nosuch
check "container with an unknown subcommand" rc_has 125 "$ERR" 'unknown container command "nosuch"'
c container ps -a --format '{{.Names}}'
check "container ps runs ps" [ "$RC" = 0 ] && has "$OUT" '^k2$'

c rm -a -f
check "rm -a -f" [ "$RC" = 0 ]
check "nothing of the containers is left: static dirs, mounts" \
    [ -z "$(ls -A "$ROOT/containers" 2>/dev/null)" ] && ! grep -q "$tmp/root" /proc/self/mountinfo
rm -f "$tmp/k1.tar" "$tmp/p.tar" "$tmp/junk.tar" "$tmp/empty.tar"
summary
