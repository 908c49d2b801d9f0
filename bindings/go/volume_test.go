// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"libctr"
)

// The volume API: create, lookup, list with filters, inspect, remove, prune,
// and the errors of the fixed mapping.
func TestVolumes(t *testing.T) {
	root, err := os.MkdirTemp(workDir, "vol-")
	must(t, err)
	defer os.RemoveAll(root)
	rt, err := libctr.NewRuntime(libctr.RuntimeOptions{Root: root, RunRoot: runRootFor(t, root)})
	must(t, err)
	defer rt.Close()
	if !libctr.HasVolumes() {
		t.Fatal("the library has no volume API")
	}
	v, err := rt.CreateVolume(libctr.VolumeOptions{Name: "godata", Labels: map[string]string{"by": "go"},
		Options: map[string]string{"type": "tmpfs", "device": "tmpfs"}})
	must(t, err)
	defer v.Close()
	if v.Name() != "godata" || v.Driver() != "local" || v.Anonymous() || v.Created().IsZero() {
		t.Fatalf("volume %s %s %v %v", v.Name(), v.Driver(), v.Anonymous(), v.Created())
	}
	if v.Labels()["by"] != "go" || v.Options()["type"] != "tmpfs" {
		t.Fatalf("labels %v options %v", v.Labels(), v.Options())
	}
	if v.Mountpoint() != filepath.Join(root, "volumes/godata/_data") {
		t.Fatalf("mountpoint %s", v.Mountpoint())
	}
	info, err := v.Inspect()
	must(t, err)
	if info["Name"] != "godata" || info["Scope"] != "local" || info["MountCount"] != float64(0) {
		t.Fatalf("inspect %v", info)
	}
	gen, err := rt.CreateVolume(libctr.VolumeOptions{})
	must(t, err)
	if len(gen.Name()) != 64 {
		t.Fatalf("generated name %s", gen.Name())
	}
	gen.Close()
	if _, err := rt.CreateVolume(libctr.VolumeOptions{Name: "godata"}); !errors.Is(err, libctr.ErrExists) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := rt.CreateVolume(libctr.VolumeOptions{Name: "a/b"}); !errors.Is(err, libctr.ErrInvalid) ||
		!strings.Contains(err.Error(), "not a path") {
		t.Fatalf("a name with '/': %v", err)
	}
	if _, err := rt.Volume("nope"); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("lookup of no volume: %v", err)
	}
	if ok, err := rt.VolumeExists("godata"); !ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	if ok, err := rt.VolumeExists("nope"); ok || err != nil {
		t.Fatalf("exists of no volume: %v %v", ok, err)
	}
	list, err := rt.Volumes("label=by=go")
	must(t, err)
	if len(list) != 1 || list[0].Name() != "godata" {
		t.Fatalf("filtered list %v", list)
	}
	for _, x := range list {
		x.Close()
	}
	all, err := rt.Volumes()
	must(t, err)
	if len(all) != 2 {
		t.Fatalf("list %d", len(all))
	}
	for _, x := range all {
		x.Close()
	}
	if _, err := rt.Volumes("bogus=1"); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("bad filter: %v", err)
	}
	must(t, rt.RemoveVolume("godata", false))
	if err := rt.RemoveVolume("godata", false); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("second remove: %v", err)
	}
	pruned, err := rt.PruneVolumes()
	must(t, err)
	if len(pruned) != 1 || len(pruned[0]) != 64 {
		t.Fatalf("pruned %v", pruned)
	}
}

func TestDiff(t *testing.T) {
	rt := newRuntime(t)
	if !libctr.HasImages() {
		t.Fatal("diff needs the image API")
	}
	o := busybox(t, rt, libctr.ContainerOptions{Name: "differ", Command: sh("touch /new; rm /etc/group; echo >> /etc/passwd")})
	c := create(t, rt, o)
	defer c.Close()
	must(t, c.Start())
	if code := wait(t, c); code != 0 {
		t.Fatalf("exit %d", code)
	}
	changes, err := c.Diff()
	must(t, err)
	var got []string
	for _, ch := range changes {
		got = append(got, ch.String())
	}
	if strings.Join(got, ",") != "C /etc,D /etc/group,C /etc/passwd,A /new" || changes[3].Kind != libctr.ChangeAdded {
		t.Fatalf("diff %v", got)
	}
	must(t, c.Remove(0))
}
