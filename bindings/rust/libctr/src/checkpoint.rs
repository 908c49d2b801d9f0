// SPDX-License-Identifier: LGPL-2.1-or-later
//! Checkpoint and restore with CRIU (libctr 0.6).

use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr;

use libctr_sys as sys;

use crate::*;

/// How [`Container::checkpoint`] checkpoints (`ctr_checkpoint_options_t`).
#[derive(Debug, Default, Clone)]
pub struct CheckpointOptions<'a> {
    /// Also write the checkpoint to this file (a tar) for [`Runtime::restore`].
    pub export: Option<&'a Path>,
    /// Keep the container running (`--leave-running`).
    pub leave_running: bool,
    /// Checkpoint established TCP connections.
    pub tcp_established: bool,
    /// Keep CRIU's log and, with an export, the images in the container's directory.
    pub keep: bool,
    /// Checkpoint file locks.
    pub file_locks: bool,
}

/// How [`Container::restore`] and [`Runtime::restore`] restore (`ctr_restore_options_t`).
#[derive(Debug, Default, Clone)]
pub struct RestoreOptions {
    /// Restore established TCP connections.
    pub tcp_established: bool,
    /// Keep the checkpoint's images and CRIU's logs.
    pub keep: bool,
    /// Restore file locks.
    pub file_locks: bool,
}

fn bit(on: bool, f: u64) -> u64 {
    if on {
        f
    } else {
        0
    }
}

impl RestoreOptions {
    fn flags(&self) -> u64 {
        bit(self.tcp_established, sys::CTR_RESTORE_TCP_ESTABLISHED)
            | bit(self.keep, sys::CTR_RESTORE_KEEP)
            | bit(self.file_locks, sys::CTR_RESTORE_FILE_LOCKS)
    }
}

impl Container {
    /// Checkpoint the running container with CRIU (`ctr_container_checkpoint()`,
    /// `podman container checkpoint`): it is then exited with
    /// `State.Checkpointed`, unless `leave_running`.  A container that is not
    /// running is `EBUSY`, a runtime without CRIU `EOPNOTSUPP`.
    pub fn checkpoint(&self, o: &CheckpointOptions<'_>) -> Result<()> {
        const OP: &str = "ctr_container_checkpoint";
        let export = opt_cstring(OP, &o.export.map(|p| p.as_os_str().as_bytes().to_vec()))?;
        let c = sys::ctr_checkpoint_options_t {
            version: sys::CTR_CHECKPOINT_OPTIONS_VERSION,
            export_path: opt_ptr(&export),
            flags: bit(o.leave_running, sys::CTR_CHECKPOINT_LEAVE_RUNNING)
                | bit(o.tcp_established, sys::CTR_CHECKPOINT_TCP_ESTABLISHED)
                | bit(o.keep, sys::CTR_CHECKPOINT_KEEP)
                | bit(o.file_locks, sys::CTR_CHECKPOINT_FILE_LOCKS),
        };
        check(OP, unsafe { sys::ctr_container_checkpoint(self.as_ptr(), &c) }).map(drop)
    }

    /// Restore the checkpointed container in place (`ctr_container_restore()`):
    /// its processes go on where they were.  No checkpoint is `ENOENT`, a
    /// running container `EBUSY`.
    pub fn restore(&self, o: &RestoreOptions) -> Result<()> {
        let r = sys::ctr_restore_options_t {
            version: sys::CTR_RESTORE_OPTIONS_VERSION,
            import_path: ptr::null(),
            name: ptr::null(),
            flags: o.flags(),
        };
        check("ctr_container_restore", unsafe { sys::ctr_container_restore(self.as_ptr(), &r) }).map(drop)
    }
}

impl Runtime {
    /// A new container, running, restored from a checkpoint that
    /// [`Container::checkpoint`] exported to `import` (`ctr_runtime_restore()`,
    /// `podman container restore --import`), named `name` (None: the
    /// checkpointed container's name).
    pub fn restore(&self, import: &Path, name: Option<&str>, o: &RestoreOptions) -> Result<Container> {
        const OP: &str = "ctr_runtime_restore";
        let path = cstring(OP, import.as_os_str().as_bytes())?;
        let name = opt_cstring(OP, &name.map(|s| s.as_bytes().to_vec()))?;
        let r = sys::ctr_restore_options_t {
            version: sys::CTR_RESTORE_OPTIONS_VERSION,
            import_path: path.as_ptr(),
            name: opt_ptr(&name),
            flags: o.flags(),
        };
        let mut p = ptr::null_mut();
        check(OP, unsafe { sys::ctr_runtime_restore(self.as_ptr(), &r, &mut p) })?;
        Ok(Container::from_raw(p, self.keep.clone()))
    }
}
