// SPDX-License-Identifier: LGPL-2.1-or-later
//! Waiters and cancellation tokens on real containers.
use std::os::unix::io::AsRawFd;
use super::*;

fn readable(fd: i32, timeout_ms: i32) -> bool {
    #[repr(C)]
    struct PollFd {
        fd: i32,
        events: i16,
        revents: i16,
    }
    extern "C" {
        fn poll(fds: *mut PollFd, n: u64, timeout: i32) -> i32;
    }
    let mut p = PollFd { fd, events: 1, revents: 0 };
    unsafe { poll(&mut p, 1, timeout_ms) == 1 }
}

#[test]
fn waiter_and_cancel() {
    let t = match TestRuntime::new("waiter") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(ContainerOptions::new().name("rs-waiter").command(sh("sleep 100")));
    // Not live: done at once.
    assert_eq!(c.wait_for(&[], Some(Duration::from_secs(5)), None).unwrap(), (State::Configured, -1));
    c.start().unwrap();
    let mut w = c.waiter(&[State::Exited]).unwrap();
    assert_eq!(w.check().unwrap(), None);
    assert!(!readable(w.as_raw_fd(), 200));
    let tok = Arc::new(Cancel::new().unwrap());
    let t2 = tok.clone();
    let th = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        t2.trigger().unwrap();
    });
    let t0 = Instant::now();
    let e = c.wait_for(&[State::Exited], None, Some(&tok)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled);
    assert!(t0.elapsed() < Duration::from_secs(2));
    th.join().unwrap();
    assert!(readable(tok.as_raw_fd(), 0));
    tok.reset().unwrap();
    let e = c.wait_for(&[], Some(Duration::from_millis(100)), Some(&tok)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TimedOut);
    // A follow and an attach end when their token is triggered.
    let t3 = tok.clone();
    let th = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        t3.trigger().unwrap();
    });
    let e = c.logs(&LogsOptions::new().follow(true).cancel(tok.clone()), |_| true).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled);
    th.join().unwrap();
    tok.reset().unwrap();
    let t4 = tok.clone();
    let th = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        t4.trigger().unwrap();
    });
    let e = c.attach(&AttachOptions::new().cancel(tok.clone())).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Canceled);
    th.join().unwrap();
    assert_eq!(c.state().unwrap(), State::Running);
    c.kill(9).unwrap();
    assert!(readable(w.as_raw_fd(), 5000));
    assert_eq!(w.check().unwrap(), Some((State::Exited, 137)));
    // Another state, through the event journal.
    let mut w2 = c.waiter(&[State::Running]).unwrap();
    assert_eq!(w2.check().unwrap(), None); // exited: waited for
    c.start().unwrap();
    assert!(readable(w2.as_raw_fd(), 5000));
    let mut got = w2.check().unwrap();
    while got.is_none() {
        assert!(readable(w2.as_raw_fd(), 5000));
        got = w2.check().unwrap();
    }
    assert_eq!(got, Some((State::Running, -1)));
    c.remove(RemoveFlags::FORCE).unwrap();
}

#[test]
fn restart_and_policy() {
    let t = match TestRuntime::new("restart") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(ContainerOptions::new().name("rs-restart").command(sh("sleep 100")).restart_policy("on-failure"));
    c.start().unwrap();
    let pid = c.pid().unwrap();
    c.restart(Some(Duration::from_secs(0))).unwrap();
    let pid2 = c.pid().unwrap();
    assert!(pid2 != pid && pid2 > 0);
    c.kill(9).unwrap();
    assert_eq!(c.wait(Some(Duration::from_secs(10))).unwrap(), 137);
    assert!(!c.apply_restart_policy().unwrap()); // a user's kill
    c.remove(RemoveFlags::NONE).unwrap();
}

#[test]
fn healthcheck_run() {
    let t = match TestRuntime::new("health") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(
        ContainerOptions::new()
            .name("rs-health")
            .command(sh("sleep 100"))
            .health_cmd(["/bin/sh", "-c", "exit 1"])
            .health_interval(Duration::from_secs(3600))
            .health_retries(2),
    );
    assert_eq!(c.health().unwrap(), Health::Starting);
    c.start().unwrap();
    assert_eq!(c.healthcheck_run().unwrap(), (false, Health::Starting));
    assert_eq!(c.healthcheck_run().unwrap(), (false, Health::Unhealthy));
    assert_eq!(c.health().unwrap().as_str(), "unhealthy");
    c.remove(RemoveFlags::FORCE).unwrap();
    let ok = t.create(
        ContainerOptions::new()
            .name("rs-health-ok")
            .command(sh("sleep 100"))
            .health_cmd(["/bin/true"])
            .health_interval(Duration::from_secs(3600))
            .health_on_failure("kill"),
    );
    ok.start().unwrap();
    assert_eq!(ok.healthcheck_run().unwrap(), (true, Health::Healthy));
    ok.remove(RemoveFlags::FORCE).unwrap();
}
