// SPDX-License-Identifier: LGPL-2.1-or-later
//! The event journal (`ctr-events.h`, libctr 0.6): events read back, or
//! followed as they happen.  [`Events`] is an iterator; a follower's `next()`
//! blocks until an event comes, until [`Canceller::cancel`] (from any thread)
//! makes it yield an error of kind [`ErrorKind::Canceled`], or until the
//! until time passes.  [`Events::fd`] is a descriptor for an event loop, with
//! [`Events::next_timeout`] to take what is there.

use std::collections::BTreeMap;
use std::os::raw::{c_int, c_void};
use std::os::unix::io::RawFd;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use libctr_sys as sys;

use crate::*;

const EAGAIN: i32 = 11;

/// One event: podman's `events --format json` object and its main fields.
#[derive(Clone, Debug)]
pub struct Event {
    pub kind: String,
    pub status: String,
    pub id: Option<String>,
    pub name: Option<String>,
    pub image: Option<String>,
    pub time: SystemTime,
    pub exit_code: i32,
    pub attributes: BTreeMap<String, String>,
    /// The journal's line.
    pub json: String,
}

impl Event {
    unsafe fn from_raw(e: &sys::ctr_event_t) -> Event {
        let json = lent_str(e.json).to_string();
        let attributes = json::Value::parse(&json)
            .ok()
            .and_then(|v| {
                v.get("Attributes").and_then(|a| a.as_object()).map(|m| {
                    m.iter().filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string()))).collect()
                })
            })
            .unwrap_or_default();
        let ns = e.time_ns.max(0) as u64;
        Event {
            kind: lent_str(e.r#type).to_string(),
            status: lent_str(e.status).to_string(),
            id: lent_opt(e.id).map(str::to_string),
            name: lent_opt(e.name).map(str::to_string),
            image: lent_opt(e.image).map(str::to_string),
            time: UNIX_EPOCH + Duration::from_nanos(ns),
            exit_code: e.exit_code,
            attributes,
            json,
        }
    }
}

/// What to read: podman's `--filter` strings (`container=web`, `event=died`,
/// `label=app=x`, `type=volume`), since and until times, follow.
#[derive(Clone, Debug, Default)]
pub struct EventsOptions {
    pub follow: bool,
    pub since: Option<SystemTime>,
    pub until: Option<SystemTime>,
    pub filters: Vec<String>,
    /// A descriptor of the caller's: readable, it cancels a follower.
    pub cancel_fd: Option<RawFd>,
}

fn ns(t: Option<SystemTime>) -> i64 {
    t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos() as i64)
}

/// The C options, with the strings they point to.
fn c_options(op: &'static str, o: &EventsOptions) -> Result<(sys::ctr_events_options_t, Option<CStrv>)> {
    let mut eo = unsafe { std::mem::zeroed::<sys::ctr_events_options_t>() };
    check("ctr_events_options_init", unsafe {
        sys::ctr_events_options_init(&mut eo, sys::CTR_EVENTS_OPTIONS_VERSION)
    })?;
    let filters = CStrv::opt(op, &Some(o.filters.clone()))?;
    eo.flags = if o.follow { sys::CTR_EVENTS_FOLLOW } else { 0 };
    eo.since_ns = ns(o.since);
    eo.until_ns = ns(o.until);
    eo.filters = CStrv::as_ptr(&filters);
    eo.cancel_fd = o.cancel_fd.unwrap_or(-1);
    Ok((eo, filters))
}

struct Reader(NonNull<sys::ctr_events_t>);

// ctr_events_cancel() is safe from any thread; next() is only called
// through &mut Events.
unsafe impl Send for Reader {}
unsafe impl Sync for Reader {}

impl Drop for Reader {
    fn drop(&mut self) {
        unsafe { sys::ctr_events_close(self.0.as_ptr()) };
    }
}

/// A reader of the event journal (`ctr_events_open()`); an iterator of events.
pub struct Events {
    r: Arc<Reader>,
    _keep: Keep,
    done: bool,
}

/// Cancels a follower's wait from another thread.
#[derive(Clone)]
pub struct Canceller(Arc<Reader>);

impl Canceller {
    pub fn cancel(&self) {
        unsafe { sys::ctr_events_cancel(self.0 .0.as_ptr()) };
    }
}

impl Events {
    /// The next event: `Ok(None)` at the end, or when `timeout` passed with
    /// none (a follower; `None`: no limit).
    pub fn next_timeout(&mut self, timeout: Option<Duration>) -> Result<Option<Event>> {
        const OP: &str = "ctr_events_next";
        let ms = timeout.map_or(-1, |d| d.as_millis() as i64);
        let mut ev = ptr::null_mut();
        let r = unsafe { sys::ctr_events_next(self.r.0.as_ptr(), ms, &mut ev) };
        if r == 0 || r == -EAGAIN {
            return Ok(None);
        }
        check(OP, r)?;
        let out = unsafe { Event::from_raw(&*ev) };
        unsafe { sys::ctr_event_free(ev) };
        Ok(Some(out))
    }
    /// A descriptor that polls readable when events may be there (a follower only).
    pub fn fd(&self) -> Result<RawFd> {
        check("ctr_events_fd", unsafe { sys::ctr_events_fd(self.r.0.as_ptr()) })
    }
    /// A handle that cancels this reader's wait from another thread.
    pub fn canceller(&self) -> Canceller {
        Canceller(self.r.clone())
    }
}

impl Iterator for Events {
    type Item = Result<Event>;
    fn next(&mut self) -> Option<Result<Event>> {
        if self.done {
            return None;
        }
        let r = self.next_timeout(None).transpose();
        if !matches!(r, Some(Ok(_))) {
            self.done = true;
        }
        r
    }
}

struct ReadCall<'a> {
    f: &'a mut dyn FnMut(&Event) -> bool,
    panicked: bool,
}

unsafe extern "C" fn events_trampoline(ev: *const sys::ctr_event_t, userdata: *mut c_void) -> c_int {
    let call = &mut *(userdata as *mut ReadCall<'_>);
    let e = Event::from_raw(&*ev);
    match panic::catch_unwind(AssertUnwindSafe(|| (call.f)(&e))) {
        Ok(stop) => stop as c_int,
        Err(_) => {
            call.panicked = true;
            1
        }
    }
}

impl Runtime {
    /// A reader of the runtime's event journal.
    pub fn events(&self, o: &EventsOptions) -> Result<Events> {
        const OP: &str = "ctr_events_open";
        let (eo, _filters) = c_options(OP, o)?;
        let mut p = ptr::null_mut();
        check(OP, unsafe { sys::ctr_events_open(self.as_ptr(), &eo, &mut p) })?;
        let p = NonNull::new(p).ok_or_else(|| Error::new(OP, EINVAL, "no reader"))?;
        Ok(Events { r: Arc::new(Reader(p)), _keep: self.keep.clone(), done: false })
    }
    /// Call `f` with each event (`ctr_events_read()`) until it returns true
    /// (then this returns `Ok(true)`), the end, or a cancel.
    pub fn read_events(&self, o: &EventsOptions, mut f: impl FnMut(&Event) -> bool) -> Result<bool> {
        const OP: &str = "ctr_events_read";
        let (eo, _filters) = c_options(OP, o)?;
        let mut call = ReadCall { f: &mut f, panicked: false };
        let r = unsafe {
            sys::ctr_events_read(self.as_ptr(), &eo, Some(events_trampoline), &mut call as *mut _ as *mut c_void)
        };
        if call.panicked {
            panic!("the read_events callback panicked");
        }
        Ok(check(OP, r)? > 0)
    }
}
