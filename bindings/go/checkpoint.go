// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import "runtime"

// CheckpointOptions says how Checkpoint checkpoints (ctr_checkpoint_options_t).
type CheckpointOptions struct {
	// Export also writes the checkpoint to this file (a tar) for Runtime.Restore.
	Export string
	// LeaveRunning keeps the container running (--leave-running).
	LeaveRunning bool
	// TCPEstablished checkpoints established TCP connections.
	TCPEstablished bool
	// Keep keeps CRIU's log and, with Export, the images in the container's directory.
	Keep bool
	// FileLocks checkpoints file locks.
	FileLocks bool
}

// RestoreOptions says how Restore and Runtime.Restore restore (ctr_restore_options_t).
type RestoreOptions struct {
	// TCPEstablished restores established TCP connections.
	TCPEstablished bool
	// Keep keeps the checkpoint's images and CRIU's logs.
	Keep bool
	// FileLocks restores file locks.
	FileLocks bool
}

func flag(on bool, f C.uint64_t) C.uint64_t {
	if on {
		return f
	}
	return 0
}

// Checkpoint checkpoints the running container with CRIU
// (ctr_container_checkpoint(), libctr 0.6, podman container checkpoint): it is
// then exited with State.Checkpointed, unless LeaveRunning.  A container that
// is not running is ErrState; a runtime without CRIU ErrNotSupported.
func (c *Container) Checkpoint(o CheckpointOptions) error {
	var m cmem
	defer m.free()
	co := C.ctr_checkpoint_options_t{version: C.CTR_CHECKPOINT_OPTIONS_VERSION, export_path: m.str(o.Export),
		flags: flag(o.LeaveRunning, C.CTR_CHECKPOINT_LEAVE_RUNNING) | flag(o.TCPEstablished, C.CTR_CHECKPOINT_TCP_ESTABLISHED) |
			flag(o.Keep, C.CTR_CHECKPOINT_KEEP) | flag(o.FileLocks, C.CTR_CHECKPOINT_FILE_LOCKS)}
	return c.do("ctr_container_checkpoint", func(h *C.ctr_container_t) C.int { return C.ctr_container_checkpoint(h, &co) })
}

func restoreOptions(m *cmem, importPath, name string, o RestoreOptions) C.ctr_restore_options_t {
	return C.ctr_restore_options_t{version: C.CTR_RESTORE_OPTIONS_VERSION, import_path: m.str(importPath), name: m.str(name),
		flags: flag(o.TCPEstablished, C.CTR_RESTORE_TCP_ESTABLISHED) | flag(o.Keep, C.CTR_RESTORE_KEEP) |
			flag(o.FileLocks, C.CTR_RESTORE_FILE_LOCKS)}
}

// Restore restores the checkpointed container in place (ctr_container_restore()):
// its processes go on where they were.  No checkpoint is ErrNotFound, a
// running container ErrState.
func (c *Container) Restore(o RestoreOptions) error {
	var m cmem
	defer m.free()
	ro := restoreOptions(&m, "", "", o)
	return c.do("ctr_container_restore", func(h *C.ctr_container_t) C.int { return C.ctr_container_restore(h, &ro) })
}

// Restore makes a new container, running, from a checkpoint that Checkpoint
// exported to importPath (ctr_runtime_restore(), podman container restore
// --import), named name ("": the checkpointed container's name).  Close it.
func (r *Runtime) Restore(importPath, name string, o RestoreOptions) (*Container, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	ro := restoreOptions(&m, importPath, name, o)
	var p *C.ctr_container_t
	if err := call("ctr_runtime_restore", func() C.int { return C.ctr_runtime_restore(r.ptr(), &ro, &p) }); err != nil {
		return nil, err
	}
	return wrapContainer(p, r.sink), nil
}
