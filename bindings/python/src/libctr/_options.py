# SPDX-License-Identifier: LGPL-2.1-or-later
"""Version 3 of the container options (``ctr_container_options_t``): mounts,
resources, security, devices, process, restart policy and healthcheck.

Internal helpers of :meth:`libctr.Runtime.create`: each ``set_*`` fills one
group of members of a :class:`libctr._ffi.ContainerOptions` from Python
values and appends what the C struct points to onto ``keep``, which the caller
holds until ``ctr_container_create()`` returns (the library copies
everything).  Each ``get_*`` does the reverse for
:meth:`libctr.Container.options`: the keyword arguments of ``create()`` that
give the members of a struct from ``ctr_container_get_options()``.  :class:`Mount` and :class:`Ulimit` are public (re-exported by
:mod:`libctr`).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _ffi
from ._mem import decode, encode, lent_strv, strv

Duration = Union[None, int, float, _dt.timedelta]
Throttles = Union[None, Mapping[str, int], Sequence[Tuple[str, int]]]
UlimitsArg = Union[None, Mapping[str, Union[int, Tuple[int, int]]], Sequence["Ulimit"]]
PathArg = Union[str, "os.PathLike[str]"]

#: The first words of a healthcheck test as podman stores it.
_HEALTH_KINDS = ("CMD", "CMD-SHELL", "NONE")


def _split_options(options: Iterable[str]) -> Tuple[str, ...]:
    out: List[str] = []
    for opt in options:
        if not isinstance(opt, str):
            raise TypeError(f"a mount option must be a string, not {type(opt).__name__}")
        out.extend(o for o in opt.split(",") if o)
    return tuple(out)


@dataclass(frozen=True)
class Mount:
    """A mount of a new container (``ctr_mount_t``), as podman's ``--mount``,
    ``-v`` and ``--tmpfs`` describe one.

    ``type`` is ``bind``, ``volume``, ``tmpfs``, ``devpts``, ``mqueue`` or
    ``proc``; ``source`` a host path (bind), a volume name (volume; ``None``
    makes an anonymous volume) or ``None``; ``options`` podman's (``ro``,
    ``rprivate``, ``nosuid``, ``size=10m``, ``mode=1777``, ``nocopy``...).
    An option string with commas is split (``"ro,z"`` is ``("ro", "z")``).
    Make one with :meth:`bind`, :meth:`tmpfs` or :meth:`volume`.
    """

    type: str
    source: Optional[str]
    destination: str
    options: Tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if isinstance(self.options, str):
            object.__setattr__(self, "options", _split_options([self.options]))
        else:
            object.__setattr__(self, "options", _split_options(self.options))
        if self.source is not None and not isinstance(self.source, str):
            object.__setattr__(self, "source", os.fspath(self.source))

    @classmethod
    def bind(cls, source: PathArg, destination: str, *options: str) -> "Mount":
        """A bind mount of the host path ``source`` (``-v SRC:DST:OPTS``)."""
        return cls("bind", os.fspath(source), destination, options)

    @classmethod
    def tmpfs(cls, destination: str, *options: str) -> "Mount":
        """A new tmpfs (``--tmpfs DST:OPTS``), e.g. ``Mount.tmpfs("/scratch", "size=10m")``."""
        return cls("tmpfs", None, destination, options)

    @classmethod
    def volume(cls, name: Optional[str], destination: str, *options: str) -> "Mount":
        """The named volume ``name`` (made when it does not exist), or with
        ``None`` an anonymous one removed with the container (``-v NAME:DST``)."""
        return cls("volume", name, destination, options)


@dataclass(frozen=True)
class Ulimit:
    """A resource limit of the container's process (``ctr_ulimit_t``,
    ``--ulimit NAME=SOFT:HARD``): ``nofile`` or ``RLIMIT_NOFILE``...; -1 is
    unlimited; ``hard`` defaults to ``soft``."""

    name: str
    soft: int
    hard: Optional[int] = None

    @property
    def limits(self) -> Tuple[int, int]:
        """(soft, hard)."""
        return self.soft, self.soft if self.hard is None else self.hard


def duration_ns(value: Duration) -> int:
    """Nanoseconds from seconds (int or float) or a :class:`datetime.timedelta`; None is 0."""
    if value is None:
        return 0
    if isinstance(value, _dt.timedelta):
        return (value // _dt.timedelta(microseconds=1)) * 1000
    return round(value * 1_000_000_000)


def _keep_strv(keep: List[Any], items: Optional[Iterable[Any]]) -> Any:
    if items is None:
        return None
    if isinstance(items, (str, bytes)):
        raise TypeError("expected a sequence of strings, not a single string")
    p, k = strv([str(i) if isinstance(i, int) else i for i in items])
    keep.append(k)
    return p


def _pairs(keep: List[Any], items: Optional[Mapping[str, Any]]) -> Any:
    """``KEY=VALUE`` strings from a mapping (or None)."""
    if items is None:
        return None
    return _keep_strv(keep, [f"{k}={v}" for k, v in items.items()])


def _array(keep: List[Any], ctype: Any, rows: Sequence[Any], fill: Any) -> Tuple[Any, int]:
    """A C array of ``ctype`` with ``fill(element, row)`` applied to each row: (pointer, count)."""
    if not rows:
        return None, 0
    arr = (ctype * len(rows))()
    for i, row in enumerate(rows):
        fill(arr[i], row)
    keep.append(arr)
    return ctypes.cast(arr, ctypes.POINTER(ctype)), len(rows)


def _items(value: Throttles) -> List[Tuple[str, int]]:
    if value is None:
        return []
    if isinstance(value, Mapping):
        return [(os.fspath(k), int(v)) for k, v in value.items()]
    return [(os.fspath(k), int(v)) for k, v in value]


def set_mounts(o: Any, keep: List[Any], mounts: Optional[Sequence[Mount]]) -> None:
    """``mounts`` and ``n_mounts``."""
    def fill(m: Any, mount: Mount) -> None:
        if not isinstance(mount, Mount):
            raise TypeError(f"mounts take libctr.Mount, not {type(mount).__name__}")
        m.type = encode(mount.type)
        m.source = encode(mount.source)
        m.destination = encode(mount.destination)
        m.options = _keep_strv(keep, mount.options) if mount.options else None
    o.mounts, o.n_mounts = _array(keep, _ffi.Mount, list(mounts or ()), fill)


def _set_throttles(o: Any, keep: List[Any], member: str, value: Throttles) -> None:
    def fill(t: Any, row: Tuple[str, int]) -> None:
        t.path, t.rate = encode(row[0]), row[1]
    p, n = _array(keep, _ffi.ThrottleDevice, _items(value), fill)
    setattr(o, member, p)
    setattr(o, "n_" + member, n)


def _ulimit_rows(ulimits: UlimitsArg) -> List[Ulimit]:
    if ulimits is None:
        return []
    if isinstance(ulimits, Mapping):
        rows = []
        for name, v in ulimits.items():
            soft, hard = (v, v) if isinstance(v, int) else v
            rows.append(Ulimit(name, soft, hard))
        return rows
    return list(ulimits)


def set_resources(o: Any, keep: List[Any], *, memory: int, memory_swap: int, memory_reservation: int,
                  cpus: Optional[float], cpu_shares: int, cpu_period: int, cpu_quota: int,
                  cpuset_cpus: Optional[str], cpuset_mems: Optional[str], pids_limit: int, blkio_weight: int,
                  blkio_weight_device: Throttles, device_read_bps: Throttles, device_write_bps: Throttles,
                  device_read_iops: Throttles, device_write_iops: Throttles, oom_score_adj: Optional[int],
                  ulimits: UlimitsArg) -> None:
    """The cgroup limits, OOM settings and ulimits."""
    o.memory, o.memory_swap, o.memory_reservation = memory, memory_swap, memory_reservation
    o.nano_cpus = round(cpus * 1_000_000_000) if cpus is not None else 0
    o.cpu_shares, o.cpu_period, o.cpu_quota = cpu_shares, cpu_period, cpu_quota
    o.cpuset_cpus, o.cpuset_mems = encode(cpuset_cpus), encode(cpuset_mems)
    o.pids_limit, o.blkio_weight = pids_limit, blkio_weight

    def weight(w: Any, row: Tuple[str, int]) -> None:
        w.path, w.weight = encode(row[0]), row[1]
    o.blkio_weight_devices, o.n_blkio_weight_devices = _array(keep, _ffi.WeightDevice,
                                                              _items(blkio_weight_device), weight)
    for member, value in (("device_read_bps", device_read_bps), ("device_write_bps", device_write_bps),
                          ("device_read_iops", device_read_iops), ("device_write_iops", device_write_iops)):
        _set_throttles(o, keep, member, value)
    o.oom_score_adj = oom_score_adj or 0

    def limit(u: Any, row: Ulimit) -> None:
        u.name = encode(row.name)
        u.soft, u.hard = row.limits
    o.ulimits, o.n_ulimits = _array(keep, _ffi.Ulimit, _ulimit_rows(ulimits), limit)


def set_security(o: Any, keep: List[Any], *, cap_add: Optional[Sequence[str]], cap_drop: Optional[Sequence[str]],
                 seccomp_profile: Optional[PathArg], apparmor_profile: Optional[str],
                 mask_paths: Optional[Sequence[str]], unmask_paths: Optional[Sequence[str]],
                 group_add: Optional[Sequence[Union[str, int]]], sysctls: Optional[Mapping[str, str]],
                 devices: Optional[Sequence[str]], device_cgroup_rules: Optional[Sequence[str]]) -> None:
    """Capabilities, seccomp, AppArmor, masked paths, groups, sysctls and devices."""
    o.cap_add, o.cap_drop = _keep_strv(keep, cap_add), _keep_strv(keep, cap_drop)
    o.seccomp_profile = encode(os.fspath(seccomp_profile)) if seccomp_profile is not None else None
    o.apparmor_profile = encode(apparmor_profile)
    o.mask_paths, o.unmask_paths = _keep_strv(keep, mask_paths), _keep_strv(keep, unmask_paths)
    o.group_add = _keep_strv(keep, group_add)
    o.sysctls = _pairs(keep, sysctls)
    o.devices, o.device_cgroup_rules = _keep_strv(keep, devices), _keep_strv(keep, device_cgroup_rules)


def health_test(cmd: Union[None, str, Sequence[str]], disabled: bool) -> Optional[List[str]]:
    """The healthcheck test as podman stores it: a string runs in a shell
    (``CMD-SHELL``), a list is an argv (``CMD``) unless it starts with
    ``CMD``, ``CMD-SHELL`` or ``NONE``; ``disabled`` is ``["NONE"]``."""
    if disabled:
        return ["NONE"]
    if cmd is None:
        return None
    if isinstance(cmd, str):
        return ["CMD-SHELL", cmd]
    cmd = list(cmd)
    return cmd if cmd and cmd[0] in _HEALTH_KINDS else ["CMD", *cmd]


def set_process(o: Any, keep: List[Any], *, entrypoint: Union[None, str, Sequence[str]],
                init_path: Optional[PathArg], umask: Union[None, int, str], timezone: Optional[str],
                annotations: Optional[Mapping[str, str]], domainname: Optional[str],
                create_command: Optional[Sequence[str]]) -> None:
    """Entrypoint, init, umask, time zone, annotations, domain name, create command."""
    o.entrypoint = _keep_strv(keep, [entrypoint] if isinstance(entrypoint, str) else entrypoint)
    o.init_path = encode(os.fspath(init_path)) if init_path is not None else None
    o.umask = encode(f"{umask:04o}" if isinstance(umask, int) else umask)
    o.timezone = encode(timezone)
    o.annotations = _pairs(keep, annotations)
    o.domainname = encode(domainname)
    o.create_command = _keep_strv(keep, create_command)


def set_restart_and_health(o: Any, keep: List[Any], *, restart_policy: Optional[str], restart_retries: int,
                           health_cmd: Union[None, str, Sequence[str]], no_healthcheck: bool,
                           health_interval: Duration, health_timeout: Duration, health_start_period: Duration,
                           health_retries: int, health_on_failure: Optional[str] = None) -> None:
    """The restart policy (``"on-failure:3"`` is the policy and its retries, unless
    ``restart_retries`` says otherwise) and the healthcheck."""
    if restart_policy is not None and ":" in restart_policy:
        restart_policy, _, n = restart_policy.partition(":")
        restart_retries = restart_retries or int(n)
    o.restart_policy, o.restart_retries = encode(restart_policy), restart_retries
    o.health_cmd = _keep_strv(keep, health_test(health_cmd, no_healthcheck))
    o.health_interval = duration_ns(health_interval)
    o.health_timeout = duration_ns(health_timeout)
    o.health_start_period = duration_ns(health_start_period)
    o.health_retries = health_retries
    o.health_on_failure = encode(health_on_failure)


# ---- the reverse: create()'s keyword arguments from a struct ----

def _list(p: Any) -> Optional[List[str]]:
    """A NULL-terminated array, None when NULL (not set)."""
    return lent_strv(p) if p else None


def _dict(p: Any) -> Optional[Dict[str, str]]:
    """``KEY=VALUE`` strings as a dict, None when NULL."""
    return dict(kv.split("=", 1) for kv in lent_strv(p)) if p else None


def _rows(p: Any, n: int) -> List[Any]:
    return [p[i] for i in range(n)] if p else []


def _duration(ns: int) -> Optional[_dt.timedelta]:
    return _dt.timedelta(microseconds=ns / 1000) if ns else None


def get_mounts(o: Any) -> Optional[List[Mount]]:
    """``mounts``: None when there are none."""
    rows = [Mount(decode(m.type) or "bind", decode(m.source), decode(m.destination) or "",
                  tuple(_list(m.options) or ())) for m in _rows(o.mounts, o.n_mounts)]
    return rows or None


def _throttles(p: Any, n: int, weight: bool = False) -> Optional[List[Tuple[str, int]]]:
    rows = [(decode(t.path) or "", int(t.weight if weight else t.rate)) for t in _rows(p, n)]
    return rows or None


def get_resources(o: Any, oom_score_adj_set: bool) -> Dict[str, Any]:
    """The cgroup limits, OOM score and ulimits (the flags are the caller's)."""
    ulimits = [Ulimit(decode(u.name) or "", u.soft, u.hard) for u in _rows(o.ulimits, o.n_ulimits)]
    return {
        "memory": o.memory, "memory_swap": o.memory_swap, "memory_reservation": o.memory_reservation,
        "cpus": o.nano_cpus / 1_000_000_000 if o.nano_cpus else None,
        "cpu_shares": o.cpu_shares, "cpu_period": o.cpu_period, "cpu_quota": o.cpu_quota,
        "cpuset_cpus": decode(o.cpuset_cpus), "cpuset_mems": decode(o.cpuset_mems),
        "pids_limit": o.pids_limit, "blkio_weight": o.blkio_weight,
        "blkio_weight_device": _throttles(o.blkio_weight_devices, o.n_blkio_weight_devices, weight=True),
        "device_read_bps": _throttles(o.device_read_bps, o.n_device_read_bps),
        "device_write_bps": _throttles(o.device_write_bps, o.n_device_write_bps),
        "device_read_iops": _throttles(o.device_read_iops, o.n_device_read_iops),
        "device_write_iops": _throttles(o.device_write_iops, o.n_device_write_iops),
        "oom_score_adj": o.oom_score_adj if oom_score_adj_set else None,
        "ulimits": ulimits or None,
    }


def get_security(o: Any) -> Dict[str, Any]:
    """Capabilities, seccomp, AppArmor, masked paths, groups, sysctls and devices."""
    return {
        "cap_add": _list(o.cap_add), "cap_drop": _list(o.cap_drop),
        "seccomp_profile": decode(o.seccomp_profile), "apparmor_profile": decode(o.apparmor_profile),
        "mask_paths": _list(o.mask_paths), "unmask_paths": _list(o.unmask_paths),
        "group_add": _list(o.group_add), "sysctls": _dict(o.sysctls),
        "devices": _list(o.devices), "device_cgroup_rules": _list(o.device_cgroup_rules),
    }


def get_process(o: Any) -> Dict[str, Any]:
    """Entrypoint, init path, umask, time zone, annotations, domain name, create command."""
    umask = decode(o.umask)
    return {
        "entrypoint": _list(o.entrypoint),  # [] when cleared
        "init_path": decode(o.init_path), "umask": int(umask, 8) if umask else None,
        "timezone": decode(o.timezone), "annotations": _dict(o.annotations),
        "domainname": decode(o.domainname), "create_command": _list(o.create_command),
    }


def get_restart_and_health(o: Any) -> Dict[str, Any]:
    """The restart policy and the healthcheck (in podman's stored form, ``["CMD-SHELL", ...]``)."""
    return {
        "restart_policy": decode(o.restart_policy), "restart_retries": o.restart_retries,
        "health_cmd": _list(o.health_cmd), "no_healthcheck": False,
        "health_interval": _duration(o.health_interval), "health_timeout": _duration(o.health_timeout),
        "health_start_period": _duration(o.health_start_period), "health_retries": o.health_retries,
        "health_on_failure": decode(o.health_on_failure),
    }
