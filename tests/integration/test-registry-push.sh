#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl push against real docker-registry processes on 127.0.0.1
# (tests/lib/registry.sh), checked with skopeo and podman: a multi-layer
# image pulled, run and pushed back under another name, the push read by
# skopeo (inspect, copy) and podman (pull, run); a second push skipping every
# blob; a push to another repository mounting the blobs; a committed image
# (layers made here) pushed and run by podman; --digestfile and -q; TLS with
# and without the CA; basic authentication (401 on a wrong password, login);
# the bearer token flow with a token server of the test (token cached per
# scope); bad destinations.
# usage: test-registry-push.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"
. "$SRC/tests/lib/registry.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need docker-registry skopeo umoci openssl htpasswd podman runc conmon python3

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/registry-push-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
PODMAN="podman --runtime runc --root $tmp/proot --runroot $tmp/prun --storage-driver vfs"
# podman's default rlimits are above this machine's hard limits: lower ones.
PODMAN_RUN="$PODMAN run --rm --net=none --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
final_cleanup() {
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
    $PODMAN rm -a -f >/dev/null 2>&1
    $PODMAN rmi -a -f >/dev/null 2>&1
    registry_stop_all
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
grepi() { printf '%s' "$1" | grep -qi -- "$2"; }
# raw REF [SKOPEO OPTIONS]: the manifest skopeo reads, as JSON on stdout.
raw() { local r=$1; shift; skopeo inspect --raw "$@" "docker://$r"; }
# layers JSON: the layer digests of a manifest, one line.
layers() { /usr/bin/python3 -c 'import json,sys; m=json.load(sys.stdin); print(" ".join(l["digest"] for l in m["layers"]))'; }
config_digest() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["config"]["digest"])'; }
count() { grep -c -- "$2" "$1"; }

for r in plain tls auth token; do
    registry_start "$r" "$r" "$tmp/$r" || { echo "FAIL: registry $r"; exit 1; }
done
export REGISTRY_AUTH_FILE=$tmp/auth.json
echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
export CONTAINERS_REGISTRIES_CONF=$tmp/registries.conf
# shellcheck disable=SC2154
P=$plain_addr T=$tls_addr A=$auth_addr K=$token_addr
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$P" >"$CONTAINERS_REGISTRIES_CONF"

# A three-layer image: busybox, a text file, 3 MB of random data.
oci_busybox "$tmp/oci" img "$SRC" >/dev/null || { echo "FAIL: oci_busybox"; exit 1; }
b=$tmp/bundle
{ umoci unpack --image "$tmp/oci:img" "$b" >/dev/null && echo second >"$b/rootfs/second" &&
    umoci repack --image "$tmp/oci:img" "$b" >/dev/null && rm -rf "$b" &&
    umoci unpack --image "$tmp/oci:img" "$b" >/dev/null && head -c 3000000 /dev/urandom >"$b/rootfs/third" &&
    umoci repack --image "$tmp/oci:img" "$b" >/dev/null && rm -rf "$b"; } || { echo "FAIL: umoci"; exit 1; }
registry_push plain "oci:$tmp/oci:img" src/three:1 || { echo "FAIL: skopeo push"; exit 1; }
SRCRAW=$(raw "$P/src/three:1" --tls-verify=false)

# ---- pull, run, push back under another name ----
c pull --tls-verify=false "$P/src/three:1"
ID=$OUT
check "the source image is pulled" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
c run --rm "$P/src/three:1" cat /second
check "it runs" rc_is 0 [ "$OUT" = second ]
c push --tls-verify=false --digestfile "$tmp/digest" "$P/src/three:1" "$P/dst/copy:2"
check "push to another name" rc_is 0 [ -z "$OUT" ]
check "push reports as podman" has "$ERR" "^Getting image source signatures"
check "push reports the manifest" has "$ERR" "^Writing manifest to image destination"
DIGEST=$(cat "$tmp/digest" 2>/dev/null)
REG=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$P/dst/copy:2" 2>/dev/null)
check "--digestfile is the registry's digest ($DIGEST)" [ -n "$DIGEST" -a "$DIGEST" = "$REG" ]
DSTRAW=$(raw "$P/dst/copy:2" --tls-verify=false)
check "skopeo inspect: the same layers" [ "$(echo "$DSTRAW" | layers)" = "$(echo "$SRCRAW" | layers)" ]
check "skopeo inspect: the same config" [ "$(echo "$DSTRAW" | config_digest)" = "sha256:$ID" ]
check "skopeo inspect: three layers" [ "$(echo "$DSTRAW" | layers | wc -w)" = 3 ]
check "skopeo copy of the push" skopeo copy -q --src-tls-verify=false "docker://$P/dst/copy:2" "oci:$tmp/back:x"
check "podman pulls the push: the same image ID" [ "$($PODMAN pull -q --tls-verify=false "$P/dst/copy:2" 2>/dev/null)" = "$ID" ]
PRUN=$($PODMAN_RUN "$P/dst/copy:2" cat /second 2>&1)
check "podman runs the push [$PRUN]" [ "$PRUN" = second ]

# ---- again: every blob skipped; another repository: mounted ----
c push --tls-verify=false "$P/src/three:1" "$P/dst/copy:3"
check "a second push skips every blob" rc_is 0 [ "$(printf '%s\n' "$ERR" | grep -c 'skipped: already exists')" = 4 ]
mounts=$(count "$plain_log" '"POST /v2/dst/mounted/blobs/uploads/?mount=sha256:')
c push --tls-verify=false "$P/src/three:1" "$P/dst/mounted:1"
check "a push to another repository" rc_is 0 true
check "its blobs are mounted across repositories" \
    [ $(( $(count "$plain_log" '"POST /v2/dst/mounted/blobs/uploads/?mount=sha256:[0-9a-f]*&from=[^ ]* HTTP/[0-9.]*" 201') - mounts )) -ge 1 ]
check "nothing was uploaded for it" [ "$(count "$plain_log" '"PATCH /v2/dst/mounted/\|"PUT /v2/dst/mounted/blobs/')" = 0 ]
c push -q --tls-verify=false "$P/src/three:1" "$P/dst/quiet:1"
check "push -q prints nothing" rc_is 0 [ -z "$OUT" -a -z "$ERR" ]

# ---- a committed image: layers made here ----
c run --name mk "$P/src/three:1" sh -c 'echo made-here >/made'
c commit mk "$P/dst/committed:1"
check "commit" rc_is 0 true
c rm -f mk
c push --tls-verify=false "$P/dst/committed:1"
check "push of a committed image (destination: its name)" rc_is 0 true
check "podman runs the committed push" \
    [ "$($PODMAN_RUN --tls-verify=false "$P/dst/committed:1" cat /made /second 2>/dev/null | tr '\n' ' ')" = "made-here second " ]

# ---- TLS ----
# shellcheck disable=SC2154
c push --cert-dir "$tls_certs" "$P/src/three:1" "$T/dst/tls:1"
check "TLS with --cert-dir" rc_is 0 true
check "skopeo reads the TLS push" [ "$(raw "$T/dst/tls:1" --cert-dir "$tls_certs" | layers)" = "$(echo "$SRCRAW" | layers)" ]
c push "$P/src/three:1" "$T/dst/tls:2"
check "TLS without the CA: a clear error" rc_is 125 grepi "$ERR" "certificate"

# ---- basic authentication ----
# shellcheck disable=SC2154
c push --cert-dir "$auth_certs" "$P/src/three:1" "$A/dst/auth:1"
check "auth: no credentials, 401" rc_is 125 grepi "$ERR" "401"
c push --cert-dir "$auth_certs" --creds "$REG_USER:wrong" "$P/src/three:1" "$A/dst/auth:1"
check "auth: a wrong password, 401" rc_is 125 grepi "$ERR" "401"
c push --cert-dir "$auth_certs" --creds "$REG_USER:$REG_PASSWORD" "$P/src/three:1" "$A/dst/auth:1"
check "auth: push with --creds" rc_is 0 true
c login --cert-dir "$auth_certs" -u "$REG_USER" -p "$REG_PASSWORD" "$A"
c push --cert-dir "$auth_certs" "$P/src/three:1" "$A/dst/auth:2"
check "auth: push after login" rc_is 0 true
check "auth: skopeo reads it" [ "$(raw "$A/dst/auth:2" --cert-dir "$auth_certs" --creds "$REG_USER:$REG_PASSWORD" |
    config_digest)" = "sha256:$ID" ]
c logout "$A"

# ---- bearer tokens ----
# shellcheck disable=SC2154
: >"$token_token_log"
c push --tls-verify=false "$P/src/three:1" "$K/dst/tok:1"
check "token: anonymous push refused (pull scope only)" rc_is 125 grepi "$ERR" "401"
c push --tls-verify=false --creds "$REG_USER:wrong" "$P/src/three:1" "$K/dst/tok:1"
check "token: the token server refuses a wrong password" rc_is 125 grepi "$ERR" "token.*401"
: >"$token_token_log"
c push --tls-verify=false --creds "$REG_USER:$REG_PASSWORD" "$P/src/three:1" "$K/dst/tok:1"
check "token: push with credentials" rc_is 0 true
asked=$(wc -l <"$token_token_log")
check "token: one token per scope for the whole push ($asked asked for 4 blobs)" [ "$asked" -ge 1 -a "$asked" -le 3 ]
check "token: push scope asked" grep -q "^$REG_USER repository:dst/tok:pull,push" "$token_token_log"
c image rm -f "$ID"
c pull --tls-verify=false "$K/dst/tok:1"
check "token: anonymous pull of the push" rc_is 0 [ "$OUT" = "$ID" ]
check "token: skopeo reads it" [ "$(raw "$K/dst/tok:1" --tls-verify=false | layers)" = "$(echo "$SRCRAW" | layers)" ]

# ---- bad destinations ----
c push --tls-verify=false "$K/dst/tok:1" dst/short:1
check "a destination that is not fully qualified" rc_is 125 has "$ERR" "fully qualified"
c push --tls-verify=false "$K/dst/tok:1" "$P/dst/x@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
check "a digest destination" rc_is 125 has "$ERR" "digest"
c push --tls-verify=false no-such-image "$P/dst/x:1"
check "an unknown image" rc_is 125 grepi "$ERR" "no such image\|not found"
c push --tls-verify=false "$K/dst/tok:1" "127.0.0.1:1/dst/x:1"
check "a registry that does not answer" rc_is 125 grepi "$ERR" "connect"

summary
