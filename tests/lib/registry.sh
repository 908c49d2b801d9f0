# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Real registries for the tests: Debian's docker-registry (the CNCF
# distribution registry) on 127.0.0.1, on a free port, with a configuration
# written here, in a directory of the caller's.  Sourced by the registry
# test scripts and the pull bench, after tap.sh.
#
#   registry_start NAME MODE DIR   start one; MODE is
#       plain   HTTP, no authentication
#       tls     HTTPS with a certificate of a CA made here
#       auth    HTTPS as tls, plus htpasswd basic authentication
#               (user $REG_USER, password $REG_PASSWORD)
#       token   HTTP with the bearer token flow: a token server of ours
#               (tests/lib/token-server.py) on another free port; anonymous
#               clients get pull, $REG_USER:$REG_PASSWORD everything
#     and set, for NAME (a shell identifier):
#       NAME_addr   127.0.0.1:PORT
#       NAME_dir    its directory (config.yml, data/, log, certs)
#       NAME_data   the storage root (docker/registry/v2/... below it)
#       NAME_pid    its PID
#       NAME_log    its log (the access log: one line per request)
#       NAME_certs  for tls/auth: a directory holding the CA as ca.crt
#                   (skopeo's and ctrctl's --cert-dir: the directory itself)
#       NAME_certsd for tls/auth: a certs.d-style tree holding
#                   127.0.0.1:PORT/ca.crt (what /etc/containers/certs.d is)
#       NAME_ca     for tls/auth: the CA certificate file
#       NAME_token_log  for token: the token server's log, one line per
#                   token asked for ("USER SCOPE...", "-" anonymous)
#   registry_skopeo_args NAME      the skopeo destination/source options for
#                                  NAME (--dest-* and --src-* both), printed
#   registry_push NAME SRC PATH    skopeo copy SRC (a skopeo reference) to
#                                  docker://NAME_addr/PATH
#   oci_busybox LAYOUT TAG SRC     an OCI layout LAYOUT (made if missing) with
#                                  image TAG: one layer, the busybox root
#                                  file system of SRC/tests/lib/make-rootfs.sh
#   registry_stop NAME             stop it (by its PID) and remove its directory
#   registry_stop_all              stop every registry started here (for traps)

REG_USER=libctr
REG_PASSWORD=s3cret-pw
REG_STARTED=

# The CA every tls/auth registry of this shell uses, made on first need.
_registry_ca() {
    local dir=$1
    [ -f "$dir/ca.crt" ] && return 0
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=libctr test CA $$" \
        -keyout "$dir/ca.key" -out "$dir/ca.crt" >/dev/null 2>&1
}

# _registry_cert DIR CA_DIR: a server certificate for 127.0.0.1 and localhost.
_registry_cert() {
    local dir=$1 ca=$2
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1 || return 1
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$dir/ext.cnf"
    openssl x509 -req -in "$dir/server.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
        -days 2 -extfile "$dir/ext.cnf" -out "$dir/server.crt" >/dev/null 2>&1
}

# A port nothing listens on now.
_registry_free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# _registry_wait ADDR SCHEME CA PID: until /v2/ answers (any status), 20 s at most.
_registry_wait() {
    /usr/bin/python3 - "$@" <<'EOF'
import ssl, sys, time, urllib.request, urllib.error, os
addr, scheme, ca, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ctx = ssl.create_default_context(cafile=ca) if scheme == "https" else None
for _ in range(200):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("registry exited")
    try:
        urllib.request.urlopen(f"{scheme}://{addr}/v2/", timeout=2, context=ctx)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except Exception:
        time.sleep(0.1)
sys.exit("registry did not answer")
EOF
}

registry_start() {
    local name=$1 mode=$2 dir=$3 port scheme=http tls_conf='' auth_conf='' pid
    mkdir -p "$dir/data" || return 1
    port=$(_registry_free_port) || return 1
    if [ "$mode" != plain ]; then
        scheme=https
        _registry_ca "$dir/../registry-ca" || return 1
        _registry_cert "$dir" "$dir/../registry-ca" || return 1
        mkdir -p "$dir/certs.d/127.0.0.1:$port"
        cp "$dir/../registry-ca/ca.crt" "$dir/certs.d/127.0.0.1:$port/ca.crt"
        tls_conf="  tls:
    certificate: $dir/server.crt
    key: $dir/server.key"
        printf -v "${name}_certs" '%s' "$dir/certs.d/127.0.0.1:$port"
        printf -v "${name}_certsd" '%s' "$dir/certs.d"
        printf -v "${name}_ca" '%s' "$dir/../registry-ca/ca.crt"
    fi
    if [ "$mode" = token ]; then
        _registry_token_server "$name" "$dir" || return 1
        auth_conf="auth:
  token:
    realm: http://127.0.0.1:$(eval "echo \${${name}_token_port}")/token
    service: libctr-test-registry
    issuer: libctr-test-issuer
    rootcertbundle: $dir/token.crt"
    fi
    if [ "$mode" = auth ]; then
        htpasswd -Bbn "$REG_USER" "$REG_PASSWORD" >"$dir/htpasswd" 2>/dev/null || return 1
        auth_conf="auth:
  htpasswd:
    realm: libctr-test
    path: $dir/htpasswd"
    fi
    cat >"$dir/config.yml" <<EOF
version: 0.1
log:
  level: info
  formatter: text
storage:
  filesystem:
    rootdirectory: $dir/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: libctr-test-$$-$port
$tls_conf
$auth_conf
EOF
    docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
    pid=$!
    REG_STARTED="$REG_STARTED $name"
    printf -v "${name}_pid" '%s' "$pid"
    printf -v "${name}_addr" '%s' "127.0.0.1:$port"
    printf -v "${name}_dir" '%s' "$dir"
    printf -v "${name}_data" '%s' "$dir/data"
    printf -v "${name}_log" '%s' "$dir/log"
    _registry_wait "127.0.0.1:$port" "$scheme" "$dir/../registry-ca/ca.crt" "$pid" || {
        echo "registry $name did not start:" >&2
        tail -5 "$dir/log" >&2
        return 1
    }
}

# _registry_token_server NAME DIR: start token-server.py for NAME, wait for its key.
_registry_token_server() {
    local name=$1 dir=$2 port pid here
    here=$(dirname "${BASH_SOURCE[0]}")
    port=$(_registry_free_port) || return 1
    /usr/bin/python3 "$here/token-server.py" "$dir" "$port" "$REG_USER" "$REG_PASSWORD" \
        libctr-test-registry libctr-test-issuer >"$dir/token-server.err" 2>&1 &
    pid=$!
    printf -v "${name}_token_pid" '%s' "$pid"
    printf -v "${name}_token_port" '%s' "$port"
    printf -v "${name}_token_log" '%s' "$dir/token.log"
    _registry_wait "127.0.0.1:$port" http "" "$pid" && [ -f "$dir/token.crt" ] || {
        echo "token server of $name did not start:" >&2
        cat "$dir/token-server.err" >&2
        return 1
    }
}

registry_skopeo_args() {
    local name=$1 certs d
    certs=$(eval "echo \${${name}_certs:-}")
    if [ -n "$certs" ]; then
        echo "--dest-cert-dir=$certs --src-cert-dir=$certs"
    else
        echo "--dest-tls-verify=false --src-tls-verify=false"
    fi
    d=$(eval "echo \${${name}_dir}")
    [ -f "$d/htpasswd" ] || [ -f "$d/token.crt" ] &&
        echo "--dest-creds=$REG_USER:$REG_PASSWORD --src-creds=$REG_USER:$REG_PASSWORD"
    return 0
}

registry_push() {
    local name=$1 src=$2 path=$3 addr args
    addr=$(eval "echo \${${name}_addr}")
    args=$(registry_skopeo_args "$name" | tr '\n' ' ' | sed 's/--src-[^ ]*//g')
    # shellcheck disable=SC2086
    skopeo copy -q $args "$src" "docker://$addr/$path"
}

registry_stop() {
    local name=$1 pid dir tpid
    pid=$(eval "echo \${${name}_pid:-}")
    dir=$(eval "echo \${${name}_dir:-}")
    tpid=$(eval "echo \${${name}_token_pid:-}")
    if [ -n "$tpid" ]; then
        kill "$tpid" 2>/dev/null
        wait "$tpid" 2>/dev/null
        printf -v "${name}_token_pid" '%s' ''
    fi
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    [ -n "$dir" ] && rm -rf "$dir"
    printf -v "${name}_pid" '%s' ''
}

registry_stop_all() {
    local n
    for n in $REG_STARTED; do registry_stop "$n"; done
    REG_STARTED=
}

oci_busybox() {
    local layout=$1 tag=$2 src=$3 work
    work=$(mktemp -d "${TMPDIR:-/tmp}/oci-busybox.XXXXXX") || return 1
    [ -f "$layout/index.json" ] || umoci init --layout "$layout" || return 1
    umoci new --image "$layout:$tag" &&
        umoci unpack --image "$layout:$tag" "$work/bundle" >/dev/null &&
        sh "$src/tests/lib/make-rootfs.sh" "$work/bundle/rootfs" >/dev/null &&
        umoci config --image "$layout:$tag" --config.cmd /bin/sh &&
        umoci repack --image "$layout:$tag" "$work/bundle" >/dev/null
    local rc=$?
    rm -rf "$work"
    return $rc
}
