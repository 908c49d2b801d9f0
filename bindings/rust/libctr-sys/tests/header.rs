// SPDX-License-Identifier: LGPL-2.1-or-later
//! The hand-written declarations match the C headers: a C file generated
//! from `src/lib.rs` is compiled with -Werror against `include/libctr/`:
//! - each `extern` function assigned to a pointer of the type its Rust
//!   declaration spells (an incompatible pointer type fails);
//! - each `optional` function declared identically to its `extern` one;
//! - each constant's value, each type alias's size and signedness;
//! - each `#[repr(C)]` struct's size and field offsets (from Rust, via
//!   `layouts()` below) and the C struct's member list.
use std::collections::BTreeMap;
use std::mem::{size_of, MaybeUninit};
use std::path::PathBuf;
use std::process::Command;

use libctr_sys::*;

fn source() -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs");
    std::fs::read_to_string(p).unwrap()
}

fn include_dir() -> PathBuf {
    std::env::var_os("LIBCTR_INCLUDE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../include"))
}

/// Strip comments and join a declaration onto one line.
fn squash(s: &str) -> String {
    s.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `pub fn NAME(ARGS) -> RET;` items of a block of Rust source.
fn functions(block: &str) -> Vec<(String, Vec<String>, String)> {
    let mut out = Vec::new();
    for item in squash(block).split(';') {
        let rest = match item.find("pub fn ") {
            Some(i) => &item[i + 7..],
            None => continue,
        };
        let open = rest.find('(').unwrap();
        let name = rest[..open].trim().to_string();
        // matching close paren
        let mut depth = 0;
        let mut close = open;
        for (i, ch) in rest.char_indices().skip(open) {
            if ch == '(' {
                depth += 1;
            } else if ch == ')' {
                depth -= 1;
                if depth == 0 {
                    close = i;
                    break;
                }
            }
        }
        let args = split_top(&rest[open + 1..close]);
        let ret = rest[close + 1..].trim().strip_prefix("->").map(|r| r.trim().to_string()).unwrap_or_default();
        out.push((name, args, ret));
    }
    out
}

fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut cur) = (0, String::new());
    let mut prev = ' ';
    for ch in s.chars() {
        let arrow = ch == '>' && prev == '-';
        prev = ch;
        match ch {
            '(' | '<' | '[' => depth += 1,
            '>' if arrow => {}
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// A Rust FFI type as C.
fn c_type(t: &str) -> String {
    let t = t.trim();
    let mut levels = Vec::new(); // pointee constness, outer to inner
    let mut rest = t;
    loop {
        if let Some(r) = rest.strip_prefix("*const ") {
            levels.push(true);
            rest = r;
        } else if let Some(r) = rest.strip_prefix("*mut ") {
            levels.push(false);
            rest = r;
        } else {
            break;
        }
    }
    let base = match rest.trim() {
        "c_int" => "int",
        "c_uint" => "unsigned int",
        "c_char" => "char",
        "c_void" | "()" | "" => "void",
        "u64" => "uint64_t",
        "i64" => "int64_t",
        "u32" => "uint32_t",
        "u16" => "uint16_t",
        "usize" => "size_t",
        "OciCtr" => "const ctr_oci_container_t *",
        other => other,
    }
    .to_string();
    if levels.is_empty() {
        return base;
    }
    let n = levels.len();
    let mut s = if levels[n - 1] { format!("const {}", base) } else { base };
    for i in (0..n).rev() {
        s.push_str(" *");
        if i > 0 && levels[i - 1] {
            s.push_str("const");
        }
    }
    s
}

fn c_params(args: &[String]) -> String {
    if args.is_empty() {
        return "void".into();
    }
    args.iter()
        .map(|a| if a == "..." { "...".to_string() } else { c_type(a.split_once(':').unwrap().1) })
        .collect::<Vec<_>>()
        .join(", ")
}

macro_rules! layout {
    ($map:ident, $t:ident { $($f:ident),* $(,)? }) => {{
        $map.insert(stringify!($t).to_string(), size_of::<$t>());
        let u = MaybeUninit::<$t>::uninit();
        let base = u.as_ptr();
        $(
            let off = unsafe { std::ptr::addr_of!((*base).$f) as usize - base as usize };
            // A field named after a Rust keyword is spelt r#NAME.
            $map.insert(format!("{}.{}", stringify!($t), stringify!($f).trim_start_matches("r#")), off);
        )*
    }};
}

/// Sizes and offsets as Rust lays the structs out.
fn layouts() -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    layout!(m, ctr_error_t { code, message });
    layout!(m, ctr_change_t { path, kind });
    layout!(m, ctr_transfer_progress_t { phase, reference, digest, index, n_blobs, done, size, total_done, total });
    layout!(
        m,
        ctr_registry_options_t {
            version,
            auth_file,
            username,
            password,
            registries_conf,
            certs_dir,
            tls_verify,
            platform,
            pull_policy,
            max_connections,
            progress,
            progress_userdata,
            cancel,
            flags
        }
    );
    layout!(
        m,
        ctr_runtime_options_t {
            version,
            root,
            run_root,
            state_backend,
            oci_runtime,
            conmon_path,
            storage_driver,
            cni_config_dir,
            cni_plugin_dir,
            lock_dir,
            log_fn,
            log_userdata,
            log_level,
            flags,
            default_network,
            default_bridge,
            default_subnet,
            log_size_max
        }
    );
    layout!(m, ctr_port_mapping_t { host_ip, host_port, container_port, protocol });
    layout!(m, ctr_mount_t { r#type, source, destination, options });
    layout!(m, ctr_ulimit_t { name, soft, hard });
    layout!(m, ctr_throttle_device_t { path, rate });
    layout!(m, ctr_weight_device_t { path, weight });
    layout!(
        m,
        ctr_container_options_t {
            version,
            name,
            spec_json,
            rootfs,
            image,
            command,
            env,
            workdir,
            user,
            hostname,
            pod,
            flags,
            shm_size,
            ns_ctr,
            port_mappings,
            n_port_mappings,
            dns_servers,
            dns_search,
            dns_options,
            hosts_add,
            labels,
            stop_signal,
            stop_timeout,
            cgroup_parent,
            log_path,
            process_label,
            mount_label,
            networks,
            netns_path,
            log_size_max,
            mounts,
            n_mounts,
            memory,
            memory_swap,
            memory_reservation,
            nano_cpus,
            cpu_shares,
            cpu_period,
            cpu_quota,
            cpuset_cpus,
            cpuset_mems,
            pids_limit,
            blkio_weight,
            blkio_weight_devices,
            n_blkio_weight_devices,
            device_read_bps,
            n_device_read_bps,
            device_write_bps,
            n_device_write_bps,
            device_read_iops,
            n_device_read_iops,
            device_write_iops,
            n_device_write_iops,
            oom_score_adj,
            ulimits,
            n_ulimits,
            cap_add,
            cap_drop,
            seccomp_profile,
            apparmor_profile,
            mask_paths,
            unmask_paths,
            group_add,
            sysctls,
            devices,
            device_cgroup_rules,
            entrypoint,
            init_path,
            umask,
            timezone,
            annotations,
            domainname,
            restart_policy,
            restart_retries,
            health_cmd,
            health_interval,
            health_timeout,
            health_start_period,
            health_retries,
            create_command,
            health_on_failure
        }
    );
    layout!(
        m,
        ctr_exec_options_t { version, argv, env, user, workdir, flags, stdin_fd, stdout_fd, stderr_fd, detach_keys }
    );
    layout!(m, ctr_top_t { n_columns, header, n_rows, rows });
    layout!(
        m,
        ctr_stats_t {
            version,
            id,
            name,
            cgroup_version,
            timestamp_ns,
            started_ns,
            cpu_ns,
            cpu_user_ns,
            cpu_system_ns,
            percpu_ns,
            n_percpu,
            system_cpu_ns,
            online_cpus,
            cpu_percent,
            avg_cpu_percent,
            mem_usage,
            mem_limit,
            mem_cache,
            mem_rss,
            mem_percent,
            pids_current,
            pids_limit,
            block_read,
            block_write,
            has_net,
            net_rx_bytes,
            net_rx_packets,
            net_tx_bytes,
            net_tx_packets
        }
    );
    layout!(m, ctr_stats_options_t { version, interval_ms, cancel_fd });
    layout!(m, ctr_event_t { version, r#type, status, id, name, image, time_ns, exit_code, json });
    layout!(m, ctr_events_options_t { version, flags, since_ns, until_ns, filters, cancel_fd });
    layout!(m, ctr_checkpoint_options_t { version, export_path, flags });
    layout!(m, ctr_restore_options_t { version, import_path, name, flags });
    layout!(m, ctr_attach_options_t { version, stdin_fd, stdout_fd, stderr_fd, detach_keys, flags, cancel });
    layout!(m, ctr_logs_options_t { version, flags, since, until, tail, cancel });
    layout!(m, ctr_import_options_t { version, reference, name, changes, progress, progress_userdata, cancel, flags });
    layout!(m, ctr_save_options_t { version, name, progress, progress_userdata, cancel, flags });
    layout!(
        m,
        ctr_commit_options_t { version, name, changes, author, message, flags, progress, progress_userdata, cancel }
    );
    layout!(m, ctr_network_options_t { version, name, driver, bridge, subnet, gateway, labels, flags });
    layout!(m, ctr_volume_options_t { version, name, driver, labels, options, flags });
    layout!(
        m,
        ctr_pod_options_t {
            version,
            name,
            labels,
            share,
            exit_policy,
            network_mode,
            cgroup_parent,
            hostname,
            dns_servers,
            dns_search,
            dns_options,
            hosts_add,
            port_mappings,
            n_port_mappings,
            networks,
            infra_image,
            flags,
            memory,
            memory_swap,
            nano_cpus,
            cpuset_cpus,
            cpuset_mems
        }
    );
    layout!(m, ctr_kube_play_options_t { version, flags, networks, configmaps });
    layout!(
        m,
        ctr_state_backend_t {
            version,
            name,
            userdata,
            open,
            close,
            add,
            remove,
            save_state,
            get,
            lookup_name,
            iterate,
            free,
            obj_add,
            obj_save,
            obj_get,
            obj_remove,
            obj_iterate,
            rename,
            save_state_flags
        }
    );
    layout!(m, ctr_state_backend_factory_t { version, name, create, userdata });
    layout!(m, ctr_oci_options_t { version, runtime_name, runtime_path, conmon_path, state_dir });
    layout!(m, ctr_oci_container_t { version, id, bundle_dir, run_dir, exit_dir, pid, monitor_pid });
    layout!(m, ctr_oci_create_options_t { version, name, log_path, flags, exit_command, log_size_max });
    layout!(m, ctr_oci_exit_t { exit_code, oom_killed, finished });
    layout!(
        m,
        ctr_oci_attach_options_t {
            version,
            stdin_fd,
            stdout_fd,
            stderr_fd,
            detach_keys,
            flags,
            attached,
            attached_userdata,
            cancel
        }
    );
    layout!(
        m,
        ctr_oci_exec_options_t { version, process_json, stdin_fd, stdout_fd, stderr_fd, detach_keys, flags, timeout }
    );
    layout!(
        m,
        ctr_oci_backend_t {
            version,
            name,
            userdata,
            open,
            close,
            capabilities,
            create,
            start,
            kill,
            remove,
            pause,
            resume,
            state,
            update,
            exec,
            attach,
            resize,
            reopen_log,
            exit_status,
            wait_exit,
            exit_fd,
            checkpoint,
            restore
        }
    );
    layout!(m, ctr_oci_checkpoint_options_t { version, image_dir, work_dir, flags });
    m
}

/// `#[repr(C)] pub struct NAME { fields }` in the source, with field names.
fn rust_structs(src: &str) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let s = squash(src);
    for part in s.split("#[repr(C)] pub struct ").skip(1) {
        let name = part.split_whitespace().next().unwrap().to_string();
        if name == "$name" {
            continue;
        }
        let body = &part[part.find('{').unwrap() + 1..];
        let mut depth = 0;
        let mut end = body.len();
        let mut prev = ' ';
        for (i, ch) in body.char_indices() {
            let arrow = ch == '>' && prev == '-';
            prev = ch;
            match ch {
                '>' if arrow => {}
                '{' | '(' | '<' | '[' => depth += 1,
                '}' | ')' | '>' | ']' if depth > 0 => depth -= 1,
                '}' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let fields = split_top(&body[..end])
            .iter()
            .filter_map(|f| {
                f.strip_prefix("pub ").map(|f| f.split(':').next().unwrap().trim().trim_start_matches("r#").to_string())
            })
            .collect();
        out.insert(name, fields);
    }
    out
}

fn headers() -> String {
    let dir = include_dir().join("libctr");
    let mut text = String::new();
    for h in [
        "ctr.h",
        "ctr-image.h",
        "ctr-network.h",
        "ctr-volume.h",
        "ctr-pod.h",
        "ctr-registry.h",
        "sys/ctr-state.h",
        "sys/ctr-oci.h",
    ] {
        text.push_str(&format!("#include <libctr/{}>\n", h));
        assert!(dir.join(h).exists(), "missing header {}", h);
    }
    text
}

fn compile_and_run(name: &str, code: &str) -> String {
    compile(name, code, true)
}

/// Compile `code` with -Werror; link and run it when `run`, else only compile (-c).
fn compile(name: &str, code: &str, run: bool) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let src = dir.join(format!("{}.c", name));
    let exe = dir.join(name);
    std::fs::write(&src, code).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let out = Command::new(cc)
        .args(["-std=gnu11", "-Wall", "-Werror", "-Wno-unused-variable", "-Wno-unused-const-variable"])
        .arg(format!("-I{}", include_dir().display()))
        .arg(&src)
        .args(if run { &[][..] } else { &["-c"][..] })
        .arg("-o")
        .arg(&exe)
        .output()
        .expect("a C compiler");
    assert!(out.status.success(), "C check failed:\n{}", String::from_utf8_lossy(&out.stderr));
    if !run {
        return String::new();
    }
    let run = Command::new(&exe).output().unwrap();
    assert!(run.status.success());
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn functions_match_the_headers() {
    let src = source();
    let ext_start = src.find("extern \"C\" {\n    // ctr-common.h").unwrap();
    let ext_end = src[ext_start..].find("\n}\n").unwrap() + ext_start;
    let externs = functions(&src[ext_start..ext_end]);
    assert!(externs.len() > 100);
    let opt_start = src.find("optional! {\n").unwrap();
    let optionals = functions(&src[opt_start..]);
    let mut code = headers();
    for (name, args, ret) in &externs {
        code.push_str(&format!(
            "static {} (*check_{})({}) __attribute__((unused)) = {};\n",
            c_type(ret),
            name,
            c_params(args),
            name
        ));
    }
    compile("check_functions", &code, false);
    for f in &optionals {
        assert!(externs.contains(f), "optional {} differs from its extern declaration", f.0);
    }
}

#[test]
fn constants_and_types_match_the_headers() {
    let src = squash(&source());
    let mut code = headers();
    code.push_str("#include <stddef.h>\n");
    let mut n = 0;
    for item in src.split(';') {
        let item = match (item.rfind("pub const "), item.rfind("pub type ")) {
            (Some(a), Some(b)) => &item[a.max(b)..],
            (Some(a), None) | (None, Some(a)) => &item[a..],
            _ => continue,
        };
        if let Some(rest) = item.strip_prefix("pub const ") {
            let (name, value) = rest.split_once('=').unwrap();
            let name = name.split(':').next().unwrap().trim();
            code.push_str(&format!("_Static_assert(({}) == ({}), \"{}\");\n", name, value.trim(), name));
            n += 1;
        } else if let Some(rest) = item.strip_prefix("pub type ") {
            let (name, ty) = rest.split_once('=').unwrap();
            let (name, ty) = (name.trim(), ty.trim());
            if ty.starts_with("Option<") {
                continue; // function pointer typedefs: checked through the functions using them
            }
            code.push_str(&format!("_Static_assert(sizeof({}) == sizeof({}), \"{}\");\n", name, c_type(ty), name));
            if ty != "i32" {
                code.push_str(&format!(
                    "_Static_assert(((({})-1) > 0) == ((({})-1) > 0), \"{} sign\");\n",
                    name,
                    c_type(ty),
                    name
                ));
            } else {
                code.push_str(&format!("_Static_assert((({})-1) < 0, \"{} sign\");\n", name, name));
            }
        }
    }
    assert!(n > 80, "{} constants", n);
    code.push_str("int main(void) { return 0; }\n");
    compile_and_run("check_constants", &code.replace("i32", "int32_t"));
}

#[test]
fn struct_layouts_match_the_headers() {
    let rust = layouts();
    let structs = rust_structs(&source());
    // Every repr(C) struct with fields is measured, with all its fields.
    for (name, fields) in &structs {
        if fields.iter().any(|f| f == "_private") {
            continue;
        }
        assert!(rust.contains_key(name), "{} is missing from layouts()", name);
        for f in fields {
            assert!(rust.contains_key(&format!("{}.{}", name, f)), "{}.{} is missing from layouts()", name, f);
        }
    }
    let mut code = headers();
    code.push_str("#include <stdio.h>\n#include <stddef.h>\nint main(void) {\n");
    for key in rust.keys() {
        match key.split_once('.') {
            Some((t, f)) => code.push_str(&format!("printf(\"{} %zu\\n\", offsetof({}, {}));\n", key, t, f)),
            None => code.push_str(&format!("printf(\"{} %zu\\n\", sizeof({}));\n", key, key)),
        }
    }
    code.push_str("return 0; }\n");
    let c: BTreeMap<String, usize> = compile_and_run("check_layouts", &code)
        .lines()
        .map(|l| {
            let (k, v) = l.split_once(' ').unwrap();
            (k.to_string(), v.parse().unwrap())
        })
        .collect();
    let diff: Vec<String> = rust
        .iter()
        .filter(|(k, v)| c.get(*k) != Some(v))
        .map(|(k, v)| format!("{}: Rust {}, C {:?}", k, v, c.get(k)))
        .collect();
    assert!(diff.is_empty(), "layouts differ:\n{}", diff.join("\n"));
    // And the C structs have no member the Rust ones lack (a member added at the end).
    let mut text = String::new();
    for h in [
        "ctr-common.h",
        "ctr-error.h",
        "ctr-runtime.h",
        "ctr-container.h",
        "ctr-lifecycle.h",
        "ctr-io.h",
        "ctr-image.h",
        "ctr-network.h",
        "ctr-volume.h",
        "ctr-pod.h",
        "ctr-kube.h",
        "ctr-registry.h",
        "ctr-events.h",
        "sys/ctr-state.h",
        "sys/ctr-oci.h",
    ] {
        text.push_str(&std::fs::read_to_string(include_dir().join("libctr").join(h)).unwrap());
    }
    for (name, fields) in &structs {
        if fields.iter().any(|f| f == "_private") {
            continue;
        }
        let tag = format!("typedef struct {} {{", &name[..name.len() - 2]);
        let start = text.find(&tag).unwrap_or_else(|| panic!("{} not in the headers", name)) + tag.len();
        let end = text[start..].find(&format!("}} {};", name)).unwrap() + start;
        let body = strip_c_comments(&text[start..end]);
        let members = c_members(&body);
        let ours: Vec<String> = fields.iter().map(|f| f.trim_end_matches('_').to_string()).collect();
        assert_eq!(members, ours, "{}", name);
    }
}

fn strip_c_comments(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("/*") {
        out.push_str(&rest[..i]);
        rest = &rest[i + rest[i..].find("*/").unwrap() + 2..];
    }
    out.push_str(rest);
    out
}

/// Member names of a C struct body: the identifier before each top-level
/// `;`, or the `(*name)` of a function pointer.
fn c_members(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    for ch in body.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth -= 1,
            ';' if depth == 0 => {
                let decl = cur.trim().to_string();
                cur.clear();
                if let Some(i) = decl.find("(*") {
                    let rest = &decl[i + 2..];
                    out.push(rest[..rest.find(')').unwrap()].trim().to_string());
                } else {
                    let decl = decl.split('[').next().unwrap();
                    let name: String = decl.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    out.push(name.chars().rev().collect());
                }
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out
}
