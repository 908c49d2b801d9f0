// SPDX-License-Identifier: LGPL-2.1-or-later

// Real containers through the Go bindings: runc + conmon on busybox, as root.
// With CI=true a missing piece fails instead of skipping.
package libctr_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"libctr"
)

var (
	sourceRoot  string
	workDir     string
	rootfsDir   string
	imageLayout string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	sourceRoot = os.Getenv("SOURCE_ROOT")
	if sourceRoot == "" {
		sourceRoot, _ = filepath.Abs("../..")
	}
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root")
	}
	for _, bin := range []string{"runc", "conmon"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "libctr tests need %s\n", strings.Join(missing, ", "))
		if os.Getenv("CI") == "true" {
			return 1
		}
		fmt.Println("SKIP")
		return 0
	}
	var err error
	if workDir, err = os.MkdirTemp("", "libctr-go-"); err != nil {
		panic(err)
	}
	defer os.RemoveAll(workDir)
	rootfsDir = filepath.Join(workDir, "rootfs")
	if out, err := exec.Command(filepath.Join(sourceRoot, "tests/lib/make-rootfs.sh"), rootfsDir).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "make-rootfs: %v\n%s", err, out)
		return 1
	}
	imageLayout = filepath.Join(workDir, "busybox-oci")
	if out, err := exec.Command(filepath.Join(sourceRoot, "bindings/make-test-image.sh"), imageLayout).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "make-test-image: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// runRootFor returns the run root of a runtime in root: root/run, or with
// CTR_TEST_RUN_DIR set (CI mounts a tmpfs there, as /run is on real machines)
// a new directory under it, removed when the test ends.
func runRootFor(t *testing.T, root string) string {
	t.Helper()
	base := os.Getenv("CTR_TEST_RUN_DIR")
	if base == "" {
		return filepath.Join(root, "run")
	}
	dir, err := os.MkdirTemp(base, "run-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// newRuntime opens a runtime in a fresh root; at the end no container may be left.
func newRuntime(t *testing.T) *libctr.Runtime {
	t.Helper()
	root, err := os.MkdirTemp(workDir, "rt-")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := libctr.NewRuntime(libctr.RuntimeOptions{Root: root, RunRoot: runRootFor(t, root),
		StateBackend: os.Getenv("CTR_TEST_BACKEND")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if libctr.HasPods() {
			// A pod's infra container goes only with its pod.
			pods, err := rt.Pods()
			if err != nil {
				t.Error(err)
			}
			for _, pod := range pods {
				t.Errorf("pod left behind: %s", pod.Name())
				pod.Remove(libctr.PodRemoveForce)
				pod.Close()
			}
		}
		list, err := rt.Containers()
		if err != nil {
			t.Error(err)
		}
		for _, c := range list {
			t.Errorf("container left behind: %s", c.Name())
			c.Remove(libctr.RemoveForce)
			c.Close()
		}
		if libctr.HasImages() {
			imgs, _ := rt.Images()
			for _, img := range imgs {
				rt.RemoveImage(img.ID(), true)
				img.Close()
			}
		}
		rt.Close()
		os.RemoveAll(root)
	})
	return rt
}

// busybox says where containers come from: the loaded test image, or (with a
// libctr that has no image API yet) the rootfs directory.
func busybox(t *testing.T, rt *libctr.Runtime, o libctr.ContainerOptions) libctr.ContainerOptions {
	t.Helper()
	if !libctr.HasImages() {
		o.Rootfs = rootfsDir
		return o
	}
	if _, err := rt.Image("busybox-test"); err != nil {
		img, err := rt.LoadImage(libctr.ImportOptions{Reference: "oci:" + imageLayout + ":latest", Name: "busybox-test"})
		if err != nil {
			t.Fatal(err)
		}
		img.Close()
	}
	o.Image = "busybox-test"
	return o
}

func create(t *testing.T, rt *libctr.Runtime, o libctr.ContainerOptions) *libctr.Container {
	t.Helper()
	c, err := rt.Create(busybox(t, rt, o))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func state(t *testing.T, c *libctr.Container) libctr.State {
	t.Helper()
	s, err := c.State()
	must(t, err)
	return s
}

func wait(t *testing.T, c *libctr.Container) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code, err := c.Wait(ctx)
	must(t, err)
	return code
}

func logText(t *testing.T, c *libctr.Container, o libctr.LogsOptions) string {
	t.Helper()
	lines, err := c.ReadLogs(o)
	must(t, err)
	var b strings.Builder
	for _, l := range lines {
		b.Write(l.Data)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestHello(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "hello", Command: []string{"echo", "hello"}})
	defer c.Close()
	if s := state(t, c); s != libctr.StateConfigured || s.String() != "configured" {
		t.Fatalf("state %v", s)
	}
	must(t, c.Start())
	if code := wait(t, c); code != 0 {
		t.Fatalf("exit code %d", code)
	}
	if got := logText(t, c, libctr.LogsOptions{}); got != "hello\n" {
		t.Fatalf("log %q", got)
	}
	d, err := c.Inspect()
	must(t, err)
	if d.ID != c.ID() || d.Name != "hello" || d.State.Status != "exited" || d.State.ExitCode != 0 || d.State.Running {
		t.Fatalf("inspect %+v", d)
	}
	if d.State.FinishedAt.Before(d.State.StartedAt) || d.Raw["HostConfig"] == nil {
		t.Fatalf("inspect times/raw %+v", d)
	}
	started, err := c.StartedAt()
	must(t, err)
	if started.IsZero() {
		t.Fatal("no start time")
	}
	must(t, c.Remove(0))
	if _, err := c.State(); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("state after remove: %v", err)
	}
	if c.Name() != "hello" {
		t.Fatal("config getters must work after remove")
	}
}

func TestExec(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "execy", Command: sh("exec sleep 100"), Env: []string{"FROM_CONFIG=yes"}})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	var out, errb bytes.Buffer
	code, err := c.Exec(libctr.ExecOptions{Argv: sh("echo $FROM_CONFIG $EXTRA $(id -u) $(pwd); echo oops >&2; exit 5"),
		Env: []string{"EXTRA=more"}, Workdir: "/tmp", Stdout: &out, Stderr: &errb})
	must(t, err)
	if code != 5 || out.String() != "yes more 0 /tmp\n" || errb.String() != "oops\n" {
		t.Fatalf("exec: %d %q %q", code, out.String(), errb.String())
	}
	out.Reset()
	code, err = c.Exec(libctr.ExecOptions{Argv: []string{"cat"}, Stdin: strings.NewReader("fed in"), Stdout: &out})
	must(t, err)
	if code != 0 || out.String() != "fed in" {
		t.Fatalf("stdin: %d %q", code, out.String())
	}
	// An *os.File goes straight through.
	f, err := os.CreateTemp(workDir, "out-")
	must(t, err)
	defer f.Close()
	_, err = c.Exec(libctr.ExecOptions{Argv: []string{"echo", "to a file"}, Stdout: f})
	must(t, err)
	if b, _ := os.ReadFile(f.Name()); string(b) != "to a file\n" {
		t.Fatalf("file: %q", b)
	}
	if code, err = c.Exec(libctr.ExecOptions{Argv: []string{"/no/such/binary"}}); err != nil || code != 127 {
		t.Fatalf("missing binary: %d %v", code, err)
	}
	// Concurrent execs from goroutines.
	var wg sync.WaitGroup
	codes := make([]int, 4)
	start := time.Now()
	for i := range codes {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			codes[i], _ = c.Exec(libctr.ExecOptions{Argv: sh(fmt.Sprintf("sleep 0.3; exit %d", i))})
		}(i)
	}
	wg.Wait()
	for i, code := range codes {
		if code != i {
			t.Fatalf("concurrent exec %d: %d", i, code)
		}
	}
	if time.Since(start) > 4*300*time.Millisecond+time.Second {
		t.Fatalf("execs did not run concurrently: %v", time.Since(start))
	}
	must(t, c.Stop(0))
	if ec, _ := c.ExitCode(); ec != 137 {
		t.Fatalf("exit code after stop: %d", ec)
	}
}

// Exec as a user, in a rootfs container: with an image container libctr
// fails (-EINVAL "user lookup"; see the Python suite's strict xfail).
func TestExecUser(t *testing.T) {
	rt := newRuntime(t)
	c, err := rt.Create(libctr.ContainerOptions{Name: "userexec", Rootfs: rootfsDir, Command: sh("exec sleep 100")})
	must(t, err)
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	var out bytes.Buffer
	if code, err := c.Exec(libctr.ExecOptions{Argv: sh("id -u"), User: "tester", Stdout: &out}); err != nil || code != 0 || out.String() != "1000\n" {
		t.Fatalf("exec as tester: %d %v %q", code, err, out.String())
	}
	if _, err := c.Exec(libctr.ExecOptions{Argv: []string{"true"}, User: "nosuchuser"}); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("unknown user: %v", err)
	}
}

func TestStatesAndErrors(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "walker", Command: sh("exec sleep 100")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	err := c.Pause()
	var e *libctr.Error
	if !errors.Is(err, libctr.ErrState) || !errors.Is(err, syscall.EBUSY) || !errors.As(err, &e) {
		t.Fatalf("pause configured: %v", err)
	}
	if e.Errno != syscall.EBUSY || e.Code() != -int(syscall.EBUSY) || e.Op != "ctr_container_pause" ||
		!strings.Contains(e.Message, "configured") {
		t.Fatalf("error fields: %#v", e)
	}
	must(t, c.Init())
	if s := state(t, c); s != libctr.StateCreated {
		t.Fatalf("state %v", s)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	_, err = c.Wait(ctx)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("wait with deadline: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	go func() { time.Sleep(100 * time.Millisecond); cancel() }()
	if _, err = c.Wait(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("wait cancelled: %v", err)
	}
	must(t, c.Start())
	if err = c.Start(); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("start running: %v", err)
	}
	if err = c.Remove(0); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("remove running: %v", err)
	}
	if err = c.Kill(999); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad signal: %v", err)
	}
	pid, err := c.PID()
	must(t, err)
	if pid <= 0 {
		t.Fatal("no pid")
	}
	p, err := c.NamespacePath(libctr.NamespaceNet)
	must(t, err)
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	must(t, c.Pause())
	if s := state(t, c); s != libctr.StatePaused {
		t.Fatalf("state %v", s)
	}
	must(t, c.Unpause())
	must(t, c.Kill(syscall.SIGKILL))
	if code := wait(t, c); code != 137 {
		t.Fatalf("killed: %d", code)
	}
	must(t, c.Cleanup())
	if _, err = rt.Create(libctr.ContainerOptions{Name: "walker", Rootfs: "/x"}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("name taken: %v", err)
	}
	if _, err = rt.Create(libctr.ContainerOptions{Name: "bad name!", Rootfs: "/x"}); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad name: %v", err)
	}
	_, err = rt.Lookup("no-such-container")
	if !errors.Is(err, libctr.ErrNotFound) || !errors.As(err, &e) || !strings.Contains(e.Error(), "no-such-container") {
		t.Fatalf("lookup: %v", err)
	}
	if err = rt.Remove("no-such-container", 0); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("remove unknown: %v", err)
	}
	if libctr.StrError(-int(syscall.ENOENT)) == "" {
		t.Fatal("StrError")
	}
}

func TestBatch(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "batchy", Command: sh("exec sleep 100")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	var st libctr.State
	must(t, c.Batch(func(b *libctr.Container) error {
		if err := b.AddArtifact("note", []byte("in a batch")); err != nil {
			return err
		}
		if err := b.Kill(syscall.SIGKILL); err != nil {
			return err
		}
		if _, err := b.Wait(context.Background()); err != nil {
			return err
		}
		var err error
		st, err = b.State()
		return err
	}))
	if st != libctr.StateExited {
		t.Fatalf("state in batch: %v", st)
	}
	if b, err := c.Artifact("note"); err != nil || string(b) != "in a batch" {
		t.Fatalf("artifact: %q %v", b, err)
	}
	sentinel := errors.New("stop here")
	if err := c.Batch(func(*libctr.Container) error { return sentinel }); err != sentinel {
		t.Fatalf("batch error: %v", err)
	}
	if err := c.Batch(func(b *libctr.Container) error { return b.Remove(libctr.RemoveForce) }); !errors.Is(err, libctr.ErrDeadlock) {
		t.Fatalf("remove in batch: %v", err)
	}
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Fatalf("panic not re-raised: %v", r)
			}
		}()
		c.Batch(func(*libctr.Container) error { panic("boom") })
	}()
	// The lock was released: other calls work.
	if s := state(t, c); s != libctr.StateExited {
		t.Fatalf("state %v", s)
	}
}

func TestLogs(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "logger", Command: sh("echo one; echo two >&2; echo three")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	wait(t, c)
	if got := logText(t, c, libctr.LogsOptions{Stdout: true}); got != "one\nthree\n" {
		t.Fatalf("stdout %q", got)
	}
	if got := logText(t, c, libctr.LogsOptions{Stderr: true}); got != "two\n" {
		t.Fatalf("stderr %q", got)
	}
	if got := logText(t, c, libctr.LogsOptions{Stdout: true, Tail: 1}); got != "three\n" {
		t.Fatalf("tail %q", got)
	}
	lines, err := c.ReadLogs(libctr.LogsOptions{})
	must(t, err)
	if len(lines) != 3 || lines[0].Time.Year() < 2024 {
		t.Fatalf("lines %+v", lines)
	}
	// Stop early with an error from the callback.
	stop := errors.New("enough")
	n := 0
	if err := c.Logs(context.Background(), libctr.LogsOptions{}, func(libctr.LogLine) error { n++; return stop }); err != stop || n != 1 {
		t.Fatalf("stop: %v %d", err, n)
	}
	f := create(t, rt, libctr.ContainerOptions{Name: "follower", Command: sh("for i in 1 2 3; do echo line$i; sleep 0.1; done")})
	defer f.Close()
	defer f.Remove(libctr.RemoveForce)
	must(t, f.Start())
	var got []string
	must(t, f.Logs(context.Background(), libctr.LogsOptions{Follow: true}, func(l libctr.LogLine) error {
		got = append(got, string(l.Data))
		return nil
	}))
	if strings.Join(got, ",") != "line1,line2,line3" {
		t.Fatalf("follow %q", got)
	}
}

func TestAttach(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "echoer", Flags: libctr.CreateStdin,
		Command: sh(`while read l; do echo "got $l"; done; echo bye`)})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	var out bytes.Buffer
	detached, err := c.Attach(libctr.AttachOptions{Stdin: strings.NewReader("hello\nworld\n"), Stdout: &out})
	must(t, err)
	if detached || out.String() != "got hello\ngot world\nbye\n" {
		t.Fatalf("attach: %v %q", detached, out.String())
	}
	if code := wait(t, c); code != 0 {
		t.Fatalf("exit %d", code)
	}
	d := create(t, rt, libctr.ContainerOptions{Name: "first", Command: sh("echo first; echo second >&2")})
	defer d.Close()
	defer d.Remove(libctr.RemoveForce)
	var o, e bytes.Buffer
	_, err = d.Attach(libctr.AttachOptions{Stdout: &o, Stderr: &e, Start: true})
	must(t, err)
	if o.String() != "first\n" || e.String() != "second\n" {
		t.Fatalf("attach start: %q %q", o.String(), e.String())
	}
	if _, err = d.Attach(libctr.AttachOptions{DetachKeys: "ctrl-"}); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad detach keys: %v", err)
	}
}

func TestListAndConfig(t *testing.T) {
	rt := newRuntime(t)
	owner := create(t, rt, libctr.ContainerOptions{Name: "nsowner", Command: sh("exec sleep 100")})
	defer owner.Close()
	timeout := 3 * time.Second
	c := create(t, rt, libctr.ContainerOptions{Name: "configured", Command: []string{"/bin/sh"}, Env: []string{"A=1"},
		Workdir: "/tmp", User: "tester", Hostname: "box", Labels: map[string]string{"k": "v", "x": "y"},
		StopSignal: syscall.SIGINT, StopTimeout: &timeout, ShmSize: 1 << 20, DNSServers: []string{"1.1.1.1"},
		DNSSearch: []string{"example.org"}, DNSOptions: []string{"ndots:2"}, HostsAdd: []string{"db:10.0.0.2"},
		Namespaces: map[libctr.Namespace]string{libctr.NamespaceIPC: "nsowner"}, SpecJSON: `{"annotations":{"a":"b"}}`,
		LogSizeMax: 12345})
	defer c.Close()
	if cfg, err := c.ConfigJSON(); err != nil || !strings.Contains(string(cfg), `"logSize":12345`) {
		t.Fatalf("log size limit not in the config: %s %v", cfg, err)
	}
	if got := c.Command(); len(got) != 1 || got[0] != "/bin/sh" {
		t.Fatalf("command %q", got)
	}
	if c.Workdir() != "/tmp" || c.User() != "tester" || c.Hostname() != "box" || c.Damage() != "" || c.StopSignal() != syscall.SIGINT ||
		c.StopTimeout() != 3*time.Second || c.ShmSize() != 1<<20 || c.Flags() != 0 {
		t.Fatal("config getters")
	}
	if !contains(c.Env(), "A=1") || c.DNSServers()[0] != "1.1.1.1" || c.DNSSearch()[0] != "example.org" ||
		c.DNSOptions()[0] != "ndots:2" || c.HostsAdd()[0] != "db:10.0.0.2" {
		t.Fatal("lists")
	}
	labels, err := c.Labels()
	must(t, err)
	if v, ok := c.Label("k"); !ok || v != "v" || len(labels) != 2 || labels["x"] != "y" {
		t.Fatalf("labels %v", labels)
	}
	if _, ok := c.Label("nope"); ok {
		t.Fatal("missing label")
	}
	if c.NamespaceContainer(libctr.NamespaceIPC) != owner.ID() || c.NamespaceContainer(libctr.NamespaceNet) != "" {
		t.Fatal("ns container")
	}
	deps, err := c.Dependencies()
	must(t, err)
	if len(deps) != 1 || deps[0] != owner.ID() {
		t.Fatalf("deps %v", deps)
	}
	var spec map[string]interface{}
	b, err := c.SpecJSON()
	must(t, err)
	must(t, json.Unmarshal(b, &spec))
	if spec["annotations"].(map[string]interface{})["a"] != "b" {
		t.Fatalf("spec %s", b)
	}
	for _, f := range []func() ([]byte, error){c.ConfigJSON, c.StateJSON} {
		b, err := f()
		must(t, err)
		if !json.Valid(b) {
			t.Fatalf("json %s", b)
		}
	}
	if c.LogPath() == "" || c.StaticDir() == "" || c.ShmDir() == "" || c.CgroupParent() == "" || c.Created().Year() < 2024 {
		t.Fatal("paths")
	}
	if mounted, _, err := c.Mounted(); err != nil || mounted {
		t.Fatalf("mounted %v %v", mounted, err)
	}
	if len(c.PortMappings()) != 0 || c.Mounts() == nil || c.Networks() == nil || c.Volumes() == nil || c.ExposedPorts() == nil {
		t.Fatal("empty lists")
	}
	if libctr.HasImages() {
		if c.ImageID() == "" || c.ImageName() == "" {
			t.Fatal("image")
		}
	} else if c.Rootfs() != rootfsDir {
		t.Fatal("rootfs")
	}
	// Lists and lookups.
	list, err := rt.Containers()
	must(t, err)
	if len(list) != 2 || list[0].Name() != "nsowner" || list[1].Name() != "configured" {
		t.Fatalf("list %v", list)
	}
	for _, l := range list {
		l.Close()
	}
	byPrefix, err := rt.Lookup(c.ID()[:16])
	must(t, err)
	if byPrefix.ID() != c.ID() {
		t.Fatal("prefix lookup")
	}
	byPrefix.Close()
	r2 := c.Runtime()
	if r2.Root() != rt.Root() || r2.RunRoot() != rt.RunRoot() || rt.StateBackend() == "" || rt.OCIRuntime() == "" || rt.BootID() == "" {
		t.Fatal("runtime getters")
	}
	r2.Close()
	// Artifacts.
	must(t, c.AddArtifact("blob", []byte{0, 1, 'x'}))
	if b, err := c.Artifact("blob"); err != nil || !bytes.Equal(b, []byte{0, 1, 'x'}) {
		t.Fatalf("artifact %q %v", b, err)
	}
	must(t, c.RemoveArtifact("blob"))
	if _, err := c.Artifact("blob"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("removed artifact: %v", err)
	}
	if err := c.AddArtifact("../escape", nil); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad artifact name: %v", err)
	}
	if err := owner.Remove(0); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("remove with dependents: %v", err)
	}
	must(t, rt.Remove("nsowner", libctr.RemoveForce)) // c goes too
	if err := c.Sync(); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("dependent removed: %v", err)
	}
}

func contains(v []string, s string) bool {
	for _, x := range v {
		if x == s {
			return true
		}
	}
	return false
}

func TestLogCallbackAndFinalizers(t *testing.T) {
	root, err := os.MkdirTemp(workDir, "logcb-")
	must(t, err)
	var mu sync.Mutex
	var msgs []string
	rt, err := libctr.NewRuntime(libctr.RuntimeOptions{Root: root, RunRoot: runRootFor(t, root), LogLevel: libctr.LogDebug,
		Log: func(level int, m string) { mu.Lock(); msgs = append(msgs, m); mu.Unlock() }})
	must(t, err)
	c, err := rt.Create(libctr.ContainerOptions{Name: "logcb", Rootfs: rootfsDir, Command: []string{"true"}})
	must(t, err)
	rt.Close() // the container keeps the runtime (and its log callback) alive
	must(t, c.Start())
	wait(t, c)
	must(t, c.Remove(0))
	c.Close()
	c.Close() // idempotent
	os.RemoveAll(root)
}

func TestImages(t *testing.T) {
	rt := newRuntime(t)
	if !libctr.HasImages() {
		if _, err := rt.LoadImage(libctr.ImportOptions{Reference: "oci:" + imageLayout + ":latest"}); !errors.Is(err, libctr.ErrNotSupported) {
			t.Fatalf("load without the image API: %v", err)
		}
		return
	}
	img, err := rt.LoadImage(libctr.ImportOptions{Reference: "oci:" + imageLayout + ":latest", Name: "bbtest"})
	must(t, err)
	defer img.Close()
	if len(img.ID()) != 64 || img.LayerCount() != 1 || img.Size() <= 0 || !contains(img.Names(), "localhost/bbtest:latest") {
		t.Fatalf("image %s %d %d %v", img.ID(), img.LayerCount(), img.Size(), img.Names())
	}
	info, err := img.Inspect()
	must(t, err)
	if info["Id"] != img.ID() {
		t.Fatalf("inspect %v", info)
	}
	must(t, img.Tag("other:v1"))
	imgs, err := rt.Images()
	must(t, err)
	if len(imgs) != 1 || imgs[0].ID() != img.ID() {
		t.Fatalf("images %v", imgs)
	}
	imgs[0].Close()
	c, err := rt.Create(libctr.ContainerOptions{Name: "fromimage", Image: "bbtest", Command: []string{"echo", "hello"}})
	must(t, err)
	defer c.Close()
	must(t, c.Start())
	if code := wait(t, c); code != 0 || logText(t, c, libctr.LogsOptions{}) != "hello\n" {
		t.Fatal("run from image")
	}
	must(t, rt.RemoveImage("other:v1", false)) // one of two names: only the name goes
	if err := rt.RemoveImage("bbtest", false); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("remove used image: %v", err)
	}
	must(t, c.Remove(0))
	must(t, rt.RemoveImage("bbtest", false))
	if _, err := rt.Image("bbtest"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("removed image: %v", err)
	}
}

func TestExample(t *testing.T) {
	rt := newRuntime(t)
	src := busybox(t, rt, libctr.ContainerOptions{})
	arg := src.Rootfs
	if arg == "" {
		arg = src.Image
	}
	bin := filepath.Join(workDir, "hello")
	if out, err := exec.Command("go", "build", "-o", bin, "./examples/hello").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, arg, rt.Root(), rt.RunRoot()).Output()
	if err != nil || string(out) != "hello\nexit code 0\n" {
		t.Fatalf("example: %v %q", err, out)
	}
}

// Config-only network calls, then one container on the network (real CNI bridge).
func TestNetworks(t *testing.T) {
	root, err := os.MkdirTemp(workDir, "net-")
	must(t, err)
	defer os.RemoveAll(root)
	rt, err := libctr.NewRuntime(libctr.RuntimeOptions{Root: root, RunRoot: runRootFor(t, root),
		CNIConfigDir: filepath.Join(root, "cni")})
	must(t, err)
	defer rt.Close()
	if !libctr.HasNetworks() {
		if _, err := rt.Networks(); !errors.Is(err, libctr.ErrNotSupported) {
			t.Fatalf("networks without the API: %v", err)
		}
		return
	}
	path, err := rt.CreateNetwork(libctr.NetworkOptions{Name: "bind-go", Subnet: "10.123.2.0/24",
		Labels: map[string]string{"by": "go"}})
	must(t, err)
	defer rt.RemoveNetwork("bind-go", true)
	if !strings.HasSuffix(path, "bind-go.conflist") {
		t.Fatalf("path %s", path)
	}
	names, err := rt.Networks()
	must(t, err)
	if len(names) != 1 || names[0] != "bind-go" {
		t.Fatalf("networks %v", names)
	}
	b, err := rt.InspectNetwork("bind-go")
	must(t, err)
	var info struct {
		Name    string
		Subnets []struct{ Subnet string }
	}
	must(t, json.Unmarshal(b, &info))
	if info.Name != "bind-go" || len(info.Subnets) != 1 || info.Subnets[0].Subnet != "10.123.2.0/24" {
		t.Fatalf("inspect %s", b)
	}
	if _, err := rt.CreateNetwork(libctr.NetworkOptions{Name: "bind-go"}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("duplicate network: %v", err)
	}
	if _, err := rt.InspectNetwork("no-such-network"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("unknown network: %v", err)
	}
	c, err := rt.Create(libctr.ContainerOptions{Name: "netty", Rootfs: rootfsDir, Flags: libctr.CreateNetNS,
		Networks: []string{"bind-go"}, Command: sh("ip -4 -o addr show eth0; exec sleep 100")})
	must(t, err)
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	ip, err := c.IPAddress("bind-go")
	must(t, err)
	if !strings.HasPrefix(ip, "10.123.2.") {
		t.Fatalf("ip %s", ip)
	}
	if first, err := c.IPAddress(""); err != nil || first != ip {
		t.Fatalf("first network's address: %s %v", first, err)
	}
	b, err = c.NetworksJSON()
	must(t, err)
	var st map[string]struct{ IPAddress string }
	must(t, json.Unmarshal(b, &st))
	if st["bind-go"].IPAddress != ip {
		t.Fatalf("networks json %s", b)
	}
	must(t, c.Stop(0))
	if got := logText(t, c, libctr.LogsOptions{}); !strings.Contains(got, "inet "+ip+"/24") {
		t.Fatalf("log %q", got)
	}
	must(t, c.Remove(0))
	must(t, rt.RemoveNetwork("bind-go", false))
	if names, _ := rt.Networks(); len(names) != 0 {
		t.Fatalf("networks left %v", names)
	}
}

func TestRename(t *testing.T) {
	rt := newRuntime(t)
	a := create(t, rt, libctr.ContainerOptions{Name: "goren-a", Command: []string{"sleep", "100"}})
	defer a.Close()
	defer a.Remove(libctr.RemoveForce)
	b := create(t, rt, libctr.ContainerOptions{Name: "goren-b", Command: []string{"true"}})
	defer b.Close()
	defer b.Remove(libctr.RemoveForce)
	if err := a.Rename("goren-b"); !errors.Is(err, libctr.ErrExists) || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("a name in use: %v", err)
	}
	if err := a.Rename("bad name"); !errors.Is(err, libctr.ErrInvalid) || !strings.Contains(err.Error(), "names must match") {
		t.Fatalf("an invalid name: %v", err)
	}
	must(t, a.Start())
	must(t, a.Rename("goren-c"))
	if st, err := a.State(); err != nil || st != libctr.StateRunning || a.Name() != "goren-c" {
		t.Fatalf("renamed: %v %v %q", st, err, a.Name())
	}
	again, err := rt.Lookup("goren-c")
	must(t, err)
	if again.ID() != a.ID() {
		t.Fatalf("lookup by the new name: %s", again.ID())
	}
	again.Close()
	if _, err := rt.Lookup("goren-a"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("lookup by the old name: %v", err)
	}
	fresh := create(t, rt, libctr.ContainerOptions{Name: "goren-a", Command: []string{"true"}})
	must(t, fresh.Remove(0))
	fresh.Close()
}

// pidsMax is pids.max of process pid's cgroup.
func pidsMax(t *testing.T, pid int) string {
	v, err := os.ReadFile(cgroupFile(t, pid, "pids", "pids.max", "pids.max"))
	must(t, err)
	return strings.TrimSpace(string(v))
}

func TestUpdate(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "goupd", Command: []string{"sleep", "100"}})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	must(t, c.Start())
	must(t, c.Update(libctr.ContainerOptions{Memory: 64 << 20, PidsLimit: 50, CPUShares: 7},
		libctr.UpdateMemory|libctr.UpdatePidsLimit))
	pid, err := c.PID()
	must(t, err)
	if got := pidsMax(t, pid); got != "50" {
		t.Fatalf("pids.max: %s", got)
	}
	o, err := c.Options()
	must(t, err)
	if o.Memory != 64<<20 || o.PidsLimit != 50 || o.CPUShares != 0 {
		t.Fatalf("the config after the update: memory %d, pids %d, shares %d", o.Memory, o.PidsLimit, o.CPUShares)
	}
	if err := c.Update(libctr.ContainerOptions{BlkioWeight: 5}, libctr.UpdateBlkioWeight); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("a bad weight: %v", err)
	}
	must(t, c.Stop(0))
	must(t, c.Start())
	pid, err = c.PID()
	must(t, err)
	if got := pidsMax(t, pid); got != "50" {
		t.Fatalf("pids.max after a restart: %s", got)
	}
}

func TestTop(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "toppy", Command: sh("sleep 100 & sleep 200 & wait")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if _, _, err := c.Top(); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("top of a configured container: %v", err)
	}
	must(t, c.Start())
	for i := 0; i < 100; i++ {
		if _, rows, err := c.Top("pid"); err == nil && len(rows) >= 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	header, rows, err := c.Top()
	must(t, err)
	if strings.Join(header, " ") != "USER PID PPID %CPU ELAPSED TTY TIME COMMAND" || len(rows) != 3 || rows[0][1] != "1" {
		t.Fatalf("default top: %q %q", header, rows)
	}
	header, rows, err = c.Top("pid", "ppid,hpid", "%a")
	must(t, err)
	pid, _ := c.PID()
	if strings.Join(header, " ") != "PID PPID HPID COMMAND" ||
		strings.Join(rows[0], "|") != fmt.Sprintf("1|0|%d|/bin/sh -c sleep 100 & sleep 200 & wait ", pid) {
		t.Fatalf("top pid ppid,hpid %%a: %q %q", header, rows)
	}
	for _, r := range rows[1:] {
		status, err := os.ReadFile("/proc/" + r[2] + "/status")
		must(t, err)
		if r[1] != "1" || !strings.Contains(string(status), "\nNSpid:\t"+r[2]+"\t"+r[0]+"\n") {
			t.Fatalf("row %q: /proc/%s/status\n%s", r, r[2], status)
		}
	}
	if _, _, err := c.Top("pid", "bogus"); !errors.Is(err, libctr.ErrInvalid) || !strings.Contains(err.Error(), "'bogus': unknown descriptor") {
		t.Fatalf("a bad descriptor: %v", err)
	}
	must(t, c.Stop(0))
	if _, _, err := c.Top(); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("top of a stopped container: %v", err)
	}
}

func TestCopy(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "copier", Command: []string{"true"}})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	dir := t.TempDir()
	tree := filepath.Join(dir, "tree")
	must(t, os.MkdirAll(filepath.Join(tree, "sub"), 0o755))
	f := filepath.Join(tree, "sub", "f")
	must(t, os.WriteFile(f, []byte("hello\n"), 0o644))
	must(t, os.Chown(f, 1234, 2345))
	must(t, syscall.Chmod(f, 0o4750))
	must(t, os.Symlink("/etc/passwd", filepath.Join(tree, "link")))
	must(t, c.CopyTo(tree, "/", 0))
	var buf bytes.Buffer
	must(t, c.CopyFromStream("/tree", &buf, 0))
	got := map[string]*tar.Header{}
	tr := tar.NewReader(&buf)
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		got[h.Name] = h
	}
	if h := got["tree/sub/f"]; h == nil || h.Mode&0o7777 != 0o4750 || h.Uid != 1234 || h.Gid != 2345 {
		t.Fatalf("tree/sub/f in the stream: %+v (all: %v)", h, got)
	}
	if h := got["tree/link"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "/etc/passwd" {
		t.Fatalf("tree/link in the stream: %+v", h)
	}
	// The stream back in, elsewhere, then a path copy out owned by the caller.
	var again bytes.Buffer
	must(t, c.CopyFromStream("/tree", &again, 0))
	must(t, c.CopyToStream(&again, "/tmp", libctr.CopyOverwrite))
	back := filepath.Join(dir, "back")
	must(t, c.CopyFrom("/tmp/tree/sub/f", back, libctr.CopyChown))
	if b, err := os.ReadFile(back); err != nil || string(b) != "hello\n" {
		t.Fatalf("copied back: %q %v", b, err)
	}
	var st syscall.Stat_t
	must(t, syscall.Stat(back, &st))
	if int(st.Uid) != os.Geteuid() || st.Mode&0o7777 != 0o4750 {
		t.Fatalf("copied back: uid %d mode %o", st.Uid, st.Mode)
	}
	err := c.CopyFrom("/nonexistent", filepath.Join(dir, "x"), 0)
	if !errors.Is(err, libctr.ErrNotFound) || !strings.Contains(err.Error(), `"/nonexistent" could not be found on container copier`) {
		t.Fatalf("a missing source: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Fatal("a failed copy left its destination")
	}
}

func TestStats(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "statsy", Command: sh("sleep 100 & sleep 200 & wait")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if _, err := c.Stats(nil); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("stats of a configured container: %v", err)
	}
	must(t, c.Start())
	for i := 0; i < 100; i++ {
		if _, rows, err := c.Top("pid"); err == nil && len(rows) >= 3 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	s, err := c.Stats(nil)
	must(t, err)
	if s.ID != c.ID() || s.Name != "statsy" || s.PIDs != 3 || s.MemUsage == 0 || s.MemLimit == 0 ||
		s.CPU < s.CPUUser || s.OnlineCPUs < 1 || s.Time.Before(s.Started) || (s.CgroupVersion == 1 && len(s.PerCPU) == 0) {
		t.Fatalf("a sample: %+v", s)
	}
	later, err := c.Stats(s)
	must(t, err)
	if later.CPU < s.CPU || !later.Time.After(s.Time) || later.CPUPercent < 0 {
		t.Fatalf("a later sample: %+v after %+v", later, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	rounds, err := libctr.StatsStream(ctx, 200*time.Millisecond, c)
	must(t, err)
	var times []time.Time
	for r := range rounds {
		if r.Err != nil || len(r.Stats) != 1 || r.Stats[0] == nil || r.Stats[0].ID != c.ID() {
			t.Fatalf("a round: %+v", r)
		}
		if times = append(times, r.Stats[0].Time); len(times) == 3 {
			cancel() // the channel closes: the stream stopped through its cancel descriptor
		}
	}
	if len(times) < 3 || times[2].Sub(times[0]) < 300*time.Millisecond {
		t.Fatalf("stream rounds at %v", times)
	}
	cancel()
	must(t, c.Stop(0))
	rounds, err = libctr.StatsStream(context.Background(), time.Second, c)
	must(t, err)
	if r := <-rounds; !errors.Is(r.Err, libctr.ErrState) {
		t.Fatalf("a stream of a stopped container: %+v", r)
	}
	if _, err := c.Stats(nil); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("stats of a stopped container: %v", err)
	}
}

func counterValue(t *testing.T, c *libctr.Container) int {
	var out bytes.Buffer
	if _, err := c.Exec(libctr.ExecOptions{Argv: []string{"cat", "/tmp/c"}, Stdout: &out}); err != nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.TrimSpace(out.String()))
	return n
}

func TestCheckpointRestore(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "ckpt", Command: sh("i=0; while :; do i=$((i+1)); echo $i > /tmp/c; sleep 0.1; done")})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if err := c.Checkpoint(libctr.CheckpointOptions{}); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("checkpoint of a configured container: %v", err)
	}
	if err := c.Restore(libctr.RestoreOptions{}); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("restore without a checkpoint: %v", err)
	}
	must(t, c.Start())
	before := 0
	for i := 0; i < 100 && before < 15; i++ {
		time.Sleep(100 * time.Millisecond)
		before = counterValue(t, c)
	}
	must(t, c.Checkpoint(libctr.CheckpointOptions{}))
	if st, _ := c.State(); st != libctr.StateExited {
		t.Fatalf("after checkpoint: %v", st)
	}
	must(t, c.Restore(libctr.RestoreOptions{}))
	if v := counterValue(t, c); v < before {
		t.Fatalf("the counter went from %d to %d", before, v)
	}
	archive := filepath.Join(t.TempDir(), "ckpt.tar")
	must(t, c.Checkpoint(libctr.CheckpointOptions{Export: archive, LeaveRunning: true}))
	if st, _ := c.State(); st != libctr.StateRunning {
		t.Fatalf("after --leave-running: %v", st)
	}
	c2, err := rt.Restore(archive, "ckpt2", libctr.RestoreOptions{})
	must(t, err)
	defer c2.Close()
	defer c2.Remove(libctr.RemoveForce)
	if c2.Name() != "ckpt2" || counterValue(t, c2) < before {
		t.Fatalf("imported %s: counter %d, was %d", c2.Name(), counterValue(t, c2), before)
	}
	must(t, os.Remove(archive))
}
