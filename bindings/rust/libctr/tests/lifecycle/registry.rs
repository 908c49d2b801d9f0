// SPDX-License-Identifier: LGPL-2.1-or-later
//! Registries through the Rust bindings: pull with progress, pull policies,
//! login/logout and name resolution, against the real registries
//! bindings/run-tests.sh starts (docker-registry on 127.0.0.1).
use std::panic::AssertUnwindSafe;

use super::*;

struct Registries {
    image: String,
    auth: String,
    certs: String,
    user: String,
    password: String,
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_default()
}

/// The test registries, or None (skip) outside bindings/run-tests.sh; CI fails instead.
fn registries() -> Option<Registries> {
    let r = Registries {
        image: env("LIBCTR_TEST_REGISTRY_IMAGE"),
        auth: env("LIBCTR_TEST_AUTH_REGISTRY"),
        certs: env("LIBCTR_TEST_AUTH_CERTS"),
        user: env("LIBCTR_TEST_REG_USER"),
        password: env("LIBCTR_TEST_REG_PASSWORD"),
    };
    if r.image.is_empty() || r.auth.is_empty() {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("no test registries (run through bindings/run-tests.sh)");
        }
        eprintln!("skipping: no test registries");
        return None;
    }
    Some(r)
}

#[test]
fn resolve_names() {
    let dir = std::env::temp_dir().join(format!("libctr-rs-{}-regconf", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let conf = dir.join("registries.conf");
    std::fs::write(&conf, "unqualified-search-registries = [\"one.example\", \"two.example:5000\"]\n").unwrap();
    let o = RegistryOptions::new().registries_conf(conf.to_str().unwrap());
    assert_eq!(resolve_name("busybox", &o).unwrap(), ["one.example/busybox:latest", "two.example:5000/busybox:latest"]);
    assert_eq!(resolve_name("Not A Reference", &o).unwrap_err().kind(), ErrorKind::InvalidArgument);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pull_progress_and_run() {
    let (t, reg) = match (TestRuntime::new("pull"), registries()) {
        (Some(t), Some(r)) => (t, r),
        _ => return,
    };
    let rt = t.rt();
    let mut seen: Vec<TransferProgress> = Vec::new();
    let o = RegistryOptions::new().tls_verify(TlsVerify::NoVerify).progress(|p| {
        seen.push(p.clone());
        false
    });
    let img = rt.pull(&reg.image, &o).unwrap();
    drop(o);
    assert!(img.names().contains(&reg.image) && img.layer_count() == 1);
    assert_eq!(seen.first().unwrap().phase, TransferPhase::Resolving);
    let last = seen.last().unwrap();
    assert!(last.phase == TransferPhase::Done && last.total_done == last.total && last.n_blobs == 2);
    let done: Vec<&TransferProgress> = seen.iter().filter(|p| p.phase == TransferPhase::BlobDone).collect();
    assert_eq!(done.len(), 2);
    assert!(done.iter().all(|p| p.digest.as_deref().unwrap_or("").starts_with("sha256:") && p.done == p.size));
    let c = rt.create(&ContainerOptions::new().name("pulled").image(&reg.image).command(["echo", "pulled"])).unwrap();
    c.start().unwrap();
    assert_eq!(c.wait(SEC10).unwrap(), 0);
    assert_eq!(text(&c, &LogsOptions::new()), "pulled\n");
    c.remove(RemoveFlags::NONE).unwrap();
}

#[test]
fn pull_policies_cancel_and_errors() {
    let (t, reg) = match (TestRuntime::new("pullpol"), registries()) {
        (Some(t), Some(r)) => (t, r),
        _ => return,
    };
    let rt = t.rt();
    let none = RegistryOptions::new();
    assert_eq!(rt.pull_with_policy(&reg.image, PullPolicy::Never, &none).unwrap_err().kind(), ErrorKind::NotFound);
    let cancel =
        RegistryOptions::new().tls_verify(TlsVerify::NoVerify).progress(|p| p.phase == TransferPhase::BlobDone);
    assert_eq!(rt.pull(&reg.image, &cancel).unwrap_err().kind(), ErrorKind::Canceled);
    assert!(rt.images().unwrap().is_empty());
    let boom = RegistryOptions::new().tls_verify(TlsVerify::NoVerify).progress(|_| panic!("from the callback"));
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| rt.pull(&reg.image, &boom)));
    assert!(r.is_err(), "the callback's panic is resumed after the call");
    let plain = RegistryOptions::new().tls_verify(TlsVerify::NoVerify);
    let id = rt.pull_with_policy(&reg.image, PullPolicy::Missing, &plain).unwrap().id().to_string();
    assert_eq!(rt.pull_with_policy(&reg.image, PullPolicy::Missing, &none).unwrap().id(), id);
    let anon = RegistryOptions::new().cert_dir(&reg.certs);
    let e = rt.pull(&format!("{}/libctr/busybox:1", reg.auth), &anon).unwrap_err();
    assert!(e.kind() == ErrorKind::PermissionDenied && e.message().contains("401"), "{}", e);
}

#[test]
fn login_logout() {
    let (t, reg) = match (TestRuntime::new("login"), registries()) {
        (Some(t), Some(r)) => (t, r),
        _ => return,
    };
    let auth = t.root.join("auth.json");
    let o = RegistryOptions::new().auth_file(auth.to_str().unwrap()).cert_dir(&reg.certs);
    assert_eq!(login(&reg.auth, &reg.user, "wrong", &o).unwrap_err().kind(), ErrorKind::PermissionDenied);
    login(&reg.auth, &reg.user, &reg.password, &o).unwrap();
    assert_eq!(login_user(&reg.auth, &o).unwrap().as_deref(), Some(reg.user.as_str()));
    let doc = json::Value::parse(&std::fs::read_to_string(&auth).unwrap()).unwrap();
    assert!(!doc["auths"][reg.auth.as_str()].is_null());
    assert!(has_push() && has_registries());
    let rt = t.rt();
    let src = rt.pull(&reg.image, &RegistryOptions::new().tls_verify(TlsVerify::NoVerify)).unwrap();
    let dest = format!("{}/libctr/pushed:rs", reg.auth);
    let mut phases = Vec::new();
    let po = RegistryOptions::new().auth_file(auth.to_str().unwrap()).cert_dir(&reg.certs).progress(|p| {
        phases.push(p.phase);
        false
    });
    let digest = src.push(&dest, &po).unwrap();
    drop(po);
    assert_eq!(phases.first(), Some(&TransferPhase::Resolving));
    assert_eq!(phases.last(), Some(&TransferPhase::Done));
    let img = rt.pull(&dest, &o).unwrap();
    assert_eq!(img.digest(), Some(digest.as_str()));
    logout(Some(&reg.auth), &o).unwrap();
    assert_eq!(login_user(&reg.auth, &o).unwrap(), None);
    assert_eq!(logout(Some(&reg.auth), &o).unwrap_err().kind(), ErrorKind::NotFound);
}
