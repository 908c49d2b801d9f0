# SPDX-License-Identifier: LGPL-2.1-or-later
"""ctypes declarations of libctr's C API (include/libctr/*.h).

Internal: the public API is in :mod:`libctr`.  Every struct here mirrors the
C header field by field, in order; the test suite compares their sizes and
offsets with a compiled C probe.  Functions are resolved lazily, so a library
built without a module (images, networks) still loads: calling into the
missing module raises :class:`libctr.NotSupportedError`.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_int, c_int64, c_size_t, c_uint,
                    c_uint16, c_uint32, c_uint64, c_void_p)
from typing import Any, Dict, Optional, Tuple

c_pid_t = c_int
c_char_pp = POINTER(c_char_p)
c_str_out = POINTER(c_char)  # an owned char * (freed with ctr_free); not c_char_p, which would copy and lose it
c_ptr_p = POINTER(c_void_p)

CTR_NS_MAX = 8

# ---- callbacks ----
LOG_FN = CFUNCTYPE(None, c_int, c_char_p, c_void_p)
BATCH_FN = CFUNCTYPE(c_int, c_void_p, c_void_p)
LOG_LINE_FN = CFUNCTYPE(c_int, c_int, c_int64, POINTER(c_char), c_size_t, c_void_p)
PROGRESS_FN = CFUNCTYPE(c_int, c_uint64, c_uint64, c_void_p)


# ---- structs (ctr-error.h, ctr-runtime.h, ctr-container.h, ctr-lifecycle.h, ctr-io.h, ctr-image.h, ctr-network.h,
# ctr-volume.h, ctr-pod.h, ctr-kube.h) ----
class ErrorRecord(Structure):
    _fields_ = [("code", c_int), ("message", c_char_p)]


class RuntimeOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("root", c_char_p),
        ("run_root", c_char_p),
        ("state_backend", c_char_p),
        ("oci_runtime", c_char_p),
        ("conmon_path", c_char_p),
        ("storage_driver", c_char_p),
        ("cni_config_dir", c_char_p),
        ("cni_plugin_dir", c_char_p),
        ("lock_dir", c_char_p),
        ("log_fn", LOG_FN),
        ("log_userdata", c_void_p),
        ("log_level", c_int),
        ("flags", c_uint64),
        ("default_network", c_char_p),
        ("default_bridge", c_char_p),
        ("default_subnet", c_char_p),
        # version 2
        ("log_size_max", c_int64),
    ]


class PortMapping(Structure):
    _fields_ = [
        ("host_ip", c_char_p),
        ("host_port", c_uint16),
        ("container_port", c_uint16),
        ("protocol", c_char_p),
    ]


class Mount(Structure):
    _fields_ = [
        ("type", c_char_p),
        ("source", c_char_p),
        ("destination", c_char_p),
        ("options", c_char_pp),
    ]


class Ulimit(Structure):
    _fields_ = [("name", c_char_p), ("soft", c_int64), ("hard", c_int64)]


class ThrottleDevice(Structure):
    _fields_ = [("path", c_char_p), ("rate", c_uint64)]


class WeightDevice(Structure):
    _fields_ = [("path", c_char_p), ("weight", c_uint16)]


class ContainerOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("spec_json", c_char_p),
        ("rootfs", c_char_p),
        ("image", c_char_p),
        ("command", c_char_pp),
        ("env", c_char_pp),
        ("workdir", c_char_p),
        ("user", c_char_p),
        ("hostname", c_char_p),
        ("pod", c_char_p),
        ("flags", c_uint64),
        ("shm_size", c_int64),
        ("ns_ctr", c_char_p * CTR_NS_MAX),
        ("port_mappings", POINTER(PortMapping)),
        ("n_port_mappings", c_size_t),
        ("dns_servers", c_char_pp),
        ("dns_search", c_char_pp),
        ("dns_options", c_char_pp),
        ("hosts_add", c_char_pp),
        ("labels", c_char_pp),
        ("stop_signal", c_int),
        ("stop_timeout", c_int),
        ("cgroup_parent", c_char_p),
        ("log_path", c_char_p),
        ("process_label", c_char_p),
        ("mount_label", c_char_p),
        ("networks", c_char_pp),
        ("netns_path", c_char_p),
        # version 2
        ("log_size_max", c_int64),
        # version 3
        ("mounts", POINTER(Mount)),
        ("n_mounts", c_size_t),
        ("memory", c_int64),
        ("memory_swap", c_int64),
        ("memory_reservation", c_int64),
        ("nano_cpus", c_int64),
        ("cpu_shares", c_uint64),
        ("cpu_period", c_uint64),
        ("cpu_quota", c_int64),
        ("cpuset_cpus", c_char_p),
        ("cpuset_mems", c_char_p),
        ("pids_limit", c_int64),
        ("blkio_weight", c_uint16),
        ("blkio_weight_devices", POINTER(WeightDevice)),
        ("n_blkio_weight_devices", c_size_t),
        ("device_read_bps", POINTER(ThrottleDevice)),
        ("n_device_read_bps", c_size_t),
        ("device_write_bps", POINTER(ThrottleDevice)),
        ("n_device_write_bps", c_size_t),
        ("device_read_iops", POINTER(ThrottleDevice)),
        ("n_device_read_iops", c_size_t),
        ("device_write_iops", POINTER(ThrottleDevice)),
        ("n_device_write_iops", c_size_t),
        ("oom_score_adj", c_int),
        ("ulimits", POINTER(Ulimit)),
        ("n_ulimits", c_size_t),
        ("cap_add", c_char_pp),
        ("cap_drop", c_char_pp),
        ("seccomp_profile", c_char_p),
        ("apparmor_profile", c_char_p),
        ("mask_paths", c_char_pp),
        ("unmask_paths", c_char_pp),
        ("group_add", c_char_pp),
        ("sysctls", c_char_pp),
        ("devices", c_char_pp),
        ("device_cgroup_rules", c_char_pp),
        ("entrypoint", c_char_pp),
        ("init_path", c_char_p),
        ("umask", c_char_p),
        ("timezone", c_char_p),
        ("annotations", c_char_pp),
        ("domainname", c_char_p),
        ("restart_policy", c_char_p),
        ("restart_retries", c_uint),
        ("health_cmd", c_char_pp),
        ("health_interval", c_int64),
        ("health_timeout", c_int64),
        ("health_start_period", c_int64),
        ("health_retries", c_uint),
        ("create_command", c_char_pp),
        # version 4
        ("health_on_failure", c_char_p),
    ]


class ExecOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("argv", c_char_pp),
        ("env", c_char_pp),
        ("user", c_char_p),
        ("workdir", c_char_p),
        ("flags", c_uint64),
        ("stdin_fd", c_int),
        ("stdout_fd", c_int),
        ("stderr_fd", c_int),
        ("detach_keys", c_char_p),
    ]


class AttachOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("stdin_fd", c_int),
        ("stdout_fd", c_int),
        ("stderr_fd", c_int),
        ("detach_keys", c_char_p),
        ("flags", c_uint64),
        ("cancel", c_void_p),  # version 2
    ]


class LogsOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint64),
        ("since", c_int64),
        ("until", c_int64),
        ("tail", c_int64),
        ("cancel", c_void_p),  # version 2
    ]


class ImportOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("reference", c_char_p),
        ("name", c_char_p),
        ("changes", c_char_pp),
        ("progress", PROGRESS_FN),
        ("progress_userdata", c_void_p),
        ("cancel", POINTER(c_int)),
        ("flags", c_uint64),
    ]


class SaveOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("progress", PROGRESS_FN),
        ("progress_userdata", c_void_p),
        ("cancel", POINTER(c_int)),
        ("flags", c_uint64),
    ]


class CommitOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("changes", c_char_pp),
        ("author", c_char_p),
        ("message", c_char_p),
        ("flags", c_uint64),
        ("progress", PROGRESS_FN),
        ("progress_userdata", c_void_p),
        ("cancel", POINTER(c_int)),
    ]


class NetworkOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("driver", c_char_p),
        ("bridge", c_char_p),
        ("subnet", c_char_p),
        ("gateway", c_char_p),
        ("labels", c_char_pp),
        ("flags", c_uint64),
    ]


class VolumeOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("driver", c_char_p),
        ("labels", c_char_pp),
        ("options", c_char_pp),
        ("flags", c_uint64),
    ]


class PodOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("name", c_char_p),
        ("labels", c_char_pp),
        ("share", c_uint32),
        ("exit_policy", c_int),
        ("network_mode", c_int),
        ("cgroup_parent", c_char_p),
        ("hostname", c_char_p),
        ("dns_servers", c_char_pp),
        ("dns_search", c_char_pp),
        ("dns_options", c_char_pp),
        ("hosts_add", c_char_pp),
        ("port_mappings", POINTER(PortMapping)),
        ("n_port_mappings", c_size_t),
        ("networks", c_char_pp),
        ("infra_image", c_char_p),
        ("flags", c_uint64),
        ("memory", c_int64),
        ("memory_swap", c_int64),
        ("nano_cpus", c_int64),
        ("cpuset_cpus", c_char_p),
        ("cpuset_mems", c_char_p),
    ]


class TransferProgress(Structure):
    _fields_ = [
        ("phase", c_int),
        ("reference", c_char_p),
        ("digest", c_char_p),
        ("index", c_int),
        ("n_blobs", c_int),
        ("done", c_uint64),
        ("size", c_uint64),
        ("total_done", c_uint64),
        ("total", c_uint64),
    ]


TRANSFER_FN = CFUNCTYPE(c_int, POINTER(TransferProgress), c_void_p)


class RegistryOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("auth_file", c_char_p),
        ("username", c_char_p),
        ("password", c_char_p),
        ("registries_conf", c_char_p),
        ("certs_dir", c_char_p),
        ("tls_verify", c_int),
        ("platform", c_char_p),
        ("pull_policy", c_int),
        ("max_connections", c_uint),
        ("progress", TRANSFER_FN),
        ("progress_userdata", c_void_p),
        ("cancel", POINTER(c_int)),
        ("flags", c_uint64),
    ]


class Change(Structure):
    _fields_ = [("path", c_char_p), ("kind", c_int)]


class CheckpointOptions(Structure):
    """ctr_checkpoint_options_t (libctr 0.6)."""
    _fields_ = [("version", c_uint), ("export_path", c_char_p), ("flags", c_uint64)]


class RestoreOptions(Structure):
    """ctr_restore_options_t (libctr 0.6)."""
    _fields_ = [("version", c_uint), ("import_path", c_char_p), ("name", c_char_p), ("flags", c_uint64)]


#: Structs and the C type names they mirror (the tests compare layouts with C).
class Top(Structure):
    """ctr_top_t (libctr 0.6): the table of ctr_container_top(), made by the library."""
    _fields_ = [
        ("n_columns", c_size_t),
        ("header", c_char_pp),
        ("n_rows", c_size_t),
        ("rows", POINTER(c_char_pp)),
    ]


class Stats(Structure):
    """ctr_stats_t (libctr 0.6): one sample of ctr_container_stats(), made by the library."""
    _fields_ = [
        ("version", c_uint),
        ("id", c_char_p),
        ("name", c_char_p),
        ("cgroup_version", c_int),
        ("timestamp_ns", c_uint64),
        ("started_ns", c_uint64),
        ("cpu_ns", c_uint64),
        ("cpu_user_ns", c_uint64),
        ("cpu_system_ns", c_uint64),
        ("percpu_ns", POINTER(c_uint64)),
        ("n_percpu", c_size_t),
        ("system_cpu_ns", c_uint64),
        ("online_cpus", c_uint),
        ("cpu_percent", c_double),
        ("avg_cpu_percent", c_double),
        ("mem_usage", c_uint64),
        ("mem_limit", c_uint64),
        ("mem_cache", c_uint64),
        ("mem_rss", c_uint64),
        ("mem_percent", c_double),
        ("pids_current", c_uint64),
        ("pids_limit", c_uint64),
        ("block_read", c_uint64),
        ("block_write", c_uint64),
        ("has_net", c_int),
        ("net_rx_bytes", c_uint64),
        ("net_rx_packets", c_uint64),
        ("net_tx_bytes", c_uint64),
        ("net_tx_packets", c_uint64),
    ]


class KubePlayOptions(Structure):
    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint64),
        ("networks", c_char_pp),
        ("configmaps", c_char_pp),
    ]


class StatsOptions(Structure):
    _fields_ = [("version", c_uint), ("interval_ms", c_uint), ("cancel_fd", c_int)]


STATS_FN = CFUNCTYPE(c_int, POINTER(POINTER(Stats)), c_size_t, c_void_p)


STRUCTS: Dict[str, type] = {
    "ctr_error_t": ErrorRecord,
    "ctr_runtime_options_t": RuntimeOptions,
    "ctr_port_mapping_t": PortMapping,
    "ctr_container_options_t": ContainerOptions,
    "ctr_exec_options_t": ExecOptions,
    "ctr_attach_options_t": AttachOptions,
    "ctr_logs_options_t": LogsOptions,
    "ctr_import_options_t": ImportOptions,
    "ctr_save_options_t": SaveOptions,
    "ctr_commit_options_t": CommitOptions,
    "ctr_network_options_t": NetworkOptions,
    "ctr_volume_options_t": VolumeOptions,
    "ctr_pod_options_t": PodOptions,
    "ctr_kube_play_options_t": KubePlayOptions,
    "ctr_transfer_progress_t": TransferProgress,
    "ctr_registry_options_t": RegistryOptions,
    "ctr_change_t": Change,
    "ctr_top_t": Top,
    "ctr_stats_t": Stats,
    "ctr_stats_options_t": StatsOptions,
    "ctr_checkpoint_options_t": CheckpointOptions,
    "ctr_restore_options_t": RestoreOptions,
}

# ---- functions: name -> (restype, argtypes) ----
_P = c_void_p  # every opaque handle
FUNCTIONS: Dict[str, Tuple[Any, list]] = {
    # ctr-common.h, ctr-error.h
    "ctr_free": (None, [c_void_p]),
    "ctr_strv_free": (None, [c_void_p]),
    "ctr_error_last": (POINTER(ErrorRecord), []),
    "ctr_strerror": (c_char_p, [c_int]),
    # ctr-runtime.h
    "ctr_runtime_options_init": (c_int, [POINTER(RuntimeOptions), c_uint]),
    "ctr_runtime_new": (c_int, [c_ptr_p, POINTER(RuntimeOptions)]),
    "ctr_runtime_ref": (_P, [_P]),
    "ctr_runtime_unref": (_P, [_P]),
    "ctr_runtime_root": (c_char_p, [_P]),
    "ctr_runtime_run_root": (c_char_p, [_P]),
    "ctr_runtime_state_backend": (c_char_p, [_P]),
    "ctr_runtime_oci_runtime": (c_char_p, [_P]),
    "ctr_runtime_boot_id": (c_char_p, [_P]),
    "ctr_runtime_lookup": (c_int, [_P, c_char_p, c_ptr_p]),
    "ctr_runtime_list": (c_int, [_P, c_void_p, c_void_p, POINTER(c_ptr_p), POINTER(c_size_t)]),
    "ctr_container_list_free": (None, [c_ptr_p, c_size_t]),
    "ctr_runtime_remove": (c_int, [_P, c_char_p, c_uint64]),
    "ctr_runtime_refresh": (c_int, [_P]),
    # ctr-container.h
    "ctr_state_name": (c_char_p, [c_int]),
    "ctr_container_options_init": (c_int, [POINTER(ContainerOptions), c_uint]),
    "ctr_container_create": (c_int, [c_ptr_p, _P, POINTER(ContainerOptions)]),
    "ctr_container_ref": (_P, [_P]),
    "ctr_container_unref": (_P, [_P]),
    "ctr_container_runtime": (_P, [_P]),
    "ctr_container_id": (c_char_p, [_P]),
    "ctr_container_name": (c_char_p, [_P]),
    "ctr_container_pod": (c_char_p, [_P]),
    "ctr_container_rootfs": (c_char_p, [_P]),
    "ctr_container_image_id": (c_char_p, [_P]),
    "ctr_container_image_name": (c_char_p, [_P]),
    "ctr_container_user": (c_char_p, [_P]),
    "ctr_container_workdir": (c_char_p, [_P]),
    "ctr_container_hostname": (c_char_p, [_P]),
    "ctr_container_damage": (c_char_p, [_P]),
    "ctr_container_static_dir": (c_char_p, [_P]),
    "ctr_container_shm_dir": (c_char_p, [_P]),
    "ctr_container_log_path": (c_char_p, [_P]),
    "ctr_container_cgroup_parent": (c_char_p, [_P]),
    "ctr_container_process_label": (c_char_p, [_P]),
    "ctr_container_mount_label": (c_char_p, [_P]),
    "ctr_container_created": (c_int64, [_P]),
    "ctr_container_flags": (c_uint64, [_P]),
    "ctr_container_shm_size": (c_int64, [_P]),
    "ctr_container_stop_signal": (c_int, [_P]),
    "ctr_container_stop_timeout": (c_uint, [_P]),
    "ctr_container_ns_ctr": (c_char_p, [_P, c_int]),
    "ctr_container_command": (c_char_pp, [_P]),
    "ctr_container_entrypoint": (c_char_pp, [_P]),
    "ctr_container_env": (c_char_pp, [_P]),
    "ctr_container_dns_servers": (c_char_pp, [_P]),
    "ctr_container_dns_search": (c_char_pp, [_P]),
    "ctr_container_dns_options": (c_char_pp, [_P]),
    "ctr_container_hosts_add": (c_char_pp, [_P]),
    "ctr_container_mounts": (c_char_pp, [_P]),
    "ctr_container_networks": (c_char_pp, [_P]),
    "ctr_container_volumes": (c_char_pp, [_P]),
    "ctr_container_exposed_ports": (c_char_pp, [_P]),
    "ctr_container_netns_path": (c_char_p, [_P]),
    "ctr_container_port_mappings": (c_size_t, [_P, POINTER(POINTER(PortMapping))]),
    "ctr_container_label": (c_char_p, [_P, c_char_p]),
    "ctr_container_labels": (c_int, [_P, POINTER(c_char_pp)]),
    "ctr_container_config_json": (c_int, [_P, POINTER(c_str_out)]),
    # libctr 0.5
    "ctr_container_get_options": (c_int, [_P, POINTER(POINTER(ContainerOptions))]),
    "ctr_container_options_free": (None, [POINTER(ContainerOptions)]),
    "ctr_container_spec_json": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_container_dependencies": (c_int, [_P, POINTER(c_char_pp)]),
    "ctr_container_sync": (c_int, [_P]),
    "ctr_container_state": (c_int, [_P, POINTER(c_int)]),
    "ctr_container_pid": (c_int, [_P, POINTER(c_pid_t)]),
    "ctr_container_exit_code": (c_int, [_P, POINTER(c_int)]),
    "ctr_container_oom_killed": (c_int, [_P, POINTER(c_int)]),
    "ctr_container_started_at": (c_int, [_P, POINTER(c_int64)]),
    "ctr_container_finished_at": (c_int, [_P, POINTER(c_int64)]),
    "ctr_container_mounted": (c_int, [_P, POINTER(c_int), POINTER(c_str_out)]),
    "ctr_container_state_json": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_container_namespace_path": (c_int, [_P, c_int, POINTER(c_str_out)]),
    "ctr_container_artifact_add": (c_int, [_P, c_char_p, c_void_p, c_size_t]),
    "ctr_container_artifact_get": (c_int, [_P, c_char_p, POINTER(c_void_p), POINTER(c_size_t)]),
    "ctr_container_artifact_remove": (c_int, [_P, c_char_p]),
    "ctr_container_batch": (c_int, [_P, BATCH_FN, c_void_p]),
    "ctr_container_remove": (c_int, [_P, c_uint64]),
    # ctr-lifecycle.h
    "ctr_container_init": (c_int, [_P]),
    "ctr_container_start": (c_int, [_P]),
    "ctr_container_stop": (c_int, [_P, c_int]),
    "ctr_container_kill": (c_int, [_P, c_int]),
    "ctr_container_pause": (c_int, [_P]),
    "ctr_container_unpause": (c_int, [_P]),
    "ctr_container_wait": (c_int, [_P, c_int64, POINTER(c_int)]),
    "ctr_container_cleanup": (c_int, [_P]),
    "ctr_exec_options_init": (c_int, [POINTER(ExecOptions), c_uint]),
    "ctr_container_exec": (c_int, [_P, POINTER(ExecOptions), POINTER(c_int)]),
    "ctr_container_inspect": (c_int, [_P, c_uint64, POINTER(c_str_out)]),
    # libctr 0.6
    "ctr_container_top": (c_int, [_P, c_char_pp, POINTER(POINTER(Top))]),
    "ctr_container_top_free": (None, [POINTER(Top)]),
    "ctr_container_stats": (c_int, [_P, POINTER(Stats), POINTER(POINTER(Stats))]),
    "ctr_stats_free": (None, [POINTER(Stats)]),
    "ctr_stats_options_init": (c_int, [POINTER(StatsOptions), c_uint]),
    "ctr_container_stats_stream": (c_int, [POINTER(_P), c_size_t, POINTER(StatsOptions), STATS_FN, c_void_p]),
    "ctr_container_checkpoint": (c_int, [_P, POINTER(CheckpointOptions)]),
    "ctr_container_restore": (c_int, [_P, POINTER(RestoreOptions)]),
    "ctr_runtime_restore": (c_int, [_P, POINTER(RestoreOptions), POINTER(_P)]),
    # ctr-io.h
    "ctr_attach_options_init": (c_int, [POINTER(AttachOptions), c_uint]),
    "ctr_container_attach": (c_int, [_P, POINTER(AttachOptions)]),
    "ctr_container_resize": (c_int, [_P, c_uint, c_uint]),
    "ctr_logs_options_init": (c_int, [POINTER(LogsOptions), c_uint]),
    "ctr_container_logs": (c_int, [_P, POINTER(LogsOptions), LOG_LINE_FN, c_void_p]),
    # ctr-image.h
    "ctr_image_ref": (_P, [_P]),
    "ctr_image_unref": (_P, [_P]),
    "ctr_image_id": (c_char_p, [_P]),
    "ctr_image_digest": (c_char_p, [_P]),
    "ctr_image_names": (c_char_pp, [_P]),
    "ctr_image_created": (c_int64, [_P]),
    "ctr_image_size": (c_int64, [_P]),
    "ctr_image_layer_count": (c_size_t, [_P]),
    "ctr_image_list": (c_int, [_P, POINTER(c_ptr_p), POINTER(c_size_t)]),
    "ctr_image_list_free": (None, [c_ptr_p, c_size_t]),
    "ctr_image_lookup": (c_int, [_P, c_char_p, c_ptr_p]),
    "ctr_image_tag": (c_int, [_P, c_char_p]),
    "ctr_image_untag": (c_int, [_P, c_char_p]),
    "ctr_image_remove": (c_int, [_P, c_char_p, c_uint64]),
    "ctr_image_prune": (c_int, [_P, c_uint64, POINTER(c_char_pp)]),
    "ctr_image_inspect": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_image_config_json": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_import_options_init": (c_int, [POINTER(ImportOptions), c_uint]),
    "ctr_image_import": (c_int, [_P, POINTER(ImportOptions), c_ptr_p]),
    "ctr_save_options_init": (c_int, [POINTER(SaveOptions), c_uint]),
    "ctr_image_save": (c_int, [_P, c_char_p, POINTER(SaveOptions)]),
    "ctr_container_mount": (c_int, [_P, c_char_p, POINTER(c_str_out)]),
    "ctr_container_unmount": (c_int, [_P, c_int]),
    "ctr_container_rootfs_size": (c_int, [_P, POINTER(c_int64)]),
    "ctr_container_rw_size": (c_int, [_P, POINTER(c_int64)]),
    "ctr_container_export": (c_int, [_P, c_int]),
    "ctr_container_copy_to": (c_int, [_P, c_char_p, c_char_p, c_uint64]),
    "ctr_container_copy_from": (c_int, [_P, c_char_p, c_char_p, c_uint64]),
    "ctr_container_copy_to_fd": (c_int, [_P, c_int, c_char_p, c_uint64]),
    "ctr_container_copy_from_fd": (c_int, [_P, c_char_p, c_int, c_uint64]),
    "ctr_commit_options_init": (c_int, [POINTER(CommitOptions), c_uint]),
    "ctr_container_commit": (c_int, [_P, POINTER(CommitOptions), c_ptr_p]),
    # ctr-network.h
    "ctr_network_options_init": (c_int, [POINTER(NetworkOptions), c_uint]),
    "ctr_network_create": (c_int, [_P, POINTER(NetworkOptions), POINTER(c_str_out)]),
    "ctr_network_list": (c_int, [_P, POINTER(c_char_pp)]),
    "ctr_network_inspect": (c_int, [_P, c_char_p, POINTER(c_str_out)]),
    "ctr_network_remove": (c_int, [_P, c_char_p, c_uint64]),
    # ctr-volume.h
    "ctr_volume_options_init": (c_int, [POINTER(VolumeOptions), c_uint]),
    "ctr_volume_create": (c_int, [_P, POINTER(VolumeOptions), c_ptr_p]),
    "ctr_volume_lookup": (c_int, [_P, c_char_p, c_ptr_p]),
    "ctr_volume_exists": (c_int, [_P, c_char_p]),
    "ctr_volume_list": (c_int, [_P, c_char_pp, POINTER(c_ptr_p), POINTER(c_size_t)]),
    "ctr_volume_list_free": (None, [c_ptr_p, c_size_t]),
    "ctr_volume_ref": (_P, [_P]),
    "ctr_volume_unref": (_P, [_P]),
    "ctr_volume_name": (c_char_p, [_P]),
    "ctr_volume_driver": (c_char_p, [_P]),
    "ctr_volume_mountpoint": (c_char_p, [_P]),
    "ctr_volume_labels": (c_char_pp, [_P]),
    "ctr_volume_options": (c_char_pp, [_P]),
    "ctr_volume_created": (c_int64, [_P]),
    "ctr_volume_anonymous": (c_int, [_P]),
    "ctr_volume_inspect": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_volume_remove": (c_int, [_P, c_char_p, c_uint64]),
    "ctr_volume_prune": (c_int, [_P, c_char_pp, c_uint64, POINTER(c_char_pp)]),
    # ctr-pod.h, libctr 0.7
    "ctr_pod_options_init": (c_int, [POINTER(PodOptions), c_uint]),
    "ctr_pod_create": (c_int, [_P, POINTER(PodOptions), c_ptr_p]),
    "ctr_pod_lookup": (c_int, [_P, c_char_p, c_ptr_p]),
    "ctr_pod_list": (c_int, [_P, POINTER(c_ptr_p), POINTER(c_size_t)]),
    "ctr_pod_list_filter": (c_int, [_P, c_char_pp, POINTER(c_ptr_p), POINTER(c_size_t)]),
    "ctr_pod_list_free": (None, [c_ptr_p, c_size_t]),
    "ctr_pod_ref": (_P, [_P]),
    "ctr_pod_unref": (_P, [_P]),
    "ctr_pod_id": (c_char_p, [_P]),
    "ctr_pod_name": (c_char_p, [_P]),
    "ctr_pod_infra_id": (c_char_p, [_P]),
    "ctr_pod_cgroup_path": (c_char_p, [_P]),
    "ctr_pod_share": (c_uint32, [_P]),
    "ctr_pod_created": (c_int64, [_P]),
    "ctr_pod_containers": (c_int, [_P, POINTER(c_char_pp)]),
    "ctr_pod_status": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_pod_start": (c_int, [_P]),
    "ctr_pod_stop": (c_int, [_P, c_int]),
    "ctr_pod_kill": (c_int, [_P, c_int]),
    "ctr_pod_pause": (c_int, [_P]),
    "ctr_pod_unpause": (c_int, [_P]),
    "ctr_pod_restart": (c_int, [_P]),
    "ctr_pod_apply_exit_policy": (c_int, [_P]),
    "ctr_pod_top": (c_int, [_P, c_char_pp, POINTER(POINTER(Top))]),
    "ctr_pod_stats": (c_int, [_P, POINTER(POINTER(Stats)), c_size_t, POINTER(POINTER(POINTER(Stats))),
                              POINTER(c_size_t)]),
    "ctr_pod_stats_free": (None, [POINTER(POINTER(Stats)), c_size_t]),
    "ctr_pod_remove": (c_int, [_P, c_uint64]),
    "ctr_pod_inspect": (c_int, [_P, POINTER(c_str_out)]),
    "ctr_pod_runtime": (_P, [_P]),
    # ctr-kube.h, libctr 0.7
    "ctr_pod_generate_kube": (c_int, [_P, c_uint64, POINTER(c_str_out)]),
    "ctr_container_generate_kube": (c_int, [_P, c_uint64, POINTER(c_str_out)]),
    "ctr_kube_play": (c_int, [_P, c_char_p, c_size_t, POINTER(KubePlayOptions), c_ptr_p]),
    "ctr_kube_down": (c_int, [_P, c_char_p, c_size_t, c_ptr_p]),
    "ctr_kube_report_count": (c_size_t, [_P, c_int]),
    "ctr_kube_report_get": (c_char_p, [_P, c_int, c_size_t]),
    "ctr_kube_report_free": (None, [_P]),
    "ctr_container_ip_address": (c_int, [_P, c_char_p, POINTER(c_str_out)]),
    "ctr_container_networks_json": (c_int, [_P, POINTER(c_str_out)]),
    # ctr-registry.h
    "ctr_registry_options_init": (c_int, [POINTER(RegistryOptions), c_uint]),
    "ctr_image_pull": (c_int, [_P, c_char_p, POINTER(RegistryOptions), c_ptr_p]),
    "ctr_image_pull_policy": (c_int, [_P, c_char_p, POINTER(RegistryOptions), c_ptr_p]),
    "ctr_registry_login": (c_int, [c_char_p, c_char_p, c_char_p, POINTER(RegistryOptions)]),
    "ctr_registry_logout": (c_int, [c_char_p, POINTER(RegistryOptions)]),
    "ctr_registry_login_user": (c_int, [c_char_p, POINTER(RegistryOptions), POINTER(c_str_out)]),
    "ctr_image_resolve_name": (c_int, [c_char_p, POINTER(RegistryOptions), POINTER(c_char_pp)]),
    "ctr_image_push": (c_int, [_P, c_char_p, POINTER(RegistryOptions), POINTER(c_str_out)]),
    # ctr-image.h, libctr 0.6
    "ctr_container_diff": (c_int, [_P, POINTER(POINTER(Change)), POINTER(c_size_t)]),
    "ctr_changes_free": (None, [POINTER(Change), c_size_t]),
    # ctr-common.h and ctr-lifecycle.h, libctr 0.6: cancellation, waiters
    "ctr_cancel_new": (c_int, [c_ptr_p]),
    "ctr_cancel_trigger": (c_int, [_P]),
    "ctr_cancel_reset": (c_int, [_P]),
    "ctr_cancel_fd": (c_int, [_P]),
    "ctr_cancel_free": (None, [_P]),
    "ctr_container_waiter_new": (c_int, [_P, c_uint, c_ptr_p]),
    "ctr_waiter_fd": (c_int, [_P]),
    "ctr_waiter_check": (c_int, [_P, POINTER(c_int), POINTER(c_int)]),
    "ctr_waiter_free": (None, [_P]),
    "ctr_container_wait_for": (c_int, [_P, c_uint, c_int64, _P, POINTER(c_int), POINTER(c_int)]),
    "ctr_container_restart": (c_int, [_P, c_int]),
    "ctr_container_apply_restart_policy": (c_int, [_P]),
    "ctr_container_healthcheck_run": (c_int, [_P, POINTER(c_int)]),
    "ctr_container_health_status": (c_int, [_P, POINTER(c_int)]),
    # ctr-container.h, libctr 0.6
    "ctr_container_rename": (c_int, [_P, c_char_p]),
    "ctr_container_update": (c_int, [_P, POINTER(ContainerOptions), c_uint64]),
}


def _load() -> ctypes.CDLL:
    path = os.environ.get("LIBCTR_LIBRARY")
    if path:
        return ctypes.CDLL(path)
    try:
        return ctypes.CDLL("libctr.so.0")
    except OSError:
        found = ctypes.util.find_library("ctr")
        if found:
            return ctypes.CDLL(found)
        raise


class _Lib:
    """The library with lazily declared functions: ``lib.ctr_x(...)``."""

    def __init__(self) -> None:
        self._dll: Optional[ctypes.CDLL] = None

    @property
    def dll(self) -> ctypes.CDLL:
        if self._dll is None:
            self._dll = _load()
        return self._dll

    def has(self, name: str) -> bool:
        """Whether the loaded library exports ``name``."""
        try:
            getattr(self, name)
            return True
        except AttributeError:
            return False

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("ctr_"):
            raise AttributeError(name)
        fn = getattr(self.dll, name)  # AttributeError when the library lacks it
        restype, argtypes = FUNCTIONS[name]
        fn.restype = restype
        fn.argtypes = argtypes
        setattr(self, name, fn)
        return fn


lib = _Lib()
