// SPDX-License-Identifier: LGPL-2.1-or-later
//! Version 3 of the container options (libctr 0.4): podman run's mounts,
//! resources, security, devices, process, restart policy and healthcheck,
//! as builder methods of [`ContainerOptions`], and their C view.
use std::ffi::{CString, OsStr, OsString};
use std::os::raw::{c_char, c_int, c_uint};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;
use std::time::Duration;

use libctr_sys as sys;

use crate::*;

/// A mount of a new container (`ctr_mount_t`), as podman's `--mount`, `-v`
/// and `--tmpfs` describe one.
///
/// `kind` is `bind` (`source`: a host path), `volume` (`source`: a volume
/// name, made when it does not exist; `None`: an anonymous volume, removed
/// with the container), `tmpfs`, `devpts`, `mqueue` or `proc`.  `options`
/// are podman's, one per entry (`ro`, `rprivate`, `nosuid`, `size=10m`,
/// `mode=1777`, `nocopy`...); an entry with commas is split.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mount {
    pub kind: String,
    pub source: Option<OsString>,
    pub destination: String,
    pub options: Vec<String>,
}

impl Mount {
    /// A mount of any kind; see the type's documentation.
    pub fn new(kind: &str, source: Option<&OsStr>, destination: &str) -> Mount {
        Mount {
            kind: kind.into(),
            source: source.map(OsStr::to_os_string),
            destination: destination.into(),
            options: Vec::new(),
        }
    }
    /// A bind mount of the host path `source` (`-v SRC:DST`).
    pub fn bind(source: impl AsRef<Path>, destination: &str) -> Mount {
        Mount::new("bind", Some(source.as_ref().as_os_str()), destination)
    }
    /// A new tmpfs (`--tmpfs DST`); add `.option("size=10m")`.
    pub fn tmpfs(destination: &str) -> Mount {
        Mount::new("tmpfs", None, destination)
    }
    /// The named volume `name`, or with `None` an anonymous one (`-v NAME:DST`).
    pub fn volume(name: Option<&str>, destination: &str) -> Mount {
        Mount::new("volume", name.map(OsStr::new), destination)
    }
    /// Add an option (`"ro"`, `"size=10m"`, or several as `"ro,z"`).
    pub fn option(mut self, o: &str) -> Mount {
        self.options.push(o.into());
        self
    }
    /// Add options.
    pub fn options<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Mount {
        self.options.extend(v.into_iter().map(Into::into));
        self
    }
    /// Add `ro`.
    pub fn read_only(self) -> Mount {
        self.option("ro")
    }
}

/// A resource limit of the container's process (`--ulimit NAME=SOFT:HARD`):
/// `nofile` or `RLIMIT_NOFILE`...; -1 is unlimited.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ulimit {
    pub name: String,
    pub soft: i64,
    pub hard: i64,
}

const READ_BPS: usize = 0;
const WRITE_BPS: usize = 1;
const READ_IOPS: usize = 2;
const WRITE_IOPS: usize = 3;

/// The version-3 members of [`ContainerOptions`].  Zero, `None` and empty
/// mean podman's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct V3 {
    mounts: Vec<Mount>,
    memory: i64,
    memory_swap: i64,
    memory_reservation: i64,
    nano_cpus: i64,
    cpu_shares: u64,
    cpu_period: u64,
    cpu_quota: i64,
    cpuset_cpus: Option<String>,
    cpuset_mems: Option<String>,
    pids_limit: i64,
    blkio_weight: u16,
    weight_devices: Vec<(Vec<u8>, u16)>,
    /// Indexed by READ_BPS, WRITE_BPS, READ_IOPS, WRITE_IOPS.
    throttles: [Vec<(Vec<u8>, u64)>; 4],
    oom_score_adj: Option<i32>,
    oom_kill_disable: bool,
    ulimits: Vec<Ulimit>,
    cap_add: Option<Vec<String>>,
    cap_drop: Option<Vec<String>>,
    no_new_privileges: bool,
    seccomp_profile: Option<Vec<u8>>,
    apparmor_profile: Option<String>,
    mask_paths: Option<Vec<String>>,
    unmask_paths: Option<Vec<String>>,
    no_read_only_tmpfs: bool,
    group_add: Option<Vec<String>>,
    sysctls: Option<Vec<String>>,
    devices: Option<Vec<String>>,
    device_cgroup_rules: Option<Vec<String>>,
    entrypoint: Option<Vec<String>>,
    init: bool,
    init_path: Option<Vec<u8>>,
    umask: Option<String>,
    timezone: Option<String>,
    annotations: Option<Vec<String>>,
    domainname: Option<String>,
    restart_policy: Option<String>,
    restart_retries: u32,
    health_cmd: Option<Vec<String>>,
    health_interval: i64,
    health_timeout: i64,
    health_start_period: i64,
    health_retries: u32,
    create_command: Option<Vec<String>>,
    health_on_failure: Option<String>,
}

fn list<I: IntoIterator<Item = S>, S: Into<String>>(v: I) -> Option<Vec<String>> {
    Some(v.into_iter().map(Into::into).collect())
}

fn push(v: &mut Option<Vec<String>>, s: String) {
    v.get_or_insert_with(Vec::new).push(s);
}

fn nanos(d: Duration) -> i64 {
    d.as_nanos().min(i64::MAX as u128) as i64
}

/// Mounts, resources, security and devices (`ctr_container_options_t` version 3).
impl ContainerOptions {
    /// Add a mount: `.mount(Mount::bind("/src", "/data").read_only())`.
    pub fn mount(mut self, m: Mount) -> Self {
        self.v3.mounts.push(m);
        self
    }
    /// Memory limit in bytes (`--memory`).
    pub fn memory(mut self, bytes: i64) -> Self {
        self.v3.memory = bytes;
        self
    }
    /// Memory plus swap in bytes (`--memory-swap`): 0 is twice the memory, -1 unlimited.
    pub fn memory_swap(mut self, bytes: i64) -> Self {
        self.v3.memory_swap = bytes;
        self
    }
    /// Soft memory limit in bytes (`--memory-reservation`).
    pub fn memory_reservation(mut self, bytes: i64) -> Self {
        self.v3.memory_reservation = bytes;
        self
    }
    /// CPUs (`--cpus 0.5`): a quota over the default period of 100 ms.
    pub fn cpus(mut self, cpus: f64) -> Self {
        self.v3.nano_cpus = (cpus * 1e9).round() as i64;
        self
    }
    /// Relative CPU weight (`--cpu-shares`), 2-262144.
    pub fn cpu_shares(mut self, shares: u64) -> Self {
        self.v3.cpu_shares = shares;
        self
    }
    /// CFS period in microseconds (`--cpu-period`).
    pub fn cpu_period(mut self, us: u64) -> Self {
        self.v3.cpu_period = us;
        self
    }
    /// CFS quota in microseconds (`--cpu-quota`).
    pub fn cpu_quota(mut self, us: i64) -> Self {
        self.v3.cpu_quota = us;
        self
    }
    /// CPUs allowed (`--cpuset-cpus 0-2,4`).
    pub fn cpuset_cpus(mut self, v: &str) -> Self {
        self.v3.cpuset_cpus = Some(v.into());
        self
    }
    /// Memory nodes allowed (`--cpuset-mems`).
    pub fn cpuset_mems(mut self, v: &str) -> Self {
        self.v3.cpuset_mems = Some(v.into());
        self
    }
    /// Largest number of processes (`--pids-limit`): 0 podman's default, -1 unlimited.
    pub fn pids_limit(mut self, n: i64) -> Self {
        self.v3.pids_limit = n;
        self
    }
    /// Block I/O weight 10-1000 (`--blkio-weight`).
    pub fn blkio_weight(mut self, w: u16) -> Self {
        self.v3.blkio_weight = w;
        self
    }
    /// Block I/O weight of a host block device (`--blkio-weight-device PATH:W`).
    pub fn blkio_weight_device(mut self, path: impl AsRef<Path>, w: u16) -> Self {
        self.v3.weight_devices.push((path_bytes(path), w));
        self
    }
    fn throttle(mut self, which: usize, path: impl AsRef<Path>, rate: u64) -> Self {
        self.v3.throttles[which].push((path_bytes(path), rate));
        self
    }
    /// Read limit in bytes per second on a host block device (`--device-read-bps`).
    pub fn device_read_bps(self, path: impl AsRef<Path>, rate: u64) -> Self {
        self.throttle(READ_BPS, path, rate)
    }
    /// Write limit in bytes per second (`--device-write-bps`).
    pub fn device_write_bps(self, path: impl AsRef<Path>, rate: u64) -> Self {
        self.throttle(WRITE_BPS, path, rate)
    }
    /// Read limit in operations per second (`--device-read-iops`).
    pub fn device_read_iops(self, path: impl AsRef<Path>, rate: u64) -> Self {
        self.throttle(READ_IOPS, path, rate)
    }
    /// Write limit in operations per second (`--device-write-iops`).
    pub fn device_write_iops(self, path: impl AsRef<Path>, rate: u64) -> Self {
        self.throttle(WRITE_IOPS, path, rate)
    }
    /// OOM score adjustment -1000..1000 (`--oom-score-adj`).
    pub fn oom_score_adj(mut self, adj: i32) -> Self {
        self.v3.oom_score_adj = Some(adj);
        self
    }
    /// No OOM killer in the container's memory cgroup (`--oom-kill-disable`).
    pub fn oom_kill_disable(mut self, v: bool) -> Self {
        self.v3.oom_kill_disable = v;
        self
    }
    /// A resource limit (`--ulimit nofile=100:200` is `.ulimit("nofile", 100, 200)`); -1 unlimited.
    pub fn ulimit(mut self, name: &str, soft: i64, hard: i64) -> Self {
        self.v3.ulimits.push(Ulimit { name: name.into(), soft, hard });
        self
    }
    /// Capabilities to add (`NET_ADMIN`, `CAP_NET_ADMIN` or `ALL`).
    pub fn cap_add<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.cap_add = list(v);
        self
    }
    /// Capabilities to drop (`ALL` for every one).
    pub fn cap_drop<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.cap_drop = list(v);
        self
    }
    /// `--security-opt no-new-privileges`.
    pub fn no_new_privileges(mut self, v: bool) -> Self {
        self.v3.no_new_privileges = v;
        self
    }
    /// A seccomp profile file (podman's JSON format) or `unconfined`.
    pub fn seccomp_profile(mut self, v: impl AsRef<Path>) -> Self {
        self.v3.seccomp_profile = Some(path_bytes(v));
        self
    }
    /// An AppArmor profile name or `unconfined` (applied where AppArmor is enabled).
    pub fn apparmor_profile(mut self, v: &str) -> Self {
        self.v3.apparmor_profile = Some(v.into());
        self
    }
    /// More paths to mask (`--security-opt mask=`).
    pub fn mask_paths<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.mask_paths = list(v);
        self
    }
    /// Default masked or read-only paths to leave alone (`--security-opt unmask=`), or `ALL`.
    pub fn unmask_paths<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.unmask_paths = list(v);
        self
    }
    /// With [`CreateFlags::READ_ONLY`]: tmpfs on /run, /tmp and /var/tmp (the default, true).
    pub fn read_only_tmpfs(mut self, v: bool) -> Self {
        self.v3.no_read_only_tmpfs = !v;
        self
    }
    /// More groups (`--group-add`): names in the root file system, or numbers.
    pub fn group_add<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.group_add = list(v);
        self
    }
    /// A namespaced sysctl (`--sysctl KEY=VALUE`).
    pub fn sysctl(mut self, key: &str, value: &str) -> Self {
        push(&mut self.v3.sysctls, format!("{}={}", key, value));
        self
    }
    /// A host device `HOST[:CONTAINER][:PERMISSIONS]` (`--device`).
    pub fn device(mut self, v: &str) -> Self {
        push(&mut self.v3.devices, v.into());
        self
    }
    /// A device cgroup rule `TYPE MAJOR:MINOR ACCESS` (`--device-cgroup-rule 'c 1:3 rwm'`).
    pub fn device_cgroup_rule(mut self, v: &str) -> Self {
        push(&mut self.v3.device_cgroup_rules, v.into());
        self
    }
}

/// Process, restart policy and healthcheck (`ctr_container_options_t` version 3).
impl ContainerOptions {
    /// The entrypoint (`--entrypoint`), replacing the image's; an empty list clears it.
    pub fn entrypoint<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.entrypoint = list(v);
        self
    }
    /// Run an init process (catatonit) as PID 1 (`--init`).
    pub fn init(mut self, v: bool) -> Self {
        self.v3.init = v;
        self
    }
    /// The init program (`--init-path`); unset: /usr/bin/catatonit.
    pub fn init_path(mut self, v: impl AsRef<Path>) -> Self {
        self.v3.init_path = Some(path_bytes(v));
        self
    }
    /// The process's umask (`--umask 0077` is `.umask(0o077)`).
    pub fn umask(mut self, mode: u32) -> Self {
        self.v3.umask = Some(format!("{:04o}", mode));
        self
    }
    /// Time zone (`--tz`): `local` or a name under /usr/share/zoneinfo.
    pub fn timezone(mut self, v: &str) -> Self {
        self.v3.timezone = Some(v.into());
        self
    }
    /// An OCI annotation (`--annotation KEY=VALUE`).
    pub fn annotation(mut self, key: &str, value: &str) -> Self {
        push(&mut self.v3.annotations, format!("{}={}", key, value));
        self
    }
    /// NIS domain name in the container's UTS namespace.
    pub fn domainname(mut self, v: &str) -> Self {
        self.v3.domainname = Some(v.into());
        self
    }
    /// The command line that made the container (inspect's `Config.CreateCommand`).
    pub fn create_command<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.v3.create_command = list(v);
        self
    }
    /// Restart policy: `no`, `always`, `on-failure`, `unless-stopped` (enforced by the monitor's exit command).
    pub fn restart_policy(mut self, v: &str) -> Self {
        self.v3.restart_policy = Some(v.into());
        self
    }
    /// Most restarts with `on-failure` (`--restart on-failure:N`); 0: no limit.
    pub fn restart_retries(mut self, n: u32) -> Self {
        self.v3.restart_retries = n;
        self
    }
    /// The healthcheck as an argv (podman stores `["CMD", argv...]`); a list
    /// that starts with `CMD`, `CMD-SHELL` or `NONE` is taken as it is.
    pub fn health_cmd<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        let mut v: Vec<String> = v.into_iter().map(Into::into).collect();
        if !matches!(v.first().map(String::as_str), Some("CMD") | Some("CMD-SHELL") | Some("NONE")) {
            v.insert(0, "CMD".into());
        }
        self.v3.health_cmd = Some(v);
        self
    }
    /// The healthcheck as a shell command (`--health-cmd 'curl -f x'`, podman's `CMD-SHELL`).
    pub fn health_shell(mut self, cmd: &str) -> Self {
        self.v3.health_cmd = list(["CMD-SHELL", cmd]);
        self
    }
    /// No healthcheck, not even the image's (`--no-healthcheck`).
    pub fn no_healthcheck(mut self) -> Self {
        self.v3.health_cmd = list(["NONE"]);
        self
    }
    /// Time between checks (`--health-interval`); unset: 30 s.
    pub fn health_interval(mut self, d: Duration) -> Self {
        self.v3.health_interval = nanos(d);
        self
    }
    /// Time a check may take (`--health-timeout`); unset: 30 s.
    pub fn health_timeout(mut self, d: Duration) -> Self {
        self.v3.health_timeout = nanos(d);
        self
    }
    /// Time after the start during which failures do not count (`--health-start-period`).
    pub fn health_start_period(mut self, d: Duration) -> Self {
        self.v3.health_start_period = nanos(d);
        self
    }
    /// Failures in a row that make the container unhealthy (`--health-retries`); 0: 3.
    pub fn health_retries(mut self, n: u32) -> Self {
        self.v3.health_retries = n;
        self
    }
    /// The action once unhealthy (`--health-on-failure`): `none`, `kill`, `restart` or `stop`.
    pub fn health_on_failure(mut self, v: &str) -> Self {
        self.v3.health_on_failure = Some(v.into());
        self
    }
}

impl V3 {
    /// The version-3 members of a struct from `ctr_container_get_options()`.
    pub(crate) unsafe fn from_c(c: &sys::ctr_container_options_t) -> V3 {
        let throttles = |p: *const sys::ctr_throttle_device_t, n: usize| -> Vec<(Vec<u8>, u64)> {
            c_slice(p, n).iter().map(|t| (opt_bytes(t.path).unwrap_or_default(), t.rate)).collect()
        };
        let flag = |f: u64| c.flags & f != 0;
        V3 {
            mounts: c_slice(c.mounts, c.n_mounts)
                .iter()
                .map(|m| Mount {
                    kind: opt_string(m.r#type).unwrap_or_else(|| "bind".into()),
                    source: opt_bytes(m.source).map(|b| OsStr::from_bytes(&b).to_os_string()),
                    destination: opt_string(m.destination).unwrap_or_default(),
                    options: opt_strv(m.options).unwrap_or_default(),
                })
                .collect(),
            memory: c.memory,
            memory_swap: c.memory_swap,
            memory_reservation: c.memory_reservation,
            nano_cpus: c.nano_cpus,
            cpu_shares: c.cpu_shares,
            cpu_period: c.cpu_period,
            cpu_quota: c.cpu_quota,
            cpuset_cpus: opt_string(c.cpuset_cpus),
            cpuset_mems: opt_string(c.cpuset_mems),
            pids_limit: c.pids_limit,
            blkio_weight: c.blkio_weight,
            weight_devices: c_slice(c.blkio_weight_devices, c.n_blkio_weight_devices)
                .iter()
                .map(|w| (opt_bytes(w.path).unwrap_or_default(), w.weight))
                .collect(),
            throttles: [
                throttles(c.device_read_bps, c.n_device_read_bps),
                throttles(c.device_write_bps, c.n_device_write_bps),
                throttles(c.device_read_iops, c.n_device_read_iops),
                throttles(c.device_write_iops, c.n_device_write_iops),
            ],
            oom_score_adj: if flag(sys::CTR_CREATE_OOM_SCORE_ADJ) { Some(c.oom_score_adj as i32) } else { None },
            oom_kill_disable: flag(sys::CTR_CREATE_OOM_KILL_DISABLE),
            ulimits: c_slice(c.ulimits, c.n_ulimits)
                .iter()
                .map(|u| Ulimit { name: opt_string(u.name).unwrap_or_default(), soft: u.soft, hard: u.hard })
                .collect(),
            cap_add: opt_strv(c.cap_add),
            cap_drop: opt_strv(c.cap_drop),
            no_new_privileges: flag(sys::CTR_CREATE_NO_NEW_PRIVS),
            seccomp_profile: opt_bytes(c.seccomp_profile),
            apparmor_profile: opt_string(c.apparmor_profile),
            mask_paths: opt_strv(c.mask_paths),
            unmask_paths: opt_strv(c.unmask_paths),
            no_read_only_tmpfs: flag(sys::CTR_CREATE_NO_READ_ONLY_TMPFS),
            group_add: opt_strv(c.group_add),
            sysctls: opt_strv(c.sysctls),
            devices: opt_strv(c.devices),
            device_cgroup_rules: opt_strv(c.device_cgroup_rules),
            entrypoint: opt_strv(c.entrypoint),
            init: flag(sys::CTR_CREATE_INIT),
            init_path: opt_bytes(c.init_path),
            umask: opt_string(c.umask),
            timezone: opt_string(c.timezone),
            annotations: opt_strv(c.annotations),
            domainname: opt_string(c.domainname),
            restart_policy: opt_string(c.restart_policy),
            restart_retries: c.restart_retries as u32,
            health_cmd: opt_strv(c.health_cmd),
            health_interval: c.health_interval,
            health_timeout: c.health_timeout,
            health_start_period: c.health_start_period,
            health_retries: c.health_retries as u32,
            create_command: opt_strv(c.create_command),
            health_on_failure: opt_string(c.health_on_failure),
        }
    }
}

/// Read the version-3 options back (as `std::process::Command`'s `get_*`).
impl ContainerOptions {
    /// The mounts, their options as given (or as the config normalized them).
    pub fn get_mounts(&self) -> &[Mount] {
        &self.v3.mounts
    }
    /// The memory limit in bytes (0: none).
    pub fn get_memory(&self) -> i64 {
        self.v3.memory
    }
    /// CPUs in billionths (`cpus(0.5)` is 500000000).
    pub fn get_nano_cpus(&self) -> i64 {
        self.v3.nano_cpus
    }
    /// The pids limit (0: podman's default).
    pub fn get_pids_limit(&self) -> i64 {
        self.v3.pids_limit
    }
    /// The ulimits.
    pub fn get_ulimits(&self) -> &[Ulimit] {
        &self.v3.ulimits
    }
    /// The OOM score adjustment, when set.
    pub fn get_oom_score_adj(&self) -> Option<i32> {
        self.v3.oom_score_adj
    }
    /// Capabilities added.
    pub fn get_cap_add(&self) -> Option<&[String]> {
        self.v3.cap_add.as_deref()
    }
    /// Capabilities dropped.
    pub fn get_cap_drop(&self) -> Option<&[String]> {
        self.v3.cap_drop.as_deref()
    }
    /// The entrypoint: `None` for the image's, empty when cleared.
    pub fn get_entrypoint(&self) -> Option<&[String]> {
        self.v3.entrypoint.as_deref()
    }
    /// Whether an init runs as PID 1.
    pub fn get_init(&self) -> bool {
        self.v3.init
    }
    /// The umask as four octal digits.
    pub fn get_umask(&self) -> Option<&str> {
        self.v3.umask.as_deref()
    }
    /// The healthcheck test as podman stores it.
    pub fn get_health_cmd(&self) -> Option<&[String]> {
        self.v3.health_cmd.as_deref()
    }
}

/// C memory the version-3 members point to: each `Vec` owns heap data that
/// does not move when the `Vec` itself moves, so the pointers stay valid as
/// long as this lives (until `ctr_container_create()` returns).
#[derive(Default)]
pub(crate) struct V3Memory {
    strings: Vec<CString>,
    strvs: Vec<CStrv>,
    mounts: Vec<sys::ctr_mount_t>,
    weights: Vec<sys::ctr_weight_device_t>,
    throttles: Vec<Vec<sys::ctr_throttle_device_t>>,
    ulimits: Vec<sys::ctr_ulimit_t>,
}

impl V3Memory {
    fn s<S: AsRef<[u8]>>(&mut self, op: &'static str, v: Option<S>) -> Result<*const c_char> {
        match v {
            None => Ok(ptr::null()),
            Some(v) => {
                let c = cstring(op, v)?;
                let p = c.as_ptr();
                self.strings.push(c);
                Ok(p)
            }
        }
    }
    fn v(&mut self, op: &'static str, v: &Option<Vec<String>>) -> Result<*const *const c_char> {
        match CStrv::opt(op, v)? {
            None => Ok(ptr::null()),
            Some(sv) => {
                let p = sv.ptrs.as_ptr();
                self.strvs.push(sv);
                Ok(p)
            }
        }
    }
    fn throttles(
        &mut self,
        op: &'static str,
        rows: &[(Vec<u8>, u64)],
    ) -> Result<(*const sys::ctr_throttle_device_t, usize)> {
        if rows.is_empty() {
            return Ok((ptr::null(), 0));
        }
        let mut arr = Vec::with_capacity(rows.len());
        for (path, rate) in rows {
            arr.push(sys::ctr_throttle_device_t { path: self.s(op, Some(path))?, rate: *rate });
        }
        let p = arr.as_ptr();
        self.throttles.push(arr);
        Ok((p, rows.len()))
    }
    fn mounts(&mut self, op: &'static str, v3: &V3, c: &mut sys::ctr_container_options_t) -> Result<()> {
        for m in &v3.mounts {
            let opts: Vec<String> =
                m.options.iter().flat_map(|o| o.split(',')).filter(|o| !o.is_empty()).map(String::from).collect();
            let options = if opts.is_empty() { ptr::null() } else { self.v(op, &Some(opts))? };
            let mount = sys::ctr_mount_t {
                r#type: self.s(op, Some(&m.kind))?,
                source: self.s(op, m.source.as_ref().map(|s| s.as_bytes()))?,
                destination: self.s(op, Some(&m.destination))?,
                options,
            };
            self.mounts.push(mount);
        }
        if !self.mounts.is_empty() {
            c.mounts = self.mounts.as_ptr();
            c.n_mounts = self.mounts.len();
        }
        Ok(())
    }
    fn resources(&mut self, op: &'static str, v3: &V3, c: &mut sys::ctr_container_options_t) -> Result<()> {
        c.memory = v3.memory;
        c.memory_swap = v3.memory_swap;
        c.memory_reservation = v3.memory_reservation;
        c.nano_cpus = v3.nano_cpus;
        c.cpu_shares = v3.cpu_shares;
        c.cpu_period = v3.cpu_period;
        c.cpu_quota = v3.cpu_quota;
        c.cpuset_cpus = self.s(op, v3.cpuset_cpus.as_ref())?;
        c.cpuset_mems = self.s(op, v3.cpuset_mems.as_ref())?;
        c.pids_limit = v3.pids_limit;
        c.blkio_weight = v3.blkio_weight;
        for (path, weight) in &v3.weight_devices {
            let path = self.s(op, Some(path))?;
            self.weights.push(sys::ctr_weight_device_t { path, weight: *weight });
        }
        if !self.weights.is_empty() {
            c.blkio_weight_devices = self.weights.as_ptr();
            c.n_blkio_weight_devices = self.weights.len();
        }
        let t = &v3.throttles;
        let (p, n) = self.throttles(op, &t[READ_BPS])?;
        c.device_read_bps = p;
        c.n_device_read_bps = n;
        let (p, n) = self.throttles(op, &t[WRITE_BPS])?;
        c.device_write_bps = p;
        c.n_device_write_bps = n;
        let (p, n) = self.throttles(op, &t[READ_IOPS])?;
        c.device_read_iops = p;
        c.n_device_read_iops = n;
        let (p, n) = self.throttles(op, &t[WRITE_IOPS])?;
        c.device_write_iops = p;
        c.n_device_write_iops = n;
        if let Some(adj) = v3.oom_score_adj {
            c.oom_score_adj = adj as c_int;
            c.flags |= sys::CTR_CREATE_OOM_SCORE_ADJ;
        }
        if v3.oom_kill_disable {
            c.flags |= sys::CTR_CREATE_OOM_KILL_DISABLE;
        }
        for u in &v3.ulimits {
            let name = self.s(op, Some(&u.name))?;
            self.ulimits.push(sys::ctr_ulimit_t { name, soft: u.soft, hard: u.hard });
        }
        if !self.ulimits.is_empty() {
            c.ulimits = self.ulimits.as_ptr();
            c.n_ulimits = self.ulimits.len();
        }
        Ok(())
    }
    fn security(&mut self, op: &'static str, v3: &V3, c: &mut sys::ctr_container_options_t) -> Result<()> {
        c.cap_add = self.v(op, &v3.cap_add)?;
        c.cap_drop = self.v(op, &v3.cap_drop)?;
        if v3.no_new_privileges {
            c.flags |= sys::CTR_CREATE_NO_NEW_PRIVS;
        }
        c.seccomp_profile = self.s(op, v3.seccomp_profile.as_ref())?;
        c.apparmor_profile = self.s(op, v3.apparmor_profile.as_ref())?;
        c.mask_paths = self.v(op, &v3.mask_paths)?;
        c.unmask_paths = self.v(op, &v3.unmask_paths)?;
        if v3.no_read_only_tmpfs {
            c.flags |= sys::CTR_CREATE_NO_READ_ONLY_TMPFS;
        }
        c.group_add = self.v(op, &v3.group_add)?;
        c.sysctls = self.v(op, &v3.sysctls)?;
        c.devices = self.v(op, &v3.devices)?;
        c.device_cgroup_rules = self.v(op, &v3.device_cgroup_rules)?;
        Ok(())
    }
    fn process(&mut self, op: &'static str, v3: &V3, c: &mut sys::ctr_container_options_t) -> Result<()> {
        c.entrypoint = self.v(op, &v3.entrypoint)?;
        if v3.init {
            c.flags |= sys::CTR_CREATE_INIT;
        }
        c.init_path = self.s(op, v3.init_path.as_ref())?;
        c.umask = self.s(op, v3.umask.as_ref())?;
        c.timezone = self.s(op, v3.timezone.as_ref())?;
        c.annotations = self.v(op, &v3.annotations)?;
        c.domainname = self.s(op, v3.domainname.as_ref())?;
        c.create_command = self.v(op, &v3.create_command)?;
        c.restart_policy = self.s(op, v3.restart_policy.as_ref())?;
        c.restart_retries = v3.restart_retries as c_uint;
        c.health_cmd = self.v(op, &v3.health_cmd)?;
        c.health_interval = v3.health_interval;
        c.health_timeout = v3.health_timeout;
        c.health_start_period = v3.health_start_period;
        c.health_retries = v3.health_retries as c_uint;
        c.health_on_failure = self.s(op, v3.health_on_failure.as_ref())?;
        Ok(())
    }
}

impl V3 {
    /// Set the version-3 members of `c` (flags are added to `c.flags`); the
    /// returned memory must outlive every use of `c`.
    pub(crate) fn fill(&self, op: &'static str, c: &mut sys::ctr_container_options_t) -> Result<V3Memory> {
        let mut m = V3Memory::default();
        m.mounts(op, self, c)?;
        m.resources(op, self, c)?;
        m.security(op, self, c)?;
        m.process(op, self, c)?;
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    unsafe fn s(p: *const c_char) -> Option<String> {
        if p.is_null() {
            None
        } else {
            Some(CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    }

    unsafe fn sv(p: *const *const c_char) -> Option<Vec<String>> {
        if p.is_null() {
            return None;
        }
        let mut out = Vec::new();
        let mut i = 0;
        while !(*p.add(i)).is_null() {
            out.push(s(*p.add(i)).unwrap());
            i += 1;
        }
        Some(out)
    }

    /// Every version-3 member reaches the C struct (what the library then reads).
    #[test]
    fn fill_sets_every_member() {
        let o = ContainerOptions::new()
            .mount(Mount::bind("/src", "/data").option("ro,rprivate"))
            .mount(Mount::tmpfs("/scratch").option("size=10m"))
            .mount(Mount::volume(None, "/v"))
            .memory(64 << 20)
            .memory_swap(-1)
            .memory_reservation(32 << 20)
            .cpus(0.5)
            .cpu_shares(512)
            .cpu_period(100_000)
            .cpu_quota(50_000)
            .cpuset_cpus("0-1")
            .cpuset_mems("0")
            .pids_limit(100)
            .blkio_weight(300)
            .blkio_weight_device("/dev/vda", 200)
            .device_read_bps("/dev/vda", 1 << 20)
            .device_write_bps("/dev/vdb", 2 << 20)
            .device_read_iops("/dev/vda", 10)
            .device_write_iops("/dev/vda", 20)
            .oom_score_adj(-5)
            .oom_kill_disable(true)
            .ulimit("nofile", 100, 200)
            .cap_add(["NET_ADMIN"])
            .cap_drop(["ALL"])
            .no_new_privileges(true)
            .seccomp_profile("unconfined")
            .apparmor_profile("unconfined")
            .mask_paths(["/a"])
            .unmask_paths(["ALL"])
            .read_only_tmpfs(false)
            .group_add(["10"])
            .sysctl("kernel.msgmax", "65536")
            .device("/dev/fuse")
            .device_cgroup_rule("c 1:3 rwm")
            .entrypoint(Vec::<String>::new())
            .init(true)
            .init_path("/usr/bin/catatonit")
            .umask(0o077)
            .timezone("UTC")
            .annotation("a", "b")
            .domainname("example.org")
            .create_command(["prog", "run"])
            .restart_policy("on-failure")
            .restart_retries(3)
            .health_cmd(["/bin/check", "x"])
            .health_interval(Duration::from_secs(10))
            .health_timeout(Duration::from_millis(1500))
            .health_start_period(Duration::from_secs(5))
            .health_retries(5)
            .health_on_failure("restart");
        let mut c = unsafe { std::mem::zeroed::<sys::ctr_container_options_t>() };
        let keep = o.v3.fill("test", &mut c).unwrap();
        unsafe {
            assert_eq!(c.n_mounts, 3);
            let m = std::slice::from_raw_parts(c.mounts, 3);
            assert_eq!(
                (s(m[0].r#type), s(m[0].source), s(m[0].destination)),
                (Some("bind".into()), Some("/src".into()), Some("/data".into()))
            );
            assert_eq!(sv(m[0].options).unwrap(), ["ro", "rprivate"]);
            assert_eq!(
                (s(m[1].r#type), s(m[1].source), sv(m[1].options)),
                (Some("tmpfs".into()), None, Some(vec!["size=10m".into()]))
            );
            assert_eq!((s(m[2].r#type), s(m[2].source), m[2].options.is_null()), (Some("volume".into()), None, true));
            assert_eq!(
                (c.memory, c.memory_swap, c.memory_reservation, c.nano_cpus),
                (64 << 20, -1, 32 << 20, 500_000_000)
            );
            assert_eq!((c.cpu_shares, c.cpu_period, c.cpu_quota), (512, 100_000, 50_000));
            assert_eq!((s(c.cpuset_cpus), s(c.cpuset_mems)), (Some("0-1".into()), Some("0".into())));
            assert_eq!((c.pids_limit, c.blkio_weight, c.oom_score_adj), (100, 300, -5));
            assert_eq!(c.n_blkio_weight_devices, 1);
            assert_eq!(
                ((*c.blkio_weight_devices).weight, s((*c.blkio_weight_devices).path)),
                (200, Some("/dev/vda".into()))
            );
            for (p, n, path, rate) in [
                (c.device_read_bps, c.n_device_read_bps, "/dev/vda", 1u64 << 20),
                (c.device_write_bps, c.n_device_write_bps, "/dev/vdb", 2 << 20),
                (c.device_read_iops, c.n_device_read_iops, "/dev/vda", 10),
                (c.device_write_iops, c.n_device_write_iops, "/dev/vda", 20),
            ] {
                assert_eq!((n, s((*p).path), (*p).rate), (1, Some(path.into()), rate));
            }
            assert_eq!(c.n_ulimits, 1);
            assert_eq!((s((*c.ulimits).name), (*c.ulimits).soft, (*c.ulimits).hard), (Some("nofile".into()), 100, 200));
            assert_eq!(
                (sv(c.cap_add).unwrap(), sv(c.cap_drop).unwrap()),
                (vec!["NET_ADMIN".to_string()], vec!["ALL".to_string()])
            );
            assert_eq!(
                (s(c.seccomp_profile), s(c.apparmor_profile)),
                (Some("unconfined".into()), Some("unconfined".into()))
            );
            assert_eq!(
                (sv(c.mask_paths).unwrap(), sv(c.unmask_paths).unwrap()),
                (vec!["/a".to_string()], vec!["ALL".to_string()])
            );
            assert_eq!(sv(c.group_add).unwrap(), ["10"]);
            assert_eq!(sv(c.sysctls).unwrap(), ["kernel.msgmax=65536"]);
            assert_eq!(
                (sv(c.devices).unwrap(), sv(c.device_cgroup_rules).unwrap()),
                (vec!["/dev/fuse".to_string()], vec!["c 1:3 rwm".to_string()])
            );
            assert_eq!(sv(c.entrypoint), Some(vec![]), "an empty entrypoint is an empty list, not NULL");
            assert_eq!(
                (s(c.init_path), s(c.umask), s(c.timezone)),
                (Some("/usr/bin/catatonit".into()), Some("0077".into()), Some("UTC".into()))
            );
            assert_eq!(
                (sv(c.annotations).unwrap(), s(c.domainname)),
                (vec!["a=b".to_string()], Some("example.org".into()))
            );
            assert_eq!(sv(c.create_command).unwrap(), ["prog", "run"]);
            assert_eq!((s(c.restart_policy), c.restart_retries), (Some("on-failure".into()), 3));
            assert_eq!(sv(c.health_cmd).unwrap(), ["CMD", "/bin/check", "x"]);
            assert_eq!(s(c.health_on_failure), Some("restart".into()));
            assert_eq!(
                (c.health_interval, c.health_timeout, c.health_start_period, c.health_retries),
                (10_000_000_000, 1_500_000_000, 5_000_000_000, 5)
            );
        }
        let want = sys::CTR_CREATE_INIT
            | sys::CTR_CREATE_OOM_KILL_DISABLE
            | sys::CTR_CREATE_NO_NEW_PRIVS
            | sys::CTR_CREATE_NO_READ_ONLY_TMPFS
            | sys::CTR_CREATE_OOM_SCORE_ADJ;
        assert_eq!(c.flags, want);
        drop(keep);
    }

    #[test]
    fn unset_is_null_and_zero() {
        let mut c = unsafe { std::mem::zeroed::<sys::ctr_container_options_t>() };
        let _keep = ContainerOptions::new().v3.fill("test", &mut c).unwrap();
        assert!(c.mounts.is_null() && c.n_mounts == 0 && c.ulimits.is_null() && c.device_read_bps.is_null());
        assert!(c.entrypoint.is_null() && c.health_cmd.is_null() && c.umask.is_null());
        assert_eq!((c.flags, c.memory, c.nano_cpus, c.oom_score_adj), (0, 0, 0, 0));
        let o = ContainerOptions::new().health_shell("curl -f x").umask(0o22);
        let _keep = o.v3.fill("test", &mut c).unwrap();
        assert_eq!(
            unsafe { (sv(c.health_cmd).unwrap(), s(c.umask)) },
            (vec!["CMD-SHELL".to_string(), "curl -f x".to_string()], Some("0022".into()))
        );
        let o = ContainerOptions::new().no_healthcheck().mount(Mount::bind("/a\0b", "/x"));
        assert_eq!(o.v3.fill("test", &mut c).err().map(|e| e.kind()), Some(ErrorKind::InvalidArgument));
    }
}
