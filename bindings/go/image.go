// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"io"
	"runtime"
	"runtime/cgo"
	"time"
	"unsafe"
)

// Image is an image in the runtime's store (ctr_image_t): a snapshot of its
// record.  The image API needs a libctr built with it (see HasImages);
// without it these calls fail with ErrNotSupported.
type Image struct {
	p    *C.ctr_image_t
	sink *logSink
}

func wrapImage(p *C.ctr_image_t, sink *logSink) *Image {
	img := &Image{p: p, sink: sink.ref()}
	runtime.SetFinalizer(img, (*Image).Close)
	return img
}

// Close releases the handle.
func (img *Image) Close() error {
	if img.p != nil {
		C.libctr_go_image_unref(img.p)
		img.p = nil
		img.sink.unref()
		runtime.SetFinalizer(img, nil)
	}
	return nil
}

func (img *Image) ptr() *C.ctr_image_t {
	if img.p == nil {
		panic(errClosed)
	}
	return img.p
}

func (img *Image) do(op string, f func(p *C.ctr_image_t) C.int) error {
	defer runtime.KeepAlive(img)
	p := img.ptr()
	return call(op, func() C.int { return f(p) })
}

// ID is the config digest's 64 hex digits.
func (img *Image) ID() string {
	defer runtime.KeepAlive(img)
	return C.GoString(C.libctr_go_image_id(img.ptr()))
}

// Digest is the manifest digest ("sha256:...") or "".
func (img *Image) Digest() string {
	defer runtime.KeepAlive(img)
	return C.GoString(C.libctr_go_image_digest(img.ptr()))
}

// Names are the image's names, e.g. "localhost/app:latest".
func (img *Image) Names() []string {
	defer runtime.KeepAlive(img)
	return goStrv((**C.char)(unsafe.Pointer(C.libctr_go_image_names(img.ptr()))))
}

// Created is the creation time from the image config.
func (img *Image) Created() time.Time {
	defer runtime.KeepAlive(img)
	return nsTime(C.libctr_go_image_created(img.ptr()))
}

// Size is the uncompressed size of the layers.
func (img *Image) Size() int64 {
	defer runtime.KeepAlive(img)
	return int64(C.libctr_go_image_size(img.ptr()))
}

// LayerCount is the number of layers.
func (img *Image) LayerCount() int {
	defer runtime.KeepAlive(img)
	return int(C.libctr_go_image_layer_count(img.ptr()))
}

// InspectJSON is `podman image inspect`-shaped JSON.
func (img *Image) InspectJSON() ([]byte, error) {
	var s *C.char
	if err := img.do("ctr_image_inspect", func(p *C.ctr_image_t) C.int { return C.libctr_go_image_inspect(p, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// Inspect parses InspectJSON.
func (img *Image) Inspect() (map[string]interface{}, error) {
	b, err := img.InspectJSON()
	if err != nil {
		return nil, err
	}
	var v map[string]interface{}
	return v, json.Unmarshal(b, &v)
}

// ConfigJSON is the OCI image config.
func (img *Image) ConfigJSON() ([]byte, error) {
	var s *C.char
	if err := img.do("ctr_image_config_json", func(p *C.ctr_image_t) C.int { return C.libctr_go_image_config_json(p, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// Tag gives the image another name.
func (img *Image) Tag(name string) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return img.do("ctr_image_tag", func(p *C.ctr_image_t) C.int { return C.libctr_go_image_tag(p, n) })
}

// Untag removes one of the image's names.
func (img *Image) Untag(name string) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return img.do("ctr_image_untag", func(p *C.ctr_image_t) C.int { return C.libctr_go_image_untag(p, n) })
}

// Progress is called during imports, saves and commits; return true to cancel.
type Progress func(done, total uint64) (cancel bool)

// SaveOptions for Image.Save.
type SaveOptions struct {
	Name     string
	Progress Progress
}

// Save writes the image to "oci:DIR[:TAG]", "oci-archive:FILE[:TAG]" or "docker-archive:FILE".
func (img *Image) Save(reference string, opts SaveOptions) error {
	var m cmem
	defer m.free()
	var o C.ctr_save_options_t
	if err := call("ctr_save_options_init", func() C.int { return C.libctr_go_save_options_init(&o, C.CTR_SAVE_OPTIONS_VERSION) }); err != nil {
		return err
	}
	o.name = m.str(opts.Name)
	if opts.Progress != nil {
		h := cgo.NewHandle(progressFn(opts.Progress))
		defer h.Delete()
		C.libctr_go_save_progress(&o, C.uintptr_t(h))
	}
	ref := m.str(reference)
	return img.do("ctr_image_save", func(p *C.ctr_image_t) C.int { return C.libctr_go_image_save(p, ref, &o) })
}

// ImportOptions for Runtime.LoadImage.
type ImportOptions struct {
	// Reference: "oci:DIR[:TAG]", "oci-archive:FILE[:TAG]", "docker-archive:FILE",
	// "containers-storage:NAME", "tarball:FILE" or a root file system tar.
	Reference string
	Name      string   // a name to give the image
	Changes   []string // Dockerfile-style: `CMD ["sh"]`, `ENV A=b`...
	Progress  Progress
}

// LoadImage imports an image into the runtime's store.
func (r *Runtime) LoadImage(opts ImportOptions) (*Image, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_import_options_t
	if err := call("ctr_import_options_init", func() C.int { return C.libctr_go_import_options_init(&o, C.CTR_IMPORT_OPTIONS_VERSION) }); err != nil {
		return nil, err
	}
	o.reference = m.str(opts.Reference)
	o.name = m.str(opts.Name)
	o.changes = m.strv(opts.Changes)
	if opts.Progress != nil {
		h := cgo.NewHandle(progressFn(opts.Progress))
		defer h.Delete()
		C.libctr_go_import_progress(&o, C.uintptr_t(h))
	}
	var p *C.ctr_image_t
	if err := call("ctr_image_import", func() C.int { return C.libctr_go_image_import(r.ptr(), &o, &p) }); err != nil {
		return nil, err
	}
	return wrapImage(p, r.sink), nil
}

// Images lists the images, newest first.  Close each one.
func (r *Runtime) Images() ([]*Image, error) {
	defer runtime.KeepAlive(r)
	var list **C.ctr_image_t
	var n C.size_t
	if err := call("ctr_image_list", func() C.int { return C.libctr_go_image_list(r.ptr(), &list, &n) }); err != nil {
		return nil, err
	}
	defer C.libctr_go_image_list_free(list, n)
	out := make([]*Image, 0, int(n))
	for i := 0; i < int(n); i++ {
		p := (*C.ctr_image_t)(C.libctr_go_ptr_at((*unsafe.Pointer)(unsafe.Pointer(list)), C.size_t(i)))
		out = append(out, wrapImage(C.libctr_go_image_ref(p), r.sink))
	}
	return out, nil
}

// Image finds an image by ID, "sha256:ID", name or unique ID prefix.
func (r *Runtime) Image(nameOrID string) (*Image, error) {
	defer runtime.KeepAlive(r)
	n := C.CString(nameOrID)
	defer C.free(unsafe.Pointer(n))
	var p *C.ctr_image_t
	if err := call("ctr_image_lookup", func() C.int { return C.libctr_go_image_lookup(r.ptr(), n, &p) }); err != nil {
		return nil, err
	}
	return wrapImage(p, r.sink), nil
}

// RemoveImage removes an image (or, given one of several names, that name).
func (r *Runtime) RemoveImage(nameOrID string, force bool) error {
	defer runtime.KeepAlive(r)
	n := C.CString(nameOrID)
	defer C.free(unsafe.Pointer(n))
	flags := C.uint64_t(0)
	if force {
		flags = C.CTR_IMAGE_REMOVE_FORCE
	}
	return call("ctr_image_remove", func() C.int { return C.libctr_go_image_remove(r.ptr(), n, flags) })
}

// PruneImages removes dangling images (all: every unused one) and returns their IDs.
func (r *Runtime) PruneImages(all bool) ([]string, error) {
	defer runtime.KeepAlive(r)
	flags := C.uint64_t(0)
	if all {
		flags = C.CTR_IMAGE_PRUNE_ALL
	}
	var v **C.char
	if err := call("ctr_image_prune", func() C.int { return C.libctr_go_image_prune(r.ptr(), flags, &v) }); err != nil {
		return nil, err
	}
	return takeStrv(v), nil
}

// Mount mounts the container's root file system and returns where.
func (c *Container) Mount(mountLabel string) (string, error) {
	var m cmem
	defer m.free()
	l := m.str(mountLabel)
	var s *C.char
	if err := c.do("ctr_container_mount", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_mount(p, l, &s) }); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// Unmount drops one Mount (all with force).
func (c *Container) Unmount(force bool) error {
	return c.do("ctr_container_unmount", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_unmount(p, bool2int(force)) })
}

// RootfsSize is the size of the image's layers under the container.
func (c *Container) RootfsSize() (int64, error) {
	var v C.int64_t
	err := c.do("ctr_container_rootfs_size", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_rootfs_size(p, &v) })
	return int64(v), err
}

// RWSize is the size of what the container changed.
func (c *Container) RWSize() (int64, error) {
	var v C.int64_t
	err := c.do("ctr_container_rw_size", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_rw_size(p, &v) })
	return int64(v), err
}

// ChangeKind is what Container.Diff found (CTR_CHANGE_*): podman diff's C, A and D.
type ChangeKind int

// The kinds of change.
const (
	ChangeModified ChangeKind = C.CTR_CHANGE_MODIFIED
	ChangeAdded    ChangeKind = C.CTR_CHANGE_ADDED
	ChangeDeleted  ChangeKind = C.CTR_CHANGE_DELETED
)

// String is podman diff's letter.
func (k ChangeKind) String() string {
	if k >= 0 && int(k) < 3 {
		return string("CAD"[k])
	}
	return "?"
}

// Change is one changed path of Container.Diff.
type Change struct {
	Kind ChangeKind
	Path string
}

// String prints the change as podman diff does ("A /path").
func (ch Change) String() string { return ch.Kind.String() + " " + ch.Path }

// Diff lists what the container changed against its image, sorted by path, as podman diff.
func (c *Container) Diff() ([]Change, error) {
	var v *C.ctr_change_t
	var n C.size_t
	if err := c.do("ctr_container_diff", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_diff(p, &v, &n) }); err != nil {
		return nil, err
	}
	defer C.libctr_go_changes_free(v, n)
	out := make([]Change, 0, int(n))
	for _, ch := range unsafe.Slice(v, int(n)) {
		out = append(out, Change{Kind: ChangeKind(ch.kind), Path: C.GoString(ch.path)})
	}
	return out, nil
}

// Export writes the root file system as a tar to w.
func (c *Container) Export(w io.Writer) error {
	s, err := newStdio(nil, w, nil)
	if err != nil {
		return err
	}
	return c.withStdio(s, "ctr_container_export", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_export(p, C.int(s.fds[1]))
	})
}

// withStdio runs a call on the descriptors of s, then waits for their copies.
func (c *Container) withStdio(s *stdio, op string, fn func(*C.ctr_container_t) C.int) error {
	err := c.do(op, fn)
	if cerr := s.finish(); err == nil {
		err = cerr
	}
	return err
}

// CopyFlags for the Container.Copy* calls.
type CopyFlags uint64

const (
	// CopyChown: going in, owned by the container's user (podman cp's
	// --archive); coming out, by the caller (what podman does).
	CopyChown CopyFlags = C.CTR_COPY_CHOWN
	// CopyOverwrite: a directory may replace a non-directory and back (--overwrite).
	CopyOverwrite CopyFlags = C.CTR_COPY_OVERWRITE
)

// CopyTo copies the host path src into the container at dst (podman cp SRC CTR:DST).
func (c *Container) CopyTo(src, dst string, flags CopyFlags) error {
	var m cmem
	defer m.free()
	s, d := m.str(src), m.str(dst)
	return c.do("ctr_container_copy_to", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_copy_to(p, s, d, C.uint64_t(flags))
	})
}

// CopyFrom copies the container's path src to the host path dst (podman cp CTR:SRC DST).
func (c *Container) CopyFrom(src, dst string, flags CopyFlags) error {
	var m cmem
	defer m.free()
	s, d := m.str(src), m.str(dst)
	return c.do("ctr_container_copy_from", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_copy_from(p, s, d, C.uint64_t(flags))
	})
}

// CopyToStream extracts the tar read from r into the container's directory dst (podman cp - CTR:DST).
func (c *Container) CopyToStream(r io.Reader, dst string, flags CopyFlags) error {
	var m cmem
	defer m.free()
	d := m.str(dst)
	s, err := newStdio(r, nil, nil)
	if err != nil {
		return err
	}
	return c.withStdio(s, "ctr_container_copy_to_fd", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_copy_to_fd(p, C.int(s.fds[0]), d, C.uint64_t(flags))
	})
}

// CopyFromStream writes the container's path src as a tar to w (podman cp CTR:SRC -).
func (c *Container) CopyFromStream(src string, w io.Writer, flags CopyFlags) error {
	var m cmem
	defer m.free()
	sp := m.str(src)
	s, err := newStdio(nil, w, nil)
	if err != nil {
		return err
	}
	return c.withStdio(s, "ctr_container_copy_from_fd", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_copy_from_fd(p, sp, C.int(s.fds[1]), C.uint64_t(flags))
	})
}

// CommitOptions for Container.Commit.
type CommitOptions struct {
	Name     string
	Changes  []string
	Author   string
	Message  string
	Pause    bool
	Progress Progress
}

// Commit makes a new image from the container's changes.
func (c *Container) Commit(opts CommitOptions) (*Image, error) {
	var m cmem
	defer m.free()
	var o C.ctr_commit_options_t
	if err := call("ctr_commit_options_init", func() C.int { return C.libctr_go_commit_options_init(&o, C.CTR_COMMIT_OPTIONS_VERSION) }); err != nil {
		return nil, err
	}
	o.name = m.str(opts.Name)
	o.changes = m.strv(opts.Changes)
	o.author = m.str(opts.Author)
	o.message = m.str(opts.Message)
	if opts.Pause {
		o.flags = C.CTR_COMMIT_PAUSE
	}
	if opts.Progress != nil {
		h := cgo.NewHandle(progressFn(opts.Progress))
		defer h.Delete()
		C.libctr_go_commit_progress(&o, C.uintptr_t(h))
	}
	var p *C.ctr_image_t
	if err := c.do("ctr_container_commit", func(pc *C.ctr_container_t) C.int { return C.libctr_go_container_commit(pc, &o, &p) }); err != nil {
		return nil, err
	}
	return wrapImage(p, c.sink), nil
}
