#!/bin/sh
# Print the symbols marked CTR_EXPORT in lib/ (for keeping lib/libctr.sym in step).
cd "$(dirname "$0")/.."
{
  grep -rhoE "^CTR_EXPORT [^(]*\(" lib | sed -E 's/.*[ *](ctr_[a-z0-9_]+)\($/\1/'
  grep -hoE "^GETTER\(\w*|^STRV_GETTER\(\w*" lib/core/container.c | sed 's/.*(/ctr_container_/'
  grep -hoE "^STATE_GETTER\(\w*" lib/core/container.c | sed 's/.*(//'
} | sort -u
