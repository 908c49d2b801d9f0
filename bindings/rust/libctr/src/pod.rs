// SPDX-License-Identifier: LGPL-2.1-or-later
//! Pods (`ctr-pod.h`, libctr 0.7): containers that share namespaces and a
//! cgroup around an infra container, as podman's.  Resolved at run time:
//! with an older libctr every call fails with [`ErrorKind::NotSupported`].
//!
//! Members are made with [`Runtime::create`] and [`ContainerOptions::pod`]
//! set to the pod's ID, ID prefix or name.  The operations of a [`Pod`]
//! act on the infra container and every member, go on past a member that
//! fails and return the first error, whose message names every failing
//! member; each fails with [`ErrorKind::NotFound`] when the pod was removed
//! meanwhile.
use std::fmt;
use std::os::raw::c_int;
use std::ptr::{self, NonNull};
use std::time::{Duration, SystemTime};

use libctr_sys as sys;
use sys::optional as opt;

use crate::*;

/// A pod (`ctr_pod_t`).  Its ID, name, infra container, cgroup, shared
/// namespaces and creation time are a snapshot of its record when the
/// handle was made; [`Pod::containers`], [`Pod::status`] and
/// [`Pod::inspect`] read anew.  Dropping it releases the handle only.
pub struct Pod {
    ptr: NonNull<sys::ctr_pod_t>,
    _keep: Keep,
}

// Reference counted with atomics and immutable once made; the operations
// serialize on the pod's lock.
unsafe impl Send for Pod {}

/// The namespaces a pod's members share (`CTR_POD_SHARE_*`, podman's `pod
/// create --share`).  The default value (0) means [`PodShare::DEFAULT`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct PodShare(pub u32);

impl PodShare {
    /// System V IPC and POSIX message queues.
    pub const IPC: PodShare = PodShare(sys::CTR_POD_SHARE_IPC);
    /// The network stack (and the pod's ports and networks).
    pub const NET: PodShare = PodShare(sys::CTR_POD_SHARE_NET);
    /// The host name.
    pub const UTS: PodShare = PodShare(sys::CTR_POD_SHARE_UTS);
    /// Process IDs (catatonit is PID 1 of all members).
    pub const PID: PodShare = PodShare(sys::CTR_POD_SHARE_PID);
    /// The cgroup namespace.
    pub const CGROUP: PodShare = PodShare(sys::CTR_POD_SHARE_CGROUP);
    /// Share nothing (podman's `--share ""`): the pod is then only a group and a cgroup.
    pub const NONE: PodShare = PodShare(sys::CTR_POD_SHARE_NONE);
    /// What podman shares by default: `ipc,net,uts`.
    pub const DEFAULT: PodShare = PodShare(sys::CTR_POD_SHARE_DEFAULT);
    pub fn contains(self, other: PodShare) -> bool {
        self.0 & other.0 == other.0
    }
}

impl std::ops::BitOr for PodShare {
    type Output = PodShare;
    fn bitor(self, o: PodShare) -> PodShare {
        PodShare(self.0 | o.0)
    }
}

/// A pod's network (`ctr_pod_network_mode_t`, podman's `pod create --network`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PodNetwork {
    /// A namespace of its own on [`PodOptions::networks`] (default: the runtime's default network).
    #[default]
    Bridge,
    /// A namespace of its own with only a loopback device.
    None,
    /// The host's network namespace.
    Host,
}

impl PodNetwork {
    fn raw(self) -> c_int {
        match self {
            PodNetwork::Bridge => sys::CTR_POD_NETWORK_BRIDGE,
            PodNetwork::None => sys::CTR_POD_NETWORK_NONE,
            PodNetwork::Host => sys::CTR_POD_NETWORK_HOST,
        }
    }
}

/// What a pod does when its last member exits (`ctr_pod_exit_policy_t`, podman's `--exit-policy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PodExitPolicy {
    /// The infra container goes on (podman's default).
    #[default]
    Continue,
    /// The infra container is stopped too.
    Stop,
}

impl PodExitPolicy {
    fn raw(self) -> c_int {
        match self {
            PodExitPolicy::Continue => sys::CTR_POD_EXIT_CONTINUE,
            PodExitPolicy::Stop => sys::CTR_POD_EXIT_STOP,
        }
    }
}

flags!(
    /// Flags of [`Pod::remove`].
    PodRemoveFlags {
        /// Stop and remove running members too (podman's `pod rm -f`).
        FORCE = sys::CTR_POD_REMOVE_FORCE,
        /// Remove the members' anonymous volumes.
        VOLUMES = sys::CTR_POD_REMOVE_VOLUMES,
    }
);

/// Whether the loaded libctr has the pod API (`ctr-pod.h`, libctr 0.7).
pub fn has_pods() -> bool {
    sys::optional::has("ctr_pod_create")
}

impl Pod {
    fn from_raw(p: *mut sys::ctr_pod_t, keep: Keep) -> Result<Pod> {
        NonNull::new(p)
            .map(|ptr| Pod { ptr, _keep: keep })
            .ok_or_else(|| Error::new("ctr_pod", EIO, "the library returned no pod"))
    }
    pub(crate) fn as_ptr(&self) -> *mut sys::ctr_pod_t {
        self.ptr.as_ptr()
    }
    fn op(&self, op: &'static str, r: Option<c_int>) -> Result<()> {
        check_opt(op, r).map(drop)
    }
    /// The full ID (64 hex digits).
    pub fn id(&self) -> &str {
        unsafe { lent_str(opt::ctr_pod_id(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    pub fn name(&self) -> &str {
        unsafe { lent_str(opt::ctr_pod_name(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// The runtime the pod belongs to (a new reference).
    pub fn runtime(&self) -> Runtime {
        let p = unsafe { opt::ctr_pod_runtime(self.as_ptr()) }.unwrap_or(ptr::null_mut());
        // A pod handle exists only with the pod API, and holds its runtime.
        let p = unsafe { sys::ctr_runtime_ref(p) };
        Runtime { ptr: NonNull::new(p).expect("pod without runtime"), keep: self._keep.clone() }
    }
    /// The infra container's full ID; `None` for a pod made with [`PodOptions::no_infra`].
    pub fn infra_id(&self) -> Option<&str> {
        unsafe { lent_opt(opt::ctr_pod_infra_id(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// The pod's cgroup, `CGROUP_PARENT/POD_ID`.
    pub fn cgroup_path(&self) -> &str {
        unsafe { lent_str(opt::ctr_pod_cgroup_path(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// The shared namespaces ([`PodShare::NONE`] for none).
    pub fn share(&self) -> PodShare {
        PodShare(unsafe { opt::ctr_pod_share(self.as_ptr()) }.unwrap_or(0))
    }
    pub fn created(&self) -> Option<SystemTime> {
        ns_time(unsafe { opt::ctr_pod_created(self.as_ptr()) }.unwrap_or(0))
    }
    /// The full IDs of the pod's containers, read now: the infra container
    /// first, then the members oldest first.
    pub fn containers(&self) -> Result<Vec<String>> {
        let mut v = ptr::null_mut();
        check_opt("ctr_pod_containers", unsafe { opt::ctr_pod_containers(self.as_ptr(), &mut v) })?;
        Ok(unsafe { take_strv(v) })
    }
    /// podman's pod status from the containers' states: `Created`,
    /// `Running`, `Degraded`, `Paused`, `Stopped` or `Exited` (the infra
    /// container counts).
    pub fn status(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt("ctr_pod_status", unsafe { opt::ctr_pod_status(self.as_ptr(), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    /// Start the infra container, then every member not running (`podman pod start`).
    pub fn start(&self) -> Result<()> {
        self.op("ctr_pod_start", unsafe { opt::ctr_pod_start(self.as_ptr()) })
    }
    /// Stop every running or paused member, then the infra container, each
    /// with its own stop signal and timeout, or `timeout` (whole seconds)
    /// when given (`podman pod stop`).
    pub fn stop(&self, timeout: Option<Duration>) -> Result<()> {
        let t = timeout.map_or(-1, |t| t.as_secs() as c_int);
        self.op("ctr_pod_stop", unsafe { opt::ctr_pod_stop(self.as_ptr(), t) })
    }
    /// Send a signal (a number, e.g. 9) to every running member and the infra
    /// container: [`ErrorKind::WrongState`] when none is running,
    /// [`ErrorKind::InvalidArgument`] for a bad signal.
    pub fn kill(&self, signal: i32) -> Result<()> {
        self.op("ctr_pod_kill", unsafe { opt::ctr_pod_kill(self.as_ptr(), signal) })
    }
    /// Pause every running member and the infra container
    /// ([`ErrorKind::WrongState`]: nothing running).
    pub fn pause(&self) -> Result<()> {
        self.op("ctr_pod_pause", unsafe { opt::ctr_pod_pause(self.as_ptr()) })
    }
    /// Unpause every paused member and the infra container
    /// ([`ErrorKind::WrongState`]: nothing paused).
    pub fn unpause(&self) -> Result<()> {
        self.op("ctr_pod_unpause", unsafe { opt::ctr_pod_unpause(self.as_ptr()) })
    }
    /// Stop (with each member's own timeout), then start (`podman pod restart`).
    pub fn restart(&self) -> Result<()> {
        self.op("ctr_pod_restart", unsafe { opt::ctr_pod_restart(self.as_ptr()) })
    }
    /// The processes of the pod's running containers as `podman pod top`
    /// shows them (`ctr_pod_top()`): the header and rows as
    /// [`Container::top`] gives them, the containers in the order of
    /// [`Pod::containers`].  [`ErrorKind::WrongState`]: no container of the
    /// pod runs; [`ErrorKind::InvalidArgument`]: an unknown descriptor.
    pub fn top(&self, descriptors: &[&str]) -> Result<(Vec<String>, Vec<Vec<String>>)> {
        const OP: &str = "ctr_pod_top";
        let d = CStrv::new(OP, descriptors)?;
        let mut t: *mut sys::ctr_top_t = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_pod_top(self.as_ptr(), d.ptrs.as_ptr(), &mut t) })?;
        Ok(unsafe { crate::container::top_table(t) })
    }
    /// A sample of the resource use of each running (or paused) container
    /// of the pod, the infra container included, as `podman pod stats`
    /// lists them (`ctr_pod_stats()`), in the order of [`Pod::containers`].
    /// With `prev` (samples of an earlier call), a container's
    /// `cpu_percent` is since its own sample there, else since its start.
    /// Nothing running: empty.  [`ErrorKind::NotFound`]: the pod was removed.
    pub fn stats(&self, prev: &[Stats]) -> Result<Vec<Stats>> {
        let pp: Vec<*const sys::ctr_stats_t> = prev.iter().map(Stats::raw).filter(|p| !p.is_null()).collect();
        let mut arr: *mut *mut sys::ctr_stats_t = ptr::null_mut();
        let mut n = 0usize;
        check_opt("ctr_pod_stats", unsafe {
            opt::ctr_pod_stats(self.as_ptr(), pp.as_ptr(), pp.len(), &mut arr, &mut n)
        })?;
        // Each sample becomes its Stats'; only the array is freed here.
        let out = (0..n).map(|i| unsafe { Stats::owned(*arr.add(i)) }).collect();
        unsafe { opt::ctr_pod_stats_free(arr, 0) };
        Ok(out)
    }
    /// Apply the pod's exit policy after a member exited: with
    /// [`PodExitPolicy::Stop`] and no member running, paused or stopping any
    /// more, stop the infra container (`podman pod create --exit-policy
    /// stop`); `true` when it did.  libctr's monitor helper does this after
    /// every member's exit, with no caller alive; this is for callers that
    /// want it now.  [`ErrorKind::NotFound`]: the pod was removed.
    pub fn apply_exit_policy(&self) -> Result<bool> {
        check_opt("ctr_pod_apply_exit_policy", unsafe { opt::ctr_pod_apply_exit_policy(self.as_ptr()) }).map(|r| r == 1)
    }
    /// Remove the members, the infra container, the pod's cgroup and its
    /// record (`podman pod rm`).  Without [`PodRemoveFlags::FORCE`] a
    /// running or paused member is [`ErrorKind::WrongState`] and nothing is
    /// removed; when a member cannot be removed the pod is kept with it and
    /// that error is returned.  The handle stays valid for the getters.
    pub fn remove(&self, flags: PodRemoveFlags) -> Result<()> {
        self.op("ctr_pod_remove", unsafe { opt::ctr_pod_remove(self.as_ptr(), flags.0) })
    }
    /// `podman pod inspect`'s object as JSON text, read anew.
    pub fn inspect_json(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt("ctr_pod_inspect", unsafe { opt::ctr_pod_inspect(self.as_ptr(), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    /// The inspect object, parsed (`Id`, `Name`, `State`, `InfraContainerID`,
    /// `SharedNamespaces`, `Containers`...).
    pub fn inspect(&self) -> Result<json::Value> {
        parse_json("ctr_pod_inspect", &self.inspect_json()?)
    }
}

impl Clone for Pod {
    fn clone(&self) -> Pod {
        unsafe { opt::ctr_pod_ref(self.as_ptr()) };
        Pod { ptr: self.ptr, _keep: self._keep.clone() }
    }
}

impl Drop for Pod {
    fn drop(&mut self) {
        unsafe { opt::ctr_pod_unref(self.as_ptr()) };
    }
}

impl fmt::Debug for Pod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pod").field("id", &self.id()).field("name", &self.name()).finish()
    }
}

/// A new pod ([`Runtime::create_pod`], `ctr_pod_options_t`), built with its
/// methods; unset fields take the library's defaults.  Everything is copied.
#[derive(Clone, Debug, Default)]
pub struct PodOptions {
    name: Option<String>,
    labels: Vec<String>,
    share: PodShare,
    exit_policy: PodExitPolicy,
    network: PodNetwork,
    cgroup_parent: Option<String>,
    hostname: Option<String>,
    dns_servers: Option<Vec<String>>,
    dns_search: Option<Vec<String>>,
    dns_options: Option<Vec<String>>,
    hosts_add: Option<Vec<String>>,
    ports: Vec<PortMapping>,
    networks: Option<Vec<String>>,
    infra_image: Option<String>,
    no_infra: bool,
    memory: i64,
    memory_swap: i64,
    nano_cpus: i64,
    cpuset_cpus: Option<String>,
    cpuset_mems: Option<String>,
}

fn string_list<I: IntoIterator<Item = S>, S: Into<String>>(v: I) -> Option<Vec<String>> {
    Some(v.into_iter().map(Into::into).collect())
}

impl PodOptions {
    /// No name: a generated one.
    pub fn new() -> Self {
        Self::default()
    }
    /// `[a-zA-Z0-9][a-zA-Z0-9_.-]*`, not a container's or another pod's.
    pub fn name(mut self, v: &str) -> Self {
        self.name = Some(v.into());
        self
    }
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.push(format!("{}={}", key, value));
        self
    }
    /// The shared namespaces (default: [`PodShare::DEFAULT`]).
    pub fn share(mut self, v: PodShare) -> Self {
        self.share = v;
        self
    }
    pub fn exit_policy(mut self, v: PodExitPolicy) -> Self {
        self.exit_policy = v;
        self
    }
    /// The pod's network (with [`PodShare::NET`]).
    pub fn network(mut self, v: PodNetwork) -> Self {
        self.network = v;
        self
    }
    /// cgroup parent of the pod's cgroup (default: `/libctr_parent`).
    pub fn cgroup_parent(mut self, v: &str) -> Self {
        self.cgroup_parent = Some(v.into());
        self
    }
    /// Host name of the members (with [`PodShare::UTS`]; default: the pod's name).
    pub fn hostname(mut self, v: &str) -> Self {
        self.hostname = Some(v.into());
        self
    }
    /// DNS servers overriding the host's (with [`PodShare::NET`]).
    pub fn dns_servers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_servers = string_list(v);
        self
    }
    pub fn dns_search<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_search = string_list(v);
        self
    }
    pub fn dns_options<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.dns_options = string_list(v);
        self
    }
    /// Extra `/etc/hosts` entries as `HOST:IP`.
    pub fn hosts_add<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.hosts_add = string_list(v);
        self
    }
    /// A port published by the pod (with [`PodNetwork::Bridge`]).
    pub fn port(mut self, p: PortMapping) -> Self {
        self.ports.push(p);
        self
    }
    /// Networks (with [`PodNetwork::Bridge`]; default: the runtime's default network).
    pub fn networks<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.networks = string_list(v);
        self
    }
    /// The infra container's image (default: libctr's own catatonit image).
    /// Memory limit of the pod's cgroup, which all its containers are in, in bytes.
    pub fn memory(mut self, v: i64) -> Self {
        self.memory = v;
        self
    }
    /// Memory plus swap (0: twice [`PodOptions::memory`]; -1: no limit).
    pub fn memory_swap(mut self, v: i64) -> Self {
        self.memory_swap = v;
        self
    }
    /// CPUs of the pod's cgroup (0.5: 50 ms in each 100 ms).
    pub fn cpus(mut self, v: f64) -> Self {
        self.nano_cpus = (v * 1e9).round() as i64;
        self
    }
    /// CPUs allowed (`0-2,4`).
    pub fn cpuset_cpus(mut self, v: &str) -> Self {
        self.cpuset_cpus = Some(v.into());
        self
    }
    /// Memory nodes allowed.
    pub fn cpuset_mems(mut self, v: &str) -> Self {
        self.cpuset_mems = Some(v.into());
        self
    }
    pub fn infra_image(mut self, v: &str) -> Self {
        self.infra_image = Some(v.into());
        self
    }
    /// No infra container (podman's `--infra=false`): nothing is shared, so
    /// the share must be [`PodShare::NONE`] (libctr refuses the default).
    pub fn no_infra(mut self) -> Self {
        self.no_infra = true;
        self
    }
}

impl Runtime {
    /// Create a pod and its infra container (`podman pod create`):
    /// [`ErrorKind::InvalidArgument`] (a bad option: the message says which),
    /// [`ErrorKind::AlreadyExists`] (the name is a pod's or a container's),
    /// [`ErrorKind::NotFound`] (a network or the infra image does not exist),
    /// [`ErrorKind::NotSupported`] (no pod API, or a state backend without
    /// object records), or [`Runtime::create`]'s errors for the infra
    /// container.  On failure nothing is left.
    pub fn create_pod(&self, o: &PodOptions) -> Result<Pod> {
        const OP: &str = "ctr_pod_create";
        let mut po = unsafe { std::mem::zeroed::<sys::ctr_pod_options_t>() };
        check_opt("ctr_pod_options_init", unsafe { opt::ctr_pod_options_init(&mut po, sys::CTR_POD_OPTIONS_VERSION) })?;
        let s = |v: &Option<String>| opt_cstring(OP, &v.as_ref().map(|s| s.as_bytes().to_vec()));
        let (name, cgroup_parent, hostname, infra_image) =
            (s(&o.name)?, s(&o.cgroup_parent)?, s(&o.hostname)?, s(&o.infra_image)?);
        let (cpuset_cpus, cpuset_mems) = (s(&o.cpuset_cpus)?, s(&o.cpuset_mems)?);
        let labels = CStrv::opt(OP, &Some(o.labels.clone()))?;
        let dns_servers = CStrv::opt(OP, &o.dns_servers)?;
        let dns_search = CStrv::opt(OP, &o.dns_search)?;
        let dns_options = CStrv::opt(OP, &o.dns_options)?;
        let hosts_add = CStrv::opt(OP, &o.hosts_add)?;
        let networks = CStrv::opt(OP, &o.networks)?;
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
        po.name = opt_ptr(&name);
        po.labels = CStrv::as_ptr(&labels);
        po.share = o.share.0;
        po.exit_policy = o.exit_policy.raw();
        po.network_mode = o.network.raw();
        po.cgroup_parent = opt_ptr(&cgroup_parent);
        po.hostname = opt_ptr(&hostname);
        po.dns_servers = CStrv::as_ptr(&dns_servers);
        po.dns_search = CStrv::as_ptr(&dns_search);
        po.dns_options = CStrv::as_ptr(&dns_options);
        po.hosts_add = CStrv::as_ptr(&hosts_add);
        if !ports.is_empty() {
            po.port_mappings = ports.as_ptr();
            po.n_port_mappings = ports.len();
        }
        po.networks = CStrv::as_ptr(&networks);
        po.infra_image = opt_ptr(&infra_image);
        po.flags = if o.no_infra { sys::CTR_POD_CREATE_NO_INFRA } else { 0 };
        po.memory = o.memory;
        po.memory_swap = o.memory_swap;
        po.nano_cpus = o.nano_cpus;
        po.cpuset_cpus = opt_ptr(&cpuset_cpus);
        po.cpuset_mems = opt_ptr(&cpuset_mems);
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_pod_create(self.as_ptr(), &po, &mut p) })?;
        Pod::from_raw(p, self.keep.clone())
    }
    /// Find a pod by full ID, unique ID prefix or name:
    /// [`ErrorKind::NotFound`] (no such pod), [`ErrorKind::InvalidArgument`]
    /// (empty or invalid, or an ambiguous prefix).
    pub fn pod(&self, reference: &str) -> Result<Pod> {
        const OP: &str = "ctr_pod_lookup";
        let r = cstring(OP, reference)?;
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_pod_lookup(self.as_ptr(), r.as_ptr(), &mut p) })?;
        Pod::from_raw(p, self.keep.clone())
    }
    /// Every pod, oldest first (a damaged record is skipped with a warning
    /// through the log callback).
    pub fn pods(&self) -> Result<Vec<Pod>> {
        const OP: &str = "ctr_pod_list";
        let mut list = ptr::null_mut();
        let mut n = 0usize;
        check_opt(OP, unsafe { opt::ctr_pod_list(self.as_ptr(), &mut list, &mut n) })?;
        self.wrap_pods(list, n)
    }
    /// The pods that pass podman's `pod ps --filter` strings (`"name=^web"`,
    /// `"label=tier=front"`, `"status=running"`, `"ctr-number=3"`; the values
    /// of one key are alternatives, the keys must all match), oldest first.
    pub fn pods_filtered(&self, filters: &[&str]) -> Result<Vec<Pod>> {
        const OP: &str = "ctr_pod_list_filter";
        let f = CStrv::opt(OP, &Some(filters.iter().map(|s| s.to_string()).collect::<Vec<_>>()))?;
        let mut list = ptr::null_mut();
        let mut n = 0usize;
        check_opt(OP, unsafe { opt::ctr_pod_list_filter(self.as_ptr(), CStrv::as_ptr(&f), &mut list, &mut n) })?;
        self.wrap_pods(list, n)
    }
    fn wrap_pods(&self, list: *mut *mut sys::ctr_pod_t, n: usize) -> Result<Vec<Pod>> {
        let out = (0..n)
            .map(|i| unsafe {
                let p = *list.add(i);
                opt::ctr_pod_ref(p);
                Pod::from_raw(p, self.keep.clone())
            })
            .collect();
        unsafe { opt::ctr_pod_list_free(list, n) };
        out
    }
}
