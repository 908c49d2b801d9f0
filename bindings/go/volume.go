// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sort"
	"strings"
	"time"
	"unsafe"
)

// Volume is a named volume (ctr_volume_t): a snapshot of its record.  The
// volume API needs libctr 0.4 (see HasVolumes); without it these calls fail
// with ErrNotSupported.
type Volume struct {
	p    *C.ctr_volume_t
	sink *logSink
}

// VolumeOptions for Runtime.CreateVolume.
type VolumeOptions struct {
	Name    string            // "": a generated name of 64 hex digits
	Driver  string            // "local"
	Labels  map[string]string // labels
	Options map[string]string // the local driver's: type, device, o, uid, gid, ...
}

// HasVolumes reports whether the loaded libctr has the volume API (ctr-volume.h).
func HasVolumes() bool { return has("ctr_volume_create") }

func wrapVolume(p *C.ctr_volume_t, sink *logSink) *Volume {
	v := &Volume{p: p, sink: sink.ref()}
	runtime.SetFinalizer(v, (*Volume).Close)
	return v
}

// Close releases the handle.
func (v *Volume) Close() error {
	if v.p != nil {
		C.libctr_go_volume_unref(v.p)
		v.p = nil
		v.sink.unref()
		runtime.SetFinalizer(v, nil)
	}
	return nil
}

func (v *Volume) ptr() *C.ctr_volume_t {
	if v.p == nil {
		panic(errClosed)
	}
	return v.p
}

// Name is the volume's name.
func (v *Volume) Name() string {
	defer runtime.KeepAlive(v)
	return C.GoString(C.libctr_go_volume_name(v.ptr()))
}

// Driver is "local".
func (v *Volume) Driver() string {
	defer runtime.KeepAlive(v)
	return C.GoString(C.libctr_go_volume_driver(v.ptr()))
}

// Mountpoint is the data directory, ROOT/volumes/NAME/_data.
func (v *Volume) Mountpoint() string {
	defer runtime.KeepAlive(v)
	return C.GoString(C.libctr_go_volume_mountpoint(v.ptr()))
}

func kvMap(l []string) map[string]string {
	m := make(map[string]string, len(l))
	for _, kv := range l {
		k, val, _ := strings.Cut(kv, "=")
		m[k] = val
	}
	return m
}

// Labels are the volume's labels.
func (v *Volume) Labels() map[string]string {
	defer runtime.KeepAlive(v)
	return kvMap(goStrv((**C.char)(unsafe.Pointer(C.libctr_go_volume_labels(v.ptr())))))
}

// Options are the driver options.
func (v *Volume) Options() map[string]string {
	defer runtime.KeepAlive(v)
	return kvMap(goStrv((**C.char)(unsafe.Pointer(C.libctr_go_volume_options(v.ptr())))))
}

// Created is when the volume was made.
func (v *Volume) Created() time.Time {
	defer runtime.KeepAlive(v)
	return nsTime(C.libctr_go_volume_created(v.ptr()))
}

// Anonymous reports whether the volume was made for one container.
func (v *Volume) Anonymous() bool {
	defer runtime.KeepAlive(v)
	return C.libctr_go_volume_anonymous(v.ptr()) != 0
}

// InspectJSON returns podman's `volume inspect` object, read anew.
func (v *Volume) InspectJSON() ([]byte, error) {
	defer runtime.KeepAlive(v)
	p := v.ptr()
	var s *C.char
	if err := call("ctr_volume_inspect", func() C.int { return C.libctr_go_volume_inspect(p, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// Inspect returns the inspect object, decoded.
func (v *Volume) Inspect() (map[string]interface{}, error) {
	b, err := v.InspectJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]interface{}
	return m, json.Unmarshal(b, &m)
}

func kvList(m map[string]string) []string {
	if m == nil {
		return nil
	}
	l := make([]string, 0, len(m))
	for k, v := range m {
		l = append(l, k+"="+v)
	}
	sort.Strings(l)
	return l
}

// CreateVolume makes a volume.
func (r *Runtime) CreateVolume(opts VolumeOptions) (*Volume, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_volume_options_t
	if err := call("ctr_volume_options_init", func() C.int { return C.libctr_go_volume_options_init(&o, C.CTR_VOLUME_OPTIONS_VERSION) }); err != nil {
		return nil, err
	}
	if opts.Name != "" {
		o.name = m.str(opts.Name)
	}
	o.driver = m.str(opts.Driver)
	o.labels = (**C.char)(unsafe.Pointer(m.strv(kvList(opts.Labels))))
	o.options = (**C.char)(unsafe.Pointer(m.strv(kvList(opts.Options))))
	var p *C.ctr_volume_t
	if err := call("ctr_volume_create", func() C.int { return C.libctr_go_volume_create(r.ptr(), &o, &p) }); err != nil {
		return nil, err
	}
	return wrapVolume(p, r.sink), nil
}

// Volume finds a volume by name.
func (r *Runtime) Volume(name string) (*Volume, error) {
	defer runtime.KeepAlive(r)
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var p *C.ctr_volume_t
	if err := call("ctr_volume_lookup", func() C.int { return C.libctr_go_volume_lookup(r.ptr(), n, &p) }); err != nil {
		return nil, err
	}
	return wrapVolume(p, r.sink), nil
}

// VolumeExists reports whether a volume exists.
func (r *Runtime) VolumeExists(name string) (bool, error) {
	defer runtime.KeepAlive(r)
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var rc C.int
	err := call("ctr_volume_exists", func() C.int { rc = C.libctr_go_volume_exists(r.ptr(), n); return rc })
	return rc == 1, err
}

// Volumes lists the volumes, by name, that pass every filter (podman's
// `volume ls --filter`: "name=REGEX", "label=K=V", "dangling=true", ...).
// Close each one.
func (r *Runtime) Volumes(filters ...string) ([]*Volume, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var f **C.char
	if len(filters) > 0 {
		f = m.strv(filters)
	}
	var list **C.ctr_volume_t
	var n C.size_t
	if err := call("ctr_volume_list", func() C.int {
		return C.libctr_go_volume_list(r.ptr(), (**C.char)(unsafe.Pointer(f)), &list, &n)
	}); err != nil {
		return nil, err
	}
	defer C.libctr_go_volume_list_free(list, n)
	out := make([]*Volume, 0, int(n))
	for i := 0; i < int(n); i++ {
		p := (*C.ctr_volume_t)(C.libctr_go_ptr_at((*unsafe.Pointer)(unsafe.Pointer(list)), C.size_t(i)))
		out = append(out, wrapVolume(C.libctr_go_volume_ref(p), r.sink))
	}
	return out, nil
}

// RemoveVolume removes a volume; force removes the containers using it first
// (without it, a volume in use fails with ErrBusy).
func (r *Runtime) RemoveVolume(name string, force bool) error {
	defer runtime.KeepAlive(r)
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	flags := C.uint64_t(0)
	if force {
		flags = C.CTR_VOLUME_REMOVE_FORCE
	}
	return call("ctr_volume_remove", func() C.int { return C.libctr_go_volume_remove(r.ptr(), n, flags) })
}

// PruneVolumes removes the volumes no container uses ("label=", "until="
// filters) and returns their names.
func (r *Runtime) PruneVolumes(filters ...string) ([]string, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var f **C.char
	if len(filters) > 0 {
		f = m.strv(filters)
	}
	var v **C.char
	if err := call("ctr_volume_prune", func() C.int {
		return C.libctr_go_volume_prune(r.ptr(), (**C.char)(unsafe.Pointer(f)), 0, &v)
	}); err != nil {
		return nil, err
	}
	return takeStrv(v), nil
}
