// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"os"
	"runtime"
	"sync"
	"syscall"
	"time"
	"unsafe"
)

// Cancel is a cancellation token (ctr_cancel_t): Trigger it from any
// goroutine to end the C waits given it with ErrCanceled.
type Cancel struct {
	p *C.ctr_cancel_t
}

// NewCancel makes a token, not triggered.  Close it when done.
func NewCancel() (*Cancel, error) {
	var p *C.ctr_cancel_t
	if err := call("ctr_cancel_new", func() C.int { return C.ctr_cancel_new(&p) }); err != nil {
		return nil, err
	}
	return &Cancel{p: p}, nil
}

// Trigger ends the waits given the token; it stays triggered until Reset.
func (t *Cancel) Trigger() error {
	return call("ctr_cancel_trigger", func() C.int { return C.ctr_cancel_trigger(t.p) })
}

// Reset makes the token untriggered again.
func (t *Cancel) Reset() error {
	return call("ctr_cancel_reset", func() C.int { return C.ctr_cancel_reset(t.p) })
}

// Fd is the token's descriptor, readable while it is triggered (lent).
func (t *Cancel) Fd() int { return int(C.ctr_cancel_fd(t.p)) }

// Close frees the token; no wait may still use it.
func (t *Cancel) Close() {
	if t.p != nil {
		C.ctr_cancel_free(t.p)
		t.p = nil
	}
}

func (t *Cancel) ptr() *C.ctr_cancel_t {
	if t == nil {
		return nil
	}
	return t.p
}

// cancelOnDone is a token triggered when ctx ends (nil for a context that
// never does), and what releases it once the C call returned.
func cancelOnDone(ctx context.Context) (*Cancel, func(), error) {
	if ctx.Done() == nil {
		return nil, func() {}, nil
	}
	tok, err := NewCancel()
	if err != nil {
		return nil, nil, err
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ctx.Done():
			tok.Trigger()
		case <-stop:
		}
	}()
	return tok, func() {
		close(stop)
		<-done
		tok.Close()
	}, nil
}

func stateSet(states []State) C.uint {
	var m C.uint
	for _, s := range states {
		m |= 1 << C.uint(s)
	}
	if m == 0 {
		m = 1 << C.uint(StateExited)
	}
	return m
}

// Waiter watches one container until its state is in a set, through a
// descriptor (the monitor's exit, the event journal): Wait parks the goroutine in
// Go's own poller, so a thousand waits need no thread each.
type Waiter struct {
	c    *Container
	mu   sync.Mutex
	p    *C.ctr_waiter_t
	file *os.File // a non-blocking duplicate of the waiter's descriptor, in Go's poller
}

// NewWaiter makes a waiter for states (none: StateExited).  Close it.
func (c *Container) NewWaiter(states ...State) (*Waiter, error) {
	var p *C.ctr_waiter_t
	set := stateSet(states)
	if err := c.do("ctr_container_waiter_new", func(h *C.ctr_container_t) C.int {
		return C.ctr_container_waiter_new(h, set, &p)
	}); err != nil {
		return nil, err
	}
	w := &Waiter{c: c, p: p}
	fd, err := syscall.Dup(int(C.ctr_waiter_fd(p)))
	if err == nil {
		syscall.CloseOnExec(fd)
		err = syscall.SetNonblock(fd, true)
		w.file = os.NewFile(uintptr(fd), "libctr-waiter")
	}
	if err != nil {
		w.Close()
		return nil, &Error{Op: "ctr_waiter_fd", Errno: err.(syscall.Errno), Message: "duplicating the waiter's descriptor"}
	}
	return w, nil
}

// Fd is the waiter's descriptor for a caller's own poll loop (lent; level
// triggered): call Check when it is readable.
func (w *Waiter) Fd() int { return int(C.ctr_waiter_fd(w.p)) }

// Check looks at the container and re-arms the descriptor: done when the
// state is in the set or the container is not live.
func (w *Waiter) Check() (done bool, st State, exitCode int, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.p == nil {
		return false, StateUnknown, -1, &Error{Op: "ctr_waiter_check", Errno: syscall.EINVAL, Message: "closed waiter"}
	}
	var s, code C.int
	n, err := callN("ctr_waiter_check", func() C.int {
		return C.ctr_waiter_check(w.p, (*C.ctr_state_t)(unsafe.Pointer(&s)), &code)
	})
	return n == 1, State(s), int(code), err
}

// Wait waits until Check is done, in Go's poller.  The context's deadline
// or cancellation ends it with ctx.Err().
func (w *Waiter) Wait(ctx context.Context) (State, int, error) {
	rc, err := w.file.SyscallConn()
	if err != nil {
		return StateUnknown, -1, err
	}
	stop := make(chan struct{})
	defer close(stop)
	if ctx.Done() != nil {
		go func() {
			select {
			case <-ctx.Done():
				w.file.SetReadDeadline(time.Unix(1, 0)) // wakes the poller wait
			case <-stop:
			}
		}()
	}
	var st State
	code := -1
	var cerr error
	err = rc.Read(func(uintptr) bool {
		var done bool
		done, st, code, cerr = w.Check()
		return done || cerr != nil
	})
	if cerr != nil {
		return st, code, cerr
	}
	if err != nil {
		if ctx.Err() != nil {
			return st, -1, ctx.Err()
		}
		return st, -1, err
	}
	return st, code, nil
}

// Close frees the waiter.
func (w *Waiter) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.file != nil {
		w.file.Close()
		w.file = nil
	}
	if w.p != nil {
		C.ctr_waiter_free(w.p)
		w.p = nil
	}
	runtime.KeepAlive(w.c)
}

// WaitFor waits until the container's state is one of states (none:
// StateExited), or it is not live; its state and exit code (-1 unless
// exited).  No thread is blocked: the wait is in Go's poller.
func (c *Container) WaitFor(ctx context.Context, states ...State) (State, int, error) {
	w, err := c.NewWaiter(states...)
	if err != nil {
		return StateUnknown, -1, err
	}
	defer w.Close()
	return w.Wait(ctx)
}

// WaitForCancel is the blocking C wait (ctr_container_wait_for) with a
// token another goroutine may trigger, and a timeout (negative: none).
func (c *Container) WaitForCancel(timeout time.Duration, cancel *Cancel, states ...State) (State, int, error) {
	ms := C.int64_t(-1)
	if timeout >= 0 {
		ms = C.int64_t(timeout / time.Millisecond)
	}
	var tp *C.ctr_cancel_t
	if cancel != nil {
		tp = cancel.p
	}
	var s, code C.int
	set := stateSet(states)
	err := c.do("ctr_container_wait_for", func(h *C.ctr_container_t) C.int {
		return C.ctr_container_wait_for(h, set, ms, tp, (*C.ctr_state_t)(unsafe.Pointer(&s)), &code)
	})
	return State(s), int(code), err
}
