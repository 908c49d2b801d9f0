#!/bin/sh
# usage: check-warnings.sh WARNLOG
# Fail when Doxygen warned (an undocumented public declaration, a broken
# reference in a comment or page).  The log is written by the doc-html target.
set -eu
log=$1
if [ ! -f "$log" ]; then
    echo "no $log: build the doc-html target first" >&2
    exit 1
fi
if [ -s "$log" ]; then
    cat "$log"
    echo "doxygen: $(grep -c ': warning: ' "$log" || true) warnings"
    exit 1
fi
echo "doxygen: no warnings"
