#!/bin/sh
# Set up, build, and run every test suite, as root.  Used by .ci/run.
# usage: scripts/test.sh [--plain]
#   --plain (or CTR_TEST_STAGES=plain): only the stages that need no sanitizer or
#   special build: build, unit/api/integration suites, example, bindings.
# The closing line "N passed, N failed, N skipped" also goes to build-test/test-summary
# ("passed failed skipped") for .ci/run.
set -eu
cd "$(dirname "$0")/.."
stages=${CTR_TEST_STAGES:-all}
for arg in "$@"; do
    case $arg in
    --plain) stages=plain ;;
    --all) stages=all ;;
    *) echo "usage: $0 [--plain]" >&2; exit 2 ;;
    esac
done
case $stages in
all | plain) ;;
*) echo "test.sh: CTR_TEST_STAGES must be all or plain, not '$stages'" >&2; exit 2 ;;
esac
export CI="${CI:-}"
status=0
begin=$(date +%s)
stage() { echo "== $1 ($(( $(date +%s) - begin )) s)"; }

# The suites' run roots go under a tmpfs, as /run is on a real machine
# (CTR_TEST_RUN_DIR): a run root on a disk file system hides races.
run_dir=""
run_dir_mounted=false
remove_run_dir() {
    [ -n "$run_dir" ] || return 0
    if $run_dir_mounted; then
        umount "$run_dir" 2>/dev/null || umount -l "$run_dir" || echo "test.sh: cannot unmount $run_dir" >&2
        run_dir_mounted=false
    fi
    rmdir "$run_dir" 2>/dev/null || rm -rf --one-file-system "$run_dir"
    run_dir=""
    unset CTR_TEST_RUN_DIR
}
trap remove_run_dir EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
make_run_dir() {
    run_dir=$(mktemp -d /tmp/libctr-run-XXXXXX)
    if mount -t tmpfs -o mode=0755 tmpfs "$run_dir"; then
        run_dir_mounted=true
    else
        echo "test.sh: cannot mount a tmpfs on $run_dir: run roots stay on $(stat -f -c %T "$run_dir")" >&2
    fi
    export CTR_TEST_RUN_DIR="$run_dir"
    echo "run roots under $run_dir ($(stat -f -c %T "$run_dir"))"
}

stage "setup: packages (scripts/setup.sh)"
scripts/setup.sh

stage "build"
rm -rf build-test
meson setup build-test >/dev/null
ninja -C build-test
rm -f build-test/test-summary

make_run_dir
stage "unit, api and integration suites"
meson test -C build-test --print-errorlogs --num-processes 2 || status=1

# The suites that run containers again with libctr's own runtime
# (`native`: helpers/ctr-oci under helpers/ctr-monitor, exec sessions under
# conmon): LIBCTR_RUNTIME sets the library's default runtime (the API suites
# and the bindings), CTRCTL_RUNTIME ctrctl's.  Then the Python bindings.
# Not here: checkpoint (the native runtime has no CRIU support yet: the
# Python suite checks that it is refused); of the kill suites one backend
# (the runtime's side is the same).
stage "native runtime: the suites that run containers, under the native runtime"
native_suites="ctrctl ctrctl-mounts ctrctl-security ctrctl-resources ctrctl-update ctrctl-top ctrctl-wait
 ctrctl-restart ctrctl-health ctrctl-events ctrctl-inspect ctrctl-format ctrctl-pod ctrctl-kube ctrctl-cp
 ctrctl-rename ctrctl-diff ctrctl-volumes ctrctl-net ctrctl-stats lifecycle-files waiters-files refresh-files
 network volumes-files damage kill-files api api-concurrency api-pod api-kube api-network api-volume api-events"
rm -f build-test/bindings-summary-python
# shellcheck disable=SC2086
CTRCTL_RUNTIME=native LIBCTR_RUNTIME=native LIBCTR_HELPER_DIR="$PWD/build-test/helpers" \
    meson test -C build-test --no-rebuild --print-errorlogs --num-processes 2 --logbase testlog-native \
    $native_suites || status=1
LIBCTR_RUNTIME=native bindings/run-tests.sh build-test python || status=1

stage "example"
build-test/examples/hello-data || status=1

stage "bindings: Python, Go, Rust against build-test/lib"
rm -f build-test/bindings-summary
bindings/run-tests.sh build-test || status=1
remove_run_dir

# summary LOG... -- SUMMARY...: print the closing line and write build-test/test-summary.
# Meson's machine-readable logs and the other stages' "passed failed skipped" files count in;
# a missing log or summary means that stage did not finish, and counts as a failure.
summary() {
    /usr/bin/python3 - "$@" <<'PY'
import json, os, sys
args = sys.argv[1:]
sep = args.index("--")
logs, summaries = args[:sep], args[sep + 1:]
passed = failed = skipped = 0
for log in logs:
    if not os.path.exists(log):
        failed += 1
        continue
    for line in open(log):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
for summary in summaries:
    if os.path.exists(summary):
        p, f, s = (int(x) for x in open(summary).read().split())
        passed, failed, skipped = passed + p, failed + f, skipped + s
    else:
        failed += 1
with open("build-test/test-summary", "w") as out:
    out.write(f"{passed} {failed} {skipped}\n")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

if [ "$stages" = plain ]; then
    stage "done (plain stages only)"
    summary build-test/meson-logs/testlog.json build-test/meson-logs/testlog-native.json \
        -- build-test/bindings-summary build-test/bindings-summary-python
    exit $status
fi

stage "sanitizers: unit, api and integration suites under ASan and UBSan"
rm -rf build-asan
meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-asan
# The kill tests with fewer kills, and the waiters test with fewer containers
# and a looser bound, here: their code paths are the same as in the plain
# run, which does the full number.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 CTR_KILL_ROUNDS=10 CTR_KILL_OP_ROUNDS=4 \
CTR_WAIT_MANY=40 CTR_WAIT_BOUND_MS=250 \
    meson test -C build-asan --suite unit --suite api --suite integration --print-errorlogs \
    --num-processes 2 --logbase testlog-asan || status=1

stage "valgrind: unit and api suites, zero errors and zero leaks"
valgrind_tests=$(meson test -C build-test --list --suite unit --suite api 2>/dev/null |
                 sed -n 's|^libctr:[a-z]* / ||p' | grep -v -e '^header-' -e '^symbols$' -e '^install$')
# shellcheck disable=SC2086
CTR_TEST_VALGRIND=1 meson test -C build-test --print-errorlogs --num-processes 2 \
    --wrap='valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect' \
    $valgrind_tests || status=1

stage "fuzzing: every libFuzzer target, ${FUZZ_SECONDS:=30} s each"
rm -rf build-fuzz
CC=clang meson setup build-fuzz -Dfuzzers=true -Dtests=false >/dev/null
ninja -C build-fuzz
fuzz_status=0
fuzz_run() {
    name=$1
    dir=$(mktemp -d)
    if build-fuzz/tests/fuzz/"$name" -max_total_time="$FUZZ_SECONDS" -timeout=20 -rss_limit_mb=2048 \
        -artifact_prefix="build-fuzz/$name-" "$dir" "tests/fuzz/corpus/$name" >"build-fuzz/$name.log" 2>&1; then
        echo "fuzz $name: $(grep -o 'Done [0-9]* runs' "build-fuzz/$name.log" | tail -1), no crash"
    else
        echo "fuzz $name: FAILED (see build-fuzz/$name.log; reproducer under build-fuzz/$name-*)"
        tail -20 "build-fuzz/$name.log"
        echo "$name" >> build-fuzz/failed
    fi
    rm -rf "$dir"
}
rm -f build-fuzz/failed
targets=$(cd tests/fuzz && ls fuzz-*.c | sed 's/\.c$//')
# Three at a time: each runs its full time, sharing the two cores.
set -- $targets
while [ $# -gt 0 ]; do
    fuzz_run "$1" &
    if [ $# -gt 1 ]; then fuzz_run "$2" & fi
    if [ $# -gt 2 ]; then fuzz_run "$3" & fi
    wait
    shift; [ $# -gt 0 ] && shift; [ $# -gt 0 ] && shift
done
meson test -C build-fuzz --suite fuzz --logbase testlog-fuzz >/dev/null 2>&1 || echo "fuzz corpora: regression run failed" >> build-fuzz/failed
if [ -f build-fuzz/failed ]; then
    status=1
    fuzz_failed=$(wc -l < build-fuzz/failed)
else
    fuzz_failed=0
fi
fuzz_passed=$(( $(echo "$targets" | wc -w) - fuzz_failed ))
echo "$fuzz_passed 0 0" > build-fuzz/summary
[ "$fuzz_failed" -gt 0 ] && echo "$fuzz_passed $fuzz_failed 0" > build-fuzz/summary

stage "docs: API reference (Doxygen), guide snippets, header comments"
rm -rf build-docs
meson setup build-docs -Ddocs=true >/dev/null
ninja -C build-docs
meson test -C build-docs --suite doc --print-errorlogs --logbase testlog-docs || status=1

stage "ABI: the exported interface against the 0.1 baseline"
if [ -f tests/abi/libctr.so.0.abi ]; then
    # Additions only: versioned structs may grow at their end (tests/abi/libctr.abignore, doc/abi.md).
    if abidiff --no-added-syms --suppressions tests/abi/libctr.abignore --headers-dir2 include/libctr \
        tests/abi/libctr.so.0.abi build-test/lib/libctr.so.0 > build-test/abidiff.txt 2>&1; then
        echo "abi: compatible with tests/abi/libctr.so.0.abi"
        echo "1 0 0" > build-test/abi-summary
    else
        cat build-test/abidiff.txt
        echo "abi: INCOMPATIBLE with tests/abi/libctr.so.0.abi"
        echo "0 1 0" > build-test/abi-summary
        status=1
    fi
else
    echo "abi: no baseline"
    echo "0 1 0" > build-test/abi-summary
    status=1
fi

# ---- crash safety (tests/integration/test-crash.c) ----
# A build with the crash points compiled in: SIGKILL at each of them (and at
# every fsync) inside create, init, start, stop, remove, import and commit,
# then open, check, retry and clean, for the files and tdb state backends.
stage "crash safety: SIGKILL at every crash point, files and tdb backends"
rm -rf build-fault
meson setup build-fault -Dfault_injection=true >/dev/null
ninja -C build-fault
meson test -C build-fault --suite crash --print-errorlogs --num-processes 2 || status=1
# ---- end of crash safety ----

# One closing line for the whole run, from meson's machine-readable log.
# The binding suites' totals (bindings/run-tests.sh) count in; a missing file means they did not finish.
# Meson's logs (plain, sanitizer, valgrind and crash runs) and the other stages' summaries count in;
# a missing log or summary means that stage did not finish, and counts as a failure.
stage "done"
summary build-test/meson-logs/testlog.json build-test/meson-logs/testlog-native.json \
    build-asan/meson-logs/testlog-asan.json \
    build-test/meson-logs/testlog-valgrind.json build-fault/meson-logs/testlog.json \
    -- build-test/bindings-summary build-test/bindings-summary-python build-fuzz/summary \
    build-test/abi-summary
exit $status
