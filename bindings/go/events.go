// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"sync"
	"time"
	"unsafe"
)

// Event is one event of the runtime's journal (ctr-events.h, libctr 0.6):
// podman's `events --format json` object and its main fields.
type Event struct {
	Type       string // container, image, volume, network
	Status     string // create, start, died, ...
	ID         string
	Name       string // a network's name for network events
	Image      string
	Time       time.Time
	ExitCode   int // died and exec_died
	Attributes map[string]string
	JSON       []byte // the journal's line
}

// EventsOptions selects events.  Filters are podman's --filter strings
// ("container=web", "event=died", "label=app=x", "type=volume"); a zero
// Since or Until is no bound.
type EventsOptions struct {
	Follow  bool
	Since   time.Time
	Until   time.Time
	Filters []string
}

func eventFrom(e *C.ctr_event_t) Event {
	ev := Event{
		Type: C.GoString(e._type), Status: C.GoString(e.status), ID: C.GoString(e.id), Name: C.GoString(e.name),
		Image: C.GoString(e.image), Time: time.Unix(0, int64(e.time_ns)), ExitCode: int(e.exit_code),
		JSON: []byte(C.GoString(e.json)),
	}
	var doc struct{ Attributes map[string]string }
	if json.Unmarshal(ev.JSON, &doc) == nil && doc.Attributes != nil {
		ev.Attributes = doc.Attributes
	} else {
		ev.Attributes = map[string]string{}
	}
	return ev
}

func timeNs(t time.Time) C.int64_t {
	if t.IsZero() {
		return 0
	}
	return C.int64_t(t.UnixNano())
}

// eventsOptions fills o; the strings live in m.
func eventsOptions(opts EventsOptions, m *cmem, o *C.ctr_events_options_t) error {
	if err := call("ctr_events_options_init", func() C.int {
		return C.ctr_events_options_init(o, C.CTR_EVENTS_OPTIONS_VERSION)
	}); err != nil {
		return err
	}
	if opts.Follow {
		o.flags = C.CTR_EVENTS_FOLLOW
	}
	o.since_ns, o.until_ns = timeNs(opts.Since), timeNs(opts.Until)
	if len(opts.Filters) > 0 {
		o.filters = (**C.char)(unsafe.Pointer(m.strv(opts.Filters)))
	}
	return nil
}

// EventReader is a reader of the journal (ctr_events_open()).  Next blocks
// one goroutine (and its OS thread) in a follower; Cancel, from any
// goroutine, ends it with ErrCanceled; Fd is a descriptor for an event
// loop.  Close it when done (after Next returned).
type EventReader struct {
	mu sync.Mutex
	p  *C.ctr_events_t
	rt *Runtime
}

// OpenEvents opens a reader of the runtime's event journal.
func (r *Runtime) OpenEvents(opts EventsOptions) (*EventReader, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_events_options_t
	if err := eventsOptions(opts, &m, &o); err != nil {
		return nil, err
	}
	var p *C.ctr_events_t
	if err := call("ctr_events_open", func() C.int { return C.ctr_events_open(r.ptr(), &o, &p) }); err != nil {
		return nil, err
	}
	e := &EventReader{p: p, rt: r}
	runtime.SetFinalizer(e, (*EventReader).Close)
	return e, nil
}

// Next returns the next event; (nil, nil) at the end (all read without
// Follow, or Until passed); for a follower, an error matching ErrAgain when
// timeout (negative: no limit) passed with none.
func (e *EventReader) Next(timeout time.Duration) (*Event, error) {
	ms := int64(-1)
	if timeout >= 0 {
		ms = timeout.Milliseconds()
	}
	var ev *C.ctr_event_t
	n, err := callN("ctr_events_next", func() C.int { return C.ctr_events_next(e.p, C.int64_t(ms), &ev) })
	if err != nil || n == 0 {
		return nil, err
	}
	defer C.ctr_event_free(ev)
	out := eventFrom(ev)
	return &out, nil
}

// Fd is a descriptor that polls readable when Next(0) may have events
// (a follower only); lent: valid until Close.
func (e *EventReader) Fd() (int, error) {
	return callN("ctr_events_fd", func() C.int { return C.ctr_events_fd(e.p) })
}

// Cancel makes a waiting (or the next) Next fail with ErrCanceled.
func (e *EventReader) Cancel() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		C.ctr_events_cancel(e.p)
	}
}

// Close releases the reader; no Next may be running.
func (e *EventReader) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.p != nil {
		C.ctr_events_close(e.p)
		e.p = nil
		runtime.SetFinalizer(e, nil)
	}
	return nil
}

// Events streams the events on a channel, closed at the end: all read
// (without Follow), Until passed, ctx done, or an error, which the error
// channel (buffered) then holds.
func (r *Runtime) Events(ctx context.Context, opts EventsOptions) (<-chan Event, <-chan error, error) {
	e, err := r.OpenEvents(opts)
	if err != nil {
		return nil, nil, err
	}
	out, errc := make(chan Event), make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			e.Cancel()
		case <-stop:
		}
	}()
	go func() {
		defer close(out)
		defer e.Close()
		defer close(stop)
		for {
			ev, err := e.Next(-1)
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				errc <- err
				return
			}
			if ev == nil {
				return
			}
			select {
			case out <- *ev:
			case <-ctx.Done():
				errc <- ctx.Err()
				return
			}
		}
	}()
	return out, errc, nil
}

type eventsCall struct {
	fn func(Event) bool
}

//export goLibctrEvent
func goLibctrEvent(ev *C.ctr_event_t, handle C.uintptr_t) C.int {
	c := cgo.Handle(handle).Value().(*eventsCall)
	if c.fn(eventFrom(ev)) {
		return 1
	}
	return 0
}

// ReadEvents calls fn with each event (ctr_events_read()) until fn returns
// true (then ReadEvents returns true), the end, or an error.
func (r *Runtime) ReadEvents(opts EventsOptions, fn func(Event) bool) (bool, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_events_options_t
	if err := eventsOptions(opts, &m, &o); err != nil {
		return false, err
	}
	h := cgo.NewHandle(&eventsCall{fn: fn})
	defer h.Delete()
	n, err := callN("ctr_events_read", func() C.int { return C.libctr_go_events_read(r.ptr(), &o, C.uintptr_t(h)) })
	return n > 0, err
}
