#!/bin/sh
# usage: check-symbols.sh LIBRARY SYMFILE
# The dynamic symbols the library defines must be exactly those in SYMFILE,
# all starting with ctr_, and the SONAME must be libctr.so.0.
set -eu
lib=$1 sym=$2
exported=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sed 's/@.*//' | grep -v '^LIBCTR_' | sort -u)
listed=$(sed -n 's/^[[:space:]]*\(ctr_[a-z0-9_]*\);.*/\1/p' "$sym" | sort -u)
status=0
if [ "$exported" != "$listed" ]; then
    echo "exported symbols differ from $sym:"
    printf '%s\n' "$exported" > /tmp/ctr-exported.$$
    printf '%s\n' "$listed" > /tmp/ctr-listed.$$
    diff /tmp/ctr-listed.$$ /tmp/ctr-exported.$$ || true
    rm -f /tmp/ctr-exported.$$ /tmp/ctr-listed.$$
    status=1
fi
bad=$(printf '%s\n' "$exported" | grep -v '^ctr_' || true)
if [ -n "$bad" ]; then
    echo "exported symbols without the ctr_ prefix: $bad"
    status=1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
if [ "$soname" != "libctr.so.0" ]; then
    echo "SONAME is '$soname', expected libctr.so.0"
    status=1
fi
n=$(printf '%s\n' "$exported" | wc -l)
[ $status -eq 0 ] && echo "symbols: $n exported, all listed in $(basename "$sym"), SONAME $soname"
exit $status
