#!/bin/sh
# Rewrite lib/libctr.sym's unreleased node from the symbols the sources export.
# (Only while 0.1 is unreleased: once released, new symbols go in a new node.)
set -eu
cd "$(dirname "$0")/.."
{
  echo "/* Exported symbols, one node per release.  A released node never changes. */"
  echo "LIBCTR_0.1 {"
  echo "global:"
  scripts/gen-sym.sh | sed 's/^/    /; s/$/;/'
  echo "local:"
  echo "    *;"
  echo "};"
} > lib/libctr.sym.new
mv lib/libctr.sym.new lib/libctr.sym
