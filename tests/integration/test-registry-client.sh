#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The registry client (lib/registry/client.c) against real docker-registry
# processes on 127.0.0.1 (tests/lib/registry.sh): plain HTTP, TLS with a
# test CA, TLS with htpasswd basic authentication.  busybox is pushed to
# each with skopeo; the checks themselves are test-registry-client.c.
# usage: test-registry-client.sh PROGRAM SOURCE_ROOT
# Exit 0 when every check passed, 1 otherwise; 77 (skip) when something is
# missing, except with CI=true, where that fails.
set -u
PROG=$1
SRC=$2
. "$SRC/tests/lib/tap.sh"
. "$SRC/tests/lib/registry.sh"

need docker-registry skopeo umoci openssl htpasswd

tmp=$(mktemp -d /tmp/registry-client-test.XXXXXX)
final_cleanup() {
    registry_stop_all
    rm -rf "$tmp"
}
trap final_cleanup EXIT

registry_start plain plain "$tmp/plain" || { echo "FAIL: registry plain"; exit 1; }
registry_start tls tls "$tmp/tls" || { echo "FAIL: registry tls"; exit 1; }
registry_start auth auth "$tmp/auth" || { echo "FAIL: registry auth"; exit 1; }
oci_busybox "$tmp/oci" img "$SRC" >/dev/null || { echo "FAIL: oci_busybox"; exit 1; }
for r in plain tls auth; do
    registry_push "$r" "oci:$tmp/oci:img" bb/busybox:1 || { echo "FAIL: skopeo push to $r"; exit 1; }
done

# Nothing of the host's credentials.
export REGISTRY_AUTH_FILE=$tmp/auth.json
# shellcheck disable=SC2154
PLAIN=$plain_addr PLAIN_DATA=$plain_data PLAIN_LOG=$plain_log TLS=$tls_addr TLS_CERTS=$tls_certs AUTH=$auth_addr \
    AUTH_CERTS=$auth_certs REG_USER=$REG_USER REG_PASSWORD=$REG_PASSWORD TEST_TMP=$tmp \
    timeout -k 5 300 "$PROG"
