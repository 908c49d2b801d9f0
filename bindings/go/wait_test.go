// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"libctr"
)

func osThreads(t *testing.T) int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "Threads:") {
			var n int
			fmt.Sscan(strings.TrimSpace(l[len("Threads:"):]), &n)
			return n
		}
	}
	t.Fatal("no Threads: line")
	return 0
}

// Thirty waits parked in Go's poller: no thread each, every exit seen.
func TestWaitForManyInPoller(t *testing.T) {
	rt := newRuntime(t)
	const n = 30
	cs := make([]*libctr.Container, n)
	for i := range cs {
		cs[i] = create(t, rt, libctr.ContainerOptions{Name: fmt.Sprintf("poll-%d", i), Command: sh("sleep 100")})
		must(t, cs[i].Start())
	}
	before := osThreads(t)
	var wg sync.WaitGroup
	codes := make([]int, n)
	errs := make([]error, n)
	for i, c := range cs {
		wg.Add(1)
		go func(i int, c *libctr.Container) {
			defer wg.Done()
			_, codes[i], errs[i] = c.WaitFor(context.Background(), libctr.StateExited)
		}(i, c)
	}
	time.Sleep(500 * time.Millisecond)
	if during := osThreads(t); during > before+n/3 {
		t.Errorf("threads: %d before the waits, %d while %d waits are parked", before, during, n)
	}
	for _, c := range cs {
		must(t, c.Kill(syscall.SIGKILL))
	}
	wg.Wait()
	for i, c := range cs {
		if errs[i] != nil || codes[i] != 137 {
			t.Errorf("%s: code %d, %v", c.Name(), codes[i], errs[i])
		}
		must(t, c.Remove(libctr.RemoveForce))
		c.Close()
	}
}

func TestWaiterAndCancel(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "waiter", Command: sh("sleep 100")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	// Not live: done at once with its state.
	if st, code, err := c.WaitFor(context.Background()); err != nil || st != libctr.StateConfigured || code != -1 {
		t.Fatalf("configured: %v %d %v", st, code, err)
	}
	must(t, c.Start())
	// A context's deadline ends a wait in the poller.
	ctx, cancelCtx := context.WithTimeout(context.Background(), 200*time.Millisecond)
	t0 := time.Now()
	if _, _, err := c.WaitFor(ctx); !errors.Is(err, context.DeadlineExceeded) || time.Since(t0) > 2*time.Second {
		t.Fatalf("deadline: %v after %v", err, time.Since(t0))
	}
	cancelCtx()
	// The C wait with a token triggered by another goroutine.
	tok, err := libctr.NewCancel()
	must(t, err)
	defer tok.Close()
	time.AfterFunc(200*time.Millisecond, func() { tok.Trigger() })
	if _, _, err := c.WaitForCancel(-1, tok); !errors.Is(err, libctr.ErrCanceled) {
		t.Fatalf("token: %v", err)
	}
	if tok.Fd() < 0 {
		t.Fatal("token descriptor")
	}
	must(t, tok.Reset())
	if _, _, err := c.WaitForCancel(100*time.Millisecond, tok); !errors.Is(err, libctr.ErrTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	// A waiter driven by hand: its descriptor, Check.
	w, err := c.NewWaiter(libctr.StateExited, libctr.StatePaused)
	must(t, err)
	defer w.Close()
	if done, st, _, err := w.Check(); done || err != nil || st != libctr.StateRunning {
		t.Fatalf("check while running: %v %v %v", done, st, err)
	}
	if w.Fd() < 0 {
		t.Fatal("waiter descriptor")
	}
	must(t, c.Kill(syscall.SIGKILL))
	st, code, err := w.Wait(context.Background())
	if err != nil || st != libctr.StateExited || code != 137 {
		t.Fatalf("waiter: %v %d %v", st, code, err)
	}
	// Another state, through the event journal: started by another goroutine.
	time.AfterFunc(200*time.Millisecond, func() { c.Start() })
	ctx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if st, _, err := c.WaitFor(ctx, libctr.StateRunning); err != nil || st != libctr.StateRunning {
		t.Fatalf("wait for running: %v %v", st, err)
	}
	if _, err := c.NewWaiter(libctr.State(20)); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("an unknown state: %v", err)
	}
}

// A context ends a log follow at once, with no further line, and an attach.
func TestFollowAndAttachContext(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "follow", Command: sh("echo one; sleep 100")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	ctx, cancel := context.WithCancel(context.Background())
	var lines int
	t0 := time.Now()
	time.AfterFunc(300*time.Millisecond, cancel)
	err := c.Logs(ctx, libctr.LogsOptions{Follow: true}, func(libctr.LogLine) error { lines++; return nil })
	if !errors.Is(err, context.Canceled) || lines != 1 || time.Since(t0) > 2*time.Second {
		t.Fatalf("follow: %v, %d lines, after %v", err, lines, time.Since(t0))
	}
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out strings.Builder
	if _, err := c.AttachContext(ctx, libctr.AttachOptions{Stdout: &out}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("attach: %v", err)
	}
	if st, err := c.State(); err != nil || st != libctr.StateRunning {
		t.Fatalf("after the attach: %v %v", st, err)
	}
}

// Restart gives a new process; the policy restarts an exit by itself, not a user's kill.
func TestRestartAndPolicy(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "rs", Command: sh("sleep 100"), RestartPolicy: "on-failure"})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	pid, _ := c.PID()
	must(t, c.Restart(0))
	if pid2, _ := c.PID(); pid2 == pid || pid2 == 0 {
		t.Fatalf("restart: pid %d then %d", pid, pid2)
	}
	must(t, c.Kill(syscall.SIGKILL))
	if _, err := c.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	if restarted, err := c.ApplyRestartPolicy(); restarted || err != nil {
		t.Fatalf("after a user's kill: %v %v", restarted, err)
	}
}

// HealthcheckRun: a failing check turns unhealthy after its retries, a passing one healthy.
func TestHealthcheckRun(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "hc", Command: sh("sleep 100"),
		HealthCmd: []string{libctr.HealthCmdShell, "exit 1"}, HealthInterval: time.Hour, HealthRetries: 2})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if h, err := c.Health(); h != libctr.HealthStarting || err != nil {
		t.Fatalf("before a check: %v %v", h, err)
	}
	must(t, c.Start())
	for i, want := range []libctr.Health{libctr.HealthStarting, libctr.HealthUnhealthy} {
		if passed, h, err := c.HealthcheckRun(); passed || h != want || err != nil {
			t.Fatalf("run %d: %v %v %v", i+1, passed, h, err)
		}
	}
	ok := create(t, rt, libctr.ContainerOptions{Name: "hc-ok", Command: sh("sleep 100"),
		HealthCmd: []string{libctr.HealthCmd, "/bin/true"}, HealthInterval: time.Hour})
	defer ok.Close()
	defer ok.Remove(libctr.RemoveForce)
	must(t, ok.Start())
	if passed, h, err := ok.HealthcheckRun(); !passed || h != libctr.HealthHealthy || h.String() != "healthy" || err != nil {
		t.Fatalf("a passing check: %v %v %v", passed, h, err)
	}
}
