# SPDX-License-Identifier: LGPL-2.1-or-later
"""Version 3 of the container options through the Python bindings: a bind
mount, a memory limit in the container's cgroup, and every option reaching
the library (inspect's podman-shaped keys, the OCI spec that init writes)."""
import datetime
import json
import os
import stat
from pathlib import Path

import pytest

import libctr
from libctr import Mount, Ulimit, _ffi
from libctr import _options as opt

MIB = 1 << 20


def sh(script):
    return ["/bin/sh", "-c", script]


def block_device():
    """A block device node of this machine (/dev/vda...), for the throttles."""
    for name in sorted(os.listdir("/sys/block")):
        path = "/dev/" + name
        if not name.startswith(("loop", "ram")) and os.path.exists(path) and stat.S_ISBLK(os.stat(path).st_mode):
            return path
    pytest.fail("no block device on this machine for the device throttles")


def cgroup_file(pid, controller, v1_file, v2_file):
    """The cgroup file of process pid: the v1 hierarchy of controller, else the v2 one."""
    lines = [line.rstrip("\n").split(":", 2) for line in open(f"/proc/{pid}/cgroup")]
    mounts = [line.split(" - ") for line in open("/proc/self/mountinfo")]
    for _, controllers, path in lines:
        if controller in controllers.split(","):
            for left, right in mounts:
                fstype, _, super_opts = right.split()
                if fstype == "cgroup" and controller in super_opts.split(","):
                    return Path(left.split()[4] + path) / v1_file
    for hid, controllers, path in lines:
        if hid == "0" and controllers == "":
            for left, right in mounts:
                if right.split()[0] == "cgroup2":
                    return Path(left.split()[4] + path) / v2_file
    pytest.fail(f"no {controller} cgroup for pid {pid}: {lines}")


def wait_for(c, timeout=10):
    code = c.wait(timeout=timeout)
    return code, c.logs_text()


# ---- conversion (no container) ------------------------------------------------------------------

def test_mount_values():
    m = Mount.bind(Path("/src"), "/data", "ro,rprivate", "nosuid")
    assert m == Mount("bind", "/src", "/data", ("ro", "rprivate", "nosuid"))
    assert Mount.tmpfs("/scratch", "size=10m") == Mount("tmpfs", None, "/scratch", ("size=10m",))
    assert Mount.volume("vol", "/v").source == "vol" and Mount.volume(None, "/v").source is None
    assert Mount("proc", None, "/p", "ro").options == ("ro",)
    assert hash(m) == hash(Mount.bind("/src", "/data", "ro", "rprivate", "nosuid"))
    with pytest.raises(AttributeError):
        m.destination = "/x"  # frozen
    with pytest.raises(TypeError):
        Mount.bind("/src", "/data", 1)


def test_conversion_fills_the_struct():
    """Every version-3 member is set from the Python values (what the library then reads)."""
    o = _ffi.ContainerOptions()
    keep = []
    opt.set_mounts(o, keep, [Mount.bind("/src", "/data", "ro"), Mount.tmpfs("/scratch", "size=10m")])
    opt.set_resources(o, keep, memory=64 * MIB, memory_swap=-1, memory_reservation=32 * MIB, cpus=0.5, cpu_shares=512,
                      cpu_period=100000, cpu_quota=50000, cpuset_cpus="0-1", cpuset_mems="0", pids_limit=100,
                      blkio_weight=300, blkio_weight_device={"/dev/vda": 200},
                      device_read_bps={"/dev/vda": MIB}, device_write_bps=[("/dev/vdb", 2 * MIB)],
                      device_read_iops={"/dev/vda": 10}, device_write_iops={"/dev/vda": 20}, oom_score_adj=-5,
                      ulimits={"nofile": (100, 200), "nproc": 50})
    opt.set_security(o, keep, cap_add=["NET_ADMIN"], cap_drop=["ALL"], seccomp_profile=Path("/p.json"),
                     apparmor_profile="unconfined", mask_paths=["/a"], unmask_paths=["ALL"], group_add=[10, "audio"],
                     sysctls={"kernel.msgmax": "65536"}, devices=["/dev/fuse"], device_cgroup_rules=["c 1:3 rwm"])
    opt.set_process(o, keep, entrypoint="/bin/sh", init_path="/usr/bin/catatonit", umask=0o77, timezone="UTC",
                    annotations={"a": "b"}, domainname="example.org", create_command=["prog", "run"])
    opt.set_restart_and_health(o, keep, restart_policy="on-failure:3", restart_retries=0, health_cmd="true",
                               no_healthcheck=False, health_interval=10, health_timeout=datetime.timedelta(seconds=3),
                               health_start_period=0.5, health_retries=5, health_on_failure="restart")

    def strs(p):
        return libctr._mem.lent_strv(p)
    assert o.n_mounts == 2 and o.mounts[0].type == b"bind" and o.mounts[0].source == b"/src"
    assert o.mounts[0].destination == b"/data" and strs(o.mounts[0].options) == ["ro"]
    assert o.mounts[1].type == b"tmpfs" and o.mounts[1].source is None and strs(o.mounts[1].options) == ["size=10m"]
    assert (o.memory, o.memory_swap, o.memory_reservation, o.nano_cpus) == (64 * MIB, -1, 32 * MIB, 500000000)
    assert (o.cpu_shares, o.cpu_period, o.cpu_quota, o.cpuset_cpus, o.cpuset_mems) == (512, 100000, 50000, b"0-1",
                                                                                        b"0")
    assert (o.pids_limit, o.blkio_weight, o.oom_score_adj) == (100, 300, -5)
    assert o.n_blkio_weight_devices == 1 and (o.blkio_weight_devices[0].path, o.blkio_weight_devices[0].weight) == (
        b"/dev/vda", 200)
    for member, path, rate in (("device_read_bps", b"/dev/vda", MIB), ("device_write_bps", b"/dev/vdb", 2 * MIB),
                               ("device_read_iops", b"/dev/vda", 10), ("device_write_iops", b"/dev/vda", 20)):
        assert getattr(o, "n_" + member) == 1
        assert (getattr(o, member)[0].path, getattr(o, member)[0].rate) == (path, rate)
    assert o.n_ulimits == 2
    assert [(o.ulimits[i].name, o.ulimits[i].soft, o.ulimits[i].hard) for i in range(2)] == [
        (b"nofile", 100, 200), (b"nproc", 50, 50)]
    assert (strs(o.cap_add), strs(o.cap_drop)) == (["NET_ADMIN"], ["ALL"])
    assert (o.seccomp_profile, o.apparmor_profile) == (b"/p.json", b"unconfined")
    assert (strs(o.mask_paths), strs(o.unmask_paths), strs(o.group_add)) == (["/a"], ["ALL"], ["10", "audio"])
    assert strs(o.sysctls) == ["kernel.msgmax=65536"] and strs(o.devices) == ["/dev/fuse"]
    assert strs(o.device_cgroup_rules) == ["c 1:3 rwm"]
    assert strs(o.entrypoint) == ["/bin/sh"] and o.init_path == b"/usr/bin/catatonit"
    assert (o.umask, o.timezone, o.domainname) == (b"0077", b"UTC", b"example.org")
    assert strs(o.annotations) == ["a=b"] and strs(o.create_command) == ["prog", "run"]
    assert (o.restart_policy, o.restart_retries) == (b"on-failure", 3)
    assert strs(o.health_cmd) == ["CMD-SHELL", "true"] and o.health_on_failure == b"restart"
    assert (o.health_interval, o.health_timeout, o.health_start_period, o.health_retries) == (
        10_000_000_000, 3_000_000_000, 500_000_000, 5)
    # Unset: NULL and zero (the library's defaults); an empty entrypoint is an empty list, not NULL.
    o2 = _ffi.ContainerOptions()
    opt.set_mounts(o2, keep, None)
    opt.set_process(o2, keep, entrypoint=[], init_path=None, umask="0022", timezone=None, annotations=None,
                    domainname=None, create_command=None)
    assert o2.n_mounts == 0 and not o2.mounts
    assert o2.entrypoint and o2.entrypoint[0] is None and not o2.annotations and o2.umask == b"0022"


def test_health_and_ulimit_forms():
    assert opt.health_test("curl -f x", False) == ["CMD-SHELL", "curl -f x"]
    assert opt.health_test(["/bin/check", "a"], False) == ["CMD", "/bin/check", "a"]
    assert opt.health_test(["CMD-SHELL", "x"], False) == ["CMD-SHELL", "x"]
    assert opt.health_test(None, True) == ["NONE"] and opt.health_test(None, False) is None
    assert opt.duration_ns(datetime.timedelta(milliseconds=1500)) == 1_500_000_000 and opt.duration_ns(None) == 0
    assert Ulimit("nofile", 5).limits == (5, 5) and Ulimit("core", 0, -1).limits == (0, -1)
    o = _ffi.ContainerOptions()
    keep = []
    opt.set_resources(o, keep, memory=0, memory_swap=0, memory_reservation=0, cpus=None, cpu_shares=0, cpu_period=0,
                      cpu_quota=0, cpuset_cpus=None, cpuset_mems=None, pids_limit=0, blkio_weight=0,
                      blkio_weight_device=None, device_read_bps=None, device_write_bps=None, device_read_iops=None,
                      device_write_iops=None, oom_score_adj=None, ulimits=[Ulimit("RLIMIT_CORE", 0, -1)])
    assert o.n_ulimits == 1 and (o.ulimits[0].name, o.ulimits[0].soft, o.ulimits[0].hard) == (b"RLIMIT_CORE", 0, -1)
    assert o.n_device_read_bps == 0 and not o.device_read_bps and o.nano_cpus == 0


def test_flags_from_keywords(rt, busybox):
    with rt.create(name="flagged", init=True, oom_kill_disable=True, no_new_privileges=True, read_only=True,
                   read_only_tmpfs=False, oom_score_adj=0, **busybox) as c:
        F = libctr.CreateFlags
        assert c.flags == F.INIT | F.OOM_KILL_DISABLE | F.NO_NEW_PRIVS | F.READ_ONLY | F.NO_READ_ONLY_TMPFS | \
            F.OOM_SCORE_ADJ
        c.remove()
    with rt.create(name="plain", **busybox) as c:
        assert c.flags == libctr.CreateFlags.NONE
        c.remove()


# ---- real containers --------------------------------------------------------------------------------

def test_bind_mount(rt, busybox, tmp_path):
    """A file written on the host is read inside; with ro a write inside fails, with rw it lands on the host."""
    src = tmp_path / "shared"
    src.mkdir()
    (src / "hello.txt").write_text("from the host\n")
    script = "cat /data/hello.txt; echo inside > /data/new.txt && echo wrote"
    with rt.create(name="bind-ro", command=sh(script), mounts=[Mount.bind(src, "/data", "ro")], **busybox) as c:
        assert c.mounts == ["/data"]
        c.start()
        code, log = wait_for(c)
        assert log.startswith("from the host\n") and "wrote" not in log, log
        assert code != 0 and not (src / "new.txt").exists()
        info = c.inspect()
        assert [(m["Type"], m["Source"], m["Destination"], m["RW"]) for m in info["Mounts"]] == [
            ("bind", str(src), "/data", False)]
        assert info["HostConfig"]["Binds"] == [f"{src}:/data:ro,rprivate,rbind"]
        c.remove()
    with rt.create(name="bind-rw", command=sh(script), mounts=[Mount.bind(src, "/data")], **busybox) as c:
        c.start()
        code, log = wait_for(c)
        assert (code, log) == (0, "from the host\nwrote\n")
        assert (src / "new.txt").read_text() == "inside\n"
        assert c.inspect()["Mounts"][0]["RW"] is True
        c.remove()


def test_tmpfs_mount(rt, busybox):
    with rt.create(name="tmpfs", command=sh("grep ' /scratch ' /proc/mounts"),
                   mounts=[Mount.tmpfs("/scratch", "size=10m")], **busybox) as c:
        c.start()
        code, log = wait_for(c)
        assert code == 0 and log.split()[2] == "tmpfs" and "size=10240k" in log, log
        assert list(c.inspect()["HostConfig"]["Tmpfs"]) == ["/scratch"]
        c.remove()


def test_bad_mount_leaves_nothing(rt, busybox, tmp_path):
    with pytest.raises(libctr.Error) as ei:
        rt.create(name="badbind", mounts=[Mount.bind(tmp_path / "missing", "/data")], **busybox)
    assert "missing" in ei.value.message
    with pytest.raises(TypeError):
        rt.create(name="badtype", mounts=["/src:/data"], **busybox)
    assert rt.containers() == []


def test_memory_limit(rt, busybox):
    """The limit is in inspect and in the container's memory cgroup."""
    with rt.create(name="memlimit", command=sh("exec sleep 100"), memory=64 * MIB, **busybox) as c:
        assert c.inspect()["HostConfig"]["Memory"] == 64 * MIB
        c.start()
        try:
            path = cgroup_file(c.pid, "memory", "memory.limit_in_bytes", "memory.max")
            assert int(path.read_text()) == 64 * MIB, path
        finally:
            c.remove(force=True)


def test_options_reach_the_library(rt, busybox, tmp_path):
    """Many options at once: inspect shows them under podman's keys, and the
    spec written by init carries them."""
    src = tmp_path / "data"
    src.mkdir()
    dev = block_device()
    argv = ["prog", "create", "--many"]
    with rt.create(
            name="many", entrypoint="/bin/sh", command=["-c", "sleep 1"], hostname="many",
            mounts=[Mount.bind(src, "/data", "ro"), Mount.tmpfs("/scratch", "size=10m")],
            memory=64 * MIB, memory_swap=128 * MIB, memory_reservation=32 * MIB, cpus=0.5, cpu_shares=512,
            cpuset_cpus="0", pids_limit=100, device_read_bps={dev: MIB}, device_write_iops=[(dev, 30)],
            oom_score_adj=100, ulimits={"nofile": (100, 200)},
            cap_add=["NET_ADMIN"], cap_drop=["CHOWN"], no_new_privileges=True, seccomp_profile="unconfined",
            mask_paths=["/mask/me"], group_add=[10], sysctls={"kernel.shm_rmid_forced": "1"},
            devices=["/dev/zero:/dev/myzero:rw"], device_cgroup_rules=["c 1:3 rwm"],
            init=True, umask=0o077, timezone="UTC", annotations={"a.b": "c"}, domainname="example.org",
            create_command=argv, restart_policy="on-failure", restart_retries=3,
            health_cmd="true", health_interval=10, health_timeout=datetime.timedelta(seconds=3),
            health_start_period=5.0, health_retries=5, **busybox) as c:
        assert c.mounts == ["/data", "/scratch"]
        check_inspect(c.inspect(), src, dev, argv)
        c.init()
        check_spec(json.loads(Path(c.inspect()["OCIConfigPath"]).read_text()), src, dev)
        c.remove(force=True)


def check_inspect(info, src, dev, argv):
    """inspect of test_options_reach_the_library's container: podman's keys and values for its flags."""
    h, cfg = info["HostConfig"], info["Config"]
    assert (h["Memory"], h["MemorySwap"], h["MemoryReservation"]) == (64 * MIB, 128 * MIB, 32 * MIB)
    assert (h["NanoCpus"], h["CpuShares"], h["CpuQuota"], h["CpuPeriod"]) == (500000000, 512, 50000, 100000)
    assert (h["CpusetCpus"], h["PidsLimit"], h["OomScoreAdj"]) == ("0", 100, 100)
    assert h["BlkioDeviceReadBps"] == [{"Path": dev, "Rate": MIB}]
    assert h["BlkioDeviceWriteIOps"] == [{"Path": dev, "Rate": 30}]
    assert {"Name": "RLIMIT_NOFILE", "Soft": 100, "Hard": 200} in h["Ulimits"]
    assert h["CapAdd"] == ["CAP_NET_ADMIN"] and "CAP_CHOWN" in h["CapDrop"]
    assert {"no-new-privileges", "seccomp=unconfined"} <= set(h["SecurityOpt"])
    assert h["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 3}
    assert h["Init"] is True and h["GroupAdd"] == ["10"]
    assert [(d["PathOnHost"], d["PathInContainer"]) for d in h["Devices"]] == [("/dev/zero", "/dev/myzero")]
    assert h["Binds"] == [f"{src}:/data:ro,rprivate,rbind"] and list(h["Tmpfs"]) == ["/scratch"]
    assert cfg["Entrypoint"] == "/bin/sh" and cfg["Cmd"] == ["-c", "sleep 1"]
    assert cfg["Annotations"]["a.b"] == "c"
    assert cfg["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 10_000_000_000,
                                  "Timeout": 3_000_000_000, "StartPeriod": 5_000_000_000, "Retries": 5}
    assert (cfg["Umask"], cfg["Timezone"], cfg["Domainname"]) == ("0077", "UTC", "example.org")
    assert cfg["CreateCommand"] == argv
    assert [m["Destination"] for m in info["Mounts"]] == ["/data"]


def check_spec(spec, src, dev):
    """The OCI spec of test_options_reach_the_library's container: podman's for the same flags."""
    rdev = os.stat(dev).st_rdev
    proc, linux = spec["process"], spec["linux"]
    res = linux["resources"]
    assert proc["args"] == ["/run/podman-init", "--", "/bin/sh", "-c", "sleep 1"]
    assert (res["memory"]["limit"], res["memory"]["swap"], res["memory"]["reservation"]) == (
        64 * MIB, 128 * MIB, 32 * MIB)
    assert (res["cpu"]["quota"], res["cpu"]["period"], res["cpu"]["shares"], res["cpu"]["cpus"]) == (
        50000, 100000, 512, "0")
    assert res["pids"]["limit"] == 100
    assert res["blockIO"]["throttleReadBpsDevice"] == [
        {"major": os.major(rdev), "minor": os.minor(rdev), "rate": MIB}]
    assert res["blockIO"]["throttleWriteIOPSDevice"] == [
        {"major": os.major(rdev), "minor": os.minor(rdev), "rate": 30}]
    assert {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"} in res["devices"]
    assert {"type": "RLIMIT_NOFILE", "hard": 200, "soft": 100} in proc["rlimits"]
    assert proc["oomScoreAdj"] == 100 and proc["noNewPrivileges"] is True
    caps = proc["capabilities"]["bounding"]
    assert "CAP_NET_ADMIN" in caps and "CAP_CHOWN" not in caps
    assert 10 in proc["user"]["additionalGids"] and proc["user"]["umask"] == 0o077
    assert "seccomp" not in linux and "/mask/me" in linux["maskedPaths"]
    assert linux["sysctl"]["kernel.shm_rmid_forced"] == "1"
    assert "/dev/myzero" in [d["path"] for d in linux["devices"]]
    assert spec["domainname"] == "example.org" and spec["annotations"]["a.b"] == "c"
    mounts = {m["destination"]: m for m in spec["mounts"]}
    assert mounts["/data"]["source"] == str(src) and "ro" in mounts["/data"]["options"]
    assert mounts["/scratch"]["type"] == "tmpfs" and "size=10m" in mounts["/scratch"]["options"]
    init = mounts["/run/podman-init"]  # podman names /usr/libexec/podman/catatonit, a link to Debian's
    assert os.path.realpath(init["source"]) == os.path.realpath("/usr/bin/catatonit") and "ro" in init["options"]


# ---- Container.options(): the configuration back as create()'s keyword arguments ----------------

def test_options_of_the_struct():
    """Each member of a struct from the library becomes create()'s argument for it."""
    o = _ffi.ContainerOptions()
    keep = []
    opt.set_mounts(o, keep, [Mount.bind("/src", "/data", "ro"), Mount("volume", None, "/anon", ("rbind",))])
    opt.set_resources(o, keep, memory=64 * MIB, memory_swap=-1, memory_reservation=0, cpus=0.5, cpu_shares=512,
                      cpu_period=0, cpu_quota=0, cpuset_cpus="0-1", cpuset_mems=None, pids_limit=100,
                      blkio_weight=300, blkio_weight_device={"/dev/vda": 200}, device_read_bps={"/dev/vda": MIB},
                      device_write_bps=None, device_read_iops=None, device_write_iops=None, oom_score_adj=-5,
                      ulimits=[Ulimit("RLIMIT_NOFILE", 100, 200)])
    opt.set_security(o, keep, cap_add=["CAP_NET_ADMIN"], cap_drop=None, seccomp_profile="unconfined",
                     apparmor_profile=None, mask_paths=["/a"], unmask_paths=None, group_add=["10"],
                     sysctls={"kernel.msgmax": "65536"}, devices=None, device_cgroup_rules=["c 1:3 rwm"])
    opt.set_process(o, keep, entrypoint=[], init_path=None, umask="0077", timezone="UTC", annotations={"a": "b=c"},
                    domainname=None, create_command=["prog"])
    opt.set_restart_and_health(o, keep, restart_policy="always", restart_retries=0, health_cmd=["CMD", "/ok"],
                               no_healthcheck=False, health_interval=10, health_timeout=None, health_start_period=0,
                               health_retries=3)
    F = libctr.CreateFlags
    o.flags = F.READ_ONLY | F.NETNS | F.OOM_SCORE_ADJ | F.NO_READ_ONLY_TMPFS | F.IMAGE_VOLUMES_TMPFS
    o.name, o.stop_timeout = b"x", 10
    kw = libctr.Container._options_of(o)
    assert kw["mounts"] == [Mount("bind", "/src", "/data", ("ro",)), Mount("volume", None, "/anon", ("rbind",))]
    assert (kw["memory"], kw["memory_swap"], kw["cpus"], kw["cpu_shares"], kw["pids_limit"]) == (
        64 * MIB, -1, 0.5, 512, 100)
    assert (kw["cpuset_cpus"], kw["cpuset_mems"], kw["blkio_weight"]) == ("0-1", None, 300)
    assert kw["blkio_weight_device"] == [("/dev/vda", 200)] and kw["device_read_bps"] == [("/dev/vda", MIB)]
    assert kw["device_write_bps"] is None and kw["oom_score_adj"] == -5
    assert kw["ulimits"] == [Ulimit("RLIMIT_NOFILE", 100, 200)]
    assert (kw["cap_add"], kw["cap_drop"], kw["seccomp_profile"]) == (["CAP_NET_ADMIN"], None, "unconfined")
    assert (kw["mask_paths"], kw["group_add"], kw["sysctls"]) == (["/a"], ["10"], {"kernel.msgmax": "65536"})
    assert kw["device_cgroup_rules"] == ["c 1:3 rwm"] and kw["devices"] is None
    assert (kw["entrypoint"], kw["umask"], kw["timezone"], kw["annotations"]) == ([], 0o77, "UTC", {"a": "b=c"})
    assert kw["create_command"] == ["prog"] and kw["restart_policy"] == "always"
    assert kw["health_cmd"] == ["CMD", "/ok"] and kw["health_interval"] == datetime.timedelta(seconds=10)
    assert kw["health_timeout"] is None and kw["health_retries"] == 3
    # The flags with arguments of their own are those arguments; the rest stay flags.
    assert kw["read_only"] is True and kw["read_only_tmpfs"] is False and kw["privileged"] is False
    assert kw["flags"] == F.NETNS | F.IMAGE_VOLUMES_TMPFS
    assert (kw["name"], kw["stop_timeout"], kw["namespaces"], kw["ports"]) == ("x", 10, None, [])
    # Every keyword argument of create() is there.
    import inspect
    assert set(kw) == set(inspect.signature(libctr.Runtime.create).parameters) - {"self"}


def _comparable(config):
    drop = ("id", "name", "createdTime", "staticDir", "shmDir", "logPath")
    out = {k: v for k, v in config.items() if k not in drop}
    out["mounts"] = [{k: v for k, v in m.items() if not (m.get("anonymous") and k == "source")}
                     for m in out.get("mounts", [])]
    return out


def test_options_round_trip(rt, busybox, tmp_path):
    """A bind mount, a memory limit and a capability come back from options(),
    and a container made from them has the same config and runs with them."""
    src = tmp_path / "shared"
    src.mkdir()
    (src / "hello.txt").write_text("from the host\n")
    with rt.create(name="orig", command=sh("cat /data/hello.txt; grep CapBnd /proc/self/status"),
                   mounts=[Mount.bind(src, "/data", "ro")], memory=64 * MIB, cap_add=["net_admin"],
                   labels={"k": "v"}, **busybox) as c:
        kw = c.options()
        assert kw["name"] == "orig" and kw["labels"] == {"k": "v"}
        assert kw.get("image") == busybox.get("image") and kw.get("rootfs") == busybox.get("rootfs")
        [m] = kw["mounts"]
        assert (m.type, m.source, m.destination, m.options[0]) == ("bind", str(src), "/data", "ro")
        assert "rbind" in m.options and "rprivate" in m.options
        assert kw["memory"] == 64 * MIB and kw["cap_add"] == ["CAP_NET_ADMIN"]
        with rt.create(**{**kw, "name": "copy"}) as c2:
            assert _comparable(c2.config) == _comparable(c.config)
            assert c2.options() == {**kw, "name": "copy"}
            c2.start()
            code, log = wait_for(c2)
            assert code == 0 and log.startswith("from the host\n"), log
            cap_bnd = int(log.split("CapBnd:")[1].split()[0], 16)
            assert cap_bnd & (1 << 12), log  # CAP_NET_ADMIN
            assert c2.inspect()["HostConfig"]["Memory"] == 64 * MIB
            c2.remove()
        c.remove()
