#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# ctrctl pull, login, logout and run --pull against real docker-registry
# processes on 127.0.0.1 (tests/lib/registry.sh), compared with podman:
# tags and digests, image IDs equal to podman's, two layers, a two-platform
# index, skipped layers, a corrupted blob, a pull killed half way and
# resumed, TLS with and without --cert-dir, basic authentication, short
# names through a registries.conf of the test, the live bars on a terminal,
# zstd and uncompressed layers, blobs redirected to another host, --pull=newer.
# usage: test-registry-pull.sh CTRCTL SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
CTRCTL=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"
. "$SRC/tests/lib/registry.sh"

[ "$(id -u)" = 0 ] || missing "not root"
need docker-registry skopeo umoci openssl htpasswd podman runc conmon python3 script zstd

export CTRCTL_NETWORK=none
tmp=$(mktemp -d /tmp/registry-pull-test.XXXXXX)
ROOT=$tmp/root
RUNROOT=$(run_root_for "$tmp")
PODMAN="podman --root $tmp/proot --runroot $tmp/prun --storage-driver vfs"
PULL_PID=
PROXY_PID=
final_cleanup() {
    [ -n "$PULL_PID" ] && kill -9 "$PULL_PID" 2>/dev/null
    [ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null
    "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" rm -a -f >/dev/null 2>&1
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
podman_id() { $PODMAN pull -q --tls-verify=false "$@" 2>/dev/null; }
# blob_gets LOG: the blob GETs of a registry's access log so far.
blob_gets() { grep -c '"GET /v2/[^ ]*/blobs/sha256:' "$1"; }
# grepi TEXT PATTERN: TEXT matches PATTERN, case ignored.
grepi() { printf '%s' "$1" | grep -qi -- "$2"; }

for r in plain plain2 tls auth; do
    m=$r
    [ "$r" = plain2 ] && m=plain
    registry_start "$r" "$m" "$tmp/$r" || { echo "FAIL: registry $r"; exit 1; }
done
# Nothing of the host's credentials or registries.conf (set after the
# registries started: they read REGISTRY_* variables as configuration).
export REGISTRY_AUTH_FILE=$tmp/auth.json
echo '{"auths": {}}' >"$REGISTRY_AUTH_FILE"
export CONTAINERS_REGISTRIES_CONF=$tmp/registries.conf
# shellcheck disable=SC2154
P=$plain_addr P2=$plain2_addr
printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$P" >"$CONTAINERS_REGISTRIES_CONF"

# Images: busybox (one layer); two layers; a marker layer to corrupt; a
# ~60 MB image of six random layers; a two-platform index.
oci_busybox "$tmp/oci" img "$SRC" >/dev/null || { echo "FAIL: oci_busybox"; exit 1; }
add_layer() { # LAYOUT TAG FILE SIZE_MB (0: a line of text): one more layer on TAG
    local b=$tmp/bundle
    umoci unpack --image "$1:$2" "$b" >/dev/null || return 1
    if [ "$4" = 0 ]; then echo "$3" >"$b/rootfs/$3"; else head -c "$(($4 << 20))" /dev/urandom >"$b/rootfs/$3"; fi
    umoci repack --image "$1:$2" "$b" >/dev/null || return 1
    rm -rf "$b"
}
{ umoci tag --image "$tmp/oci:img" two && add_layer "$tmp/oci" two second 0 &&
    umoci tag --image "$tmp/oci:img" marked && add_layer "$tmp/oci" marked corrupt-marker 0 &&
    umoci tag --image "$tmp/oci:img" big &&
    for i in 1 2 3 4 5 6; do add_layer "$tmp/oci" big "big$i" 10 || exit 1; done; } ||
    { echo "FAIL: umoci"; exit 1; }
# The index: the busybox manifest as linux/amd64 and a copy with an arm64 config.
python3 - "$tmp/oci" <<'PY' || { echo "FAIL: index"; exit 1; }
import hashlib, json, os, sys
d = sys.argv[1]
def blob(h): return open(os.path.join(d, "blobs/sha256", h), "rb").read()
def put(data):
    h = hashlib.sha256(data).hexdigest()
    open(os.path.join(d, "blobs/sha256", h), "wb").write(data)
    return h, len(data)
idx = json.load(open(os.path.join(d, "index.json")))
desc = [m for m in idx["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "img"][0]
man = json.loads(blob(desc["digest"][7:]))
cfg = json.loads(blob(man["config"]["digest"][7:]))
cfg["architecture"] = "arm64"
ch, cs = put(json.dumps(cfg).encode())
man["config"] = dict(man["config"], digest="sha256:" + ch, size=cs)
mh, ms = put(json.dumps(man).encode())
mt = "application/vnd.oci.image.manifest.v1+json"
index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
    {"mediaType": mt, "digest": desc["digest"], "size": desc["size"], "platform": {"os": "linux", "architecture": "amd64"}},
    {"mediaType": mt, "digest": "sha256:" + mh, "size": ms, "platform": {"os": "linux", "architecture": "arm64"}}]}
ih, isz = put(json.dumps(index).encode())
idx["manifests"].append({"mediaType": index["mediaType"], "digest": "sha256:" + ih, "size": isz,
                         "annotations": {"org.opencontainers.image.ref.name": "multi"}})
json.dump(idx, open(os.path.join(d, "index.json"), "w"))
PY
{ registry_push plain "oci:$tmp/oci:img" bb/busybox:1 && registry_push plain "oci:$tmp/oci:two" bb/two:1 &&
    registry_push plain "oci:$tmp/oci:marked" bb/marked:1 && registry_push plain "oci:$tmp/oci:big" bb/big:1 &&
    skopeo copy -q --all --dest-tls-verify=false "oci:$tmp/oci:multi" "docker://$P/bb/multi:1" &&
    registry_push plain "oci:$tmp/oci:img" bb/short:1 && registry_push plain2 "oci:$tmp/oci:two" bb/only2:1 &&
    registry_push tls "oci:$tmp/oci:img" bb/busybox:1 && registry_push auth "oci:$tmp/oci:img" bb/busybox:1; } ||
    { echo "FAIL: skopeo push"; exit 1; }

# ---- by tag, by digest, as podman ----
c pull --tls-verify=false "$P/bb/busybox:1"
ID=$OUT
check "pull by tag prints the image ID" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
check "pull reports as podman: Trying to pull" has "$ERR" "^Trying to pull $P/bb/busybox:1\.\.\."
check "pull reports the blob" has "$ERR" "^Copying blob sha256:[0-9a-f]\{64\} done"
check "pull reports the config" has "$ERR" "^Copying config sha256:$ID done"
check "pull reports the manifest" has "$ERR" "^Writing manifest to image destination"
check "the image ID is podman's" [ "$ID" = "$(podman_id "$P/bb/busybox:1")" ]
c image inspect "$P/bb/busybox:1"
DIGEST=$(py 'd[0]["Digest"]' 2>/dev/null)
check "named with the qualified reference" [ "$(py 'd[0]["RepoTags"]' 2>/dev/null)" = "['$P/bb/busybox:1']" ]
REGDIGEST=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://$P/bb/busybox:1")
check "the image keeps the manifest digest" [ -n "$DIGEST" -a "$DIGEST" = "$REGDIGEST" ]
c pull --tls-verify=false "$P/bb/busybox:1"
check "a second pull skips the layer" rc_is 0 has "$ERR" "^Copying blob sha256:[0-9a-f]* skipped: already exists"
c pull -q --tls-verify=false "$P/bb/busybox:1"
check "pull -q prints only the ID" rc_is 0 [ "$OUT" = "$ID" -a -z "$ERR" ]
c run --rm "$P/bb/busybox:1" echo pulled-and-ran
check "the pulled image runs" rc_is 0 has "$OUT" pulled-and-ran
c image rm -f "$ID"
c pull --tls-verify=false "$P/bb/busybox@$REGDIGEST"
check "pull by digest" rc_is 0 [ "$OUT" = "$ID" ]
c image inspect "$ID"
check "a digest pull gives no name" [ "$(py 'd[0]["RepoTags"]')" = "[]" ]
check "a digest pull keeps the digest" [ "$(py 'd[0]["Digest"]')" = "$REGDIGEST" ]
check "the pull cache is empty after a pull" [ -z "$(ls -A "$ROOT/storage/pull-cache/sha256")" ]

# ---- two layers ----
c pull --tls-verify=false "$P/bb/two:1"
TWO=$OUT
check "two layers: pulled, the base layer skipped" rc_is 0 has "$ERR" "skipped: already exists"
check "two layers: the ID is podman's" [ "$TWO" = "$(podman_id "$P/bb/two:1")" ]
c image inspect "$TWO"
check "two layers: two diff IDs" [ "$(py 'len(d[0]["RootFS"]["Layers"])')" = 2 ]
c run --rm "$P/bb/two:1" cat /second
check "two layers: the top layer's file" rc_is 0 [ "$OUT" = second ]

# ---- on a terminal: a live bar per blob, redrawn in place ----
c image rm -f "$TWO"
timeout -k 5 120 script -qec "$CTRCTL --root $ROOT --runroot $RUNROOT pull --tls-verify=false $P/bb/two:1" \
    /dev/null </dev/null >"$tmp/tty" 2>&1
RC=$?
TTY=$(tr -d '\r' <"$tmp/tty")
check "terminal: the pull succeeds" rc_is 0 has "$TTY" "^$TWO\$"
check "terminal: the blob lines are redrawn in place (cursor up)" grep -q "$(printf '\033')\[[0-9]*A" "$tmp/tty"
check "terminal: each blob ends as a short digest and done" has "$TTY" "Copying blob [0-9a-f]\{12\} \(done\|skipped: already exists\)"
check "terminal: the config line" has "$TTY" "Copying config ${TWO:0:12} done"
check "terminal: podman's closing lines" has "$TTY" "^Storing signatures"

# ---- zstd and uncompressed layers, put in the registry as they are ----
# put_image REPO:TAG MODE: the "two" image with its layers recompressed
# (zstd) or plain tars (tar), uploaded blob by blob; its config (so its ID) is
# the same as the gzip image's.
put_image() {
    /usr/bin/python3 - "$tmp/oci" "$P" "$1" "$2" <<'PY'
import gzip, hashlib, json, os, subprocess, sys, urllib.request
d, reg, ref, mode = sys.argv[1:5]
repo, tag = ref.split(":")
def blob(h): return open(os.path.join(d, "blobs/sha256", h), "rb").read()
def req(method, url, data=None, headers={}):
    r = urllib.request.Request(url if url.startswith("http") else f"http://{reg}{url}", data=data, method=method,
                               headers=headers)
    return urllib.request.urlopen(r)
def upload(data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    loc = req("POST", f"/v2/{repo}/blobs/uploads/").headers["Location"]
    req("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + digest, data,
        {"Content-Type": "application/octet-stream"})
    return digest, len(data)
idx = json.load(open(os.path.join(d, "index.json")))
desc = [m for m in idx["manifests"] if m.get("annotations", {}).get("org.opencontainers.image.ref.name") == "two"][0]
man = json.loads(blob(desc["digest"][7:]))
for layer in man["layers"]:
    plain = gzip.decompress(blob(layer["digest"][7:]))
    data = subprocess.run(["zstd", "-q", "-c"], input=plain, capture_output=True, check=True).stdout \
        if mode == "zstd" else plain
    layer["digest"], layer["size"] = upload(data)
    layer["mediaType"] = "application/vnd.oci.image.layer.v1.tar" + ("+zstd" if mode == "zstd" else "")
upload(blob(man["config"]["digest"][7:]))
mt = "application/vnd.oci.image.manifest.v1+json"
man["mediaType"] = mt
req("PUT", f"/v2/{repo}/manifests/{tag}", json.dumps(man).encode(), {"Content-Type": mt})
PY
}
for mode in zstd tar; do
    put_image "bb/$mode:1" "$mode" || { echo "FAIL: put_image $mode"; exit 1; }
    c image rm -f "$TWO"
    c pull --tls-verify=false "$P/bb/$mode:1"
    check "$mode layers: pulled, the ID is the gzip image's" rc_is 0 [ "$OUT" = "$TWO" ]
    c run --rm "$P/bb/$mode:1" cat /second
    check "$mode layers: the files are there" rc_is 0 [ "$OUT" = second ]
    check "$mode layers: podman pulls the same image" [ "$(podman_id "$P/bb/$mode:1")" = "$TWO" ]
done
ZMT=$(skopeo inspect --raw --tls-verify=false "docker://$P/bb/zstd:1" | grep -o 'tar+zstd' | head -1)
check "the zstd image's layers are zstd in the registry" [ "$ZMT" = "tar+zstd" ]

# ---- blobs redirected to another host (as registries do to blob storage) ----
# A proxy of the registry on another port that answers blob GETs with a 307
# to the registry itself.
PROXY_PORT=$(_registry_free_port)
/usr/bin/python3 - "$PROXY_PORT" "$P" >"$tmp/proxy.log" 2>&1 <<'PY' &
import sys, urllib.request, urllib.error
from http.server import BaseHTTPRequestHandler, HTTPServer
port, reg = int(sys.argv[1]), sys.argv[2]
class H(BaseHTTPRequestHandler):
    def forward(self, body):
        if "/blobs/sha256:" in self.path and self.command == "GET":
            print("redirect", self.path, flush=True)
            self.send_response(307)
            self.send_header("Location", f"http://{reg}{self.path}")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        r = urllib.request.Request(f"http://{reg}{self.path}", method=self.command,
                                   headers={k: v for k, v in self.headers.items() if k.lower() in ("accept",)})
        try:
            resp = urllib.request.urlopen(r)
        except urllib.error.HTTPError as e:
            resp = e
        data = resp.read()
        self.send_response(resp.status)
        for k in ("Content-Type", "Docker-Content-Digest", "Docker-Distribution-Api-Version"):
            if resp.headers.get(k):
                self.send_header(k, resp.headers[k])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)
    def do_GET(self): self.forward(True)
    def do_HEAD(self): self.forward(False)
    def log_message(self, *a): pass
HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
PROXY_PID=$!
_registry_wait "127.0.0.1:$PROXY_PORT" http "" "$PROXY_PID"
c image rm -f "$TWO"
c pull --tls-verify=false "127.0.0.1:$PROXY_PORT/bb/two:1"
check "redirected blobs: the pull follows them" rc_is 0 [ "$OUT" = "$TWO" ]
fetched=$(printf '%s\n' "$ERR" | grep -c ' done$')
check "redirected blobs: each blob fetched ($fetched) came through a redirect" \
    [ "$fetched" -ge 2 -a "$(grep -c '^redirect' "$tmp/proxy.log")" -ge "$fetched" ]
kill "$PROXY_PID"
wait "$PROXY_PID" 2>/dev/null
PROXY_PID=

# ---- --pull=newer: the registry's digest decides ----
registry_push plain "oci:$tmp/oci:img" bb/newer:1 || { echo "FAIL: skopeo push"; exit 1; }
c pull --tls-verify=false "$P/bb/newer:1"
before=$(blob_gets "$plain_log")
c run --rm --pull=newer "$P/bb/newer:1" true
check "newer, same digest: the stored image runs" rc_is 0 true
check "newer, same digest: no blob fetched" [ "$(blob_gets "$plain_log")" = "$before" ]
registry_push plain "oci:$tmp/oci:two" bb/newer:1 || { echo "FAIL: skopeo push"; exit 1; }
c run --rm --pull=newer "$P/bb/newer:1" cat /second
check "newer, the tag moved: pulled and run" rc_is 0 [ "$OUT" = second ]
c image tag "$P/bb/newer:1" "127.0.0.1:1/bb/newer:1"
c run --rm --pull=newer "127.0.0.1:1/bb/newer:1" cat /second
check "newer, the registry unreachable: the stored image" rc_is 0 [ "$OUT" = second ]

# ---- a two-platform index ----
c pull --tls-verify=false "$P/bb/multi:1"
check "index: picks linux/amd64" rc_is 0 [ "$OUT" = "$ID" ]
c pull --tls-verify=false --platform linux/arm64 "$P/bb/multi:1"
ARM=$OUT
c image inspect "$ARM"
check "index: --platform linux/arm64" [ "$ARM" != "$ID" -a "$(py 'd[0]["Architecture"]')" = arm64 ]
check "index: the arm64 ID is podman's" [ "$ARM" = "$(podman_id --platform linux/arm64 "$P/bb/multi:1")" ]
c pull --tls-verify=false --platform linux/s390x "$P/bb/multi:1"
check "index: no such platform" rc_is 125 has "$ERR" "linux/s390x"
c pull --tls-verify=false --platform s390x "$P/bb/multi:1"
check "index: a malformed platform" rc_is 125 has "$ERR" "OS/ARCH"

# ---- a corrupted blob ----
skopeo inspect --raw --tls-verify=false "docker://$P/bb/marked:1" >"$tmp/marked.json"
MARKED=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][-1]["digest"][7:])' "$tmp/marked.json")
MARKED_CFG=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["digest"][7:])' "$tmp/marked.json")
f=$plain_data/docker/registry/v2/blobs/sha256/${MARKED:0:2}/$MARKED/data
printf 'X' | dd of="$f" bs=1 seek=100 conv=notrunc status=none
c pull --tls-verify=false "$P/bb/marked:1"
check "a corrupted blob is a digest error" rc_is 125 grepi "$ERR" "digest"
c image inspect "$P/bb/marked:1"
check "a corrupted blob leaves no image" [ "$RC" != 0 ]
check "a corrupted blob leaves nothing of it in the pull cache" [ ! -e "$ROOT/storage/pull-cache/sha256/$MARKED" ]
check "the failed pull keeps its verified config for the next pull" [ -f "$ROOT/storage/pull-cache/sha256/$MARKED_CFG" ]

# ---- killed half way, then resumed ----
n_blobs=8 # six random layers, busybox, the config
before=$(blob_gets "$plain_log")
"$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" pull --tls-verify=false "$P/bb/big:1" >"$tmp/big.out" 2>"$tmp/big.err" &
PULL_PID=$!
for _ in $(seq 4000); do
    [ -n "$(find "$ROOT/storage/pull-cache/sha256" -name '[0-9a-f]*' -size +1M 2>/dev/null)" ] && break
    kill -0 "$PULL_PID" 2>/dev/null || break
    sleep 0.002
done
kill -9 "$PULL_PID" 2>/dev/null
wait "$PULL_PID" 2>/dev/null
PULL_PID=
cached=$(find "$ROOT/storage/pull-cache/sha256" -name '[0-9a-f]*' | wc -l)
c image inspect "$P/bb/big:1"
check "a killed pull leaves no image" [ "$RC" != 0 ]
check "a killed pull keeps its finished blobs ($cached)" [ "$cached" -ge 1 ]
mid=$(blob_gets "$plain_log")
c pull --tls-verify=false "$P/bb/big:1"
BIG=$OUT
after=$(blob_gets "$plain_log")
check "the next pull completes" rc_is 0 has "$OUT" '^[0-9a-f]\{64\}$'
check "the next pull fetched fewer blobs ($((after - mid)) of $n_blobs; the killed one $((mid - before)))" \
    [ $((after - mid)) -lt "$n_blobs" ]
check "the resumed image is podman's" [ "$BIG" = "$(podman_id "$P/bb/big:1")" ]
left=$(ls -A "$ROOT/storage/pull-cache/sha256" | grep -v "^$MARKED_CFG\$" | tr '\n' ' ')
check "nothing of the resumed pull is left in the pull cache [$left]" [ -z "$left" ]

# ---- TLS ----
# shellcheck disable=SC2154
c pull --cert-dir "$tls_certs" "$tls_addr/bb/busybox:1"
check "TLS with --cert-dir" rc_is 0 [ "$OUT" = "$ID" ]
c pull "$tls_addr/bb/busybox:1"
check "TLS without the CA: a clear error" rc_is 125 grepi "$ERR" "certificate"

# ---- authentication ----
# shellcheck disable=SC2154
A=$auth_addr AC=$auth_certs
c pull --cert-dir "$AC" "$A/bb/busybox:1"
check "auth: no credentials, 401" rc_is 125 grepi "$ERR" "401"
c pull --cert-dir "$AC" --creds "$REG_USER:wrong" "$A/bb/busybox:1"
check "auth: a wrong password, 401" rc_is 125 grepi "$ERR" "401"
c login --cert-dir "$AC" -u "$REG_USER" -p wrong "$A"
check "login: a wrong password is refused" rc_is 125 grepi "$ERR" "401"
check "login: nothing stored on failure" sh -c '! grep -q "$0" "$1"' "$A" "$REGISTRY_AUTH_FILE"
c login --cert-dir "$AC" -u "$REG_USER" -p "$REG_PASSWORD" "$A"
check "login" rc_is 0 [ "$OUT" = "Login Succeeded!" ]
check "login: podman reads the credentials" [ "$(podman login --get-login "$A" 2>/dev/null)" = "$REG_USER" ]
c pull --cert-dir "$AC" "$A/bb/busybox:1"
check "auth: pull after login" rc_is 0 [ "$OUT" = "$ID" ]
c pull --cert-dir "$AC" --creds "$REG_USER:$REG_PASSWORD" "$A/bb/busybox:1"
check "auth: pull with --creds" rc_is 0 [ "$OUT" = "$ID" ]
c logout "$A"
check "logout" rc_is 0 [ "$OUT" = "Removed login credentials for $A" ]
c logout "$A"
check "logout twice: not logged in" rc_is 125 has "$ERR" "not logged into $A"
c pull --cert-dir "$AC" "$A/bb/busybox:1"
check "auth: after logout, 401 again" rc_is 125 grepi "$ERR" "401"
echo "$REG_PASSWORD" | timeout 60 "$CTRCTL" --root "$ROOT" --runroot "$RUNROOT" login --cert-dir "$AC" \
    -u "$REG_USER" --password-stdin "$A" >"$tmp/out" 2>"$tmp/err"
RC=$?
check "login --password-stdin" rc_is 0 grep -q "Login Succeeded" "$tmp/out"
c logout --all
check "logout --all" rc_is 0 sh -c '! grep -q "$0" "$1"' "$A" "$REGISTRY_AUTH_FILE"

# ---- run and create --pull ----
c image rm -f "$ID"
c run --rm "$P/bb/busybox:1" echo from-missing
check "run pulls a missing image (insecure in registries.conf)" rc_is 0 has "$OUT" from-missing
check "run reports the pull" has "$ERR" "Trying to pull $P/bb/busybox:1"
c run --rm "$P/bb/busybox:1" true
check "run --pull=missing does not pull a present image" rc_is 0 [ -z "$ERR" ]
c run --rm --pull=always "$P/bb/busybox:1" true
check "run --pull=always pulls" rc_is 0 has "$ERR" "Trying to pull"
c image rm -f "$ID"
c create --pull=never "$P/bb/busybox:1"
check "create --pull=never and no image" rc_is 125 has "$ERR" "never"
c create --pull=sometimes "$P/bb/busybox:1"
check "an unknown pull policy" rc_is 125 has "$ERR" "invalid pull policy"

# ---- short names ----
conf() { # MODE EXTRA: the search registries P2 then P, an alias
    printf 'unqualified-search-registries = ["%s", "%s"]\nshort-name-mode = "%s"\n' "$P2" "$P" "$1"
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n%s\n' "$P" "$2"
    printf '[[registry]]\nlocation = "%s"\ninsecure = true\n' "$P2"
    printf '[aliases]\n"myalias" = "%s/bb/busybox"\n' "$P"
}
conf permissive "" >"$CONTAINERS_REGISTRIES_CONF"
c pull bb/short:1
check "short name, permissive: the search registries in order" rc_is 0 [ "$OUT" = "$ID" ]
check "short name: $P2 tried first" has "$ERR" "Trying to pull $P2/bb/short:1"
check "short name: then $P" has "$ERR" "Trying to pull $P/bb/short:1"
c image inspect "$P/bb/short:1"
check "short name: named with the registry that had it" rc_is 0 true
c pull bb/only2:1
check "short name: found in the first registry" rc_is 0 [ "$OUT" = "$TWO" ]
c pull myalias:1
check "short name: an alias" rc_is 0 [ "$OUT" = "$ID" ]
check "short name: the alias's reference" has "$ERR" "Trying to pull $P/bb/busybox:1"
conf enforcing "" >"$CONTAINERS_REGISTRIES_CONF"
c pull bb/short:1
check "short name, enforcing: ambiguous" rc_is 125 has "$ERR" "$P2/bb/short:1"
check "short name, enforcing: both candidates listed" has "$ERR" "$P/bb/short:1"
c pull myalias:1
check "enforcing: an alias still resolves" rc_is 0 [ "$OUT" = "$ID" ]
conf permissive "blocked = true" >"$CONTAINERS_REGISTRIES_CONF"
c pull "$P/bb/busybox:1"
check "a blocked registry" rc_is 125 has "$ERR" "blocked"

summary
