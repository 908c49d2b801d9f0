// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"libctr"
)

// The registries bindings/run-tests.sh starts (docker-registry on 127.0.0.1).
type testRegistries struct {
	image, auth, certs, user, password string
}

func registries(t *testing.T) testRegistries {
	t.Helper()
	r := testRegistries{os.Getenv("LIBCTR_TEST_REGISTRY_IMAGE"), os.Getenv("LIBCTR_TEST_AUTH_REGISTRY"),
		os.Getenv("LIBCTR_TEST_AUTH_CERTS"), os.Getenv("LIBCTR_TEST_REG_USER"), os.Getenv("LIBCTR_TEST_REG_PASSWORD")}
	if r.image == "" || r.auth == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("no test registries (run through bindings/run-tests.sh)")
		}
		t.Skip("no test registries (run through bindings/run-tests.sh)")
	}
	return r
}

func TestResolveName(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "registries.conf")
	must(t, os.WriteFile(conf, []byte(`unqualified-search-registries = ["one.example", "two.example:5000"]
[aliases]
"tool" = "three.example/tools/tool"
`), 0o644))
	o := &libctr.RegistryOptions{RegistriesConf: conf}
	got, err := libctr.ResolveName("busybox", o)
	must(t, err)
	if strings.Join(got, " ") != "one.example/busybox:latest two.example:5000/busybox:latest" {
		t.Fatalf("resolve busybox: %v", got)
	}
	if got, err = libctr.ResolveName("tool:1", o); err != nil || len(got) != 1 || got[0] != "three.example/tools/tool:1" {
		t.Fatalf("resolve alias: %v %v", got, err)
	}
	if _, err = libctr.ResolveName("Not A Reference", o); !errors.Is(err, libctr.ErrInvalid) {
		t.Fatalf("malformed reference: %v", err)
	}
}

func TestPullProgressAndRun(t *testing.T) {
	reg := registries(t)
	rt := newRuntime(t)
	var seen []libctr.TransferProgress
	img, err := rt.Pull(reg.image, &libctr.RegistryOptions{TLSVerify: libctr.TLSNoVerify,
		Progress: func(p libctr.TransferProgress) bool { seen = append(seen, p); return false }})
	must(t, err)
	if !contains(img.Names(), reg.image) || img.LayerCount() != 1 || !strings.HasPrefix(img.Digest(), "sha256:") {
		t.Fatalf("pulled image %v %d %s", img.Names(), img.LayerCount(), img.Digest())
	}
	img.Close()
	if len(seen) < 3 || seen[0].Phase != libctr.TransferResolving || seen[len(seen)-1].Phase != libctr.TransferDone {
		t.Fatalf("progress %+v", seen)
	}
	done := 0
	for _, p := range seen {
		if p.Phase == libctr.TransferBlobDone {
			done++
			if !strings.HasPrefix(p.Digest, "sha256:") || p.Done != p.Size || p.Size == 0 {
				t.Fatalf("blob done %+v", p)
			}
		}
	}
	if last := seen[len(seen)-1]; done != 2 || last.TotalDone != last.Total || last.NBlobs != 2 {
		t.Fatalf("blobs done %d, last %+v", done, last)
	}
	c := create(t, rt, libctr.ContainerOptions{Name: "pulled", Image: reg.image, Command: []string{"echo", "pulled"}})
	defer c.Close()
	must(t, c.Start())
	if code := wait(t, c); code != 0 || logText(t, c, libctr.LogsOptions{}) != "pulled\n" {
		t.Fatal("run the pulled image")
	}
	must(t, c.Remove(0))
}

func TestPullPoliciesAndErrors(t *testing.T) {
	reg := registries(t)
	rt := newRuntime(t)
	if _, err := rt.PullWithPolicy(reg.image, libctr.PullNever, nil); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("never: %v", err)
	}
	cancel := &libctr.RegistryOptions{TLSVerify: libctr.TLSNoVerify,
		Progress: func(p libctr.TransferProgress) bool { return p.Phase == libctr.TransferBlobDone }}
	if _, err := rt.Pull(reg.image, cancel); !errors.Is(err, libctr.ErrCanceled) {
		t.Fatalf("cancel: %v", err)
	}
	if imgs, _ := rt.Images(); len(imgs) != 0 {
		t.Fatalf("a cancelled pull left %d images", len(imgs))
	}
	img, err := rt.PullWithPolicy(reg.image, libctr.PullMissing, &libctr.RegistryOptions{TLSVerify: libctr.TLSNoVerify})
	must(t, err)
	id := img.ID()
	img.Close()
	calls := 0
	img, err = rt.PullWithPolicy(reg.image, libctr.PullMissing,
		&libctr.RegistryOptions{Progress: func(libctr.TransferProgress) bool { calls++; return false }})
	must(t, err)
	if img.ID() != id || calls != 0 {
		t.Fatalf("missing, present: %s %d", img.ID(), calls)
	}
	img.Close()
	_, err = rt.Pull(reg.auth+"/libctr/busybox:1", &libctr.RegistryOptions{CertDir: reg.certs})
	var le *libctr.Error
	if !errors.Is(err, libctr.ErrAccess) || !errors.As(err, &le) || !strings.Contains(le.Error(), "401") {
		t.Fatalf("anonymous on an auth registry: %v", err)
	}
}

func TestLoginLogout(t *testing.T) {
	reg := registries(t)
	auth := filepath.Join(t.TempDir(), "auth.json")
	o := &libctr.RegistryOptions{AuthFile: auth, CertDir: reg.certs}
	if err := libctr.Login(reg.auth, reg.user, "wrong", o); !errors.Is(err, libctr.ErrAccess) {
		t.Fatalf("wrong password: %v", err)
	}
	must(t, libctr.Login(reg.auth, reg.user, reg.password, o))
	if u, err := libctr.LoginUser(reg.auth, o); err != nil || u != reg.user {
		t.Fatalf("login user: %q %v", u, err)
	}
	data, err := os.ReadFile(auth)
	must(t, err)
	var doc struct{ Auths map[string]interface{} }
	if err := json.Unmarshal(data, &doc); err != nil || doc.Auths[reg.auth] == nil {
		t.Fatalf("auth file %s: %v", data, err)
	}
	// A pull with the stored credentials.
	rt := newRuntime(t)
	src, err := rt.Pull(reg.image, &libctr.RegistryOptions{TLSVerify: libctr.TLSNoVerify})
	must(t, err)
	defer src.Close()
	if !libctr.HasPush() || !libctr.HasRegistries() {
		t.Fatal("this libctr has no push")
	}
	dest := reg.auth + "/libctr/pushed:go"
	var phases []libctr.TransferPhase
	po := &libctr.RegistryOptions{AuthFile: auth, CertDir: reg.certs,
		Progress: func(p libctr.TransferProgress) bool { phases = append(phases, p.Phase); return false }}
	digest, err := src.Push(dest, po)
	must(t, err)
	if len(phases) < 3 || phases[0] != libctr.TransferResolving || phases[len(phases)-1] != libctr.TransferDone {
		t.Fatalf("push progress %v", phases)
	}
	img, err := rt.Pull(dest, o)
	must(t, err)
	if img.Digest() != digest || !contains(img.Names(), dest) {
		t.Fatalf("pull of the push: %s %v, pushed %s", img.Digest(), img.Names(), digest)
	}
	img.Close()
	must(t, libctr.Logout(reg.auth, o))
	if _, err := libctr.LoginUser(reg.auth, o); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("after logout: %v", err)
	}
	if err := libctr.Logout(reg.auth, o); !errors.Is(err, libctr.ErrNotFound) {
		t.Fatalf("second logout: %v", err)
	}
}
