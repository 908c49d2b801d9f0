#!/bin/sh
# Set up, build, and run every test suite.  Used by .ci/run.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
export CI="${CI:-}"
status=0

echo "== build"
rm -rf build-test
meson setup build-test >/dev/null
ninja -C build-test

echo "== unit, api and integration suites"
meson test -C build-test --print-errorlogs --num-processes 2 || status=1

echo "== example"
build-test/examples/hello-data || status=1

echo "== bindings: Python, Go, Rust against build-test/lib"
rm -f build-test/bindings-summary
bindings/run-tests.sh build-test || status=1

# One closing line for the whole run, from meson's machine-readable log.
# The binding suites' totals (bindings/run-tests.sh) count in; a missing file means they did not finish.
/usr/bin/python3 - build-test/meson-logs/testlog.json build-test/bindings-summary <<'PY'
import json, os, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)["result"]
    if r in ("OK", "EXPECTEDFAIL"):
        passed += 1
    elif r == "SKIP":
        skipped += 1
    else:
        failed += 1
if os.path.exists(sys.argv[2]):
    p, f, s = (int(x) for x in open(sys.argv[2]).read().split())
    passed, failed, skipped = passed + p, failed + f, skipped + s
else:
    failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
