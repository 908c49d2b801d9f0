#!/bin/sh
# Every symbol exported by libctr (lib/libctr.sym, all version nodes) is used
# by each binding's wrapper sources, or listed in that binding's OMITTED file
# ("symbol: reason", one a line; # comments and blank lines allowed).  Also:
# libctr-sys declares every symbol (it is the complete raw API), and no
# OMITTED line names an unknown symbol or lacks a reason.
# usage: check-symbols.sh [SYMFILE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sym=${1:-$here/../lib/libctr.sym}
symbols=$(sed -n 's/^[[:space:]]*\(ctr_[A-Za-z0-9_]*\)[[:space:]]*;.*/\1/p' "$sym" | sort -u)
total=$(printf '%s\n' "$symbols" | grep -c . || true)
[ "$total" -gt 0 ] || { echo "check-symbols: no symbols in $sym" >&2; exit 1; }
status=0

# check NAME OMITTED GREP-ARGS...: the wrapper sources of one binding (files,
# or -r with --include/--exclude options and directories).
check() {
    name=$1 omitted=$2
    shift 2
    used=0 omit=0 missing="" nmissing=0
    for s in $symbols; do
        if grep -qws -e "$s" "$@"; then
            used=$((used + 1))
            if [ -f "$omitted" ] && grep -q "^$s:" "$omitted"; then
                echo "$name: $s is used but listed in $(basename "$omitted") (remove the line)"
                status=1
            fi
        elif [ -f "$omitted" ] && grep -q "^$s:" "$omitted"; then
            omit=$((omit + 1))
        else
            missing="$missing $s"
            nmissing=$((nmissing + 1))
        fi
    done
    if [ -f "$omitted" ]; then
        while IFS= read -r line; do
            case $line in ''|'#'*) continue ;; esac
            s=${line%%:*}
            reason=$(printf '%s' "${line#*:}" | sed 's/^[[:space:]]*//')
            if ! printf '%s\n' "$symbols" | grep -qx -- "$s"; then
                echo "$name: $(basename "$omitted") names $s, which libctr does not export"
                status=1
            elif [ "$reason" = "" ] || [ "$reason" = "$line" ]; then
                echo "$name: $(basename "$omitted") gives no reason for $s (write 'symbol: reason')"
                status=1
            fi
        done < "$omitted"
    fi
    if [ -n "$missing" ]; then
        echo "$name: not used and not in ${omitted#"$here"/}:"
        for s in $missing; do echo "    $s"; done
        status=1
    fi
    echo "$name: $total symbols: $used used, $omit omitted, $nmissing missing"
}

# Python: the wrapper modules (not _ffi.py, which only declares).
check python "$here/python/OMITTED" -r --include=__init__.py --include=_errors.py --include=_mem.py --include=_registry.py --include=_wait.py --include=_events.py \
    "$here/python/src/libctr"
# Go: the package (not its tests or examples) and the C shim that calls the optional modules.
check go "$here/go/OMITTED" -r --include='*.go' --include=shim.c --exclude='*_test.go' --exclude-dir=examples \
    "$here/go"
# Rust: the safe crate (libctr-sys is checked for completeness below).
check rust "$here/rust/OMITTED" -r --include='*.rs' "$here/rust/libctr/src"

# The raw crate declares everything.
undeclared=""
for s in $symbols; do
    grep -q "pub fn $s(" "$here/rust/libctr-sys/src/lib.rs" || undeclared="$undeclared $s"
done
if [ -n "$undeclared" ]; then
    echo "rust: libctr-sys does not declare:$undeclared"
    status=1
fi

if [ $status -eq 0 ]; then
    echo "symbols: $total exported, each used or deliberately omitted by the Python, Go and Rust bindings"
fi
exit $status
