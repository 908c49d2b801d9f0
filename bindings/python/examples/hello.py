#!/usr/bin/env python3
"""Run busybox `echo hello`, read its log, get exit code 0.
usage: hello.py IMAGE|ROOTFS_DIR [ROOT RUN_ROOT]   (default root: /var/lib/libctr, /run/libctr)"""
import os
import sys

import libctr

source = sys.argv[1]
where = {"rootfs": source} if os.path.isdir(source) else {"image": source}

with libctr.Runtime(*sys.argv[2:4]) as rt:
    with rt.create(command=["echo", "hello"], **where) as c:
        c.start()
        code = c.wait()
        print(c.logs_text(), end="")  # hello
        c.remove()
print("exit code", code)  # 0
sys.exit(code)
