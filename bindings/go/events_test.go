// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"context"
	"errors"
	"os"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"libctr"
)

func eventRuntime(t *testing.T) (*libctr.Runtime, func()) {
	root, err := os.MkdirTemp(workDir, "ev-")
	must(t, err)
	rt, err := libctr.NewRuntime(libctr.RuntimeOptions{Root: root, RunRoot: runRootFor(t, root)})
	must(t, err)
	return rt, func() { rt.Close(); os.RemoveAll(root) }
}

func volumeEvent(t *testing.T, rt *libctr.Runtime, name string, remove bool) {
	v, err := rt.CreateVolume(libctr.VolumeOptions{Name: name})
	must(t, err)
	v.Close()
	if remove {
		must(t, rt.RemoveVolume(name, false))
	}
}

// A follower as a channel: another goroutine's changes arrive, the context's
// cancel ends the stream.
func TestEventsChannel(t *testing.T) {
	rt, done := eventRuntime(t)
	defer done()
	ctx, cancel := context.WithCancel(context.Background())
	ch, errc, err := rt.Events(ctx, libctr.EventsOptions{Follow: true, Filters: []string{"type=volume"}})
	must(t, err)
	volumeEvent(t, rt, "goev1", true)
	var got []string
	timeout := time.After(5 * time.Second)
	for len(got) < 2 {
		select {
		case ev := <-ch:
			got = append(got, ev.Status+" "+ev.Name)
		case <-timeout:
			t.Fatalf("events so far: %v", got)
		}
	}
	if got[0] != "create goev1" || got[1] != "remove goev1" {
		t.Fatalf("events %v", got)
	}
	cancel()
	for range ch {
	}
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("after cancel: %v", err)
	}
}

// The reader: read back with filters and times, Next's timeout, the fd, the
// callback form, Cancel.
func TestEventReader(t *testing.T) {
	rt, done := eventRuntime(t)
	defer done()
	t0 := time.Now()
	volumeEvent(t, rt, "goev2", false)
	t1 := time.Now()
	must(t, rt.RemoveVolume("goev2", false))

	e, err := rt.OpenEvents(libctr.EventsOptions{Since: t0, Until: t1})
	must(t, err)
	ev, err := e.Next(-1)
	must(t, err)
	if ev == nil || ev.Type != "volume" || ev.Status != "create" || ev.Name != "goev2" || ev.Time.Before(t0) {
		t.Fatalf("first event %+v", ev)
	}
	if ev, err := e.Next(-1); ev != nil || err != nil {
		t.Fatalf("after the until time: %+v %v", ev, err)
	}
	if _, err := e.Fd(); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("fd without follow: %v", err)
	}
	e.Close()

	f, err := rt.OpenEvents(libctr.EventsOptions{Follow: true, Filters: []string{"event=remove"}})
	must(t, err)
	defer f.Close()
	if ev, err := f.Next(-1); err != nil || ev == nil || ev.Name != "goev2" {
		t.Fatalf("follower's first: %+v %v", ev, err)
	}
	if _, err := f.Next(50 * time.Millisecond); !errors.Is(err, libctr.ErrAgain) {
		t.Fatalf("timeout: %v", err)
	}
	fd, err := f.Fd()
	must(t, err)
	volumeEvent(t, rt, "goev3", true)
	pfd := []unixPollFd{{fd: int32(fd), events: 1}}
	if n := poll(pfd, 2000); n != 1 {
		t.Fatalf("poll on the fd: %d", n)
	}
	if ev, err := f.Next(0); err != nil || ev == nil || ev.Name != "goev3" || ev.Status != "remove" {
		t.Fatalf("after poll: %+v %v", ev, err)
	}
	f.Cancel()
	if _, err := f.Next(-1); !errors.Is(err, libctr.ErrCanceled) {
		t.Fatalf("after Cancel: %v", err)
	}

	var names []string
	stopped, err := rt.ReadEvents(libctr.EventsOptions{Filters: []string{"event=create"}}, func(ev libctr.Event) bool {
		names = append(names, ev.Name)
		return ev.Name == "goev2"
	})
	must(t, err)
	if !stopped || len(names) != 1 || names[0] != "goev2" {
		t.Fatalf("ReadEvents: %v %v", stopped, names)
	}
	if _, err := rt.OpenEvents(libctr.EventsOptions{Filters: []string{"colour=red"}}); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad filter: %v", err)
	}
}

// A container's events: create, init, start, died with its exit code, remove.
func TestContainerEvents(t *testing.T) {
	rt, done := eventRuntime(t)
	defer done()
	c, err := rt.Create(libctr.ContainerOptions{Name: "goevc", Rootfs: rootfsDir, Command: sh("exit 4"),
		Labels: map[string]string{"app": "go"}})
	must(t, err)
	must(t, c.Start())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, err := c.Wait(ctx)
	must(t, err)
	if code != 4 {
		t.Fatalf("exit code %d", code)
	}
	must(t, c.Remove(0))
	c.Close()
	var got []libctr.Event
	_, err = rt.ReadEvents(libctr.EventsOptions{Filters: []string{"container=goevc"}}, func(ev libctr.Event) bool {
		got = append(got, ev)
		return false
	})
	must(t, err)
	want := []string{"create", "init", "start", "died", "remove"}
	if len(got) != len(want) {
		t.Fatalf("events %v", got)
	}
	for i, w := range want {
		if got[i].Status != w {
			t.Fatalf("event %d: %s, want %s", i, got[i].Status, w)
		}
	}
	if got[3].ExitCode != 4 || got[3].Attributes["app"] != "go" {
		t.Fatalf("died %+v", got[3])
	}
}

type unixPollFd struct {
	fd      int32
	events  int16
	revents int16
}

func poll(fds []unixPollFd, ms int) int {
	for {
		n, _, e := syscall.Syscall(syscall.SYS_POLL, uintptr(unsafe.Pointer(&fds[0])), uintptr(len(fds)), uintptr(ms))
		if e != syscall.EINTR {
			return int(n)
		}
	}
}
