// SPDX-License-Identifier: LGPL-2.1-or-later

// Version 3 of the container options through the Go bindings: a bind mount,
// a memory limit in the container's cgroup, and every option reaching the
// library (inspect's podman-shaped keys, the OCI spec that init writes).
package libctr_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libctr"
)

const mib = 1 << 20

// jsonEq compares a decoded JSON value with the JSON text want.
func jsonEq(t *testing.T, what string, got interface{}, want string) {
	t.Helper()
	var w interface{}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation %s: %v", what, want, err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("%s: got %s, want %s", what, g, want)
	}
}

// hasJSON tells whether the JSON array list has an element equal to the JSON text want.
func hasJSON(t *testing.T, what string, list interface{}, want string) {
	t.Helper()
	var w interface{}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: bad expectation %s: %v", what, want, err)
	}
	arr, _ := list.([]interface{})
	for _, e := range arr {
		if reflect.DeepEqual(e, w) {
			return
		}
	}
	g, _ := json.Marshal(list)
	t.Errorf("%s: %s has no %s", what, g, want)
}

func obj(v interface{}) map[string]interface{} {
	m, _ := v.(map[string]interface{})
	if m == nil {
		return map[string]interface{}{}
	}
	return m
}

func inspectRaw(t *testing.T, c *libctr.Container) map[string]interface{} {
	t.Helper()
	d, err := c.Inspect()
	must(t, err)
	return d.Raw
}

// cgroupFile is the cgroup file of process pid: in the v1 hierarchy of
// controller, else in the v2 one.
func cgroupFile(t *testing.T, pid int, controller, v1File, v2File string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cgroup")
	must(t, err)
	info, err := os.ReadFile("/proc/self/mountinfo")
	must(t, err)
	type mnt struct{ point, fstype, opts string }
	var mounts []mnt
	for _, line := range strings.Split(strings.TrimSpace(string(info)), "\n") {
		left, right, _ := strings.Cut(line, " - ")
		l, r := strings.Fields(left), strings.Fields(right)
		mounts = append(mounts, mnt{l[4], r[0], r[2]})
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	for _, line := range lines {
		f := strings.SplitN(line, ":", 3)
		for _, ctl := range strings.Split(f[1], ",") {
			if ctl != controller {
				continue
			}
			for _, m := range mounts {
				if m.fstype == "cgroup" && contains(strings.Split(m.opts, ","), controller) {
					return filepath.Join(m.point, f[2], v1File)
				}
			}
		}
	}
	for _, line := range lines {
		if strings.HasPrefix(line, "0::") {
			for _, m := range mounts {
				if m.fstype == "cgroup2" {
					return filepath.Join(m.point, line[3:], v2File)
				}
			}
		}
	}
	t.Fatalf("no %s cgroup for pid %d: %q", controller, pid, lines)
	return ""
}

// blockDevice is a block device node of this machine (/dev/vda...), for the throttles.
func blockDevice(t *testing.T) (string, uint64) {
	t.Helper()
	names, err := os.ReadDir("/sys/block")
	must(t, err)
	for _, n := range names {
		if strings.HasPrefix(n.Name(), "loop") || strings.HasPrefix(n.Name(), "ram") {
			continue
		}
		var st syscall.Stat_t
		if syscall.Stat("/dev/"+n.Name(), &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFBLK {
			return "/dev/" + n.Name(), st.Rdev
		}
	}
	t.Fatal("no block device on this machine for the device throttles")
	return "", 0
}

func runToEnd(t *testing.T, c *libctr.Container) (int, string) {
	t.Helper()
	must(t, c.Start())
	code := wait(t, c)
	return code, logText(t, c, libctr.LogsOptions{})
}

func TestMountValues(t *testing.T) {
	m := libctr.BindMount("/src", "/data", "ro", "rprivate")
	if !reflect.DeepEqual(m, libctr.Mount{Type: "bind", Source: "/src", Destination: "/data", Options: []string{"ro", "rprivate"}}) {
		t.Fatalf("bind %+v", m)
	}
	if m := libctr.TmpfsMount("/scratch", "size=10m"); m.Type != "tmpfs" || m.Source != "" || m.Options[0] != "size=10m" {
		t.Fatalf("tmpfs %+v", m)
	}
	if m := libctr.VolumeMount("vol", "/v"); m.Type != "volume" || m.Source != "vol" || m.Destination != "/v" {
		t.Fatalf("volume %+v", m)
	}
}

func TestFlagsFromFields(t *testing.T) {
	rt := newRuntime(t)
	zero := 0
	c := create(t, rt, libctr.ContainerOptions{Name: "flagged", Init: true, OOMKillDisable: true, NoNewPrivileges: true,
		Flags: libctr.CreateReadOnly, NoReadOnlyTmpfs: true, OOMScoreAdj: &zero})
	defer c.Close()
	want := libctr.CreateInit | libctr.CreateOOMKillDisable | libctr.CreateNoNewPrivs | libctr.CreateReadOnly |
		libctr.CreateNoReadOnlyTmpfs | libctr.CreateOOMScoreAdj
	if c.Flags() != want {
		t.Errorf("flags %#x, want %#x", c.Flags(), want)
	}
	must(t, c.Remove(0))
}

// TestBindMount: a file written on the host is read inside; with ro a write
// inside fails, with rw it lands on the host.
func TestBindMount(t *testing.T) {
	rt := newRuntime(t)
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "hello.txt"), []byte("from the host\n"), 0o644))
	script := sh("cat /data/hello.txt; echo inside > /data/new.txt && echo wrote")
	c := create(t, rt, libctr.ContainerOptions{Name: "bind-ro", Command: script,
		Mounts: []libctr.Mount{libctr.BindMount(src, "/data", "ro")}})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if got := c.Mounts(); !reflect.DeepEqual(got, []string{"/data"}) {
		t.Errorf("mounts %q", got)
	}
	code, log := runToEnd(t, c)
	if !strings.HasPrefix(log, "from the host\n") || strings.Contains(log, "wrote") || code == 0 {
		t.Errorf("ro: exit %d, log %q", code, log)
	}
	if _, err := os.Stat(filepath.Join(src, "new.txt")); err == nil {
		t.Error("a write through a ro bind mount reached the host")
	}
	raw := inspectRaw(t, c)
	jsonEq(t, "HostConfig.Binds", obj(raw["HostConfig"])["Binds"], `["`+src+`:/data:ro,rprivate,rbind"]`)
	var mounts []interface{}
	for _, m := range raw["Mounts"].([]interface{}) {
		m := obj(m)
		mounts = append(mounts, []interface{}{m["Type"], m["Source"], m["Destination"], m["RW"]})
	}
	jsonEq(t, "Mounts", mounts, `[["bind", "`+src+`", "/data", false]]`)

	rw := create(t, rt, libctr.ContainerOptions{Name: "bind-rw", Command: script,
		Mounts: []libctr.Mount{libctr.BindMount(src, "/data")}})
	defer rw.Close()
	defer rw.Remove(libctr.RemoveForce)
	if code, log := runToEnd(t, rw); code != 0 || log != "from the host\nwrote\n" {
		t.Errorf("rw: exit %d, log %q", code, log)
	}
	if b, err := os.ReadFile(filepath.Join(src, "new.txt")); err != nil || string(b) != "inside\n" {
		t.Errorf("rw: the host sees %q, %v", b, err)
	}
}

func TestBadMountLeavesNothing(t *testing.T) {
	rt := newRuntime(t)
	missing := filepath.Join(t.TempDir(), "missing")
	c, err := rt.Create(busybox(t, rt, libctr.ContainerOptions{Name: "badbind",
		Mounts: []libctr.Mount{libctr.BindMount(missing, "/data")}}))
	if err == nil {
		c.Remove(libctr.RemoveForce)
		c.Close()
		t.Fatal("a bind mount of a missing source was accepted")
	}
	if !strings.Contains(err.Error(), "missing") {
		t.Errorf("error does not name the source: %v", err)
	}
	if list, _ := rt.Containers(); len(list) != 0 {
		t.Errorf("%d containers left", len(list))
	}
}

// TestMemoryLimit: the limit is in inspect and in the container's memory cgroup.
func TestMemoryLimit(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "memlimit", Command: sh("exec sleep 100"), Memory: 64 * mib})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	jsonEq(t, "HostConfig.Memory", obj(inspectRaw(t, c)["HostConfig"])["Memory"], "67108864")
	must(t, c.Start())
	pid, err := c.PID()
	must(t, err)
	path := cgroupFile(t, pid, "memory", "memory.limit_in_bytes", "memory.max")
	b, err := os.ReadFile(path)
	must(t, err)
	if strings.TrimSpace(string(b)) != "67108864" {
		t.Errorf("%s: %s", path, b)
	}
}

// TestOptionsReachLibrary: many options at once; inspect shows them under
// podman's keys, and the spec written by init carries them (the values are
// podman 4.3's for the same flags).
func TestOptionsReachLibrary(t *testing.T) {
	rt := newRuntime(t)
	src := t.TempDir()
	dev, rdev := blockDevice(t)
	adj := 100
	argv := []string{"prog", "create", "--many"}
	c := create(t, rt, libctr.ContainerOptions{
		Name: "many", Entrypoint: []string{"/bin/sh"}, Command: []string{"-c", "sleep 1"},
		Mounts: []libctr.Mount{libctr.BindMount(src, "/data", "ro"), libctr.TmpfsMount("/scratch", "size=10m")},
		Memory: 64 * mib, MemorySwap: 128 * mib, MemoryReservation: 32 * mib, CPUs: 0.5, CPUShares: 512,
		CpusetCPUs: "0", PidsLimit: 100,
		DeviceReadBps:   []libctr.ThrottleDevice{{Path: dev, Rate: mib}},
		DeviceWriteIOPS: []libctr.ThrottleDevice{{Path: dev, Rate: 30}},
		OOMScoreAdj:     &adj, Ulimits: []libctr.Ulimit{{Name: "nofile", Soft: 100, Hard: 200}},
		CapAdd: []string{"NET_ADMIN"}, CapDrop: []string{"CHOWN"}, NoNewPrivileges: true,
		SeccompProfile: "unconfined", MaskPaths: []string{"/mask/me"}, GroupAdd: []string{"10"},
		Sysctls: map[string]string{"kernel.shm_rmid_forced": "1"},
		Devices: []string{"/dev/zero:/dev/myzero:rw"}, DeviceCgroupRules: []string{"c 1:3 rwm"},
		Init: true, Umask: "0077", Timezone: "UTC", Annotations: map[string]string{"a.b": "c"},
		Domainname: "example.org", CreateCommand: argv, RestartPolicy: "on-failure", RestartRetries: 3,
		HealthCmd: []string{libctr.HealthCmdShell, "true"}, HealthInterval: 10 * time.Second,
		HealthTimeout: 3 * time.Second, HealthStartPeriod: 5 * time.Second, HealthRetries: 5,
		HealthOnFailure: "restart",
	})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	if got := c.Mounts(); !reflect.DeepEqual(got, []string{"/data", "/scratch"}) {
		t.Errorf("mounts %q", got)
	}
	checkInspect(t, inspectRaw(t, c), src, dev, argv)

	must(t, c.Init())
	d, err := c.Inspect()
	must(t, err)
	b, err := os.ReadFile(d.Raw["OCIConfigPath"].(string))
	must(t, err)
	var spec map[string]interface{}
	must(t, json.Unmarshal(b, &spec))
	checkSpec(t, spec, src, rdev)
}

// checkInspect checks TestOptionsReachLibrary's inspect against podman's for the same flags.
func checkInspect(t *testing.T, raw map[string]interface{}, src, dev string, argv []string) {
	t.Helper()
	h, cfg := obj(raw["HostConfig"]), obj(raw["Config"])
	for key, want := range map[string]string{
		"Memory": "67108864", "MemorySwap": "134217728", "MemoryReservation": "33554432",
		"NanoCpus": "500000000", "CpuShares": "512", "CpuQuota": "50000", "CpuPeriod": "100000",
		"CpusetCpus": `"0"`, "PidsLimit": "100", "OomScoreAdj": "100",
		"BlkioDeviceReadBps":   `[{"Path": "` + dev + `", "Rate": 1048576}]`,
		"BlkioDeviceWriteIOps": `[{"Path": "` + dev + `", "Rate": 30}]`,
		"CapAdd":               `["CAP_NET_ADMIN"]`,
		"RestartPolicy":        `{"Name": "on-failure", "MaximumRetryCount": 3}`,
		"Init":                 "true", "GroupAdd": `["10"]`,
		"Binds": `["` + src + `:/data:ro,rprivate,rbind"]`,
	} {
		jsonEq(t, "HostConfig."+key, h[key], want)
	}
	hasJSON(t, "HostConfig.Ulimits", h["Ulimits"], `{"Name": "RLIMIT_NOFILE", "Soft": 100, "Hard": 200}`)
	hasJSON(t, "HostConfig.CapDrop", h["CapDrop"], `"CAP_CHOWN"`)
	hasJSON(t, "HostConfig.SecurityOpt", h["SecurityOpt"], `"no-new-privileges"`)
	hasJSON(t, "HostConfig.SecurityOpt", h["SecurityOpt"], `"seccomp=unconfined"`)
	var devs []interface{}
	for _, d := range func() []interface{} { a, _ := h["Devices"].([]interface{}); return a }() {
		devs = append(devs, []interface{}{obj(d)["PathOnHost"], obj(d)["PathInContainer"]})
	}
	jsonEq(t, "HostConfig.Devices", devs, `[["/dev/zero", "/dev/myzero"]]`)
	if tmpfs := obj(h["Tmpfs"]); len(tmpfs) != 1 || tmpfs["/scratch"] == nil {
		t.Errorf("HostConfig.Tmpfs %v", h["Tmpfs"])
	}
	argvJSON, _ := json.Marshal(argv)
	for key, want := range map[string]string{
		"Entrypoint": `"/bin/sh"`, "Cmd": `["-c", "sleep 1"]`, "Umask": `"0077"`, "Timezone": `"UTC"`,
		"Domainname": `"example.org"`, "CreateCommand": string(argvJSON),
		"Healthcheck": `{"Test": ["CMD-SHELL", "true"], "Interval": 10000000000, "Timeout": 3000000000,
			"StartPeriod": 5000000000, "Retries": 5}`,
	} {
		jsonEq(t, "Config."+key, cfg[key], want)
	}
	jsonEq(t, `Config.Annotations["a.b"]`, obj(cfg["Annotations"])["a.b"], `"c"`)
}

// checkSpec checks TestOptionsReachLibrary's OCI spec against podman's for the same flags.
func checkSpec(t *testing.T, spec map[string]interface{}, src string, rdev uint64) {
	t.Helper()
	proc, linux := obj(spec["process"]), obj(spec["linux"])
	res := obj(linux["resources"])
	major, minor := strconv.FormatUint((rdev>>8)&0xfff|(rdev>>32)&^0xfff, 10), strconv.FormatUint(rdev&0xff|(rdev>>12)&^0xff, 10)
	jsonEq(t, "process.args", proc["args"], `["/run/podman-init", "--", "/bin/sh", "-c", "sleep 1"]`)
	jsonEq(t, "linux.resources.memory", []interface{}{obj(res["memory"])["limit"], obj(res["memory"])["swap"],
		obj(res["memory"])["reservation"]}, "[67108864, 134217728, 33554432]")
	cpu := obj(res["cpu"])
	jsonEq(t, "linux.resources.cpu", []interface{}{cpu["quota"], cpu["period"], cpu["shares"], cpu["cpus"]},
		`[50000, 100000, 512, "0"]`)
	jsonEq(t, "linux.resources.pids.limit", obj(res["pids"])["limit"], "100")
	jsonEq(t, "throttleReadBpsDevice", obj(res["blockIO"])["throttleReadBpsDevice"],
		`[{"major": `+major+`, "minor": `+minor+`, "rate": 1048576}]`)
	jsonEq(t, "throttleWriteIOPSDevice", obj(res["blockIO"])["throttleWriteIOPSDevice"],
		`[{"major": `+major+`, "minor": `+minor+`, "rate": 30}]`)
	hasJSON(t, "linux.resources.devices", res["devices"], `{"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"}`)
	hasJSON(t, "process.rlimits", proc["rlimits"], `{"type": "RLIMIT_NOFILE", "hard": 200, "soft": 100}`)
	jsonEq(t, "process.oomScoreAdj", proc["oomScoreAdj"], "100")
	jsonEq(t, "process.noNewPrivileges", proc["noNewPrivileges"], "true")
	caps := obj(proc["capabilities"])["bounding"]
	hasJSON(t, "bounding", caps, `"CAP_NET_ADMIN"`)
	for _, c := range func() []interface{} { a, _ := caps.([]interface{}); return a }() {
		if c == "CAP_CHOWN" {
			t.Error("CAP_CHOWN was dropped and is in the bounding set")
		}
	}
	user := obj(proc["user"])
	hasJSON(t, "process.user.additionalGids", user["additionalGids"], "10")
	jsonEq(t, "process.user.umask", user["umask"], "63")
	if _, ok := linux["seccomp"]; ok {
		t.Error("seccomp unconfined, but linux.seccomp is there")
	}
	hasJSON(t, "linux.maskedPaths", linux["maskedPaths"], `"/mask/me"`)
	jsonEq(t, "linux.sysctl", obj(linux["sysctl"])["kernel.shm_rmid_forced"], `"1"`)
	found := false
	for _, d := range func() []interface{} { a, _ := linux["devices"].([]interface{}); return a }() {
		found = found || obj(d)["path"] == "/dev/myzero"
	}
	if !found {
		t.Errorf("linux.devices %v has no /dev/myzero", linux["devices"])
	}
	jsonEq(t, "domainname", spec["domainname"], `"example.org"`)
	jsonEq(t, "annotations", obj(spec["annotations"])["a.b"], `"c"`)
	mounts := map[string]map[string]interface{}{}
	for _, m := range func() []interface{} { a, _ := spec["mounts"].([]interface{}); return a }() {
		mounts[obj(m)["destination"].(string)] = obj(m)
	}
	if m := mounts["/data"]; m["source"] != src || !hasString(m["options"], "ro") {
		t.Errorf("mount /data %v", m)
	}
	if m := mounts["/scratch"]; m["type"] != "tmpfs" || !hasString(m["options"], "size=10m") {
		t.Errorf("mount /scratch %v", m)
	}
	// podman names /usr/libexec/podman/catatonit, a link to Debian's /usr/bin/catatonit.
	init, _ := mounts["/run/podman-init"]["source"].(string)
	real, _ := filepath.EvalSymlinks(init)
	if want, _ := filepath.EvalSymlinks("/usr/bin/catatonit"); real == "" || real != want {
		t.Errorf("mount /run/podman-init %v", mounts["/run/podman-init"])
	}
}

func hasString(list interface{}, s string) bool {
	a, _ := list.([]interface{})
	for _, e := range a {
		if e == s {
			return true
		}
	}
	return false
}

// comparableConfig is the config document without what differs between two
// containers of the same options: ID, name, times, paths, anonymous volumes' names.
func comparableConfig(t *testing.T, c *libctr.Container) map[string]interface{} {
	t.Helper()
	b, err := c.ConfigJSON()
	must(t, err)
	var d map[string]interface{}
	must(t, json.Unmarshal(b, &d))
	for _, k := range []string{"id", "name", "createdTime", "staticDir", "shmDir", "logPath"} {
		delete(d, k)
	}
	ms, _ := d["mounts"].([]interface{})
	for _, m := range ms {
		if m := obj(m); m["anonymous"] == true {
			delete(m, "source")
		}
	}
	return d
}

// TestOptionsRoundTrip: a bind mount, a memory limit and a capability come
// back from Options(), and a container made from them has the same config and
// runs with them.
func TestOptionsRoundTrip(t *testing.T) {
	rt := newRuntime(t)
	src := t.TempDir()
	must(t, os.WriteFile(filepath.Join(src, "hello.txt"), []byte("from the host\n"), 0o644))
	adj := 10
	c := create(t, rt, libctr.ContainerOptions{Name: "orig", Command: sh("cat /data/hello.txt; grep CapBnd /proc/self/status"),
		Mounts: []libctr.Mount{libctr.BindMount(src, "/data", "ro")}, Memory: 64 * mib, CapAdd: []string{"net_admin"},
		Labels: map[string]string{"k": "v"}, OOMScoreAdj: &adj, Init: true})
	defer c.Close()
	defer c.Remove(libctr.RemoveForce)
	o, err := c.Options()
	must(t, err)
	if o.Name != "orig" || o.Memory != 64*mib || !reflect.DeepEqual(o.CapAdd, []string{"CAP_NET_ADMIN"}) ||
		!reflect.DeepEqual(o.Labels, map[string]string{"k": "v"}) {
		t.Errorf("options %+v", o)
	}
	if len(o.Mounts) != 1 || o.Mounts[0].Type != "bind" || o.Mounts[0].Source != src ||
		o.Mounts[0].Destination != "/data" || o.Mounts[0].Options[0] != "ro" {
		t.Errorf("mounts %+v", o.Mounts)
	}
	if o.OOMScoreAdj == nil || *o.OOMScoreAdj != 10 || !o.Init || o.Flags&libctr.CreateInit != 0 {
		t.Errorf("OOMScoreAdj %v, Init %v, Flags %#x", o.OOMScoreAdj, o.Init, o.Flags)
	}
	if o.Entrypoint != nil || o.StopTimeout == nil || *o.StopTimeout != 10*time.Second || o.ShmSize != 64*mib {
		t.Errorf("defaults: entrypoint %q, stop timeout %v, shm %d", o.Entrypoint, o.StopTimeout, o.ShmSize)
	}
	o.Name = "copy"
	c2, err := rt.Create(o)
	must(t, err)
	defer c2.Close()
	defer c2.Remove(libctr.RemoveForce)
	if a, b := comparableConfig(t, c), comparableConfig(t, c2); !reflect.DeepEqual(a, b) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		t.Errorf("the copy's config differs:\n%s\n%s", ja, jb)
	}
	o2, err := c2.Options()
	must(t, err)
	if !reflect.DeepEqual(o2, o) {
		t.Errorf("the copy's options differ:\n%+v\n%+v", o2, o)
	}
	code, log := runToEnd(t, c2)
	if code != 0 || !strings.HasPrefix(log, "from the host\n") {
		t.Fatalf("copy: exit %d, log %q", code, log)
	}
	bnd, err := strconv.ParseUint(strings.Fields(strings.SplitN(log, "CapBnd:", 2)[1])[0], 16, 64)
	if err != nil || bnd&(1<<12) == 0 {
		t.Errorf("CAP_NET_ADMIN not in the copy's bounding set: %q", log)
	}
	jsonEq(t, "the copy's HostConfig.Memory", obj(inspectRaw(t, c2)["HostConfig"])["Memory"], "67108864")
}
