#!/bin/sh
# usage: run-doxygen.sh DOXYGEN DOXYFILE HTMLDIR WARNLOG
# Run Doxygen (the Doxyfile sends its warnings to WARNLOG), then print the
# warnings so that they show in the build output, and mark HTMLDIR as new
# for ninja.  Warnings do not fail the build; `meson test --suite doc` does.
set -eu
doxygen=$1 doxyfile=$2 html=$3 log=$4
rm -rf "$html"
: > "$log"
"$doxygen" "$doxyfile"
if [ -s "$log" ]; then
    cat "$log" >&2
    n=$(grep -c ': warning: ' "$log" || true)
    echo "doxygen: $n warnings, listed in $log" >&2
fi
touch "$html"
