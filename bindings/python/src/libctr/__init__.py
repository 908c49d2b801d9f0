# SPDX-License-Identifier: LGPL-2.1-or-later
"""Python bindings for libctr: OCI containers (runc + conmon) through libctr.so.

>>> import libctr
>>> with libctr.Runtime(root="/tmp/r", run_root="/tmp/r/run") as rt:
...     with rt.create(rootfs="/srv/busybox", command=["echo", "hello"]) as c:
...         c.start()
...         code = c.wait()
...         print(c.logs_text(), code)
...         c.remove()

Handles are released by ``close()``, by leaving a ``with`` block, or (as a
safety net) when the object is garbage collected.  Errors raise
:class:`libctr.Error` subclasses carrying the errno and the library's message.
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import errno
import io
import json
import os
import queue
import signal as _signal
import tempfile
import threading
from ctypes import byref, c_int, c_int64, c_size_t, c_void_p
from dataclasses import dataclass, field
from typing import (IO, Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, TypeVar,
                    Union)

from . import _ffi
from . import _options as _opt
from ._errors import (AlreadyExistsError, CancelledError, DeadlockError, Error, ExternalError, InvalidArgumentError,
                      NotFoundError, NotSupportedError, PermissionDeniedError, StateError, TimeoutError, VersionError,
                      check, error_for, not_built)
from ._ffi import lib
from ._mem import decode, encode, lent_strv, strv, take_string, take_strv
from ._options import Mount, Ulimit
from . import _registry
from . import _events
from ._events import Event, Events
from ._registry import PullPolicy, TransferPhase, TransferProgress, login, login_user, logout, resolve_name
from . import _wait
from ._wait import Cancel, Waiter

__all__ = [
    "Stats", "stats_stream",
    "Runtime", "Container", "Image", "State", "Namespace", "Stream", "CreateFlags", "LogLine", "ExecResult",
    "PortMapping", "Mount", "Ulimit", "Attachment", "Error", "NotFoundError", "AlreadyExistsError", "StateError",
    "InvalidArgumentError", "NotSupportedError", "TimeoutError", "DeadlockError", "PermissionDeniedError",
    "CancelledError", "ExternalError", "VersionError", "strerror", "PIPE", "has_images", "has_networks",
    "Volume", "has_volumes", "PullPolicy", "TransferPhase", "TransferProgress", "login", "logout", "login_user",
    "resolve_name", "Change", "ChangeKind", "Cancel", "Waiter", "Event", "Events",
    "Pod", "PodShare", "PodNetwork", "PodExitPolicy", "has_pods", "KubeReport", "has_kube",
]

__version__ = "0.1.0"

T = TypeVar("T")
FileArg = Union[None, int, IO[Any]]

#: Pass as ``stdout``/``stderr`` of :meth:`Container.exec` to capture the output.
PIPE = -100

# Versions of the option structs these bindings lay out (the C headers' *_OPTIONS_VERSION).
_RUNTIME_OPTIONS_VERSION = 2
_CONTAINER_OPTIONS_VERSION = 4
# ctr_container_update()'s fields (CTR_UPDATE_*), by keyword.
_UPDATE_FIELDS = {"memory": 1 << 0, "memory_swap": 1 << 1, "memory_reservation": 1 << 2, "cpus": 1 << 3,
                  "cpu_shares": 1 << 4, "cpu_period": 1 << 5, "cpu_quota": 1 << 6, "cpuset_cpus": 1 << 7,
                  "cpuset_mems": 1 << 8, "pids_limit": 1 << 9, "blkio_weight": 1 << 10}
_EXEC_OPTIONS_VERSION = 1
_ATTACH_OPTIONS_VERSION = 2
_LOGS_OPTIONS_VERSION = 2
_IMPORT_OPTIONS_VERSION = 1
_STATS_OPTIONS_VERSION = 1
_SAVE_OPTIONS_VERSION = 1
_COMMIT_OPTIONS_VERSION = 1
_NETWORK_OPTIONS_VERSION = 1
_VOLUME_OPTIONS_VERSION = 1
_POD_OPTIONS_VERSION = 1
_KUBE_PLAY_OPTIONS_VERSION = 1


class State(enum.IntEnum):
    """Container states (``ctr_state_t``)."""

    UNKNOWN = 0
    CONFIGURED = 1
    CREATED = 2
    RUNNING = 3
    EXITED = 4
    PAUSED = 5
    STOPPING = 6
    REMOVING = 7

    def __str__(self) -> str:
        """The name podman prints ("running", "exited", ...)."""
        return decode(lib.ctr_state_name(int(self))) or ""


class Health(enum.IntEnum):
    """A container's health (``ctr_health_status_t``); ``str()`` is podman's ``State.Health.Status``."""

    NONE = 0
    STARTING = 1
    HEALTHY = 2
    UNHEALTHY = 3

    def __str__(self) -> str:
        return "" if self is Health.NONE else self.name.lower()


class _StateWaiter(Waiter):
    """:class:`Waiter` whose :meth:`check` gives :class:`State`."""

    def check(self) -> Optional[Tuple["State", int]]:
        """``(state, exit_code)`` once the state is in the set (or the container
        is not live), else ``None``: poll :meth:`fileno` again."""
        done = self.check_raw()
        return None if done is None else (State(done[0]), done[1])

    async def wait(self) -> Tuple["State", int]:
        st, code = await self.wait_raw()
        return State(st), code


class Namespace(enum.IntEnum):
    """Namespaces a container can share (``ctr_ns_t``)."""

    IPC = 1
    MNT = 2
    NET = 3
    PID = 4
    USER = 5
    UTS = 6
    CGROUP = 7


class ChangeKind(enum.IntEnum):
    """What :meth:`Container.diff` found (``CTR_CHANGE_*``): podman diff's C, A and D."""
    MODIFIED = 0
    ADDED = 1
    DELETED = 2

    def __str__(self) -> str:
        return "CAD"[self.value]


@dataclass(frozen=True)
class Change:
    """One changed path of :meth:`Container.diff`; ``str()`` prints it as podman diff does."""
    kind: ChangeKind
    path: str

    def __str__(self) -> str:
        return f"{self.kind} {self.path}"


class Stream(enum.IntEnum):
    STDOUT = 1
    STDERR = 2


class CreateFlags(enum.IntFlag):
    """``CTR_CREATE_*``."""

    NONE = 0
    READ_ONLY = 1 << 0
    PRIVILEGED = 1 << 1
    NO_NEW_PRIVS = 1 << 2
    STDIN = 1 << 3
    TERMINAL = 1 << 4
    NETNS = 1 << 5
    IMAGE_VOLUMES = 1 << 6
    HOST_NETWORK = 1 << 7
    #: Removed when it exits (podman's ``--rm``), also when this program is gone.
    AUTO_REMOVE = 1 << 8
    #: An init process (catatonit) as PID 1 (podman's ``--init``).
    INIT = 1 << 9
    #: No OOM killer in the container's memory cgroup (``--oom-kill-disable``).
    OOM_KILL_DISABLE = 1 << 10
    #: With READ_ONLY, no tmpfs on /run, /tmp and /var/tmp (``--read-only-tmpfs=false``).
    NO_READ_ONLY_TMPFS = 1 << 11
    #: The options' ``oom_score_adj`` is set (``create(oom_score_adj=...)`` sets it).
    OOM_SCORE_ADJ = 1 << 12
    #: The image's volumes as tmpfs mounts (``--image-volume tmpfs``), not with IMAGE_VOLUMES (libctr 0.5).
    IMAGE_VOLUMES_TMPFS = 1 << 13


#: The flags that have a keyword argument of their own in create(), by the argument.
_FLAG_KWARGS = {"read_only": CreateFlags.READ_ONLY, "privileged": CreateFlags.PRIVILEGED,
                "stdin": CreateFlags.STDIN, "terminal": CreateFlags.TERMINAL, "init": CreateFlags.INIT,
                "oom_kill_disable": CreateFlags.OOM_KILL_DISABLE, "no_new_privileges": CreateFlags.NO_NEW_PRIVS}


_COPY_CHOWN = 1 << 0
_COPY_OVERWRITE = 1 << 1
_REMOVE_FORCE = 1 << 0
_REMOVE_VOLUMES = 1 << 1
_EXEC_TTY = 1 << 0
_EXEC_PRIVILEGED = 1 << 1
_ATTACH_START = 1 << 0
_ATTACH_RETURN_ON_STDIN_EOF = 1 << 1
_ATTACH_DETACHED = 1
_LOGS_FOLLOW = 1 << 0
_LOGS_STDOUT = 1 << 1
_LOGS_STDERR = 1 << 2
_INSPECT_SIZE = 1 << 0
_CHECKPOINT_LEAVE_RUNNING = 1 << 0
_CHECKPOINT_TCP_ESTABLISHED = 1 << 1
_CHECKPOINT_KEEP = 1 << 2
_CHECKPOINT_FILE_LOCKS = 1 << 3
_RESTORE_TCP_ESTABLISHED = 1 << 0
_RESTORE_KEEP = 1 << 1
_RESTORE_FILE_LOCKS = 1 << 2


def _restore_options(import_path: Union[None, str, "os.PathLike[str]"], name: Optional[str],
                     tcp_established: bool, keep: bool, file_locks: bool) -> "_ffi.RestoreOptions":
    return _ffi.RestoreOptions(1, encode(os.fspath(import_path)) if import_path is not None else None,
                               encode(name) if name is not None else None,
                               (_RESTORE_TCP_ESTABLISHED if tcp_established else 0)
                               | (_RESTORE_KEEP if keep else 0) | (_RESTORE_FILE_LOCKS if file_locks else 0))
_IMAGE_REMOVE_FORCE = 1 << 0
_IMAGE_PRUNE_ALL = 1 << 1
_COMMIT_PAUSE = 1 << 0
_NETWORK_REMOVE_FORCE = 1 << 0
_VOLUME_REMOVE_FORCE = 1 << 0
_POD_CREATE_NO_INFRA = 1 << 0
_POD_REMOVE_FORCE = 1 << 0
_POD_REMOVE_VOLUMES = 1 << 1
# ctr-kube.h: CTR_KUBE_GENERATE_*, CTR_KUBE_PLAY_*, ctr_kube_report_kind_t
_KUBE_GENERATE_SERVICE = 1 << 0
_KUBE_PLAY_REPLACE = 1 << 0
_KUBE_PLAY_NO_START = 1 << 1
_KUBE_REPORT_POD, _KUBE_REPORT_CONTAINER, _KUBE_REPORT_VOLUME, _KUBE_REPORT_WARNING = range(4)


class PodShare(enum.IntFlag):
    """The namespaces a pod's members share (``CTR_POD_SHARE_*``, podman's ``pod create --share``)."""

    IPC = 1 << 0
    NET = 1 << 1
    UTS = 1 << 2
    PID = 1 << 3
    CGROUP = 1 << 4
    #: Share nothing (podman's ``--share ""``): the pod is then only a group and a cgroup.
    NONE = 1 << 30
    #: What podman shares by default: ``ipc,net,uts`` (``CTR_POD_SHARE_DEFAULT``).
    DEFAULT = IPC | NET | UTS


class PodNetwork(enum.IntEnum):
    """A pod's network (``ctr_pod_network_mode_t``, podman's ``pod create --network``)."""

    #: A namespace of its own on the pod's networks (default: the runtime's default network).
    BRIDGE = 0
    #: A namespace of its own with only a loopback device.
    NONE = 1
    #: The host's network namespace.
    HOST = 2


class PodExitPolicy(enum.IntEnum):
    """What a pod does when its last member exits (``ctr_pod_exit_policy_t``, podman's ``--exit-policy``)."""

    #: The infra container goes on (podman's default).
    CONTINUE = 0
    #: The infra container is stopped too.
    STOP = 1


def strerror(code: int) -> str:
    """libctr's short name for an errno (``ctr_strerror``), e.g. for ``-ENOENT``."""
    return decode(lib.ctr_strerror(code)) or ""


def has_images() -> bool:
    """Whether the loaded libctr has the image API (``ctr-image.h``)."""
    return lib.has("ctr_image_import")


def has_networks() -> bool:
    """Whether the loaded libctr has the network API (``ctr-network.h``)."""
    return lib.has("ctr_network_create")


def has_volumes() -> bool:
    """Whether the loaded libctr has the volume API (``ctr-volume.h``, libctr 0.4)."""
    return lib.has("ctr_volume_create")


def has_pods() -> bool:
    """Whether the loaded libctr has the pod API (``ctr-pod.h``, libctr 0.7)."""
    return lib.has("ctr_pod_create")


def has_kube() -> bool:
    """Whether the loaded libctr has the Kubernetes YAML API (``ctr-kube.h``, libctr 0.7)."""
    return lib.has("ctr_kube_play")


def _fn(name: str) -> Any:
    try:
        return getattr(lib, name)
    except AttributeError:
        raise not_built(name) from None


def _call(name: str, *args: Any) -> int:
    return check(_fn(name)(*args), name)


def _top(fn: str, handle: Any, descriptors: Sequence[str]) -> Tuple[List[str], List[List[str]]]:
    """The table of ctr_container_top() or ctr_pod_top() as (header, rows), freed."""
    av, keep = strv(list(descriptors))
    p = ctypes.POINTER(_ffi.Top)()
    _call(fn, handle, av, byref(p))
    del keep
    try:
        t = p.contents
        header = [decode(t.header[j]) or "" for j in range(t.n_columns)]
        rows = [[decode(t.rows[i][j]) or "" for j in range(t.n_columns)] for i in range(t.n_rows)]
        return header, rows
    finally:
        lib.ctr_container_top_free(p)


def _time(ns: int) -> Optional[_dt.datetime]:
    if not ns:
        return None
    return _dt.datetime.fromtimestamp(ns // 1_000_000_000, tz=_dt.timezone.utc) + _dt.timedelta(
        microseconds=(ns % 1_000_000_000) // 1000)


def _ns(t: Union[None, int, float, _dt.datetime]) -> int:
    if t is None:
        return 0
    if isinstance(t, _dt.datetime):
        if t.tzinfo is None:
            t = t.astimezone()
        return int(t.timestamp()) * 1_000_000_000 + t.microsecond * 1000
    if isinstance(t, float):
        return int(t * 1e9)
    return int(t)


def _fileno(f: FileArg) -> int:
    if f is None:
        return -1
    if isinstance(f, int):
        return f
    f.flush() if hasattr(f, "flush") and f.writable() else None  # type: ignore[union-attr]
    return f.fileno()


# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PortMapping:
    """A port forwarded from the host (``ctr_port_mapping_t``)."""

    host_port: int
    container_port: int
    protocol: str = "tcp"
    host_ip: Optional[str] = None


@dataclass(frozen=True)
class KubeReport:
    """What :meth:`Runtime.kube_play` or :meth:`Runtime.kube_down` did (``ctr_kube_report_t``):
    the full IDs of the pods made (or removed) and of the containers made (init containers
    left out: they are gone), the names of the volumes made, and the fields and kinds not
    used, as ``PATH: WHY``."""

    pods: List[str] = field(default_factory=list)
    containers: List[str] = field(default_factory=list)
    volumes: List[str] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)

    @classmethod
    def _take(cls, p: Optional[int]) -> "KubeReport":
        """Copy a ctr_kube_report_t and free it (None: an empty report)."""
        if not p:
            return cls()
        try:
            lists = [[decode(lib.ctr_kube_report_get(p, kind, i)) or ""
                      for i in range(lib.ctr_kube_report_count(p, kind))]
                     for kind in (_KUBE_REPORT_POD, _KUBE_REPORT_CONTAINER, _KUBE_REPORT_VOLUME,
                                  _KUBE_REPORT_WARNING)]
        finally:
            lib.ctr_kube_report_free(p)
        return cls(*lists)


def _kube_call(name: str, *args: Any) -> KubeReport:
    """ctr_kube_play() or ctr_kube_down() with a report out-parameter last: the report, freed."""
    out = c_void_p()
    try:
        _call(name, *args, byref(out))
    except BaseException:
        if out.value:  # not written on failure; should a report come anyway, do not leak it
            lib.ctr_kube_report_free(out.value)
        raise
    return KubeReport._take(out.value)


def _kube_yaml(yaml: Union[str, bytes]) -> bytes:
    if not isinstance(yaml, (str, bytes)):
        raise TypeError(f"the YAML must be str or bytes, not {type(yaml).__name__}")
    return encode(yaml) or b""


class _Sample:
    """Owns one ctr_stats_t of ctr_container_stats() (freed with the object)."""

    def __init__(self, p: Any) -> None:
        self.p = p

    def __del__(self) -> None:
        if self.p:
            lib.ctr_stats_free(self.p)
            self.p = None


@dataclass(frozen=True)
class Stats:
    """One sample of a running container's resource use (``ctr_stats_t``):
    CPU times in nanoseconds, CPU and memory percentages as podman computes
    them, memory, block I/O and network counters in bytes."""

    id: str
    name: str
    cgroup_version: int
    timestamp_ns: int
    started_ns: int
    cpu_ns: int
    cpu_user_ns: int
    cpu_system_ns: int
    percpu_ns: Tuple[int, ...]
    system_cpu_ns: int
    online_cpus: int
    cpu_percent: float
    avg_cpu_percent: float
    mem_usage: int
    mem_limit: int
    mem_cache: int
    mem_rss: int
    mem_percent: float
    pids_current: int
    pids_limit: int
    block_read: int
    block_write: int
    has_net: bool
    net_rx_bytes: int
    net_rx_packets: int
    net_tx_bytes: int
    net_tx_packets: int
    _sample: Optional[_Sample] = field(default=None, repr=False, compare=False)

    @classmethod
    def _from(cls, p: Any, owned: bool) -> "Stats":
        s = p.contents
        names = [f for f, *_ in _ffi.Stats._fields_ if f not in ("version", "percpu_ns", "n_percpu", "id", "name")]
        values = {f: getattr(s, f) for f in names}
        values["has_net"] = bool(s.has_net)
        return cls(id=decode(s.id) or "", name=decode(s.name) or "",
                   percpu_ns=tuple(s.percpu_ns[i] for i in range(s.n_percpu)),
                   _sample=_Sample(p) if owned else None, **values)


@dataclass(frozen=True)
class LogLine:
    """One line of a container's log, without its newline."""

    stream: Stream
    timestamp: int  #: nanoseconds since the epoch
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", "replace")

    @property
    def time(self) -> Optional[_dt.datetime]:
        return _time(self.timestamp)


@dataclass(frozen=True)
class ExecResult:
    """What :meth:`Container.exec` returns: the exit code and captured output (``None`` when not captured)."""

    exit_code: int
    stdout: Optional[bytes] = None
    stderr: Optional[bytes] = None


class _Keep:
    """Python objects the C library may call back into (the runtime's log callback):
    shared by every wrapper made from one runtime, so they live as long as any handle."""

    __slots__ = ("log_cb",)

    def __init__(self, log_cb: Any = None) -> None:
        self.log_cb = log_cb


class _Handle:
    _unref_name = ""

    def __init__(self, ptr: int, keep: Optional[_Keep]) -> None:
        self._ptr: Optional[int] = ptr
        self._keep = keep

    @property
    def _p(self) -> int:
        if self._ptr is None:
            raise ValueError(f"operation on a closed {type(self).__name__}")
        return self._ptr

    @property
    def closed(self) -> bool:
        return self._ptr is None

    def close(self) -> None:
        """Release the handle (drop the reference).  Idempotent."""
        p, self._ptr = self._ptr, None
        if p is not None:
            getattr(lib, self._unref_name)(p)

    def __enter__(self: T) -> T:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


# --------------------------------------------------------------------------------------------------
class Runtime(_Handle):
    """A libctr runtime (``ctr_runtime_t``): a root, a run root, a state backend and an OCI runtime.

    All arguments are optional; ``None`` means the library's default
    (``/var/lib/libctr``, ``/run/libctr``, ``files``, ``runc``...).  ``log`` is
    called as ``log(level, message)`` for what libctr has to say, from any
    thread that calls into it; it must not call libctr itself.  Thread-safe:
    one runtime may be shared by threads.  Not usable in a child after
    ``os.fork()``: open a new one there.
    """

    _unref_name = "ctr_runtime_unref"

    def __init__(self, root: Union[None, str, os.PathLike] = None, run_root: Union[None, str, os.PathLike] = None, *,
                 state_backend: Optional[str] = None, oci_runtime: Optional[str] = None,
                 conmon_path: Optional[str] = None, storage_driver: Optional[str] = None,
                 cni_config_dir: Optional[str] = None, cni_plugin_dir: Optional[str] = None,
                 lock_dir: Optional[str] = None, default_network: Optional[str] = None,
                 default_bridge: Optional[str] = None, default_subnet: Optional[str] = None,
                 log: Optional[Callable[[int, str], None]] = None, log_level: int = 0,
                 log_size_max: int = 0) -> None:
        self._ptr = None
        opts = _ffi.RuntimeOptions()
        _call("ctr_runtime_options_init", byref(opts), _RUNTIME_OPTIONS_VERSION)
        for field, value in (("root", root), ("run_root", run_root), ("state_backend", state_backend),
                             ("oci_runtime", oci_runtime), ("conmon_path", conmon_path),
                             ("storage_driver", storage_driver), ("cni_config_dir", cni_config_dir),
                             ("cni_plugin_dir", cni_plugin_dir), ("lock_dir", lock_dir),
                             ("default_network", default_network), ("default_bridge", default_bridge),
                             ("default_subnet", default_subnet)):
            if value is not None:
                setattr(opts, field, encode(value))
        opts.log_size_max = log_size_max
        keep = _Keep()
        if log is not None:
            def trampoline(level: int, message: bytes, _userdata: Any) -> None:
                try:
                    log(level, decode(message) or "")
                except Exception:  # never let an exception cross into C
                    pass
            keep.log_cb = _ffi.LOG_FN(trampoline)
            opts.log_fn = keep.log_cb
        opts.log_level = log_level
        out = c_void_p()
        _call("ctr_runtime_new", byref(out), byref(opts))
        super().__init__(out.value, keep)  # type: ignore[arg-type]

    @classmethod
    def _wrap(cls, ptr: int, keep: Optional[_Keep]) -> "Runtime":
        self = cls.__new__(cls)
        _Handle.__init__(self, ptr, keep)
        return self

    def __repr__(self) -> str:
        return f"<libctr.Runtime root={self.root!r}>" if not self.closed else "<libctr.Runtime closed>"

    # ---- properties ----
    @property
    def root(self) -> str:
        return decode(lib.ctr_runtime_root(self._p)) or ""

    @property
    def run_root(self) -> str:
        return decode(lib.ctr_runtime_run_root(self._p)) or ""

    @property
    def state_backend(self) -> str:
        return decode(lib.ctr_runtime_state_backend(self._p)) or ""

    @property
    def oci_runtime(self) -> str:
        """The OCI runtime's absolute path."""
        return decode(lib.ctr_runtime_oci_runtime(self._p)) or ""

    @property
    def boot_id(self) -> str:
        return decode(lib.ctr_runtime_boot_id(self._p)) or ""

    # ---- containers ----
    def create(self, *, rootfs: Union[None, str, os.PathLike] = None, image: Optional[str] = None,
               command: Optional[Sequence[str]] = None, name: Optional[str] = None,
               env: Union[None, Mapping[str, str], Sequence[str]] = None, workdir: Optional[str] = None,
               user: Optional[str] = None, hostname: Optional[str] = None, pod: Optional[str] = None,
               flags: CreateFlags = CreateFlags.NONE, read_only: bool = False, privileged: bool = False,
               stdin: bool = False, terminal: bool = False, shm_size: int = 0,
               namespaces: Optional[Mapping[Namespace, str]] = None,
               ports: Sequence[PortMapping] = (), dns_servers: Optional[Sequence[str]] = None,
               dns_search: Optional[Sequence[str]] = None, dns_options: Optional[Sequence[str]] = None,
               hosts_add: Optional[Sequence[str]] = None, labels: Optional[Mapping[str, str]] = None,
               stop_signal: int = 0, stop_timeout: Optional[int] = None, cgroup_parent: Optional[str] = None,
               log_path: Optional[str] = None, process_label: Optional[str] = None,
               mount_label: Optional[str] = None, networks: Optional[Sequence[str]] = None,
               netns_path: Optional[str] = None, spec: Union[None, str, Mapping[str, Any]] = None,
               log_size_max: int = 0,
               # version 3: mounts
               mounts: Optional[Sequence[Mount]] = None,
               # resources
               memory: int = 0, memory_swap: int = 0, memory_reservation: int = 0, cpus: Optional[float] = None,
               cpu_shares: int = 0, cpu_period: int = 0, cpu_quota: int = 0, cpuset_cpus: Optional[str] = None,
               cpuset_mems: Optional[str] = None, pids_limit: int = 0, blkio_weight: int = 0,
               blkio_weight_device: _opt.Throttles = None, device_read_bps: _opt.Throttles = None,
               device_write_bps: _opt.Throttles = None, device_read_iops: _opt.Throttles = None,
               device_write_iops: _opt.Throttles = None, oom_score_adj: Optional[int] = None,
               oom_kill_disable: bool = False, ulimits: _opt.UlimitsArg = None,
               # security and devices
               cap_add: Optional[Sequence[str]] = None, cap_drop: Optional[Sequence[str]] = None,
               no_new_privileges: bool = False, seccomp_profile: Union[None, str, os.PathLike] = None,
               apparmor_profile: Optional[str] = None, mask_paths: Optional[Sequence[str]] = None,
               unmask_paths: Optional[Sequence[str]] = None, read_only_tmpfs: bool = True,
               group_add: Optional[Sequence[Union[str, int]]] = None, sysctls: Optional[Mapping[str, str]] = None,
               devices: Optional[Sequence[str]] = None, device_cgroup_rules: Optional[Sequence[str]] = None,
               # process
               entrypoint: Union[None, str, Sequence[str]] = None, init: bool = False,
               init_path: Union[None, str, os.PathLike] = None, umask: Union[None, int, str] = None,
               timezone: Optional[str] = None, annotations: Optional[Mapping[str, str]] = None,
               domainname: Optional[str] = None, create_command: Optional[Sequence[str]] = None,
               # restart policy and healthcheck
               restart_policy: Optional[str] = None, restart_retries: int = 0,
               health_cmd: Union[None, str, Sequence[str]] = None, no_healthcheck: bool = False,
               health_interval: _opt.Duration = None, health_timeout: _opt.Duration = None,
               health_start_period: _opt.Duration = None, health_retries: int = 0,
               health_on_failure: Optional[str] = None) -> "Container":
        """Create a container (state ``CONFIGURED``; nothing runs yet).  See ``ctr_container_create()``.

        ``namespaces`` maps a :class:`Namespace` to the container (ID, prefix or
        name) whose namespace to join; ``spec`` is a base OCI spec (dict or JSON).

        The rest is ``podman run``'s configuration (``ctr_container_options_t``
        version 3); zero, ``None`` and empty mean podman's default:

        - ``mounts``: :class:`Mount` values (``Mount.bind("/src", "/data", "ro")``,
          ``Mount.tmpfs("/scratch", "size=10m")``, ``Mount.volume("name", "/v")``).
        - Resources: sizes in bytes (``memory=64 * 2**20``; ``memory_swap=-1`` is
          unlimited), ``cpus=0.5`` (a quota over the 100 ms period), ``cpu_period``
          and ``cpu_quota`` in microseconds, ``pids_limit`` (-1 unlimited),
          ``blkio_weight`` 10-1000; ``blkio_weight_device`` and the
          ``device_{read,write}_{bps,iops}`` limits map a host block device to a
          weight or rate (``{"/dev/vda": 1 << 20}``, or ``(path, rate)`` pairs);
          ``oom_score_adj`` (-1000..1000, ``None``: not set); ``ulimits`` maps a
          name to a limit or a ``(soft, hard)`` pair (``{"nofile": (100, 200)}``),
          or is a list of :class:`Ulimit`.
        - Security: ``cap_add``/``cap_drop`` (``NET_ADMIN``, ``CAP_NET_ADMIN`` or
          ``ALL``), ``seccomp_profile`` (a file or ``"unconfined"``),
          ``apparmor_profile``, ``mask_paths``/``unmask_paths``, ``read_only_tmpfs``
          (with ``read_only``: tmpfs on /run, /tmp, /var/tmp), ``group_add``,
          ``sysctls`` (namespaced ones), ``devices`` (``"/dev/fuse:/dev/fuse:rwm"``),
          ``device_cgroup_rules`` (``"c 1:3 rwm"``).
        - Process: ``entrypoint`` (a string is one word; ``[]`` clears the image's),
          ``init`` (catatonit as PID 1, from ``init_path``), ``umask`` (``0o077``
          or ``"0077"``), ``timezone`` (``"local"`` or a zoneinfo name),
          ``annotations``, ``domainname``, ``create_command`` (shown as
          ``Config.CreateCommand``).
        - ``restart_policy`` (``no``, ``always``, ``on-failure``, ``unless-stopped``;
          ``"on-failure:3"`` also sets ``restart_retries``); ``health_cmd`` (a
          string runs in a shell, a list is an argv, or podman's stored form
          ``["CMD", ...]``), ``no_healthcheck``, ``health_interval``,
          ``health_timeout``, ``health_start_period`` (seconds or
          :class:`datetime.timedelta`), ``health_retries`` and ``health_on_failure``
          (``"none"``, ``"kill"``, ``"restart"``, ``"stop"``: the action once unhealthy).
        """
        o = _ffi.ContainerOptions()
        _call("ctr_container_options_init", byref(o), _CONTAINER_OPTIONS_VERSION)
        keep: List[Any] = []

        def arr(items: Any) -> Any:
            p, k = strv(items)
            keep.append(k)
            return p

        o.name = encode(name)
        if spec is not None:
            o.spec_json = encode(spec if isinstance(spec, str) else json.dumps(spec))
        o.rootfs = encode(os.fspath(rootfs)) if rootfs is not None else None
        o.image = encode(image)
        o.command = arr(command)
        if isinstance(env, Mapping):
            env = [f"{k}={v}" for k, v in env.items()]
        o.env = arr(env)
        o.workdir = encode(workdir)
        o.user = encode(user)
        o.hostname = encode(hostname)
        o.pod = encode(pod)
        f = int(flags)
        f |= (CreateFlags.READ_ONLY if read_only else 0) | (CreateFlags.PRIVILEGED if privileged else 0)
        f |= (CreateFlags.STDIN if stdin else 0) | (CreateFlags.TERMINAL if terminal else 0)
        f |= (CreateFlags.INIT if init else 0) | (CreateFlags.OOM_KILL_DISABLE if oom_kill_disable else 0)
        f |= (CreateFlags.NO_NEW_PRIVS if no_new_privileges else 0)
        f |= (CreateFlags.NO_READ_ONLY_TMPFS if not read_only_tmpfs else 0)
        f |= (CreateFlags.OOM_SCORE_ADJ if oom_score_adj is not None else 0)
        o.flags = f
        o.shm_size = shm_size
        for ns, who in (namespaces or {}).items():
            o.ns_ctr[int(ns)] = encode(who)
        if ports:
            pm = (_ffi.PortMapping * len(ports))()
            for i, p in enumerate(ports):
                pm[i].host_ip = encode(p.host_ip)
                pm[i].host_port = p.host_port
                pm[i].container_port = p.container_port
                pm[i].protocol = encode(p.protocol)
            keep.append(pm)
            o.port_mappings = ctypes.cast(pm, ctypes.POINTER(_ffi.PortMapping))
            o.n_port_mappings = len(ports)
        o.dns_servers = arr(dns_servers)
        o.dns_search = arr(dns_search)
        o.dns_options = arr(dns_options)
        o.hosts_add = arr(hosts_add)
        o.labels = arr([f"{k}={v}" for k, v in labels.items()] if labels is not None else None)
        o.stop_signal = int(stop_signal)
        if stop_timeout is not None:
            o.stop_timeout = stop_timeout
        o.cgroup_parent = encode(cgroup_parent)
        o.log_path = encode(log_path)
        o.log_size_max = log_size_max
        o.process_label = encode(process_label)
        o.mount_label = encode(mount_label)
        o.networks = arr(networks)
        o.netns_path = encode(netns_path)
        _opt.set_mounts(o, keep, mounts)
        _opt.set_resources(o, keep, memory=memory, memory_swap=memory_swap, memory_reservation=memory_reservation,
                           cpus=cpus, cpu_shares=cpu_shares, cpu_period=cpu_period, cpu_quota=cpu_quota,
                           cpuset_cpus=cpuset_cpus, cpuset_mems=cpuset_mems, pids_limit=pids_limit,
                           blkio_weight=blkio_weight, blkio_weight_device=blkio_weight_device,
                           device_read_bps=device_read_bps, device_write_bps=device_write_bps,
                           device_read_iops=device_read_iops, device_write_iops=device_write_iops,
                           oom_score_adj=oom_score_adj, ulimits=ulimits)
        _opt.set_security(o, keep, cap_add=cap_add, cap_drop=cap_drop, seccomp_profile=seccomp_profile,
                          apparmor_profile=apparmor_profile, mask_paths=mask_paths, unmask_paths=unmask_paths,
                          group_add=group_add, sysctls=sysctls, devices=devices,
                          device_cgroup_rules=device_cgroup_rules)
        _opt.set_process(o, keep, entrypoint=entrypoint, init_path=init_path, umask=umask, timezone=timezone,
                         annotations=annotations, domainname=domainname, create_command=create_command)
        _opt.set_restart_and_health(o, keep, restart_policy=restart_policy, restart_retries=restart_retries,
                                    health_cmd=health_cmd, no_healthcheck=no_healthcheck,
                                    health_interval=health_interval, health_timeout=health_timeout,
                                    health_start_period=health_start_period, health_retries=health_retries,
                                    health_on_failure=health_on_failure)
        out = c_void_p()
        _call("ctr_container_create", byref(out), self._p, byref(o))
        return Container._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def restore(self, import_path: Union[str, "os.PathLike[str]"], *, name: Optional[str] = None,
                tcp_established: bool = False, keep: bool = False, file_locks: bool = False) -> "Container":
        """A new container, running, restored from a checkpoint that
        :meth:`Container.checkpoint` exported to ``import_path``
        (``ctr_runtime_restore()``, ``podman container restore --import``),
        named ``name`` (None: the checkpointed container's name)."""
        o = _restore_options(import_path, name, tcp_established, keep, file_locks)
        out = c_void_p()
        _call("ctr_runtime_restore", self._p, byref(o), byref(out))
        return Container._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def get(self, id_or_name: str) -> "Container":
        """Look a container up by full ID, unique ID prefix or name.  Raises :class:`NotFoundError`."""
        out = c_void_p()
        _call("ctr_runtime_lookup", self._p, encode(id_or_name), byref(out))
        return Container._wrap(out.value, self._keep)  # type: ignore[arg-type]

    __getitem__ = get

    def __contains__(self, id_or_name: str) -> bool:
        try:
            self.get(id_or_name).close()
            return True
        except NotFoundError:
            return False

    def containers(self, where: Optional[Callable[["Container"], bool]] = None) -> List["Container"]:
        """All containers, oldest first, optionally those for which ``where(c)`` is true.
        Close the ones you keep (or use them in ``with``); the others are closed here."""
        arr = ctypes.POINTER(c_void_p)()
        n = c_size_t()
        _call("ctr_runtime_list", self._p, None, None, byref(arr), byref(n))
        out: List[Container] = []
        try:
            for i in range(n.value):
                c = Container._wrap(lib.ctr_container_ref(arr[i]), self._keep)
                if where is None or where(c):
                    out.append(c)
                else:
                    c.close()
        finally:
            lib.ctr_container_list_free(arr, n.value)
        return out

    def __iter__(self) -> Iterator["Container"]:
        return iter(self.containers())

    def remove(self, id_or_name: str, *, force: bool = False, volumes: bool = False) -> None:
        """Remove a container by ID, prefix or name (``force`` stops it and removes its dependents)."""
        _call("ctr_runtime_remove", self._p, encode(id_or_name),
              (_REMOVE_FORCE if force else 0) | (_REMOVE_VOLUMES if volumes else 0))

    def refresh(self) -> None:
        """Reset containers left over from an earlier boot and sweep the run root."""
        _call("ctr_runtime_refresh", self._p)

    # ---- images (ctr-image.h) ----
    def load_image(self, reference: str, *, name: Optional[str] = None, changes: Optional[Sequence[str]] = None,
                   progress: Optional[Callable[[int, int], Optional[bool]]] = None) -> "Image":
        """Import an image: ``oci:DIR[:TAG]``, ``oci-archive:FILE``, ``docker-archive:FILE``,
        ``containers-storage:NAME``, ``tarball:FILE`` or a root file system tar.
        ``progress(done, total)`` may return ``True`` to cancel (:class:`CancelledError`)."""
        o = _ffi.ImportOptions()
        _call("ctr_import_options_init", byref(o), _IMPORT_OPTIONS_VERSION)
        o.reference = encode(reference)
        o.name = encode(name)
        ch, keep = strv(changes)
        o.changes = ch
        cb = _progress(progress)
        if cb is not None:
            o.progress = cb
        out = c_void_p()
        _call("ctr_image_import", self._p, byref(o), byref(out))
        del keep, cb
        return Image._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def pull(self, reference: str, *, policy: Optional[PullPolicy] = None, **options: Any) -> "Image":
        """Pull ``reference`` (``[HOST[:PORT]/]PATH[:TAG][@sha256:…]``; short names through
        registries.conf) from its registry.  With ``policy`` (:class:`PullPolicy`), find or pull as
        podman's ``--pull`` does.  The keyword options are :mod:`libctr._registry`'s (``creds``,
        ``tls_verify``, ``cert_dir``, ``auth_file``, ``platform``, ``progress``, ...)."""
        ptr = _registry.pull(self._p, reference, policy, options)
        return Image._wrap(ptr, self._keep)

    def images(self) -> List["Image"]:
        """All images, newest first."""
        arr = ctypes.POINTER(c_void_p)()
        n = c_size_t()
        _call("ctr_image_list", self._p, byref(arr), byref(n))
        try:
            return [Image._wrap(lib.ctr_image_ref(arr[i]), self._keep) for i in range(n.value)]
        finally:
            lib.ctr_image_list_free(arr, n.value)

    def image(self, name_or_id: str) -> "Image":
        """Find an image by ID, ``sha256:ID``, name or unique ID prefix.  Raises :class:`NotFoundError`."""
        out = c_void_p()
        _call("ctr_image_lookup", self._p, encode(name_or_id), byref(out))
        return Image._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def remove_image(self, name_or_id: str, *, force: bool = False) -> None:
        """Remove an image (or, given one of several names, that name)."""
        _call("ctr_image_remove", self._p, encode(name_or_id), _IMAGE_REMOVE_FORCE if force else 0)

    def prune_images(self, *, all: bool = False) -> List[str]:  # noqa: A002
        """Remove dangling images (``all``: every unused one); returns the removed IDs."""
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_image_prune", self._p, _IMAGE_PRUNE_ALL if all else 0, byref(out))
        return take_strv(out)

    # ---- volumes (ctr-volume.h) ----
    def create_volume(self, name: Optional[str] = None, *, driver: Optional[str] = None,
                      labels: Optional[Mapping[str, str]] = None,
                      options: Optional[Mapping[str, str]] = None) -> "Volume":
        """Create a named volume (``name`` None: a generated one).  ``options`` are the
        ``local`` driver's (``type``, ``device``, ``o``, ...), as podman's ``--opt``.
        Raises :class:`AlreadyExistsError`, :class:`InvalidArgumentError`."""
        o = _ffi.VolumeOptions()
        _call("ctr_volume_options_init", byref(o), _VOLUME_OPTIONS_VERSION)
        lp, lk = strv([f"{k}={v}" for k, v in labels.items()] if labels is not None else None)
        op, ok_ = strv([f"{k}={v}" for k, v in options.items()] if options is not None else None)
        o.name, o.driver, o.labels, o.options = encode(name), encode(driver), lp, op
        out = c_void_p()
        _call("ctr_volume_create", self._p, byref(o), byref(out))
        del lk, ok_
        return Volume._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def volume(self, name: str) -> "Volume":
        """Find a volume by name.  Raises :class:`NotFoundError`."""
        out = c_void_p()
        _call("ctr_volume_lookup", self._p, encode(name), byref(out))
        return Volume._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def volume_exists(self, name: str) -> bool:
        return _call("ctr_volume_exists", self._p, encode(name)) == 1

    def volumes(self, *filters: str, **by: Any) -> List["Volume"]:
        """The volumes, by name, that pass every filter: podman's ``volume ls --filter``
        strings (``"label=app=web"``) or keywords (``label="app=web"``, ``dangling=True``)."""
        fs = list(filters) + [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in by.items()]
        fp, fk = strv(fs or None)
        arr = ctypes.POINTER(c_void_p)()
        n = c_size_t()
        _call("ctr_volume_list", self._p, fp, byref(arr), byref(n))
        del fk
        try:
            return [Volume._wrap(lib.ctr_volume_ref(arr[i]), self._keep) for i in range(n.value)]
        finally:
            lib.ctr_volume_list_free(arr, n.value)

    def remove_volume(self, name: str, *, force: bool = False) -> None:
        """Remove a volume; in use raises :class:`StateError` unless ``force`` (which removes
        the containers using it, as ``podman volume rm -f``)."""
        _call("ctr_volume_remove", self._p, encode(name), _VOLUME_REMOVE_FORCE if force else 0)

    def prune_volumes(self, *filters: str) -> List[str]:
        """Remove the volumes no container uses (``label=``, ``until=`` filters); their names."""
        fp, fk = strv(list(filters) or None)
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_volume_prune", self._p, fp, 0, byref(out))
        del fk
        return take_strv(out)

    # ---- pods (ctr-pod.h) ----
    def create_pod(self, name: Optional[str] = None, *, labels: Optional[Mapping[str, str]] = None,
                   share: Optional[PodShare] = None, exit_policy: PodExitPolicy = PodExitPolicy.CONTINUE,
                   network: PodNetwork = PodNetwork.BRIDGE, cgroup_parent: Optional[str] = None,
                   hostname: Optional[str] = None, dns_servers: Optional[Sequence[str]] = None,
                   dns_search: Optional[Sequence[str]] = None, dns_options: Optional[Sequence[str]] = None,
                   hosts_add: Optional[Sequence[str]] = None, ports: Sequence[PortMapping] = (),
                   networks: Optional[Sequence[str]] = None, infra_image: Optional[str] = None,
                   infra: bool = True, memory: int = 0, memory_swap: int = 0, cpus: float = 0,
                   cpuset_cpus: Optional[str] = None, cpuset_mems: Optional[str] = None) -> "Pod":
        """Create a pod and its infra container (``ctr_pod_create()``, podman's ``pod create``).

        ``name`` None: a generated one.  ``share`` the namespaces the members share
        (:class:`PodShare`; None: :attr:`PodShare.DEFAULT`, ``ipc,net,uts``); ``network`` the
        pod's network (:class:`PodNetwork`, with :attr:`PodShare.NET`); ``hostname`` the
        members' host name (None: the pod's name); ``dns_*``, ``hosts_add`` (``HOST:IP``),
        ``ports`` and ``networks`` the pod's network settings; ``cgroup_parent`` (None:
        ``/libctr_parent``); ``infra_image`` (None: libctr's own catatonit image); ``infra``
        False: no infra container (podman's ``--infra=false``; share must then be
        :attr:`PodShare.NONE`, or None).  ``memory`` (bytes), ``memory_swap`` (memory plus swap;
        0: twice ``memory``; -1: no limit), ``cpus`` (0.5: 50 ms in each 100 ms), ``cpuset_cpus``
        and ``cpuset_mems`` limit the pod's cgroup, which all its containers are in (podman's
        ``pod create --memory`` ...).  Everything is copied.

        Raises :class:`InvalidArgumentError` (a bad option: the message says which),
        :class:`AlreadyExistsError` (the name is a pod's or a container's),
        :class:`NotFoundError` (a network or the infra image does not exist),
        :class:`NotSupportedError` (no pod API, or a state backend without object records),
        or the errors of :meth:`create` for the infra container.  On failure nothing is left.
        """
        o = _ffi.PodOptions()
        _call("ctr_pod_options_init", byref(o), _POD_OPTIONS_VERSION)
        keep: List[Any] = []

        def arr(items: Optional[Sequence[str]]) -> Any:
            p, k = strv(items)
            keep.append(k)
            return p

        o.name = encode(name)
        o.labels = arr([f"{k}={v}" for k, v in labels.items()] if labels is not None else None)
        o.share = int(share) if share is not None else 0
        o.exit_policy = int(exit_policy)
        o.network_mode = int(network)
        o.cgroup_parent = encode(cgroup_parent)
        o.hostname = encode(hostname)
        o.dns_servers = arr(dns_servers)
        o.dns_search = arr(dns_search)
        o.dns_options = arr(dns_options)
        o.hosts_add = arr(hosts_add)
        if ports:
            pm = (_ffi.PortMapping * len(ports))()
            for i, p in enumerate(ports):
                pm[i].host_ip = encode(p.host_ip)
                pm[i].host_port = p.host_port
                pm[i].container_port = p.container_port
                pm[i].protocol = encode(p.protocol)
            keep.append(pm)
            o.port_mappings = ctypes.cast(pm, ctypes.POINTER(_ffi.PortMapping))
            o.n_port_mappings = len(ports)
        o.networks = arr(networks)
        o.infra_image = encode(infra_image)
        o.flags = 0 if infra else _POD_CREATE_NO_INFRA
        o.memory = memory
        o.memory_swap = memory_swap
        o.nano_cpus = int(round(cpus * 1_000_000_000))
        o.cpuset_cpus = encode(cpuset_cpus)
        o.cpuset_mems = encode(cpuset_mems)
        out = c_void_p()
        _call("ctr_pod_create", self._p, byref(o), byref(out))
        del keep
        return Pod._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def pod(self, ref: str) -> "Pod":
        """Find a pod by full ID, unique ID prefix or name (``ctr_pod_lookup()``).
        Raises :class:`NotFoundError` (no such pod), :class:`InvalidArgumentError` (empty
        or invalid, or an ambiguous prefix), :class:`Error` with ``EUCLEAN`` (a damaged record)."""
        out = c_void_p()
        _call("ctr_pod_lookup", self._p, encode(ref), byref(out))
        return Pod._wrap(out.value, self._keep)  # type: ignore[arg-type]

    def pods(self, *filters: str) -> List["Pod"]:
        """Every pod, oldest first (``ctr_pod_list()``; a damaged record is skipped with a
        warning through the log callback), or those that pass podman's ``pod ps --filter``
        strings (``"name=^web"``, ``"label=tier=front"``, ``"status=running"``,
        ``"ctr-number=3"``: ``ctr_pod_list_filter()``).  Close the ones you keep.
        Raises :class:`NotSupportedError` (no object records), :class:`InvalidArgumentError`
        (a bad filter)."""
        arr = ctypes.POINTER(c_void_p)()
        n = c_size_t()
        if filters:
            fp, fk = strv(list(filters))
            _call("ctr_pod_list_filter", self._p, fp, byref(arr), byref(n))
            del fk
        else:
            _call("ctr_pod_list", self._p, byref(arr), byref(n))
        try:
            return [Pod._wrap(lib.ctr_pod_ref(arr[i]), self._keep) for i in range(n.value)]
        finally:
            lib.ctr_pod_list_free(arr, n.value)

    # ---- Kubernetes YAML (ctr-kube.h) ----
    def kube_play(self, yaml: Union[str, bytes], *, replace: bool = False, start: bool = True,
                  networks: Optional[Sequence[str]] = None,
                  configmaps: Optional[Sequence[Union[str, bytes]]] = None) -> KubeReport:
        """Make the pods, containers and volumes a Kubernetes YAML describes (``ctr_kube_play()``,
        podman's ``kube play``): ``Pod``, ``Deployment`` (one replica), ``PersistentVolumeClaim``
        and ``ConfigMap`` documents.  ``replace`` removes the pods the YAML names first
        (``--replace``); ``start`` False makes everything and starts nothing (``--start=false``);
        ``networks`` the pods' networks (None: the runtime's default network); ``configmaps``
        more ConfigMaps, each a YAML text of one or more ``kind: ConfigMap`` documents.  Fields
        and kinds not used are the report's ``warnings``.  All or nothing: on failure the pods
        and containers made are removed again (volumes made stay).

        Raises :class:`InvalidArgumentError` (malformed YAML, a field of the wrong type or value,
        a missing name or image...: the message gives the path, such as
        ``spec.containers[1].image``), :class:`AlreadyExistsError` (a name is taken and not
        ``replace``), :class:`Error` with ``EFBIG`` (over 16 MiB) or ``ECHILD`` (an init
        container failed), and the errors of :meth:`create_pod`, :meth:`create` and
        :meth:`Pod.start`."""
        o = _ffi.KubePlayOptions()
        o.version = _KUBE_PLAY_OPTIONS_VERSION
        o.flags = (_KUBE_PLAY_REPLACE if replace else 0) | (0 if start else _KUBE_PLAY_NO_START)
        nets, keep_nets = strv(networks)
        cms, keep_cms = strv(configmaps)
        o.networks = nets
        o.configmaps = cms
        text = _kube_yaml(yaml)
        report = _kube_call("ctr_kube_play", self._p, text, len(text), byref(o))
        del keep_nets, keep_cms
        return report

    def kube_down(self, yaml: Union[str, bytes]) -> KubeReport:
        """Remove the pods (with every container) a Kubernetes YAML describes (``ctr_kube_down()``,
        ``kube play --down``): pods that do not exist are skipped; volumes stay.  The report's
        ``pods`` are the pods removed.  Raises :class:`InvalidArgumentError` (malformed YAML) and
        the errors of :meth:`Pod.remove`."""
        text = _kube_yaml(yaml)
        return _kube_call("ctr_kube_down", self._p, text, len(text))

    # ---- events (ctr-events.h) ----
    def events(self, *filters: str, follow: bool = False, since: Union[None, int, float, _dt.datetime] = None,
               until: Union[None, int, float, _dt.datetime] = None, cancel_fd: Optional[int] = None) -> Events:
        """A reader of the event journal: an iterator of :class:`Event` and a context manager.
        ``filters`` are podman's ``--filter`` strings (``"container=web"``, ``"event=died"``,
        ``"label=app=x"``, ``"type=volume"``); ``since``/``until`` are datetimes, Unix times
        (float seconds) or nanoseconds (int).  With ``follow``, iteration waits for new events
        until :meth:`Events.cancel`, ``until`` passes, or ``cancel_fd`` becomes readable."""
        return Events(self._p, follow=follow, since=_ns(since), until=_ns(until), filters=filters,
                      cancel_fd=cancel_fd, _owner=self)

    def read_events(self, fn: Callable[[Event], Optional[bool]], *filters: str, follow: bool = False,
                    since: Union[None, int, float, _dt.datetime] = None,
                    until: Union[None, int, float, _dt.datetime] = None, cancel_fd: Optional[int] = None) -> bool:
        """Call ``fn`` with each event (``ctr_events_read()``) until it returns True (then
        this returns True), the end, or a cancel (:class:`CancelledError`)."""
        return _events.read(self._p, fn, follow=follow, since=_ns(since), until=_ns(until), filters=filters,
                            cancel_fd=cancel_fd)

    # ---- networks (ctr-network.h) ----
    def create_network(self, name: str, *, driver: Optional[str] = None, bridge: Optional[str] = None,
                       subnet: Optional[str] = None, gateway: Optional[str] = None,
                       labels: Optional[Mapping[str, str]] = None, flags: int = 0) -> str:
        """Create a CNI network; returns the path of its configuration file."""
        o = _ffi.NetworkOptions()
        _call("ctr_network_options_init", byref(o), _NETWORK_OPTIONS_VERSION)
        o.name, o.driver, o.bridge = encode(name), encode(driver), encode(bridge)
        o.subnet, o.gateway = encode(subnet), encode(gateway)
        lp, keep = strv([f"{k}={v}" for k, v in labels.items()] if labels else None)
        o.labels = lp
        o.flags = flags
        out = _ffi.c_str_out()
        _call("ctr_network_create", self._p, byref(o), byref(out))
        del keep
        return take_string(out) or ""

    def networks(self) -> List[str]:
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_network_list", self._p, byref(out))
        return take_strv(out)

    def inspect_network(self, name: str) -> Dict[str, Any]:
        out = _ffi.c_str_out()
        _call("ctr_network_inspect", self._p, encode(name), byref(out))
        return json.loads(take_string(out) or "null")

    def remove_network(self, name: str, *, force: bool = False) -> None:
        _call("ctr_network_remove", self._p, encode(name), _NETWORK_REMOVE_FORCE if force else 0)


def _progress(fn: Optional[Callable[[int, int], Optional[bool]]]) -> Any:
    if fn is None:
        return None

    def trampoline(done: int, total: int, _userdata: Any) -> int:
        try:
            return 1 if fn(done, total) else 0
        except BaseException:
            return 1
    return _ffi.PROGRESS_FN(trampoline)


# --------------------------------------------------------------------------------------------------
class Container(_Handle):
    """A container handle (``ctr_container_t``): an immutable config and its state.

    Config properties never change; state properties (``state``, ``pid``,
    ``exit_code``...) are read from the state backend on each access.  Safe
    to use from several threads.
    """

    _unref_name = "ctr_container_unref"

    @classmethod
    def _wrap(cls, ptr: int, keep: Optional[_Keep]) -> "Container":
        self = cls.__new__(cls)
        _Handle.__init__(self, ptr, keep)
        return self

    def __repr__(self) -> str:
        if self.closed:
            return "<libctr.Container closed>"
        return f"<libctr.Container {self.id[:12]} {self.name!r}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Container) and not self.closed and not other.closed and self.id == other.id

    def __hash__(self) -> int:
        return hash(self.id)

    def _s(self, fn: str) -> Optional[str]:
        return decode(getattr(lib, fn)(self._p))

    def _strv(self, fn: str) -> List[str]:
        return lent_strv(getattr(lib, fn)(self._p))

    def _json(self, fn: str, *args: Any) -> Any:
        out = _ffi.c_str_out()
        _call(fn, self._p, *args, byref(out))
        return json.loads(take_string(out) or "null")

    # ---- config ----
    @property
    def runtime(self) -> Runtime:
        """The runtime this container belongs to (a new reference)."""
        return Runtime._wrap(lib.ctr_runtime_ref(lib.ctr_container_runtime(self._p)), self._keep)

    def generate_kube(self, service: bool = False) -> str:
        """The container as Kubernetes YAML, as podman's ``kube generate``
        (``ctr_container_generate_kube()``): a member of a pod gives its pod's YAML; a
        container of its own a ``Pod`` named ``NAME-pod`` holding it.  ``service`` adds a
        ``Service`` (type NodePort) for the published ports first.  Raises
        :class:`InvalidArgumentError` for an infra container, :class:`NotFoundError` when the
        container (or a member of its pod) was removed."""
        out = _ffi.c_str_out()
        _call("ctr_container_generate_kube", self._p, _KUBE_GENERATE_SERVICE if service else 0, byref(out))
        return take_string(out) or ""

    id = property(lambda self: self._s("ctr_container_id") or "", doc="Full 64-character ID.")
    name = property(lambda self: self._s("ctr_container_name") or "", doc="Name.")
    pod = property(lambda self: self._s("ctr_container_pod"), doc="Pod ID or None.")
    rootfs = property(lambda self: self._s("ctr_container_rootfs"), doc="Root file system directory or None.")
    image_id = property(lambda self: self._s("ctr_container_image_id"), doc="Image ID or None.")
    image_name = property(lambda self: self._s("ctr_container_image_name"), doc="Image name or None.")
    user = property(lambda self: self._s("ctr_container_user"))
    workdir = property(lambda self: self._s("ctr_container_workdir"))
    hostname = property(lambda self: self._s("ctr_container_hostname"))
    damage = property(lambda self: self._s("ctr_container_damage"),
                      doc="Why the record could not be read (the state is then UNKNOWN), or None.")
    static_dir = property(lambda self: self._s("ctr_container_static_dir"))
    shm_dir = property(lambda self: self._s("ctr_container_shm_dir"))
    log_path = property(lambda self: self._s("ctr_container_log_path"))
    cgroup_parent = property(lambda self: self._s("ctr_container_cgroup_parent"))
    process_label = property(lambda self: self._s("ctr_container_process_label"))
    mount_label = property(lambda self: self._s("ctr_container_mount_label"))
    netns_path = property(lambda self: self._s("ctr_container_netns_path"))
    command = property(lambda self: self._strv("ctr_container_command"))
    entrypoint = property(lambda self: self._strv("ctr_container_entrypoint"))
    env = property(lambda self: self._strv("ctr_container_env"))
    dns_servers = property(lambda self: self._strv("ctr_container_dns_servers"))
    dns_search = property(lambda self: self._strv("ctr_container_dns_search"))
    dns_options = property(lambda self: self._strv("ctr_container_dns_options"))
    hosts_add = property(lambda self: self._strv("ctr_container_hosts_add"))
    mounts = property(lambda self: self._strv("ctr_container_mounts"),
                      doc="Destinations of the mounts of the container's config, in order.")
    networks = property(lambda self: self._strv("ctr_container_networks"))
    volumes = property(lambda self: self._strv("ctr_container_volumes"))
    exposed_ports = property(lambda self: self._strv("ctr_container_exposed_ports"))

    @property
    def created(self) -> _dt.datetime:
        return _time(lib.ctr_container_created(self._p)) or _dt.datetime.fromtimestamp(0, _dt.timezone.utc)

    @property
    def flags(self) -> CreateFlags:
        return CreateFlags(lib.ctr_container_flags(self._p))

    @property
    def shm_size(self) -> int:
        return int(lib.ctr_container_shm_size(self._p))

    @property
    def stop_signal(self) -> int:
        """The stop signal (a :class:`signal.Signals` when Python names it)."""
        n = lib.ctr_container_stop_signal(self._p)
        try:
            return _signal.Signals(n)
        except ValueError:
            return n

    @property
    def stop_timeout(self) -> int:
        return int(lib.ctr_container_stop_timeout(self._p))

    def namespace_container(self, ns: Namespace) -> Optional[str]:
        """Full ID of the container whose namespace ``ns`` this one joins, or None."""
        return decode(lib.ctr_container_ns_ctr(self._p, int(ns)))

    @property
    def ports(self) -> List[PortMapping]:
        arr = ctypes.POINTER(_ffi.PortMapping)()
        n = lib.ctr_container_port_mappings(self._p, byref(arr))
        return [PortMapping(arr[i].host_port, arr[i].container_port, decode(arr[i].protocol) or "tcp",
                            decode(arr[i].host_ip)) for i in range(n)]

    def label(self, key: str) -> Optional[str]:
        return decode(lib.ctr_container_label(self._p, encode(key)))

    @property
    def labels(self) -> Dict[str, str]:
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_container_labels", self._p, byref(out))
        return dict(kv.split("=", 1) for kv in take_strv(out))

    def options(self) -> Dict[str, Any]:
        """The container's whole configuration as the keyword arguments of
        :meth:`Runtime.create` that make an equal container
        (``ctr_container_get_options()``): ``rt.create(**{**c.options(), "name": "copy"})``.

        Every argument is there, with ``None``, zero or ``False`` where
        nothing is set and the stored defaults elsewhere (``shm_size``,
        ``stop_timeout``, ``cgroup_parent``...).  Values are normalized as the
        config keeps them: mounts with their full options (an anonymous
        volume without a name), capabilities as ``CAP_*``, ulimits as
        ``RLIMIT_*``, ``umask`` an int, the healthcheck in podman's stored
        form, durations as :class:`datetime.timedelta`, throttles as
        ``(path, rate)`` pairs; ``entrypoint`` is ``None`` when the image's
        is used and ``[]`` when it was cleared; ``image`` the reference as
        given; ``log_path`` ``None`` for the default, ``log_size_max`` -1 for
        no limit.  Raises :class:`Error` (``EUCLEAN`` for a damaged config).
        """
        p = ctypes.POINTER(_ffi.ContainerOptions)()
        _call("ctr_container_get_options", self._p, byref(p))
        try:
            return self._options_of(p.contents)
        finally:
            lib.ctr_container_options_free(p)

    @staticmethod
    def _options_of(o: Any) -> Dict[str, Any]:
        f = CreateFlags(o.flags)
        kw: Dict[str, Any] = {
            "rootfs": decode(o.rootfs), "image": decode(o.image), "command": _opt._list(o.command),
            "name": decode(o.name), "env": _opt._list(o.env), "workdir": decode(o.workdir),
            "user": decode(o.user), "hostname": decode(o.hostname), "pod": decode(o.pod),
            "shm_size": o.shm_size,
            "namespaces": {Namespace(i): decode(o.ns_ctr[i]) for i in range(1, _ffi.CTR_NS_MAX) if o.ns_ctr[i]} or None,
            "ports": [PortMapping(m.host_port, m.container_port, decode(m.protocol) or "tcp", decode(m.host_ip))
                      for m in _opt._rows(o.port_mappings, o.n_port_mappings)],
            "dns_servers": _opt._list(o.dns_servers), "dns_search": _opt._list(o.dns_search),
            "dns_options": _opt._list(o.dns_options), "hosts_add": _opt._list(o.hosts_add),
            "labels": _opt._dict(o.labels), "stop_signal": o.stop_signal, "stop_timeout": o.stop_timeout,
            "cgroup_parent": decode(o.cgroup_parent), "log_path": decode(o.log_path),
            "process_label": decode(o.process_label), "mount_label": decode(o.mount_label),
            "networks": _opt._list(o.networks), "netns_path": decode(o.netns_path),
            "spec": decode(o.spec_json), "log_size_max": o.log_size_max, "mounts": _opt.get_mounts(o),
            "read_only_tmpfs": not f & CreateFlags.NO_READ_ONLY_TMPFS,
        }
        for arg, flag in _FLAG_KWARGS.items():
            kw[arg] = bool(f & flag)
        kw["flags"] = f & ~(CreateFlags.NO_READ_ONLY_TMPFS | CreateFlags.OOM_SCORE_ADJ)
        for flag in _FLAG_KWARGS.values():
            kw["flags"] &= ~flag
        kw.update(_opt.get_resources(o, bool(f & CreateFlags.OOM_SCORE_ADJ)))
        kw.update(_opt.get_security(o))
        kw.update(_opt.get_process(o))
        kw.update(_opt.get_restart_and_health(o))
        return kw

    @property
    def config(self) -> Dict[str, Any]:
        """The whole config, parsed from ``ctr_container_config_json()``."""
        return self._json("ctr_container_config_json")

    @property
    def spec(self) -> Dict[str, Any]:
        """The OCI spec given at create (``{}`` when none)."""
        return self._json("ctr_container_spec_json")

    @property
    def dependencies(self) -> List[str]:
        """Full IDs of the containers whose namespaces this one joins."""
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_container_dependencies", self._p, byref(out))
        return take_strv(out)

    # ---- state ----
    def sync(self) -> None:
        """Re-read the state (needed inside :meth:`batch` to see changes)."""
        _call("ctr_container_sync", self._p)

    def _get(self, fn: str, ctype: Any = c_int) -> int:
        v = ctype()
        _call(fn, self._p, byref(v))
        return v.value

    @property
    def state(self) -> State:
        return State(self._get("ctr_container_state"))

    @property
    def pid(self) -> int:
        """PID of the first process, 0 when not running."""
        return self._get("ctr_container_pid", _ffi.c_pid_t)

    @property
    def exit_code(self) -> int:
        """Exit code of the last run (128+signal when killed, -1 unknown)."""
        return self._get("ctr_container_exit_code")

    @property
    def oom_killed(self) -> bool:
        return bool(self._get("ctr_container_oom_killed"))

    @property
    def started_at(self) -> Optional[_dt.datetime]:
        return _time(self._get("ctr_container_started_at", c_int64))

    @property
    def finished_at(self) -> Optional[_dt.datetime]:
        return _time(self._get("ctr_container_finished_at", c_int64))

    @property
    def mount_point(self) -> Optional[str]:
        """Where the root file system is mounted, or None when it is not."""
        mounted = c_int()
        path = _ffi.c_str_out()
        _call("ctr_container_mounted", self._p, byref(mounted), byref(path))
        p = take_string(path)
        return p if mounted.value else None

    @property
    def state_json(self) -> Dict[str, Any]:
        return self._json("ctr_container_state_json")

    def namespace_path(self, ns: Namespace) -> str:
        """``/proc/PID/ns/NAME`` of a running container.  :class:`StateError` when not running."""
        out = _ffi.c_str_out()
        _call("ctr_container_namespace_path", self._p, int(ns), byref(out))
        return take_string(out) or ""

    # ---- artifacts ----
    def artifact_add(self, name: str, data: Union[bytes, str]) -> None:
        """Store ``data`` under ``name`` in the container's static directory (atomically)."""
        b = encode(data) or b""
        _call("ctr_container_artifact_add", self._p, encode(name), b, len(b))

    def artifact_get(self, name: str) -> bytes:
        """Read an artifact; :class:`NotFoundError` when absent."""
        buf = c_void_p()
        size = c_size_t()
        _call("ctr_container_artifact_get", self._p, encode(name), byref(buf), byref(size))
        try:
            return ctypes.string_at(buf, size.value)
        finally:
            lib.ctr_free(buf)

    def artifact_remove(self, name: str) -> None:
        _call("ctr_container_artifact_remove", self._p, encode(name))

    # ---- lifecycle ----
    def init(self) -> None:
        """Create it in the OCI runtime (state ``CREATED``)."""
        _call("ctr_container_init", self._p)

    def start(self) -> None:
        """Start it (initializing first when configured or exited)."""
        _call("ctr_container_start", self._p)

    def stop(self, timeout: Optional[int] = None) -> None:
        """Send the stop signal, wait ``timeout`` seconds (None: the container's), then SIGKILL."""
        _call("ctr_container_stop", self._p, -1 if timeout is None else int(timeout))

    def restart(self, timeout: Optional[int] = None) -> None:
        """Stop it if it is live (as :meth:`stop`), then start it again (``podman restart``)."""
        _call("ctr_container_restart", self._p, -1 if timeout is None else int(timeout))

    def apply_restart_policy(self) -> bool:
        """Apply the restart policy to an exit, as the monitor's exit command does:
        True when it restarted the container (``RestartCount`` counts it)."""
        return _call("ctr_container_apply_restart_policy", self._p) == 1

    @property
    def restart_count(self) -> int:
        """Restarts by the restart policy since the last start by a user (inspect's ``RestartCount``)."""
        return int(self.inspect()["RestartCount"])

    def kill(self, sig: int = _signal.SIGTERM) -> None:
        _call("ctr_container_kill", self._p, int(sig))

    def pause(self) -> None:
        _call("ctr_container_pause", self._p)

    def unpause(self) -> None:
        _call("ctr_container_unpause", self._p)

    def wait(self, timeout: Optional[float] = None) -> int:
        """Wait until it exits and return the exit code.  ``timeout`` in seconds
        (None: forever) raises :class:`libctr.TimeoutError` when it expires."""
        code = c_int(-1)
        ms = -1 if timeout is None else max(0, int(timeout * 1000))
        _call("ctr_container_wait", self._p, ms, byref(code))
        return code.value

    def waiter(self, *states: "State") -> Waiter:
        """A :class:`Waiter` until the state is one of ``states`` (default: exited):
        its ``fileno()`` goes in the caller's own loop, its :meth:`Waiter.check`
        says when."""
        return _StateWaiter(self._p, _wait.state_set(states))

    def wait_for(self, *states: "State", timeout: Optional[float] = None,
                 cancel: Optional[Cancel] = None) -> Tuple["State", int]:
        """Wait until the state is one of ``states`` (default: exited), or the
        container is not live; ``(state, exit_code)``.  ``timeout`` raises
        :class:`libctr.TimeoutError`, a triggered ``cancel`` (from another thread)
        :class:`libctr.CancelledError`."""
        st, code = _wait.wait_for(self._p, _wait.state_set(states), timeout, cancel)
        return State(st), code

    async def wait_async(self, *states: "State") -> Tuple["State", int]:
        """:meth:`wait_for` as an asyncio awaitable on the running loop, driven by
        the waiter's descriptor (no thread)."""
        with self.waiter(*states) as w:
            st, code = await w.wait_raw()
        return State(st), code

    def cleanup(self) -> None:
        """Release what an exited container still holds (mounts, runtime state)."""
        _call("ctr_container_cleanup", self._p)

    def remove(self, *, force: bool = False, volumes: bool = False) -> None:
        """Remove the container (``force``: stop it first, remove dependents).  The
        handle stays usable for config properties; close it as usual."""
        _call("ctr_container_remove", self._p,
              (_REMOVE_FORCE if force else 0) | (_REMOVE_VOLUMES if volumes else 0))

    def rename(self, name: str) -> None:
        """Give the container a new name, in any state but removing (libctr 0.6): atomic,
        the old name free afterwards.  A name in use raises :class:`AlreadyExistsError`,
        an invalid one :class:`InvalidArgumentError`."""
        _call("ctr_container_rename", self._p, encode(name))

    def update(self, **limits: Any) -> None:
        """Change resource limits (libctr 0.6), as ``podman update``: the keywords given
        (``memory``, ``memory_swap``, ``memory_reservation``, ``cpus``, ``cpu_shares``,
        ``cpu_period``, ``cpu_quota``, ``cpuset_cpus``, ``cpuset_mems``, ``pids_limit``,
        ``blkio_weight``, in :meth:`Runtime.create`'s units) replace the container's, at
        once when it runs and in its config for inspect and the next start.  A bad
        value raises :class:`InvalidArgumentError` and changes nothing."""
        unknown = sorted(set(limits) - set(_UPDATE_FIELDS))
        if unknown:
            raise TypeError(f"update() got an unexpected keyword argument {unknown[0]!r}")
        fields = 0
        for key in limits:
            fields |= _UPDATE_FIELDS[key]
        o = _ffi.ContainerOptions()
        _call("ctr_container_options_init", byref(o), _CONTAINER_OPTIONS_VERSION)
        _opt.set_resources(o, [], memory=limits.get("memory", 0), memory_swap=limits.get("memory_swap", 0),
                           memory_reservation=limits.get("memory_reservation", 0), cpus=limits.get("cpus"),
                           cpu_shares=limits.get("cpu_shares", 0), cpu_period=limits.get("cpu_period", 0),
                           cpu_quota=limits.get("cpu_quota", 0), cpuset_cpus=limits.get("cpuset_cpus"),
                           cpuset_mems=limits.get("cpuset_mems"), pids_limit=limits.get("pids_limit", 0),
                           blkio_weight=limits.get("blkio_weight", 0), blkio_weight_device=None,
                           device_read_bps=None, device_write_bps=None, device_read_iops=None,
                           device_write_iops=None, oom_score_adj=None, ulimits=None)
        _call("ctr_container_update", self._p, byref(o), fields)

    def inspect(self, *, size: bool = False) -> Dict[str, Any]:
        """``podman inspect``-shaped data, parsed."""
        return self._json("ctr_container_inspect", _INSPECT_SIZE if size else 0)

    def checkpoint(self, *, export: Union[None, str, "os.PathLike[str]"] = None, leave_running: bool = False,
                   tcp_established: bool = False, keep: bool = False, file_locks: bool = False) -> None:
        """Checkpoint the running container with CRIU (``ctr_container_checkpoint()``,
        ``podman container checkpoint``): it is then exited with
        ``State.Checkpointed``, unless ``leave_running``; ``export`` also
        writes the checkpoint to that file for :meth:`Runtime.restore`.
        Raises :class:`StateError` when it is not running."""
        flags = ((_CHECKPOINT_LEAVE_RUNNING if leave_running else 0)
                 | (_CHECKPOINT_TCP_ESTABLISHED if tcp_established else 0)
                 | (_CHECKPOINT_KEEP if keep else 0) | (_CHECKPOINT_FILE_LOCKS if file_locks else 0))
        o = _ffi.CheckpointOptions(1, encode(os.fspath(export)) if export is not None else None, flags)
        _call("ctr_container_checkpoint", self._p, byref(o))

    def restore(self, *, tcp_established: bool = False, keep: bool = False, file_locks: bool = False) -> None:
        """Restore the checkpointed container in place (``ctr_container_restore()``):
        its processes go on where they were.  Raises :class:`NotFoundError`
        when it has no checkpoint, :class:`StateError` while it runs."""
        o = _restore_options(None, None, tcp_established, keep, file_locks)
        _call("ctr_container_restore", self._p, byref(o))

    def top(self, *descriptors: str) -> Tuple[List[str], List[List[str]]]:
        """The processes of the running container as ``podman top`` shows them
        (``ctr_container_top()``, read from the host: nothing runs in the
        container): ``(header, rows)``, one column per descriptor (``"pid"``,
        ``"args"``, ``"huser"``, AIX codes such as ``"%C"``, or several in
        one string separated by commas; none: ``user pid ppid pcpu etime tty
        time args``), rows by PID in the container.  Raises
        :class:`InvalidArgumentError` for an unknown descriptor and
        :class:`StateError` when the container is not running.
        """
        return _top("ctr_container_top", self._p, descriptors)

    def stats(self, prev: Optional[Stats] = None) -> Stats:
        """One sample of the running container's resource use
        (``ctr_container_stats()``, from its cgroup and /proc: nothing runs
        in the container).  ``cpu_percent`` is since ``prev`` (a sample of
        this container from this call), else since the start.  Raises
        :class:`StateError` when the container is not running."""
        if prev is not None and prev._sample is None:
            raise InvalidArgumentError("stats: prev must be a sample of Container.stats()")
        p = ctypes.POINTER(_ffi.Stats)()
        _call("ctr_container_stats", self._p, prev._sample.p if prev is not None and prev._sample else None,
              byref(p))
        return Stats._from(p, True)

    def healthcheck_run(self) -> Tuple[bool, "Health"]:
        """Run the healthcheck once (``podman healthcheck run``): whether it passed, and
        the health after it.  A timeout raises (it is recorded as a failure)."""
        st = c_int()
        r = _call("ctr_container_healthcheck_run", self._p, byref(st))
        return r == 0, Health(st.value)

    @property
    def health(self) -> "Health":
        """The health as the last check left it (``State.Health.Status`` of inspect)."""
        st = c_int()
        _call("ctr_container_health_status", self._p, byref(st))
        return Health(st.value)

    def exec(self, argv: Sequence[str], *, env: Union[None, Mapping[str, str], Sequence[str]] = None,
             user: Optional[str] = None, workdir: Optional[str] = None, tty: bool = False,
             privileged: bool = False, stdin: FileArg = None, stdout: FileArg = None,
             stderr: FileArg = None, input: Optional[bytes] = None, capture_output: bool = False,
             detach_keys: Optional[str] = None) -> ExecResult:
        """Run a process in the running container and wait for it.

        ``stdin``/``stdout``/``stderr`` are file descriptors or files (None:
        /dev/null); ``stdout=PIPE``/``stderr=PIPE`` or ``capture_output=True``
        capture them into the result; ``input`` feeds bytes to stdin.
        Returns an :class:`ExecResult` (126: cannot execute, 127: not found).
        """
        o = _ffi.ExecOptions()
        _call("ctr_exec_options_init", byref(o), _EXEC_OPTIONS_VERSION)
        av, k1 = strv(list(argv))
        if isinstance(env, Mapping):
            env = [f"{k}={v}" for k, v in env.items()]
        ev, k2 = strv(env)
        o.argv, o.env = av, ev
        o.user, o.workdir, o.detach_keys = encode(user), encode(workdir), encode(detach_keys)
        o.flags = (_EXEC_TTY if tty else 0) | (_EXEC_PRIVILEGED if privileged else 0)
        if capture_output:
            stdout = stdout if stdout is not None else PIPE
            stderr = stderr if stderr is not None else PIPE
        files: List[Any] = []
        try:
            def pipe_file(x: FileArg) -> Tuple[int, Any]:
                if isinstance(x, int) and x == PIPE:
                    t = tempfile.TemporaryFile()
                    files.append(t)
                    return t.fileno(), t
                return _fileno(x), None
            if input is not None:
                t = tempfile.TemporaryFile()
                files.append(t)
                t.write(input)
                t.flush()
                t.seek(0)
                o.stdin_fd = t.fileno()
            else:
                o.stdin_fd = _fileno(stdin)
            o.stdout_fd, out_file = pipe_file(stdout)
            o.stderr_fd, err_file = pipe_file(stderr)
            code = c_int(-1)
            _call("ctr_container_exec", self._p, byref(o), byref(code))

            def read(t: Any) -> Optional[bytes]:
                if t is None:
                    return None
                t.seek(0)
                return t.read()
            return ExecResult(code.value, read(out_file), read(err_file))
        finally:
            for t in files:
                t.close()
            del k1, k2

    # ---- streams ----
    def attach(self, *, stdin: FileArg = None, stdout: FileArg = None, stderr: FileArg = None,
               detach_keys: Optional[str] = None, start: bool = False,
               return_on_stdin_eof: bool = False, cancel: Optional[Cancel] = None) -> bool:
        """Relay the container's streams to/from the given descriptors or files until its
        output ends (it exited) or the detach keys are typed.  Returns True when detached.
        ``start`` starts the container once attached, so no output is missed.  A
        ``cancel`` token triggered by another thread ends it with
        :class:`libctr.CancelledError` (the container goes on)."""
        o = _ffi.AttachOptions()
        _call("ctr_attach_options_init", byref(o), _ATTACH_OPTIONS_VERSION)
        o.stdin_fd, o.stdout_fd, o.stderr_fd = _fileno(stdin), _fileno(stdout), _fileno(stderr)
        o.detach_keys = encode(detach_keys)
        o.cancel = _wait.handle_of(cancel)
        o.flags = (_ATTACH_START if start else 0) | (_ATTACH_RETURN_ON_STDIN_EOF if return_on_stdin_eof else 0)
        return _call("ctr_container_attach", self._p, byref(o)) == _ATTACH_DETACHED

    def attach_streams(self, *, stdin: bool = False, start: bool = False,
                       detach_keys: Optional[str] = None) -> "Attachment":
        """Attach in a background thread and return file-like streams, like ``subprocess.Popen``:
        ``a.stdout``/``a.stderr`` (readable, binary), ``a.stdin`` (writable, when ``stdin``)."""
        return Attachment(self, stdin=stdin, start=start, detach_keys=detach_keys)

    def resize(self, height: int, width: int) -> None:
        """Resize the container's terminal."""
        _call("ctr_container_resize", self._p, height, width)

    def logs(self, *, stdout: bool = True, stderr: bool = True, follow: bool = False,
             since: Union[None, int, float, _dt.datetime] = None, until: Union[None, int, float, _dt.datetime] = None,
             tail: Optional[int] = None) -> Iterator[LogLine]:
        """Iterate over the log's lines.  ``follow`` keeps reading until the container
        exits (lines arrive as written; a reader thread does the C call, ended at
        once when the iterator is closed).
        ``since``/``until``: datetimes, seconds (float) or nanoseconds (int)."""
        o = _ffi.LogsOptions()
        _call("ctr_logs_options_init", byref(o), _LOGS_OPTIONS_VERSION)
        flags = _LOGS_FOLLOW if follow else 0
        if stdout and not stderr:
            flags |= _LOGS_STDOUT
        elif stderr and not stdout:
            flags |= _LOGS_STDERR
        elif not stdout and not stderr:
            return iter(())
        o.flags = flags
        o.since, o.until = _ns(since), _ns(until)
        o.tail = -1 if tail is None else tail
        if not follow:
            lines: List[LogLine] = []

            def collect(stream: int, ts: int, data: Any, size: int, _u: Any) -> int:
                lines.append(LogLine(Stream(stream), ts, ctypes.string_at(data, size)))
                return 0
            cb = _ffi.LOG_LINE_FN(collect)
            _call("ctr_container_logs", self._p, byref(o), cb, None)
            return iter(lines)
        return _follow_logs(self, o)

    def logs_text(self, **kwargs: Any) -> str:
        """The log as text, one line per line (both streams, in order, unless told otherwise)."""
        return "".join(line.text + "\n" for line in self.logs(**kwargs))

    def open_logs(self, **kwargs: Any) -> io.BufferedReader:
        """The log as a binary file-like stream (lines end with ``\\n``); takes :meth:`logs`' arguments."""
        return io.BufferedReader(_LineReader(self.logs(**kwargs)))

    # ---- batch ----
    def batch(self, fn: Optional[Callable[["Container"], T]] = None) -> Any:
        """Several operations under the container's lock with one state sync.

        ``c.batch(fn)`` calls ``fn(c)`` with the lock held and returns its
        result; calls on ``c`` inside ``fn`` (on this thread) do not relock.
        An exception in ``fn`` aborts the batch and propagates.

        ``with c.batch() as b:`` records the calls made on ``b`` (``b.kill(9)``,
        ``b.state``...) and runs them in one batch when the block ends; each
        returns a :class:`Deferred` whose ``.value`` is set afterwards.
        """
        if fn is None:
            return _BatchRecorder(self)
        result: List[Any] = []
        raised: List[BaseException] = []

        def trampoline(_c: Any, _u: Any) -> int:
            try:
                result.append(fn(self))
                return 0
            except Error as e:
                raised.append(e)
                return e.code
            except BaseException as e:  # noqa: BLE001 - re-raised below
                raised.append(e)
                return -125  # -ECANCELED
        cb = _ffi.BATCH_FN(trampoline)
        r = lib.ctr_container_batch(self._p, cb, None)
        if raised:
            raise raised[0]
        check(r, "ctr_container_batch")
        return result[0] if result else None

    # ---- root file system and images (ctr-image.h) ----
    def mount(self, mount_label: Optional[str] = None) -> str:
        """Mount the root file system and return where (counted: pair with :meth:`unmount`)."""
        out = _ffi.c_str_out()
        _call("ctr_container_mount", self._p, encode(mount_label), byref(out))
        return take_string(out) or ""

    def unmount(self, *, force: bool = False) -> None:
        _call("ctr_container_unmount", self._p, 1 if force else 0)

    @property
    def rootfs_size(self) -> int:
        return self._get("ctr_container_rootfs_size", c_int64)

    @property
    def rw_size(self) -> int:
        return self._get("ctr_container_rw_size", c_int64)

    def diff(self) -> List["Change"]:
        """What the container changed against its image, sorted by path, as ``podman diff``."""
        arr = ctypes.POINTER(_ffi.Change)()
        n = c_size_t()
        _call("ctr_container_diff", self._p, byref(arr), byref(n))
        try:
            return [Change(ChangeKind(arr[i].kind), decode(arr[i].path) or "") for i in range(n.value)]
        finally:
            lib.ctr_changes_free(arr, n.value)

    def export(self, file: Union[int, IO[bytes]]) -> None:
        """Write the root file system as a tar to a descriptor or file."""
        _call("ctr_container_export", self._p, _fileno(file))

    @staticmethod
    def _copy_flags(chown: bool, overwrite: bool) -> int:
        return (_COPY_CHOWN if chown else 0) | (_COPY_OVERWRITE if overwrite else 0)

    def copy_to(self, src: str, dst: str, *, chown: bool = False, overwrite: bool = False) -> None:
        """Copy the host path src into the container at dst (podman cp SRC CTR:DST).

        chown: owned by the container's user (podman's --archive); overwrite:
        a directory may replace a non-directory and back (--overwrite)."""
        _call("ctr_container_copy_to", self._p, encode(src), encode(dst), self._copy_flags(chown, overwrite))

    def copy_from(self, src: str, dst: str, *, chown: bool = False, overwrite: bool = False) -> None:
        """Copy the container's path src to the host path dst (podman cp CTR:SRC DST).

        chown: owned by the caller (what podman does)."""
        _call("ctr_container_copy_from", self._p, encode(src), encode(dst), self._copy_flags(chown, overwrite))

    def copy_to_stream(self, file: Union[int, IO[bytes]], dst: str, *, chown: bool = False,
                       overwrite: bool = False) -> None:
        """Extract the tar read from a descriptor or file into the container's directory dst."""
        _call("ctr_container_copy_to_fd", self._p, _fileno(file), encode(dst), self._copy_flags(chown, overwrite))

    def copy_from_stream(self, src: str, file: Union[int, IO[bytes]], *, chown: bool = False) -> None:
        """Write the container's path src as a tar to a descriptor or file (chown: owned by the caller)."""
        _call("ctr_container_copy_from_fd", self._p, encode(src), _fileno(file), self._copy_flags(chown, False))

    def commit(self, name: Optional[str] = None, *, changes: Optional[Sequence[str]] = None,
               author: Optional[str] = None, message: Optional[str] = None, pause: bool = False) -> "Image":
        """Make a new image from the container's changes."""
        o = _ffi.CommitOptions()
        _call("ctr_commit_options_init", byref(o), _COMMIT_OPTIONS_VERSION)
        o.name, o.author, o.message = encode(name), encode(author), encode(message)
        ch, keep = strv(changes)
        o.changes = ch
        o.flags = _COMMIT_PAUSE if pause else 0
        out = c_void_p()
        _call("ctr_container_commit", self._p, byref(o), byref(out))
        del keep
        return Image._wrap(out.value, self._keep)  # type: ignore[arg-type]

    # ---- networks (ctr-network.h) ----
    def ip_address(self, network: Optional[str] = None) -> Optional[str]:
        """The container's address on ``network`` (None: the first network)."""
        out = _ffi.c_str_out()
        _call("ctr_container_ip_address", self._p, encode(network), byref(out))
        return take_string(out)

    @property
    def networks_status(self) -> Any:
        """The container's network attachments (``ctr_container_networks_json()``), parsed."""
        return self._json("ctr_container_networks_json")


class _LineReader(io.RawIOBase):
    def __init__(self, lines: Iterator[LogLine]) -> None:
        self._lines = lines
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._buf:
            line = next(self._lines, None)
            if line is None:
                return 0
            self._buf = line.data + b"\n"
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n

    def close(self) -> None:
        close = getattr(self._lines, "close", None)
        if close:
            close()
        super().close()


def _follow_logs(c: Container, opts: Any) -> Iterator[LogLine]:
    """Run ctr_container_logs(FOLLOW) in a thread, yield its lines as they arrive."""
    q: "queue.Queue[Any]" = queue.Queue(maxsize=1024)
    stop = threading.Event()
    done = object()
    handle = Container._wrap(lib.ctr_container_ref(c._p), c._keep)
    token = Cancel()  # closing the iterator ends the C follow at once
    opts.cancel = token._handle

    def collect(stream: int, ts: int, data: Any, size: int, _u: Any) -> int:
        if stop.is_set():
            return 1
        q.put(LogLine(Stream(stream), ts, ctypes.string_at(data, size)))
        return 1 if stop.is_set() else 0
    cb = _ffi.LOG_LINE_FN(collect)

    def reader(token: Cancel = token) -> None:  # holds the token while the C call may use it
        try:
            r = lib.ctr_container_logs(handle._p, byref(opts), cb, None)
            if r == -errno.ECANCELED and stop.is_set():
                r = 0  # the iterator was closed
            q.put(error_for(r, decode(lib.ctr_error_last().contents.message) or "", "ctr_container_logs")
                  if r < 0 else done)
        finally:
            handle.close()
    t = threading.Thread(target=reader, name="libctr-logs", daemon=True)
    t.start()

    def stop_follow() -> None:
        stop.set()
        token.trigger()  # the C follow ends now, not at the next line
    return _drain(q, t, done, stop_follow)


def _drain(q: "queue.Queue[Any]", t: threading.Thread, done: object, stop: Callable[[], None]) -> Iterator[Any]:
    """Yield what the reader thread ``t`` puts on ``q`` until ``done`` (an
    :class:`Error` is raised); when the consumer stops, ``stop()`` and empty
    the queue until the thread has ended."""
    try:
        while True:
            item = q.get()
            if item is done:
                return
            if isinstance(item, Error):
                raise item
            yield item
    finally:
        stop()
        while t.is_alive():  # unblock a reader waiting on a full queue
            try:
                q.get(timeout=0.05)
            except queue.Empty:
                pass


def stats_stream(containers: Sequence["Container"], interval: float = 5.0) -> Iterator[List[Optional[Stats]]]:
    """Sample the running ``containers`` now and every ``interval`` seconds
    (``ctr_container_stats_stream()`` on a thread of its own): yields one
    list per round, in the order given, ``None`` for a container no longer
    running; ends when none runs.  Closing the iterator (or leaving a
    ``for`` loop) stops the stream through its cancel descriptor."""
    cs = list(containers)
    if not cs:
        raise InvalidArgumentError("stats_stream: no container")
    handles = [Container._wrap(lib.ctr_container_ref(c._p), c._keep) for c in cs]
    arr = (c_void_p * len(handles))(*[h._p for h in handles])
    rfd, wfd = os.pipe()
    o = _ffi.StatsOptions()
    _call("ctr_stats_options_init", byref(o), _STATS_OPTIONS_VERSION)
    o.interval_ms = max(1, int(interval * 1000))
    o.cancel_fd = rfd
    q: "queue.Queue[Any]" = queue.Queue(maxsize=1)
    stop = threading.Event()
    done = object()

    def collect(stats: Any, n: int, _u: Any) -> int:
        if stop.is_set():
            return 1
        q.put([Stats._from(stats[i], False) if stats[i] else None for i in range(n)])
        return 1 if stop.is_set() else 0
    cb = _ffi.STATS_FN(collect)

    def reader() -> None:
        try:
            r = lib.ctr_container_stats_stream(arr, len(handles), byref(o), cb, None)
            q.put(error_for(r, decode(lib.ctr_error_last().contents.message) or "", "ctr_container_stats_stream")
                  if r < 0 else done)
        finally:
            for h in handles:
                h.close()
    t = threading.Thread(target=reader, name="libctr-stats", daemon=True)
    t.start()

    def cancel() -> None:
        stop.set()
        os.write(wfd, b"x")

    def gen() -> Iterator[List[Optional[Stats]]]:
        try:
            yield from _drain(q, t, done, cancel)
        finally:
            cancel()
            t.join()
            os.close(rfd)
            os.close(wfd)
    return gen()


class Attachment:
    """Streams of an attach running in a background thread (see :meth:`Container.attach_streams`)."""

    def __init__(self, c: Container, *, stdin: bool, start: bool, detach_keys: Optional[str]) -> None:
        self._c = Container._wrap(lib.ctr_container_ref(c._p), c._keep)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        self.stdout: IO[bytes] = os.fdopen(out_r, "rb")
        self.stderr: IO[bytes] = os.fdopen(err_r, "rb")
        self.stdin: Optional[IO[bytes]] = None
        in_r = -1
        if stdin:
            in_r, in_w = os.pipe()
            self.stdin = os.fdopen(in_w, "wb", buffering=0)
        self._detached: Optional[bool] = None
        self._error: Optional[BaseException] = None

        def run() -> None:
            try:
                self._detached = self._c.attach(stdin=in_r if stdin else None, stdout=out_w, stderr=err_w,
                                                start=start, detach_keys=detach_keys)
            except BaseException as e:  # noqa: BLE001 - re-raised by wait()
                self._error = e
            finally:
                for fd in (out_w, err_w, in_r):
                    if fd >= 0:
                        os.close(fd)
                self._c.close()
        self._thread = threading.Thread(target=run, name="libctr-attach", daemon=True)
        self._thread.start()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Wait for the attach to end; True when it ended by the detach keys."""
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(110, "attach still running", "ctr_container_attach")
        if self._error is not None:
            raise self._error
        return bool(self._detached)

    def close(self) -> None:
        if self.stdin is not None and not self.stdin.closed:
            self.stdin.close()
        self._thread.join()
        self.stdout.close()
        self.stderr.close()

    def __enter__(self) -> "Attachment":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Deferred:
    """The result of a call recorded in ``with c.batch() as b``; ``value`` is set when the block ends."""

    _unset = object()

    def __init__(self, what: str) -> None:
        self.what = what
        self._value: Any = Deferred._unset

    @property
    def value(self) -> Any:
        if self._value is Deferred._unset:
            raise RuntimeError(f"{self.what}: the batch has not run yet")
        return self._value

    def __repr__(self) -> str:
        v = "pending" if self._value is Deferred._unset else repr(self._value)
        return f"<Deferred {self.what}: {v}>"


class _BatchRecorder:
    def __init__(self, c: Container) -> None:
        object.__setattr__(self, "_c", c)
        object.__setattr__(self, "_ops", [])

    def __enter__(self) -> "_BatchRecorder":
        return self

    def __getattr__(self, name: str) -> Any:
        attr = getattr(type(self._c), name, None)
        if attr is None or name.startswith("_") or name in ("batch", "close", "remove"):
            raise AttributeError(f"{name} cannot be used in a batch")
        if isinstance(attr, property):
            d = Deferred(name)
            self._ops.append((d, lambda c: getattr(c, name)))
            return d

        def record(*args: Any, **kwargs: Any) -> Deferred:
            d = Deferred(name)
            self._ops.append((d, lambda c: getattr(c, name)(*args, **kwargs)))
            return d
        return record

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            return

        def run(c: Container) -> None:
            for d, op in self._ops:
                d._value = op(c)
        self._c.batch(run)


# --------------------------------------------------------------------------------------------------
class Image(_Handle):
    """An image (``ctr_image_t``): a snapshot of its record."""

    _unref_name = "ctr_image_unref"

    @classmethod
    def _wrap(cls, ptr: int, keep: Optional[_Keep]) -> "Image":
        self = cls.__new__(cls)
        _Handle.__init__(self, ptr, keep)
        return self

    def __repr__(self) -> str:
        return "<libctr.Image closed>" if self.closed else f"<libctr.Image {self.id[:12]} {self.names}>"

    @property
    def id(self) -> str:
        return decode(lib.ctr_image_id(self._p)) or ""

    @property
    def digest(self) -> Optional[str]:
        return decode(lib.ctr_image_digest(self._p))

    @property
    def names(self) -> List[str]:
        return lent_strv(lib.ctr_image_names(self._p))

    @property
    def created(self) -> Optional[_dt.datetime]:
        return _time(lib.ctr_image_created(self._p))

    @property
    def size(self) -> int:
        return int(lib.ctr_image_size(self._p))

    @property
    def layer_count(self) -> int:
        return int(lib.ctr_image_layer_count(self._p))

    def inspect(self) -> Dict[str, Any]:
        out = _ffi.c_str_out()
        _call("ctr_image_inspect", self._p, byref(out))
        return json.loads(take_string(out) or "null")

    @property
    def config(self) -> Dict[str, Any]:
        """The OCI image config."""
        out = _ffi.c_str_out()
        _call("ctr_image_config_json", self._p, byref(out))
        return json.loads(take_string(out) or "null")

    def tag(self, name: str) -> None:
        _call("ctr_image_tag", self._p, encode(name))

    def untag(self, name: str) -> None:
        _call("ctr_image_untag", self._p, encode(name))

    def push(self, destination: str, **options: Any) -> str:
        """Push to ``destination`` (``HOST[:PORT]/PATH[:TAG]``); returns the manifest's digest.
        Options as :meth:`Runtime.pull`'s."""
        return _registry.push(self._p, destination, options)

    def save(self, reference: str, *, name: Optional[str] = None,
             progress: Optional[Callable[[int, int], Optional[bool]]] = None) -> None:
        """Save to ``oci:DIR[:TAG]``, ``oci-archive:FILE[:TAG]`` or ``docker-archive:FILE``."""
        o = _ffi.SaveOptions()
        _call("ctr_save_options_init", byref(o), _SAVE_OPTIONS_VERSION)
        o.name = encode(name)
        cb = _progress(progress)
        if cb is not None:
            o.progress = cb
        _call("ctr_image_save", self._p, encode(reference), byref(o))


class Volume(_Handle):
    """A named volume (``ctr_volume_t``): a snapshot of its record."""

    _unref_name = "ctr_volume_unref"

    @classmethod
    def _wrap(cls, ptr: int, keep: Optional[_Keep]) -> "Volume":
        self = cls.__new__(cls)
        _Handle.__init__(self, ptr, keep)
        return self

    def __repr__(self) -> str:
        return "<libctr.Volume closed>" if self.closed else f"<libctr.Volume {self.name}>"

    @property
    def name(self) -> str:
        return decode(lib.ctr_volume_name(self._p)) or ""

    @property
    def driver(self) -> str:
        return decode(lib.ctr_volume_driver(self._p)) or ""

    @property
    def mountpoint(self) -> str:
        return decode(lib.ctr_volume_mountpoint(self._p)) or ""

    @property
    def labels(self) -> Dict[str, str]:
        return dict(kv.split("=", 1) for kv in lent_strv(lib.ctr_volume_labels(self._p)))

    @property
    def options(self) -> Dict[str, str]:
        return dict(kv.split("=", 1) for kv in lent_strv(lib.ctr_volume_options(self._p)))

    @property
    def created(self) -> Optional[_dt.datetime]:
        return _time(lib.ctr_volume_created(self._p))

    @property
    def anonymous(self) -> bool:
        return bool(lib.ctr_volume_anonymous(self._p))

    def inspect(self) -> Dict[str, Any]:
        """``podman volume inspect``'s object, read anew."""
        out = _ffi.c_str_out()
        _call("ctr_volume_inspect", self._p, byref(out))
        return json.loads(take_string(out) or "null")


class Pod(_Handle):
    """A pod (``ctr_pod_t``): containers sharing namespaces and a cgroup around an infra
    container, as podman's.  The properties are a snapshot of its record when the handle
    was made; :meth:`containers`, :meth:`status` and :meth:`inspect` read anew.  Members
    are made with :meth:`Runtime.create` and ``pod=`` the pod's ID, ID prefix or name.

    The operations act on the infra container and every member, go on past a member that
    fails and raise the first error (its message names every failing member).  Each raises
    :class:`NotFoundError` when the pod was removed meanwhile."""

    _unref_name = "ctr_pod_unref"

    @classmethod
    def _wrap(cls, ptr: int, keep: Optional[_Keep]) -> "Pod":
        self = cls.__new__(cls)
        _Handle.__init__(self, ptr, keep)
        return self

    def __repr__(self) -> str:
        return "<libctr.Pod closed>" if self.closed else f"<libctr.Pod {self.name} {self.id[:12]}>"

    @property
    def id(self) -> str:
        """The full ID (64 hex digits)."""
        return decode(lib.ctr_pod_id(self._p)) or ""

    @property
    def name(self) -> str:
        return decode(lib.ctr_pod_name(self._p)) or ""

    @property
    def runtime(self) -> Runtime:
        """The runtime this pod belongs to (a new reference)."""
        return Runtime._wrap(lib.ctr_runtime_ref(lib.ctr_pod_runtime(self._p)), self._keep)

    @property
    def infra_id(self) -> Optional[str]:
        """The infra container's full ID; None for a pod made with ``infra=False``."""
        return decode(lib.ctr_pod_infra_id(self._p))

    @property
    def cgroup_path(self) -> str:
        """The pod's cgroup, ``CGROUP_PARENT/POD_ID``."""
        return decode(lib.ctr_pod_cgroup_path(self._p)) or ""

    @property
    def share(self) -> PodShare:
        """The shared namespaces (:attr:`PodShare.NONE` for none)."""
        return PodShare(lib.ctr_pod_share(self._p))

    @property
    def created(self) -> Optional[_dt.datetime]:
        return _time(lib.ctr_pod_created(self._p))

    def containers(self) -> List[str]:
        """The full IDs of the pod's containers, read now: the infra container first, then the
        members oldest first."""
        out = ctypes.POINTER(ctypes.c_char_p)()
        _call("ctr_pod_containers", self._p, byref(out))
        return take_strv(out)

    def status(self) -> str:
        """podman's pod status from the containers' states: ``Created``, ``Running``,
        ``Degraded``, ``Paused``, ``Stopped`` or ``Exited`` (the infra container counts)."""
        out = _ffi.c_str_out()
        _call("ctr_pod_status", self._p, byref(out))
        return take_string(out) or ""

    def start(self) -> None:
        """Start the infra container, then every member not running (``podman pod start``)."""
        _call("ctr_pod_start", self._p)

    def stop(self, timeout: Optional[int] = None) -> None:
        """Stop every running or paused member, then the infra container, each with its own stop
        signal and timeout, or ``timeout`` seconds when given (``podman pod stop``)."""
        _call("ctr_pod_stop", self._p, -1 if timeout is None else int(timeout))

    def kill(self, sig: int = _signal.SIGKILL) -> None:
        """Send ``sig`` (podman's default: SIGKILL) to every running member and the infra
        container.  Raises :class:`StateError` when none is running, :class:`InvalidArgumentError`
        for a bad signal."""
        _call("ctr_pod_kill", self._p, int(sig))

    def pause(self) -> None:
        """Pause every running member and the infra container (:class:`StateError`: nothing running)."""
        _call("ctr_pod_pause", self._p)

    def unpause(self) -> None:
        """Unpause every paused member and the infra container (:class:`StateError`: nothing paused)."""
        _call("ctr_pod_unpause", self._p)

    def restart(self) -> None:
        """Stop (with each member's own timeout), then start (``podman pod restart``)."""
        _call("ctr_pod_restart", self._p)

    def top(self, *descriptors: str) -> Tuple[List[str], List[List[str]]]:
        """The processes of the pod's running containers as ``podman pod top`` shows them
        (``ctr_pod_top()``): ``(header, rows)`` as :meth:`Container.top` gives them, the
        containers in the order of :meth:`containers`.  Raises :class:`StateError` when no
        container of the pod runs, :class:`InvalidArgumentError` for an unknown descriptor."""
        return _top("ctr_pod_top", self._p, descriptors)

    def stats(self, prev: Optional[Sequence[Stats]] = None) -> List[Stats]:
        """A sample of the resource use of each running (or paused) container of the pod, the
        infra container included, as ``podman pod stats`` lists them (``ctr_pod_stats()``), in
        the order of :meth:`containers`.  With ``prev`` (samples of an earlier call), a
        container's ``cpu_percent`` is since its own sample there, else since its start.  A pod
        with nothing running gives ``[]``; a removed one raises :class:`NotFoundError`."""
        kept = [s._sample.p for s in (prev or ()) if s._sample is not None]
        arr = (ctypes.POINTER(_ffi.Stats) * max(len(kept), 1))(*kept)
        out = ctypes.POINTER(ctypes.POINTER(_ffi.Stats))()
        n = c_size_t()
        _call("ctr_pod_stats", self._p, arr, len(kept), byref(out), byref(n))
        try:
            # each sample is its Stats' (cast: a pointer of its own, not a view into the array freed below)
            return [Stats._from(ctypes.cast(out[i], ctypes.POINTER(_ffi.Stats)), True) for i in range(n.value)]
        finally:
            lib.ctr_pod_stats_free(out, 0)  # the array only

    def apply_exit_policy(self) -> bool:
        """Apply the pod's exit policy after a member exited: with ``exit_policy=STOP`` and no
        member running, paused or stopping any more, stop the infra container (``podman pod
        create --exit-policy stop``).  True when it stopped it.  libctr's monitor helper does
        this after every member's exit, with no caller alive; this is for callers that want it
        now.  A removed pod raises :class:`NotFoundError`."""
        return _call("ctr_pod_apply_exit_policy", self._p) == 1

    def remove(self, *, force: bool = False, volumes: bool = False) -> None:
        """Remove the members, the infra container, the pod's cgroup and its record
        (``podman pod rm``).  A running or paused member raises :class:`StateError` (nothing
        removed) unless ``force``, which stops them; ``volumes`` removes the members'
        anonymous volumes.  When a member cannot be removed the pod is kept with it and that
        error is raised.  The handle stays open (close it)."""
        _call("ctr_pod_remove", self._p,
              (_POD_REMOVE_FORCE if force else 0) | (_POD_REMOVE_VOLUMES if volumes else 0))

    def inspect(self) -> Dict[str, Any]:
        """``podman pod inspect``'s object (``Id``, ``Name``, ``State``, ``InfraContainerID``,
        ``SharedNamespaces``, ``Containers``...), read anew."""
        out = _ffi.c_str_out()
        _call("ctr_pod_inspect", self._p, byref(out))
        return json.loads(take_string(out) or "null")

    def generate_kube(self, service: bool = False) -> str:
        """The pod as Kubernetes YAML, as podman's ``kube generate`` (``ctr_pod_generate_kube()``):
        a ``v1`` ``Pod`` that :meth:`Runtime.kube_play` makes again; the infra container is left
        out, its settings (ports, host name, DNS) go to the pod and its first container.
        ``service`` adds a ``Service`` (type NodePort) for the published ports first.  Raises
        :class:`NotFoundError` when the pod or one of its containers was removed."""
        out = _ffi.c_str_out()
        _call("ctr_pod_generate_kube", self._p, _KUBE_GENERATE_SERVICE if service else 0, byref(out))
        return take_string(out) or ""
