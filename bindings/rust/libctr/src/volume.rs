// SPDX-License-Identifier: LGPL-2.1-or-later
//! Named volumes (`ctr-volume.h`, libctr 0.4).  Resolved at run time: with an
//! older libctr every call fails with [`ErrorKind::NotSupported`].
use std::collections::BTreeMap;
use std::fmt;
use std::ptr::{self, NonNull};
use std::time::SystemTime;

use libctr_sys as sys;
use sys::optional as opt;

use crate::*;

/// A named volume (`ctr_volume_t`): a snapshot of its record.
pub struct Volume {
    ptr: NonNull<sys::ctr_volume_t>,
    _keep: Keep,
}

// Reference counted with atomics and immutable once made.
unsafe impl Send for Volume {}

fn kv_map(v: Vec<String>) -> BTreeMap<String, String> {
    v.into_iter()
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (kv, String::new()),
        })
        .collect()
}

impl Volume {
    fn from_raw(p: *mut sys::ctr_volume_t, keep: Keep) -> Result<Volume> {
        NonNull::new(p)
            .map(|ptr| Volume { ptr, _keep: keep })
            .ok_or_else(|| Error::new("ctr_volume", EIO, "the library returned no volume"))
    }
    fn as_ptr(&self) -> *mut sys::ctr_volume_t {
        self.ptr.as_ptr()
    }
    pub fn name(&self) -> &str {
        unsafe { lent_str(opt::ctr_volume_name(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// `local`.
    pub fn driver(&self) -> &str {
        unsafe { lent_str(opt::ctr_volume_driver(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// The data directory, `ROOT/volumes/NAME/_data`.
    pub fn mountpoint(&self) -> &str {
        unsafe { lent_str(opt::ctr_volume_mountpoint(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    pub fn labels(&self) -> BTreeMap<String, String> {
        kv_map(unsafe { lent_strv(opt::ctr_volume_labels(self.as_ptr()).unwrap_or(ptr::null())) })
    }
    /// The local driver's options (`type`, `device`, `o`, ...).
    pub fn options(&self) -> BTreeMap<String, String> {
        kv_map(unsafe { lent_strv(opt::ctr_volume_options(self.as_ptr()).unwrap_or(ptr::null())) })
    }
    pub fn created(&self) -> Option<SystemTime> {
        ns_time(unsafe { opt::ctr_volume_created(self.as_ptr()) }.unwrap_or(0))
    }
    /// Made for one container (a mount without a source).
    pub fn anonymous(&self) -> bool {
        unsafe { opt::ctr_volume_anonymous(self.as_ptr()) }.unwrap_or(0) != 0
    }
    /// `podman volume inspect`'s object as JSON text, read anew.
    pub fn inspect_json(&self) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt("ctr_volume_inspect", unsafe { opt::ctr_volume_inspect(self.as_ptr(), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    pub fn inspect(&self) -> Result<json::Value> {
        parse_json("ctr_volume_inspect", &self.inspect_json()?)
    }
}

impl Clone for Volume {
    fn clone(&self) -> Volume {
        unsafe { opt::ctr_volume_ref(self.as_ptr()) };
        Volume { ptr: self.ptr, _keep: self._keep.clone() }
    }
}

impl Drop for Volume {
    fn drop(&mut self) {
        unsafe { opt::ctr_volume_unref(self.as_ptr()) };
    }
}

impl fmt::Debug for Volume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Volume").field("name", &self.name()).finish()
    }
}

/// A new volume ([`Runtime::create_volume`]), built with its methods.
#[derive(Clone, Debug, Default)]
pub struct VolumeOptions {
    name: Option<String>,
    driver: Option<String>,
    labels: Vec<String>,
    options: Vec<String>,
}

impl VolumeOptions {
    /// No name: a generated one of 64 hex digits.
    pub fn new() -> Self {
        Self::default()
    }
    pub fn name(mut self, v: &str) -> Self {
        self.name = Some(v.into());
        self
    }
    /// `local`, the only one.
    pub fn driver(mut self, v: &str) -> Self {
        self.driver = Some(v.into());
        self
    }
    pub fn label(mut self, key: &str, value: &str) -> Self {
        self.labels.push(format!("{}={}", key, value));
        self
    }
    /// A local driver option, as podman's `--opt KEY=VALUE`.
    pub fn option(mut self, key: &str, value: &str) -> Self {
        self.options.push(format!("{}={}", key, value));
        self
    }
}

flags!(
    /// Flags of [`Runtime::remove_volume`].
    VolumeFlags {
        /// Remove the containers that use the volume first.
        FORCE = sys::CTR_VOLUME_REMOVE_FORCE,
    }
);

impl Runtime {
    /// Create a volume.
    pub fn create_volume(&self, o: &VolumeOptions) -> Result<Volume> {
        const OP: &str = "ctr_volume_create";
        let mut vo = unsafe { std::mem::zeroed::<sys::ctr_volume_options_t>() };
        check_opt("ctr_volume_options_init", unsafe {
            opt::ctr_volume_options_init(&mut vo, sys::CTR_VOLUME_OPTIONS_VERSION)
        })?;
        let s = |v: &Option<String>| opt_cstring(OP, &v.as_ref().map(|s| s.as_bytes().to_vec()));
        let (name, driver) = (s(&o.name)?, s(&o.driver)?);
        let labels = CStrv::opt(OP, &Some(o.labels.clone()))?;
        let options = CStrv::opt(OP, &Some(o.options.clone()))?;
        vo.name = opt_ptr(&name);
        vo.driver = opt_ptr(&driver);
        vo.labels = CStrv::as_ptr(&labels);
        vo.options = CStrv::as_ptr(&options);
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_volume_create(self.as_ptr(), &vo, &mut p) })?;
        Volume::from_raw(p, self.keep.clone())
    }
    /// Find a volume by name.
    pub fn volume(&self, name: &str) -> Result<Volume> {
        const OP: &str = "ctr_volume_lookup";
        let n = cstring(OP, name)?;
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_volume_lookup(self.as_ptr(), n.as_ptr(), &mut p) })?;
        Volume::from_raw(p, self.keep.clone())
    }
    pub fn volume_exists(&self, name: &str) -> Result<bool> {
        const OP: &str = "ctr_volume_exists";
        let n = cstring(OP, name)?;
        Ok(check_opt(OP, unsafe { opt::ctr_volume_exists(self.as_ptr(), n.as_ptr()) })? == 1)
    }
    /// The volumes, by name, that pass every filter (podman's `volume ls
    /// --filter`: `name=REGEX`, `label=K=V`, `dangling=true`, ...).
    pub fn volumes(&self, filters: &[&str]) -> Result<Vec<Volume>> {
        const OP: &str = "ctr_volume_list";
        let f = CStrv::opt(OP, &Some(filters.iter().map(|s| s.to_string()).collect::<Vec<_>>()))?;
        let mut list = ptr::null_mut();
        let mut n = 0usize;
        check_opt(OP, unsafe { opt::ctr_volume_list(self.as_ptr(), CStrv::as_ptr(&f), &mut list, &mut n) })?;
        let out = (0..n)
            .map(|i| unsafe {
                let p = *list.add(i);
                opt::ctr_volume_ref(p);
                Volume::from_raw(p, self.keep.clone())
            })
            .collect();
        unsafe { opt::ctr_volume_list_free(list, n) };
        out
    }
    /// Remove a volume; in use fails with [`ErrorKind::WrongState`] unless
    /// [`VolumeFlags::FORCE`] (which removes the containers using it).
    pub fn remove_volume(&self, name: &str, flags: VolumeFlags) -> Result<()> {
        const OP: &str = "ctr_volume_remove";
        let n = cstring(OP, name)?;
        check_opt(OP, unsafe { opt::ctr_volume_remove(self.as_ptr(), n.as_ptr(), flags.0) }).map(drop)
    }
    /// Remove the volumes no container uses (`label=`, `until=` filters); their names.
    pub fn prune_volumes(&self, filters: &[&str]) -> Result<Vec<String>> {
        const OP: &str = "ctr_volume_prune";
        let f = CStrv::opt(OP, &Some(filters.iter().map(|s| s.to_string()).collect::<Vec<_>>()))?;
        let mut v = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_volume_prune(self.as_ptr(), CStrv::as_ptr(&f), 0, &mut v) })?;
        Ok(unsafe { take_strv(v) })
    }
}
