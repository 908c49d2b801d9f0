// SPDX-License-Identifier: LGPL-2.1-or-later
//! Pods on real containers: create with network mode none (no CNI), lookup
//! by name and ID prefix, list, the infra container, members made with
//! `ContainerOptions::pod`, start, pause, unpause, restart, stop, kill,
//! inspect, remove; and the errors of the fixed mapping.
use super::*;

fn status(p: &Pod) -> String {
    p.status().unwrap()
}

#[test]
fn pod_lifecycle() {
    let t = match TestRuntime::new("pod") {
        Some(v) => v,
        None => return,
    };
    assert!(has_pods(), "the library has no pod API");
    let rt = t.rt();
    let pod = rt.create_pod(&PodOptions::new().name("rspod").label("app", "web").network(PodNetwork::None)).unwrap();
    let id = pod.id().to_string();
    let infra_id = pod.infra_id().expect("an infra container").to_string();
    assert_eq!((pod.name(), id.len(), infra_id.len()), ("rspod", 64, 64));
    assert_eq!(pod.share(), PodShare::DEFAULT);
    assert_eq!(pod.share(), PodShare::IPC | PodShare::NET | PodShare::UTS);
    assert_eq!(pod.cgroup_path(), format!("/libctr_parent/{}", id));
    assert!(pod.created().is_some());
    assert_eq!(rt.pod("rspod").unwrap().id(), id);
    assert_eq!(rt.pod(&id[..12]).unwrap().name(), "rspod");
    let list = rt.pods().unwrap();
    assert_eq!(list.iter().map(|p| p.id()).collect::<Vec<_>>(), [id.as_str()]);
    drop(list);
    let infra = rt.lookup(&infra_id).unwrap();
    let doc = infra.inspect().unwrap();
    assert_eq!(doc["IsInfra"].as_bool(), Some(true));
    assert_eq!(doc["Pod"], id.as_str());
    drop(infra);
    assert_eq!(status(&pod), "Created");
    assert!(pod.stats(&[]).unwrap().is_empty(), "nothing runs: no sample");

    let m1 = t.create(ContainerOptions::new().name("rsmember").pod("rspod").command(["sleep", "100"]));
    assert_eq!(m1.pod(), Some(id.as_str()));
    assert_eq!(m1.inspect().unwrap()["Pod"], id.as_str());
    assert_eq!(pod.containers().unwrap(), [infra_id.clone(), m1.id().to_string()]);
    pod.start().unwrap();
    assert_eq!((status(&pod).as_str(), m1.state().unwrap()), ("Running", State::Running));
    let (header, rows) = pod.top(&["pid", "args"]).unwrap();
    assert_eq!(header, ["PID", "COMMAND"]);
    assert!(rows.iter().any(|r| r[1].contains("catatonit")) && rows.iter().any(|r| r[1].contains("sleep 100")));
    let first = pod.stats(&[]).unwrap();
    assert_eq!(first.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [infra_id.as_str(), m1.id()]);
    assert!(first.iter().all(|s| s.pids_current >= 1 && s.mem_usage > 0 && s.mem_limit > 0));
    let second = pod.stats(&first).unwrap();
    assert_eq!(second.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), [infra_id.as_str(), m1.id()]);
    assert!(second[0].timestamp_ns > first[0].timestamp_ns);
    pod.pause().unwrap();
    assert_eq!((status(&pod).as_str(), m1.state().unwrap()), ("Paused", State::Paused));
    pod.unpause().unwrap();
    assert_eq!((status(&pod).as_str(), m1.state().unwrap()), ("Running", State::Running));
    pod.restart().unwrap();
    assert_eq!((status(&pod).as_str(), m1.state().unwrap()), ("Running", State::Running));

    // A second member, by ID prefix: the pod's UTS namespace, so its name as host name.
    let m2 = t.create(ContainerOptions::new().name("rsmember2").pod(&id[..12]).command(["hostname"]));
    assert_eq!(m2.inspect().unwrap()["Pod"], id.as_str());
    m2.start().unwrap();
    assert_eq!(m2.wait(SEC10).unwrap(), 0);
    assert_eq!(text(&m2, &LogsOptions::new()), "rspod\n");
    assert_eq!(status(&pod), "Degraded");

    let doc = pod.inspect().unwrap();
    assert_eq!(doc["Id"], id.as_str());
    assert_eq!(doc["Name"], "rspod");
    assert_eq!(doc["Labels"]["app"], "web");
    assert_eq!(doc["InfraContainerID"], infra_id.as_str());
    assert_eq!(doc["NumContainers"].as_i64(), Some(3));
    let shared: Vec<&str> = doc["SharedNamespaces"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(shared, ["ipc", "net", "uts"]);

    pod.stop(Some(Duration::from_secs(2))).unwrap();
    assert_eq!((status(&pod).as_str(), m1.state().unwrap()), ("Exited", State::Exited));
    assert_eq!(pod.kill(9).unwrap_err().kind(), ErrorKind::WrongState);
    pod.remove(PodRemoveFlags::NONE).unwrap();
    assert_eq!(rt.pod("rspod").unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(pod.status().unwrap_err().kind(), ErrorKind::NotFound);
    for c in [infra_id.as_str(), m1.id(), m2.id()] {
        assert_eq!(rt.lookup(c).unwrap_err().kind(), ErrorKind::NotFound, "{}", c);
    }
    assert!(rt.pods().unwrap().is_empty());
}

#[test]
fn pod_kill_and_force_remove() {
    let t = match TestRuntime::new("pod-kill") {
        Some(v) => v,
        None => return,
    };
    let rt = t.rt();
    let pod = rt.create_pod(&PodOptions::new().name("rskill").network(PodNetwork::None)).unwrap();
    let m = t.create(ContainerOptions::new().name("rskillee").pod("rskill").command(["sleep", "100"]));
    pod.start().unwrap();
    assert_eq!(pod.remove(PodRemoveFlags::NONE).unwrap_err().kind(), ErrorKind::WrongState);
    assert_eq!(pod.containers().unwrap().len(), 2);
    pod.kill(9).unwrap();
    assert_eq!(m.wait(SEC10).unwrap(), 128 + 9);
    pod.start().unwrap();
    assert!(!pod.apply_exit_policy().unwrap()); // continue: nothing to do
    pod.remove(PodRemoveFlags::FORCE).unwrap();
    assert_eq!(rt.lookup(m.id()).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(pod.remove(PodRemoveFlags::NONE).unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(pod.apply_exit_policy().unwrap_err().kind(), ErrorKind::NotFound);
}

#[test]
fn pod_errors() {
    let t = match TestRuntime::new("pod-errors") {
        Some(v) => v,
        None => return,
    };
    let rt = t.rt();
    let none = || PodOptions::new().network(PodNetwork::None);
    let c = t.create(ContainerOptions::new().name("rstaken").command(["true"]));
    assert_eq!(rt.create_pod(&none().name("rstaken")).unwrap_err().kind(), ErrorKind::AlreadyExists);
    c.remove(RemoveFlags::NONE).unwrap();
    let dup = rt.create_pod(&none().name("rsdup")).unwrap();
    assert_eq!(rt.create_pod(&none().name("rsdup")).unwrap_err().kind(), ErrorKind::AlreadyExists);
    let e = rt.create(&t.busybox(ContainerOptions::new().name("rsdup").command(["true"]))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::AlreadyExists);
    let bad = rt.create_pod(&none().name("rsbad").share(PodShare::NONE | PodShare::NET)).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidArgument);
    let bad = rt.create_pod(&PodOptions::new().name("rsbad").no_infra().share(PodShare::NET)).unwrap_err();
    assert_eq!(bad.kind(), ErrorKind::InvalidArgument);
    assert_eq!(rt.create_pod(&none().name("bad/name")).unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(rt.pod("").unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert_eq!(rt.pod("nope").unwrap_err().kind(), ErrorKind::NotFound);
    let e = rt.create(&t.busybox(ContainerOptions::new().name("rsorphan").pod("nope").command(["true"]))).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    dup.remove(PodRemoveFlags::NONE).unwrap();

    let group = rt.create_pod(&PodOptions::new().name("rsgroup").no_infra().share(PodShare::NONE)).unwrap();
    assert_eq!((group.infra_id(), group.share()), (None, PodShare::NONE));
    assert!(group.containers().unwrap().is_empty());
    assert_eq!(status(&group), "Created");
    assert_eq!(group.inspect().unwrap()["CreateInfra"].as_bool(), Some(false));
    let other = rt.create_pod(&PodOptions::new().name("rsother").no_infra().share(PodShare::NONE).label("tier", "back")).unwrap();
    let names = |f: &[&str]| {
        let mut v: Vec<String> = rt.pods_filtered(f).unwrap().iter().map(|p| p.name().to_string()).collect();
        v.sort();
        v.join(" ")
    };
    assert_eq!(names(&["name=^rs(group|other)$"]), "rsgroup rsother");
    assert_eq!(names(&["label=tier=back"]), "rsother");
    assert_eq!(names(&["name=group$", "name=other$"]), "rsgroup rsother");
    assert_eq!(names(&["name=^rs", "label=tier=front"]), "");
    assert_eq!(names(&["ctr-number=0", "status=created"]), "rsgroup rsother");
    assert_eq!(rt.pods_filtered(&["bogus=1"]).unwrap_err().kind(), ErrorKind::InvalidArgument);
    other.remove(PodRemoveFlags::NONE).unwrap();
    group.remove(PodRemoveFlags::NONE).unwrap();
    assert!(rt.pods().unwrap().is_empty());
}
