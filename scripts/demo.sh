#!/bin/sh
# Set up, build, and run the main job: containers through libctr.
set -eu
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh build >/dev/null
echo "== containers as data, with each state backend"
build/examples/hello-data files tdb
