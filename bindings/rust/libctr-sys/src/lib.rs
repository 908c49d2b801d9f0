// SPDX-License-Identifier: LGPL-2.1-or-later
//! Raw declarations of libctr's C API (`include/libctr/*.h`), written by hand.
//!
//! Every function, struct and constant here mirrors the C headers; the test
//! `tests/header.rs` compiles a C file that checks each declaration's type,
//! each struct's size and field offsets and each constant's value against the
//! headers.  Use the safe `libctr` crate instead unless you need raw access.
//!
//! The image (`ctr-image.h`), network (`ctr-network.h`), volume
//! (`ctr-volume.h`), pod (`ctr-pod.h`) and Kubernetes (`ctr-kube.h`) modules and
//! `ctr_runtime_refresh` are newer than the rest: [`optional`] resolves them
//! at run time, so a program also runs against a libctr built without them.
#![allow(non_camel_case_types)]
#![allow(clippy::missing_safety_doc)]

use std::os::raw::{c_char, c_int, c_uint, c_void};

pub type pid_t = i32;

macro_rules! opaque {
    ($($name:ident),*) => {$(
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(
    ctr_runtime_t,
    ctr_container_t,
    ctr_image_t,
    ctr_volume_t,
    ctr_pod_t,
    ctr_kube_report_t,
    ctr_cancel_t,
    ctr_waiter_t,
    ctr_events_t
);

// ---- ctr-error.h ----
#[repr(C)]
pub struct ctr_error_t {
    pub code: c_int,
    pub message: *const c_char,
}

// ---- ctr-runtime.h ----
pub const CTR_LOG_ERROR: c_int = 3;
pub const CTR_LOG_WARNING: c_int = 4;
pub const CTR_LOG_INFO: c_int = 6;
pub const CTR_LOG_DEBUG: c_int = 7;

pub type ctr_log_fn = Option<unsafe extern "C" fn(level: c_int, message: *const c_char, userdata: *mut c_void)>;

pub const CTR_RUNTIME_OPTIONS_VERSION: c_uint = 2;

#[repr(C)]
pub struct ctr_runtime_options_t {
    pub version: c_uint,
    pub root: *const c_char,
    pub run_root: *const c_char,
    pub state_backend: *const c_char,
    pub oci_runtime: *const c_char,
    pub conmon_path: *const c_char,
    pub storage_driver: *const c_char,
    pub cni_config_dir: *const c_char,
    pub cni_plugin_dir: *const c_char,
    pub lock_dir: *const c_char,
    pub log_fn: ctr_log_fn,
    pub log_userdata: *mut c_void,
    pub log_level: c_int,
    pub flags: u64,
    pub default_network: *const c_char,
    pub default_bridge: *const c_char,
    pub default_subnet: *const c_char,
    /// Version 2.
    pub log_size_max: i64,
}

pub type ctr_container_filter_fn =
    Option<unsafe extern "C" fn(c: *mut ctr_container_t, userdata: *mut c_void) -> c_int>;

pub const CTR_REMOVE_FORCE: u64 = 1 << 0;
pub const CTR_REMOVE_VOLUMES: u64 = 1 << 1;
// ctr_container_update()'s fields (libctr 0.6)
pub const CTR_UPDATE_MEMORY: u64 = 1 << 0;
pub const CTR_UPDATE_MEMORY_SWAP: u64 = 1 << 1;
pub const CTR_UPDATE_MEMORY_RESERVATION: u64 = 1 << 2;
pub const CTR_UPDATE_CPUS: u64 = 1 << 3;
pub const CTR_UPDATE_CPU_SHARES: u64 = 1 << 4;
pub const CTR_UPDATE_CPU_PERIOD: u64 = 1 << 5;
pub const CTR_UPDATE_CPU_QUOTA: u64 = 1 << 6;
pub const CTR_UPDATE_CPUSET_CPUS: u64 = 1 << 7;
pub const CTR_UPDATE_CPUSET_MEMS: u64 = 1 << 8;
pub const CTR_UPDATE_PIDS_LIMIT: u64 = 1 << 9;
pub const CTR_UPDATE_BLKIO_WEIGHT: u64 = 1 << 10;

// ---- ctr-container.h ----
pub type ctr_state_t = c_uint;
pub const CTR_STATE_UNKNOWN: ctr_state_t = 0;
pub const CTR_STATE_CONFIGURED: ctr_state_t = 1;
pub const CTR_STATE_CREATED: ctr_state_t = 2;
pub const CTR_STATE_RUNNING: ctr_state_t = 3;
pub const CTR_STATE_EXITED: ctr_state_t = 4;
pub const CTR_STATE_PAUSED: ctr_state_t = 5;
pub const CTR_STATE_STOPPING: ctr_state_t = 6;
pub const CTR_STATE_REMOVING: ctr_state_t = 7;

pub type ctr_ns_t = c_uint;
pub const CTR_NS_IPC: ctr_ns_t = 1;
pub const CTR_NS_MNT: ctr_ns_t = 2;
pub const CTR_NS_NET: ctr_ns_t = 3;
pub const CTR_NS_PID: ctr_ns_t = 4;
pub const CTR_NS_USER: ctr_ns_t = 5;
pub const CTR_NS_UTS: ctr_ns_t = 6;
pub const CTR_NS_CGROUP: ctr_ns_t = 7;
pub const CTR_NS_MAX: usize = 8;

#[repr(C)]
pub struct ctr_port_mapping_t {
    pub host_ip: *const c_char,
    pub host_port: u16,
    pub container_port: u16,
    pub protocol: *const c_char,
}

pub const CTR_CREATE_READ_ONLY: u64 = 1 << 0;
pub const CTR_CREATE_PRIVILEGED: u64 = 1 << 1;
pub const CTR_CREATE_NO_NEW_PRIVS: u64 = 1 << 2;
pub const CTR_CREATE_STDIN: u64 = 1 << 3;
pub const CTR_CREATE_TERMINAL: u64 = 1 << 4;
pub const CTR_CREATE_NETNS: u64 = 1 << 5;
pub const CTR_CREATE_IMAGE_VOLUMES: u64 = 1 << 6;
pub const CTR_CREATE_HOST_NETWORK: u64 = 1 << 7;
pub const CTR_CREATE_AUTO_REMOVE: u64 = 1 << 8;
pub const CTR_CREATE_INIT: u64 = 1 << 9;
pub const CTR_CREATE_OOM_KILL_DISABLE: u64 = 1 << 10;
pub const CTR_CREATE_NO_READ_ONLY_TMPFS: u64 = 1 << 11;
pub const CTR_CREATE_OOM_SCORE_ADJ: u64 = 1 << 12;
pub const CTR_CREATE_IMAGE_VOLUMES_TMPFS: u64 = 1 << 13;

pub const CTR_CONTAINER_OPTIONS_VERSION: c_uint = 4;

#[repr(C)]
pub struct ctr_mount_t {
    pub r#type: *const c_char,
    pub source: *const c_char,
    pub destination: *const c_char,
    pub options: *const *const c_char,
}

#[repr(C)]
pub struct ctr_ulimit_t {
    pub name: *const c_char,
    pub soft: i64,
    pub hard: i64,
}

#[repr(C)]
pub struct ctr_throttle_device_t {
    pub path: *const c_char,
    pub rate: u64,
}

#[repr(C)]
pub struct ctr_weight_device_t {
    pub path: *const c_char,
    pub weight: u16,
}

#[repr(C)]
pub struct ctr_container_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub spec_json: *const c_char,
    pub rootfs: *const c_char,
    pub image: *const c_char,
    pub command: *const *const c_char,
    pub env: *const *const c_char,
    pub workdir: *const c_char,
    pub user: *const c_char,
    pub hostname: *const c_char,
    pub pod: *const c_char,
    pub flags: u64,
    pub shm_size: i64,
    pub ns_ctr: [*const c_char; CTR_NS_MAX],
    pub port_mappings: *const ctr_port_mapping_t,
    pub n_port_mappings: usize,
    pub dns_servers: *const *const c_char,
    pub dns_search: *const *const c_char,
    pub dns_options: *const *const c_char,
    pub hosts_add: *const *const c_char,
    pub labels: *const *const c_char,
    pub stop_signal: c_int,
    pub stop_timeout: c_int,
    pub cgroup_parent: *const c_char,
    pub log_path: *const c_char,
    pub process_label: *const c_char,
    pub mount_label: *const c_char,
    pub networks: *const *const c_char,
    pub netns_path: *const c_char,
    /// Version 2.
    pub log_size_max: i64,
    /// Version 3.
    pub mounts: *const ctr_mount_t,
    pub n_mounts: usize,
    pub memory: i64,
    pub memory_swap: i64,
    pub memory_reservation: i64,
    pub nano_cpus: i64,
    pub cpu_shares: u64,
    pub cpu_period: u64,
    pub cpu_quota: i64,
    pub cpuset_cpus: *const c_char,
    pub cpuset_mems: *const c_char,
    pub pids_limit: i64,
    pub blkio_weight: u16,
    pub blkio_weight_devices: *const ctr_weight_device_t,
    pub n_blkio_weight_devices: usize,
    pub device_read_bps: *const ctr_throttle_device_t,
    pub n_device_read_bps: usize,
    pub device_write_bps: *const ctr_throttle_device_t,
    pub n_device_write_bps: usize,
    pub device_read_iops: *const ctr_throttle_device_t,
    pub n_device_read_iops: usize,
    pub device_write_iops: *const ctr_throttle_device_t,
    pub n_device_write_iops: usize,
    pub oom_score_adj: c_int,
    pub ulimits: *const ctr_ulimit_t,
    pub n_ulimits: usize,
    pub cap_add: *const *const c_char,
    pub cap_drop: *const *const c_char,
    pub seccomp_profile: *const c_char,
    pub apparmor_profile: *const c_char,
    pub mask_paths: *const *const c_char,
    pub unmask_paths: *const *const c_char,
    pub group_add: *const *const c_char,
    pub sysctls: *const *const c_char,
    pub devices: *const *const c_char,
    pub device_cgroup_rules: *const *const c_char,
    pub entrypoint: *const *const c_char,
    pub init_path: *const c_char,
    pub umask: *const c_char,
    pub timezone: *const c_char,
    pub annotations: *const *const c_char,
    pub domainname: *const c_char,
    pub restart_policy: *const c_char,
    pub restart_retries: c_uint,
    pub health_cmd: *const *const c_char,
    pub health_interval: i64,
    pub health_timeout: i64,
    pub health_start_period: i64,
    pub health_retries: c_uint,
    pub create_command: *const *const c_char,
    // version 4
    pub health_on_failure: *const c_char,
}

pub type ctr_health_status_t = c_uint;
pub const CTR_HEALTH_NONE: ctr_health_status_t = 0;
pub const CTR_HEALTH_STARTING: ctr_health_status_t = 1;
pub const CTR_HEALTH_HEALTHY: ctr_health_status_t = 2;
pub const CTR_HEALTH_UNHEALTHY: ctr_health_status_t = 3;

pub type ctr_batch_fn = Option<unsafe extern "C" fn(c: *mut ctr_container_t, userdata: *mut c_void) -> c_int>;

// ---- ctr-lifecycle.h ----
pub const CTR_EXEC_OPTIONS_VERSION: c_uint = 1;
pub const CTR_EXEC_TTY: u64 = 1 << 0;
pub const CTR_EXEC_PRIVILEGED: u64 = 1 << 1;

#[repr(C)]
pub struct ctr_exec_options_t {
    pub version: c_uint,
    pub argv: *const *const c_char,
    pub env: *const *const c_char,
    pub user: *const c_char,
    pub workdir: *const c_char,
    pub flags: u64,
    pub stdin_fd: c_int,
    pub stdout_fd: c_int,
    pub stderr_fd: c_int,
    pub detach_keys: *const c_char,
}

/// The table of `ctr_container_top()` (libctr 0.6), made by the library and
/// freed with `ctr_container_top_free()`.
#[repr(C)]
pub struct ctr_top_t {
    pub n_columns: usize,
    pub header: *const *const c_char,
    pub n_rows: usize,
    pub rows: *const *const *const c_char,
}

// ---- ctr-events.h (libctr 0.6) ----
pub const CTR_EVENT_VERSION: c_uint = 1;
pub const CTR_EVENTS_OPTIONS_VERSION: c_uint = 1;
pub const CTR_EVENTS_FOLLOW: u64 = 1 << 0;

/// One event, lent by whoever handed it out.
#[repr(C)]
pub struct ctr_event_t {
    pub version: c_uint,
    pub r#type: *const c_char,
    pub status: *const c_char,
    pub id: *const c_char,
    pub name: *const c_char,
    pub image: *const c_char,
    pub time_ns: i64,
    pub exit_code: c_int,
    pub json: *const c_char,
}

#[repr(C)]
pub struct ctr_events_options_t {
    pub version: c_uint,
    pub flags: u64,
    pub since_ns: i64,
    pub until_ns: i64,
    pub filters: *const *const c_char,
    pub cancel_fd: c_int,
}

pub type ctr_events_fn = Option<unsafe extern "C" fn(ev: *const ctr_event_t, userdata: *mut c_void) -> c_int>;
/// One sample of `ctr_container_stats()` (libctr 0.6), made by the library
/// and freed with `ctr_stats_free()`.
#[repr(C)]
pub struct ctr_stats_t {
    pub version: c_uint,
    pub id: *const c_char,
    pub name: *const c_char,
    pub cgroup_version: c_int,
    pub timestamp_ns: u64,
    pub started_ns: u64,
    pub cpu_ns: u64,
    pub cpu_user_ns: u64,
    pub cpu_system_ns: u64,
    pub percpu_ns: *const u64,
    pub n_percpu: usize,
    pub system_cpu_ns: u64,
    pub online_cpus: c_uint,
    pub cpu_percent: f64,
    pub avg_cpu_percent: f64,
    pub mem_usage: u64,
    pub mem_limit: u64,
    pub mem_cache: u64,
    pub mem_rss: u64,
    pub mem_percent: f64,
    pub pids_current: u64,
    pub pids_limit: u64,
    pub block_read: u64,
    pub block_write: u64,
    pub has_net: c_int,
    pub net_rx_bytes: u64,
    pub net_rx_packets: u64,
    pub net_tx_bytes: u64,
    pub net_tx_packets: u64,
}

pub const CTR_STATS_VERSION: c_uint = 1;
pub const CTR_STATS_OPTIONS_VERSION: c_uint = 1;

#[repr(C)]
pub struct ctr_stats_options_t {
    pub version: c_uint,
    pub interval_ms: c_uint,
    pub cancel_fd: c_int,
}

pub type ctr_stats_fn =
    Option<unsafe extern "C" fn(stats: *const *const ctr_stats_t, n: usize, userdata: *mut c_void) -> c_int>;

pub const CTR_INSPECT_SIZE: u64 = 1 << 0;

/// `ctr_checkpoint_options_t` (libctr 0.6).
#[repr(C)]
pub struct ctr_checkpoint_options_t {
    pub version: c_uint,
    pub export_path: *const c_char,
    pub flags: u64,
}
pub const CTR_CHECKPOINT_OPTIONS_VERSION: c_uint = 1;
pub const CTR_CHECKPOINT_LEAVE_RUNNING: u64 = 1 << 0;
pub const CTR_CHECKPOINT_TCP_ESTABLISHED: u64 = 1 << 1;
pub const CTR_CHECKPOINT_KEEP: u64 = 1 << 2;
pub const CTR_CHECKPOINT_FILE_LOCKS: u64 = 1 << 3;

/// `ctr_restore_options_t` (libctr 0.6).
#[repr(C)]
pub struct ctr_restore_options_t {
    pub version: c_uint,
    pub import_path: *const c_char,
    pub name: *const c_char,
    pub flags: u64,
}
pub const CTR_RESTORE_OPTIONS_VERSION: c_uint = 1;
pub const CTR_RESTORE_TCP_ESTABLISHED: u64 = 1 << 0;
pub const CTR_RESTORE_KEEP: u64 = 1 << 1;
pub const CTR_RESTORE_FILE_LOCKS: u64 = 1 << 2;

// ---- ctr-io.h ----
pub const CTR_STREAM_STDOUT: c_int = 1;
pub const CTR_STREAM_STDERR: c_int = 2;
pub const CTR_ATTACH_OPTIONS_VERSION: c_uint = 2;
pub const CTR_ATTACH_START: u64 = 1 << 0;
pub const CTR_ATTACH_RETURN_ON_STDIN_EOF: u64 = 1 << 1;
pub const CTR_ATTACH_DETACHED: c_int = 1;

#[repr(C)]
pub struct ctr_attach_options_t {
    pub version: c_uint,
    pub stdin_fd: c_int,
    pub stdout_fd: c_int,
    pub stderr_fd: c_int,
    pub detach_keys: *const c_char,
    pub flags: u64,
    // version 2
    pub cancel: *const ctr_cancel_t,
}

pub const CTR_LOGS_OPTIONS_VERSION: c_uint = 2;
pub const CTR_LOGS_FOLLOW: u64 = 1 << 0;
pub const CTR_LOGS_STDOUT: u64 = 1 << 1;
pub const CTR_LOGS_STDERR: u64 = 1 << 2;

#[repr(C)]
pub struct ctr_logs_options_t {
    pub version: c_uint,
    pub flags: u64,
    pub since: i64,
    pub until: i64,
    pub tail: i64,
    // version 2
    pub cancel: *const ctr_cancel_t,
}

pub type ctr_log_line_fn = Option<
    unsafe extern "C" fn(
        stream: c_int,
        timestamp: i64,
        data: *const c_char,
        size: usize,
        userdata: *mut c_void,
    ) -> c_int,
>;

// ---- ctr-image.h ----
pub const CTR_IMAGE_REMOVE_FORCE: u64 = 1 << 0;
pub const CTR_IMAGE_PRUNE_ALL: u64 = 1 << 1;

pub type ctr_progress_fn = Option<unsafe extern "C" fn(done: u64, total: u64, userdata: *mut c_void) -> c_int>;

pub const CTR_IMPORT_OPTIONS_VERSION: c_uint = 1;

#[repr(C)]
pub struct ctr_import_options_t {
    pub version: c_uint,
    pub reference: *const c_char,
    pub name: *const c_char,
    pub changes: *const *const c_char,
    pub progress: ctr_progress_fn,
    pub progress_userdata: *mut c_void,
    pub cancel: *const c_int,
    pub flags: u64,
}

pub const CTR_SAVE_OPTIONS_VERSION: c_uint = 1;

#[repr(C)]
pub struct ctr_save_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub progress: ctr_progress_fn,
    pub progress_userdata: *mut c_void,
    pub cancel: *const c_int,
    pub flags: u64,
}

pub const CTR_COMMIT_OPTIONS_VERSION: c_uint = 1;
pub const CTR_COMMIT_PAUSE: u64 = 1 << 0;

#[repr(C)]
pub struct ctr_commit_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub changes: *const *const c_char,
    pub author: *const c_char,
    pub message: *const c_char,
    pub flags: u64,
    pub progress: ctr_progress_fn,
    pub progress_userdata: *mut c_void,
    pub cancel: *const c_int,
}

// ---- ctr-network.h ----
pub const CTR_NETWORK_INTERNAL: u64 = 1 << 0;
pub const CTR_NETWORK_NO_MASQUERADE: u64 = 1 << 1;
pub const CTR_NETWORK_FIREWALL: u64 = 1 << 2;
pub const CTR_NETWORK_OPTIONS_VERSION: c_uint = 1;
pub const CTR_NETWORK_REMOVE_FORCE: u64 = 1 << 0;

#[repr(C)]
pub struct ctr_network_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub driver: *const c_char,
    pub bridge: *const c_char,
    pub subnet: *const c_char,
    pub gateway: *const c_char,
    pub labels: *const *const c_char,
    pub flags: u64,
}

// ---- ctr-volume.h ----
pub const CTR_VOLUME_OPTIONS_VERSION: c_uint = 1;
pub const CTR_VOLUME_REMOVE_FORCE: u64 = 1 << 0;

#[repr(C)]
pub struct ctr_volume_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub driver: *const c_char,
    pub labels: *const *const c_char,
    pub options: *const *const c_char,
    pub flags: u64,
}

// ---- ctr-pod.h (LIBCTR_0.7) ----
pub const CTR_POD_SHARE_IPC: u32 = 1 << 0;
pub const CTR_POD_SHARE_NET: u32 = 1 << 1;
pub const CTR_POD_SHARE_UTS: u32 = 1 << 2;
pub const CTR_POD_SHARE_PID: u32 = 1 << 3;
pub const CTR_POD_SHARE_CGROUP: u32 = 1 << 4;
pub const CTR_POD_SHARE_NONE: u32 = 1 << 30;
pub const CTR_POD_SHARE_DEFAULT: u32 = CTR_POD_SHARE_IPC | CTR_POD_SHARE_NET | CTR_POD_SHARE_UTS;
pub type ctr_pod_exit_policy_t = c_uint;
pub const CTR_POD_EXIT_CONTINUE: c_int = 0;
pub const CTR_POD_EXIT_STOP: c_int = 1;
pub type ctr_pod_network_mode_t = c_uint;
pub const CTR_POD_NETWORK_BRIDGE: c_int = 0;
pub const CTR_POD_NETWORK_NONE: c_int = 1;
pub const CTR_POD_NETWORK_HOST: c_int = 2;
pub const CTR_POD_OPTIONS_VERSION: c_uint = 1;
pub const CTR_POD_CREATE_NO_INFRA: u64 = 1 << 0;
pub const CTR_POD_REMOVE_FORCE: u64 = 1 << 0;
pub const CTR_POD_REMOVE_VOLUMES: u64 = 1 << 1;

#[repr(C)]
pub struct ctr_pod_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub labels: *const *const c_char,
    pub share: u32,
    pub exit_policy: c_int,
    pub network_mode: c_int,
    pub cgroup_parent: *const c_char,
    pub hostname: *const c_char,
    pub dns_servers: *const *const c_char,
    pub dns_search: *const *const c_char,
    pub dns_options: *const *const c_char,
    pub hosts_add: *const *const c_char,
    pub port_mappings: *const ctr_port_mapping_t,
    pub n_port_mappings: usize,
    pub networks: *const *const c_char,
    pub infra_image: *const c_char,
    pub flags: u64,
    pub memory: i64,
    pub memory_swap: i64,
    pub nano_cpus: i64,
    pub cpuset_cpus: *const c_char,
    pub cpuset_mems: *const c_char,
}

// ---- ctr-kube.h (LIBCTR_0.7) ----
pub const CTR_KUBE_GENERATE_SERVICE: u64 = 1 << 0;
pub const CTR_KUBE_PLAY_OPTIONS_VERSION: c_uint = 1;
pub const CTR_KUBE_PLAY_REPLACE: u64 = 1 << 0;
pub const CTR_KUBE_PLAY_NO_START: u64 = 1 << 1;
pub type ctr_kube_report_kind_t = c_uint;
pub const CTR_KUBE_REPORT_POD: ctr_kube_report_kind_t = 0;
pub const CTR_KUBE_REPORT_CONTAINER: ctr_kube_report_kind_t = 1;
pub const CTR_KUBE_REPORT_VOLUME: ctr_kube_report_kind_t = 2;
pub const CTR_KUBE_REPORT_WARNING: ctr_kube_report_kind_t = 3;

#[repr(C)]
pub struct ctr_kube_play_options_t {
    pub version: c_uint,
    pub flags: u64,
    pub networks: *const *const c_char,
    pub configmaps: *const *const c_char,
}

pub const CTR_CHANGE_MODIFIED: c_int = 0;
pub const CTR_CHANGE_ADDED: c_int = 1;
pub const CTR_CHANGE_DELETED: c_int = 2;
/// `ctr_container_copy_*()` flags (libctr 0.6).
pub const CTR_COPY_CHOWN: u64 = 1 << 0;
pub const CTR_COPY_OVERWRITE: u64 = 1 << 1;

#[repr(C)]
pub struct ctr_change_t {
    pub path: *const c_char,
    pub kind: c_int,
}

// ---- ctr-registry.h ----
pub const CTR_TRANSFER_RESOLVING: c_int = 1;
pub const CTR_TRANSFER_BLOB: c_int = 2;
pub const CTR_TRANSFER_BLOB_DONE: c_int = 3;
pub const CTR_TRANSFER_BLOB_SKIPPED: c_int = 4;
pub const CTR_TRANSFER_WRITING: c_int = 5;
pub const CTR_TRANSFER_DONE: c_int = 6;

#[repr(C)]
pub struct ctr_transfer_progress_t {
    pub phase: c_int,
    pub reference: *const c_char,
    pub digest: *const c_char,
    pub index: c_int,
    pub n_blobs: c_int,
    pub done: u64,
    pub size: u64,
    pub total_done: u64,
    pub total: u64,
}

pub type ctr_transfer_fn =
    Option<unsafe extern "C" fn(p: *const ctr_transfer_progress_t, userdata: *mut c_void) -> c_int>;

pub const CTR_TLS_DEFAULT: c_int = 0;
pub const CTR_TLS_VERIFY: c_int = 1;
pub const CTR_TLS_NO_VERIFY: c_int = 2;

pub const CTR_PULL_ALWAYS: c_int = 0;
pub const CTR_PULL_MISSING: c_int = 1;
pub const CTR_PULL_NEVER: c_int = 2;
pub const CTR_PULL_NEWER: c_int = 3;

pub const CTR_REGISTRY_OPTIONS_VERSION: c_uint = 1;

#[repr(C)]
pub struct ctr_registry_options_t {
    pub version: c_uint,
    pub auth_file: *const c_char,
    pub username: *const c_char,
    pub password: *const c_char,
    pub registries_conf: *const c_char,
    pub certs_dir: *const c_char,
    pub tls_verify: c_int,
    pub platform: *const c_char,
    pub pull_policy: c_int,
    pub max_connections: c_uint,
    pub progress: ctr_transfer_fn,
    pub progress_userdata: *mut c_void,
    pub cancel: *const c_int,
    pub flags: u64,
}

// ---- sys/ctr-state.h ----
pub const CTR_STATE_BACKEND_VERSION: c_uint = 5;
pub const CTR_STATE_BACKEND_FACTORY_VERSION: c_uint = 1;
pub const CTR_STATE_ITER_CONFIG: c_uint = 1 << 0;
pub const CTR_STATE_ITER_STATE: c_uint = 1 << 1;
pub const CTR_STATE_SAVE_TRANSIENT: c_uint = 1 << 0;

pub type ctr_state_iter_fn = Option<
    unsafe extern "C" fn(
        id: *const c_char,
        config: *const c_char,
        state: *const c_char,
        userdata: *mut c_void,
    ) -> c_int,
>;

pub type ctr_state_obj_fn =
    Option<unsafe extern "C" fn(name: *const c_char, doc: *const c_char, userdata: *mut c_void) -> c_int>;

#[repr(C)]
pub struct ctr_state_backend_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub userdata: *mut c_void,
    pub open:
        Option<unsafe extern "C" fn(ret_db: *mut *mut c_void, dir: *const c_char, userdata: *mut c_void) -> c_int>,
    pub close: Option<unsafe extern "C" fn(db: *mut c_void)>,
    pub add: Option<
        unsafe extern "C" fn(
            db: *mut c_void,
            id: *const c_char,
            name: *const c_char,
            config: *const c_char,
            state: *const c_char,
        ) -> c_int,
    >,
    pub remove: Option<unsafe extern "C" fn(db: *mut c_void, id: *const c_char, name: *const c_char) -> c_int>,
    pub save_state: Option<unsafe extern "C" fn(db: *mut c_void, id: *const c_char, state: *const c_char) -> c_int>,
    pub get: Option<
        unsafe extern "C" fn(
            db: *mut c_void,
            id: *const c_char,
            ret_config: *mut *mut c_char,
            ret_state: *mut *mut c_char,
        ) -> c_int,
    >,
    pub lookup_name:
        Option<unsafe extern "C" fn(db: *mut c_void, name: *const c_char, ret_id: *mut *mut c_char) -> c_int>,
    pub iterate: Option<
        unsafe extern "C" fn(db: *mut c_void, flags: c_uint, fn_: ctr_state_iter_fn, userdata: *mut c_void) -> c_int,
    >,
    // version 2 (libctr 0.2)
    pub free: Option<unsafe extern "C" fn(userdata: *mut c_void)>,
    // version 3 (libctr 0.4): object records
    pub obj_add: Option<
        unsafe extern "C" fn(db: *mut c_void, kind: *const c_char, name: *const c_char, doc: *const c_char) -> c_int,
    >,
    pub obj_save: Option<
        unsafe extern "C" fn(db: *mut c_void, kind: *const c_char, name: *const c_char, doc: *const c_char) -> c_int,
    >,
    pub obj_get: Option<
        unsafe extern "C" fn(
            db: *mut c_void,
            kind: *const c_char,
            name: *const c_char,
            ret_doc: *mut *mut c_char,
        ) -> c_int,
    >,
    pub obj_remove: Option<unsafe extern "C" fn(db: *mut c_void, kind: *const c_char, name: *const c_char) -> c_int>,
    pub obj_iterate: Option<
        unsafe extern "C" fn(
            db: *mut c_void,
            kind: *const c_char,
            fn_: ctr_state_obj_fn,
            userdata: *mut c_void,
        ) -> c_int,
    >,
    // version 4 (libctr 0.6): optional
    pub rename: Option<
        unsafe extern "C" fn(
            db: *mut c_void,
            id: *const c_char,
            old_name: *const c_char,
            new_name: *const c_char,
            config: *const c_char,
            state: *const c_char,
        ) -> c_int,
    >,
    // version 5 (libctr 0.8): optional
    pub save_state_flags: Option<
        unsafe extern "C" fn(db: *mut c_void, id: *const c_char, state: *const c_char, flags: c_uint) -> c_int,
    >,
}

pub type ctr_state_backend_create_fn =
    Option<unsafe extern "C" fn(backend: *mut ctr_state_backend_t, userdata: *mut c_void) -> c_int>;

#[repr(C)]
pub struct ctr_state_backend_factory_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub create: ctr_state_backend_create_fn,
    pub userdata: *mut c_void,
}

// ---- sys/ctr-oci.h ----
pub const CTR_OCI_BACKEND_VERSION: c_uint = 2;
pub const CTR_OCI_CAP_PAUSE: u64 = 1 << 0;
pub const CTR_OCI_CAP_EXEC: u64 = 1 << 1;
pub const CTR_OCI_CAP_CHECKPOINT: u64 = 1 << 2;
pub const CTR_OCI_CAP_UPDATE: u64 = 1 << 3;
pub const CTR_OCI_CAP_ATTACH: u64 = 1 << 4;
pub const CTR_OCI_CAP_CONTROL: u64 = 1 << 5;
pub const CTR_OCI_CAP_KILL_ALL: u64 = 1 << 6;
pub const CTR_OCI_CAP_LOG: u64 = 1 << 7;

pub type ctr_oci_status_t = c_uint;
pub const CTR_OCI_STATUS_UNKNOWN: ctr_oci_status_t = 0;
pub const CTR_OCI_STATUS_CREATING: ctr_oci_status_t = 1;
pub const CTR_OCI_STATUS_CREATED: ctr_oci_status_t = 2;
pub const CTR_OCI_STATUS_RUNNING: ctr_oci_status_t = 3;
pub const CTR_OCI_STATUS_PAUSED: ctr_oci_status_t = 4;
pub const CTR_OCI_STATUS_STOPPED: ctr_oci_status_t = 5;

#[repr(C)]
pub struct ctr_oci_options_t {
    pub version: c_uint,
    pub runtime_name: *const c_char,
    pub runtime_path: *const c_char,
    pub conmon_path: *const c_char,
    pub state_dir: *const c_char,
}

#[repr(C)]
pub struct ctr_oci_container_t {
    pub version: c_uint,
    pub id: *const c_char,
    pub bundle_dir: *const c_char,
    pub run_dir: *const c_char,
    pub exit_dir: *const c_char,
    pub pid: pid_t,
    pub monitor_pid: pid_t,
}

pub const CTR_OCI_CREATE_TERMINAL: u64 = 1 << 0;
pub const CTR_OCI_CREATE_STDIN: u64 = 1 << 1;
pub const CTR_OCI_CREATE_EXIT_COMMAND: u64 = 1 << 2;
pub const CTR_OCI_CREATE_LOG_SIZE_MAX: u64 = 1 << 3;

#[repr(C)]
pub struct ctr_oci_create_options_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub log_path: *const c_char,
    pub flags: u64,
    /// Only with `CTR_OCI_CREATE_EXIT_COMMAND` in `flags`.
    pub exit_command: *const *const c_char,
    /// Only with `CTR_OCI_CREATE_LOG_SIZE_MAX` in `flags`.
    pub log_size_max: i64,
}

pub const CTR_OCI_KILL_ALL: u64 = 1 << 0;
pub const CTR_OCI_REMOVE_FORCE: u64 = 1 << 0;

#[repr(C)]
pub struct ctr_oci_exit_t {
    pub exit_code: c_int,
    pub oom_killed: c_int,
    pub finished: i64,
}

pub type ctr_oci_attached_fn = Option<unsafe extern "C" fn(userdata: *mut c_void) -> c_int>;
pub const CTR_OCI_ATTACH_RETURN_ON_STDIN_EOF: u64 = 1 << 0;
pub const CTR_OCI_EXEC_TTY: u64 = 1 << 0;

#[repr(C)]
pub struct ctr_oci_attach_options_t {
    pub version: c_uint,
    pub stdin_fd: c_int,
    pub stdout_fd: c_int,
    pub stderr_fd: c_int,
    pub detach_keys: *const c_char,
    pub flags: u64,
    pub attached: ctr_oci_attached_fn,
    pub attached_userdata: *mut c_void,
    // version 2
    pub cancel: *const ctr_cancel_t,
}

#[repr(C)]
pub struct ctr_oci_exec_options_t {
    pub version: c_uint,
    pub process_json: *const c_char,
    pub stdin_fd: c_int,
    pub stdout_fd: c_int,
    pub stderr_fd: c_int,
    pub detach_keys: *const c_char,
    pub flags: u64,
    pub timeout: c_uint,
}

pub const CTR_OCI_DETACHED: c_int = 1;

pub const CTR_OCI_CHECKPOINT_LEAVE_RUNNING: u64 = 1 << 0;
pub const CTR_OCI_CHECKPOINT_TCP_ESTABLISHED: u64 = 1 << 1;
pub const CTR_OCI_CHECKPOINT_FILE_LOCKS: u64 = 1 << 2;

/// `ctr_oci_checkpoint_options_t` (version 2).
#[repr(C)]
pub struct ctr_oci_checkpoint_options_t {
    pub version: c_uint,
    pub image_dir: *const c_char,
    pub work_dir: *const c_char,
    pub flags: u64,
}

type OciCtr = *const ctr_oci_container_t;

#[repr(C)]
pub struct ctr_oci_backend_t {
    pub version: c_uint,
    pub name: *const c_char,
    pub userdata: *mut c_void,
    pub open: Option<
        unsafe extern "C" fn(
            ret_handle: *mut *mut c_void,
            opts: *const ctr_oci_options_t,
            userdata: *mut c_void,
        ) -> c_int,
    >,
    pub close: Option<unsafe extern "C" fn(handle: *mut c_void)>,
    pub capabilities: Option<unsafe extern "C" fn(handle: *mut c_void) -> u64>,
    pub create: Option<
        unsafe extern "C" fn(
            handle: *mut c_void,
            ctr: OciCtr,
            opts: *const ctr_oci_create_options_t,
            ret_pid: *mut pid_t,
            ret_monitor_pid: *mut pid_t,
        ) -> c_int,
    >,
    pub start: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr) -> c_int>,
    pub kill: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, signal: c_int, flags: u64) -> c_int>,
    pub remove: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, flags: u64) -> c_int>,
    pub pause: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr) -> c_int>,
    pub resume: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr) -> c_int>,
    pub state: Option<
        unsafe extern "C" fn(
            handle: *mut c_void,
            ctr: OciCtr,
            ret_status: *mut ctr_oci_status_t,
            ret_pid: *mut pid_t,
        ) -> c_int,
    >,
    pub update: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, resources_json: *const c_char) -> c_int>,
    pub exec: Option<
        unsafe extern "C" fn(
            handle: *mut c_void,
            ctr: OciCtr,
            opts: *const ctr_oci_exec_options_t,
            ret_exit_code: *mut c_int,
        ) -> c_int,
    >,
    pub attach:
        Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, opts: *const ctr_oci_attach_options_t) -> c_int>,
    pub resize: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, height: c_uint, width: c_uint) -> c_int>,
    pub reopen_log: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr) -> c_int>,
    pub exit_status: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, ret: *mut ctr_oci_exit_t) -> c_int>,
    pub wait_exit: Option<
        unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, timeout_ms: c_int, ret: *mut ctr_oci_exit_t) -> c_int,
    >,
    // version 2 (libctr 0.6)
    pub exit_fd: Option<unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr) -> c_int>,
    pub checkpoint: Option<
        unsafe extern "C" fn(handle: *mut c_void, ctr: OciCtr, opts: *const ctr_oci_checkpoint_options_t) -> c_int,
    >,
    pub restore: Option<
        unsafe extern "C" fn(
            handle: *mut c_void,
            ctr: OciCtr,
            opts: *const ctr_oci_create_options_t,
            restore: *const ctr_oci_checkpoint_options_t,
            ret_pid: *mut pid_t,
            ret_monitor_pid: *mut pid_t,
        ) -> c_int,
    >,
}

extern "C" {
    // ctr-common.h
    pub fn ctr_free(p: *mut c_void);
    pub fn ctr_strv_free(strv: *mut *mut c_char);

    // ctr-error.h
    pub fn ctr_error_last() -> *const ctr_error_t;
    pub fn ctr_strerror(code: c_int) -> *const c_char;

    // ctr-runtime.h
    pub fn ctr_runtime_options_init(opts: *mut ctr_runtime_options_t, version: c_uint) -> c_int;
    pub fn ctr_runtime_new(ret: *mut *mut ctr_runtime_t, opts: *const ctr_runtime_options_t) -> c_int;
    pub fn ctr_runtime_ref(rt: *mut ctr_runtime_t) -> *mut ctr_runtime_t;
    pub fn ctr_runtime_unref(rt: *mut ctr_runtime_t) -> *mut ctr_runtime_t;
    pub fn ctr_runtime_root(rt: *const ctr_runtime_t) -> *const c_char;
    pub fn ctr_runtime_run_root(rt: *const ctr_runtime_t) -> *const c_char;
    pub fn ctr_runtime_state_backend(rt: *const ctr_runtime_t) -> *const c_char;
    pub fn ctr_runtime_oci_runtime(rt: *const ctr_runtime_t) -> *const c_char;
    pub fn ctr_runtime_boot_id(rt: *const ctr_runtime_t) -> *const c_char;
    pub fn ctr_runtime_lookup(
        rt: *mut ctr_runtime_t,
        id_or_name: *const c_char,
        ret: *mut *mut ctr_container_t,
    ) -> c_int;
    pub fn ctr_runtime_list(
        rt: *mut ctr_runtime_t,
        filter: ctr_container_filter_fn,
        userdata: *mut c_void,
        ret: *mut *mut *mut ctr_container_t,
        ret_count: *mut usize,
    ) -> c_int;
    pub fn ctr_container_list_free(list: *mut *mut ctr_container_t, count: usize);
    pub fn ctr_runtime_remove(rt: *mut ctr_runtime_t, id_or_name: *const c_char, flags: u64) -> c_int;
    pub fn ctr_runtime_refresh(rt: *mut ctr_runtime_t) -> c_int;

    // ctr-container.h
    pub fn ctr_state_name(state: ctr_state_t) -> *const c_char;
    pub fn ctr_container_options_init(opts: *mut ctr_container_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_create(
        ret: *mut *mut ctr_container_t,
        rt: *mut ctr_runtime_t,
        opts: *const ctr_container_options_t,
    ) -> c_int;
    pub fn ctr_container_ref(c: *mut ctr_container_t) -> *mut ctr_container_t;
    pub fn ctr_container_unref(c: *mut ctr_container_t) -> *mut ctr_container_t;
    pub fn ctr_container_runtime(c: *const ctr_container_t) -> *mut ctr_runtime_t;
    pub fn ctr_container_id(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_name(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_pod(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_rootfs(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_image_id(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_image_name(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_user(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_workdir(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_hostname(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_damage(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_static_dir(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_shm_dir(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_log_path(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_cgroup_parent(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_process_label(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_mount_label(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_created(c: *const ctr_container_t) -> i64;
    pub fn ctr_container_flags(c: *const ctr_container_t) -> u64;
    pub fn ctr_container_shm_size(c: *const ctr_container_t) -> i64;
    pub fn ctr_container_stop_signal(c: *const ctr_container_t) -> c_int;
    pub fn ctr_container_stop_timeout(c: *const ctr_container_t) -> c_uint;
    pub fn ctr_container_ns_ctr(c: *const ctr_container_t, ns: ctr_ns_t) -> *const c_char;
    pub fn ctr_container_command(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_entrypoint(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_env(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_dns_servers(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_dns_search(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_dns_options(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_hosts_add(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_mounts(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_networks(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_volumes(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_exposed_ports(c: *const ctr_container_t) -> *const *const c_char;
    pub fn ctr_container_netns_path(c: *const ctr_container_t) -> *const c_char;
    pub fn ctr_container_port_mappings(c: *const ctr_container_t, ret: *mut *const ctr_port_mapping_t) -> usize;
    pub fn ctr_container_label(c: *const ctr_container_t, key: *const c_char) -> *const c_char;
    pub fn ctr_container_labels(c: *const ctr_container_t, ret: *mut *mut *mut c_char) -> c_int;
    pub fn ctr_container_config_json(c: *const ctr_container_t, ret: *mut *mut c_char) -> c_int;
    // libctr 0.5
    pub fn ctr_container_get_options(c: *const ctr_container_t, ret: *mut *mut ctr_container_options_t) -> c_int;
    pub fn ctr_container_options_free(o: *mut ctr_container_options_t);
    pub fn ctr_container_spec_json(c: *const ctr_container_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_container_dependencies(c: *const ctr_container_t, ret: *mut *mut *mut c_char) -> c_int;
    pub fn ctr_container_sync(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_state(c: *mut ctr_container_t, ret: *mut ctr_state_t) -> c_int;
    pub fn ctr_container_pid(c: *mut ctr_container_t, ret: *mut pid_t) -> c_int;
    pub fn ctr_container_exit_code(c: *mut ctr_container_t, ret: *mut c_int) -> c_int;
    pub fn ctr_container_oom_killed(c: *mut ctr_container_t, ret: *mut c_int) -> c_int;
    pub fn ctr_container_started_at(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
    pub fn ctr_container_finished_at(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
    pub fn ctr_container_mounted(c: *mut ctr_container_t, ret_mounted: *mut c_int, ret_path: *mut *mut c_char)
        -> c_int;
    pub fn ctr_container_state_json(c: *mut ctr_container_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_container_namespace_path(c: *mut ctr_container_t, ns: ctr_ns_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_container_artifact_add(
        c: *mut ctr_container_t,
        name: *const c_char,
        data: *const c_void,
        size: usize,
    ) -> c_int;
    pub fn ctr_container_artifact_get(
        c: *mut ctr_container_t,
        name: *const c_char,
        ret: *mut *mut c_void,
        ret_size: *mut usize,
    ) -> c_int;
    pub fn ctr_container_artifact_remove(c: *mut ctr_container_t, name: *const c_char) -> c_int;
    pub fn ctr_container_batch(c: *mut ctr_container_t, fn_: ctr_batch_fn, userdata: *mut c_void) -> c_int;
    pub fn ctr_container_remove(c: *mut ctr_container_t, flags: u64) -> c_int;
    // libctr 0.6
    pub fn ctr_container_rename(c: *mut ctr_container_t, new_name: *const c_char) -> c_int;
    pub fn ctr_container_update(
        c: *mut ctr_container_t,
        resources: *const ctr_container_options_t,
        fields: u64,
    ) -> c_int;

    // ctr-lifecycle.h
    pub fn ctr_container_init(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_start(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_stop(c: *mut ctr_container_t, timeout: c_int) -> c_int;
    pub fn ctr_container_kill(c: *mut ctr_container_t, signal: c_int) -> c_int;
    pub fn ctr_container_pause(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_unpause(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_wait(c: *mut ctr_container_t, timeout_ms: i64, ret_exit_code: *mut c_int) -> c_int;
    pub fn ctr_container_cleanup(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_exec_options_init(opts: *mut ctr_exec_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_exec(
        c: *mut ctr_container_t,
        opts: *const ctr_exec_options_t,
        ret_exit_code: *mut c_int,
    ) -> c_int;
    pub fn ctr_container_inspect(c: *mut ctr_container_t, flags: u64, ret: *mut *mut c_char) -> c_int;
    // libctr 0.6
    pub fn ctr_container_top(
        c: *mut ctr_container_t,
        descriptors: *const *const c_char,
        ret: *mut *mut ctr_top_t,
    ) -> c_int;
    pub fn ctr_container_top_free(top: *mut ctr_top_t);
    pub fn ctr_container_stats(c: *mut ctr_container_t, prev: *const ctr_stats_t, ret: *mut *mut ctr_stats_t) -> c_int;
    pub fn ctr_stats_free(s: *mut ctr_stats_t);
    pub fn ctr_stats_options_init(opts: *mut ctr_stats_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_stats_stream(
        cs: *const *mut ctr_container_t,
        n: usize,
        opts: *const ctr_stats_options_t,
        f: ctr_stats_fn,
        userdata: *mut c_void,
    ) -> c_int;

    // ctr-events.h, libctr 0.6
    pub fn ctr_events_options_init(opts: *mut ctr_events_options_t, version: c_uint) -> c_int;
    pub fn ctr_events_open(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_events_options_t,
        ret: *mut *mut ctr_events_t,
    ) -> c_int;
    pub fn ctr_events_next(e: *mut ctr_events_t, timeout_ms: i64, ret: *mut *mut ctr_event_t) -> c_int;
    pub fn ctr_events_fd(e: *mut ctr_events_t) -> c_int;
    pub fn ctr_events_cancel(e: *mut ctr_events_t) -> c_int;
    pub fn ctr_events_close(e: *mut ctr_events_t) -> *mut ctr_events_t;
    pub fn ctr_event_free(ev: *mut ctr_event_t);
    pub fn ctr_events_read(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_events_options_t,
        fn_: ctr_events_fn,
        userdata: *mut c_void,
    ) -> c_int;
    pub fn ctr_container_checkpoint(c: *mut ctr_container_t, opts: *const ctr_checkpoint_options_t) -> c_int;
    pub fn ctr_container_restore(c: *mut ctr_container_t, opts: *const ctr_restore_options_t) -> c_int;
    pub fn ctr_runtime_restore(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_restore_options_t,
        ret: *mut *mut ctr_container_t,
    ) -> c_int;

    // ctr-io.h
    pub fn ctr_attach_options_init(opts: *mut ctr_attach_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_attach(c: *mut ctr_container_t, opts: *const ctr_attach_options_t) -> c_int;
    pub fn ctr_container_resize(c: *mut ctr_container_t, height: c_uint, width: c_uint) -> c_int;
    pub fn ctr_logs_options_init(opts: *mut ctr_logs_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_logs(
        c: *mut ctr_container_t,
        opts: *const ctr_logs_options_t,
        fn_: ctr_log_line_fn,
        userdata: *mut c_void,
    ) -> c_int;

    // ctr-image.h (newer module: call through `optional` to run without it)
    pub fn ctr_image_ref(img: *mut ctr_image_t) -> *mut ctr_image_t;
    pub fn ctr_image_unref(img: *mut ctr_image_t) -> *mut ctr_image_t;
    pub fn ctr_image_id(img: *const ctr_image_t) -> *const c_char;
    pub fn ctr_image_digest(img: *const ctr_image_t) -> *const c_char;
    pub fn ctr_image_names(img: *const ctr_image_t) -> *const *const c_char;
    pub fn ctr_image_created(img: *const ctr_image_t) -> i64;
    pub fn ctr_image_size(img: *const ctr_image_t) -> i64;
    pub fn ctr_image_layer_count(img: *const ctr_image_t) -> usize;
    pub fn ctr_image_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut ctr_image_t, ret_count: *mut usize) -> c_int;
    pub fn ctr_image_list_free(list: *mut *mut ctr_image_t, count: usize);
    pub fn ctr_image_lookup(rt: *mut ctr_runtime_t, name_or_id: *const c_char, ret: *mut *mut ctr_image_t) -> c_int;
    pub fn ctr_image_tag(img: *mut ctr_image_t, name: *const c_char) -> c_int;
    pub fn ctr_image_untag(img: *mut ctr_image_t, name: *const c_char) -> c_int;
    pub fn ctr_image_remove(rt: *mut ctr_runtime_t, name_or_id: *const c_char, flags: u64) -> c_int;
    pub fn ctr_image_prune(rt: *mut ctr_runtime_t, flags: u64, ret_removed: *mut *mut *mut c_char) -> c_int;
    pub fn ctr_image_inspect(img: *mut ctr_image_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_image_config_json(img: *mut ctr_image_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_import_options_init(opts: *mut ctr_import_options_t, version: c_uint) -> c_int;
    pub fn ctr_image_import(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_import_options_t,
        ret: *mut *mut ctr_image_t,
    ) -> c_int;
    pub fn ctr_save_options_init(opts: *mut ctr_save_options_t, version: c_uint) -> c_int;
    pub fn ctr_image_save(img: *mut ctr_image_t, reference: *const c_char, opts: *const ctr_save_options_t) -> c_int;
    pub fn ctr_container_mount(
        c: *mut ctr_container_t,
        mount_label: *const c_char,
        ret_path: *mut *mut c_char,
    ) -> c_int;
    pub fn ctr_container_unmount(c: *mut ctr_container_t, force: c_int) -> c_int;
    pub fn ctr_container_rootfs_size(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
    pub fn ctr_container_rw_size(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
    pub fn ctr_container_export(c: *mut ctr_container_t, fd: c_int) -> c_int;
    pub fn ctr_commit_options_init(opts: *mut ctr_commit_options_t, version: c_uint) -> c_int;
    pub fn ctr_container_commit(
        c: *mut ctr_container_t,
        opts: *const ctr_commit_options_t,
        ret: *mut *mut ctr_image_t,
    ) -> c_int;

    // ctr-network.h (newer module)
    pub fn ctr_network_options_init(opts: *mut ctr_network_options_t, version: c_uint) -> c_int;
    pub fn ctr_network_create(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_network_options_t,
        ret_path: *mut *mut c_char,
    ) -> c_int;
    pub fn ctr_network_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut c_char) -> c_int;
    pub fn ctr_network_inspect(rt: *mut ctr_runtime_t, name: *const c_char, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_network_remove(rt: *mut ctr_runtime_t, name: *const c_char, flags: u64) -> c_int;
    pub fn ctr_container_ip_address(c: *mut ctr_container_t, network: *const c_char, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_container_networks_json(c: *mut ctr_container_t, ret: *mut *mut c_char) -> c_int;

    // ctr-volume.h (LIBCTR_0.4)
    pub fn ctr_volume_options_init(opts: *mut ctr_volume_options_t, version: c_uint) -> c_int;
    pub fn ctr_volume_create(
        rt: *mut ctr_runtime_t,
        opts: *const ctr_volume_options_t,
        ret: *mut *mut ctr_volume_t,
    ) -> c_int;
    pub fn ctr_volume_lookup(rt: *mut ctr_runtime_t, name: *const c_char, ret: *mut *mut ctr_volume_t) -> c_int;
    pub fn ctr_volume_exists(rt: *mut ctr_runtime_t, name: *const c_char) -> c_int;
    pub fn ctr_volume_list(
        rt: *mut ctr_runtime_t,
        filters: *const *const c_char,
        ret: *mut *mut *mut ctr_volume_t,
        ret_count: *mut usize,
    ) -> c_int;
    pub fn ctr_volume_list_free(list: *mut *mut ctr_volume_t, count: usize);
    pub fn ctr_volume_ref(v: *mut ctr_volume_t) -> *mut ctr_volume_t;
    pub fn ctr_volume_unref(v: *mut ctr_volume_t) -> *mut ctr_volume_t;
    pub fn ctr_volume_name(v: *const ctr_volume_t) -> *const c_char;
    pub fn ctr_volume_driver(v: *const ctr_volume_t) -> *const c_char;
    pub fn ctr_volume_mountpoint(v: *const ctr_volume_t) -> *const c_char;
    pub fn ctr_volume_labels(v: *const ctr_volume_t) -> *const *const c_char;
    pub fn ctr_volume_options(v: *const ctr_volume_t) -> *const *const c_char;
    pub fn ctr_volume_created(v: *const ctr_volume_t) -> i64;
    pub fn ctr_volume_anonymous(v: *const ctr_volume_t) -> c_int;
    pub fn ctr_volume_inspect(v: *mut ctr_volume_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_volume_remove(rt: *mut ctr_runtime_t, name: *const c_char, flags: u64) -> c_int;
    pub fn ctr_volume_prune(
        rt: *mut ctr_runtime_t,
        filters: *const *const c_char,
        flags: u64,
        ret_removed: *mut *mut *mut c_char,
    ) -> c_int;

    // ctr-pod.h (LIBCTR_0.7)
    pub fn ctr_pod_options_init(opts: *mut ctr_pod_options_t, version: c_uint) -> c_int;
    pub fn ctr_pod_create(rt: *mut ctr_runtime_t, opts: *const ctr_pod_options_t, ret: *mut *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_lookup(rt: *mut ctr_runtime_t, reference: *const c_char, ret: *mut *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut ctr_pod_t, ret_count: *mut usize) -> c_int;
    pub fn ctr_pod_list_filter(
        rt: *mut ctr_runtime_t,
        filters: *const *const c_char,
        ret: *mut *mut *mut ctr_pod_t,
        ret_count: *mut usize,
    ) -> c_int;
    pub fn ctr_pod_list_free(list: *mut *mut ctr_pod_t, count: usize);
    pub fn ctr_pod_ref(pod: *mut ctr_pod_t) -> *mut ctr_pod_t;
    pub fn ctr_pod_unref(pod: *mut ctr_pod_t) -> *mut ctr_pod_t;
    pub fn ctr_pod_id(pod: *const ctr_pod_t) -> *const c_char;
    pub fn ctr_pod_name(pod: *const ctr_pod_t) -> *const c_char;
    pub fn ctr_pod_infra_id(pod: *const ctr_pod_t) -> *const c_char;
    pub fn ctr_pod_cgroup_path(pod: *const ctr_pod_t) -> *const c_char;
    pub fn ctr_pod_share(pod: *const ctr_pod_t) -> u32;
    pub fn ctr_pod_created(pod: *const ctr_pod_t) -> i64;
    pub fn ctr_pod_containers(pod: *mut ctr_pod_t, ret: *mut *mut *mut c_char) -> c_int;
    pub fn ctr_pod_status(pod: *mut ctr_pod_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_pod_start(pod: *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_stop(pod: *mut ctr_pod_t, timeout: c_int) -> c_int;
    pub fn ctr_pod_kill(pod: *mut ctr_pod_t, signal: c_int) -> c_int;
    pub fn ctr_pod_pause(pod: *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_unpause(pod: *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_restart(pod: *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_apply_exit_policy(pod: *mut ctr_pod_t) -> c_int;
    pub fn ctr_pod_top(pod: *mut ctr_pod_t, descriptors: *const *const c_char, ret: *mut *mut ctr_top_t) -> c_int;
    pub fn ctr_pod_stats(
        pod: *mut ctr_pod_t,
        prev: *const *const ctr_stats_t,
        n_prev: usize,
        ret: *mut *mut *mut ctr_stats_t,
        ret_count: *mut usize,
    ) -> c_int;
    pub fn ctr_pod_stats_free(stats: *mut *mut ctr_stats_t, count: usize);
    pub fn ctr_pod_remove(pod: *mut ctr_pod_t, flags: u64) -> c_int;
    pub fn ctr_pod_inspect(pod: *mut ctr_pod_t, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_pod_runtime(pod: *const ctr_pod_t) -> *mut ctr_runtime_t;

    // ctr-kube.h (LIBCTR_0.7)
    pub fn ctr_pod_generate_kube(pod: *mut ctr_pod_t, flags: u64, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_container_generate_kube(c: *mut ctr_container_t, flags: u64, ret: *mut *mut c_char) -> c_int;
    pub fn ctr_kube_play(
        rt: *mut ctr_runtime_t,
        yaml: *const c_char,
        len: usize,
        opts: *const ctr_kube_play_options_t,
        ret: *mut *mut ctr_kube_report_t,
    ) -> c_int;
    pub fn ctr_kube_down(
        rt: *mut ctr_runtime_t,
        yaml: *const c_char,
        len: usize,
        ret: *mut *mut ctr_kube_report_t,
    ) -> c_int;
    pub fn ctr_kube_report_count(report: *const ctr_kube_report_t, kind: ctr_kube_report_kind_t) -> usize;
    pub fn ctr_kube_report_get(
        report: *const ctr_kube_report_t,
        kind: ctr_kube_report_kind_t,
        i: usize,
    ) -> *const c_char;
    pub fn ctr_kube_report_free(report: *mut ctr_kube_report_t);

    // sys/ctr-state.h, sys/ctr-oci.h (plug-in APIs)
    pub fn ctr_state_backend_register(backend: *const ctr_state_backend_t) -> c_int;
    // LIBCTR_0.2
    // ctr-image.h (LIBCTR_0.6)
    pub fn ctr_container_diff(c: *mut ctr_container_t, ret: *mut *mut ctr_change_t, ret_count: *mut usize) -> c_int;
    pub fn ctr_changes_free(changes: *mut ctr_change_t, count: usize);
    pub fn ctr_container_copy_to(c: *mut ctr_container_t, src: *const c_char, dst: *const c_char, flags: u64) -> c_int;
    pub fn ctr_container_copy_from(
        c: *mut ctr_container_t,
        src: *const c_char,
        dst: *const c_char,
        flags: u64,
    ) -> c_int;
    pub fn ctr_container_copy_to_fd(c: *mut ctr_container_t, fd: c_int, dst: *const c_char, flags: u64) -> c_int;
    pub fn ctr_container_copy_from_fd(c: *mut ctr_container_t, src: *const c_char, fd: c_int, flags: u64) -> c_int;

    // ctr-common.h, ctr-lifecycle.h (LIBCTR_0.6): cancellation, waiters
    pub fn ctr_cancel_new(ret: *mut *mut ctr_cancel_t) -> c_int;
    pub fn ctr_cancel_trigger(t: *mut ctr_cancel_t) -> c_int;
    pub fn ctr_cancel_reset(t: *mut ctr_cancel_t) -> c_int;
    pub fn ctr_cancel_fd(t: *const ctr_cancel_t) -> c_int;
    pub fn ctr_cancel_free(t: *mut ctr_cancel_t);
    pub fn ctr_container_waiter_new(c: *mut ctr_container_t, states: c_uint, ret: *mut *mut ctr_waiter_t) -> c_int;
    pub fn ctr_waiter_fd(w: *const ctr_waiter_t) -> c_int;
    pub fn ctr_waiter_check(w: *mut ctr_waiter_t, ret_state: *mut ctr_state_t, ret_exit_code: *mut c_int) -> c_int;
    pub fn ctr_waiter_free(w: *mut ctr_waiter_t);
    pub fn ctr_container_restart(c: *mut ctr_container_t, timeout: c_int) -> c_int;
    pub fn ctr_container_apply_restart_policy(c: *mut ctr_container_t) -> c_int;
    pub fn ctr_container_healthcheck_run(c: *mut ctr_container_t, ret_status: *mut ctr_health_status_t) -> c_int;
    pub fn ctr_container_health_status(c: *mut ctr_container_t, ret: *mut ctr_health_status_t) -> c_int;
    pub fn ctr_container_wait_for(
        c: *mut ctr_container_t,
        states: c_uint,
        timeout_ms: i64,
        cancel: *const ctr_cancel_t,
        ret_state: *mut ctr_state_t,
        ret_exit_code: *mut c_int,
    ) -> c_int;

    // ctr-registry.h (LIBCTR_0.5)
    pub fn ctr_registry_options_init(opts: *mut ctr_registry_options_t, version: c_uint) -> c_int;
    pub fn ctr_image_pull(
        rt: *mut ctr_runtime_t,
        reference: *const c_char,
        opts: *const ctr_registry_options_t,
        ret: *mut *mut ctr_image_t,
    ) -> c_int;
    pub fn ctr_image_pull_policy(
        rt: *mut ctr_runtime_t,
        reference: *const c_char,
        opts: *const ctr_registry_options_t,
        ret: *mut *mut ctr_image_t,
    ) -> c_int;
    pub fn ctr_image_push(
        img: *mut ctr_image_t,
        dest: *const c_char,
        opts: *const ctr_registry_options_t,
        ret_digest: *mut *mut c_char,
    ) -> c_int;
    pub fn ctr_registry_login(
        registry: *const c_char,
        username: *const c_char,
        password: *const c_char,
        opts: *const ctr_registry_options_t,
    ) -> c_int;
    pub fn ctr_registry_logout(registry: *const c_char, opts: *const ctr_registry_options_t) -> c_int;
    pub fn ctr_registry_login_user(
        registry: *const c_char,
        opts: *const ctr_registry_options_t,
        ret_username: *mut *mut c_char,
    ) -> c_int;
    pub fn ctr_image_resolve_name(
        reference: *const c_char,
        opts: *const ctr_registry_options_t,
        ret: *mut *mut *mut c_char,
    ) -> c_int;
    pub fn ctr_state_backend_factory_register(factory: *const ctr_state_backend_factory_t) -> c_int;
    pub fn ctr_state_backend_unregister(name: *const c_char) -> c_int;
    pub fn ctr_state_backend_error(code: c_int, format: *const c_char, ...) -> c_int;
    pub fn ctr_oci_backend_register(backend: *const ctr_oci_backend_t) -> c_int;
    pub fn ctr_oci_backend_error(code: c_int, format: *const c_char, ...) -> c_int;
}

/// The newer modules resolved at run time: each function returns `None`
/// when the loaded libctr lacks the symbol, else calls it.  Signatures are
/// those of the `extern` block above (the header test checks both).
pub mod optional {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    extern "C" {
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }
    const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();
    const UNRESOLVED: usize = 1;

    unsafe fn resolve(cache: &AtomicUsize, name: &'static [u8]) -> usize {
        let mut p = cache.load(Ordering::Acquire);
        if p == UNRESOLVED {
            p = dlsym(RTLD_DEFAULT, name.as_ptr() as *const c_char) as usize;
            cache.store(p, Ordering::Release);
        }
        p
    }

    /// Whether the loaded libctr exports `name`.
    pub fn has(name: &str) -> bool {
        let mut n = name.as_bytes().to_vec();
        n.push(0);
        unsafe { !dlsym(RTLD_DEFAULT, n.as_ptr() as *const c_char).is_null() }
    }

    macro_rules! optional {
        ($(pub fn $name:ident($($arg:ident: $t:ty),* $(,)?) $(-> $ret:ty)?;)*) => {$(
            #[allow(clippy::too_many_arguments)]
            pub unsafe fn $name($($arg: $t),*) -> Option<optional!(@ret $($ret)?)> {
                static CACHE: AtomicUsize = AtomicUsize::new(UNRESOLVED);
                let p = resolve(&CACHE, concat!(stringify!($name), "\0").as_bytes());
                if p == 0 {
                    return None;
                }
                let f: unsafe extern "C" fn($($t),*) -> optional!(@ret $($ret)?) = std::mem::transmute(p);
                Some(f($($arg),*))
            }
        )*};
        (@ret $ret:ty) => { $ret };
        (@ret) => { () };
    }

    optional! {
        pub fn ctr_runtime_refresh(rt: *mut ctr_runtime_t) -> c_int;
        pub fn ctr_image_ref(img: *mut ctr_image_t) -> *mut ctr_image_t;
        pub fn ctr_image_unref(img: *mut ctr_image_t) -> *mut ctr_image_t;
        pub fn ctr_image_id(img: *const ctr_image_t) -> *const c_char;
        pub fn ctr_image_digest(img: *const ctr_image_t) -> *const c_char;
        pub fn ctr_image_names(img: *const ctr_image_t) -> *const *const c_char;
        pub fn ctr_image_created(img: *const ctr_image_t) -> i64;
        pub fn ctr_image_size(img: *const ctr_image_t) -> i64;
        pub fn ctr_image_layer_count(img: *const ctr_image_t) -> usize;
        pub fn ctr_image_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut ctr_image_t, ret_count: *mut usize) -> c_int;
        pub fn ctr_image_list_free(list: *mut *mut ctr_image_t, count: usize);
        pub fn ctr_image_lookup(rt: *mut ctr_runtime_t, name_or_id: *const c_char, ret: *mut *mut ctr_image_t) -> c_int;
        pub fn ctr_image_tag(img: *mut ctr_image_t, name: *const c_char) -> c_int;
        pub fn ctr_image_untag(img: *mut ctr_image_t, name: *const c_char) -> c_int;
        pub fn ctr_image_remove(rt: *mut ctr_runtime_t, name_or_id: *const c_char, flags: u64) -> c_int;
        pub fn ctr_image_prune(rt: *mut ctr_runtime_t, flags: u64, ret_removed: *mut *mut *mut c_char) -> c_int;
        pub fn ctr_image_inspect(img: *mut ctr_image_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_image_config_json(img: *mut ctr_image_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_import_options_init(opts: *mut ctr_import_options_t, version: c_uint) -> c_int;
        pub fn ctr_image_import(rt: *mut ctr_runtime_t, opts: *const ctr_import_options_t, ret: *mut *mut ctr_image_t) -> c_int;
        pub fn ctr_save_options_init(opts: *mut ctr_save_options_t, version: c_uint) -> c_int;
        pub fn ctr_image_save(img: *mut ctr_image_t, reference: *const c_char, opts: *const ctr_save_options_t) -> c_int;
        pub fn ctr_container_mount(c: *mut ctr_container_t, mount_label: *const c_char, ret_path: *mut *mut c_char) -> c_int;
        pub fn ctr_container_unmount(c: *mut ctr_container_t, force: c_int) -> c_int;
        pub fn ctr_container_rootfs_size(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
        pub fn ctr_container_rw_size(c: *mut ctr_container_t, ret: *mut i64) -> c_int;
        pub fn ctr_container_export(c: *mut ctr_container_t, fd: c_int) -> c_int;
        pub fn ctr_commit_options_init(opts: *mut ctr_commit_options_t, version: c_uint) -> c_int;
        pub fn ctr_container_commit(c: *mut ctr_container_t, opts: *const ctr_commit_options_t, ret: *mut *mut ctr_image_t) -> c_int;
        pub fn ctr_network_options_init(opts: *mut ctr_network_options_t, version: c_uint) -> c_int;
        pub fn ctr_network_create(rt: *mut ctr_runtime_t, opts: *const ctr_network_options_t, ret_path: *mut *mut c_char) -> c_int;
        pub fn ctr_network_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut c_char) -> c_int;
        pub fn ctr_network_inspect(rt: *mut ctr_runtime_t, name: *const c_char, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_network_remove(rt: *mut ctr_runtime_t, name: *const c_char, flags: u64) -> c_int;
        pub fn ctr_container_ip_address(c: *mut ctr_container_t, network: *const c_char, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_container_networks_json(c: *mut ctr_container_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_volume_options_init(opts: *mut ctr_volume_options_t, version: c_uint) -> c_int;
        pub fn ctr_volume_create(rt: *mut ctr_runtime_t, opts: *const ctr_volume_options_t, ret: *mut *mut ctr_volume_t) -> c_int;
        pub fn ctr_volume_lookup(rt: *mut ctr_runtime_t, name: *const c_char, ret: *mut *mut ctr_volume_t) -> c_int;
        pub fn ctr_volume_exists(rt: *mut ctr_runtime_t, name: *const c_char) -> c_int;
        pub fn ctr_volume_list(rt: *mut ctr_runtime_t, filters: *const *const c_char, ret: *mut *mut *mut ctr_volume_t, ret_count: *mut usize) -> c_int;
        pub fn ctr_volume_list_free(list: *mut *mut ctr_volume_t, count: usize);
        pub fn ctr_volume_ref(v: *mut ctr_volume_t) -> *mut ctr_volume_t;
        pub fn ctr_volume_unref(v: *mut ctr_volume_t) -> *mut ctr_volume_t;
        pub fn ctr_volume_name(v: *const ctr_volume_t) -> *const c_char;
        pub fn ctr_volume_driver(v: *const ctr_volume_t) -> *const c_char;
        pub fn ctr_volume_mountpoint(v: *const ctr_volume_t) -> *const c_char;
        pub fn ctr_volume_labels(v: *const ctr_volume_t) -> *const *const c_char;
        pub fn ctr_volume_options(v: *const ctr_volume_t) -> *const *const c_char;
        pub fn ctr_volume_created(v: *const ctr_volume_t) -> i64;
        pub fn ctr_volume_anonymous(v: *const ctr_volume_t) -> c_int;
        pub fn ctr_volume_inspect(v: *mut ctr_volume_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_volume_remove(rt: *mut ctr_runtime_t, name: *const c_char, flags: u64) -> c_int;
        pub fn ctr_volume_prune(rt: *mut ctr_runtime_t, filters: *const *const c_char, flags: u64, ret_removed: *mut *mut *mut c_char) -> c_int;
        pub fn ctr_pod_options_init(opts: *mut ctr_pod_options_t, version: c_uint) -> c_int;
        pub fn ctr_pod_create(rt: *mut ctr_runtime_t, opts: *const ctr_pod_options_t, ret: *mut *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_lookup(rt: *mut ctr_runtime_t, reference: *const c_char, ret: *mut *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_list(rt: *mut ctr_runtime_t, ret: *mut *mut *mut ctr_pod_t, ret_count: *mut usize) -> c_int;
        pub fn ctr_pod_list_filter(
            rt: *mut ctr_runtime_t,
            filters: *const *const c_char,
            ret: *mut *mut *mut ctr_pod_t,
            ret_count: *mut usize,
        ) -> c_int;
        pub fn ctr_pod_list_free(list: *mut *mut ctr_pod_t, count: usize);
        pub fn ctr_pod_ref(pod: *mut ctr_pod_t) -> *mut ctr_pod_t;
        pub fn ctr_pod_unref(pod: *mut ctr_pod_t) -> *mut ctr_pod_t;
        pub fn ctr_pod_id(pod: *const ctr_pod_t) -> *const c_char;
        pub fn ctr_pod_name(pod: *const ctr_pod_t) -> *const c_char;
        pub fn ctr_pod_infra_id(pod: *const ctr_pod_t) -> *const c_char;
        pub fn ctr_pod_cgroup_path(pod: *const ctr_pod_t) -> *const c_char;
        pub fn ctr_pod_share(pod: *const ctr_pod_t) -> u32;
        pub fn ctr_pod_created(pod: *const ctr_pod_t) -> i64;
        pub fn ctr_pod_containers(pod: *mut ctr_pod_t, ret: *mut *mut *mut c_char) -> c_int;
        pub fn ctr_pod_status(pod: *mut ctr_pod_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_pod_start(pod: *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_stop(pod: *mut ctr_pod_t, timeout: c_int) -> c_int;
        pub fn ctr_pod_kill(pod: *mut ctr_pod_t, signal: c_int) -> c_int;
        pub fn ctr_pod_pause(pod: *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_unpause(pod: *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_restart(pod: *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_apply_exit_policy(pod: *mut ctr_pod_t) -> c_int;
        pub fn ctr_pod_top(pod: *mut ctr_pod_t, descriptors: *const *const c_char, ret: *mut *mut ctr_top_t) -> c_int;
        pub fn ctr_pod_stats(pod: *mut ctr_pod_t, prev: *const *const ctr_stats_t, n_prev: usize, ret: *mut *mut *mut ctr_stats_t, ret_count: *mut usize) -> c_int;
        pub fn ctr_pod_stats_free(stats: *mut *mut ctr_stats_t, count: usize);
        pub fn ctr_pod_remove(pod: *mut ctr_pod_t, flags: u64) -> c_int;
        pub fn ctr_pod_inspect(pod: *mut ctr_pod_t, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_pod_runtime(pod: *const ctr_pod_t) -> *mut ctr_runtime_t;
        pub fn ctr_pod_generate_kube(pod: *mut ctr_pod_t, flags: u64, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_container_generate_kube(c: *mut ctr_container_t, flags: u64, ret: *mut *mut c_char) -> c_int;
        pub fn ctr_kube_play(rt: *mut ctr_runtime_t, yaml: *const c_char, len: usize, opts: *const ctr_kube_play_options_t, ret: *mut *mut ctr_kube_report_t) -> c_int;
        pub fn ctr_kube_down(rt: *mut ctr_runtime_t, yaml: *const c_char, len: usize, ret: *mut *mut ctr_kube_report_t) -> c_int;
        pub fn ctr_kube_report_count(report: *const ctr_kube_report_t, kind: ctr_kube_report_kind_t) -> usize;
        pub fn ctr_kube_report_get(report: *const ctr_kube_report_t, kind: ctr_kube_report_kind_t, i: usize) -> *const c_char;
        pub fn ctr_kube_report_free(report: *mut ctr_kube_report_t);
        pub fn ctr_container_diff(c: *mut ctr_container_t, ret: *mut *mut ctr_change_t, ret_count: *mut usize) -> c_int;
        pub fn ctr_changes_free(changes: *mut ctr_change_t, count: usize);
        pub fn ctr_container_copy_to(c: *mut ctr_container_t, src: *const c_char, dst: *const c_char, flags: u64) -> c_int;
        pub fn ctr_container_copy_from(c: *mut ctr_container_t, src: *const c_char, dst: *const c_char, flags: u64) -> c_int;
        pub fn ctr_container_copy_to_fd(c: *mut ctr_container_t, fd: c_int, dst: *const c_char, flags: u64) -> c_int;
        pub fn ctr_container_copy_from_fd(c: *mut ctr_container_t, src: *const c_char, fd: c_int, flags: u64) -> c_int;
        pub fn ctr_registry_options_init(opts: *mut ctr_registry_options_t, version: c_uint) -> c_int;
        pub fn ctr_image_pull(rt: *mut ctr_runtime_t, reference: *const c_char, opts: *const ctr_registry_options_t, ret: *mut *mut ctr_image_t) -> c_int;
        pub fn ctr_image_pull_policy(rt: *mut ctr_runtime_t, reference: *const c_char, opts: *const ctr_registry_options_t, ret: *mut *mut ctr_image_t) -> c_int;
        pub fn ctr_image_push(img: *mut ctr_image_t, dest: *const c_char, opts: *const ctr_registry_options_t, ret_digest: *mut *mut c_char) -> c_int;
        pub fn ctr_registry_login(registry: *const c_char, username: *const c_char, password: *const c_char, opts: *const ctr_registry_options_t) -> c_int;
        pub fn ctr_registry_logout(registry: *const c_char, opts: *const ctr_registry_options_t) -> c_int;
        pub fn ctr_registry_login_user(registry: *const c_char, opts: *const ctr_registry_options_t, ret_username: *mut *mut c_char) -> c_int;
        pub fn ctr_image_resolve_name(reference: *const c_char, opts: *const ctr_registry_options_t, ret: *mut *mut *mut c_char) -> c_int;
    }
}
