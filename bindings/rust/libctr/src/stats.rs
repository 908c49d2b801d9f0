// SPDX-License-Identifier: LGPL-2.1-or-later
//! Stats: samples of running containers' resource use, one at a time, as an
//! iterator, or as a stream of rounds (`ctr_container_stats_stream()`).

use std::ffi::CStr;
use std::os::raw::{c_int, c_void};
use std::os::unix::io::RawFd;
use std::panic::{self, AssertUnwindSafe};
use std::ptr;
use std::time::{Duration, Instant};

use libctr_sys as sys;

use crate::*;

/// Owns a sample of `ctr_container_stats()`.
struct Sample(*mut sys::ctr_stats_t);

impl Drop for Sample {
    fn drop(&mut self) {
        unsafe { sys::ctr_stats_free(self.0) }
    }
}

/// One sample of a running container's resource use (`ctr_stats_t`): CPU
/// times in nanoseconds, percentages as podman computes them, memory, block
/// I/O and network counters in bytes.
pub struct Stats {
    pub id: String,
    pub name: String,
    pub cgroup_version: i32,
    pub timestamp_ns: u64,
    pub started_ns: u64,
    pub cpu_ns: u64,
    pub cpu_user_ns: u64,
    pub cpu_system_ns: u64,
    /// Per core (cgroup v1); empty under v2.
    pub percpu_ns: Vec<u64>,
    pub system_cpu_ns: u64,
    pub online_cpus: u32,
    /// Since the previous sample, or since the start.
    pub cpu_percent: f64,
    pub avg_cpu_percent: f64,
    pub mem_usage: u64,
    pub mem_limit: u64,
    pub mem_cache: u64,
    pub mem_rss: u64,
    pub mem_percent: f64,
    pub pids_current: u64,
    /// 0: no limit.
    pub pids_limit: u64,
    pub block_read: u64,
    pub block_write: u64,
    /// false: no network namespace of its own.
    pub has_net: bool,
    pub net_rx_bytes: u64,
    pub net_rx_packets: u64,
    pub net_tx_bytes: u64,
    pub net_tx_packets: u64,
    sample: Option<Sample>,
}

impl Stats {
    unsafe fn from_raw(p: *const sys::ctr_stats_t) -> Stats {
        let s = &*p;
        let text = |c: *const std::os::raw::c_char| CStr::from_ptr(c).to_string_lossy().into_owned();
        Stats {
            id: text(s.id),
            name: text(s.name),
            cgroup_version: s.cgroup_version,
            timestamp_ns: s.timestamp_ns,
            started_ns: s.started_ns,
            cpu_ns: s.cpu_ns,
            cpu_user_ns: s.cpu_user_ns,
            cpu_system_ns: s.cpu_system_ns,
            percpu_ns: (0..s.n_percpu).map(|i| *s.percpu_ns.add(i)).collect(),
            system_cpu_ns: s.system_cpu_ns,
            online_cpus: s.online_cpus,
            cpu_percent: s.cpu_percent,
            avg_cpu_percent: s.avg_cpu_percent,
            mem_usage: s.mem_usage,
            mem_limit: s.mem_limit,
            mem_cache: s.mem_cache,
            mem_rss: s.mem_rss,
            mem_percent: s.mem_percent,
            pids_current: s.pids_current,
            pids_limit: s.pids_limit,
            block_read: s.block_read,
            block_write: s.block_write,
            has_net: s.has_net != 0,
            net_rx_bytes: s.net_rx_bytes,
            net_rx_packets: s.net_rx_packets,
            net_tx_bytes: s.net_tx_bytes,
            net_tx_packets: s.net_tx_packets,
            sample: None,
        }
    }
}

impl Stats {
    /// A sample the caller owns, kept (for a later `prev`) until the Stats is dropped.
    pub(crate) unsafe fn owned(p: *mut sys::ctr_stats_t) -> Stats {
        let mut s = Stats::from_raw(p);
        s.sample = Some(Sample(p));
        s
    }

    /// The C sample behind this Stats, for a later call's `prev` (NULL in a stream's).
    pub(crate) fn raw(&self) -> *const sys::ctr_stats_t {
        self.sample.as_ref().map_or(ptr::null(), |s| s.0 as *const sys::ctr_stats_t)
    }
}

impl Container {
    /// One sample of the running container (`ctr_container_stats()`), read
    /// from the host without running anything in it; `cpu_percent` is since
    /// `prev` (a sample of this container from this call), else since the
    /// start.  A container that is not running is `EBUSY`.
    pub fn stats(&self, prev: Option<&Stats>) -> Result<Stats> {
        let pp = prev.and_then(|p| p.sample.as_ref()).map_or(ptr::null(), |s| s.0 as *const sys::ctr_stats_t);
        let mut out: *mut sys::ctr_stats_t = ptr::null_mut();
        check("ctr_container_stats", unsafe { sys::ctr_container_stats(self.as_ptr(), pp, &mut out) })?;
        Ok(unsafe { Stats::owned(out) })
    }

    /// Samples every `interval`, the first at once, each one's `cpu_percent`
    /// since the one before; the iterator ends when the container no longer
    /// runs (an error of the first sample is its only item).
    pub fn stats_iter(&self, interval: Duration) -> StatsIter<'_> {
        StatsIter { c: self, interval, prev: None, next_at: None, done: false }
    }
}

/// The iterator of [`Container::stats_iter`].
pub struct StatsIter<'a> {
    c: &'a Container,
    interval: Duration,
    prev: Option<Stats>,
    next_at: Option<Instant>,
    done: bool,
}

impl<'a> Iterator for StatsIter<'a> {
    type Item = Result<Stats>;

    fn next(&mut self) -> Option<Result<Stats>> {
        if self.done {
            return None;
        }
        if let Some(t) = self.next_at {
            std::thread::sleep(t.saturating_duration_since(Instant::now()));
        }
        self.next_at = Some(Instant::now() + self.interval);
        match self.c.stats(self.prev.as_ref()) {
            Ok(s) => {
                let copy = unsafe { Stats::from_raw(s.sample.as_ref().unwrap().0) };
                self.prev = Some(s);
                Some(Ok(copy))
            }
            Err(e) => {
                self.done = true;
                if self.prev.is_some() && e.kind() == ErrorKind::WrongState {
                    None
                } else {
                    Some(Err(e))
                }
            }
        }
    }
}

/// Sample the running `containers` now and every `interval`
/// (`ctr_container_stats_stream()`, on the calling thread) and call `f` with
/// each round, in the order given, `None` for a container no longer running.
/// Stops when `f` returns false, when `cancel_fd` (a pipe's read end, an
/// eventfd) becomes readable (from another thread), or when none runs.
pub fn stats_stream<F: FnMut(&[Option<Stats>]) -> bool>(
    containers: &[&Container],
    interval: Duration,
    cancel_fd: Option<RawFd>,
    mut f: F,
) -> Result<()> {
    struct Ctx<'a> {
        f: &'a mut dyn FnMut(&[Option<Stats>]) -> bool,
        panic: Option<Box<dyn std::any::Any + Send>>,
    }
    unsafe extern "C" fn round(stats: *const *const sys::ctr_stats_t, n: usize, ud: *mut c_void) -> c_int {
        let ctx = &mut *(ud as *mut Ctx);
        let v: Vec<Option<Stats>> =
            (0..n).map(|i| *stats.add(i)).map(|p| if p.is_null() { None } else { Some(Stats::from_raw(p)) }).collect();
        match panic::catch_unwind(AssertUnwindSafe(|| (ctx.f)(&v))) {
            Ok(true) => 0,
            Ok(false) => 1,
            Err(p) => {
                ctx.panic = Some(p);
                1
            }
        }
    }
    let mut o = unsafe { std::mem::zeroed::<sys::ctr_stats_options_t>() };
    check("ctr_stats_options_init", unsafe { sys::ctr_stats_options_init(&mut o, sys::CTR_STATS_OPTIONS_VERSION) })?;
    o.interval_ms = interval.as_millis().min(u32::MAX as u128) as u32;
    o.cancel_fd = cancel_fd.unwrap_or(-1);
    let ptrs: Vec<*mut sys::ctr_container_t> = containers.iter().map(|c| c.as_ptr()).collect();
    let mut ctx = Ctx { f: &mut f, panic: None };
    let r = unsafe {
        sys::ctr_container_stats_stream(ptrs.as_ptr(), ptrs.len(), &o, Some(round), &mut ctx as *mut Ctx as *mut c_void)
    };
    if let Some(p) = ctx.panic {
        panic::resume_unwind(p);
    }
    check("ctr_container_stats_stream", r).map(drop)
}
