#!/bin/sh
# usage: check-install.sh BUILD_DIR
# `meson install` into a scratch DESTDIR, then build and run a program outside
# the tree with `cc prog.c $(pkg-config --cflags --libs libctr)`.
set -eu
build=$1
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
DESTDIR="$dest" meson install -C "$build" --quiet --no-rebuild >/dev/null
pc=$(find "$dest" -name libctr.pc | head -1)
[ -n "$pc" ] || { echo "install: no libctr.pc installed"; exit 1; }
for h in ctr.h ctr-error.h ctr-runtime.h ctr-container.h ctr-lifecycle.h ctr-io.h ctr-image.h ctr-network.h sys/ctr-state.h sys/ctr-oci.h; do
    [ -n "$(find "$dest" -path "*/include/libctr/$h")" ] || { echo "install: header libctr/$h missing"; exit 1; }
done
cat > "$dest/prog.c" <<'C'
#include <libctr/ctr.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    ctr_runtime_options_t o = CTR_RUNTIME_OPTIONS_INIT;
    ctr_runtime_t *rt = NULL;
    o.version = 0; /* refused: proves a real call into the library */
    if (ctr_runtime_new(&rt, &o) != -22 || strlen(ctr_error_last()->message) == 0)
        return 1;
    puts(ctr_strerror(-2));
    return 0;
}
C
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$dest"
# A sanitizer build of the library needs its runtime in the program too.
san=""
lib=$(find "$dest" -name libctr.so.0 | head -1)
if nm -D "$lib" 2>/dev/null | grep -q "__asan_init"; then
    san="-fsanitize=address,undefined"
fi
# shellcheck disable=SC2046,SC2086
cc -std=c99 -Wall -Werror $san "$dest/prog.c" $(pkg-config --cflags --libs libctr) -o "$dest/prog"
LD_LIBRARY_PATH=$(dirname "$(find "$dest" -name libctr.so.0 | head -1)") "$dest/prog" >/dev/null
echo "install: headers, libctr.pc and libctr.so.0 installed; an outside program builds with pkg-config and runs"
