// SPDX-License-Identifier: LGPL-2.1-or-later
//! The event journal through the Rust bindings: the iterator with filters
//! and times, a follower cancelled from another thread, the descriptor with
//! next_timeout, the callback form, a container's events.
use std::time::SystemTime;

use super::*;

fn statuses(evs: Vec<Event>) -> Vec<String> {
    evs.iter().map(|e| format!("{} {} {}", e.kind, e.status, e.name.as_deref().unwrap_or(""))).collect()
}

#[test]
fn events_read_back_and_follow() {
    let t = match TestRuntime::new("events") {
        Some(v) => v,
        None => return,
    };
    let rt = t.rt();
    let t0 = SystemTime::now();
    drop(rt.create_volume(&VolumeOptions::new().name("rsev1")).unwrap());
    let t1 = SystemTime::now();
    rt.remove_volume("rsev1", VolumeFlags::default()).unwrap();
    let all: Vec<Event> = rt.events(&EventsOptions::default()).unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(statuses(all), ["volume create rsev1", "volume remove rsev1"]);
    let o = EventsOptions { since: Some(t0), until: Some(t1), ..Default::default() };
    let some: Vec<Event> = rt.events(&o).unwrap().map(|e| e.unwrap()).collect();
    assert_eq!(statuses(some), ["volume create rsev1"]);
    let o = EventsOptions { filters: vec!["colour=red".into()], ..Default::default() };
    assert_eq!(rt.events(&o).err().unwrap().kind(), ErrorKind::InvalidArgument);

    // A follower: the fd, next_timeout, a cancel from another thread.
    let o = EventsOptions { follow: true, filters: vec!["event=create".into()], ..Default::default() };
    let mut f = rt.events(&o).unwrap();
    assert_eq!(f.next_timeout(Some(Duration::ZERO)).unwrap().unwrap().name.as_deref(), Some("rsev1"));
    assert!(f.next_timeout(Some(Duration::from_millis(30))).unwrap().is_none());
    assert!(f.fd().unwrap() >= 0);
    drop(rt.create_volume(&VolumeOptions::new().name("rsev2")).unwrap());
    let e = f.next_timeout(Some(Duration::from_secs(5))).unwrap().unwrap();
    assert_eq!((e.kind.as_str(), e.status.as_str(), e.name.as_deref()), ("volume", "create", Some("rsev2")));
    let c = f.canceller();
    let th = std::thread::spawn(move || f.next());
    std::thread::sleep(Duration::from_millis(50));
    c.cancel();
    let r = th.join().unwrap().unwrap();
    assert_eq!(r.err().unwrap().kind(), ErrorKind::Canceled);
    rt.remove_volume("rsev2", VolumeFlags::default()).unwrap();

    let mut seen = Vec::new();
    let stopped = rt
        .read_events(&EventsOptions::default(), |e| {
            seen.push(e.status.clone());
            seen.len() == 2
        })
        .unwrap();
    assert!(stopped);
    assert_eq!(seen, ["create", "remove"]);
}

#[test]
fn container_events() {
    let t = match TestRuntime::new("container-events") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(ContainerOptions::new().name("rsevc").command(["/bin/sh", "-c", "exit 5"]).label("app", "rs"));
    c.start().unwrap();
    assert_eq!(c.wait(SEC10).unwrap(), 5);
    let id = c.id().to_string();
    c.remove(RemoveFlags::NONE).unwrap();
    let o = EventsOptions { filters: vec!["container=rsevc".into()], ..Default::default() };
    let evs: Vec<Event> = t.rt().events(&o).unwrap().map(|e| e.unwrap()).collect();
    let st: Vec<&str> = evs.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(st, ["create", "init", "start", "died", "remove"]);
    assert_eq!(evs[3].exit_code, 5);
    assert_eq!(evs[3].id.as_deref(), Some(id.as_str()));
    assert_eq!(evs[3].attributes.get("app").map(String::as_str), Some("rs"));
}
