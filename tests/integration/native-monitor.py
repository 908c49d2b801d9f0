# SPDX-License-Identifier: LGPL-2.1-or-later
# ctr-monitor's contract, driven as lib/oci/conmon.c drives conmon: the
# sync and start pipes at fds 3 and 4, the first process's exit and the
# monitor's pidfile, {"data": PID} (or -1 and a message), the k8s-file log
# (format, rotation at --log-size-max), the exit file, the exit command,
# the attach socket (output packets, input, EOF closing stdin) and the ctl
# FIFO with a terminal, the oom file, a caller SIGKILLed, no zombie, the
# monitor's VmHWM.
# usage: native-monitor.py CTR_MONITOR CTR_OCI SPEC_JSON TMPDIR CGROUP
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time

MON, OCI, SPEC, TMP, CG = sys.argv[1:6]
STATE = os.path.join(TMP, "state")


def sanitized(path):
    """Whether the program links a sanitizer's runtime (the ASan stage's build)."""
    out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
    return "libasan" in out or "libubsan" in out


# The bound of the issue, 2 MiB; a sanitized build carries its runtime and
# shadow memory (about 5 MiB more), and is held to 12 MiB.
HWM_LIMIT_KB = 12288 if sanitized(MON) else 2048
results = {"pass": 0, "fail": 0}


def check(desc, cond, info=""):
    if cond:
        print("ok   - " + desc)
        results["pass"] += 1
    else:
        print("FAIL - " + desc + (": " + str(info) if info else ""))
        results["fail"] += 1


class Container:
    def __init__(self, name, args, terminal=False, memory=0):
        self.name = name
        self.bundle = os.path.join(TMP, "b-" + name)
        self.run = os.path.join(TMP, "r-" + name)
        self.exit_dir = os.path.join(TMP, "x-" + name)
        self.log = os.path.join(self.bundle, "ctr.log")
        for d in (self.bundle, self.run, self.exit_dir):
            os.makedirs(d, exist_ok=True)
        d = json.load(open(SPEC))
        d["process"]["args"] = args
        d["process"]["terminal"] = terminal
        d["linux"]["cgroupsPath"] = "/%s/%s" % (CG, name)
        if memory:
            d["linux"].setdefault("resources", {})["memory"] = {"limit": memory, "swap": memory}
        json.dump(d, open(os.path.join(self.bundle, "config.json"), "w"))

    def argv(self, extra):
        r = self.run
        return [MON, "--api-version", "-c", self.name, "-u", self.name, "-r", OCI, "-b", self.bundle,
                "-p", r + "/pidfile", "--conmon-pidfile", r + "/conmon.pid", "--full-attach",
                "-l", "k8s-file:" + self.log, "--log-level", "warn"] + extra + [
                "-n", self.name, "--exit-dir", self.exit_dir,
                "--runtime-arg", "--root", "--runtime-arg", STATE, "--runtime-arg", "--log",
                "--runtime-arg", r + "/oci-log", "--runtime-arg", "--log-format", "--runtime-arg", "json"]

    def spawn(self, extra):
        """posix_spawn the monitor as conmon.c does; wait for its first
        process.  Returns (first process's status, our sync end)."""
        sync, sync_c = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        start, start_c = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        start.send(b"\0")
        a, b = os.dup(sync_c.fileno()), os.dup(start_c.fileno())
        high_a, high_b = os.dup2(a, 100), os.dup2(b, 101)
        os.close(a)
        os.close(b)
        env = dict(os.environ, _OCI_SYNCPIPE="3", _OCI_STARTPIPE="4")
        null = os.open("/dev/null", os.O_RDWR)
        actions = [(os.POSIX_SPAWN_DUP2, null, 0), (os.POSIX_SPAWN_DUP2, null, 1),
                   (os.POSIX_SPAWN_DUP2, high_a, 3), (os.POSIX_SPAWN_DUP2, high_b, 4)]
        pid = os.posix_spawn(MON, self.argv(extra), env, file_actions=actions, setpgroup=0)
        for fd in (high_a, high_b, null):
            os.close(fd)
        sync_c.close()
        start_c.close()
        _, status = os.waitpid(pid, 0)
        start.close()
        return status, sync

    def report(self, sync):
        r, _, _ = select.select([sync], [], [], 30)
        data = sync.recv(65536) if r else b""
        return json.loads(data) if data else None

    def oci(self, *args):
        pid = os.fork()
        if pid == 0:
            null = os.open("/dev/null", os.O_RDWR)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.execv(OCI, [OCI, "--root", STATE] + list(args) + [self.name])
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])

    def monitor_pid(self):
        return int(open(self.run + "/conmon.pid").read())

    def wait_monitor_gone(self, pid, timeout=30):
        fd = os.pidfd_open(pid)
        select.select([fd], [], [], timeout)
        os.close(fd)
        return not alive(pid)

    def exit_file(self):
        try:
            return open(os.path.join(self.exit_dir, self.name)).read()
        except OSError:
            return None


def alive(pid):
    try:
        st = open("/proc/%d/stat" % pid).read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


def vm_hwm(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}[+-]\d\d:\d\d (stdout|stderr) [FP] ")


def test_log_exit_command():
    c = Container("logs", ["/bin/sh", "-c", "i=0; while [ $i -lt 300 ]; do echo line-$i; i=$((i+1)); done; "
                           "echo to-stderr >&2; printf partial; exit 7"])
    marker = os.path.join(TMP, "exit-command-ran")
    status, sync = c.spawn(["--log-size-max", "4096", "--exit-command", "/bin/sh", "--exit-command-arg", "-c",
                            "--exit-command-arg", 'echo "ran $0 $1" >' + marker,
                            "--exit-command-arg", "one", "--exit-command-arg", "two"])
    check("the first process exits 0 at once", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status)
    mpid = c.monitor_pid()
    rep = c.report(sync)
    pid = int(open(c.run + "/pidfile").read())
    check('the sync pipe says {"data": PID} with the pidfile\'s PID', rep == {"data": pid}, rep)
    check("the monitor is the container's parent", open("/proc/%d/stat" % pid).read().split(") ")[1].split()[1]
          == str(mpid))
    check("ctr-oci sees the container created", c.oci("state") == 0)
    check("ctr-oci start", c.oci("start") == 0)
    check("the monitor exits after the container", c.wait_monitor_gone(mpid))
    check("the exit file holds the exit status", c.exit_file() == "7", c.exit_file())
    check("the container's init was reaped (no zombie)", not os.path.exists("/proc/%d" % pid))
    check("the exit command ran with its arguments", os.path.exists(marker)
          and open(marker).read() == "ran one two\n")
    text = open(c.log).read()
    lines = text.splitlines()
    check("every log line in k8s-file format", lines and all(STAMP.match(x) for x in lines), lines[:3])
    check("the log was rotated at --log-size-max (4096)", len(text) <= 4096 and "line-0\n" not in text,
          len(text))
    check("... and holds the last lines", " stdout F line-299" in text and " stderr F to-stderr" in text, text[-300:])
    check("a last line with no newline is P", any(x.endswith(" stdout P partial") for x in lines[-2:]), lines[-2:])
    c.oci("delete")


def test_failure():
    c = Container("fails", ["/no/such/program"])
    status, sync = c.spawn([])
    rep = c.report(sync)
    check("a failed create: first process 0, {\"data\": -1, \"message\"}",
          os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and rep and rep.get("data") == -1
          and "no/such" in rep.get("message", ""), rep)
    log = open(c.run + "/oci-log").read() if os.path.exists(c.run + "/oci-log") else ""
    check("... and the runtime's JSON log has the error", '"level":"error"' in log, log)
    check("... and ctr-oci knows no such container", c.oci("state") != 0)


def read_attach(sock, until, timeout=20):
    """Output packets until EOF or until `until` is in stdout."""
    out = b""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([sock], [], [], 1)
        if not r:
            continue
        pkt = sock.recv(8193)
        if not pkt:
            break
        if pkt[0] == 2:
            out += pkt[1:]
        if until and until in out:
            break
    return out


def attach(c):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect(os.path.join(c.bundle, "attach"))
    return s


def test_tty_caller_killed():
    c = Container("tty", ["/bin/sh", "-c", "read x; stty size; echo got-$x; exit 3"], terminal=True)
    r, w = os.pipe()
    caller = os.fork()
    if caller == 0:
        # The caller: spawns the monitor, then waits to be killed.
        os.close(r)
        status, sync = c.spawn(["-t"])
        os.write(w, b"%d\n" % status)
        time.sleep(600)
        os._exit(0)
    os.close(w)
    status = int(os.read(r, 64))
    mpid = c.monitor_pid()
    os.kill(caller, signal.SIGKILL)
    os.waitpid(caller, 0)
    time.sleep(0.2)
    check("with -t: the first process exits 0", os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status)
    check("the monitor survives its caller's SIGKILL", alive(mpid))
    pid = int(open(c.run + "/pidfile").read())
    check("... and so does the container", alive(pid))
    hwm = vm_hwm(mpid)
    print("# ctr-monitor VmHWM: %d kB" % hwm)
    check("the monitor's VmHWM < %d kB (%d kB)" % (HWM_LIMIT_KB, hwm), 0 < hwm < HWM_LIMIT_KB)
    s = attach(c)
    fd = os.open(os.path.join(c.bundle, "ctl"), os.O_WRONLY | os.O_NONBLOCK)
    os.write(fd, b"1 40 120\n")
    os.close(fd)
    check("ctr-oci start", c.oci("start") == 0)
    s.send(b"hello\n")
    out = read_attach(s, None)
    check("attach: the terminal's output, resized by the ctl FIFO (40 120)", b"40 120" in out, out)
    check("attach: input reaches the terminal", b"got-hello" in out, out)
    s.close()
    check("the monitor exits after the container", c.wait_monitor_gone(mpid))
    check("the exit file holds 3", c.exit_file() == "3", c.exit_file())
    check("no zombie left", not os.path.exists("/proc/%d" % pid))
    c.oci("delete")


def test_stdin():
    c = Container("stdin", ["/bin/sh", "-c", "cat; echo eof; exit 0"])
    status, sync = c.spawn(["-i"])
    rep = c.report(sync)
    mpid = c.monitor_pid()
    s = attach(c)
    check("-i: created", rep and rep.get("data", -1) > 0, rep)
    c.oci("start")
    s.send(b"abc\n")
    s.shutdown(socket.SHUT_WR)
    out = read_attach(s, None)
    check("attach: input to stdin, its EOF closes stdin", out == b"abc\neof\n", out)
    check("the monitor exits", c.wait_monitor_gone(mpid))
    check("the exit file holds 0", c.exit_file() == "0", c.exit_file())
    c.oci("delete")


def test_oom():
    c = Container("oom", ["/bin/sh", "-c", "head -c 67108864 /dev/zero | tail >/dev/null"], memory=32 << 20)
    status, sync = c.spawn([])
    rep = c.report(sync)
    mpid = c.monitor_pid()
    c.oci("start")
    check("a 32 MiB container filling 64 MiB: the monitor exits", c.wait_monitor_gone(mpid))
    check("... BUNDLE/oom written (OOM kill)", os.path.exists(os.path.join(c.bundle, "oom")), c.exit_file())
    c.oci("delete")
    c = Container("fits", ["/bin/sh", "-c", "head -c 1048576 /dev/zero | tail >/dev/null"], memory=32 << 20)
    status, sync = c.spawn([])
    rep = c.report(sync)
    mpid = c.monitor_pid()
    c.oci("start")
    check("a container within its limit: no BUNDLE/oom", c.wait_monitor_gone(mpid)
          and not os.path.exists(os.path.join(c.bundle, "oom")) and c.exit_file() == "0", c.exit_file())
    c.oci("delete")


def main():
    os.makedirs(STATE, exist_ok=True)
    tests = (test_log_exit_command, test_failure, test_stdin, test_oom, test_tty_caller_killed)
    only = os.environ.get("NATIVE_MONITOR_ONLY")
    for t in tests:
        if only and t.__name__ != only:
            continue
        try:
            t()
        except Exception as e:  # a broken step is a failure, not a crash
            check(t.__name__ + " ran", False, repr(e))
    print("# %d passed, %d failed" % (results["pass"], results["fail"]))
    sys.exit(1 if results["fail"] else 0)


main()
