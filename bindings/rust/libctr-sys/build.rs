// Link libctr: LIBCTR_LIB_DIR if set, else pkg-config's libdir for libctr,
// else the linker's default path.
use std::env;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBCTR_LIB_DIR");
    println!("cargo:rerun-if-env-changed=PKG_CONFIG_PATH");
    let dir = env::var("LIBCTR_LIB_DIR").ok().filter(|d| !d.is_empty()).or_else(|| {
        let out = Command::new("pkg-config").args(["--variable=libdir", "libctr"]).output().ok()?;
        let dir = String::from_utf8(out.stdout).ok()?.trim().to_string();
        if out.status.success() && !dir.is_empty() {
            Some(dir)
        } else {
            None
        }
    });
    if let Some(dir) = dir {
        println!("cargo:rustc-link-search=native={}", dir);
        println!("cargo:lib_dir={}", dir);
    }
    println!("cargo:rustc-link-lib=dylib=ctr");
}
