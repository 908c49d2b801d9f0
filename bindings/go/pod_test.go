// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"errors"
	"reflect"
	"sort"
	"strings"
	"syscall"
	"testing"

	"libctr"
)

func podStatus(t *testing.T, pod *libctr.Pod) string {
	t.Helper()
	s, err := pod.Status()
	must(t, err)
	return s
}

// podStatsCheck: a sample of each running container, in the pod's order;
// a second round, with the first as prev, taken later.
func podStatsCheck(t *testing.T, pod *libctr.Pod, ids []string) {
	t.Helper()
	first, err := pod.Stats(nil)
	must(t, err)
	if len(first) != len(ids) {
		t.Fatalf("pod stats: %d samples for %d containers", len(first), len(ids))
	}
	for i, s := range first {
		if s.ID != ids[i] || s.PIDs < 1 || s.MemUsage == 0 || s.MemLimit == 0 {
			t.Fatalf("pod stats sample %d: %+v", i, s)
		}
	}
	second, err := pod.Stats(first)
	must(t, err)
	if len(second) != len(ids) || second[0].ID != ids[0] || !second[0].Time.After(first[0].Time) {
		t.Fatalf("pod stats, second round: %+v", second)
	}
}

func podContainers(t *testing.T, pod *libctr.Pod) []string {
	t.Helper()
	ids, err := pod.Containers()
	must(t, err)
	return ids
}

// The pod API: create with network mode none (no CNI), lookup by name and ID
// prefix, list, the infra container, members made with ContainerOptions.Pod,
// start, pause, unpause, restart, stop, kill, inspect, remove.
func TestPods(t *testing.T) {
	rt := newRuntime(t)
	if !libctr.HasPods() {
		t.Fatal("the library has no pod API")
	}
	pod, err := rt.CreatePod(libctr.PodOptions{Name: "gopod", Labels: map[string]string{"app": "web"},
		NetworkMode: libctr.PodNetworkNone})
	must(t, err)
	defer pod.Close()
	id := pod.ID()
	if pod.Name() != "gopod" || len(id) != 64 || pod.Created().IsZero() || len(pod.InfraID()) != 64 {
		t.Fatalf("pod %s %s %v infra %q", pod.Name(), id, pod.Created(), pod.InfraID())
	}
	if pod.Share() != libctr.PodShareDefault || pod.CgroupPath() != "/libctr_parent/"+id {
		t.Fatalf("share %#x cgroup %s", pod.Share(), pod.CgroupPath())
	}
	for _, ref := range []string{"gopod", id[:12]} {
		p, err := rt.Pod(ref)
		must(t, err)
		if p.ID() != id || p.Name() != "gopod" {
			t.Fatalf("lookup %s: %s %s", ref, p.ID(), p.Name())
		}
		p.Close()
	}
	list, err := rt.Pods()
	must(t, err)
	if len(list) != 1 || list[0].ID() != id {
		t.Fatalf("list %v", list)
	}
	for _, p := range list {
		p.Close()
	}
	infra, err := rt.Lookup(pod.InfraID())
	must(t, err)
	if raw := inspectRaw(t, infra); raw["IsInfra"] != true || raw["Pod"] != id {
		t.Fatalf("infra inspect IsInfra %v Pod %v", raw["IsInfra"], raw["Pod"])
	}
	infra.Close()
	if _, _, err := pod.Top(); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("top of a pod with nothing running: %v", err)
	}
	if s, err := pod.Stats(nil); err != nil || len(s) != 0 {
		t.Fatalf("stats of a pod with nothing running: %v %v", s, err)
	}
	if s := podStatus(t, pod); s != "Created" {
		t.Fatalf("status %s", s)
	}

	m1 := create(t, rt, libctr.ContainerOptions{Name: "gomember", Pod: "gopod", Command: []string{"sleep", "100"}})
	defer m1.Close()
	if m1.Pod() != id || inspectRaw(t, m1)["Pod"] != id {
		t.Fatalf("member's pod %s", m1.Pod())
	}
	if ids := podContainers(t, pod); !reflect.DeepEqual(ids, []string{pod.InfraID(), m1.ID()}) {
		t.Fatalf("containers %v", ids)
	}
	must(t, pod.Start())
	if header, rows, err := pod.Top("pid", "args"); err != nil || len(header) != 2 || header[0] != "PID" || len(rows) < 2 {
		t.Fatalf("pod top: %v %v %v", header, rows, err)
	}
	podStatsCheck(t, pod, []string{pod.InfraID(), m1.ID()})
	if s := podStatus(t, pod); s != "Running" || state(t, m1) != libctr.StateRunning {
		t.Fatalf("after start: %s, member %v", s, state(t, m1))
	}
	must(t, pod.Pause())
	if s := podStatus(t, pod); s != "Paused" || state(t, m1) != libctr.StatePaused {
		t.Fatalf("after pause: %s, member %v", s, state(t, m1))
	}
	must(t, pod.Unpause())
	if s := podStatus(t, pod); s != "Running" {
		t.Fatalf("after unpause: %s", s)
	}
	must(t, pod.Restart())
	if s := podStatus(t, pod); s != "Running" || state(t, m1) != libctr.StateRunning {
		t.Fatalf("after restart: %s, member %v", s, state(t, m1))
	}

	// A second member, by ID prefix: the pod's UTS namespace, so its name as host name.
	m2 := create(t, rt, libctr.ContainerOptions{Name: "gomember2", Pod: id[:12], Command: []string{"hostname"}})
	defer m2.Close()
	if inspectRaw(t, m2)["Pod"] != id {
		t.Fatal("second member not in the pod")
	}
	must(t, m2.Start())
	if code := wait(t, m2); code != 0 {
		t.Fatalf("hostname exit %d", code)
	}
	if out := logText(t, m2, libctr.LogsOptions{}); out != "gopod\n" {
		t.Fatalf("hostname %q", out)
	}
	if s := podStatus(t, pod); s != "Degraded" {
		t.Fatalf("one member exited: %s", s)
	}

	info, err := pod.Inspect()
	must(t, err)
	shared, _ := info["SharedNamespaces"].([]interface{})
	if info["Id"] != id || info["Name"] != "gopod" || info["InfraContainerID"] != pod.InfraID() ||
		info["NumContainers"] != float64(3) || !reflect.DeepEqual(shared, []interface{}{"ipc", "net", "uts"}) {
		t.Fatalf("inspect %v", info)
	}
	if labels, _ := info["Labels"].(map[string]interface{}); labels["app"] != "web" {
		t.Fatalf("inspect labels %v", info["Labels"])
	}

	must(t, pod.Stop(2e9))
	if s := podStatus(t, pod); s != "Exited" || state(t, m1) != libctr.StateExited {
		t.Fatalf("after stop: %s, member %v", s, state(t, m1))
	}
	if err := pod.Kill(syscall.SIGKILL); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("kill of a stopped pod: %v", err)
	}
	ids := []string{pod.InfraID(), m1.ID(), m2.ID()}
	must(t, pod.Remove(0))
	if _, err := rt.Pod("gopod"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("lookup of a removed pod: %v", err)
	}
	if _, err := pod.Status(); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("status of a removed pod: %v", err)
	}
	for _, cid := range ids {
		if _, err := rt.Lookup(cid); !errors.Is(err, libctr.ErrNotFound) {
			t.Fatalf("container %s after the pod's removal: %v", cid, err)
		}
	}
}

// Kill, a refused remove of a running pod, and a forced one.
func TestPodKillAndForceRemove(t *testing.T) {
	rt := newRuntime(t)
	pod, err := rt.CreatePod(libctr.PodOptions{Name: "gokill", NetworkMode: libctr.PodNetworkNone})
	must(t, err)
	defer pod.Close()
	m := create(t, rt, libctr.ContainerOptions{Name: "gokillee", Pod: "gokill", Command: []string{"sleep", "100"}})
	defer m.Close()
	must(t, pod.Start())
	if err := pod.Remove(0); !errors.Is(err, libctr.ErrState) {
		t.Fatalf("remove of a running pod: %v", err)
	}
	if ids := podContainers(t, pod); len(ids) != 2 {
		t.Fatalf("containers after a refused remove: %v", ids)
	}
	must(t, pod.Kill(syscall.SIGKILL))
	if code := wait(t, m); code != 128+9 {
		t.Fatalf("killed member's exit %d", code)
	}
	must(t, pod.Start())
	if stopped, err := pod.ApplyExitPolicy(); err != nil || stopped {
		t.Fatalf("exit policy continue with a member running: %v %v", stopped, err)
	}
	must(t, pod.Remove(libctr.PodRemoveForce))
	if _, err := rt.Lookup(m.ID()); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("member after a forced remove: %v", err)
	}
	if err := pod.Remove(0); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	if _, err := pod.ApplyExitPolicy(); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("exit policy of a removed pod: %v", err)
	}
}

// The errors of the fixed mapping, and a pod without an infra container.
func TestPodErrors(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "gotaken", Command: []string{"true"}})
	if _, err := rt.CreatePod(libctr.PodOptions{Name: "gotaken", NetworkMode: libctr.PodNetworkNone}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("a pod named as a container: %v", err)
	}
	must(t, c.Remove(0))
	c.Close()
	dup, err := rt.CreatePod(libctr.PodOptions{Name: "godup", NetworkMode: libctr.PodNetworkNone})
	must(t, err)
	defer dup.Close()
	if _, err := rt.CreatePod(libctr.PodOptions{Name: "godup", NetworkMode: libctr.PodNetworkNone}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("a second pod of a name: %v", err)
	}
	if _, err := rt.Create(busybox(t, rt, libctr.ContainerOptions{Name: "godup", Command: []string{"true"}})); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("a container named as a pod: %v", err)
	}
	for _, o := range []libctr.PodOptions{
		{Name: "gobad", Share: libctr.PodShareNone | libctr.PodShareNet, NetworkMode: libctr.PodNetworkNone},
		{Name: "gobad", NoInfra: true, Share: libctr.PodShareNet},
		{Name: "bad/name", NetworkMode: libctr.PodNetworkNone},
	} {
		if _, err := rt.CreatePod(o); !errors.Is(err, libctr.ErrInvalid) {
			t.Fatalf("bad options %+v: %v", o, err)
		}
	}
	if _, err := rt.Pod(""); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("empty reference: %v", err)
	}
	if _, err := rt.Pod("nope"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("lookup of no pod: %v", err)
	}
	if _, err := rt.Create(busybox(t, rt, libctr.ContainerOptions{Name: "goorphan", Pod: "nope", Command: []string{"true"}})); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("a member of no pod: %v", err)
	}
	must(t, dup.Remove(0))

	group, err := rt.CreatePod(libctr.PodOptions{Name: "gogroup", NoInfra: true, Share: libctr.PodShareNone})
	must(t, err)
	defer group.Close()
	if group.InfraID() != "" || group.Share() != libctr.PodShareNone || len(podContainers(t, group)) != 0 {
		t.Fatalf("pod without infra: %q %#x", group.InfraID(), group.Share())
	}
	info, err := group.Inspect()
	must(t, err)
	if info["CreateInfra"] != false {
		t.Fatalf("inspect %v", info)
	}
	other, err := rt.CreatePod(libctr.PodOptions{Name: "goother", NoInfra: true, Share: libctr.PodShareNone,
		Labels: map[string]string{"tier": "back"}})
	must(t, err)
	defer other.Close()
	names := func(filters ...string) string {
		pods, err := rt.Pods(filters...)
		must(t, err)
		var out []string
		for _, p := range pods {
			out = append(out, p.Name())
			p.Close()
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	for _, c := range []struct{ got, want string }{
		{names("name=^go(group|other)$"), "gogroup goother"},
		{names("label=tier=back"), "goother"},
		{names("name=group$", "name=other$"), "gogroup goother"},
		{names("name=^go", "label=tier=front"), ""},
		{names("ctr-number=0", "status=created"), "gogroup goother"},
	} {
		if c.got != c.want {
			t.Fatalf("pod filters: %q, want %q", c.got, c.want)
		}
	}
	if _, err := rt.Pods("bogus=1"); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("a bad filter: %v", err)
	}
	must(t, other.Remove(0))
	must(t, group.Remove(0))
	pods, err := rt.Pods()
	must(t, err)
	if len(pods) != 0 {
		t.Fatalf("pods left: %d", len(pods))
	}
}
