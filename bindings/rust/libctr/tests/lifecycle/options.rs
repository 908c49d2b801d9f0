// SPDX-License-Identifier: LGPL-2.1-or-later
//! Version 3 of the container options through the Rust bindings: a bind
//! mount, a memory limit in the container's cgroup, and every option reaching
//! the library (inspect's podman-shaped keys, the OCI spec that init writes).
use std::os::unix::fs::{FileTypeExt, MetadataExt};

use std::panic::AssertUnwindSafe;

use super::*;

const MIB: i64 = 1 << 20;

fn j(text: &str) -> json::Value {
    json::Value::parse(text).unwrap_or_else(|e| panic!("bad expectation {}: {:?}", text, e))
}

fn has(list: &json::Value, want: &str) -> bool {
    let w = j(want);
    list.as_array().map_or(false, |a| a.contains(&w))
}

fn strings(v: &json::Value) -> Vec<String> {
    v.as_array().map_or_else(Vec::new, |a| a.iter().filter_map(|s| s.as_str().map(String::from)).collect())
}

/// The cgroup file of process pid: in the v1 hierarchy of controller, else in the v2 one.
fn cgroup_file(pid: i32, controller: &str, v1_file: &str, v2_file: &str) -> PathBuf {
    let cgroups = std::fs::read_to_string(format!("/proc/{}/cgroup", pid)).unwrap();
    let info = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let mounts: Vec<(String, String, String)> = info
        .lines()
        .filter_map(|l| {
            let (left, right) = l.split_once(" - ")?;
            let (l, r): (Vec<&str>, Vec<&str>) = (left.split(' ').collect(), right.split(' ').collect());
            Some((l[4].to_string(), r[0].to_string(), r.get(2).unwrap_or(&"").to_string()))
        })
        .collect();
    for line in cgroups.lines() {
        let f: Vec<&str> = line.splitn(3, ':').collect();
        if f[1].split(',').any(|c| c == controller) {
            for (point, fstype, opts) in &mounts {
                if fstype == "cgroup" && opts.split(',').any(|o| o == controller) {
                    return PathBuf::from(format!("{}{}", point, f[2])).join(v1_file);
                }
            }
        }
    }
    for line in cgroups.lines() {
        if let Some(path) = line.strip_prefix("0::") {
            for (point, fstype, _) in &mounts {
                if fstype == "cgroup2" {
                    return PathBuf::from(format!("{}{}", point, path)).join(v2_file);
                }
            }
        }
    }
    panic!("no {} cgroup for pid {}: {}", controller, pid, cgroups);
}

/// A block device node of this machine (/dev/vda...) and its major and minor, for the throttles.
fn block_device() -> (String, u64, u64) {
    let mut names: Vec<String> = std::fs::read_dir("/sys/block")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| !n.starts_with("loop") && !n.starts_with("ram"))
        .collect();
    names.sort();
    for n in names {
        let path = format!("/dev/{}", n);
        if let Ok(md) = std::fs::metadata(&path) {
            if md.file_type().is_block_device() {
                let d = md.rdev();
                return (path, (d >> 8) & 0xfff | (d >> 32) & !0xfff, d & 0xff | (d >> 12) & !0xff);
            }
        }
    }
    panic!("no block device on this machine for the device throttles");
}

fn run_to_end(c: &Container) -> (i32, String) {
    c.start().unwrap();
    let code = c.wait(SEC10).unwrap();
    (code, text(c, &LogsOptions::new()))
}

#[test]
fn mount_values() {
    let m = Mount::bind("/src", "/data").option("ro").options(["rprivate"]);
    assert_eq!(
        (m.kind.as_str(), m.source.as_deref(), m.destination.as_str()),
        ("bind", Some("/src".as_ref()), "/data")
    );
    assert_eq!(m.options, ["ro", "rprivate"]);
    assert_eq!(Mount::bind("/s", "/d").read_only().options, ["ro"]);
    let t = Mount::tmpfs("/scratch").option("size=10m");
    assert_eq!((t.kind.as_str(), t.source.is_none()), ("tmpfs", true));
    assert_eq!(Mount::volume(Some("vol"), "/v").source.as_deref(), Some("vol".as_ref()));
    assert_eq!(Mount::volume(None, "/v").kind, "volume");
}

#[test]
fn flags_from_builders() {
    let t = match TestRuntime::new("v3flags") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(
        ContainerOptions::new()
            .name("flagged")
            .init(true)
            .oom_kill_disable(true)
            .no_new_privileges(true)
            .flags(CreateFlags::READ_ONLY)
            .read_only_tmpfs(false)
            .oom_score_adj(0),
    );
    let want = CreateFlags::INIT
        | CreateFlags::OOM_KILL_DISABLE
        | CreateFlags::NO_NEW_PRIVS
        | CreateFlags::READ_ONLY
        | CreateFlags::NO_READ_ONLY_TMPFS
        | CreateFlags::OOM_SCORE_ADJ;
    assert_eq!(c.flags(), want);
    c.remove(RemoveFlags::NONE).unwrap();
}

/// A file written on the host is read inside; with ro a write inside fails,
/// with rw it lands on the host.
#[test]
fn bind_mount() {
    let t = match TestRuntime::new("bind") {
        Some(v) => v,
        None => return,
    };
    let src = t.root.join("shared");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("hello.txt"), "from the host\n").unwrap();
    let script = sh("cat /data/hello.txt; echo inside > /data/new.txt && echo wrote");
    let c = t.create(
        ContainerOptions::new().name("bind-ro").command(script.clone()).mount(Mount::bind(&src, "/data").read_only()),
    );
    assert_eq!(c.mounts(), ["/data"]);
    let (code, log) = run_to_end(&c);
    assert!(log.starts_with("from the host\n") && !log.contains("wrote") && code != 0, "ro: {} {:?}", code, log);
    assert!(!src.join("new.txt").exists(), "a write through a ro bind mount reached the host");
    let info = c.inspect().unwrap();
    assert_eq!(strings(&info["HostConfig"]["Binds"]), [format!("{}:/data:ro,rprivate,rbind", src.display())]);
    let m = &info["Mounts"][0];
    assert_eq!((m["Type"].as_str(), m["Source"].as_str()), (Some("bind"), src.to_str()));
    assert_eq!((m["Destination"].as_str(), m["RW"].as_bool()), (Some("/data"), Some(false)));
    assert_eq!(info["Mounts"].as_array().map(Vec::len), Some(1));
    c.remove(RemoveFlags::FORCE).unwrap();

    let c = t.create(ContainerOptions::new().name("bind-rw").command(script).mount(Mount::bind(&src, "/data")));
    assert_eq!(run_to_end(&c), (0, "from the host\nwrote\n".to_string()));
    assert_eq!(std::fs::read_to_string(src.join("new.txt")).unwrap(), "inside\n");
    c.remove(RemoveFlags::FORCE).unwrap();
}

#[test]
fn bad_mount_leaves_nothing() {
    let t = match TestRuntime::new("badbind") {
        Some(v) => v,
        None => return,
    };
    let missing = t.root.join("missing");
    let r = t.rt().create(&t.busybox(ContainerOptions::new().name("badbind").mount(Mount::bind(&missing, "/data"))));
    match r {
        Ok(c) => {
            let _ = c.remove(RemoveFlags::FORCE);
            panic!("a bind mount of a missing source was accepted");
        }
        Err(e) => assert!(e.message().contains("missing"), "{}", e),
    }
    assert!(t.rt().containers().unwrap().is_empty());
}

/// The limit is in inspect and in the container's memory cgroup.
#[test]
fn memory_limit() {
    let t = match TestRuntime::new("memory") {
        Some(v) => v,
        None => return,
    };
    let c = t.create(ContainerOptions::new().name("memlimit").command(sh("exec sleep 100")).memory(64 * MIB));
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
        assert_eq!(c.inspect().unwrap()["HostConfig"]["Memory"].as_i64(), Some(64 * MIB));
        c.start().unwrap();
        let path = cgroup_file(c.pid().unwrap(), "memory", "memory.limit_in_bytes", "memory.max");
        assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), (64 * MIB).to_string(), "{}", path.display());
    }));
    c.remove(RemoveFlags::FORCE).unwrap();
    if let Err(e) = r {
        std::panic::resume_unwind(e);
    }
}

/// Many options at once: inspect shows them under podman's keys, and the
/// spec written by init carries them (the values are podman 4.3's for the
/// same flags).
#[test]
fn options_reach_the_library() {
    let t = match TestRuntime::new("many") {
        Some(v) => v,
        None => return,
    };
    let src = t.root.join("data");
    std::fs::create_dir_all(&src).unwrap();
    let (dev, major, minor) = block_device();
    let argv = ["prog", "create", "--many"];
    let c = t.create(
        ContainerOptions::new()
            .name("many")
            .entrypoint(["/bin/sh"])
            .command(["-c", "sleep 1"])
            .mount(Mount::bind(&src, "/data").read_only())
            .mount(Mount::tmpfs("/scratch").option("size=10m"))
            .memory(64 * MIB)
            .memory_swap(128 * MIB)
            .memory_reservation(32 * MIB)
            .cpus(0.5)
            .cpu_shares(512)
            .cpuset_cpus("0")
            .pids_limit(100)
            .device_read_bps(&dev, 1 << 20)
            .device_write_iops(&dev, 30)
            .oom_score_adj(100)
            .ulimit("nofile", 100, 200)
            .cap_add(["NET_ADMIN"])
            .cap_drop(["CHOWN"])
            .no_new_privileges(true)
            .seccomp_profile("unconfined")
            .mask_paths(["/mask/me"])
            .group_add(["10"])
            .sysctl("kernel.shm_rmid_forced", "1")
            .device("/dev/zero:/dev/myzero:rw")
            .device_cgroup_rule("c 1:3 rwm")
            .init(true)
            .umask(0o077)
            .timezone("UTC")
            .annotation("a.b", "c")
            .domainname("example.org")
            .create_command(argv)
            .restart_policy("on-failure")
            .restart_retries(3)
            .health_shell("true")
            .health_interval(Duration::from_secs(10))
            .health_timeout(Duration::from_secs(3))
            .health_start_period(Duration::from_secs(5))
            .health_retries(5),
    );
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
        assert_eq!(c.mounts(), ["/data", "/scratch"]);
        check_inspect(&c.inspect().unwrap(), &src, &dev, &argv);
        c.init().unwrap();
        let path = c.inspect().unwrap()["OCIConfigPath"].as_str().unwrap().to_string();
        check_spec(&j(&std::fs::read_to_string(path).unwrap()), &src, major, minor);
    }));
    c.remove(RemoveFlags::FORCE).unwrap();
    if let Err(e) = r {
        std::panic::resume_unwind(e);
    }
}

fn check_inspect(info: &json::Value, src: &Path, dev: &str, argv: &[&str]) {
    let (h, cfg) = (&info["HostConfig"], &info["Config"]);
    let binds = format!(r#"["{}:/data:ro,rprivate,rbind"]"#, src.display());
    let read_bps = format!(r#"[{{"Path": "{}", "Rate": 1048576}}]"#, dev);
    let write_iops = format!(r#"[{{"Path": "{}", "Rate": 30}}]"#, dev);
    for (key, want) in [
        ("Memory", "67108864"),
        ("MemorySwap", "134217728"),
        ("MemoryReservation", "33554432"),
        ("NanoCpus", "500000000"),
        ("CpuShares", "512"),
        ("CpuQuota", "50000"),
        ("CpuPeriod", "100000"),
        ("CpusetCpus", r#""0""#),
        ("PidsLimit", "100"),
        ("OomScoreAdj", "100"),
        ("BlkioDeviceReadBps", read_bps.as_str()),
        ("BlkioDeviceWriteIOps", write_iops.as_str()),
        ("CapAdd", r#"["CAP_NET_ADMIN"]"#),
        ("RestartPolicy", r#"{"Name": "on-failure", "MaximumRetryCount": 3}"#),
        ("Init", "true"),
        ("GroupAdd", r#"["10"]"#),
        ("Binds", binds.as_str()),
    ] {
        assert_eq!(h[key], j(want), "HostConfig.{}", key);
    }
    assert!(has(&h["Ulimits"], r#"{"Name": "RLIMIT_NOFILE", "Soft": 100, "Hard": 200}"#), "{:?}", h["Ulimits"]);
    assert!(has(&h["CapDrop"], r#""CAP_CHOWN""#), "CapDrop {:?}", h["CapDrop"]);
    assert!(has(&h["SecurityOpt"], r#""no-new-privileges""#) && has(&h["SecurityOpt"], r#""seccomp=unconfined""#));
    let devices: Vec<(Option<&str>, Option<&str>)> = h["Devices"]
        .as_array()
        .map(|a| a.iter().map(|d| (d["PathOnHost"].as_str(), d["PathInContainer"].as_str())).collect())
        .unwrap_or_default();
    assert_eq!(devices, [(Some("/dev/zero"), Some("/dev/myzero"))]);
    let tmpfs: Vec<&String> = h["Tmpfs"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
    assert_eq!(tmpfs, ["/scratch"]);
    let create_command = format!("[{}]", argv.iter().map(|a| format!("{:?}", a)).collect::<Vec<_>>().join(","));
    for (key, want) in [
        ("Entrypoint", r#""/bin/sh""#),
        ("Cmd", r#"["-c", "sleep 1"]"#),
        ("Umask", r#""0077""#),
        ("Timezone", r#""UTC""#),
        ("Domainname", r#""example.org""#),
        ("CreateCommand", create_command.as_str()),
        (
            "Healthcheck",
            r#"{"Test": ["CMD-SHELL", "true"], "Interval": 10000000000, "Timeout": 3000000000,
                "StartPeriod": 5000000000, "Retries": 5}"#,
        ),
    ] {
        assert_eq!(cfg[key], j(want), "Config.{}", key);
    }
    assert_eq!(cfg["Annotations"]["a.b"], "c");
    let dests: Vec<Option<&str>> =
        info["Mounts"].as_array().map(|a| a.iter().map(|m| m["Destination"].as_str()).collect()).unwrap_or_default();
    assert_eq!(dests, [Some("/data")]);
}

fn check_spec(spec: &json::Value, src: &Path, major: u64, minor: u64) {
    let (process, linux) = (&spec["process"], &spec["linux"]);
    let res = &linux["resources"];
    assert_eq!(process["args"], j(r#"["/run/podman-init", "--", "/bin/sh", "-c", "sleep 1"]"#));
    let mem = &res["memory"];
    assert_eq!((&mem["limit"], &mem["swap"], &mem["reservation"]), (&j("67108864"), &j("134217728"), &j("33554432")));
    let cpu = &res["cpu"];
    assert_eq!((&cpu["quota"], &cpu["period"], &cpu["shares"]), (&j("50000"), &j("100000"), &j("512")));
    assert_eq!(cpu["cpus"], "0");
    assert_eq!(res["pids"]["limit"].as_i64(), Some(100));
    let throttle = |rate: u64| j(&format!(r#"[{{"major": {}, "minor": {}, "rate": {}}}]"#, major, minor, rate));
    assert_eq!(res["blockIO"]["throttleReadBpsDevice"], throttle(1 << 20));
    assert_eq!(res["blockIO"]["throttleWriteIOPSDevice"], throttle(30));
    assert!(has(&res["devices"], r#"{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}"#));
    assert!(has(&process["rlimits"], r#"{"type": "RLIMIT_NOFILE", "hard": 200, "soft": 100}"#));
    assert_eq!((process["oomScoreAdj"].as_i64(), process["noNewPrivileges"].as_bool()), (Some(100), Some(true)));
    let caps = strings(&process["capabilities"]["bounding"]);
    assert!(caps.iter().any(|c| c == "CAP_NET_ADMIN") && !caps.iter().any(|c| c == "CAP_CHOWN"), "{:?}", caps);
    assert!(has(&process["user"]["additionalGids"], "10"));
    assert_eq!(process["user"]["umask"].as_i64(), Some(0o077));
    assert!(linux.get("seccomp").is_none(), "seccomp unconfined, but linux.seccomp is there");
    assert!(strings(&linux["maskedPaths"]).iter().any(|p| p == "/mask/me"));
    assert_eq!(linux["sysctl"]["kernel.shm_rmid_forced"], "1");
    let devs = linux["devices"].as_array().cloned().unwrap_or_default();
    assert!(devs.iter().any(|d| d["path"] == "/dev/myzero"), "{:?}", linux["devices"]);
    assert_eq!((&spec["domainname"], &spec["annotations"]["a.b"]), (&j(r#""example.org""#), &j(r#""c""#)));
    let mounts = spec["mounts"].as_array().cloned().unwrap_or_default();
    let find = |dest: &str| mounts.iter().find(|m| m["destination"] == dest).cloned().unwrap_or(json::Value::Null);
    let data = find("/data");
    assert!(
        data["source"].as_str() == src.to_str() && strings(&data["options"]).iter().any(|o| o == "ro"),
        "{:?}",
        data
    );
    let scratch = find("/scratch");
    assert!(
        scratch["type"] == "tmpfs" && strings(&scratch["options"]).iter().any(|o| o == "size=10m"),
        "{:?}",
        scratch
    );
    // podman names /usr/libexec/podman/catatonit, a link to Debian's /usr/bin/catatonit.
    let init = find("/run/podman-init");
    let real = init["source"].as_str().and_then(|s| std::fs::canonicalize(s).ok());
    assert_eq!(real, std::fs::canonicalize("/usr/bin/catatonit").ok(), "{:?}", init);
}

/// The config document without what differs between two containers of the
/// same options: ID, name, times, paths, anonymous volumes' names.
fn comparable_config(c: &Container) -> json::Value {
    let mut d = match j(&c.config_json().unwrap()) {
        json::Value::Object(m) => m,
        other => panic!("config is not an object: {:?}", other),
    };
    for k in ["id", "name", "createdTime", "staticDir", "shmDir", "logPath"] {
        d.remove(k);
    }
    if let Some(json::Value::Array(mounts)) = d.get_mut("mounts") {
        for m in mounts.iter_mut() {
            if let json::Value::Object(m) = m {
                if m.get("anonymous") == Some(&json::Value::Bool(true)) {
                    m.remove("source");
                }
            }
        }
    }
    json::Value::Object(d)
}

/// A bind mount, a memory limit and a capability come back from
/// `options()`, and a container made from them has the same config and runs
/// with them.
#[test]
fn options_round_trip() {
    let t = match TestRuntime::new("v3roundtrip") {
        Some(v) => v,
        None => return,
    };
    let src = t.root.join("shared");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::write(src.join("hello.txt"), "from the host\n").unwrap();
    let c = t.create(
        ContainerOptions::new()
            .name("orig")
            .command(sh("cat /data/hello.txt; grep CapBnd /proc/self/status"))
            .mount(Mount::bind(&src, "/data").read_only())
            .memory(64 * MIB)
            .cap_add(["net_admin"])
            .label("k", "v")
            .init(true)
            .oom_score_adj(10),
    );
    let o = c.options().unwrap();
    assert_eq!(o.get_name(), Some(&b"orig"[..]));
    let m = &o.get_mounts()[0];
    assert_eq!(
        (m.kind.as_str(), m.source.as_deref(), m.destination.as_str()),
        ("bind", Some(src.as_os_str()), "/data")
    );
    assert_eq!(m.options[0], "ro");
    assert!(m.options.iter().any(|o| o == "rbind"), "{:?}", m.options);
    assert_eq!(o.get_mounts().len(), 1);
    assert_eq!(o.get_memory(), 64 * MIB);
    assert_eq!(o.get_cap_add(), Some(&["CAP_NET_ADMIN".to_string()][..]));
    assert_eq!(o.get_labels(), Some(&["k=v".to_string()][..]));
    assert_eq!((o.get_init(), o.get_oom_score_adj()), (true, Some(10)));
    assert!(!o.get_flags().contains(CreateFlags::INIT) && !o.get_flags().contains(CreateFlags::OOM_SCORE_ADJ));
    assert_eq!((o.get_entrypoint(), o.get_stop_timeout()), (None, Some(10)));

    let copy = o.clone().name("copy");
    let c2 = t.rt().create(&copy).unwrap();
    assert_eq!(comparable_config(&c2), comparable_config(&c));
    assert_eq!(c2.options().unwrap(), copy);
    let (code, log) = run_to_end(&c2);
    assert!(code == 0 && log.starts_with("from the host\n"), "copy: {} {:?}", code, log);
    let bnd = log.split("CapBnd:").nth(1).and_then(|s| s.split_whitespace().next()).unwrap();
    assert!(u64::from_str_radix(bnd, 16).unwrap() & (1 << 12) != 0, "no CAP_NET_ADMIN: {:?}", log);
    assert_eq!(c2.inspect().unwrap()["HostConfig"]["Memory"].as_i64(), Some(64 * MIB));
    c2.remove(RemoveFlags::FORCE).unwrap();
    c.remove(RemoveFlags::FORCE).unwrap();
}
