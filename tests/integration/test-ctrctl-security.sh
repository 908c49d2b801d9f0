#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl's security and process options end to end, as root, with real runc
# and conmon: what the process gets inside (capabilities, no-new-privs,
# seccomp, groups, sysctls, init, umask, time zone, entrypoint, env files),
# the errors of bad input (and nothing left behind), and the generated
# config.json compared with podman's for the same flags.
# usage: test-ctrctl-security.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
SRC=$2
. "$SRC/tests/lib/tap.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need runc podman skopeo python3
command -v conmon >/dev/null || [ -x /usr/libexec/podman/conmon ] || missing "conmon not found"
command -v busybox >/dev/null || [ -x /bin/busybox ] || missing "busybox (busybox-static) not found"
[ -x /usr/bin/catatonit ] || missing "catatonit not found (the catatonit package)"
[ -f /usr/share/zoneinfo/Europe/Paris ] || missing "tzdata not found"

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/ctrctl-security-test.XXXXXX)
RUNROOT=$(run_root_for "$tmp")
ROOT=$tmp/root
PIDS=
PIMG=localhost/libctr-sec-$$:latest
sh "$SRC/tests/lib/make-rootfs.sh" "$tmp/rootfs" || { echo "FAIL: make-rootfs.sh"; exit 1; }

final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    for p in $PIDS; do podman --runtime runc rm -f "$p" >/dev/null 2>&1; done
    podman_cleanup
    podman rmi -f "$PIMG" >/dev/null 2>&1
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
# run ARGS... -- SCRIPT: ctrctl run --rm ARGS on the rootfs, sh -c SCRIPT.
run() {
    local args=()
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    shift
    c run --rm "${args[@]}" --rootfs "$tmp/rootfs" /bin/sh -c "$1"
}
# capmask NAME...: the hex mask of these capabilities, as /proc/PID/status shows it.
capmask() {
    python3 - "$@" <<'PY'
import sys
nums = {"CHOWN": 0, "DAC_OVERRIDE": 1, "FOWNER": 3, "FSETID": 4, "KILL": 5, "SETGID": 6, "SETUID": 7,
        "SETPCAP": 8, "NET_BIND_SERVICE": 10, "NET_ADMIN": 12, "NET_RAW": 13, "SYS_CHROOT": 18,
        "SYS_TIME": 25, "SETFCAP": 31}
m = 0
for n in sys.argv[1:]:
    m |= 1 << nums[n]
print("%016x" % m)
PY
}
DEFAULT_CAPS="CHOWN DAC_OVERRIDE FOWNER FSETID KILL NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT"

echo "# ctrctl: $CTRCTL, root $tmp, run root $RUNROOT"

# ---- what the process gets ----
run -- 'grep -E "^(CapBnd|CapEff):" /proc/self/status'
want=$(capmask $DEFAULT_CAPS)
check "default capabilities: podman's set" rc_is 0 [ "$OUT" = "$(printf 'CapEff:\t%s\nCapBnd:\t%s' "$want" "$want")" ]
run --cap-add NET_ADMIN --cap-add cap_net_raw --cap-drop CHOWN,KILL -- 'grep -E "^(CapBnd|CapEff):" /proc/self/status'
want=$(capmask $(echo "$DEFAULT_CAPS NET_ADMIN NET_RAW" | sed 's/CHOWN //; s/KILL //'))
check "--cap-add NET_ADMIN cap_net_raw --cap-drop CHOWN,KILL: the process's sets" \
    rc_is 0 [ "$OUT" = "$(printf 'CapEff:\t%s\nCapBnd:\t%s' "$want" "$want")" ]
run --cap-drop ALL --cap-add SYS_TIME -- 'grep -E "^CapBnd:" /proc/self/status'
check "--cap-drop ALL --cap-add SYS_TIME: that one only" rc_is 0 [ "$OUT" = "$(printf 'CapBnd:\t%s' "$(capmask SYS_TIME)")" ]
run --user 1000 --cap-add NET_ADMIN -- 'grep -E "^(CapEff|CapAmb):" /proc/self/status'
want=$(capmask NET_ADMIN)
check "--user 1000 --cap-add NET_ADMIN: effective and ambient the added one" \
    rc_is 0 [ "$OUT" = "$(printf 'CapEff:\t%s\nCapAmb:\t%s' "$want" "$want")" ]
run --security-opt no-new-privileges -- 'grep NoNewPrivs /proc/self/status'
check "--security-opt no-new-privileges: NoNewPrivs 1" rc_is 0 [ "$OUT" = "$(printf 'NoNewPrivs:\t1')" ]
run -- 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status'
check "by default: NoNewPrivs 0, seccomp filtering" rc_is 0 [ "$OUT" = "$(printf 'NoNewPrivs:\t0\nSeccomp:\t2')" ]

printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}\n' >"$tmp/deny-mkdir.json"
run --security-opt seccomp="$tmp/deny-mkdir.json" -- 'mkdir /tmp/x 2>&1; echo rc=$?; touch /tmp/y && echo touched'
check "a seccomp profile that denies mkdir: mkdir fails, the rest works" \
    rc_is 0 has "$OUT" "Operation not permitted" && has "$OUT" "rc=1" && has "$OUT" touched
cd "$tmp" || exit 1
c run --rm --security-opt seccomp=deny-mkdir.json --rootfs "$tmp/rootfs" /bin/sh -c 'mkdir /tmp/x 2>/dev/null || echo denied'
cd - >/dev/null || exit 1
check "a seccomp profile relative to the working directory" rc_is 0 [ "$OUT" = denied ]
run --security-opt seccomp=unconfined -- 'grep -E "^Seccomp:" /proc/self/status; mkdir /tmp/x && echo made'
check "--security-opt seccomp=unconfined: no filter" rc_is 0 [ "$OUT" = "$(printf 'Seccomp:\t0\nmade')" ]
run -- 'head -c 8 /proc/timer_list | wc -c'
check "/proc/timer_list is masked by default" rc_is 0 [ "$OUT" = 0 ]
run --security-opt mask=/etc/hostname --security-opt unmask=/proc/timer_list -- 'wc -c </etc/hostname; head -c 8 /proc/timer_list | wc -c'
check "mask= hides a path, unmask= shows a default one" rc_is 0 [ "$OUT" = "$(printf '0\n8')" ]
run --security-opt label=disable --security-opt apparmor=unconfined -- 'echo fine'
check "label= and apparmor= are accepted without SELinux or AppArmor" rc_is 0 [ "$OUT" = fine ]

run --group-add 20 --group-add wheel -- 'id'
check "--group-add 20 --group-add wheel: in id" rc_is 0 has "$OUT" "groups=.*10(wheel)" && has "$OUT" "20"
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
run --sysctl net.ipv4.ip_forward=1 -- 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ping_group_range'
check "--sysctl net.ipv4.ip_forward=1 in its own netns, ping_group_range 0 0" \
    rc_is 0 [ "$(printf '%s' "$OUT" | tr -s '\t ' ' ')" = "$(printf '1\n0 0')" ]
check "... the host's ip_forward is untouched" [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
run --init -- 'cat /proc/1/cmdline | tr "\0" " "'
check "--init: PID 1 is catatonit at /run/podman-init" rc_is 0 has "$OUT" "^/run/podman-init -- /bin/sh -c"
run --umask 0077 -- 'umask; touch /tmp/f; stat -c %a /tmp/f'
check "--umask 0077" rc_is 0 [ "$OUT" = "$(printf '0077\n600')" ]
run --tz Europe/Paris -- 'date +%Z'
check "--tz Europe/Paris" rc_is 0 has "$OUT" '^CES\?T$'
run --tz local -- 'cmp -s /etc/localtime /etc/localtime && date +%Z'
check "--tz local: the host's zone" rc_is 0 [ "$OUT" = "$(date +%Z)" ]
c run --rm --entrypoint /bin/echo --rootfs "$tmp/rootfs" a b
check "--entrypoint /bin/echo, then the command" rc_is 0 [ "$OUT" = "a b" ]
c run --rm --entrypoint '["/bin/sh","-c","echo $0-$1"]' --rootfs "$tmp/rootfs" x y
check "--entrypoint as a JSON array" rc_is 0 [ "$OUT" = "x-y" ]
printf '# a comment\n\nA=1\n  B=two words\nHOSTVAR\nC=file\n' >"$tmp/env"
HOSTVAR=fromhost c run --rm --env-file "$tmp/env" -e C=flag --rootfs "$tmp/rootfs" /bin/sh -c 'echo "$A|$B|$HOSTVAR|$C"'
check "--env-file: values, host values, comments; -e wins" rc_is 0 [ "$OUT" = "1|two words|fromhost|flag" ]
# (runc 1.1 does not set it yet: the spec is checked)
c create --domainname example.org --rootfs "$tmp/rootfs" /bin/true
id=$OUT
c init "$id"
c inspect "$id"
check "--domainname: in the spec and in inspect" rc_is 0 [ "$(py "d[0]['Config']['Domainname']")" = example.org ] &&
    [ "$(py "json.load(open(d[0]['OCIConfigPath'])).get('domainname')")" = example.org ]
c rm -f "$id"

c run --rm --read-only --rootfs "$tmp/rootfs" /bin/sh -c 'touch /tmp/x && echo tmp-ok; touch /x 2>/dev/null || echo root-ro'
check "--read-only: the root read-only, a tmpfs on /tmp" rc_is 0 [ "$OUT" = "$(printf 'tmp-ok\nroot-ro')" ]
c run --rm --read-only --read-only-tmpfs=false --rootfs "$tmp/rootfs" /bin/sh -c 'touch /tmp/x 2>/dev/null || echo tmp-ro'
check "--read-only --read-only-tmpfs=false: no tmpfs" rc_is 0 [ "$OUT" = tmp-ro ]
cp /usr/bin/catatonit "$tmp/my-init"
c run --rm --init --init-path "$tmp/my-init" --rootfs "$tmp/rootfs" /bin/sh -c 'head -c 16 /proc/1/cmdline | tr "\0" " "; echo; grep -c " /run/podman-init ro," /proc/self/mountinfo'
check "--init-path: that program at /run/podman-init, read-only" rc_is 0 [ "$OUT" = "$(printf '/run/podman-init\n1')" ]
c create --security-opt apparmor=myprofile --rootfs "$tmp/rootfs" /bin/true
id=$OUT
c init "$id"
c inspect "$id"
if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
    check "apparmor=NAME: process.apparmorProfile where AppArmor is enabled" rc_is 0 \
        [ "$(py "json.load(open(d[0]['OCIConfigPath']))['process'].get('apparmorProfile')")" = myprofile ]
else
    check "apparmor=NAME: no process.apparmorProfile without AppArmor (as podman)" rc_is 0 \
        [ "$(py "json.load(open(d[0]['OCIConfigPath']))['process'].get('apparmorProfile')")" = None ]
fi
check "... shown in SecurityOpt" [ "$(py "d[0]['HostConfig']['SecurityOpt']")" = "['apparmor=myprofile']" ]
c rm -f "$id"

# ---- bad input: a clear error, nothing left ----
bad() {
    local d=$1 pat=$2
    shift 2
    c create "$@" --rootfs "$tmp/rootfs" /bin/true
    check "$d: 125 and the error" rc_has 125 "$ERR" "$pat"
    c ps -a -q
    check "... nothing left" rc_is 0 [ -z "$OUT" ]
}
bad "--cap-add FOO" '^Error: .*"CAP_FOO": unknown capability' --cap-add FOO
bad "--sysctl kernel.foo=1" "^Error: .*sysctl 'kernel.foo' is not allowed" --sysctl kernel.foo=1
bad "--sysctl net.x (no value)" "net.x is invalid, sysctl values must be in the form of KEY=VALUE" --sysctl net.x
bad "--network host --sysctl net.ipv4.ip_forward=1" "can't be set since Network Namespace set to host" \
    --network host --sysctl net.ipv4.ip_forward=1
bad "a missing seccomp file" "opening seccomp profile failed: open $tmp/nope.json: No such file" \
    --security-opt seccomp="$tmp/nope.json"
printf '{"defaultAction":"SCMP_ACT_BOGUS"}' >"$tmp/bad.json"
bad "a seccomp profile with an unknown action" 'unknown action "SCMP_ACT_BOGUS"' --security-opt seccomp="$tmp/bad.json"
bad "--restart bogus" '"bogus" is not a valid restart policy' --restart bogus
bad "--restart always:3" "restart policy retries can only be specified with on-failure restart policy" --restart always:3
bad "--restart on-failure:x" 'parsing restart policy retry count: strconv.Atoi: parsing "x"' --restart on-failure:x
bad "--security-opt foo=bar" '^Error: invalid --security-opt 2: "foo=bar"' --security-opt foo=bar
bad "--group-add keep-groups" "keep-groups" --group-add keep-groups
bad "--tz Nowhere/City" 'unknown time zone "Nowhere/City"' --tz Nowhere/City
bad "--umask 999" "invalid umask string 999" --umask 999
bad "--cap-add ALL --cap-drop ALL" "adding all caps and removing all caps not allowed" --cap-add ALL --cap-drop ALL
c run --rm --restart always --rootfs "$tmp/rootfs" /bin/true
check "run --rm --restart always: podman's error" rc_has 125 "$ERR" "the --rm option conflicts with --restart"
c run -d --rm --restart on-failure --rootfs "$tmp/rootfs" /bin/true
check "run -d --rm --restart on-failure: refused too" rc_has 125 "$ERR" "the --rm option conflicts with --restart"
c ps -a -q
check "... nothing left" rc_is 0 [ -z "$OUT" ]
bad "--annotation without =" "annotations must be formatted KEY=VALUE" --annotation noeq
c create --group-add nosuch --rootfs "$tmp/rootfs" /bin/true
id=$OUT
c init "$id"
check "--group-add nosuch: init fails naming the group" rc_has 125 "$ERR" "nosuch"
c rm -f "$id"

# ---- the spec, compared with podman's ----
# spec_same DESCRIPTION FLAGS...: the sections of both tools' config.json
# that flags set (tests/lib/spec-sections.py: capabilities, noNewPrivileges,
# seccomp's presence, sysctls, args, the user, ...) are equal (ctrctl init;
# podman create + init), with the same rlimits given to both.
spec_same() {
    local d=$1
    shift
    local flags=(--ulimit nproc=1024:1024 --ulimit nofile=1024:1024 "$@")
    c create "${flags[@]}" --rootfs "$tmp/rootfs" /bin/true
    local id=$OUT mine theirs
    c init "$id"
    c inspect --format '{{.OCIConfigPath}}' "$id"
    mine=$OUT
    theirs=$(podman_spec "${flags[@]}")
    if [ -f "$mine" ] && [ -n "$theirs" ] &&
        diff -u <(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$theirs") \
            <(/usr/bin/python3 "$SRC/tests/lib/spec-sections.py" "$mine") >"$tmp/diff"; then
        ok "spec as podman's: $d"
    else
        not_ok "spec as podman's: $d"
        sed 's/^/       /' "$tmp/diff" | cut -c1-400
    fi
    c rm -f "$id"
    podman_cleanup
}
spec_same "no flags"
spec_same "--cap-add NET_ADMIN --cap-drop CHOWN --sysctl net.ipv4.ip_forward=1" --cap-add NET_ADMIN --cap-drop CHOWN --sysctl net.ipv4.ip_forward=1
spec_same "--user 1000 --cap-add NET_ADMIN --group-add 20" --user 1000 --cap-add NET_ADMIN --group-add 20
spec_same "--cap-drop ALL --cap-add NET_RAW,SYS_TIME" --cap-drop ALL --cap-add NET_RAW,SYS_TIME
spec_same "--privileged" --privileged
spec_same "seccomp=unconfined, no-new-privileges" --security-opt seccomp=unconfined --security-opt no-new-privileges
spec_same "a seccomp file, --group-add wheel" --security-opt seccomp="$tmp/deny-mkdir.json" --group-add wheel
spec_same "--cap-add ALL --cap-drop CHOWN --entrypoint /bin/echo" --cap-add ALL --cap-drop CHOWN --entrypoint /bin/echo
spec_same "--user 1000:1000 --umask 027" --user 1000:1000 --umask 027
spec_same "--user root --group-add wheel --sysctl kernel.shmmax=65536" --user root --group-add wheel --sysctl kernel.shmmax=65536

# ---- inspect, compared with podman's ----
inspect_same() {
    local d=$1 f=$2
    shift 2
    c create "$@" --rootfs "$tmp/rootfs" /bin/true
    local id=$OUT pid mine
    c inspect --format "$f" "$id"
    mine="$RC:$OUT"
    pid=$(podman --runtime runc create --network none "$@" --rootfs "$tmp/rootfs" /bin/true 2>/dev/null)
    PIDS="$PIDS $pid"
    local theirs
    theirs="$?:$(podman inspect --format "$f" "$pid" 2>&1)"
    theirs="0:${theirs#*:}"
    if [ "$mine" = "$theirs" ]; then ok "inspect as podman's: $d"; else not_ok "inspect as podman's: $d"; printf '       ctrctl: [%s]\n       podman: [%s]\n' "$mine" "$theirs"; fi
    c rm -f "$id"
    podman rm -f "$pid" >/dev/null 2>&1
}
inspect_same "CapAdd, CapDrop, SecurityOpt, GroupAdd" \
    '{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}} {{json .HostConfig.GroupAdd}}' \
    --cap-add net_admin --cap-drop CHOWN --group-add 10 --security-opt seccomp="$tmp/deny-mkdir.json" --security-opt no-new-privileges
inspect_same "the defaults" \
    '{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}} {{json .HostConfig.RestartPolicy}} {{json .Config.Umask}} {{json .Config.Entrypoint}} {{json .Config.Annotations}} {{json .Path}} {{json .Args}}'
inspect_same "restart, umask, annotations, time zone, healthcheck" \
    '{{json .HostConfig.RestartPolicy}} {{json .Config.Umask}} {{json .Config.Timezone}} {{json .Config.Annotations}} {{json .Config.Healthcheck}}' \
    --restart on-failure:3 --umask 077 --tz Europe/Paris --annotation a=b --health-cmd 'true' --health-interval 10s --health-retries 5
inspect_same "--init, --entrypoint: Path and Args" '{{json .Path}} {{json .Args}} {{json .Config.Entrypoint}}' \
    --init --entrypoint '["/bin/echo","x"]'
inspect_same "--no-healthcheck, --restart always" '{{json .Config.Healthcheck}} {{json .HostConfig.RestartPolicy}}' \
    --no-healthcheck --restart always
c create --init --rootfs "$tmp/rootfs" /bin/true
id=$OUT
c inspect "$id"
check "inspect --init: HostConfig.Init true (podman's key, only when set)" rc_is 0 [ "$(py "d[0]['HostConfig']['Init']")" = True ]
c rm -f "$id"
c create --rootfs "$tmp/rootfs" /bin/true
id=$OUT
c inspect "$id"
check "inspect without --init: no HostConfig.Init, as podman's" rc_is 0 [ "$(py "'Init' in d[0]['HostConfig']")" = False ]
c rm -f "$id"

# ---- an image's entrypoint and cmd: podman's rules ----
tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
podman import -q --change 'ENTRYPOINT ["/bin/echo","ep"]' --change 'CMD ["c1","c2"]' "$tmp/rootfs.tar" "$PIMG" >/dev/null
c image load "containers-storage:$PIMG" sec-ep
check "an image with ENTRYPOINT and CMD loaded" rc_is 0 true
# image_same DESCRIPTION ARGS...: Path, Args, Config.Cmd and Config.Entrypoint as podman's, and the output of run
image_same() {
    local d=$1 f='{{json .Path}} {{json .Args}} {{json .Config.Cmd}} {{json .Config.Entrypoint}}' pid mine theirs
    shift
    c create "$@"
    local id=$OUT
    c inspect --format "$f" "$id"
    mine=$OUT
    c rm -f "$id"
    pid=$(podman --runtime runc create --network none "${@/#sec-ep/$PIMG}" 2>/dev/null)
    PIDS="$PIDS $pid"
    theirs=$(podman inspect --format "$f" "$pid" 2>&1)
    podman rm -f "$pid" >/dev/null 2>&1
    same_or_show "$d" "$mine" "$theirs"
}
same_or_show() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; printf '       ctrctl: [%s]\n       podman: [%s]\n' "$2" "$3"; fi
}
image_same "the image's entrypoint and cmd" sec-ep
image_same "a command replaces the cmd only" sec-ep x y
image_same "--entrypoint: the image's cmd dropped" --entrypoint /bin/ls sec-ep
image_same "--entrypoint and a command" --entrypoint '["/bin/ls","-l"]' sec-ep /
image_same "--entrypoint '' and a command" --entrypoint '' sec-ep /bin/echo z
c run --rm sec-ep
check "run IMAGE: entrypoint then cmd" rc_is 0 [ "$OUT" = "ep c1 c2" ]
c run --rm sec-ep x
check "run IMAGE x: entrypoint then x" rc_is 0 [ "$OUT" = "ep x" ]
c run --rm --init sec-ep x
check "run --init IMAGE x: the same under catatonit" rc_is 0 [ "$OUT" = "ep x" ]
c create --entrypoint '' sec-ep
check "--entrypoint '' without a command: podman's error" rc_has 125 "$ERR" "no command or entrypoint provided"
c ps -a -q
check "... nothing left" rc_is 0 [ -z "$OUT" ]

summary
