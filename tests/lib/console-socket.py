#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""An OCI runtime's --console-socket for tests: listen on SOCKET, take the
pty master one runtime sends (SCM_RIGHTS), and copy what the container
writes on its terminal to OUTPUT until the terminal closes (or TIMEOUT
seconds).  Prints "ready" on stdout once listening.

usage: console-socket.py SOCKET OUTPUT [TIMEOUT]
"""
import array
import os
import select
import socket
import sys
import time


def receive_fd(conn):
    fds = array.array("i")
    _, anc, _, _ = conn.recvmsg(1024, socket.CMSG_LEN(fds.itemsize))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
    if not fds:
        raise SystemExit("console-socket: no descriptor received")
    return fds[0]


def copy(master, out, deadline):
    with open(out, "wb") as f:
        while time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.2)
            if not r:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the terminal's last holder closed it
                return
            if not data:
                return
            f.write(data)
            f.flush()


def main():
    path, out = sys.argv[1], sys.argv[2]
    timeout = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(1)
    print("ready", flush=True)
    srv.settimeout(timeout)
    conn, _ = srv.accept()
    master = receive_fd(conn)
    conn.close()
    srv.close()
    os.unlink(path)
    copy(master, out, time.monotonic() + timeout)


if __name__ == "__main__":
    main()
