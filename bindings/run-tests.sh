#!/bin/bash
# Build and run the Python, Go and Rust binding suites against the library of
# a meson build directory (BUILD_DIR/lib, headers from include/), then the
# symbol coverage check.  Each suite prints its own summary line; the totals
# go to BUILD_DIR/bindings-summary ("passed failed skipped") for scripts/test.sh.
# Needs root, runc and conmon (real containers); with CI=true nothing skips.
# The registry tests get two real registries (tests/lib/registry.sh): a plain
# one holding the test image ($LIBCTR_TEST_REGISTRY_IMAGE) and one with TLS and
# basic authentication ($LIBCTR_TEST_AUTH_REGISTRY, its CA directory
# $LIBCTR_TEST_AUTH_CERTS, user $LIBCTR_TEST_REG_USER, $LIBCTR_TEST_REG_PASSWORD).
# With SUITE names (python go rust symbols) only those run, and the totals go
# to BUILD_DIR/bindings-summary-SUITE-SUITE... instead.
# usage: bindings/run-tests.sh BUILD_DIR [SUITE...]
set -u
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [python|go|rust|symbols...]" >&2; exit 2; }
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
shift
suites=${*:-python go rust symbols}
summary_file=$build/bindings-summary
[ $# -eq 0 ] || summary_file=$build/bindings-summary-$(echo "$suites" | tr ' ' '-')
for suite in $suites; do
    case $suite in python|go|rust|symbols) ;; *) echo "run-tests: unknown suite $suite" >&2; exit 2 ;; esac
done
lib=$build/lib
inc=$src/include
[ -e "$lib/libctr.so.0" ] || { echo "run-tests: no $lib/libctr.so.0 (build first)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/libctr-bindings-XXXXXX")
# shellcheck source=../tests/lib/registry.sh
. "$src/tests/lib/registry.sh"
trap 'registry_stop_all; rm -rf "$tmp"' EXIT

export SOURCE_ROOT="$src" LIBCTR_INCLUDE_DIR="$inc"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# libctr's helpers (ctr-cleanup for auto-removal), from the same build.
export LIBCTR_HELPER_DIR="$build/helpers"
unset LIBCTR_LIBRARY
# cargo needs a home; go gets its own caches below.
[ -n "${HOME:-}" ] || export CARGO_HOME="${CARGO_HOME:-$tmp/cargo-home}"
status=0
passed=0 failed=0 skipped=0

# The registries and the test image in the plain one.
registries() {
    "$src/bindings/make-test-image.sh" "$tmp/busybox-oci" >/dev/null &&
        registry_start reg_plain plain "$tmp/reg-plain" &&
        registry_start reg_auth auth "$tmp/reg-auth" &&
        registry_push reg_plain "oci:$tmp/busybox-oci:latest" libctr/busybox:1 || return 1
    export LIBCTR_TEST_REGISTRY_IMAGE="$reg_plain_addr/libctr/busybox:1"
    export LIBCTR_TEST_AUTH_REGISTRY="$reg_auth_addr" LIBCTR_TEST_AUTH_CERTS="$reg_auth_certs"
    export LIBCTR_TEST_REG_USER="$REG_USER" LIBCTR_TEST_REG_PASSWORD="$REG_PASSWORD"
}
echo "== bindings: registries"
registries || { echo "run-tests: the test registries did not start (the registry tests fail)"; status=1; }

# add P F S: count a suite into the totals.
add() {
    passed=$((passed + $1)) failed=$((failed + $2)) skipped=$((skipped + $3))
}

# count FILE PATTERN: sum of the numbers before PATTERN on the matching lines.
count() {
    grep -oE "[0-9]+ $2" "$1" | awk '{n += $1} END {print n + 0}'
}

python_suite() {
echo "== bindings: python"
python=/usr/bin/python3
cp -r "$src/bindings/python" "$tmp/python-src"
rm -rf "$tmp/python-src/build" "$tmp"/python-src/src/*.egg-info
if "$python" -m pip install -q --no-index --no-cache-dir --disable-pip-version-check --root-user-action=ignore \
        --target "$tmp/python-site" "$tmp/python-src" > "$tmp/pip.log" 2>&1; then
    (cd "$tmp" && PYTHONPATH="$tmp/python-site" "$python" -m pytest -p no:cacheprovider -q -rfEsx \
        "$src/bindings/python/tests") > "$tmp/py.log" 2>&1
    rc=$?
    cat "$tmp/py.log"
    last=$(grep -E '^=*.*(passed|failed|error|no tests ran)' "$tmp/py.log" | tail -n 1)
    p=$(($(echo "$last" | grep -oE '[0-9]+ (passed|xfailed)' | awk '{n += $1} END {print n + 0}')))
    f=$(($(echo "$last" | grep -oE '[0-9]+ (failed|errors?|xpassed)' | awk '{n += $1} END {print n + 0}')))
    s=$(($(echo "$last" | grep -oE '[0-9]+ skipped' | awk '{n += $1} END {print n + 0}')))
    [ "$rc" -eq 0 ] || { [ "$f" -gt 0 ] || f=1; status=1; }
    add "$p" "$f" "$s"
else
    cat "$tmp/pip.log"
    echo "python: pip install bindings/python failed"
    add 0 1 0
    status=1
fi
}

go_suite() {
echo "== bindings: go"
export GOCACHE="$tmp/go-cache" GOPATH="$tmp/go-path" GOPROXY=off GOFLAGS='' GO111MODULE=on
export CGO_CFLAGS="-I$inc" CGO_LDFLAGS="-L$lib"
(cd "$src/bindings/go" && go vet ./... && go test -count=1 -v ./...) > "$tmp/go.log" 2>&1
rc=$?
grep -vE '^=== (RUN|PAUSE|CONT)' "$tmp/go.log"
p=$(grep -c '^--- PASS' "$tmp/go.log") f=$(grep -c '^--- FAIL' "$tmp/go.log") s=$(grep -c '^--- SKIP' "$tmp/go.log")
[ "$rc" -eq 0 ] || { [ "$f" -gt 0 ] || f=1; status=1; }
add "$p" "$f" "$s"
}

rust_suite() {
echo "== bindings: rust"
cargo=$(command -v cargo || echo /usr/bin/cargo)
export LIBCTR_LIB_DIR="$lib" CARGO_TARGET_DIR="$build/bindings-rust-target"
# No dependencies, so no lock file to keep; a newer cargo's lock (format v4) would stop Debian's cargo.
rm -f "$src/bindings/rust/Cargo.lock"
(cd "$src/bindings/rust" && "$cargo" test --offline --workspace) > "$tmp/rust.log" 2>&1
rc=$?
grep -vE '^\s+(Compiling|Running|Doc-tests)|^running [0-9]+ tests?$|^$' "$tmp/rust.log"
p=$(count "$tmp/rust.log" 'passed;') f=$(count "$tmp/rust.log" 'failed;') s=$(count "$tmp/rust.log" 'ignored;')
[ "$rc" -eq 0 ] || { [ "$f" -gt 0 ] || f=1; status=1; }
add "$p" "$f" "$s"
}

symbols_suite() {
echo "== bindings: symbol coverage"
if "$src/bindings/check-symbols.sh" "$src/lib/libctr.sym"; then
    add 1 0 0
else
    add 0 1 0
    status=1
fi
}

for suite in $suites; do
    "${suite}_suite"
done
echo "$passed $failed $skipped" > "$summary_file"
echo "bindings: $passed passed, $failed failed, $skipped skipped"
exit $status
