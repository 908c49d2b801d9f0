// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/cgo"
	"syscall"
	"time"
)

// Init creates the container in the OCI runtime (state StateCreated).
func (c *Container) Init() error {
	return c.do("ctr_container_init", func(p *C.ctr_container_t) C.int { return C.ctr_container_init(p) })
}

// Start starts the container, initializing it first when configured or exited.
func (c *Container) Start() error {
	return c.do("ctr_container_start", func(p *C.ctr_container_t) C.int { return C.ctr_container_start(p) })
}

// DefaultStopTimeout makes Stop use the container's own stop timeout.
const DefaultStopTimeout time.Duration = -1

// Stop sends the stop signal, waits up to timeout (whole seconds; 0 kills at
// once; DefaultStopTimeout uses the container's), then SIGKILL.
func (c *Container) Stop(timeout time.Duration) error {
	t := C.int(-1)
	if timeout >= 0 {
		t = C.int(timeout / time.Second)
	}
	return c.do("ctr_container_stop", func(p *C.ctr_container_t) C.int { return C.ctr_container_stop(p, t) })
}

// Restart stops the container if it is live (as Stop), then starts it again
// (podman restart).
func (c *Container) Restart(timeout time.Duration) error {
	t := C.int(-1)
	if timeout >= 0 {
		t = C.int(timeout / time.Second)
	}
	return c.do("ctr_container_restart", func(p *C.ctr_container_t) C.int { return C.ctr_container_restart(p, t) })
}

// ApplyRestartPolicy applies the restart policy to an exit, as the
// monitor's exit command does; restarted tells whether it started again.
func (c *Container) ApplyRestartPolicy() (restarted bool, err error) {
	var n C.int
	err = c.do("ctr_container_apply_restart_policy", func(p *C.ctr_container_t) C.int {
		n = C.ctr_container_apply_restart_policy(p)
		return n
	})
	return n == 1, err
}

// Health is a container's health (ctr_health_status_t); String is podman's State.Health.Status.
type Health int

const (
	HealthNoCheck   Health = C.CTR_HEALTH_NONE      // no healthcheck ("")
	HealthStarting  Health = C.CTR_HEALTH_STARTING  // not yet healthy nor unhealthy
	HealthHealthy   Health = C.CTR_HEALTH_HEALTHY   // the last check passed
	HealthUnhealthy Health = C.CTR_HEALTH_UNHEALTHY // retries checks in a row failed
)

func (h Health) String() string {
	switch h {
	case HealthStarting:
		return "starting"
	case HealthHealthy:
		return "healthy"
	case HealthUnhealthy:
		return "unhealthy"
	}
	return ""
}

// HealthcheckRun runs the healthcheck once (podman healthcheck run): whether
// it passed, and the health after it.  A timeout is an error (and recorded
// as a failure).
func (c *Container) HealthcheckRun() (passed bool, health Health, err error) {
	var st C.ctr_health_status_t
	var n C.int
	err = c.do("ctr_container_healthcheck_run", func(p *C.ctr_container_t) C.int {
		n = C.ctr_container_healthcheck_run(p, &st)
		return n
	})
	return err == nil && n == 0, Health(st), err
}

// Health is the container's health as its last check left it.
func (c *Container) Health() (Health, error) {
	var st C.ctr_health_status_t
	err := c.do("ctr_container_health_status", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_health_status(p, &st)
	})
	return Health(st), err
}

// Kill sends a signal to the container's first process.
func (c *Container) Kill(sig syscall.Signal) error {
	return c.do("ctr_container_kill", func(p *C.ctr_container_t) C.int { return C.ctr_container_kill(p, C.int(sig)) })
}

// Pause freezes the container's processes.
func (c *Container) Pause() error {
	return c.do("ctr_container_pause", func(p *C.ctr_container_t) C.int { return C.ctr_container_pause(p) })
}

// Unpause thaws them.
func (c *Container) Unpause() error {
	return c.do("ctr_container_unpause", func(p *C.ctr_container_t) C.int { return C.ctr_container_unpause(p) })
}

// Cleanup releases what an exited container still holds.
func (c *Container) Cleanup() error {
	return c.do("ctr_container_cleanup", func(p *C.ctr_container_t) C.int { return C.ctr_container_cleanup(p) })
}

// waitSlice bounds one C wait when the context can be cancelled without a
// deadline, for an OCI backend without exit descriptors only: the wait is
// event driven, the slice only lets cancellation in.
const waitSlice = 250 * time.Millisecond

// Wait waits until the container exits and returns its exit code.  The
// context's deadline or cancellation ends the wait with ctx.Err().  The
// wait is in Go's poller (a Waiter): no thread is blocked.
func (c *Container) Wait(ctx context.Context) (int, error) {
	_, code, err := c.WaitFor(ctx, StateExited)
	if !errors.Is(err, ErrNotSupported) {
		return code, err
	}
	return c.waitSliced(ctx)
}

func (c *Container) waitSliced(ctx context.Context) (int, error) {
	for {
		ms := C.int64_t(-1)
		if ctx.Done() != nil {
			slice := waitSlice
			if dl, ok := ctx.Deadline(); ok {
				if left := time.Until(dl); left < slice {
					slice = left
				}
			}
			if slice < 0 {
				slice = 0
			}
			ms = C.int64_t(slice / time.Millisecond)
		}
		var code C.int
		err := c.do("ctr_container_wait", func(p *C.ctr_container_t) C.int { return C.ctr_container_wait(p, ms, &code) })
		if err == nil {
			return int(code), nil
		}
		if !errors.Is(err, ErrTimeout) || ms < 0 {
			return -1, err
		}
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
	}
}

// ExecOptions describe a process for Exec.
type ExecOptions struct {
	Argv       []string
	Env        []string // KEY=VALUE, added to the container's
	User       string
	Workdir    string
	TTY        bool
	Privileged bool
	// Stdin, Stdout and Stderr work as in os/exec.Cmd: nil means /dev/null;
	// an *os.File is passed as is; anything else goes through a pipe.
	Stdin      io.Reader
	Stdout     io.Writer
	Stderr     io.Writer
	DetachKeys string
}

// Exec runs a process in the running container, waits for it and returns
// its exit code (126: cannot execute, 127: not found, 128+signal: killed).
func (c *Container) Exec(opts ExecOptions) (int, error) {
	var m cmem
	defer m.free()
	var o C.ctr_exec_options_t
	if err := call("ctr_exec_options_init", func() C.int { return C.ctr_exec_options_init(&o, C.CTR_EXEC_OPTIONS_VERSION) }); err != nil {
		return -1, err
	}
	o.argv = m.strv(opts.Argv)
	o.env = m.strv(opts.Env)
	o.user = m.str(opts.User)
	o.workdir = m.str(opts.Workdir)
	o.detach_keys = m.str(opts.DetachKeys)
	if opts.TTY {
		o.flags |= C.CTR_EXEC_TTY
	}
	if opts.Privileged {
		o.flags |= C.CTR_EXEC_PRIVILEGED
	}
	s, err := newStdio(opts.Stdin, opts.Stdout, opts.Stderr)
	if err != nil {
		return -1, err
	}
	o.stdin_fd, o.stdout_fd, o.stderr_fd = C.int(s.fds[0]), C.int(s.fds[1]), C.int(s.fds[2])
	var code C.int
	err = c.do("ctr_container_exec", func(p *C.ctr_container_t) C.int { return C.ctr_container_exec(p, &o, &code) })
	if cerr := s.finish(); err == nil && cerr != nil {
		return int(code), cerr
	}
	if err != nil {
		return -1, err
	}
	return int(code), nil
}

// AttachOptions for Attach.
type AttachOptions struct {
	// Streams as in ExecOptions.  Stdin needs CreateStdin or a terminal.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// DetachKeys such as "ctrl-p,ctrl-q" (the default when ""); use NoDetachKeys for none.
	DetachKeys string
	// Start starts the container once attached, so none of its output is missed.
	Start bool
	// ReturnOnStdinEOF returns when Stdin ends instead of when the output ends.
	ReturnOnStdinEOF bool
}

// NoDetachKeys disables detaching in AttachOptions.DetachKeys.
const NoDetachKeys = "\x00none"

// Attach relays the container's streams until its output ends (it exited)
// or the detach keys are typed; detached tells which.
func (c *Container) Attach(opts AttachOptions) (detached bool, err error) {
	return c.AttachContext(context.Background(), opts)
}

// AttachContext is Attach that the context's end interrupts (ctx.Err();
// the container goes on running).
func (c *Container) AttachContext(ctx context.Context, opts AttachOptions) (detached bool, err error) {
	tok, release, err := cancelOnDone(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	var m cmem
	defer m.free()
	var o C.ctr_attach_options_t
	if err := call("ctr_attach_options_init", func() C.int { return C.ctr_attach_options_init(&o, C.CTR_ATTACH_OPTIONS_VERSION) }); err != nil {
		return false, err
	}
	switch opts.DetachKeys {
	case "":
	case NoDetachKeys:
		o.detach_keys = m.str("\x00") // the C string "": never detach
	default:
		o.detach_keys = m.str(opts.DetachKeys)
	}
	if opts.Start {
		o.flags |= C.CTR_ATTACH_START
	}
	if opts.ReturnOnStdinEOF {
		o.flags |= C.CTR_ATTACH_RETURN_ON_STDIN_EOF
	}
	s, err := newStdio(opts.Stdin, opts.Stdout, opts.Stderr)
	if err != nil {
		return false, err
	}
	o.stdin_fd, o.stdout_fd, o.stderr_fd = C.int(s.fds[0]), C.int(s.fds[1]), C.int(s.fds[2])
	o.cancel = tok.ptr()
	var r int
	err = c.do("ctr_container_attach", func(p *C.ctr_container_t) C.int {
		v := C.ctr_container_attach(p, &o)
		r = int(v)
		return v
	})
	if cerr := s.finish(); err == nil && cerr != nil {
		return false, cerr
	}
	if errors.Is(err, ErrCanceled) && ctx.Err() != nil {
		return false, ctx.Err()
	}
	return r == C.CTR_ATTACH_DETACHED, err
}

// Resize resizes the container's terminal.
func (c *Container) Resize(height, width uint) error {
	return c.do("ctr_container_resize", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_resize(p, C.uint(height), C.uint(width))
	})
}

// Stream of a log line.
type Stream int

const (
	Stdout Stream = C.CTR_STREAM_STDOUT
	Stderr Stream = C.CTR_STREAM_STDERR
)

// LogLine is one line of a container's log, without its newline.
type LogLine struct {
	Stream Stream
	Time   time.Time
	Data   []byte
}

// LogsOptions select part of the log.
type LogsOptions struct {
	Follow bool // keep reading until the container exits
	// Stdout and Stderr select streams; neither means both.
	Stdout, Stderr bool
	Since, Until   time.Time
	Tail           int // the last Tail lines; 0 means all
}

// Logs calls fn for each line of the log, in order.  fn returning an error
// stops reading and Logs returns it; so does the context's end (at once,
// also while a follow waits for the next line).
func (c *Container) Logs(ctx context.Context, opts LogsOptions, fn func(LogLine) error) error {
	tok, release, err := cancelOnDone(ctx)
	if err != nil {
		return err
	}
	defer release()
	var o C.ctr_logs_options_t
	if err := call("ctr_logs_options_init", func() C.int { return C.ctr_logs_options_init(&o, C.CTR_LOGS_OPTIONS_VERSION) }); err != nil {
		return err
	}
	if opts.Follow {
		o.flags |= C.CTR_LOGS_FOLLOW
	}
	if opts.Stdout && !opts.Stderr {
		o.flags |= C.CTR_LOGS_STDOUT
	}
	if opts.Stderr && !opts.Stdout {
		o.flags |= C.CTR_LOGS_STDERR
	}
	if !opts.Since.IsZero() {
		o.since = C.int64_t(opts.Since.UnixNano())
	}
	if !opts.Until.IsZero() {
		o.until = C.int64_t(opts.Until.UnixNano())
	}
	if opts.Tail > 0 {
		o.tail = C.int64_t(opts.Tail)
	}
	var stop error
	var cb logLineFn = func(stream Stream, ts int64, data []byte) bool {
		if stop = ctx.Err(); stop != nil {
			return false
		}
		stop = fn(LogLine{Stream: stream, Time: time.Unix(0, ts), Data: data})
		return stop == nil
	}
	o.cancel = tok.ptr()
	h := cgo.NewHandle(cb)
	defer h.Delete()
	err = c.do("ctr_container_logs", func(p *C.ctr_container_t) C.int { return C.libctr_go_logs(p, &o, C.uintptr_t(h)) })
	if stop != nil {
		return stop
	}
	if errors.Is(err, ErrCanceled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// ReadLogs returns the log's lines (not following).
func (c *Container) ReadLogs(opts LogsOptions) ([]LogLine, error) {
	opts.Follow = false
	var lines []LogLine
	err := c.Logs(context.Background(), opts, func(l LogLine) error {
		lines = append(lines, l)
		return nil
	})
	return lines, err
}

// ---- standard streams for exec and attach ----

type stdio struct {
	fds     [3]int
	closers []io.Closer // our ends, closed after the call
	keep    []*os.File
	done    chan error
	pending int
}

func newStdio(in io.Reader, out, errw io.Writer) (*stdio, error) {
	s := &stdio{fds: [3]int{-1, -1, -1}, done: make(chan error, 3)}
	if in != nil {
		if f, ok := in.(*os.File); ok {
			s.fds[0] = int(f.Fd())
			s.keep = append(s.keep, f)
		} else {
			r, w, err := os.Pipe()
			if err != nil {
				return nil, err
			}
			s.fds[0] = int(r.Fd())
			s.closers = append(s.closers, r)
			s.pending++
			go func() {
				_, err := io.Copy(w, in)
				w.Close()
				if errors.Is(err, syscall.EPIPE) {
					err = nil // the process did not read it all
				}
				s.done <- err
			}()
		}
	}
	for i, wr := range []io.Writer{out, errw} {
		if wr == nil {
			continue
		}
		if f, ok := wr.(*os.File); ok {
			s.fds[i+1] = int(f.Fd())
			s.keep = append(s.keep, f)
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			s.finish()
			return nil, err
		}
		s.fds[i+1] = int(w.Fd())
		s.closers = append(s.closers, w)
		s.pending++
		go func(wr io.Writer) {
			_, err := io.Copy(wr, r)
			r.Close()
			s.done <- err
		}(wr)
	}
	return s, nil
}

// finish closes our pipe ends and waits for the copies.
func (s *stdio) finish() error {
	for _, c := range s.closers {
		c.Close()
	}
	var first error
	for ; s.pending > 0; s.pending-- {
		if err := <-s.done; err != nil && first == nil {
			first = err
		}
	}
	runtime.KeepAlive(s.keep)
	return first
}
