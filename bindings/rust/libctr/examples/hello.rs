//! Run busybox `echo hello`, read its log, get exit code 0.
//! usage: hello IMAGE|ROOTFS_DIR [ROOT RUN_ROOT]   (default root: /var/lib/libctr, /run/libctr)
use libctr::{ContainerOptions, LogsOptions, RemoveFlags, Runtime};
use std::path::Path;

fn main() -> Result<(), libctr::Error> {
    let args: Vec<String> = std::env::args().collect();
    let rt = match args.get(2..4) {
        Some([root, run_root]) => Runtime::open(root, run_root)?,
        _ => Runtime::open_default()?,
    };
    let opts = ContainerOptions::new().command(["echo", "hello"]);
    let opts = if Path::new(&args[1]).is_dir() { opts.rootfs(&args[1]) } else { opts.image(&args[1]) };
    let c = rt.create(&opts)?;
    c.start()?;
    let code = c.wait(None)?;
    for line in c.read_logs(&LogsOptions::new())? {
        println!("{}", line.text()); // hello
    }
    c.remove(RemoveFlags::FORCE)?;
    println!("exit code {}", code); // 0
    std::process::exit(code);
}
