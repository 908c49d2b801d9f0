// SPDX-License-Identifier: LGPL-2.1-or-later
//! Registries (`ctr-registry.h`, libctr 0.5): pull, push, login, logout and
//! name resolution over the OCI distribution API.  Resolved at run time: a
//! libctr without them fails with [`ErrorKind::NotSupported`].
use std::cell::RefCell;
use std::ffi::{c_void, CStr, CString};
use std::os::raw::{c_char, c_int};
use std::panic::{self, AssertUnwindSafe};
use std::ptr;

use libctr_sys as sys;
use sys::optional as opt;

use crate::*;

/// What a transfer is doing (`CTR_TRANSFER_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferPhase {
    /// Resolving the name, reading the manifest.
    Resolving,
    /// Bytes of one blob moved.
    Blob,
    /// One blob complete (verified).
    BlobDone,
    /// One blob already there (in the store, or in the registry).
    BlobSkipped,
    /// Unpacking layers, writing the manifest.
    Writing,
    /// Finished.
    Done,
    /// A phase this binding does not know (a newer libctr).
    Other(i32),
}

impl TransferPhase {
    fn from_raw(v: c_int) -> TransferPhase {
        match v {
            sys::CTR_TRANSFER_RESOLVING => TransferPhase::Resolving,
            sys::CTR_TRANSFER_BLOB => TransferPhase::Blob,
            sys::CTR_TRANSFER_BLOB_DONE => TransferPhase::BlobDone,
            sys::CTR_TRANSFER_BLOB_SKIPPED => TransferPhase::BlobSkipped,
            sys::CTR_TRANSFER_WRITING => TransferPhase::Writing,
            sys::CTR_TRANSFER_DONE => TransferPhase::Done,
            v => TransferPhase::Other(v),
        }
    }
}

/// One progress report of a pull or push.
#[derive(Clone, Debug)]
pub struct TransferProgress {
    pub phase: TransferPhase,
    /// The reference transferred, fully qualified.
    pub reference: String,
    /// The blob concerned, `None` for the whole transfer.
    pub digest: Option<String>,
    /// The blob's index among the layers (the config is `n_blobs - 1`), or -1.
    pub index: i32,
    pub n_blobs: i32,
    /// Bytes of this blob moved so far.
    pub done: u64,
    /// This blob's size (0 when unknown).
    pub size: u64,
    pub total_done: u64,
    pub total: u64,
}

/// podman's `--pull` (`CTR_PULL_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullPolicy {
    Always,
    Missing,
    Never,
    Newer,
}

/// podman's `--tls-verify` (`CTR_TLS_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TlsVerify {
    /// Verify, unless registries.conf marks the registry insecure.
    #[default]
    Default,
    /// `--tls-verify=true`.
    Verify,
    /// `--tls-verify=false` (also allows plain HTTP).
    NoVerify,
}

type ProgressFn<'a> = Box<dyn FnMut(&TransferProgress) -> bool + 'a>;

/// How to reach registries; the defaults are podman's configuration files.
#[derive(Default)]
pub struct RegistryOptions<'a> {
    auth_file: Option<String>,
    creds: Option<(String, String)>,
    registries_conf: Option<String>,
    cert_dir: Option<String>,
    tls_verify: TlsVerify,
    platform: Option<String>,
    max_connections: u32,
    progress: Option<RefCell<ProgressFn<'a>>>,
}

impl<'a> RegistryOptions<'a> {
    pub fn new() -> Self {
        Self::default()
    }
    /// `--authfile`.
    pub fn auth_file(mut self, v: &str) -> Self {
        self.auth_file = Some(v.into());
        self
    }
    /// `--creds USER:PASSWORD`.
    pub fn creds(mut self, user: &str, password: &str) -> Self {
        self.creds = Some((user.into(), password.into()));
        self
    }
    /// A registries.conf to read instead of the default.
    pub fn registries_conf(mut self, v: &str) -> Self {
        self.registries_conf = Some(v.into());
        self
    }
    /// `--cert-dir`: the directory of `*.crt`, `*.cert` and `*.key` files.
    pub fn cert_dir(mut self, v: &str) -> Self {
        self.cert_dir = Some(v.into());
        self
    }
    pub fn tls_verify(mut self, v: TlsVerify) -> Self {
        self.tls_verify = v;
        self
    }
    /// Pull: `OS/ARCH[/VARIANT]` to pick from an image index.
    pub fn platform(mut self, v: &str) -> Self {
        self.platform = Some(v.into());
        self
    }
    /// Blobs moved at once (0: libctr's default).
    pub fn max_connections(mut self, v: u32) -> Self {
        self.max_connections = v;
        self
    }
    /// Called on the calling thread; return `true` to cancel ([`ErrorKind::Canceled`]).
    pub fn progress(mut self, f: impl FnMut(&TransferProgress) -> bool + 'a) -> Self {
        self.progress = Some(RefCell::new(Box::new(f)));
        self
    }
}

/// One call's C options, the strings they point to, and a panic the
/// progress callback raised (resumed after the call).
struct Raw<'o, 'a> {
    o: sys::ctr_registry_options_t,
    _strings: Vec<CString>,
    progress: Option<&'o RefCell<ProgressFn<'a>>>,
    panic: Option<Box<dyn std::any::Any + Send>>,
}

fn opt_str(op: &'static str, keep: &mut Vec<CString>, s: Option<&str>) -> Result<*const c_char> {
    match s {
        None => Ok(ptr::null()),
        Some(s) => {
            let c = cstring(op, s)?;
            let p = c.as_ptr();
            keep.push(c);
            Ok(p)
        }
    }
}

impl<'o, 'a> Raw<'o, 'a> {
    fn new(op: &'static str, r: &'o RegistryOptions<'a>) -> Result<Box<Raw<'o, 'a>>> {
        let mut o = unsafe { std::mem::zeroed::<sys::ctr_registry_options_t>() };
        check_opt("ctr_registry_options_init", unsafe {
            opt::ctr_registry_options_init(&mut o, sys::CTR_REGISTRY_OPTIONS_VERSION)
        })?;
        let mut keep = Vec::new();
        o.auth_file = opt_str(op, &mut keep, r.auth_file.as_deref())?;
        o.username = opt_str(op, &mut keep, r.creds.as_ref().map(|c| c.0.as_str()))?;
        o.password = opt_str(op, &mut keep, r.creds.as_ref().map(|c| c.1.as_str()))?;
        o.registries_conf = opt_str(op, &mut keep, r.registries_conf.as_deref())?;
        o.certs_dir = opt_str(op, &mut keep, r.cert_dir.as_deref())?;
        o.platform = opt_str(op, &mut keep, r.platform.as_deref())?;
        o.tls_verify = match r.tls_verify {
            TlsVerify::Default => sys::CTR_TLS_DEFAULT,
            TlsVerify::Verify => sys::CTR_TLS_VERIFY,
            TlsVerify::NoVerify => sys::CTR_TLS_NO_VERIFY,
        };
        o.max_connections = r.max_connections;
        // Boxed so the address handed to C as userdata stays put.
        let mut raw = Box::new(Raw { o, _strings: keep, progress: r.progress.as_ref(), panic: None });
        if raw.progress.is_some() {
            raw.o.progress = Some(trampoline);
            raw.o.progress_userdata = &mut *raw as *mut Raw as *mut c_void;
        }
        Ok(raw)
    }

    /// Check a call's result: a panic in the callback is resumed first.
    fn check(&mut self, op: &'static str, r: Option<c_int>) -> Result<c_int> {
        if let Some(p) = self.panic.take() {
            panic::resume_unwind(p);
        }
        check_opt(op, r)
    }
}

unsafe fn lent_str(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

unsafe extern "C" fn trampoline(p: *const sys::ctr_transfer_progress_t, userdata: *mut c_void) -> c_int {
    let raw = &mut *(userdata as *mut Raw);
    let p = &*p;
    let tp = TransferProgress {
        phase: TransferPhase::from_raw(p.phase),
        reference: lent_str(p.reference).unwrap_or_default(),
        digest: lent_str(p.digest),
        index: p.index,
        n_blobs: p.n_blobs,
        done: p.done,
        size: p.size,
        total_done: p.total_done,
        total: p.total,
    };
    let cell = match raw.progress {
        Some(c) => c,
        None => return 0,
    };
    match panic::catch_unwind(AssertUnwindSafe(|| (cell.borrow_mut())(&tp))) {
        Ok(cancel) => cancel as c_int,
        Err(e) => {
            raw.panic = Some(e); // never unwind into C: cancel, resumed after the call
            1
        }
    }
}

impl Runtime {
    /// Pull `reference` (`[HOST[:PORT]/]PATH[:TAG][@sha256:...]`; short names
    /// through registries.conf) from its registry into the store.
    pub fn pull(&self, reference: &str, o: &RegistryOptions) -> Result<Image> {
        const OP: &str = "ctr_image_pull";
        let mut raw = Raw::new(OP, o)?;
        let r = cstring(OP, reference)?;
        let mut p = ptr::null_mut();
        let rc = unsafe { opt::ctr_image_pull(self.as_ptr(), r.as_ptr(), &raw.o, &mut p) };
        raw.check(OP, rc)?;
        Image::from_raw(p, self.keep.clone())
    }
    /// Find or pull `reference` as podman's `--pull=POLICY` does.
    pub fn pull_with_policy(&self, reference: &str, policy: PullPolicy, o: &RegistryOptions) -> Result<Image> {
        const OP: &str = "ctr_image_pull_policy";
        let mut raw = Raw::new(OP, o)?;
        raw.o.pull_policy = match policy {
            PullPolicy::Always => sys::CTR_PULL_ALWAYS,
            PullPolicy::Missing => sys::CTR_PULL_MISSING,
            PullPolicy::Never => sys::CTR_PULL_NEVER,
            PullPolicy::Newer => sys::CTR_PULL_NEWER,
        };
        let r = cstring(OP, reference)?;
        let mut p = ptr::null_mut();
        let rc = unsafe { opt::ctr_image_pull_policy(self.as_ptr(), r.as_ptr(), &raw.o, &mut p) };
        raw.check(OP, rc)?;
        Image::from_raw(p, self.keep.clone())
    }
}

impl Image {
    /// Push to `dest` (`HOST[:PORT]/PATH[:TAG]`); returns the manifest's digest.
    pub fn push(&self, dest: &str, o: &RegistryOptions) -> Result<String> {
        const OP: &str = "ctr_image_push";
        let mut raw = Raw::new(OP, o)?;
        let d = cstring(OP, dest)?;
        let mut out = ptr::null_mut();
        let rc = unsafe { opt::ctr_image_push(self.as_ptr(), d.as_ptr(), &raw.o, &mut out) };
        raw.check(OP, rc)?;
        Ok(unsafe { take_string(out) })
    }
}

/// Whether the loaded libctr has the registry API (libctr 0.5).
pub fn has_registries() -> bool {
    sys::optional::has("ctr_image_pull")
}

/// Whether the loaded libctr can push images.
pub fn has_push() -> bool {
    sys::optional::has("ctr_image_push")
}

/// Check the credentials against `registry` (`HOST[:PORT]`) and store them
/// in the credentials file, as `podman login`.  A refusal is
/// [`ErrorKind::PermissionDenied`].
pub fn login(registry: &str, username: &str, password: &str, o: &RegistryOptions) -> Result<()> {
    const OP: &str = "ctr_registry_login";
    let mut raw = Raw::new(OP, o)?;
    let (r, u, p) = (cstring(OP, registry)?, cstring(OP, username)?, cstring(OP, password)?);
    let rc = unsafe { opt::ctr_registry_login(r.as_ptr(), u.as_ptr(), p.as_ptr(), &raw.o) };
    raw.check(OP, rc).map(drop)
}

/// Remove `registry`'s credentials (`None`: all).  Not logged in is [`ErrorKind::NotFound`].
pub fn logout(registry: Option<&str>, o: &RegistryOptions) -> Result<()> {
    const OP: &str = "ctr_registry_logout";
    let mut raw = Raw::new(OP, o)?;
    let r = opt_cstring(OP, &registry.map(|s| s.as_bytes().to_vec()))?;
    let rc = unsafe { opt::ctr_registry_logout(opt_ptr(&r), &raw.o) };
    raw.check(OP, rc).map(drop)
}

/// The user name stored for `registry`, `None` when there are no credentials.
pub fn login_user(registry: &str, o: &RegistryOptions) -> Result<Option<String>> {
    const OP: &str = "ctr_registry_login_user";
    let mut raw = Raw::new(OP, o)?;
    let r = cstring(OP, registry)?;
    let mut out = ptr::null_mut();
    let rc = unsafe { opt::ctr_registry_login_user(r.as_ptr(), &raw.o, &mut out) };
    match raw.check(OP, rc) {
        Ok(_) => Ok(Some(unsafe { take_string(out) })),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The fully qualified references a pull of `reference` would try, in order.
pub fn resolve_name(reference: &str, o: &RegistryOptions) -> Result<Vec<String>> {
    const OP: &str = "ctr_image_resolve_name";
    let mut raw = Raw::new(OP, o)?;
    let r = cstring(OP, reference)?;
    let mut out = ptr::null_mut();
    let rc = unsafe { opt::ctr_image_resolve_name(r.as_ptr(), &raw.o, &mut out) };
    raw.check(OP, rc)?;
    Ok(unsafe { take_strv(out) })
}
