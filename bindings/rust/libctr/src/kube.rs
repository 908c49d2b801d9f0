// SPDX-License-Identifier: LGPL-2.1-or-later
//! Kubernetes YAML (`ctr-kube.h`, libctr 0.7): a pod or a container as a
//! `kind: Pod`, as podman's `kube generate`, and the pods, containers and
//! volumes a YAML describes made (`kube play`) or removed (`kube play
//! --down`).  Resolved at run time: with an older libctr every call fails
//! with [`ErrorKind::NotSupported`].
use std::os::raw::c_char;
use std::ptr;

use libctr_sys as sys;
use sys::optional as opt;

use crate::*;

/// Whether the loaded libctr has the Kubernetes YAML API (`ctr-kube.h`, libctr 0.7).
pub fn has_kube() -> bool {
    sys::optional::has("ctr_kube_play")
}

/// What [`Runtime::kube_play`] or [`Runtime::kube_down`] did
/// (`ctr_kube_report_t`, copied; the C report is freed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeReport {
    /// Pods made (or removed by [`Runtime::kube_down`]), full IDs.
    pub pods: Vec<String>,
    /// Containers made (init containers left out: they are gone), full IDs.
    pub containers: Vec<String>,
    /// Volumes made, names.
    pub volumes: Vec<String>,
    /// Fields and kinds not used, `PATH: WHY`.
    pub warnings: Vec<String>,
}

/// Frees a C report when dropped (also when copying it panics).
struct Report(*mut sys::ctr_kube_report_t);

impl Report {
    fn list(&self, kind: sys::ctr_kube_report_kind_t) -> Vec<String> {
        let n = unsafe { opt::ctr_kube_report_count(self.0, kind) }.unwrap_or(0);
        (0..n)
            .map(|i| unsafe { opt_string(opt::ctr_kube_report_get(self.0, kind, i).unwrap_or(ptr::null())) })
            .map(Option::unwrap_or_default)
            .collect()
    }
    fn take(self) -> KubeReport {
        KubeReport {
            pods: self.list(sys::CTR_KUBE_REPORT_POD),
            containers: self.list(sys::CTR_KUBE_REPORT_CONTAINER),
            volumes: self.list(sys::CTR_KUBE_REPORT_VOLUME),
            warnings: self.list(sys::CTR_KUBE_REPORT_WARNING),
        }
    }
}

impl Drop for Report {
    fn drop(&mut self) {
        if !self.0.is_null() {
            unsafe { opt::ctr_kube_report_free(self.0) };
        }
    }
}

/// How [`Runtime::kube_play`] makes what the YAML describes
/// (`ctr_kube_play_options_t`), built with its methods.  Everything is copied.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubePlayOptions {
    replace: bool,
    no_start: bool,
    networks: Option<Vec<String>>,
    configmaps: Vec<String>,
}

impl KubePlayOptions {
    /// Start the pods; names must be free; the runtime's default network.
    pub fn new() -> Self {
        Self::default()
    }
    /// Remove the pods the YAML names first, with their containers (`kube play --replace`).
    pub fn replace(mut self, v: bool) -> Self {
        self.replace = v;
        self
    }
    /// `false`: create the pods and containers, start nothing (`kube play --start=false`).
    pub fn start(mut self, v: bool) -> Self {
        self.no_start = !v;
        self
    }
    /// The pods' networks (`--network`; default: the runtime's default network).
    pub fn networks<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.networks = Some(v.into_iter().map(Into::into).collect());
        self
    }
    /// More ConfigMaps: YAML of one or more `kind: ConfigMap` documents (`--configmap`).
    pub fn configmap(mut self, yaml: &str) -> Self {
        self.configmaps.push(yaml.into());
        self
    }
}

fn generate_flags(service: bool) -> u64 {
    if service {
        sys::CTR_KUBE_GENERATE_SERVICE
    } else {
        0
    }
}

fn yaml_ptr(yaml: &[u8]) -> *const c_char {
    if yaml.is_empty() {
        ptr::null()
    } else {
        yaml.as_ptr() as *const c_char
    }
}

/// A report out-parameter after the call: the report, or the call's error (and any report freed).
fn report(op: &'static str, r: Option<std::os::raw::c_int>, rep: *mut sys::ctr_kube_report_t) -> Result<KubeReport> {
    let rep = Report(rep); // freed on every path (not written on failure: NULL)
    check_opt(op, r)?;
    Ok(rep.take())
}

impl Pod {
    /// The pod as Kubernetes YAML, as podman's `kube generate`
    /// (`ctr_pod_generate_kube()`): a `v1` `Pod` that [`Runtime::kube_play`]
    /// makes again; the infra container is left out, its settings (ports,
    /// host name, DNS) go to the pod and its first container.  With
    /// `service`, a `Service` (type NodePort) for the published ports comes
    /// first.  [`ErrorKind::NotFound`]: the pod or one of its containers was removed.
    pub fn generate_kube(&self, service: bool) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt("ctr_pod_generate_kube", unsafe {
            opt::ctr_pod_generate_kube(self.as_ptr(), generate_flags(service), &mut s)
        })?;
        Ok(unsafe { take_string(s) })
    }
}

impl Container {
    /// The container as Kubernetes YAML (`ctr_container_generate_kube()`):
    /// a member of a pod gives its pod's YAML; a container of its own a
    /// `Pod` named `NAME-pod` holding it.  [`ErrorKind::InvalidArgument`]:
    /// an infra container; [`ErrorKind::NotFound`]: the container (or a
    /// member of its pod) was removed.
    pub fn generate_kube(&self, service: bool) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt("ctr_container_generate_kube", unsafe {
            opt::ctr_container_generate_kube(self.as_ptr(), generate_flags(service), &mut s)
        })?;
        Ok(unsafe { take_string(s) })
    }
}

impl Runtime {
    /// Make the pods, containers and volumes a Kubernetes YAML describes
    /// (`ctr_kube_play()`, podman's `kube play`): `Pod`, `Deployment` (one
    /// replica), `PersistentVolumeClaim` and `ConfigMap` documents.  Fields
    /// and kinds not used are the report's `warnings`.  All or nothing: on
    /// failure the pods and containers made are removed again (volumes made
    /// stay).  [`ErrorKind::InvalidArgument`]: malformed YAML, a field of the
    /// wrong type or value, a missing name or image (the message gives the
    /// path, such as `spec.containers[1].image`); [`ErrorKind::AlreadyExists`]:
    /// a name is taken and not [`KubePlayOptions::replace`]; `EFBIG` (over
    /// 16 MiB); `ECHILD` (an init container failed); and the errors of
    /// [`Runtime::create_pod`], [`Runtime::create`] and [`Pod::start`].
    pub fn kube_play(&self, yaml: impl AsRef<[u8]>, o: &KubePlayOptions) -> Result<KubeReport> {
        const OP: &str = "ctr_kube_play";
        let networks = CStrv::opt(OP, &o.networks)?;
        let configmaps = CStrv::opt(OP, &(!o.configmaps.is_empty()).then(|| o.configmaps.clone()))?;
        let mut flags = 0;
        if o.replace {
            flags |= sys::CTR_KUBE_PLAY_REPLACE;
        }
        if o.no_start {
            flags |= sys::CTR_KUBE_PLAY_NO_START;
        }
        let ko = sys::ctr_kube_play_options_t {
            version: sys::CTR_KUBE_PLAY_OPTIONS_VERSION,
            flags,
            networks: CStrv::as_ptr(&networks),
            configmaps: CStrv::as_ptr(&configmaps),
        };
        let yaml = yaml.as_ref();
        let mut rep = ptr::null_mut();
        let r = unsafe { opt::ctr_kube_play(self.as_ptr(), yaml_ptr(yaml), yaml.len(), &ko, &mut rep) };
        report(OP, r, rep)
    }
    /// Remove the pods (with every container) a Kubernetes YAML describes
    /// (`ctr_kube_down()`, `kube play --down`): pods that do not exist are
    /// skipped; volumes stay.  The report's `pods` are the pods removed.
    /// [`ErrorKind::InvalidArgument`]: malformed YAML; and the errors of [`Pod::remove`].
    pub fn kube_down(&self, yaml: impl AsRef<[u8]>) -> Result<KubeReport> {
        let yaml = yaml.as_ref();
        let mut rep = ptr::null_mut();
        let r = unsafe { opt::ctr_kube_down(self.as_ptr(), yaml_ptr(yaml), yaml.len(), &mut rep) };
        report("ctr_kube_down", r, rep)
    }
}
