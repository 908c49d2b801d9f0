// SPDX-License-Identifier: LGPL-2.1-or-later
//! Containers: create, config and state, lifecycle, exec, attach, logs, batch.
use std::collections::BTreeMap;
use std::ffi::{CStr, OsStr};
use std::fmt;
use std::io::{Read, Write};
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::{AsRawFd, RawFd};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::{Duration, SystemTime};

use libctr_sys as sys;

use crate::*;

/// A container's health (`ctr_health_status_t`); `as_str()` is podman's `State.Health.Status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Health {
    /// No healthcheck (`""`).
    None,
    /// Not yet healthy nor unhealthy.
    Starting,
    /// The last check passed.
    Healthy,
    /// `retries` checks in a row failed.
    Unhealthy,
}

impl Health {
    pub(crate) fn from_raw(s: sys::ctr_health_status_t) -> Health {
        match s {
            sys::CTR_HEALTH_STARTING => Health::Starting,
            sys::CTR_HEALTH_HEALTHY => Health::Healthy,
            sys::CTR_HEALTH_UNHEALTHY => Health::Unhealthy,
            _ => Health::None,
        }
    }
    /// podman's name: "", "starting", "healthy", "unhealthy".
    pub fn as_str(self) -> &'static str {
        match self {
            Health::None => "",
            Health::Starting => "starting",
            Health::Healthy => "healthy",
            Health::Unhealthy => "unhealthy",
        }
    }
}

/// Container states (`ctr_state_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Unknown,
    Configured,
    Created,
    Running,
    Exited,
    Paused,
    Stopping,
    Removing,
}

impl State {
    pub(crate) fn from_raw(s: sys::ctr_state_t) -> State {
        match s {
            sys::CTR_STATE_CONFIGURED => State::Configured,
            sys::CTR_STATE_CREATED => State::Created,
            sys::CTR_STATE_RUNNING => State::Running,
            sys::CTR_STATE_EXITED => State::Exited,
            sys::CTR_STATE_PAUSED => State::Paused,
            sys::CTR_STATE_STOPPING => State::Stopping,
            sys::CTR_STATE_REMOVING => State::Removing,
            _ => State::Unknown,
        }
    }
    pub(crate) fn raw(self) -> sys::ctr_state_t {
        match self {
            State::Unknown => sys::CTR_STATE_UNKNOWN,
            State::Configured => sys::CTR_STATE_CONFIGURED,
            State::Created => sys::CTR_STATE_CREATED,
            State::Running => sys::CTR_STATE_RUNNING,
            State::Exited => sys::CTR_STATE_EXITED,
            State::Paused => sys::CTR_STATE_PAUSED,
            State::Stopping => sys::CTR_STATE_STOPPING,
            State::Removing => sys::CTR_STATE_REMOVING,
        }
    }
}

impl fmt::Display for State {
    /// The name podman prints ("running", "exited"...).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(unsafe { lent_str(sys::ctr_state_name(self.raw())) })
    }
}

/// Namespaces a container can share with another (`ctr_ns_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Namespace {
    Ipc,
    Mount,
    Net,
    Pid,
    User,
    Uts,
    Cgroup,
}

impl Namespace {
    fn raw(self) -> sys::ctr_ns_t {
        match self {
            Namespace::Ipc => sys::CTR_NS_IPC,
            Namespace::Mount => sys::CTR_NS_MNT,
            Namespace::Net => sys::CTR_NS_NET,
            Namespace::Pid => sys::CTR_NS_PID,
            Namespace::User => sys::CTR_NS_USER,
            Namespace::Uts => sys::CTR_NS_UTS,
            Namespace::Cgroup => sys::CTR_NS_CGROUP,
        }
    }
}

flags!(
    /// `CTR_CREATE_*`.
    CreateFlags {
        READ_ONLY = sys::CTR_CREATE_READ_ONLY,
        PRIVILEGED = sys::CTR_CREATE_PRIVILEGED,
        NO_NEW_PRIVS = sys::CTR_CREATE_NO_NEW_PRIVS,
        STDIN = sys::CTR_CREATE_STDIN,
        TERMINAL = sys::CTR_CREATE_TERMINAL,
        NETNS = sys::CTR_CREATE_NETNS,
        IMAGE_VOLUMES = sys::CTR_CREATE_IMAGE_VOLUMES,
        HOST_NETWORK = sys::CTR_CREATE_HOST_NETWORK,
        /// Removed when it exits (podman's `--rm`), also when this program is gone.
        AUTO_REMOVE = sys::CTR_CREATE_AUTO_REMOVE,
        /// An init process (catatonit) as PID 1 (podman's `--init`; [`ContainerOptions::init`]).
        INIT = sys::CTR_CREATE_INIT,
        /// No OOM killer in the memory cgroup ([`ContainerOptions::oom_kill_disable`]).
        OOM_KILL_DISABLE = sys::CTR_CREATE_OOM_KILL_DISABLE,
        /// With READ_ONLY, no tmpfs on /run, /tmp, /var/tmp ([`ContainerOptions::read_only_tmpfs`]).
        NO_READ_ONLY_TMPFS = sys::CTR_CREATE_NO_READ_ONLY_TMPFS,
        /// The OOM score adjustment is set ([`ContainerOptions::oom_score_adj`] sets it).
        OOM_SCORE_ADJ = sys::CTR_CREATE_OOM_SCORE_ADJ,
        /// Each image volume a tmpfs (`--image-volume tmpfs`), not with IMAGE_VOLUMES (libctr 0.5).
        IMAGE_VOLUMES_TMPFS = sys::CTR_CREATE_IMAGE_VOLUMES_TMPFS,
    }
);

/// A port forwarded from the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortMapping {
    pub host_ip: Option<String>,
    pub host_port: u16,
    pub container_port: u16,
    /// "tcp" or "udp".
    pub protocol: String,
}

/// What a new container is made of ([`Runtime::create`]).  Unset fields take
/// the library's (or the image's) defaults.  [`Container::options`] gives
/// a container's back; the `get_*` methods read them (as
/// `std::process::Command`'s do), `==` compares two.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContainerOptions {
    name: Option<Vec<u8>>,
    spec_json: Option<Vec<u8>>,
    rootfs: Option<Vec<u8>>,
    image: Option<Vec<u8>>,
    command: Option<Vec<String>>,
    env: Option<Vec<String>>,
    workdir: Option<Vec<u8>>,
    user: Option<Vec<u8>>,
    hostname: Option<Vec<u8>>,
    pod: Option<Vec<u8>>,
    flags: CreateFlags,
    shm_size: i64,
    namespaces: BTreeMap<Namespace, String>,
    ports: Vec<PortMapping>,
    dns_servers: Option<Vec<String>>,
    dns_search: Option<Vec<String>>,
    dns_options: Option<Vec<String>>,
    hosts_add: Option<Vec<String>>,
    labels: Option<Vec<String>>,
    stop_signal: i32,
    stop_timeout: Option<u32>,
    cgroup_parent: Option<Vec<u8>>,
    log_path: Option<Vec<u8>>,
    process_label: Option<Vec<u8>>,
    mount_label: Option<Vec<u8>>,
    networks: Option<Vec<String>>,
    netns_path: Option<Vec<u8>>,
    log_size_max: i64,
    /// Version 3: mounts, resources, security, devices, process, restart
    /// and healthcheck; builder methods in options.rs.
    pub(crate) v3: crate::options::V3,
}

fn strings<I: IntoIterator<Item = S>, S: Into<String>>(v: I) -> Option<Vec<String>> {
    Some(v.into_iter().map(Into::into).collect())
}

impl ContainerOptions {
    pub fn new() -> Self {
        Self::default()
    }
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; unset: generated.
    pub fn name(mut self, v: &str) -> Self {
        self.name = Some(v.into());
        self
    }
    /// A base OCI runtime spec (JSON).
    pub fn spec_json(mut self, v: &str) -> Self {
        self.spec_json = Some(v.into());
        self
    }
    /// A root file system directory.
    pub fn rootfs(mut self, v: impl AsRef<Path>) -> Self {
        self.rootfs = Some(path_bytes(v));
        self
    }
    /// An image name or ID.
    pub fn image(mut self, v: &str) -> Self {
        self.image = Some(v.into());
        self
    }
    pub fn command<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.command = strings(v);
        self
    }
    /// `KEY=VALUE` strings.
    pub fn env<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.env = strings(v);
        self
    }
    pub fn workdir(mut self, v: &str) -> Self {
        self.workdir = Some(v.into());
        self
    }
    pub fn user(mut self, v: &str) -> Self {
        self.user = Some(v.into());
        self
    }
    pub fn hostname(mut self, v: &str) -> Self {
        self.hostname = Some(v.into());
        self
    }
    pub fn pod(mut self, v: &str) -> Self {
        self.pod = Some(v.into());
        self
    }
    pub fn flags(mut self, v: CreateFlags) -> Self {
        self.flags = v;
        self
    }
    pub fn shm_size(mut self, bytes: i64) -> Self {
        self.shm_size = bytes;
        self
    }
    /// Join `ns` of the container `id_or_name`.
    pub fn namespace(mut self, ns: Namespace, id_or_name: &str) -> Self {
        self.namespaces.insert(ns, id_or_name.into());
        self
    }
    pub fn port(mut self, p: PortMapping) -> Self {
        self.ports.push(p);
        self
    }
    pub fn dns_servers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_servers = strings(v);
        self
    }
    pub fn dns_search<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_search = strings(v);
        self
    }
    pub fn dns_options<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_options = strings(v);
        self
    }
    /// `HOST:IP` entries.
    pub fn hosts_add<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.hosts_add = strings(v);
        self
    }
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.get_or_insert_with(Vec::new).push(format!("{}={}", key, value));
        self
    }
    /// A signal number; unset: SIGTERM.
    pub fn stop_signal(mut self, sig: i32) -> Self {
        self.stop_signal = sig;
        self
    }
    pub fn stop_timeout(mut self, t: Duration) -> Self {
        self.stop_timeout = Some(t.as_secs() as u32);
        self
    }
    pub fn cgroup_parent(mut self, v: &str) -> Self {
        self.cgroup_parent = Some(v.into());
        self
    }
    pub fn log_path(mut self, v: impl AsRef<Path>) -> Self {
        self.log_path = Some(path_bytes(v));
        self
    }
    pub fn process_label(mut self, v: &str) -> Self {
        self.process_label = Some(v.into());
        self
    }
    pub fn mount_label(mut self, v: &str) -> Self {
        self.mount_label = Some(v.into());
        self
    }
    pub fn networks<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.networks = strings(v);
        self
    }
    pub fn netns_path(mut self, v: impl AsRef<Path>) -> Self {
        self.netns_path = Some(path_bytes(v));
        self
    }
    /// Largest log size in bytes (podman's `--log-opt max-size`); 0: the
    /// runtime's default; negative: no limit.
    pub fn log_size_max(mut self, bytes: i64) -> Self {
        self.log_size_max = bytes;
        self
    }
}

/// The flags that builder methods of their own set (the version-3 fields).
const FIELD_FLAGS: u64 = sys::CTR_CREATE_OOM_SCORE_ADJ
    | sys::CTR_CREATE_OOM_KILL_DISABLE
    | sys::CTR_CREATE_NO_NEW_PRIVS
    | sys::CTR_CREATE_NO_READ_ONLY_TMPFS
    | sys::CTR_CREATE_INIT;

impl ContainerOptions {
    /// The options a struct from `ctr_container_get_options()` holds.
    unsafe fn from_c(c: &sys::ctr_container_options_t) -> ContainerOptions {
        let mut namespaces = BTreeMap::new();
        for ns in [
            Namespace::Ipc,
            Namespace::Mount,
            Namespace::Net,
            Namespace::Pid,
            Namespace::User,
            Namespace::Uts,
            Namespace::Cgroup,
        ] {
            if let Some(who) = opt_string(c.ns_ctr[ns.raw() as usize]) {
                namespaces.insert(ns, who);
            }
        }
        let ports = c_slice(c.port_mappings, c.n_port_mappings)
            .iter()
            .map(|p| PortMapping {
                host_ip: opt_string(p.host_ip),
                host_port: p.host_port,
                container_port: p.container_port,
                protocol: opt_string(p.protocol).unwrap_or_else(|| "tcp".into()),
            })
            .collect();
        ContainerOptions {
            name: opt_bytes(c.name),
            spec_json: opt_bytes(c.spec_json),
            rootfs: opt_bytes(c.rootfs),
            image: opt_bytes(c.image),
            command: opt_strv(c.command),
            env: opt_strv(c.env),
            workdir: opt_bytes(c.workdir),
            user: opt_bytes(c.user),
            hostname: opt_bytes(c.hostname),
            pod: opt_bytes(c.pod),
            flags: CreateFlags(c.flags & !FIELD_FLAGS),
            shm_size: c.shm_size,
            namespaces,
            ports,
            dns_servers: opt_strv(c.dns_servers),
            dns_search: opt_strv(c.dns_search),
            dns_options: opt_strv(c.dns_options),
            hosts_add: opt_strv(c.hosts_add),
            labels: opt_strv(c.labels),
            stop_signal: c.stop_signal,
            stop_timeout: if c.stop_timeout >= 0 { Some(c.stop_timeout as u32) } else { None },
            cgroup_parent: opt_bytes(c.cgroup_parent),
            log_path: opt_bytes(c.log_path),
            process_label: opt_bytes(c.process_label),
            mount_label: opt_bytes(c.mount_label),
            networks: opt_strv(c.networks),
            netns_path: opt_bytes(c.netns_path),
            log_size_max: c.log_size_max,
            v3: crate::options::V3::from_c(c),
        }
    }

    /// The name; `None`: generated at create.
    pub fn get_name(&self) -> Option<&[u8]> {
        self.name.as_deref()
    }
    /// The root file system directory.
    pub fn get_rootfs(&self) -> Option<&Path> {
        self.rootfs.as_deref().map(|b| Path::new(OsStr::from_bytes(b)))
    }
    /// The image reference.
    pub fn get_image(&self) -> Option<&[u8]> {
        self.image.as_deref()
    }
    /// The command.
    pub fn get_command(&self) -> Option<&[String]> {
        self.command.as_deref()
    }
    /// The flags (without those that builder methods of their own set: init,
    /// no_new_privileges, oom_kill_disable, oom_score_adj, read_only_tmpfs).
    pub fn get_flags(&self) -> CreateFlags {
        self.flags
    }
    /// The labels as `KEY=VALUE` strings.
    pub fn get_labels(&self) -> Option<&[String]> {
        self.labels.as_deref()
    }
    /// The stop timeout in seconds.
    pub fn get_stop_timeout(&self) -> Option<u32> {
        self.stop_timeout
    }
}

impl Runtime {
    /// Create a container (state [`State::Configured`]; nothing runs yet).
    pub fn create(&self, o: &ContainerOptions) -> Result<Container> {
        const OP: &str = "ctr_container_create";
        let mut c = unsafe { std::mem::zeroed::<sys::ctr_container_options_t>() };
        check("ctr_container_options_init", unsafe {
            sys::ctr_container_options_init(&mut c, sys::CTR_CONTAINER_OPTIONS_VERSION)
        })?;
        let s = |v: &Option<Vec<u8>>| opt_cstring(OP, v);
        let (name, spec, rootfs, image) = (s(&o.name)?, s(&o.spec_json)?, s(&o.rootfs)?, s(&o.image)?);
        let (workdir, user, hostname, pod) = (s(&o.workdir)?, s(&o.user)?, s(&o.hostname)?, s(&o.pod)?);
        let (cgroup, log, plabel, mlabel) =
            (s(&o.cgroup_parent)?, s(&o.log_path)?, s(&o.process_label)?, s(&o.mount_label)?);
        let netns = s(&o.netns_path)?;
        let v = |v: &Option<Vec<String>>| CStrv::opt(OP, v);
        let (command, env, dns_servers, dns_search) =
            (v(&o.command)?, v(&o.env)?, v(&o.dns_servers)?, v(&o.dns_search)?);
        let (dns_options, hosts_add, labels, networks) =
            (v(&o.dns_options)?, v(&o.hosts_add)?, v(&o.labels)?, v(&o.networks)?);
        let ns: Vec<(sys::ctr_ns_t, std::ffi::CString)> =
            o.namespaces.iter().map(|(n, w)| Ok((n.raw(), cstring(OP, w)?))).collect::<Result<_>>()?;
        let port_strs = o
            .ports
            .iter()
            .map(|p| {
                Ok((opt_cstring(OP, &p.host_ip.as_ref().map(|s| s.as_bytes().to_vec()))?, cstring(OP, &p.protocol)?))
            })
            .collect::<Result<Vec<_>>>()?;
        let ports: Vec<sys::ctr_port_mapping_t> = o
            .ports
            .iter()
            .zip(&port_strs)
            .map(|(p, (ip, proto))| sys::ctr_port_mapping_t {
                host_ip: opt_ptr(ip),
                host_port: p.host_port,
                container_port: p.container_port,
                protocol: proto.as_ptr(),
            })
            .collect();
        c.name = opt_ptr(&name);
        c.spec_json = opt_ptr(&spec);
        c.rootfs = opt_ptr(&rootfs);
        c.image = opt_ptr(&image);
        c.command = CStrv::as_ptr(&command);
        c.env = CStrv::as_ptr(&env);
        c.workdir = opt_ptr(&workdir);
        c.user = opt_ptr(&user);
        c.hostname = opt_ptr(&hostname);
        c.pod = opt_ptr(&pod);
        c.flags = o.flags.0;
        c.shm_size = o.shm_size;
        for (n, who) in &ns {
            c.ns_ctr[*n as usize] = who.as_ptr();
        }
        if !ports.is_empty() {
            c.port_mappings = ports.as_ptr();
            c.n_port_mappings = ports.len();
        }
        c.dns_servers = CStrv::as_ptr(&dns_servers);
        c.dns_search = CStrv::as_ptr(&dns_search);
        c.dns_options = CStrv::as_ptr(&dns_options);
        c.hosts_add = CStrv::as_ptr(&hosts_add);
        c.labels = CStrv::as_ptr(&labels);
        c.stop_signal = o.stop_signal;
        if let Some(t) = o.stop_timeout {
            c.stop_timeout = t as c_int;
        }
        c.cgroup_parent = opt_ptr(&cgroup);
        c.log_path = opt_ptr(&log);
        c.process_label = opt_ptr(&plabel);
        c.mount_label = opt_ptr(&mlabel);
        c.networks = CStrv::as_ptr(&networks);
        c.netns_path = opt_ptr(&netns);
        c.log_size_max = o.log_size_max;
        let _v3 = o.v3.fill(OP, &mut c)?; // after c.flags: adds the version-3 flags
        let mut p = ptr::null_mut();
        check(OP, unsafe { sys::ctr_container_create(&mut p, self.as_ptr(), &c) })?;
        Ok(Container::from_raw(p, self.keep.clone()))
    }
}

/// A container handle (`ctr_container_t`): an immutable config and its state.
/// Cheap to clone (a reference).
pub struct Container {
    ptr: NonNull<sys::ctr_container_t>,
    keep: Keep,
}

// ctr-container.h: a handle may be used from several threads; calls on it
// serialize on the handle and on the container's lock.
unsafe impl Send for Container {}
unsafe impl Sync for Container {}

macro_rules! config_str {
    ($($(#[$m:meta])* $name:ident => $f:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Option<&str> {
            unsafe { lent_opt(sys::$f(self.as_ptr())) }
        }
    )*};
}

macro_rules! config_path {
    ($($(#[$m:meta])* $name:ident => $f:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Option<&Path> {
            unsafe { lent_path(sys::$f(self.as_ptr())) }
        }
    )*};
}

macro_rules! config_strv {
    ($($(#[$m:meta])* $name:ident => $f:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Vec<String> {
            unsafe { lent_strv(sys::$f(self.as_ptr())) }
        }
    )*};
}

macro_rules! state_get {
    ($($(#[$m:meta])* $name:ident -> $t:ty = $f:ident: $ct:ty, |$v:ident| $conv:expr;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Result<$t> {
            let mut $v: $ct = Default::default();
            check(stringify!($f), unsafe { sys::$f(self.as_ptr(), &mut $v) })?;
            Ok($conv)
        }
    )*};
}

macro_rules! simple_op {
    ($($(#[$m:meta])* $name:ident => $f:ident;)*) => {$(
        $(#[$m])*
        pub fn $name(&self) -> Result<()> {
            check(stringify!($f), unsafe { sys::$f(self.as_ptr()) }).map(drop)
        }
    )*};
}

impl Container {
    pub(crate) fn from_raw(p: *mut sys::ctr_container_t, keep: Keep) -> Container {
        Container { ptr: NonNull::new(p).expect("NULL container handle"), keep }
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::ctr_container_t {
        self.ptr.as_ptr()
    }

    pub(crate) fn keep(&self) -> Keep {
        self.keep.clone()
    }

    fn owned_json(&self, op: &'static str, r: c_int, s: *mut c_char) -> Result<String> {
        check(op, r)?;
        Ok(unsafe { take_string(s) })
    }

    /// The runtime the container belongs to (a new reference).
    pub fn runtime(&self) -> Runtime {
        let p = unsafe { sys::ctr_runtime_ref(sys::ctr_container_runtime(self.as_ptr())) };
        Runtime { ptr: NonNull::new(p).expect("container without runtime"), keep: self.keep.clone() }
    }

    // ---- config: lent for the handle's life ----

    /// Full 64-character ID.
    pub fn id(&self) -> &str {
        unsafe { lent_str(sys::ctr_container_id(self.as_ptr())) }
    }
    pub fn name(&self) -> &str {
        unsafe { lent_str(sys::ctr_container_name(self.as_ptr())) }
    }
    /// Why the container's record could not be read (its state is then
    /// `State::Unknown`), or None.  A copy: the library's string changes with
    /// the next re-read.
    pub fn damage(&self) -> Option<String> {
        let p = unsafe { sys::ctr_container_damage(self.as_ptr()) };
        if p.is_null() {
            None
        } else {
            Some(unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
        }
    }
    config_str! {
        /// Pod ID.
        pod => ctr_container_pod;
        image_id => ctr_container_image_id;
        image_name => ctr_container_image_name;
        user => ctr_container_user;
        workdir => ctr_container_workdir;
        hostname => ctr_container_hostname;
        cgroup_parent => ctr_container_cgroup_parent;
        process_label => ctr_container_process_label;
        mount_label => ctr_container_mount_label;
    }
    config_path! {
        rootfs => ctr_container_rootfs;
        static_dir => ctr_container_static_dir;
        shm_dir => ctr_container_shm_dir;
        log_path => ctr_container_log_path;
        netns_path => ctr_container_netns_path;
    }
    config_strv! {
        command => ctr_container_command;
        /// The entrypoint run before the command (since 0.4).
        entrypoint => ctr_container_entrypoint;
        env => ctr_container_env;
        dns_servers => ctr_container_dns_servers;
        dns_search => ctr_container_dns_search;
        dns_options => ctr_container_dns_options;
        hosts_add => ctr_container_hosts_add;
        /// Destinations of the container's mounts ([`ContainerOptions::mount`]), in order.
        mounts => ctr_container_mounts;
        networks => ctr_container_networks;
        volumes => ctr_container_volumes;
        exposed_ports => ctr_container_exposed_ports;
    }
    pub fn created(&self) -> SystemTime {
        ns_time(unsafe { sys::ctr_container_created(self.as_ptr()) }).unwrap_or(std::time::UNIX_EPOCH)
    }
    pub fn flags(&self) -> CreateFlags {
        CreateFlags(unsafe { sys::ctr_container_flags(self.as_ptr()) })
    }
    pub fn shm_size(&self) -> i64 {
        unsafe { sys::ctr_container_shm_size(self.as_ptr()) }
    }
    pub fn stop_signal(&self) -> i32 {
        unsafe { sys::ctr_container_stop_signal(self.as_ptr()) }
    }
    pub fn stop_timeout(&self) -> Duration {
        Duration::from_secs(unsafe { sys::ctr_container_stop_timeout(self.as_ptr()) } as u64)
    }
    /// Full ID of the container whose namespace `ns` this one joins.
    pub fn namespace_container(&self, ns: Namespace) -> Option<&str> {
        unsafe { lent_opt(sys::ctr_container_ns_ctr(self.as_ptr(), ns.raw())) }
    }
    pub fn port_mappings(&self) -> Vec<PortMapping> {
        let mut arr = ptr::null();
        let n = unsafe { sys::ctr_container_port_mappings(self.as_ptr(), &mut arr) };
        (0..n)
            .map(|i| unsafe {
                let p = &*arr.add(i);
                PortMapping {
                    host_ip: lent_opt(p.host_ip).filter(|s| !s.is_empty()).map(String::from),
                    host_port: p.host_port,
                    container_port: p.container_port,
                    protocol: lent_opt(p.protocol).unwrap_or("tcp").to_string(),
                }
            })
            .collect()
    }
    /// A label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        let k = std::ffi::CString::new(key).ok()?;
        unsafe { lent_opt(sys::ctr_container_label(self.as_ptr(), k.as_ptr())) }
    }
    /// All labels.
    pub fn labels(&self) -> Result<BTreeMap<String, String>> {
        let mut v = ptr::null_mut();
        check("ctr_container_labels", unsafe { sys::ctr_container_labels(self.as_ptr(), &mut v) })?;
        Ok(unsafe { take_strv(v) }
            .into_iter()
            .map(|kv| match kv.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (kv, String::new()),
            })
            .collect())
    }
    /// The container's whole configuration as the [`ContainerOptions`] that
    /// [`Runtime::create`] takes to make an equal container
    /// (`ctr_container_get_options()`, libctr 0.5): change the name with
    /// `.name(...)` and pass them on.  Values are the stored ones, defaults
    /// included (shm size, stop timeout, cgroup parent, the default network),
    /// normalized as the config keeps them: mounts with their full options
    /// (an anonymous volume without a source), capabilities as `CAP_*`,
    /// ulimits as `RLIMIT_*`, the healthcheck in podman's stored form; the
    /// entrypoint is `None` when the image's is used, empty when cleared.
    /// Errors: `EUCLEAN` for a damaged config.
    pub fn options(&self) -> Result<ContainerOptions> {
        let mut p = ptr::null_mut();
        check("ctr_container_get_options", unsafe { sys::ctr_container_get_options(self.as_ptr(), &mut p) })?;
        let o = unsafe { ContainerOptions::from_c(&*p) };
        unsafe { sys::ctr_container_options_free(p) };
        Ok(o)
    }
    /// The whole config as JSON.
    pub fn config_json(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        let r = unsafe { sys::ctr_container_config_json(self.as_ptr(), &mut s) };
        self.owned_json("ctr_container_config_json", r, s)
    }
    /// The OCI spec given at create (`{}` when none).
    pub fn spec_json(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        let r = unsafe { sys::ctr_container_spec_json(self.as_ptr(), &mut s) };
        self.owned_json("ctr_container_spec_json", r, s)
    }
    /// Full IDs of the containers whose namespaces this one joins.
    pub fn dependencies(&self) -> Result<Vec<String>> {
        let mut v = ptr::null_mut();
        check("ctr_container_dependencies", unsafe { sys::ctr_container_dependencies(self.as_ptr(), &mut v) })?;
        Ok(unsafe { take_strv(v) })
    }

    // ---- state: synced from the backend on each call ----

    simple_op! {
        /// Re-read the state (needed inside [`Container::batch`] to see changes).
        sync => ctr_container_sync;
    }
    state_get! {
        state -> State = ctr_container_state: sys::ctr_state_t, |v| State::from_raw(v);
        /// PID of the first process; 0 when not running.
        pid -> i32 = ctr_container_pid: sys::pid_t, |v| v;
        /// Exit code of the last run (128+signal when killed, -1 unknown).
        exit_code -> i32 = ctr_container_exit_code: c_int, |v| v;
        oom_killed -> bool = ctr_container_oom_killed: c_int, |v| v != 0;
        started_at -> Option<SystemTime> = ctr_container_started_at: i64, |v| ns_time(v);
        finished_at -> Option<SystemTime> = ctr_container_finished_at: i64, |v| ns_time(v);
    }
    /// Where the root file system is mounted, or `None`.
    pub fn mount_point(&self) -> Result<Option<String>> {
        let mut m: c_int = 0;
        let mut path = ptr::null_mut();
        check("ctr_container_mounted", unsafe { sys::ctr_container_mounted(self.as_ptr(), &mut m, &mut path) })?;
        let p = unsafe { take_string(path) };
        Ok(if m != 0 { Some(p) } else { None })
    }
    /// The stored state document.
    pub fn state_json(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        let r = unsafe { sys::ctr_container_state_json(self.as_ptr(), &mut s) };
        self.owned_json("ctr_container_state_json", r, s)
    }
    /// `/proc/PID/ns/NAME` of a running container.
    pub fn namespace_path(&self, ns: Namespace) -> Result<String> {
        let mut s = ptr::null_mut();
        let r = unsafe { sys::ctr_container_namespace_path(self.as_ptr(), ns.raw(), &mut s) };
        self.owned_json("ctr_container_namespace_path", r, s)
    }

    // ---- artifacts ----

    /// Store `data` under `name` (atomically).
    pub fn artifact_add(&self, name: &str, data: &[u8]) -> Result<()> {
        const OP: &str = "ctr_container_artifact_add";
        let n = cstring(OP, name)?;
        check(OP, unsafe {
            sys::ctr_container_artifact_add(self.as_ptr(), n.as_ptr(), data.as_ptr() as *const c_void, data.len())
        })
        .map(drop)
    }
    pub fn artifact_get(&self, name: &str) -> Result<Vec<u8>> {
        const OP: &str = "ctr_container_artifact_get";
        let n = cstring(OP, name)?;
        let mut buf = ptr::null_mut();
        let mut size = 0usize;
        check(OP, unsafe { sys::ctr_container_artifact_get(self.as_ptr(), n.as_ptr(), &mut buf, &mut size) })?;
        let v = unsafe { std::slice::from_raw_parts(buf as *const u8, size) }.to_vec();
        unsafe { sys::ctr_free(buf) };
        Ok(v)
    }
    pub fn artifact_remove(&self, name: &str) -> Result<()> {
        const OP: &str = "ctr_container_artifact_remove";
        let n = cstring(OP, name)?;
        check(OP, unsafe { sys::ctr_container_artifact_remove(self.as_ptr(), n.as_ptr()) }).map(drop)
    }

    // ---- lifecycle ----

    simple_op! {
        /// Create it in the OCI runtime (state [`State::Created`]).
        init => ctr_container_init;
        /// Start it (initialized first when configured or exited).
        start => ctr_container_start;
        pause => ctr_container_pause;
        unpause => ctr_container_unpause;
        /// Release what an exited container still holds.
        cleanup => ctr_container_cleanup;
    }
    /// Send the stop signal, wait `timeout` (None: the container's), then SIGKILL.
    pub fn stop(&self, timeout: Option<Duration>) -> Result<()> {
        let t = timeout.map_or(-1, |t| t.as_secs() as c_int);
        check("ctr_container_stop", unsafe { sys::ctr_container_stop(self.as_ptr(), t) }).map(drop)
    }
    /// Stop it if it is live (as [`Container::stop`]), then start it again.
    pub fn restart(&self, timeout: Option<Duration>) -> Result<()> {
        let t = timeout.map_or(-1, |t| t.as_secs() as c_int);
        check("ctr_container_restart", unsafe { sys::ctr_container_restart(self.as_ptr(), t) }).map(drop)
    }
    /// Apply the restart policy to an exit, as the monitor's exit command
    /// does: true when it restarted the container.
    pub fn apply_restart_policy(&self) -> Result<bool> {
        check("ctr_container_apply_restart_policy", unsafe { sys::ctr_container_apply_restart_policy(self.as_ptr()) })
            .map(|r| r == 1)
    }
    /// Run the healthcheck once (`podman healthcheck run`): whether it
    /// passed, and the health after it.  A timeout is an error (recorded as
    /// a failure).
    pub fn healthcheck_run(&self) -> Result<(bool, Health)> {
        let mut st: sys::ctr_health_status_t = 0;
        let r = check("ctr_container_healthcheck_run", unsafe {
            sys::ctr_container_healthcheck_run(self.as_ptr(), &mut st)
        })?;
        Ok((r == 0, Health::from_raw(st)))
    }
    /// The health as the last check left it (`State.Health.Status` of inspect).
    pub fn health(&self) -> Result<Health> {
        let mut st: sys::ctr_health_status_t = 0;
        check("ctr_container_health_status", unsafe { sys::ctr_container_health_status(self.as_ptr(), &mut st) })?;
        Ok(Health::from_raw(st))
    }
    /// Send a signal (a number, e.g. 9) to the container's first process.
    pub fn kill(&self, signal: i32) -> Result<()> {
        check("ctr_container_kill", unsafe { sys::ctr_container_kill(self.as_ptr(), signal) }).map(drop)
    }
    /// Wait until it exits (at most `timeout`; `None`: forever) and return the exit code.
    pub fn wait(&self, timeout: Option<Duration>) -> Result<i32> {
        let ms = timeout.map_or(-1, |t| t.as_millis() as i64);
        let mut code: c_int = -1;
        check("ctr_container_wait", unsafe { sys::ctr_container_wait(self.as_ptr(), ms, &mut code) })?;
        Ok(code)
    }
    /// Remove the container.  The handle stays valid for config getters.
    pub fn remove(&self, flags: RemoveFlags) -> Result<()> {
        check("ctr_container_remove", unsafe { sys::ctr_container_remove(self.as_ptr(), flags.0) }).map(drop)
    }
    /// Give the container a new name, in any state but removing
    /// (`ctr_container_rename()`, libctr 0.6): atomic, the old name free
    /// afterwards.  A name in use is `AlreadyExists`, an invalid one
    /// `InvalidArgument`.  What `name()` lent before stays valid.
    pub fn rename(&self, new_name: &str) -> Result<()> {
        const OP: &str = "ctr_container_rename";
        let n = cstring(OP, new_name)?;
        check(OP, unsafe { sys::ctr_container_rename(self.as_ptr(), n.as_ptr()) }).map(drop)
    }
    /// Change resource limits (`ctr_container_update()`, libctr 0.6), as
    /// `podman update`: the members of `limits` that `fields` names replace
    /// the container's, at once when it runs and in its config, for inspect
    /// and the next start.  A bad value is `InvalidArgument`; nothing changes.
    pub fn update(&self, limits: &ContainerOptions, fields: UpdateFields) -> Result<()> {
        const OP: &str = "ctr_container_update";
        let mut c = unsafe { std::mem::zeroed::<sys::ctr_container_options_t>() };
        check("ctr_container_options_init", unsafe {
            sys::ctr_container_options_init(&mut c, sys::CTR_CONTAINER_OPTIONS_VERSION)
        })?;
        let _v3 = limits.v3.fill(OP, &mut c)?;
        check(OP, unsafe { sys::ctr_container_update(self.as_ptr(), &c, fields.0) }).map(drop)
    }
    /// `podman inspect`-shaped JSON text.
    pub fn inspect_json(&self, with_size: bool) -> Result<String> {
        let mut s = ptr::null_mut();
        let flags = if with_size { sys::CTR_INSPECT_SIZE } else { 0 };
        let r = unsafe { sys::ctr_container_inspect(self.as_ptr(), flags, &mut s) };
        self.owned_json("ctr_container_inspect", r, s)
    }
    /// `podman inspect`-shaped data, parsed.
    pub fn inspect(&self) -> Result<json::Value> {
        parse_json("ctr_container_inspect", &self.inspect_json(false)?)
    }

    /// The processes of the running container as `podman top` shows them
    /// (`ctr_container_top()`, libctr 0.6), read from the host without running
    /// anything in the container: the header and one row per process, by PID
    /// in the container, one column per descriptor (`"pid"`, `"args"`,
    /// `"huser"`, AIX codes such as `"%C"`, or several in one string separated
    /// by commas; none: `user pid ppid pcpu etime tty time args`).  An unknown
    /// descriptor is `EINVAL`, a container that is not running `EBUSY`.
    pub fn top(&self, descriptors: &[&str]) -> Result<(Vec<String>, Vec<Vec<String>>)> {
        const OP: &str = "ctr_container_top";
        let d = CStrv::new(OP, descriptors)?;
        let mut t: *mut sys::ctr_top_t = ptr::null_mut();
        check(OP, unsafe { sys::ctr_container_top(self.as_ptr(), d.ptrs.as_ptr(), &mut t) })?;
        Ok(unsafe { top_table(t) })
    }

    /// Run a process in the running container and return its exit code.
    pub fn exec(&self, o: &ExecOptions<'_>) -> Result<i32> {
        const OP: &str = "ctr_container_exec";
        let mut e = unsafe { std::mem::zeroed::<sys::ctr_exec_options_t>() };
        check("ctr_exec_options_init", unsafe { sys::ctr_exec_options_init(&mut e, sys::CTR_EXEC_OPTIONS_VERSION) })?;
        let argv = CStrv::new(OP, &o.argv)?;
        let env = CStrv::opt(OP, &o.env)?;
        let user = opt_cstring(OP, &o.user.as_ref().map(|s| s.as_bytes().to_vec()))?;
        let workdir = opt_cstring(OP, &o.workdir.as_ref().map(|s| s.as_bytes().to_vec()))?;
        let keys = opt_cstring(OP, &o.detach_keys.as_ref().map(|s| s.as_bytes().to_vec()))?;
        e.argv = argv.ptrs.as_ptr();
        e.env = CStrv::as_ptr(&env);
        e.user = opt_ptr(&user);
        e.workdir = opt_ptr(&workdir);
        e.detach_keys = opt_ptr(&keys);
        e.flags =
            (if o.tty { sys::CTR_EXEC_TTY } else { 0 }) | (if o.privileged { sys::CTR_EXEC_PRIVILEGED } else { 0 });
        e.stdin_fd = o.stdin.unwrap_or(-1);
        e.stdout_fd = o.stdout.unwrap_or(-1);
        e.stderr_fd = o.stderr.unwrap_or(-1);
        let mut code: c_int = -1;
        check(OP, unsafe { sys::ctr_container_exec(self.as_ptr(), &e, &mut code) })?;
        Ok(code)
    }

    /// Like [`Container::exec`], feeding `input` to stdin and capturing stdout and stderr.
    pub fn exec_output(&self, o: &ExecOptions<'_>, input: Option<&[u8]>) -> Result<ExecOutput> {
        let io_err =
            |e: std::io::Error| Error::new("ctr_container_exec", e.raw_os_error().unwrap_or(EIO), e.to_string());
        let (out_r, out_w) = pipe().map_err(io_err)?;
        let (err_r, err_w) = pipe().map_err(io_err)?;
        let stdin = match input {
            Some(data) => {
                let (r, mut w) = pipe().map_err(io_err)?;
                let data = data.to_vec();
                Some((r, std::thread::spawn(move || drop(w.write_all(&data)))))
            }
            None => None,
        };
        let mut opts = o.clone();
        opts.stdin = stdin.as_ref().map(|(r, _)| r.as_raw_fd());
        opts.stdout = Some(out_w.as_raw_fd());
        opts.stderr = Some(err_w.as_raw_fd());
        let reader = |mut f: std::fs::File| {
            std::thread::spawn(move || {
                let mut v = Vec::new();
                let _ = f.read_to_end(&mut v);
                v
            })
        };
        let (out_t, err_t) = (reader(out_r), reader(err_r));
        let r = self.exec(&opts);
        drop((out_w, err_w));
        if let Some((r, t)) = stdin {
            drop(r); // a writer still blocked gets EPIPE
            let _ = t.join();
        }
        let stdout = out_t.join().unwrap_or_default();
        let stderr = err_t.join().unwrap_or_default();
        Ok(ExecOutput { exit_code: r?, stdout, stderr })
    }

    /// Relay the container's streams until its output ends or the detach
    /// keys are typed; returns true when detached.
    pub fn attach(&self, o: &AttachOptions) -> Result<bool> {
        const OP: &str = "ctr_container_attach";
        let mut a = unsafe { std::mem::zeroed::<sys::ctr_attach_options_t>() };
        check("ctr_attach_options_init", unsafe {
            sys::ctr_attach_options_init(&mut a, sys::CTR_ATTACH_OPTIONS_VERSION)
        })?;
        let keys = opt_cstring(OP, &o.detach_keys.as_ref().map(|s| s.as_bytes().to_vec()))?;
        a.stdin_fd = o.stdin.unwrap_or(-1);
        a.stdout_fd = o.stdout.unwrap_or(-1);
        a.stderr_fd = o.stderr.unwrap_or(-1);
        a.detach_keys = opt_ptr(&keys);
        a.flags = (if o.start { sys::CTR_ATTACH_START } else { 0 })
            | (if o.return_on_stdin_eof { sys::CTR_ATTACH_RETURN_ON_STDIN_EOF } else { 0 });
        a.cancel = crate::wait::cancel_ptr(&o.cancel);
        let r = check(OP, unsafe { sys::ctr_container_attach(self.as_ptr(), &a) })?;
        Ok(r == sys::CTR_ATTACH_DETACHED)
    }

    /// Resize the container's terminal.
    pub fn resize(&self, height: u32, width: u32) -> Result<()> {
        check("ctr_container_resize", unsafe { sys::ctr_container_resize(self.as_ptr(), height, width) }).map(drop)
    }

    /// Call `f` for each log line, in order; `f` returns false to stop.
    pub fn logs<F: FnMut(LogLine) -> bool>(&self, o: &LogsOptions, mut f: F) -> Result<()> {
        struct Ctx<'a> {
            f: &'a mut dyn FnMut(LogLine) -> bool,
            panic: Option<Box<dyn std::any::Any + Send>>,
        }
        unsafe extern "C" fn line(stream: c_int, ts: i64, data: *const c_char, size: usize, ud: *mut c_void) -> c_int {
            let ctx = &mut *(ud as *mut Ctx);
            let l = LogLine {
                stream: if stream == sys::CTR_STREAM_STDERR { Stream::Stderr } else { Stream::Stdout },
                timestamp: ts,
                data: std::slice::from_raw_parts(data as *const u8, size).to_vec(),
            };
            match panic::catch_unwind(AssertUnwindSafe(|| (ctx.f)(l))) {
                Ok(true) => 0,
                Ok(false) => 1,
                Err(p) => {
                    ctx.panic = Some(p);
                    1
                }
            }
        }
        let mut l = unsafe { std::mem::zeroed::<sys::ctr_logs_options_t>() };
        check("ctr_logs_options_init", unsafe { sys::ctr_logs_options_init(&mut l, sys::CTR_LOGS_OPTIONS_VERSION) })?;
        l.flags = o.flags;
        l.since = o.since.map_or(0, time_ns);
        l.until = o.until.map_or(0, time_ns);
        l.tail = o.tail.map_or(-1, |t| t as i64);
        l.cancel = crate::wait::cancel_ptr(&o.cancel);
        let mut ctx = Ctx { f: &mut f, panic: None };
        let r = unsafe { sys::ctr_container_logs(self.as_ptr(), &l, Some(line), &mut ctx as *mut Ctx as *mut c_void) };
        if let Some(p) = ctx.panic {
            panic::resume_unwind(p);
        }
        check("ctr_container_logs", r).map(drop)
    }

    /// The log's lines.
    pub fn read_logs(&self, o: &LogsOptions) -> Result<Vec<LogLine>> {
        let mut v = Vec::new();
        self.logs(o, |l| {
            v.push(l);
            true
        })?;
        Ok(v)
    }

    /// Run `f` with the container's lock held and its state synced once.
    /// Calls on the container from `f` (on this thread) do not relock; calls
    /// from other threads wait until the batch ends, so `f` must not wait for
    /// them.  An `Err` from `f` aborts the batch and is returned; a panic is
    /// resumed after the lock is released.
    pub fn batch<T, F: FnOnce(&Container) -> Result<T>>(&self, f: F) -> Result<T> {
        struct Ctx<'a, T, F> {
            c: &'a Container,
            f: Option<F>,
            out: Option<Result<T>>,
            panic: Option<Box<dyn std::any::Any + Send>>,
        }
        unsafe extern "C" fn tramp<T, F: FnOnce(&Container) -> Result<T>>(
            _c: *mut sys::ctr_container_t,
            ud: *mut c_void,
        ) -> c_int {
            let ctx = &mut *(ud as *mut Ctx<T, F>);
            let f = ctx.f.take().expect("batch callback called twice");
            let c = ctx.c;
            match panic::catch_unwind(AssertUnwindSafe(|| f(c))) {
                Ok(r) => {
                    let code = match &r {
                        Ok(_) => 0,
                        Err(e) => e.code().min(-1),
                    };
                    ctx.out = Some(r);
                    code
                }
                Err(p) => {
                    ctx.panic = Some(p);
                    -ECANCELED
                }
            }
        }
        let mut ctx = Ctx { c: self, f: Some(f), out: None, panic: None };
        let r = unsafe {
            sys::ctr_container_batch(self.as_ptr(), Some(tramp::<T, F>), &mut ctx as *mut Ctx<T, F> as *mut c_void)
        };
        let err = if r < 0 { Some(Error::last("ctr_container_batch", r)) } else { None };
        if let Some(p) = ctx.panic {
            panic::resume_unwind(p);
        }
        match (ctx.out, err) {
            (Some(out), _) => out,
            (None, Some(e)) => Err(e),
            (None, None) => Err(Error::new("ctr_container_batch", EIO, "the batch callback did not run")),
        }
    }
}

impl Clone for Container {
    fn clone(&self) -> Container {
        unsafe { sys::ctr_container_ref(self.as_ptr()) };
        Container { ptr: self.ptr, keep: self.keep.clone() }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        unsafe { sys::ctr_container_unref(self.as_ptr()) };
    }
}

impl PartialEq for Container {
    fn eq(&self, o: &Container) -> bool {
        self.id() == o.id()
    }
}

impl fmt::Debug for Container {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Container").field("id", &self.id()).field("name", &self.name()).finish()
    }
}

/// A process to run with [`Container::exec`].  The descriptors are borrowed
/// for the call.
#[derive(Clone, Debug, Default)]
pub struct ExecOptions<'a> {
    argv: Vec<String>,
    env: Option<Vec<String>>,
    user: Option<String>,
    workdir: Option<String>,
    tty: bool,
    privileged: bool,
    stdin: Option<RawFd>,
    stdout: Option<RawFd>,
    stderr: Option<RawFd>,
    detach_keys: Option<String>,
    _fds: std::marker::PhantomData<&'a ()>,
}

impl<'a> ExecOptions<'a> {
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(argv: I) -> Self {
        ExecOptions { argv: argv.into_iter().map(Into::into).collect(), ..Default::default() }
    }
    pub fn env<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.env = strings(v);
        self
    }
    pub fn user(mut self, v: &str) -> Self {
        self.user = Some(v.into());
        self
    }
    pub fn workdir(mut self, v: &str) -> Self {
        self.workdir = Some(v.into());
        self
    }
    pub fn tty(mut self, v: bool) -> Self {
        self.tty = v;
        self
    }
    pub fn privileged(mut self, v: bool) -> Self {
        self.privileged = v;
        self
    }
    pub fn stdin(mut self, f: &'a impl AsRawFd) -> Self {
        self.stdin = Some(f.as_raw_fd());
        self
    }
    pub fn stdout(mut self, f: &'a impl AsRawFd) -> Self {
        self.stdout = Some(f.as_raw_fd());
        self
    }
    pub fn stderr(mut self, f: &'a impl AsRawFd) -> Self {
        self.stderr = Some(f.as_raw_fd());
        self
    }
    pub fn detach_keys(mut self, v: &str) -> Self {
        self.detach_keys = Some(v.into());
        self
    }
}

/// What [`Container::exec_output`] returns.
#[derive(Clone, Debug)]
pub struct ExecOutput {
    pub exit_code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// How to attach ([`Container::attach`]).  The descriptors are borrowed for the call.
#[derive(Clone, Debug, Default)]
pub struct AttachOptions<'a> {
    stdin: Option<RawFd>,
    stdout: Option<RawFd>,
    stderr: Option<RawFd>,
    detach_keys: Option<String>,
    start: bool,
    return_on_stdin_eof: bool,
    cancel: Option<std::sync::Arc<crate::Cancel>>,
    _fds: std::marker::PhantomData<&'a ()>,
}

impl<'a> AttachOptions<'a> {
    pub fn new() -> Self {
        Self::default()
    }
    /// A token another thread may trigger to end the attachment
    /// (`Canceled`; the container goes on).
    pub fn cancel(mut self, t: std::sync::Arc<crate::Cancel>) -> Self {
        self.cancel = Some(t);
        self
    }
    pub fn stdin(mut self, f: &'a impl AsRawFd) -> Self {
        self.stdin = Some(f.as_raw_fd());
        self
    }
    pub fn stdout(mut self, f: &'a impl AsRawFd) -> Self {
        self.stdout = Some(f.as_raw_fd());
        self
    }
    pub fn stderr(mut self, f: &'a impl AsRawFd) -> Self {
        self.stderr = Some(f.as_raw_fd());
        self
    }
    /// Such as "ctrl-p,ctrl-q" (the default); "" for none.
    pub fn detach_keys(mut self, v: &str) -> Self {
        self.detach_keys = Some(v.into());
        self
    }
    /// Start the container once attached, so none of its output is missed.
    pub fn start(mut self, v: bool) -> Self {
        self.start = v;
        self
    }
    pub fn return_on_stdin_eof(mut self, v: bool) -> Self {
        self.return_on_stdin_eof = v;
        self
    }
}

/// A log stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One line of a container's log, without its newline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub stream: Stream,
    /// Nanoseconds since the epoch.
    pub timestamp: i64,
    pub data: Vec<u8>,
}

impl LogLine {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.data)
    }
    pub fn time(&self) -> Option<SystemTime> {
        ns_time(self.timestamp)
    }
}

/// Which part of the log to read.
#[derive(Clone, Debug, Default)]
pub struct LogsOptions {
    flags: u64,
    since: Option<SystemTime>,
    until: Option<SystemTime>,
    tail: Option<u64>,
    cancel: Option<std::sync::Arc<crate::Cancel>>,
}

impl LogsOptions {
    pub fn new() -> Self {
        Self::default()
    }
    /// A token another thread may trigger to end a follow (`Canceled`).
    pub fn cancel(mut self, t: std::sync::Arc<crate::Cancel>) -> Self {
        self.cancel = Some(t);
        self
    }
    /// Keep reading until the container exits.
    pub fn follow(mut self, v: bool) -> Self {
        self.flags = if v { self.flags | sys::CTR_LOGS_FOLLOW } else { self.flags & !sys::CTR_LOGS_FOLLOW };
        self
    }
    /// Only stdout.
    pub fn stdout_only(mut self) -> Self {
        self.flags = (self.flags & !sys::CTR_LOGS_STDERR) | sys::CTR_LOGS_STDOUT;
        self
    }
    /// Only stderr.
    pub fn stderr_only(mut self) -> Self {
        self.flags = (self.flags & !sys::CTR_LOGS_STDOUT) | sys::CTR_LOGS_STDERR;
        self
    }
    pub fn since(mut self, t: SystemTime) -> Self {
        self.since = Some(t);
        self
    }
    pub fn until(mut self, t: SystemTime) -> Self {
        self.until = Some(t);
        self
    }
    /// Only the last `n` lines.
    pub fn tail(mut self, n: u64) -> Self {
        self.tail = Some(n);
        self
    }
}

#[allow(dead_code)]
fn _assert_thread_rules() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Runtime>();
    send_sync::<Container>();
    let _ = CStr::from_bytes_with_nul(b"\0");
}

/// The header and rows of a table of `ctr_container_top()` or
/// `ctr_pod_top()`, copied; the table is freed.
///
/// # Safety
/// `t` is a table the library returned and nothing else frees.
pub(crate) unsafe fn top_table(t: *mut sys::ctr_top_t) -> (Vec<String>, Vec<Vec<String>>) {
    let owned = |p: *const c_char| CStr::from_ptr(p).to_string_lossy().into_owned();
    let tt = &*t;
    let header = (0..tt.n_columns).map(|j| owned(*tt.header.add(j))).collect();
    let rows = (0..tt.n_rows)
        .map(|i| {
            let r = *tt.rows.add(i);
            (0..tt.n_columns).map(|j| owned(*r.add(j))).collect()
        })
        .collect();
    sys::ctr_container_top_free(t);
    (header, rows)
}
