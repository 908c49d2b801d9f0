// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"runtime"
	"unsafe"
)

// NetworkFlags are CTR_NETWORK_*.
type NetworkFlags uint64

const (
	NetworkInternal     NetworkFlags = C.CTR_NETWORK_INTERNAL
	NetworkNoMasquerade NetworkFlags = C.CTR_NETWORK_NO_MASQUERADE
	NetworkFirewall     NetworkFlags = C.CTR_NETWORK_FIREWALL
)

// NetworkOptions for Runtime.CreateNetwork.
type NetworkOptions struct {
	Name    string // required
	Driver  string // "bridge"
	Bridge  string
	Subnet  string // CIDR
	Gateway string
	Labels  map[string]string
	Flags   NetworkFlags
}

// CreateNetwork creates a CNI network and returns its configuration file's path.
func (r *Runtime) CreateNetwork(opts NetworkOptions) (string, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_network_options_t
	if err := call("ctr_network_options_init", func() C.int { return C.libctr_go_network_options_init(&o, C.CTR_NETWORK_OPTIONS_VERSION) }); err != nil {
		return "", err
	}
	o.name, o.driver, o.bridge = m.str(opts.Name), m.str(opts.Driver), m.str(opts.Bridge)
	o.subnet, o.gateway = m.str(opts.Subnet), m.str(opts.Gateway)
	if opts.Labels != nil {
		var l []string
		for k, v := range opts.Labels {
			l = append(l, k+"="+v)
		}
		o.labels = m.strv(l)
	}
	o.flags = C.uint64_t(opts.Flags)
	var path *C.char
	if err := call("ctr_network_create", func() C.int { return C.libctr_go_network_create(r.ptr(), &o, &path) }); err != nil {
		return "", err
	}
	return takeString(path), nil
}

// Networks lists the networks' names.
func (r *Runtime) Networks() ([]string, error) {
	defer runtime.KeepAlive(r)
	var v **C.char
	if err := call("ctr_network_list", func() C.int { return C.libctr_go_network_list(r.ptr(), &v) }); err != nil {
		return nil, err
	}
	return takeStrv(v), nil
}

// InspectNetwork returns a network's JSON.
func (r *Runtime) InspectNetwork(name string) ([]byte, error) {
	defer runtime.KeepAlive(r)
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var s *C.char
	if err := call("ctr_network_inspect", func() C.int { return C.libctr_go_network_inspect(r.ptr(), n, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// RemoveNetwork removes a network (force: its containers first).
func (r *Runtime) RemoveNetwork(name string, force bool) error {
	defer runtime.KeepAlive(r)
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	flags := C.uint64_t(0)
	if force {
		flags = C.CTR_NETWORK_REMOVE_FORCE
	}
	return call("ctr_network_remove", func() C.int { return C.libctr_go_network_remove(r.ptr(), n, flags) })
}

// IPAddress is the container's address on network ("" for its first network).
func (c *Container) IPAddress(network string) (string, error) {
	var m cmem
	defer m.free()
	n := m.str(network)
	var s *C.char
	if err := c.do("ctr_container_ip_address", func(p *C.ctr_container_t) C.int { return C.libctr_go_container_ip_address(p, n, &s) }); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// NetworksJSON describes the container's network attachments.
func (c *Container) NetworksJSON() ([]byte, error) {
	return c.json("ctr_container_networks_json", func(p *C.ctr_container_t, s **C.char) C.int { return C.libctr_go_container_networks_json(p, s) })
}
