// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"libctr"
)

// A Pod on the host's network (no CNI), a livenessProbe libctr does not use.
const kubePodYAML = `apiVersion: v1
kind: Pod
metadata:
  name: gokube
  labels:
    app: gokube
spec:
  hostNetwork: true
  restartPolicy: Never
  containers:
  - name: web
    image: %s
    imagePullPolicy: Never
    command: ["sleep", "100"]
    env:
    - name: GREETING
      value: hello
    livenessProbe:
      exec:
        command: ["true"]
`

func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// Kubernetes YAML: play with NoStart (IDs, a warning), generate of the pod
// and its member, Pod.Runtime, EEXIST and Replace, down.
func TestKubePlay(t *testing.T) {
	rt := newRuntime(t)
	if !libctr.HasKube() || !libctr.HasImages() {
		t.Fatal("the library has no kube or image API")
	}
	image := busybox(t, rt, libctr.ContainerOptions{}).Image
	yaml := []byte(fmt.Sprintf(kubePodYAML, image))

	rep, err := rt.KubePlay(yaml, libctr.KubePlayOptions{NoStart: true})
	must(t, err)
	if len(rep.Pods) != 1 || len(rep.Pods[0]) != 64 || len(rep.Containers) != 1 || len(rep.Containers[0]) != 64 ||
		len(rep.Volumes) != 0 {
		t.Fatalf("kube play report: %+v", rep)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.HasPrefix(w, "spec.containers[0].livenessProbe")
	}
	if !warned {
		t.Fatalf("no warning for livenessProbe: %q", rep.Warnings)
	}

	pod, err := rt.Pod("gokube")
	must(t, err)
	defer pod.Close()
	if pod.ID() != rep.Pods[0] {
		t.Fatalf("pod %s, report %s", pod.ID(), rep.Pods[0])
	}
	if ids := podContainers(t, pod); ids[len(ids)-1] != rep.Containers[0] {
		t.Fatalf("pod containers %q, report %q", ids, rep.Containers)
	}
	if s := podStatus(t, pod); s != "Created" {
		t.Fatalf("NoStart: pod %s", s)
	}
	owner := pod.Runtime()
	if owner.Root() != rt.Root() {
		t.Fatalf("Pod.Runtime: %s, not %s", owner.Root(), rt.Root())
	}
	must(t, owner.Close())

	c, err := rt.Lookup(rep.Containers[0])
	must(t, err)
	if c.Name() != "gokube-web" || c.Pod() != pod.ID() || state(t, c) != libctr.StateConfigured {
		t.Fatalf("container %s in %s, %v", c.Name(), c.Pod(), state(t, c))
	}
	text, err := pod.GenerateKube(false)
	must(t, err)
	if !hasLine(text, "kind: Pod") || !strings.Contains(text, "name: web") || !strings.Contains(text, "name: gokube") ||
		!strings.Contains(text, "GREETING") || hasLine(text, "kind: Service") {
		t.Fatalf("kube generate:\n%s", text)
	}
	if ctext, err := c.GenerateKube(false); err != nil || ctext != text {
		t.Fatalf("a member's YAML is its pod's (%v):\n%s", err, ctext)
	}
	c.Close()
	if svc, err := pod.GenerateKube(true); err != nil || !hasLine(svc, "kind: Service") {
		t.Fatalf("kube generate --service (%v):\n%s", err, svc)
	}

	if _, err := rt.KubePlay(yaml, libctr.KubePlayOptions{NoStart: true}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("play again: %v", err)
	}
	again, err := rt.KubePlay([]byte(text), libctr.KubePlayOptions{NoStart: true, Replace: true})
	must(t, err)
	if len(again.Pods) != 1 || again.Pods[0] == pod.ID() {
		t.Fatalf("replace: %+v", again)
	}

	down, err := rt.KubeDown(yaml)
	must(t, err)
	if !reflect.DeepEqual(down.Pods, again.Pods) || len(down.Containers) != 0 || len(down.Warnings) != 0 {
		t.Fatalf("kube down: %+v", down)
	}
	if _, err := rt.Pod("gokube"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("after down: %v", err)
	}
	if down, err := rt.KubeDown(yaml); err != nil || len(down.Pods) != 0 {
		t.Fatalf("down again: %+v, %v", down, err)
	}
}

// A container of its own gives a Pod named NAME-pod.
func TestContainerGenerateKube(t *testing.T) {
	rt := newRuntime(t)
	c := create(t, rt, libctr.ContainerOptions{Name: "gosolo", Command: []string{"sleep", "1"}})
	defer c.Close()
	text, err := c.GenerateKube(false)
	must(t, err)
	if !hasLine(text, "kind: Pod") || !strings.Contains(text, "name: gosolo-pod") || !strings.Contains(text, "name: gosolo") {
		t.Fatalf("kube generate:\n%s", text)
	}
	must(t, c.Remove(0))
}

// Malformed YAML and a container without an image are ErrInvalid.
func TestKubeErrors(t *testing.T) {
	rt := newRuntime(t)
	for _, bad := range []string{"kind: Pod\nmetadata: [unclosed\n", "a: b\n\t- c\n", ""} {
		_, err := rt.KubePlay([]byte(bad), libctr.KubePlayOptions{})
		var e *libctr.Error
		if !errors.Is(err, libctr.ErrInvalid) || !errors.As(err, &e) || e.Errno != syscall.EINVAL ||
			e.Op != "ctr_kube_play" || e.Message == "" {
			t.Fatalf("play %q: %v", bad, err)
		}
	}
	noImage := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: c\n"
	if _, err := rt.KubePlay([]byte(noImage), libctr.KubePlayOptions{}); !errors.Is(err, libctr.ErrInvalid) ||
		!strings.Contains(err.Error(), "image") {
		t.Fatalf("no image: %v", err)
	}
	if _, err := rt.KubeDown([]byte("{")); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("down: %v", err)
	}
}
