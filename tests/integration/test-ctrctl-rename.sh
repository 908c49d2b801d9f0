#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl rename end to end, as root, with real runc and conmon, on both state
# backends, beside podman 4.3 doing the same steps: a name in use, invalid
# names, the same name, no such container, a wrong argument count; a created,
# a running and a stopped container renamed (the running one keeps running);
# after a rename the old name is free and lookups by the new name work
# (inspect's Name, ps, start, stop, rm).  Each step's exit code and output
# must be podman's; the messages say the same things.
# usage: test-ctrctl-rename.sh CTRCTL SOURCE_ROOT
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-rename-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
PODMAN=(podman --runtime runc --root "$tmp/proot" --runroot "$tmp/prun")
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    for b in files tdb; do
        "$CTRCTL" --root "$tmp/root-$b" --runroot "$RUNROOT/$b" --state-backend "$b" rm -a -f >/dev/null 2>&1
    done
    "${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
    wait
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

# The tool of the current run: ctrctl on a backend, or podman.
TOOL=()
t() {
    timeout -k 5 60 "${TOOL[@]}" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}
# step LABEL ARGS...: run a step, log its exit code and output to $LOG.
step() {
    local label=$1
    shift
    t "$@"
    printf '%s rc=%s out=[%s]\n' "$label" "$RC" "$(printf '%s' "$OUT" | tr '\n' ' ')" >>"$LOG"
}

# The steps, the same for every tool.  Messages are kept in $tmp/msg-TOOL-LABEL.
scenario() {
    # --rootfs last: its root file system is the first argument.
    local create=(create --network none)
    local run=("${create[@]}")
    [ "${TOOL[0]}" = podman ] && run+=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
    t "${run[@]}" --name rn-a --rootfs "$tmp/rootfs" /bin/sleep 1000
    t "${create[@]}" --name rn-b --rootfs "$tmp/rootfs" /bin/true
    step in-use rename rn-a rn-b
    cp "$tmp/err" "$tmp/msg-$1-in-use"
    step invalid rename rn-a 'bad name'
    cp "$tmp/err" "$tmp/msg-$1-invalid"
    step slash rename rn-a /rn-x
    step empty rename rn-a ''
    step same rename rn-a rn-a
    step no-such rename rn-nosuch rn-x
    cp "$tmp/err" "$tmp/msg-$1-no-such"
    step one-arg rename rn-a
    cp "$tmp/err" "$tmp/msg-$1-one-arg"
    step created rename rn-b rn-b2
    step created-inspect inspect --format '{{.Name}}' rn-b2
    step start start rn-a
    step running rename rn-a rn-c
    step running-state inspect --format '{{.Name}} {{.State.Status}}' rn-c
    step old-gone inspect --format '{{.Name}}' rn-a
    step old-free "${create[@]}" --name rn-a --rootfs "$tmp/rootfs" /bin/true
    LAST_ID=$OUT
    step stop stop -t 0 rn-c
    step stopped rename rn-c rn-d
    step stopped-start start rn-d
    step stopped-state inspect --format '{{.Name}} {{.State.Status}}' rn-d
    t ps -a --format '{{.Names}}'
    printf 'names rc=%s out=[%s]\n' "$RC" "$(printf '%s\n' "$OUT" | sort | tr '\n' ' ')" >>"$LOG"
    step stop-again stop -t 0 rn-d
    step rm rm rn-d
    step rm-created rm rn-b2
    step old-gone-2 inspect --format '{{.Name}}' rn-c
    step rm-a rm rn-a
}

echo "# ctrctl: $CTRCTL, root $tmp"
for b in files tdb; do
    TOOL=("$CTRCTL" --root "$tmp/root-$b" --runroot "$RUNROOT/$b" --state-backend "$b")
    LOG=$tmp/log-$b
    scenario "$b"
    # Outputs that differ by tool: the ID printed by create.
    sed -i "s/$LAST_ID/ID/" "$LOG"
done
TOOL=("${PODMAN[@]}")
LOG=$tmp/log-podman
scenario podman
sed -i "s/$LAST_ID/ID/" "$LOG"

for b in files tdb; do
    while IFS= read -r line; do
        label=${line%% *}
        theirs=$(grep "^$label " "$tmp/log-podman")
        if [ "$line" = "$theirs" ]; then
            ok "$b: $label: as podman ($line)"
        else
            RC=; not_ok "$b: $label: ctrctl [$line], podman [$theirs]"
        fi
    done <"$tmp/log-$b"
    check "$b: a name in use: the message says so (podman: $(cat "$tmp/msg-podman-in-use"))" \
        grep -q 'the name "rn-b" is already in use' "$tmp/msg-$b-in-use"
    check "$b: an invalid name: podman's rule in the message" \
        grep -q 'names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*' "$tmp/msg-$b-invalid"
    check "$b: podman gives the same rule" grep -q 'names must match \[a-zA-Z0-9\]\[a-zA-Z0-9_.-\]\*' \
        "$tmp/msg-podman-invalid"
    check "$b: a wrong argument count: podman's message" \
        grep -qxF "$(cat "$tmp/msg-podman-one-arg")" "$tmp/msg-$b-one-arg"
    check "$b: no such container: an error" grep -q 'no such container' "$tmp/msg-$b-no-such"
    check "$b: every step was compared" [ "$(wc -l <"$tmp/log-$b")" = 24 ]
done
check "podman's steps all ran" [ "$(wc -l <"$tmp/log-podman")" = 24 ]
# The record on disk: the files backend's name links are the live names only.
check "files: no name link is left but for live containers" [ -z "$(ls "$tmp/root-files/state/files/names")" ]

summary
