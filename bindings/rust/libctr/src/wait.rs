// SPDX-License-Identifier: LGPL-2.1-or-later
//! Waits a caller's event loop drives (`ctr_waiter_t`) and cancellation
//! tokens (`ctr_cancel_t`).
use std::os::raw::c_int;
use std::os::unix::io::{AsRawFd, RawFd};
use std::ptr::{self, NonNull};
use std::time::Duration;

use libctr_sys as sys;

use crate::{check, Container, Result, State};

pub(crate) fn cancel_ptr(t: &Option<std::sync::Arc<Cancel>>) -> *const sys::ctr_cancel_t {
    t.as_ref().map_or(ptr::null(), |t| t.ptr.as_ptr() as *const _)
}

fn state_set(states: &[State]) -> std::os::raw::c_uint {
    let m = states.iter().fold(0, |m, s| m | 1 << s.raw());
    if m == 0 {
        1 << sys::CTR_STATE_EXITED
    } else {
        m
    }
}

/// A cancellation token: [`Cancel::trigger`] it from any thread to end the
/// waits given it with [`crate::ErrorKind::Canceled`].  It stays triggered
/// until [`Cancel::reset`].
pub struct Cancel {
    ptr: NonNull<sys::ctr_cancel_t>,
}

// The C token is thread-safe (an eventfd).
unsafe impl Send for Cancel {}
unsafe impl Sync for Cancel {}

impl Cancel {
    /// A token, not triggered.
    pub fn new() -> Result<Cancel> {
        let mut p = ptr::null_mut();
        check("ctr_cancel_new", unsafe { sys::ctr_cancel_new(&mut p) })?;
        Ok(Cancel { ptr: NonNull::new(p).expect("NULL token") })
    }
    /// End the waits given the token.
    pub fn trigger(&self) -> Result<()> {
        check("ctr_cancel_trigger", unsafe { sys::ctr_cancel_trigger(self.ptr.as_ptr()) }).map(drop)
    }
    /// Make the token untriggered again.
    pub fn reset(&self) -> Result<()> {
        check("ctr_cancel_reset", unsafe { sys::ctr_cancel_reset(self.ptr.as_ptr()) }).map(drop)
    }
}

impl std::fmt::Debug for Cancel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cancel").field("fd", &self.as_raw_fd()).finish()
    }
}

impl AsRawFd for Cancel {
    /// Readable while the token is triggered.
    fn as_raw_fd(&self) -> RawFd {
        unsafe { sys::ctr_cancel_fd(self.ptr.as_ptr()) }
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        unsafe { sys::ctr_cancel_free(self.ptr.as_ptr()) }
    }
}

/// A watch on one container until its state is in a set (the monitor's
/// exit, the event journal), through a descriptor a poll/epoll/mio loop
/// polls: call [`Waiter::check`] first and each time it is readable.
pub struct Waiter {
    ptr: NonNull<sys::ctr_waiter_t>,
}

unsafe impl Send for Waiter {}

impl Waiter {
    /// `Some((state, exit_code))` once the state is in the set or the
    /// container is not live; `None`: wait for the descriptor again.
    pub fn check(&mut self) -> Result<Option<(State, i32)>> {
        let mut st: sys::ctr_state_t = 0;
        let mut code: c_int = -1;
        let r = check("ctr_waiter_check", unsafe { sys::ctr_waiter_check(self.ptr.as_ptr(), &mut st, &mut code) })?;
        Ok(if r == 1 { Some((State::from_raw(st), code)) } else { None })
    }
}

impl AsRawFd for Waiter {
    fn as_raw_fd(&self) -> RawFd {
        unsafe { sys::ctr_waiter_fd(self.ptr.as_ptr()) }
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        unsafe { sys::ctr_waiter_free(self.ptr.as_ptr()) }
    }
}

impl Container {
    /// A [`Waiter`] until the state is one of `states` (empty: exited).
    pub fn waiter(&self, states: &[State]) -> Result<Waiter> {
        let mut p = ptr::null_mut();
        check("ctr_container_waiter_new", unsafe {
            sys::ctr_container_waiter_new(self.as_ptr(), state_set(states), &mut p)
        })?;
        Ok(Waiter { ptr: NonNull::new(p).expect("NULL waiter") })
    }
    /// Wait until the state is one of `states` (empty: exited) or the
    /// container is not live: `(state, exit_code)`.  `timeout` None waits
    /// forever; a triggered `cancel` ends it with `Canceled`.
    pub fn wait_for(&self, states: &[State], timeout: Option<Duration>, cancel: Option<&Cancel>) -> Result<(State, i32)> {
        let ms = timeout.map_or(-1, |t| t.as_millis() as i64);
        let tok = cancel.map_or(ptr::null(), |t| t.ptr.as_ptr() as *const _);
        let mut st: sys::ctr_state_t = 0;
        let mut code: c_int = -1;
        check("ctr_container_wait_for", unsafe {
            sys::ctr_container_wait_for(self.as_ptr(), state_set(states), ms, tok, &mut st, &mut code)
        })?;
        Ok((State::from_raw(st), code))
    }
}
