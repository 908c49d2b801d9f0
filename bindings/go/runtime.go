// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
	"unsafe"
)

// RuntimeOptions configure NewRuntime.  Empty strings mean the library's default.
type RuntimeOptions struct {
	Root           string // default /var/lib/libctr
	RunRoot        string // default /run/libctr
	StateBackend   string // "files" (default) or "tdb"
	OCIRuntime     string // "runc" (default), "crun" or a path
	ConmonPath     string
	StorageDriver  string // "overlay" (default) or "vfs"
	CNIConfigDir   string
	CNIPluginDir   string
	LockDir        string
	DefaultNetwork string
	DefaultBridge  string
	DefaultSubnet  string
	// Log receives what libctr has to say, from any goroutine calling into it.
	Log      func(level int, message string)
	LogLevel int // highest level passed to Log; 0 means warnings
	// LogSizeMax is the log size limit of containers created without one;
	// 0 or negative: none.
	LogSizeMax int64
}

// Log levels passed to RuntimeOptions.Log.
const (
	LogError   = int(C.CTR_LOG_ERROR)
	LogWarning = int(C.CTR_LOG_WARNING)
	LogInfo    = int(C.CTR_LOG_INFO)
	LogDebug   = int(C.CTR_LOG_DEBUG)
)

// Runtime is an open libctr runtime (ctr_runtime_t).  Safe for concurrent
// use, except Close, which must be the last call.
type Runtime struct {
	p    *C.ctr_runtime_t
	sink *logSink
}

// NewRuntime opens (creating if needed) a runtime.
func NewRuntime(opts RuntimeOptions) (*Runtime, error) {
	var m cmem
	defer m.free()
	var o C.ctr_runtime_options_t
	if err := call("ctr_runtime_options_init", func() C.int {
		return C.ctr_runtime_options_init(&o, C.CTR_RUNTIME_OPTIONS_VERSION)
	}); err != nil {
		return nil, err
	}
	o.root = m.str(opts.Root)
	o.run_root = m.str(opts.RunRoot)
	o.state_backend = m.str(opts.StateBackend)
	o.oci_runtime = m.str(opts.OCIRuntime)
	o.conmon_path = m.str(opts.ConmonPath)
	o.storage_driver = m.str(opts.StorageDriver)
	o.cni_config_dir = m.str(opts.CNIConfigDir)
	o.cni_plugin_dir = m.str(opts.CNIPluginDir)
	o.lock_dir = m.str(opts.LockDir)
	o.default_network = m.str(opts.DefaultNetwork)
	o.default_bridge = m.str(opts.DefaultBridge)
	o.default_subnet = m.str(opts.DefaultSubnet)
	o.log_level = C.int(opts.LogLevel)
	o.log_size_max = C.int64_t(opts.LogSizeMax)
	var sink *logSink
	if opts.Log != nil {
		sink = &logSink{fn: opts.Log, refs: 1}
		sink.handle = cgo.NewHandle(sink)
		C.libctr_go_runtime_log(&o, C.uintptr_t(sink.handle))
	}
	var p *C.ctr_runtime_t
	if err := call("ctr_runtime_new", func() C.int { return C.ctr_runtime_new(&p, &o) }); err != nil {
		sink.unref()
		return nil, err
	}
	return wrapRuntime(p, sink), nil
}

func wrapRuntime(p *C.ctr_runtime_t, sink *logSink) *Runtime {
	r := &Runtime{p: p, sink: sink}
	runtime.SetFinalizer(r, (*Runtime).Close)
	return r
}

// Close releases the handle.  Containers keep the C runtime open while they live.
func (r *Runtime) Close() error {
	if r.p != nil {
		C.ctr_runtime_unref(r.p)
		r.p = nil
		r.sink.unref()
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

func (r *Runtime) ptr() *C.ctr_runtime_t {
	if r.p == nil {
		panic(errClosed)
	}
	return r.p
}

// Root is the persistent root directory.
func (r *Runtime) Root() string {
	defer runtime.KeepAlive(r)
	return C.GoString(C.ctr_runtime_root(r.ptr()))
}

// RunRoot is the per-boot run root.
func (r *Runtime) RunRoot() string {
	defer runtime.KeepAlive(r)
	return C.GoString(C.ctr_runtime_run_root(r.ptr()))
}

// StateBackend is the state backend's name.
func (r *Runtime) StateBackend() string {
	defer runtime.KeepAlive(r)
	return C.GoString(C.ctr_runtime_state_backend(r.ptr()))
}

// OCIRuntime is the OCI runtime's absolute path.
func (r *Runtime) OCIRuntime() string {
	defer runtime.KeepAlive(r)
	return C.GoString(C.ctr_runtime_oci_runtime(r.ptr()))
}

// BootID is the boot ID recorded in the run root.
func (r *Runtime) BootID() string {
	defer runtime.KeepAlive(r)
	return C.GoString(C.ctr_runtime_boot_id(r.ptr()))
}

// Lookup finds a container by full ID, unique ID prefix or name.
func (r *Runtime) Lookup(idOrName string) (*Container, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	n := m.str(idOrName)
	var p *C.ctr_container_t
	if err := call("ctr_runtime_lookup", func() C.int { return C.ctr_runtime_lookup(r.ptr(), n, &p) }); err != nil {
		return nil, err
	}
	return wrapContainer(p, r.sink), nil
}

// Containers lists the containers, oldest first.  Close each one.
func (r *Runtime) Containers() ([]*Container, error) {
	defer runtime.KeepAlive(r)
	var list **C.ctr_container_t
	var n C.size_t
	if err := call("ctr_runtime_list", func() C.int { return C.ctr_runtime_list(r.ptr(), nil, nil, &list, &n) }); err != nil {
		return nil, err
	}
	defer C.ctr_container_list_free(list, n)
	out := make([]*Container, 0, int(n))
	for i := 0; i < int(n); i++ {
		p := (*C.ctr_container_t)(C.libctr_go_ptr_at((*unsafe.Pointer)(unsafe.Pointer(list)), C.size_t(i)))
		out = append(out, wrapContainer(C.ctr_container_ref(p), r.sink))
	}
	return out, nil
}

// RemoveFlags for Remove.
type RemoveFlags uint64

const (
	// RemoveForce stops a running container first and removes its dependents too.
	RemoveForce RemoveFlags = C.CTR_REMOVE_FORCE
	// RemoveVolumes also removes anonymous volumes.
	RemoveVolumes RemoveFlags = C.CTR_REMOVE_VOLUMES
)

// Remove removes a container by ID, prefix or name.
func (r *Runtime) Remove(idOrName string, flags RemoveFlags) error {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	n := m.str(idOrName)
	return call("ctr_runtime_remove", func() C.int { return C.ctr_runtime_remove(r.ptr(), n, C.uint64_t(flags)) })
}

// Refresh resets containers left over from an earlier boot and sweeps the run root.
func (r *Runtime) Refresh() error {
	defer runtime.KeepAlive(r)
	return call("ctr_runtime_refresh", func() C.int { return C.libctr_go_runtime_refresh(r.ptr()) })
}
