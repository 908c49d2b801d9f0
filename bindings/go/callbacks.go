// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"runtime/cgo"
	"sync"
	"sync/atomic"
	"unsafe"
)

// logSink is a runtime's log callback.  The C runtime may call it as long as
// any handle made from it lives, so every wrapper holds a reference and the
// cgo.Handle goes with the last one.
type logSink struct {
	fn     func(level int, message string)
	handle cgo.Handle
	refs   int32
	once   sync.Once
}

func (s *logSink) ref() *logSink {
	if s != nil {
		atomic.AddInt32(&s.refs, 1)
	}
	return s
}

func (s *logSink) unref() {
	if s != nil && atomic.AddInt32(&s.refs, -1) == 0 {
		s.once.Do(func() { s.handle.Delete() })
	}
}

//export goLibctrLog
func goLibctrLog(level C.int, message *C.char, handle C.uintptr_t) {
	defer func() { _ = recover() }() // never unwind into C
	s := cgo.Handle(handle).Value().(*logSink)
	s.fn(int(level), C.GoString(message))
}

type logLineFn func(stream Stream, ts int64, data []byte) bool

//export goLibctrLogLine
func goLibctrLogLine(stream C.int, ts C.int64_t, data *C.char, size C.size_t, handle C.uintptr_t) C.int {
	fn := cgo.Handle(handle).Value().(logLineFn)
	if fn(Stream(stream), int64(ts), C.GoBytes(unsafe.Pointer(data), C.int(size))) {
		return 0
	}
	return 1
}

type batchCall struct {
	fn       func() error
	err      error
	panicked interface{}
}

//export goLibctrBatch
func goLibctrBatch(handle C.uintptr_t) (r C.int) {
	b := cgo.Handle(handle).Value().(*batchCall)
	defer func() {
		if p := recover(); p != nil {
			b.panicked = p
			r = -C.ECANCELED
		}
	}()
	b.err = b.fn()
	if b.err == nil {
		return 0
	}
	if e, ok := b.err.(*Error); ok {
		return C.int(e.Code())
	}
	return -C.ECANCELED
}

type progressFn func(done, total uint64) bool

//export goLibctrProgress
func goLibctrProgress(done, total C.uint64_t, handle C.uintptr_t) (r C.int) {
	defer func() {
		if recover() != nil {
			r = 1
		}
	}()
	if cgo.Handle(handle).Value().(progressFn)(uint64(done), uint64(total)) {
		return 1
	}
	return 0
}
