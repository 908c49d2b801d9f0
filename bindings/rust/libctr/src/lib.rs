// SPDX-License-Identifier: LGPL-2.1-or-later
//! Safe bindings for libctr: OCI containers (runc + conmon) through `libctr.so`.
//!
//! ```no_run
//! use libctr::{ContainerOptions, LogsOptions, Runtime};
//!
//! let rt = Runtime::open("/tmp/root", "/tmp/root/run")?;
//! let c = rt.create(&ContainerOptions::new().rootfs("/srv/busybox").command(["echo", "hello"]))?;
//! c.start()?;
//! let code = c.wait(None)?;
//! for line in c.read_logs(&LogsOptions::new())? {
//!     println!("{}", line.text());
//! }
//! c.remove(libctr::RemoveFlags::FORCE)?;
//! # Ok::<(), libctr::Error>(())
//! ```
//!
//! Handles ([`Runtime`], [`Container`], [`Image`]) hold references in the C
//! library and release them on `Drop`; `Clone` takes another reference.
//! Runtimes and containers are `Send` and `Sync` (the library makes every
//! call on them safe from any thread); images, volumes and pods are `Send`.  Errors carry the
//! library's errno and message ([`Error`]).

use std::ffi::{CStr, CString, OsStr};
use std::fmt;
use std::os::raw::{c_char, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libctr_sys as sys;

mod checkpoint;
mod container;
mod events;
mod image;
pub mod json;
mod kube;
mod options;
mod pod;
mod registry;
mod stats;
mod volume;
mod wait;

pub use checkpoint::*;
pub use container::*;
pub use events::*;
pub use image::*;
pub use kube::*;
pub use options::{Mount, Ulimit};
pub use pod::*;
pub use registry::*;
pub use stats::*;
pub use volume::*;
pub use wait::*;

// ---------------------------------------------------------------- errors

/// What kind of failure an [`Error`] is (libctr's fixed errno mapping).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// `-ENOENT`: no such container, image, artifact or file.
    NotFound,
    /// `-EEXIST`: the name or ID is taken.
    AlreadyExists,
    /// `-EBUSY`: the container is in the wrong state, or in use.
    WrongState,
    /// `-EINVAL`: a bad argument.
    InvalidArgument,
    /// `-EOPNOTSUPP`: not built in, or not supported by the backend.
    NotSupported,
    /// `-ETIMEDOUT`.
    TimedOut,
    /// `-EDEADLK`: removing a container inside its own batch.
    Deadlock,
    /// `-EPERM`, `-EACCES`.
    PermissionDenied,
    /// `-ECANCELED`: cancelled by a callback.
    Canceled,
    /// `-EIO`: the OCI runtime or monitor failed.
    External,
    /// `-EPROTONOSUPPORT`: state written by a newer libctr.
    Version,
    /// Any other errno.
    Other,
}

const ENOENT: i32 = 2;
const EIO: i32 = 5;
const EACCES: i32 = 13;
const EPERM: i32 = 1;
const EBUSY: i32 = 16;
const EEXIST: i32 = 17;
const EINVAL: i32 = 22;
const EDEADLK: i32 = 35;
const EPROTONOSUPPORT: i32 = 93;
const EOPNOTSUPP: i32 = 95;
const ETIMEDOUT: i32 = 110;
const ECANCELED: i32 = 125;

/// A failed libctr call: the errno, the library's message and the C function.
#[derive(Clone, Debug)]
pub struct Error {
    errno: i32,
    message: String,
    op: &'static str,
}

impl Error {
    /// Read the calling thread's error detail for return value `r` of `op`.
    fn last(op: &'static str, r: c_int) -> Error {
        let last = unsafe { &*sys::ctr_error_last() };
        let message = if last.code == r && !last.message.is_null() {
            unsafe { CStr::from_ptr(last.message) }.to_string_lossy().into_owned()
        } else if r == -EOPNOTSUPP {
            format!("this libctr has no {}() (not built in yet)", op)
        } else {
            String::new()
        };
        Error { errno: -r, message, op }
    }

    fn new(op: &'static str, errno: i32, message: impl Into<String>) -> Error {
        Error { errno, message: message.into(), op }
    }

    /// The positive errno.
    pub fn errno(&self) -> i32 {
        self.errno
    }
    /// The negative value the C call returned.
    pub fn code(&self) -> i32 {
        -self.errno
    }
    /// The library's message for this failure.
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The C function that failed.
    pub fn op(&self) -> &'static str {
        self.op
    }
    pub fn kind(&self) -> ErrorKind {
        match self.errno {
            ENOENT => ErrorKind::NotFound,
            EEXIST => ErrorKind::AlreadyExists,
            EBUSY => ErrorKind::WrongState,
            EINVAL => ErrorKind::InvalidArgument,
            EOPNOTSUPP => ErrorKind::NotSupported,
            ETIMEDOUT => ErrorKind::TimedOut,
            EDEADLK => ErrorKind::Deadlock,
            EPERM | EACCES => ErrorKind::PermissionDenied,
            ECANCELED => ErrorKind::Canceled,
            EIO => ErrorKind::External,
            EPROTONOSUPPORT => ErrorKind::Version,
            _ => ErrorKind::Other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}: {}", self.op, strerror(-self.errno))
        } else {
            write!(f, "{}: {}", self.op, self.message)
        }
    }
}

impl std::error::Error for Error {}

impl From<Error> for std::io::Error {
    fn from(e: Error) -> std::io::Error {
        let kind = std::io::Error::from_raw_os_error(e.errno).kind();
        std::io::Error::new(kind, e)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// libctr's short name for an errno (`-ENOENT` or `ENOENT`).
pub fn strerror(code: i32) -> String {
    unsafe { CStr::from_ptr(sys::ctr_strerror(code)) }.to_string_lossy().into_owned()
}

/// Check a return value right after the C call, on the same thread.
fn check(op: &'static str, r: c_int) -> Result<c_int> {
    if r < 0 {
        Err(Error::last(op, r))
    } else {
        Ok(r)
    }
}

/// Check an optional-module call: `None` (symbol missing) is `NotSupported`.
fn check_opt(op: &'static str, r: Option<c_int>) -> Result<c_int> {
    match r {
        Some(r) => check(op, r),
        None => Err(Error::new(op, EOPNOTSUPP, format!("this libctr has no {}() (not built in yet)", op))),
    }
}

/// Whether the loaded libctr has the image API (`ctr-image.h`).
pub fn has_images() -> bool {
    sys::optional::has("ctr_image_import")
}

/// Whether the loaded libctr has the network API (`ctr-network.h`).
pub fn has_networks() -> bool {
    sys::optional::has("ctr_network_create")
}

// ---------------------------------------------------------------- helpers

fn cstring(op: &'static str, s: impl AsRef<[u8]>) -> Result<CString> {
    CString::new(s.as_ref()).map_err(|_| Error::new(op, EINVAL, "a string contains a NUL byte"))
}

fn opt_cstring(op: &'static str, s: &Option<Vec<u8>>) -> Result<Option<CString>> {
    s.as_ref().map(|s| cstring(op, s)).transpose()
}

fn opt_ptr(s: &Option<CString>) -> *const c_char {
    s.as_ref().map_or(ptr::null(), |s| s.as_ptr())
}

/// A NULL-terminated `char *[]` kept alive with its strings.
struct CStrv {
    _strings: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

impl CStrv {
    fn new<S: AsRef<[u8]>>(op: &'static str, items: &[S]) -> Result<CStrv> {
        let strings = items.iter().map(|s| cstring(op, s)).collect::<Result<Vec<_>>>()?;
        let mut ptrs: Vec<*const c_char> = strings.iter().map(|s| s.as_ptr()).collect();
        ptrs.push(ptr::null());
        Ok(CStrv { _strings: strings, ptrs })
    }
    fn opt<S: AsRef<[u8]>>(op: &'static str, items: &Option<Vec<S>>) -> Result<Option<CStrv>> {
        items.as_ref().map(|v| CStrv::new(op, v)).transpose()
    }
    fn as_ptr(this: &Option<CStrv>) -> *const *const c_char {
        this.as_ref().map_or(ptr::null(), |v| v.ptrs.as_ptr())
    }
}

/// A lent C string as `&str` ("" for NULL; lossless for the ASCII libctr uses).
unsafe fn lent_str<'a>(p: *const c_char) -> &'a str {
    if p.is_null() {
        ""
    } else {
        std::str::from_utf8(CStr::from_ptr(p).to_bytes()).unwrap_or("")
    }
}

unsafe fn lent_opt<'a>(p: *const c_char) -> Option<&'a str> {
    if p.is_null() {
        None
    } else {
        Some(lent_str(p))
    }
}

unsafe fn lent_path<'a>(p: *const c_char) -> Option<&'a Path> {
    if p.is_null() {
        None
    } else {
        Some(Path::new(OsStr::from_bytes(CStr::from_ptr(p).to_bytes())))
    }
}

/// Copy a lent NULL-terminated array.
unsafe fn lent_strv(mut p: *const *const c_char) -> Vec<String> {
    let mut out = Vec::new();
    if p.is_null() {
        return out;
    }
    while !(*p).is_null() {
        out.push(CStr::from_ptr(*p).to_string_lossy().into_owned());
        p = p.add(1);
    }
    out
}

/// A C string's bytes, `None` for NULL.
unsafe fn opt_bytes(p: *const c_char) -> Option<Vec<u8>> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_bytes().to_vec())
    }
}

/// A C string, `None` for NULL.
unsafe fn opt_string(p: *const c_char) -> Option<String> {
    if p.is_null() {
        None
    } else {
        Some(CStr::from_ptr(p).to_string_lossy().into_owned())
    }
}

/// A lent NULL-terminated array, `None` for NULL (not set; an empty one is `Some`).
unsafe fn opt_strv(p: *const *const c_char) -> Option<Vec<String>> {
    if p.is_null() {
        None
    } else {
        Some(lent_strv(p))
    }
}

/// A C array of `n` elements as a slice (empty for NULL).
unsafe fn c_slice<'a, T>(p: *const T, n: usize) -> &'a [T] {
    if p.is_null() || n == 0 {
        &[]
    } else {
        std::slice::from_raw_parts(p, n)
    }
}

/// Copy an owned array and free it with `ctr_strv_free`.
unsafe fn take_strv(p: *mut *mut c_char) -> Vec<String> {
    let v = lent_strv(p as *const *const c_char);
    sys::ctr_strv_free(p);
    v
}

/// Copy an owned string and free it with `ctr_free`.
unsafe fn take_string(p: *mut c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    let s = CStr::from_ptr(p).to_string_lossy().into_owned();
    sys::ctr_free(p as *mut c_void);
    s
}

fn parse_json(op: &'static str, s: &str) -> Result<json::Value> {
    json::Value::parse(s).map_err(|e| Error::new(op, EINVAL, e.to_string()))
}

fn ns_time(ns: i64) -> Option<SystemTime> {
    if ns == 0 {
        None
    } else if ns > 0 {
        Some(UNIX_EPOCH + Duration::from_nanos(ns as u64))
    } else {
        Some(UNIX_EPOCH - Duration::from_nanos(ns.unsigned_abs()))
    }
}

fn time_ns(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i64,
        Err(e) => -(e.duration().as_nanos() as i64),
    }
}

macro_rules! flags {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $f:ident = $v:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name(pub u64);
        impl $name {
            pub const NONE: $name = $name(0);
            $($(#[$fm])* pub const $f: $name = $name($v);)*
            pub fn contains(self, other: $name) -> bool { self.0 & other.0 == other.0 }
        }
        impl std::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, o: $name) -> $name { $name(self.0 | o.0) }
        }
    };
}
pub(crate) use flags;

flags!(
    /// Flags of [`Runtime::remove`] and [`Container::remove`].
    RemoveFlags {
        /// Stop a running container first and remove its dependents too.
        FORCE = sys::CTR_REMOVE_FORCE,
        /// Also remove anonymous volumes.
        VOLUMES = sys::CTR_REMOVE_VOLUMES,
    }
);

flags!(
    /// Flags of [`Container::copy_to`] and the other copies (`podman cp`).
    CopyFlags {
        /// Going in, owned by the container's user (`--archive`); coming out, by the caller.
        CHOWN = sys::CTR_COPY_CHOWN,
        /// A directory may replace a non-directory and back (`--overwrite`).
        OVERWRITE = sys::CTR_COPY_OVERWRITE,
    }
);

flags!(
    /// The resource fields of [`ContainerOptions`] that [`Container::update`] applies.
    UpdateFields {
        MEMORY = sys::CTR_UPDATE_MEMORY,
        MEMORY_SWAP = sys::CTR_UPDATE_MEMORY_SWAP,
        MEMORY_RESERVATION = sys::CTR_UPDATE_MEMORY_RESERVATION,
        /// `cpus`; it replaces a quota and period.
        CPUS = sys::CTR_UPDATE_CPUS,
        CPU_SHARES = sys::CTR_UPDATE_CPU_SHARES,
        CPU_PERIOD = sys::CTR_UPDATE_CPU_PERIOD,
        CPU_QUOTA = sys::CTR_UPDATE_CPU_QUOTA,
        CPUSET_CPUS = sys::CTR_UPDATE_CPUSET_CPUS,
        CPUSET_MEMS = sys::CTR_UPDATE_CPUSET_MEMS,
        PIDS_LIMIT = sys::CTR_UPDATE_PIDS_LIMIT,
        BLKIO_WEIGHT = sys::CTR_UPDATE_BLKIO_WEIGHT,
    }
);

// ---------------------------------------------------------------- runtime

/// Log levels passed to a runtime's log callback.
pub mod log_level {
    pub const ERROR: i32 = libctr_sys::CTR_LOG_ERROR;
    pub const WARNING: i32 = libctr_sys::CTR_LOG_WARNING;
    pub const INFO: i32 = libctr_sys::CTR_LOG_INFO;
    pub const DEBUG: i32 = libctr_sys::CTR_LOG_DEBUG;
}

type LogFn = dyn Fn(i32, &str) + Send + Sync;

/// Keeps a runtime's log callback alive while any handle made from it lives
/// (the C runtime outlives a `Runtime` while containers hold it).
#[derive(Clone)]
#[allow(dead_code)] // held, never read: it keeps the callback alive
pub(crate) struct Keep(Option<Arc<Box<LogFn>>>);

unsafe extern "C" fn log_trampoline(level: c_int, message: *const c_char, userdata: *mut c_void) {
    let f = &*(userdata as *const Box<LogFn>);
    let msg = CStr::from_ptr(message).to_string_lossy();
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(level, &msg)));
}

/// Options of [`Runtime::with_options`]; unset means the library's default.
#[derive(Default)]
pub struct RuntimeOptions {
    root: Option<Vec<u8>>,
    run_root: Option<Vec<u8>>,
    state_backend: Option<Vec<u8>>,
    oci_runtime: Option<Vec<u8>>,
    conmon_path: Option<Vec<u8>>,
    storage_driver: Option<Vec<u8>>,
    cni_config_dir: Option<Vec<u8>>,
    cni_plugin_dir: Option<Vec<u8>>,
    lock_dir: Option<Vec<u8>>,
    default_network: Option<Vec<u8>>,
    default_bridge: Option<Vec<u8>>,
    default_subnet: Option<Vec<u8>>,
    log: Option<Arc<Box<LogFn>>>,
    log_level: i32,
    log_size_max: i64,
}

fn path_bytes(p: impl AsRef<Path>) -> Vec<u8> {
    p.as_ref().as_os_str().as_bytes().to_vec()
}

macro_rules! setters {
    ($($(#[$m:meta])* $name:ident: path;)*) => {$(
        $(#[$m])*
        pub fn $name(mut self, v: impl AsRef<Path>) -> Self {
            self.$name = Some(path_bytes(v));
            self
        }
    )*};
}

impl RuntimeOptions {
    pub fn new() -> Self {
        Self::default()
    }
    setters! {
        /// Persistent root (default `/var/lib/libctr`).
        root: path;
        /// Per-boot run root (default `/run/libctr`).
        run_root: path;
        /// `files` (default), `tdb` or a registered backend.
        state_backend: path;
        /// `runc` (default), `crun` or an absolute path.
        oci_runtime: path;
        conmon_path: path;
        /// `overlay` (default) or `vfs`.
        storage_driver: path;
        cni_config_dir: path;
        cni_plugin_dir: path;
        lock_dir: path;
        default_network: path;
        default_bridge: path;
        default_subnet: path;
    }
    /// Log size limit of containers created without one; 0 or negative: none.
    pub fn log_size_max(mut self, bytes: i64) -> Self {
        self.log_size_max = bytes;
        self
    }
    /// A log callback: `(level, message)`, called from any thread calling into libctr.
    pub fn log(mut self, level: i32, f: impl Fn(i32, &str) + Send + Sync + 'static) -> Self {
        self.log = Some(Arc::new(Box::new(f)));
        self.log_level = level;
        self
    }
}

/// An open runtime (`ctr_runtime_t`): a root, a run root, a state backend
/// and an OCI runtime.  Cheap to clone (a reference).
pub struct Runtime {
    ptr: NonNull<sys::ctr_runtime_t>,
    keep: Keep,
}

// The library makes every call on a runtime safe from any thread (ctr-runtime.h).
unsafe impl Send for Runtime {}
unsafe impl Sync for Runtime {}

impl Runtime {
    /// Open (creating if needed) a runtime on `root` and `run_root`.
    pub fn open(root: impl AsRef<Path>, run_root: impl AsRef<Path>) -> Result<Runtime> {
        Runtime::with_options(RuntimeOptions::new().root(root).run_root(run_root))
    }

    /// Open the default runtime (`/var/lib/libctr`, `/run/libctr`).
    pub fn open_default() -> Result<Runtime> {
        Runtime::with_options(RuntimeOptions::new())
    }

    pub fn with_options(o: RuntimeOptions) -> Result<Runtime> {
        const OP: &str = "ctr_runtime_new";
        let mut opts = unsafe { std::mem::zeroed::<sys::ctr_runtime_options_t>() };
        check("ctr_runtime_options_init", unsafe {
            sys::ctr_runtime_options_init(&mut opts, sys::CTR_RUNTIME_OPTIONS_VERSION)
        })?;
        let strs = [
            &o.root,
            &o.run_root,
            &o.state_backend,
            &o.oci_runtime,
            &o.conmon_path,
            &o.storage_driver,
            &o.cni_config_dir,
            &o.cni_plugin_dir,
            &o.lock_dir,
            &o.default_network,
            &o.default_bridge,
            &o.default_subnet,
        ]
        .iter()
        .map(|s| opt_cstring(OP, s))
        .collect::<Result<Vec<_>>>()?;
        opts.root = opt_ptr(&strs[0]);
        opts.run_root = opt_ptr(&strs[1]);
        opts.state_backend = opt_ptr(&strs[2]);
        opts.oci_runtime = opt_ptr(&strs[3]);
        opts.conmon_path = opt_ptr(&strs[4]);
        opts.storage_driver = opt_ptr(&strs[5]);
        opts.cni_config_dir = opt_ptr(&strs[6]);
        opts.cni_plugin_dir = opt_ptr(&strs[7]);
        opts.lock_dir = opt_ptr(&strs[8]);
        opts.default_network = opt_ptr(&strs[9]);
        opts.default_bridge = opt_ptr(&strs[10]);
        opts.default_subnet = opt_ptr(&strs[11]);
        opts.log_size_max = o.log_size_max;
        if let Some(f) = &o.log {
            opts.log_fn = Some(log_trampoline);
            opts.log_userdata = Arc::as_ptr(f) as *mut c_void;
            opts.log_level = o.log_level;
        }
        let mut p = ptr::null_mut();
        check(OP, unsafe { sys::ctr_runtime_new(&mut p, &opts) })?;
        Ok(Runtime { ptr: NonNull::new(p).expect("ctr_runtime_new returned NULL"), keep: Keep(o.log) })
    }

    pub(crate) fn as_ptr(&self) -> *mut sys::ctr_runtime_t {
        self.ptr.as_ptr()
    }

    /// The persistent root directory.
    pub fn root(&self) -> &Path {
        unsafe { lent_path(sys::ctr_runtime_root(self.as_ptr())) }.unwrap_or_else(|| Path::new(""))
    }
    /// The run root directory.
    pub fn run_root(&self) -> &Path {
        unsafe { lent_path(sys::ctr_runtime_run_root(self.as_ptr())) }.unwrap_or_else(|| Path::new(""))
    }
    /// The state backend's name.
    pub fn state_backend(&self) -> &str {
        unsafe { lent_str(sys::ctr_runtime_state_backend(self.as_ptr())) }
    }
    /// The OCI runtime's absolute path.
    pub fn oci_runtime(&self) -> &Path {
        unsafe { lent_path(sys::ctr_runtime_oci_runtime(self.as_ptr())) }.unwrap_or_else(|| Path::new(""))
    }
    /// The boot ID recorded in the run root.
    pub fn boot_id(&self) -> &str {
        unsafe { lent_str(sys::ctr_runtime_boot_id(self.as_ptr())) }
    }

    /// Find a container by full ID, unique ID prefix or name.
    pub fn lookup(&self, id_or_name: &str) -> Result<Container> {
        const OP: &str = "ctr_runtime_lookup";
        let n = cstring(OP, id_or_name)?;
        let mut p = ptr::null_mut();
        check(OP, unsafe { sys::ctr_runtime_lookup(self.as_ptr(), n.as_ptr(), &mut p) })?;
        Ok(Container::from_raw(p, self.keep.clone()))
    }

    /// All containers, oldest first.
    pub fn containers(&self) -> Result<Vec<Container>> {
        let mut list = ptr::null_mut();
        let mut n = 0usize;
        check("ctr_runtime_list", unsafe {
            sys::ctr_runtime_list(self.as_ptr(), None, ptr::null_mut(), &mut list, &mut n)
        })?;
        let out = (0..n)
            .map(|i| unsafe { Container::from_raw(sys::ctr_container_ref(*list.add(i)), self.keep.clone()) })
            .collect();
        unsafe { sys::ctr_container_list_free(list, n) };
        Ok(out)
    }

    /// Remove a container by ID, prefix or name.
    pub fn remove(&self, id_or_name: &str, flags: RemoveFlags) -> Result<()> {
        const OP: &str = "ctr_runtime_remove";
        let n = cstring(OP, id_or_name)?;
        check(OP, unsafe { sys::ctr_runtime_remove(self.as_ptr(), n.as_ptr(), flags.0) }).map(drop)
    }

    /// Reset containers left over from an earlier boot and sweep the run root.
    pub fn refresh(&self) -> Result<()> {
        check_opt("ctr_runtime_refresh", unsafe { sys::optional::ctr_runtime_refresh(self.as_ptr()) }).map(drop)
    }
}

impl Clone for Runtime {
    fn clone(&self) -> Runtime {
        unsafe { sys::ctr_runtime_ref(self.as_ptr()) };
        Runtime { ptr: self.ptr, keep: self.keep.clone() }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        unsafe { sys::ctr_runtime_unref(self.as_ptr()) };
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime").field("root", &self.root()).finish()
    }
}

// ---------------------------------------------------------------- pipes (no libc crate)

extern "C" {
    fn pipe2(fds: *mut c_int, flags: c_int) -> c_int;
}
const O_CLOEXEC: c_int = 0o2000000;

/// A close-on-exec pipe: (read end, write end).
fn pipe() -> std::io::Result<(std::fs::File, std::fs::File)> {
    use std::os::unix::io::FromRawFd;
    let mut fds = [0 as c_int; 2];
    if unsafe { pipe2(fds.as_mut_ptr(), O_CLOEXEC) } < 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(unsafe { (std::fs::File::from_raw_fd(fds[0]), std::fs::File::from_raw_fd(fds[1])) })
}
