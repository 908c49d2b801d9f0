// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"runtime/cgo"
)

// TransferPhase is what a pull or push is doing (CTR_TRANSFER_*).
type TransferPhase int

// The phases of a transfer.
const (
	TransferResolving   TransferPhase = C.CTR_TRANSFER_RESOLVING    // resolving the name, reading the manifest
	TransferBlob        TransferPhase = C.CTR_TRANSFER_BLOB         // bytes of one blob moved
	TransferBlobDone    TransferPhase = C.CTR_TRANSFER_BLOB_DONE    // one blob complete (verified)
	TransferBlobSkipped TransferPhase = C.CTR_TRANSFER_BLOB_SKIPPED // one blob already there
	TransferWriting     TransferPhase = C.CTR_TRANSFER_WRITING      // unpacking layers, writing the manifest
	TransferDone        TransferPhase = C.CTR_TRANSFER_DONE         // finished
)

// TransferProgress is one progress report of a pull or push.
type TransferProgress struct {
	Phase     TransferPhase
	Reference string // the reference transferred, fully qualified
	Digest    string // the blob concerned, "" for the whole transfer
	Index     int    // the blob's index among the layers (the config is NBlobs-1), or -1
	NBlobs    int
	Done      uint64 // bytes of this blob moved so far
	Size      uint64 // this blob's size (0 when unknown)
	TotalDone uint64
	Total     uint64
}

// PullPolicy is podman's --pull (CTR_PULL_*).
type PullPolicy int

// Pull policies.
const (
	PullAlways  PullPolicy = C.CTR_PULL_ALWAYS
	PullMissing PullPolicy = C.CTR_PULL_MISSING
	PullNever   PullPolicy = C.CTR_PULL_NEVER
	PullNewer   PullPolicy = C.CTR_PULL_NEWER
)

// TLSVerify is podman's --tls-verify.
type TLSVerify int

// TLS verification settings.
const (
	TLSDefault  TLSVerify = C.CTR_TLS_DEFAULT   // verify unless registries.conf marks the registry insecure
	TLSVerifyOn TLSVerify = C.CTR_TLS_VERIFY    // --tls-verify=true
	TLSNoVerify TLSVerify = C.CTR_TLS_NO_VERIFY // --tls-verify=false (also allows plain HTTP)
)

// RegistryOptions says how to reach registries; the zero value means the
// defaults (podman's configuration files, as ctr-registry.h describes).
type RegistryOptions struct {
	AuthFile       string // --authfile
	Username       string // --creds USER:PASSWORD, with Password
	Password       string
	RegistriesConf string // a registries.conf to read instead of the default
	CertDir        string // --cert-dir: the directory of *.crt, *.cert, *.key
	TLSVerify      TLSVerify
	Platform       string // pull: OS/ARCH[/VARIANT]
	MaxConnections uint   // blobs moved at once (0: libctr's default)
	// Progress is called on the calling goroutine; return true to cancel (ErrCanceled).
	Progress func(TransferProgress) (cancel bool)
}

type transferFn func(TransferProgress) bool

//export goLibctrTransfer
func goLibctrTransfer(p *C.ctr_transfer_progress_t, handle C.uintptr_t) (r C.int) {
	defer func() {
		if recover() != nil {
			r = 1
		}
	}()
	tp := TransferProgress{
		Phase: TransferPhase(p.phase), Reference: C.GoString(p.reference), Index: int(p.index),
		NBlobs: int(p.n_blobs), Done: uint64(p.done), Size: uint64(p.size),
		TotalDone: uint64(p.total_done), Total: uint64(p.total),
	}
	if p.digest != nil {
		tp.Digest = C.GoString(p.digest)
	}
	if cgo.Handle(handle).Value().(transferFn)(tp) {
		return 1
	}
	return 0
}

// registryCall is one call's C options and what they hold.
type registryCall struct {
	o C.ctr_registry_options_t
	m cmem
	h cgo.Handle
}

func newRegistryCall(opts *RegistryOptions) (*registryCall, error) {
	c := &registryCall{}
	if err := call("ctr_registry_options_init", func() C.int {
		return C.libctr_go_registry_options_init(&c.o, C.CTR_REGISTRY_OPTIONS_VERSION)
	}); err != nil {
		return nil, err
	}
	if opts == nil {
		return c, nil
	}
	c.o.auth_file = c.m.str(opts.AuthFile)
	c.o.username = c.m.str(opts.Username)
	c.o.password = c.m.str(opts.Password)
	c.o.registries_conf = c.m.str(opts.RegistriesConf)
	c.o.certs_dir = c.m.str(opts.CertDir)
	c.o.tls_verify = C.int(opts.TLSVerify)
	c.o.platform = c.m.str(opts.Platform)
	c.o.max_connections = C.uint(opts.MaxConnections)
	if opts.Progress != nil {
		c.h = cgo.NewHandle(transferFn(opts.Progress))
		C.libctr_go_registry_progress(&c.o, C.uintptr_t(c.h))
	}
	return c, nil
}

func (c *registryCall) free() {
	c.m.free()
	if c.h != 0 {
		c.h.Delete()
	}
}

// HasRegistries reports whether the loaded libctr has the registry API (ctr-registry.h, libctr 0.5).
func HasRegistries() bool { return has("ctr_image_pull") }

// HasPush reports whether the loaded libctr can push images (ctr_image_push).
func HasPush() bool { return has("ctr_image_push") }

// Pull pulls ref ([HOST[:PORT]/]PATH[:TAG][@sha256:...]; short names through
// registries.conf) from its registry into the store.  Close the image.
func (r *Runtime) Pull(ref string, opts *RegistryOptions) (*Image, error) {
	return r.pull(ref, -1, opts)
}

// PullWithPolicy finds or pulls ref as podman's --pull=POLICY does.
func (r *Runtime) PullWithPolicy(ref string, policy PullPolicy, opts *RegistryOptions) (*Image, error) {
	return r.pull(ref, policy, opts)
}

func (r *Runtime) pull(ref string, policy PullPolicy, opts *RegistryOptions) (*Image, error) {
	defer runtime.KeepAlive(r)
	c, err := newRegistryCall(opts)
	if err != nil {
		return nil, err
	}
	defer c.free()
	cref := c.m.str(ref)
	var p *C.ctr_image_t
	if policy < 0 {
		err = call("ctr_image_pull", func() C.int { return C.libctr_go_image_pull(r.ptr(), cref, &c.o, &p) })
	} else {
		c.o.pull_policy = C.int(policy)
		err = call("ctr_image_pull_policy", func() C.int { return C.libctr_go_image_pull_policy(r.ptr(), cref, &c.o, &p) })
	}
	if err != nil {
		return nil, err
	}
	return wrapImage(p, r.sink), nil
}

// Push pushes the image to dest (HOST[:PORT]/PATH[:TAG]) and returns the
// manifest's digest.
func (img *Image) Push(dest string, opts *RegistryOptions) (string, error) {
	defer runtime.KeepAlive(img)
	c, err := newRegistryCall(opts)
	if err != nil {
		return "", err
	}
	defer c.free()
	var out *C.char
	cdest := c.m.str(dest)
	if err := call("ctr_image_push", func() C.int { return C.libctr_go_image_push(img.p, cdest, &c.o, &out) }); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// Login checks username and password against registry (HOST[:PORT]) and
// stores them in the credentials file, as podman login does.  A refusal is
// ErrPermission.
func Login(registry, username, password string, opts *RegistryOptions) error {
	c, err := newRegistryCall(opts)
	if err != nil {
		return err
	}
	defer c.free()
	reg, user, pass := c.m.str(registry), c.m.str(username), c.m.str(password)
	return call("ctr_registry_login", func() C.int { return C.libctr_go_registry_login(reg, user, pass, &c.o) })
}

// Logout removes registry's credentials ("": all of them).  Not logged in is ErrNotFound.
func Logout(registry string, opts *RegistryOptions) error {
	c, err := newRegistryCall(opts)
	if err != nil {
		return err
	}
	defer c.free()
	reg := c.m.str(registry)
	return call("ctr_registry_logout", func() C.int { return C.libctr_go_registry_logout(reg, &c.o) })
}

// LoginUser is the user name stored for registry; ErrNotFound when none is.
func LoginUser(registry string, opts *RegistryOptions) (string, error) {
	c, err := newRegistryCall(opts)
	if err != nil {
		return "", err
	}
	defer c.free()
	reg := c.m.str(registry)
	var out *C.char
	if err := call("ctr_registry_login_user", func() C.int { return C.libctr_go_registry_login_user(reg, &c.o, &out) }); err != nil {
		return "", err
	}
	return takeString(out), nil
}

// ResolveName gives the fully qualified references a pull of ref would try, in order.
func ResolveName(ref string, opts *RegistryOptions) ([]string, error) {
	c, err := newRegistryCall(opts)
	if err != nil {
		return nil, err
	}
	defer c.free()
	cref := c.m.str(ref)
	var out **C.char
	if err := call("ctr_image_resolve_name", func() C.int { return C.libctr_go_image_resolve_name(cref, &c.o, &out) }); err != nil {
		return nil, err
	}
	return takeStrv(out), nil
}
