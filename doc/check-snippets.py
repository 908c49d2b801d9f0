#!/usr/bin/env python3
"""Compile the C snippets of a Markdown page against libctr's headers.

usage: check-snippets.py PAGE.md --cc CC --include DIR --library LIBCTR.so

Every ```c block is a translation unit of its own, compiled after a prelude
that includes <libctr/ctr.h>, the plug-in headers and the usual libc headers.
A block that defines main() is also linked against the library.

A block whose first line is `/* from PATH */` (PATH relative to the
repository) is an excerpt: each part of it between `/* ... */` lines must
appear verbatim, in order, in that file (which the build compiles and tests).

Blocks in ```sh, ```text or unmarked fences are not checked.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

PRELUDE = """\
#include <libctr/ctr.h>
#include <libctr/sys/ctr-state.h>
#include <libctr/sys/ctr-oci.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
"""

FLAGS = ["-std=gnu11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror",
         "-Wno-unused-parameter", "-Wno-unused-function", "-Wno-unused-variable"]


def snippets(path):
    """Yield (line number, code) for each ```c block."""
    block, start = None, 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fence = re.match(r"^\s*```\s*(\S*)", line)
            if block is None and fence and fence.group(1) == "c":
                block, start = [], n + 1
            elif block is not None and fence and not fence.group(1):
                yield start, "".join(block)
                block = None
            elif block is not None:
                block.append(line)


def check_excerpt(page, code):
    """None when every part of the excerpt is in its file, else what is not."""
    lines = code.split("\n")
    path = re.match(r"/\* from (\S+) \*/$", lines[0]).group(1)
    root = os.path.dirname(os.path.dirname(os.path.abspath(page)))
    try:
        text = open(os.path.join(root, path), encoding="utf-8").read()
    except OSError as e:
        return str(e)
    parts, part = [], []
    for line in lines[1:]:
        if line.strip() == "/* ... */":
            parts.append("\n".join(part))
            part = []
        else:
            part.append(line)
    parts.append("\n".join(part))
    at = 0
    for p in (p.strip("\n") for p in parts):
        i = text.find(p, at)
        if i < 0:
            return "not in %s (or out of order):\n%s" % (path, p)
        at = i + len(p)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--cc", default="cc")
    ap.add_argument("--include", required=True)
    ap.add_argument("--library", required=True)
    a = ap.parse_args()

    libdir = os.path.dirname(os.path.abspath(a.library))
    failed = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for line, code in snippets(a.page):
            checked += 1
            if code.startswith("/* from "):
                err = check_excerpt(a.page, code)
                if err:
                    failed += 1
                    print("FAIL %s:%d: %s" % (a.page, line, err))
                else:
                    print("ok   %s:%d is an excerpt of its file" % (a.page, line))
                continue
            src = os.path.join(tmp, "snippet-%d.c" % line)
            with open(src, "w", encoding="utf-8") as f:
                f.write(PRELUDE)
                f.write('#line %d "%s"\n' % (line, os.path.basename(a.page)))
                f.write(code)
            if re.search(r"\bint\s+main\s*\(", code):
                cmd = [a.cc, *FLAGS, "-I", a.include, src, "-o", src[:-2],
                       a.library, "-Wl,-rpath," + libdir]
                what = "compiles and links"
            else:
                cmd = [a.cc, *FLAGS, "-I", a.include, "-c", src, "-o", src[:-2] + ".o"]
                what = "compiles"
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if r.returncode != 0:
                failed += 1
                print("FAIL %s:%d\n%s" % (a.page, line, r.stdout))
            else:
                print("ok   %s:%d %s" % (a.page, line, what))
    print("%d snippets, %d failed" % (checked, failed))
    return 1 if failed or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
