#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctr-oci (libctr's native runtime behind runc's command line) driven by
# podman 4.3 itself, in a store of this test: run --rm, run -d, exec (also
# with a terminal), logs, pause/unpause, stop, rm, each compared with the
# same commands under runc; and escape attempts, each refused: a rootfs
# symlink at a mount target pointing to / (and one pointing out of the
# rootfs, resolved inside it), a container process opening its monitor's
# /proc/PID/exe and fds (host PID namespace), the runtime's descriptors
# (none reach the container), a cwd of /proc/self/fd/N (a host directory
# passed with --preserve-fds; CVE-2024-21626); and config.json's hooks, the
# same as under runc (kinds, env, state on stdin; failures and timeouts).
# usage: test-native-oci.sh CTRCTL CTR_OCI SOURCE_ROOT
set -u
CTRCTL=$1
OCI=$2
SRC=$3
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman /usr/bin/python3 script
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -x "$OCI" ] || missing "ctr-oci not built: $OCI"

tmp=$(mktemp -d /tmp/native-oci.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
CG=libctr_native_oci_$$
N=libctr-noci-$$
P=(podman --root "$tmp/proot" --runroot "$tmp/prun" --cgroup-manager cgroupfs --storage-driver vfs)
U=(--network none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

final_cleanup() {
    for rt in runc "$OCI"; do
        "${P[@]}" --runtime "$rt" rm -a -f >/dev/null 2>&1
    done
    for id in $("$OCI" --root "$tmp/state" list 2>/dev/null | awk 'NR > 1 {print $1}'); do
        "$OCI" --root "$tmp/state" delete -f "$id" >/dev/null 2>&1
    done
    CTRCTL_RUNTIME="$OCI" "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    "${P[@]}" rmi -a -f >/dev/null 2>&1
    wait
    for d in /sys/fs/cgroup/*/"$CG" /sys/fs/cgroup/"$CG"; do
        [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    umount_under "$tmp"
    remove_run_root
    rm -rf "$tmp"
}
trap final_cleanup EXIT

sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" >/dev/null || { echo "FAIL: make-rootfs.sh"; exit 1; }
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" . && "${P[@]}" import "$tmp/rootfs.tar" "localhost/$N" >/dev/null 2>&1 ||
    { echo "FAIL: podman import"; exit 1; }
IMG=localhost/$N

# p RUNTIME ARGS...: podman with that runtime; sets RC, OUT, ERR.
p() {
    local rt=$1
    shift
    timeout -k 5 60 "${P[@]}" --runtime "$rt" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# both WHAT ARGS...: the same podman command under runc and ctr-oci gives
# the same exit code and output ({ID} in ARGS is the container's name).
both() {
    local what=$1 rc1 out1
    shift
    p runc "${@//\{ID\}/$N-runc}"
    rc1=$RC out1=$OUT
    p "$OCI" "${@//\{ID\}/$N-oci}"
    if [ "$RC" = "$rc1" ] && [ "$OUT" = "${out1//$N-runc/$N-oci}" ]; then
        ok "podman $what: the same under ctr-oci as under runc"
    else
        not_ok "podman $what: the same under ctr-oci as under runc"
        printf '       runc: rc=%s [%s]\n       ctr-oci: rc=%s [%s]\n' "$rc1" "$out1" "$RC" "$OUT"
    fi
}

podman_drives() {
    p "$OCI" run --rm "${U[@]}" "$IMG" true
    check "podman --runtime ctr-oci run --rm IMAGE true" rc_is 0 true
    both "run --rm with output and an exit code" run --rm "${U[@]}" "$IMG" sh -c 'echo out; echo err >&2; exit 3'
    p runc run -d --name "$N-runc" "${U[@]}" "$IMG" sh -c 'echo started; exec sleep 100'
    p "$OCI" run -d --name "$N-oci" "${U[@]}" "$IMG" sh -c 'echo started; exec sleep 100'
    check "podman run -d under ctr-oci" rc_is 0 true
    both "exec" exec "{ID}" sh -c 'echo in exec; id; exit 5'
    both "exec --user" exec --user 1000:10 "{ID}" id
    both "exec of a missing program (exit code)" exec "{ID}" /no/such/program
    both "logs" logs "{ID}"
    both "top" top "{ID}" user args
    both "pause" pause "{ID}"
    both "inspect of a paused container" inspect --format '{{.State.Status}} {{.State.Paused}}' "{ID}"
    both "exec in a paused container is refused" exec "{ID}" true
    both "unpause" unpause "{ID}"
    both "inspect after unpause" inspect --format '{{.State.Status}} {{.State.Running}}' "{ID}"
    both "stop -t 1" stop -t 1 "{ID}"
    both "inspect after stop" inspect --format '{{.State.Status}} {{.State.ExitCode}}' "{ID}"
    both "rm" rm "{ID}"
    # A terminal through the console socket: script(1) gives podman one.
    script -qec "${P[*]} --runtime $OCI run --rm -t ${U[*]} $IMG tty" /dev/null >"$tmp/tty" 2>&1
    check "podman run -t under ctr-oci: the container has a pty" grep -q '^/dev/pts/0' "$tmp/tty"
}

# bundle NAME PYTHON: a bundle of the rootfs copy ROOTFS-NAME with the
# spec edited by PYTHON (d), in $tmp/b-NAME.
bundle() {
    local name=$1
    mkdir -p "$tmp/b-$name"
    [ -d "$tmp/rootfs-$name" ] || cp -a "$tmp/rootfs" "$tmp/rootfs-$name"
    (cd "$tmp/b-$name" && runc spec) || return 1
    /usr/bin/python3 - "$tmp/b-$name/config.json" "$tmp/rootfs-$name" "/$CG/$name" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["root"] = {"path": sys.argv[2], "readonly": False}
d["linux"]["cgroupsPath"] = sys.argv[3]
d["process"]["terminal"] = False
d["process"]["rlimits"] = []
exec(sys.argv[4])
json.dump(d, open(sys.argv[1], "w"))
PYEOF
}

# oci ARGS...: ctr-oci with this test's state directory; sets RC, OUT, ERR.
oci() {
    timeout -k 5 30 "$OCI" --root "$tmp/state" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    OUT=$(cat "$tmp/out")
    ERR=$(cat "$tmp/err")
}

# nothing_left ID: no state and no cgroup of container ID.
nothing_left() {
    [ ! -e "$tmp/state/$1" ] && ! ls -d /sys/fs/cgroup/*/"$CG/$1" >/dev/null 2>&1
}

# run_bundle NAME: create + start + wait + delete; the output in $tmp/run-NAME.
run_bundle() {
    "$OCI" --root "$tmp/state" create --bundle "$tmp/b-$1" "$1" >"$tmp/run-$1" 2>&1 </dev/null || return 1
    "$OCI" --root "$tmp/state" start "$1" || return 1
    for _ in $(seq 100); do
        "$OCI" --root "$tmp/state" state "$1" | grep -q '"stopped"' && break
        sleep 0.05
    done
    "$OCI" --root "$tmp/state" delete "$1"
}

escapes() {
    bundle link-root "d['mounts'].append({'destination': '/evil', 'type': 'tmpfs', 'source': 'tmpfs'})"
    ln -s / "$tmp/rootfs-link-root/evil"
    oci create --bundle "$tmp/b-link-root" link-root
    check "a mount target that is a symlink to / is refused" rc_has 1 "$ERR" "evil resolves to the rootfs itself"
    check "... and nothing of the container is left" nothing_left link-root

    mkdir -p "$tmp/host-target"
    bundle link-out "d['mounts'].append({'destination': '/out/x', 'type': 'tmpfs', 'source': 'tmpfs'});
d['process']['args'] = ['sh', '-c', 'grep -c \"/host-target/x .* - tmpfs \" /proc/self/mountinfo']"
    ln -s "$tmp/host-target" "$tmp/rootfs-link-out/out"
    run_bundle link-out
    check "a symlink out of the rootfs at a mount target resolves inside the rootfs" \
        [ -d "$tmp/rootfs-link-out/$tmp/host-target/x" ]
    check "... the host's directory is untouched" [ -z "$(ls -A "$tmp/host-target")" ]
    check "... and the container sees the mount there" grep -qx 1 "$tmp/run-link-out"

    bundle fds "d['process']['args'] = ['sh', '-c', 'ls /proc/self/fd | sort -n | tr \"\\n\" \" \"']"
    run_bundle fds 3>/dev/null 4>"$tmp/host-target/leak" 5<"$tmp/rootfs"
    check "no descriptor of the runtime or its caller reaches the container" grep -qx '0 1 2 3 ' "$tmp/run-fds"

    bundle cwd-fd "d['process']['cwd'] = '/proc/self/fd/3'; d['process']['args'] = ['pwd']"
    timeout -k 5 30 "$OCI" --root "$tmp/state" create --bundle "$tmp/b-cwd-fd" --preserve-fds 1 cwd-fd \
        3<"$tmp/host-target" >"$tmp/out" 2>"$tmp/err" </dev/null
    RC=$?
    ERR=$(cat "$tmp/err")
    check "a cwd of /proc/self/fd/N (a host directory) is refused" rc_has 1 "$ERR" "outside the container"
    check "... and nothing of the container is left" nothing_left cwd-fd
    bundle cwd-fd2 "d['process']['cwd'] = '/proc/self/fd/7'; d['process']['args'] = ['pwd']"
    oci create --bundle "$tmp/b-cwd-fd2" cwd-fd2
    check "a cwd of /proc/self/fd/N (a runtime's descriptor) is refused" rc_is 1 has "$ERR" "cwd /proc/self/fd/7"

    # The monitor (conmon) from a container in the host's PID namespace.
    p "$OCI" run -d --name "$N-pid" "${U[@]}" --pid host "$IMG" sleep 100
    p "$OCI" inspect --format '{{.State.ConmonPid}}' "$N-pid"
    local mon=$OUT
    p "$OCI" exec "$N-pid" sh -c "readlink /proc/$mon/exe; cat /proc/$mon/exe >/dev/null && echo EXE-READ; \
        for f in /proc/$mon/fd/*; do readlink \$f && echo FD-READ; cat \$f </dev/null >/dev/null && echo FD-READ; done; cat /proc/$mon/environ >/dev/null && echo ENV-READ; echo done"
    check "a container process cannot open its monitor's /proc/PID/exe, fds or environ" \
        [ "$(printf '%s\n' "$OUT" | grep -c -e EXE-READ -e FD-READ -e ENV-READ -e '^/')" = 0 -a -n "$mon" ]
    check "... (it ran)" grep -q '^done' <(printf '%s\n' "$OUT")
}

# hooks_bundle NAME LOG: a bundle whose six kinds of hooks each append
# "KIND HOOKVAR STATE" to LOG (startContainer's, in the container, to
# /hooks/log: LOG's directory bound there).
hooks_bundle() {
    bundle "$1" "
def hook(kind, log):
    return {'path': '/bin/sh', 'env': ['HOOKVAR=set'],
            'args': ['sh', '-c', 's=\$(cat); echo \"%s \$HOOKVAR \$s\" >> %s' % (kind, log)]}
log = '$2'
d['mounts'].append({'destination': '/hooks', 'type': 'bind', 'source': '${2%/*}', 'options': ['rbind', 'rw']})
d['process']['args'] = ['true']
d['hooks'] = {k: [hook(k, '/hooks/log' if k == 'startContainer' else log)]
              for k in ('prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop')}"
}

# hooks_log LOG BUNDLE ID: the log with the varying parts named (PIDs, the
# bundle, the ID, the runtime's ociVersion), in kind order: runc runs
# poststart while the container's process runs startContainer (their
# order varies), and gives poststart the status "created" (that process
# has not exec'd yet); ctr-oci gives "running", what its state says then.
hooks_log() {
    /usr/bin/python3 - "$1" "$2" "$3" <<'PYEOF'
import json, sys
kinds = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']
out = []
for line in open(sys.argv[1]):
    kind, var, doc = line.rstrip('\n').split(' ', 2)
    d = json.loads(doc)
    d['pid'] = 'container' if d.get('pid') == 1 else 'host' if 'pid' in d else 'none'
    d['bundle'] = 'BUNDLE' if d.get('bundle') == sys.argv[2] else d.get('bundle')
    d['id'] = 'ID' if d.get('id') == sys.argv[3] else d.get('id')
    d['ociVersion'] = 'V' if d.get('ociVersion', '').startswith('1.0.2') else d.get('ociVersion')
    if kind == 'poststart' and d.get('status') in ('created', 'running'):
        d['status'] = 'created or running'
    out.append((kinds.index(kind), kind, var, json.dumps(d, sort_keys=True)))
for _, kind, var, doc in sorted(out):
    print(kind, var, doc)
PYEOF
}

# The hooks of config.json under runc and ctr-oci: the same kinds in the
# same order, each with its env only and the same state on stdin; a failing
# hook and one past its timeout fail the create, leaving nothing.
hooks() {
    mkdir -p "$tmp/hooks-runc" "$tmp/hooks-oci"
    hooks_bundle hooks-runc "$tmp/hooks-runc/log"
    hooks_bundle hooks-oci "$tmp/hooks-oci/log"
    local rs=$tmp/runc-state
    runc --root "$rs" create --bundle "$tmp/b-hooks-runc" hooks </dev/null >/dev/null 2>"$tmp/err" &&
        runc --root "$rs" start hooks && sleep 0.3 && runc --root "$rs" delete hooks
    check "runc runs the hooks of the test (reference)" [ -s "$tmp/hooks-runc/log" ]
    run_bundle hooks-oci
    check "ctr-oci runs the hooks: create, start, delete" [ "$?" = 0 ] && [ -s "$tmp/hooks-oci/log" ]
    hooks_log "$tmp/hooks-runc/log" "$tmp/b-hooks-runc" hooks > "$tmp/hooks-runc.norm"
    hooks_log "$tmp/hooks-oci/log" "$tmp/b-hooks-oci" hooks-oci > "$tmp/hooks-oci.norm"
    check "the same hooks, env and states as runc's" [ "$(wc -l < "$tmp/hooks-oci.norm")" = 6 ] && diff "$tmp/hooks-runc.norm" "$tmp/hooks-oci.norm"

    bundle hook-fail "d['hooks'] = {'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', 'echo out; echo boom >&2; exit 3']}]}"
    oci create --bundle "$tmp/b-hook-fail" hook-fail
    check "a failing createRuntime hook fails the create, as runc words it" \
        rc_has 1 "$ERR" "error running createRuntime hook #0: exit status 3, stdout: out"
    check "... with its stderr" has "$ERR" "stderr: boom"
    check "... and nothing of the container is left" nothing_left hook-fail
    bundle hook-slow "d['hooks'] = {'prestart': [{'path': '/bin/sleep', 'args': ['sleep', '30'], 'timeout': 1}]}"
    oci create --bundle "$tmp/b-hook-slow" hook-slow
    check "a hook past its timeout is killed and fails the create" \
        rc_has 1 "$ERR" "error running prestart hook #0: hook ran past specified timeout of 1.0s"
    check "... and nothing of the container is left" nothing_left hook-slow
    bundle hook-missing "d['hooks'] = {'createContainer': [{'path': '/no/such/hook', 'args': ['x']}]}"
    oci create --bundle "$tmp/b-hook-missing" hook-missing
    check "a hook that cannot be executed fails the create" \
        rc_has 1 "$ERR" "error running createContainer hook #0: fork/exec: no such file or directory"
    check "... and nothing of the container is left" nothing_left hook-missing
}

# list: runc's table, --quiet and --format json, compared with runc's on
# the same spec (PIDs, times, bundles and runc's ociVersion named; the
# table's spacing, which follows the lengths, left out).
list_norm() {
    /usr/bin/python3 -c '
import re, sys
t = sys.stdin.read()
t = re.sub(r"[0-9T:.-]{20,}Z", "TIME", t)
t = re.sub(r"\b[0-9]{2,7}\b", "PID", t)
t = re.sub(r"list-(runc|oci)\b", "list", t)
t = re.sub(r" +", " ", t)
print(t.replace("1.0.2-dev", "1.0.2"), end="")'
}
list_cmd() {
    bundle list-runc "d['process']['args'] = ['sleep', '100']"
    bundle list-oci "d['process']['args'] = ['sleep', '100']"
    local rs=$tmp/runc-state
    runc --root "$rs" create --bundle "$tmp/b-list-runc" lst </dev/null >/dev/null 2>&1
    "$OCI" --root "$tmp/state" create --bundle "$tmp/b-list-oci" lst </dev/null >/dev/null 2>&1
    for args in "" "-q" "--format json" "-f table"; do
        # shellcheck disable=SC2086
        runc --root "$rs" list $args | list_norm >"$tmp/list-runc"
        # shellcheck disable=SC2086
        "$OCI" --root "$tmp/state" list $args | list_norm >"$tmp/list-oci"
        check "list $args: the same as runc's" diff "$tmp/list-runc" "$tmp/list-oci"
    done
    runc --root "$rs" delete -f lst
    oci delete -f lst
    oci list -q
    check "list -q of no container prints nothing" [ "$RC" = 0 ] && [ -z "$OUT" ]
}

podman_drives
escapes
hooks
list_cmd
summary
