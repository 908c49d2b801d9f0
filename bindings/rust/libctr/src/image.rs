// SPDX-License-Identifier: LGPL-2.1-or-later
//! Images (`ctr-image.h`) and networks (`ctr-network.h`).  These modules are
//! resolved at run time: with a libctr built without them every call fails
//! with [`ErrorKind::NotSupported`].
use std::fmt;
use std::os::raw::{c_char, c_int};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::time::SystemTime;

use libctr_sys as sys;
use sys::optional as opt;

use crate::*;

/// What [`Container::diff`] found: podman diff's `C`, `A` and `D`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    Modified,
    Added,
    Deleted,
}

/// One changed path of [`Container::diff`]; `Display` prints it as podman diff does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    pub path: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = match self.kind {
            ChangeKind::Modified => 'C',
            ChangeKind::Added => 'A',
            ChangeKind::Deleted => 'D',
        };
        write!(f, "{} {}", k, self.path)
    }
}

/// An image in the runtime's store (`ctr_image_t`): a snapshot of its record.
pub struct Image {
    ptr: NonNull<sys::ctr_image_t>,
    _keep: Keep,
}

// Reference counted with atomics and immutable once made, so a handle may move
// between threads.  Not Sync: ctr-image.h says nothing of concurrent calls.
unsafe impl Send for Image {}

impl Image {
    pub(crate) fn from_raw(p: *mut sys::ctr_image_t, keep: Keep) -> Result<Image> {
        NonNull::new(p)
            .map(|ptr| Image { ptr, _keep: keep })
            .ok_or_else(|| Error::new("ctr_image", EIO, "the library returned no image"))
    }
    pub(crate) fn as_ptr(&self) -> *mut sys::ctr_image_t {
        self.ptr.as_ptr()
    }
    /// The config digest's 64 hex digits.
    pub fn id(&self) -> &str {
        unsafe { lent_str(opt::ctr_image_id(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// The manifest digest (`sha256:...`).
    pub fn digest(&self) -> Option<&str> {
        unsafe { lent_opt(opt::ctr_image_digest(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    /// Names such as `localhost/app:latest`.
    pub fn names(&self) -> Vec<String> {
        unsafe { lent_strv(opt::ctr_image_names(self.as_ptr()).unwrap_or(ptr::null())) }
    }
    pub fn created(&self) -> Option<SystemTime> {
        ns_time(unsafe { opt::ctr_image_created(self.as_ptr()) }.unwrap_or(0))
    }
    /// Uncompressed size of the layers in bytes.
    pub fn size(&self) -> i64 {
        unsafe { opt::ctr_image_size(self.as_ptr()) }.unwrap_or(0)
    }
    pub fn layer_count(&self) -> usize {
        unsafe { opt::ctr_image_layer_count(self.as_ptr()) }.unwrap_or(0)
    }
    fn string(
        &self,
        op: &'static str,
        f: unsafe fn(*mut sys::ctr_image_t, *mut *mut c_char) -> Option<c_int>,
    ) -> Result<String> {
        let mut s = ptr::null_mut();
        check_opt(op, unsafe { f(self.as_ptr(), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    /// `podman image inspect`-shaped JSON text.
    pub fn inspect_json(&self) -> Result<String> {
        self.string("ctr_image_inspect", opt::ctr_image_inspect)
    }
    pub fn inspect(&self) -> Result<json::Value> {
        parse_json("ctr_image_inspect", &self.inspect_json()?)
    }
    /// The OCI image config, parsed.
    pub fn config(&self) -> Result<json::Value> {
        parse_json("ctr_image_config_json", &self.string("ctr_image_config_json", opt::ctr_image_config_json)?)
    }
    pub fn tag(&self, name: &str) -> Result<()> {
        let n = cstring("ctr_image_tag", name)?;
        check_opt("ctr_image_tag", unsafe { opt::ctr_image_tag(self.as_ptr(), n.as_ptr()) }).map(drop)
    }
    pub fn untag(&self, name: &str) -> Result<()> {
        let n = cstring("ctr_image_untag", name)?;
        check_opt("ctr_image_untag", unsafe { opt::ctr_image_untag(self.as_ptr(), n.as_ptr()) }).map(drop)
    }
    /// Save to `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]` or `docker-archive:FILE`.
    pub fn save(&self, reference: &str, name: Option<&str>) -> Result<()> {
        const OP: &str = "ctr_image_save";
        let mut o = unsafe { std::mem::zeroed::<sys::ctr_save_options_t>() };
        check_opt("ctr_save_options_init", unsafe {
            opt::ctr_save_options_init(&mut o, sys::CTR_SAVE_OPTIONS_VERSION)
        })?;
        let n = opt_cstring(OP, &name.map(|s| s.as_bytes().to_vec()))?;
        o.name = opt_ptr(&n);
        let r = cstring(OP, reference)?;
        check_opt(OP, unsafe { opt::ctr_image_save(self.as_ptr(), r.as_ptr(), &o) }).map(drop)
    }
}

impl Clone for Image {
    fn clone(&self) -> Image {
        unsafe { opt::ctr_image_ref(self.as_ptr()) };
        Image { ptr: self.ptr, _keep: self._keep.clone() }
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        unsafe { opt::ctr_image_unref(self.as_ptr()) };
    }
}

impl fmt::Debug for Image {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image").field("id", &self.id()).field("names", &self.names()).finish()
    }
}

/// What to import ([`Runtime::load_image`]).
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    reference: String,
    name: Option<String>,
    changes: Option<Vec<String>>,
}

impl ImportOptions {
    /// `oci:DIR[:TAG]`, `oci-archive:FILE[:TAG]`, `docker-archive:FILE`,
    /// `containers-storage:NAME`, `tarball:FILE` or a root file system tar.
    pub fn new(reference: &str) -> Self {
        ImportOptions { reference: reference.into(), ..Default::default() }
    }
    pub fn name(mut self, v: &str) -> Self {
        self.name = Some(v.into());
        self
    }
    /// Dockerfile-style changes: `CMD ["sh"]`, `ENV A=b`...
    pub fn changes<I: IntoIterator<Item = S>, S: Into<String>>(mut self, v: I) -> Self {
        self.changes = Some(v.into_iter().map(Into::into).collect());
        self
    }
}

flags!(
    /// Flags of [`Runtime::remove_image`] and [`Runtime::prune_images`].
    ImageFlags {
        /// Remove even when containers use the image.
        FORCE = sys::CTR_IMAGE_REMOVE_FORCE,
        /// Prune every image no container uses.
        ALL = sys::CTR_IMAGE_PRUNE_ALL,
    }
);

impl Runtime {
    /// Import an image into the store.
    pub fn load_image(&self, o: &ImportOptions) -> Result<Image> {
        const OP: &str = "ctr_image_import";
        let mut io = unsafe { std::mem::zeroed::<sys::ctr_import_options_t>() };
        check_opt("ctr_import_options_init", unsafe {
            opt::ctr_import_options_init(&mut io, sys::CTR_IMPORT_OPTIONS_VERSION)
        })?;
        let reference = cstring(OP, &o.reference)?;
        let name = opt_cstring(OP, &o.name.as_ref().map(|s| s.as_bytes().to_vec()))?;
        let changes = CStrv::opt(OP, &o.changes)?;
        io.reference = reference.as_ptr();
        io.name = opt_ptr(&name);
        io.changes = CStrv::as_ptr(&changes);
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_image_import(self.as_ptr(), &io, &mut p) })?;
        Image::from_raw(p, self.keep.clone())
    }
    /// All images, newest first.
    pub fn images(&self) -> Result<Vec<Image>> {
        let mut list = ptr::null_mut();
        let mut n = 0usize;
        check_opt("ctr_image_list", unsafe { opt::ctr_image_list(self.as_ptr(), &mut list, &mut n) })?;
        let out = (0..n)
            .map(|i| unsafe {
                let p = *list.add(i);
                opt::ctr_image_ref(p);
                Image::from_raw(p, self.keep.clone())
            })
            .collect();
        unsafe { opt::ctr_image_list_free(list, n) };
        out
    }
    /// Find an image by ID, `sha256:ID`, name or unique ID prefix.
    pub fn image(&self, name_or_id: &str) -> Result<Image> {
        const OP: &str = "ctr_image_lookup";
        let n = cstring(OP, name_or_id)?;
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_image_lookup(self.as_ptr(), n.as_ptr(), &mut p) })?;
        Image::from_raw(p, self.keep.clone())
    }
    /// Remove an image (or, given one of several names, that name).
    pub fn remove_image(&self, name_or_id: &str, flags: ImageFlags) -> Result<()> {
        const OP: &str = "ctr_image_remove";
        let n = cstring(OP, name_or_id)?;
        check_opt(OP, unsafe { opt::ctr_image_remove(self.as_ptr(), n.as_ptr(), flags.0) }).map(drop)
    }
    /// Remove dangling (with [`ImageFlags::ALL`]: unused) images; returns their IDs.
    pub fn prune_images(&self, flags: ImageFlags) -> Result<Vec<String>> {
        let mut v = ptr::null_mut();
        check_opt("ctr_image_prune", unsafe { opt::ctr_image_prune(self.as_ptr(), flags.0, &mut v) })?;
        Ok(unsafe { take_strv(v) })
    }

    // ---- networks ----

    /// Create a bridge network; returns its CNI configuration file's path.
    pub fn create_network(&self, o: &NetworkOptions) -> Result<String> {
        const OP: &str = "ctr_network_create";
        let mut no = unsafe { std::mem::zeroed::<sys::ctr_network_options_t>() };
        check_opt("ctr_network_options_init", unsafe {
            opt::ctr_network_options_init(&mut no, sys::CTR_NETWORK_OPTIONS_VERSION)
        })?;
        let s = |v: &Option<String>| opt_cstring(OP, &v.as_ref().map(|s| s.as_bytes().to_vec()));
        let (name, driver, bridge, subnet, gateway) =
            (cstring(OP, &o.name)?, s(&o.driver)?, s(&o.bridge)?, s(&o.subnet)?, s(&o.gateway)?);
        let labels = CStrv::opt(OP, &o.labels)?;
        no.name = name.as_ptr();
        no.driver = opt_ptr(&driver);
        no.bridge = opt_ptr(&bridge);
        no.subnet = opt_ptr(&subnet);
        no.gateway = opt_ptr(&gateway);
        no.labels = CStrv::as_ptr(&labels);
        no.flags = o.flags;
        let mut path = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_network_create(self.as_ptr(), &no, &mut path) })?;
        Ok(unsafe { take_string(path) })
    }
    pub fn networks(&self) -> Result<Vec<String>> {
        let mut v = ptr::null_mut();
        check_opt("ctr_network_list", unsafe { opt::ctr_network_list(self.as_ptr(), &mut v) })?;
        Ok(unsafe { take_strv(v) })
    }
    pub fn inspect_network(&self, name: &str) -> Result<json::Value> {
        const OP: &str = "ctr_network_inspect";
        let n = cstring(OP, name)?;
        let mut s = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_network_inspect(self.as_ptr(), n.as_ptr(), &mut s) })?;
        parse_json(OP, &unsafe { take_string(s) })
    }
    pub fn remove_network(&self, name: &str, force: bool) -> Result<()> {
        const OP: &str = "ctr_network_remove";
        let n = cstring(OP, name)?;
        let flags = if force { sys::CTR_NETWORK_REMOVE_FORCE } else { 0 };
        check_opt(OP, unsafe { opt::ctr_network_remove(self.as_ptr(), n.as_ptr(), flags) }).map(drop)
    }
}

/// A network to create ([`Runtime::create_network`]).
#[derive(Clone, Debug, Default)]
pub struct NetworkOptions {
    pub name: String,
    pub driver: Option<String>,
    pub bridge: Option<String>,
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    /// `KEY=VALUE`.
    pub labels: Option<Vec<String>>,
    /// `CTR_NETWORK_*` bits.
    pub flags: u64,
}

/// How to commit a container ([`Container::commit`]).
#[derive(Clone, Debug, Default)]
pub struct CommitOptions {
    pub name: Option<String>,
    pub changes: Option<Vec<String>>,
    pub author: Option<String>,
    pub message: Option<String>,
    pub pause: bool,
}

impl Container {
    /// Mount the root file system and return where (pair with [`Container::unmount`]).
    pub fn mount(&self, mount_label: Option<&str>) -> Result<String> {
        const OP: &str = "ctr_container_mount";
        let l = opt_cstring(OP, &mount_label.map(|s| s.as_bytes().to_vec()))?;
        let mut s = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_container_mount(self.as_ptr(), opt_ptr(&l), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    pub fn unmount(&self, force: bool) -> Result<()> {
        check_opt("ctr_container_unmount", unsafe { opt::ctr_container_unmount(self.as_ptr(), force as c_int) })
            .map(drop)
    }
    pub fn rootfs_size(&self) -> Result<i64> {
        let mut v = 0i64;
        check_opt("ctr_container_rootfs_size", unsafe { opt::ctr_container_rootfs_size(self.as_ptr(), &mut v) })?;
        Ok(v)
    }
    pub fn rw_size(&self) -> Result<i64> {
        let mut v = 0i64;
        check_opt("ctr_container_rw_size", unsafe { opt::ctr_container_rw_size(self.as_ptr(), &mut v) })?;
        Ok(v)
    }
    /// What the container changed against its image, sorted by path, as `podman diff`.
    pub fn diff(&self) -> Result<Vec<Change>> {
        let mut v = ptr::null_mut();
        let mut n = 0usize;
        check_opt("ctr_container_diff", unsafe { opt::ctr_container_diff(self.as_ptr(), &mut v, &mut n) })?;
        let out = (0..n)
            .map(|i| unsafe {
                let ch = &*v.add(i);
                let kind = match ch.kind {
                    sys::CTR_CHANGE_ADDED => ChangeKind::Added,
                    sys::CTR_CHANGE_DELETED => ChangeKind::Deleted,
                    _ => ChangeKind::Modified,
                };
                Change { kind, path: std::ffi::CStr::from_ptr(ch.path).to_string_lossy().into_owned() }
            })
            .collect();
        unsafe { opt::ctr_changes_free(v, n) };
        Ok(out)
    }
    /// Write the root file system as a tar to `out`.
    pub fn export(&self, out: &impl AsRawFd) -> Result<()> {
        check_opt("ctr_container_export", unsafe { opt::ctr_container_export(self.as_ptr(), out.as_raw_fd()) })
            .map(drop)
    }
    /// Copy the host path `src` into the container at `dst` (`podman cp SRC CTR:DST`).
    pub fn copy_to(&self, src: impl AsRef<Path>, dst: &str, flags: CopyFlags) -> Result<()> {
        const OP: &str = "ctr_container_copy_to";
        let (s, d) = (cstring(OP, src.as_ref().as_os_str().as_bytes())?, cstring(OP, dst)?);
        check_opt(OP, unsafe { opt::ctr_container_copy_to(self.as_ptr(), s.as_ptr(), d.as_ptr(), flags.0) }).map(drop)
    }
    /// Copy the container's path `src` to the host path `dst` (`podman cp CTR:SRC DST`).
    pub fn copy_from(&self, src: &str, dst: impl AsRef<Path>, flags: CopyFlags) -> Result<()> {
        const OP: &str = "ctr_container_copy_from";
        let (s, d) = (cstring(OP, src)?, cstring(OP, dst.as_ref().as_os_str().as_bytes())?);
        check_opt(OP, unsafe { opt::ctr_container_copy_from(self.as_ptr(), s.as_ptr(), d.as_ptr(), flags.0) }).map(drop)
    }
    /// Extract the tar read from `input` into the container's directory `dst` (`podman cp - CTR:DST`).
    pub fn copy_to_fd(&self, input: &impl AsRawFd, dst: &str, flags: CopyFlags) -> Result<()> {
        const OP: &str = "ctr_container_copy_to_fd";
        let d = cstring(OP, dst)?;
        check_opt(OP, unsafe { opt::ctr_container_copy_to_fd(self.as_ptr(), input.as_raw_fd(), d.as_ptr(), flags.0) })
            .map(drop)
    }
    /// Write the container's path `src` as a tar to `out` (`podman cp CTR:SRC -`).
    pub fn copy_from_fd(&self, src: &str, out: &impl AsRawFd, flags: CopyFlags) -> Result<()> {
        const OP: &str = "ctr_container_copy_from_fd";
        let s = cstring(OP, src)?;
        check_opt(OP, unsafe { opt::ctr_container_copy_from_fd(self.as_ptr(), s.as_ptr(), out.as_raw_fd(), flags.0) })
            .map(drop)
    }
    /// Make a new image from the container's changes.
    pub fn commit(&self, o: &CommitOptions) -> Result<Image> {
        const OP: &str = "ctr_container_commit";
        let mut co = unsafe { std::mem::zeroed::<sys::ctr_commit_options_t>() };
        check_opt("ctr_commit_options_init", unsafe {
            opt::ctr_commit_options_init(&mut co, sys::CTR_COMMIT_OPTIONS_VERSION)
        })?;
        let s = |v: &Option<String>| opt_cstring(OP, &v.as_ref().map(|s| s.as_bytes().to_vec()));
        let (name, author, message) = (s(&o.name)?, s(&o.author)?, s(&o.message)?);
        let changes = CStrv::opt(OP, &o.changes)?;
        co.name = opt_ptr(&name);
        co.author = opt_ptr(&author);
        co.message = opt_ptr(&message);
        co.changes = CStrv::as_ptr(&changes);
        co.flags = if o.pause { sys::CTR_COMMIT_PAUSE } else { 0 };
        let mut p = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_container_commit(self.as_ptr(), &co, &mut p) })?;
        Image::from_raw(p, self.keep())
    }
    /// The container's address on `network` (`None`: its first network).
    pub fn ip_address(&self, network: Option<&str>) -> Result<String> {
        const OP: &str = "ctr_container_ip_address";
        let n = opt_cstring(OP, &network.map(|s| s.as_bytes().to_vec()))?;
        let mut s = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_container_ip_address(self.as_ptr(), opt_ptr(&n), &mut s) })?;
        Ok(unsafe { take_string(s) })
    }
    /// The container's network attachments, parsed.
    pub fn networks_status(&self) -> Result<json::Value> {
        const OP: &str = "ctr_container_networks_json";
        let mut s = ptr::null_mut();
        check_opt(OP, unsafe { opt::ctr_container_networks_json(self.as_ptr(), &mut s) })?;
        parse_json(OP, &unsafe { take_string(s) })
    }
}
