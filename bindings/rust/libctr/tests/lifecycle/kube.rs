// SPDX-License-Identifier: LGPL-2.1-or-later
//! Kubernetes YAML on real pods: play a Pod on the host's network (no CNI)
//! without starting it, its report (pod and container IDs, a warning for a
//! field libctr does not use), `generate_kube` of the pod and of its member,
//! `Pod::runtime`, a taken name and `replace`, malformed YAML, `kube_down`.
use super::*;

const POD_YAML: &str = "apiVersion: v1
kind: Pod
metadata:
  name: rskube
  labels:
    app: rskube
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - name: web
    image: busybox-test
    imagePullPolicy: Never
    command: [\"sleep\", \"100\"]
    env:
    - name: GREETING
      value: hello
    livenessProbe:
      exec:
        command: [\"true\"]
";

fn has_line(text: &str, line: &str) -> bool {
    text.lines().any(|l| l == line)
}

#[test]
fn kube_play_generate_down() {
    let t = match TestRuntime::new("kube") {
        Some(v) => v,
        None => return,
    };
    assert!(has_kube() && has_images(), "the library has no kube or image API");
    let rt = t.rt();
    t.busybox(ContainerOptions::new()); // loads busybox-test

    let rep = rt.kube_play(POD_YAML, &KubePlayOptions::new().start(false)).unwrap();
    assert_eq!((rep.pods.len(), rep.containers.len(), rep.volumes.len()), (1, 1, 0), "{:?}", rep);
    assert_eq!((rep.pods[0].len(), rep.containers[0].len()), (64, 64));
    assert!(rep.warnings.iter().any(|w| w.starts_with("spec.containers[0].livenessProbe")), "{:?}", rep.warnings);

    let pod = rt.pod("rskube").unwrap();
    assert_eq!(pod.id(), rep.pods[0]);
    assert_eq!(pod.containers().unwrap().last(), Some(&rep.containers[0]));
    assert_eq!(pod.status().unwrap(), "Created", "start(false): nothing runs");
    let owner = pod.runtime();
    assert_eq!(owner.root(), rt.root());
    drop(owner);

    let c = rt.lookup(&rep.containers[0]).unwrap();
    assert_eq!((c.name(), c.pod(), c.state().unwrap()), ("rskube-web", Some(pod.id()), State::Configured));
    let text = pod.generate_kube(false).unwrap();
    assert!(has_line(&text, "kind: Pod") && !has_line(&text, "kind: Service"), "{}", text);
    assert!(text.contains("name: web") && text.contains("name: rskube") && text.contains("GREETING"), "{}", text);
    assert_eq!(c.generate_kube(false).unwrap(), text, "a member's YAML is its pod's");
    drop(c);
    assert!(has_line(&pod.generate_kube(true).unwrap(), "kind: Service"));

    let err = rt.kube_play(POD_YAML, &KubePlayOptions::new().start(false)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists, "{}", err);
    let again = rt.kube_play(text.as_bytes(), &KubePlayOptions::new().start(false).replace(true)).unwrap();
    assert_eq!(again.pods.len(), 1);
    assert_ne!(again.pods[0], pod.id());
    drop(pod);

    let down = rt.kube_down(POD_YAML).unwrap();
    assert_eq!(down, KubeReport { pods: again.pods.clone(), ..Default::default() });
    assert_eq!(rt.pod("rskube").unwrap_err().kind(), ErrorKind::NotFound);
    assert_eq!(rt.kube_down(POD_YAML).unwrap(), KubeReport::default(), "nothing left: skipped");
}

#[test]
fn container_generate_kube() {
    let t = match TestRuntime::new("kube-solo") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(ContainerOptions::new().name("rssolo").command(["sleep", "1"]));
    let text = c.generate_kube(false).unwrap();
    assert!(
        has_line(&text, "kind: Pod") && text.contains("name: rssolo-pod") && text.contains("name: rssolo"),
        "{}",
        text
    );
    c.remove(RemoveFlags::NONE).unwrap();
}

#[test]
fn kube_errors() {
    let t = match TestRuntime::new("kube-errors") {
        Some(v) => v,
        None => return,
    };
    let rt = t.rt();
    for bad in ["kind: Pod\nmetadata: [unclosed\n", "a: b\n\t- c\n", ""] {
        let e = rt.kube_play(bad, &KubePlayOptions::new()).unwrap_err();
        assert_eq!(
            (e.kind(), e.errno(), e.op()),
            (ErrorKind::InvalidArgument, 22, "ctr_kube_play"),
            "{:?}: {}",
            bad,
            e
        );
        assert!(!e.message().is_empty());
    }
    let no_image = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n";
    let e = rt.kube_play(no_image, &KubePlayOptions::new()).unwrap_err();
    assert!(e.kind() == ErrorKind::InvalidArgument && e.message().contains("image"), "{}", e);
    assert_eq!(rt.kube_down("{").unwrap_err().kind(), ErrorKind::InvalidArgument);
    assert!(rt.pods().unwrap().is_empty());
}
