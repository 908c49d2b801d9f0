// SPDX-License-Identifier: LGPL-2.1-or-later

// Package libctr runs OCI containers (runc + conmon) through libctr.so, the
// C library of podman's container layer.
//
// A Runtime is opened on a root directory; it creates, finds and lists
// Containers; an Image is an image in the runtime's store.  Every handle
// holds a reference in the C library: release it with Close (a finalizer
// does it as a safety net, but not promptly).  Methods return errors that
// wrap the library's negative errno and message:
//
//	if errors.Is(err, libctr.ErrNotFound) { ... }
//	var e *libctr.Error; errors.As(err, &e) // e.Errno, e.Message, e.Op
//
// Build with the headers and library visible to cgo, e.g.
// CGO_CFLAGS=-I/usr/local/include CGO_LDFLAGS=-L/usr/local/lib.
package libctr

/*
#cgo LDFLAGS: -lctr -ldl
#include "shim.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// Errors of libctr's fixed mapping (ctr-error.h).  Each is a syscall.Errno,
// so errors.Is(err, syscall.ENOENT) works as well.
var (
	ErrNotFound     error = syscall.ENOENT     // no such container, image, artifact or file
	ErrExists       error = syscall.EEXIST     // the name or ID is taken
	ErrState        error = syscall.EBUSY      // wrong state for the operation, or in use
	ErrInvalid      error = syscall.EINVAL     // a bad argument
	ErrNotSupported error = syscall.EOPNOTSUPP // not built in, or not supported by the backend
	ErrTimeout      error = syscall.ETIMEDOUT  // a timeout expired
	ErrDeadlock     error = syscall.EDEADLK    // removing a container inside its own batch
	ErrCanceled     error = syscall.ECANCELED  // cancelled by a callback
	ErrIO           error = syscall.EIO        // the OCI runtime or monitor failed
	ErrVersion      error = syscall.EPROTONOSUPPORT
	ErrAccess       error = syscall.EACCES // refused: a registry's 401/403, or file permissions
	ErrAgain        error = syscall.EAGAIN // nothing yet: a follower's timeout (EventReader.Next)
)

// Error is a failed libctr call.
type Error struct {
	Op      string        // the C function, e.g. "ctr_container_start"
	Errno   syscall.Errno // positive errno
	Message string        // the library's detail for this failure
}

func (e *Error) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("%s: %s", e.Op, C.GoString(C.ctr_strerror(C.int(e.Errno))))
	}
	return fmt.Sprintf("%s: %s", e.Op, e.Message)
}

// Unwrap returns the errno, so errors.Is(err, libctr.ErrState) works.
func (e *Error) Unwrap() error { return e.Errno }

// Code is the negative errno the C call returned.
func (e *Error) Code() int { return -int(e.Errno) }

// StrError is libctr's short name for an errno (positive or negative).
func StrError(code int) string { return C.GoString(C.ctr_strerror(C.int(code))) }

// check turns a negative return into an *Error with the calling thread's
// detail.  It must run on the thread that made the call: callers hold the
// OS thread (see call).
func check(op string, r C.int) error {
	if r >= 0 {
		return nil
	}
	last := C.ctr_error_last()
	msg := ""
	if last != nil && last.code == r {
		msg = C.GoString(last.message)
	} else if r == -C.EOPNOTSUPP {
		msg = "this libctr has no " + op + " (not built in yet)"
	}
	return &Error{Op: op, Errno: syscall.Errno(-r), Message: msg}
}

// call runs f, a C call, and reads the error detail on the same OS thread.
func call(op string, f func() C.int) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return check(op, f())
}

// callN is call for functions returning a count.
func callN(op string, f func() C.int) (int, error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	r := f()
	return int(r), check(op, r)
}

// ---- C memory helpers ----

// cstr returns a C copy of s, or NULL for "", and records it for freeing.
type cmem struct {
	ptrs  []unsafe.Pointer
	strvs []**C.char
}

func (m *cmem) str(s string) *C.char {
	if s == "" {
		return nil
	}
	p := C.CString(s)
	m.ptrs = append(m.ptrs, unsafe.Pointer(p))
	return p
}

// strv returns a C NULL-terminated array, or NULL for a nil slice.
func (m *cmem) strv(v []string) **C.char {
	if v == nil {
		return nil
	}
	a := C.libctr_go_strv_new(C.size_t(len(v)))
	for i, s := range v {
		C.libctr_go_strv_set(a, C.size_t(i), C.CString(s))
	}
	m.strvs = append(m.strvs, a)
	return a
}

func (m *cmem) free() {
	for _, p := range m.ptrs {
		C.free(p)
	}
	for _, a := range m.strvs {
		C.libctr_go_strv_free_all(a)
	}
	m.ptrs, m.strvs = nil, nil
}

// goStrv copies a lent NULL-terminated array.
func goStrv(v **C.char) []string {
	out := []string{}
	if v == nil {
		return out
	}
	cv := (**C.char)(unsafe.Pointer(v))
	for i := 0; ; i++ {
		s := C.libctr_go_str_at((**C.char)(unsafe.Pointer(cv)), C.size_t(i))
		if s == nil {
			return out
		}
		out = append(out, C.GoString(s))
	}
}

// takeStrv copies an owned array and frees it with ctr_strv_free.
func takeStrv(v **C.char) []string {
	defer C.ctr_strv_free(v)
	return goStrv(v)
}

// takeString copies an owned string and frees it with ctr_free.
func takeString(p *C.char) string {
	if p == nil {
		return ""
	}
	defer C.ctr_free(unsafe.Pointer(p))
	return C.GoString(p)
}

func takeBytes(p *C.char) []byte {
	if p == nil {
		return nil
	}
	defer C.ctr_free(unsafe.Pointer(p))
	return C.GoBytes(unsafe.Pointer(p), C.int(C.strlen(p)))
}

func nsTime(ns C.int64_t) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(ns))
}

func bool2int(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

var errClosed = errors.New("libctr: use of a closed handle")

// HasImages reports whether the loaded libctr has the image API (ctr-image.h).
func HasImages() bool { return has("ctr_image_import") }

// HasNetworks reports whether the loaded libctr has the network API (ctr-network.h).
func HasNetworks() bool { return has("ctr_network_create") }

func has(name string) bool {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return C.libctr_go_has(n) != 0
}
