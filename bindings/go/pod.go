// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"syscall"
	"time"
	"unsafe"
)

// Pod is a pod (ctr_pod_t): containers that share namespaces and a cgroup
// around an infra container, as podman's.  Its ID, name, infra container,
// cgroup, shared namespaces and creation time are a snapshot of its record
// when the handle was made; Containers, Status and Inspect read anew.
// Members are made with Runtime.Create and ContainerOptions.Pod set to the
// pod's ID, ID prefix or name.  The pod API needs libctr 0.7 (see HasPods);
// without it these calls fail with ErrNotSupported.
//
// The operations (Start, Stop, Kill, Pause, Unpause, Restart) act on the
// infra container and every member, go on past a member that fails and
// return the first error, whose message names every failing member; each
// fails with ErrNotFound when the pod was removed meanwhile.
type Pod struct {
	p    *C.ctr_pod_t
	sink *logSink
}

// PodShare is a set of namespaces a pod's members share (CTR_POD_SHARE_*).
type PodShare uint32

const (
	PodShareIPC    PodShare = C.CTR_POD_SHARE_IPC    // System V IPC and POSIX message queues
	PodShareNet    PodShare = C.CTR_POD_SHARE_NET    // the network stack (and the pod's ports and networks)
	PodShareUTS    PodShare = C.CTR_POD_SHARE_UTS    // the host name
	PodSharePID    PodShare = C.CTR_POD_SHARE_PID    // process IDs (catatonit is PID 1 of all members)
	PodShareCgroup PodShare = C.CTR_POD_SHARE_CGROUP // the cgroup namespace
	// PodShareNone shares nothing (podman's --share ""): the pod is then only a group and a cgroup.
	PodShareNone PodShare = C.CTR_POD_SHARE_NONE
	// PodShareDefault is what podman shares by default: ipc, net, uts.
	PodShareDefault = PodShareIPC | PodShareNet | PodShareUTS
)

// PodNetworkMode is a pod's network (ctr_pod_network_mode_t, podman's pod create --network).
type PodNetworkMode int

const (
	// PodNetworkBridge: a namespace of its own on PodOptions.Networks (default: the runtime's default network).
	PodNetworkBridge PodNetworkMode = C.CTR_POD_NETWORK_BRIDGE
	// PodNetworkNone: a namespace of its own with only a loopback device.
	PodNetworkNone PodNetworkMode = C.CTR_POD_NETWORK_NONE
	// PodNetworkHost: the host's network namespace.
	PodNetworkHost PodNetworkMode = C.CTR_POD_NETWORK_HOST
)

// PodExitPolicy is what a pod does when its last member exits (podman's --exit-policy).
type PodExitPolicy int

const (
	// PodExitContinue: the infra container goes on (podman's default).
	PodExitContinue PodExitPolicy = C.CTR_POD_EXIT_CONTINUE
	// PodExitStop: the infra container is stopped too.
	PodExitStop PodExitPolicy = C.CTR_POD_EXIT_STOP
)

// PodOptions for Runtime.CreatePod (ctr_pod_options_t); zero values mean
// "not set".  Everything is copied.
type PodOptions struct {
	Name         string            // "": a generated name; not a container's or another pod's
	Labels       map[string]string // labels
	Share        PodShare          // 0: PodShareDefault
	ExitPolicy   PodExitPolicy     // PodExitContinue
	NetworkMode  PodNetworkMode    // with PodShareNet
	CgroupParent string            // "": /libctr_parent
	Hostname     string            // with PodShareUTS; "": the pod's name
	DNSServers   []string          // overriding the host's (with PodShareNet)
	DNSSearch    []string          // search domains overriding the host's
	DNSOptions   []string          // resolver options overriding the host's
	HostsAdd     []string          // extra /etc/hosts entries, "HOST:IP"
	PortMappings []PortMapping     // published by the pod (with PodNetworkBridge)
	Networks     []string          // with PodNetworkBridge; nil: the runtime's default network
	InfraImage   string            // "": libctr's own catatonit image
	NoInfra      bool              // no infra container (podman's --infra=false); Share must be PodShareNone or 0
	// Limits of the pod's cgroup, which all its containers are in (podman's
	// pod create --memory, --memory-swap, --cpus, --cpuset-cpus, --cpuset-mems).
	Memory     int64  // bytes; 0: none
	MemorySwap int64  // memory plus swap; 0: twice Memory, -1: no limit
	NanoCPUs   int64  // billionths of a CPU (500000000: 50 ms in each 100 ms); 0: none
	CpusetCPUs string // "0-2,4"
	CpusetMems string
}

// PodRemoveFlags for Pod.Remove.
type PodRemoveFlags uint64

const (
	// PodRemoveForce stops and removes running members too (podman's pod rm -f).
	PodRemoveForce PodRemoveFlags = C.CTR_POD_REMOVE_FORCE
	// PodRemoveVolumes removes the members' anonymous volumes.
	PodRemoveVolumes PodRemoveFlags = C.CTR_POD_REMOVE_VOLUMES
)

// HasPods reports whether the loaded libctr has the pod API (ctr-pod.h).
func HasPods() bool { return has("ctr_pod_create") }

func wrapPod(p *C.ctr_pod_t, sink *logSink) *Pod {
	pod := &Pod{p: p, sink: sink.ref()}
	runtime.SetFinalizer(pod, (*Pod).Close)
	return pod
}

// Close releases the handle.
func (pod *Pod) Close() error {
	if pod.p != nil {
		C.libctr_go_pod_unref(pod.p)
		pod.p = nil
		pod.sink.unref()
		runtime.SetFinalizer(pod, nil)
	}
	return nil
}

func (pod *Pod) ptr() *C.ctr_pod_t {
	if pod.p == nil {
		panic(errClosed)
	}
	return pod.p
}

// do runs a C call on the pod, reading the error detail on the same thread.
func (pod *Pod) do(op string, f func(p *C.ctr_pod_t) C.int) error {
	defer runtime.KeepAlive(pod)
	p := pod.ptr()
	return call(op, func() C.int { return f(p) })
}

// ID is the pod's full ID (64 hex digits).
func (pod *Pod) ID() string {
	defer runtime.KeepAlive(pod)
	return C.GoString(C.libctr_go_pod_id(pod.ptr()))
}

// Name is the pod's name.
func (pod *Pod) Name() string {
	defer runtime.KeepAlive(pod)
	return C.GoString(C.libctr_go_pod_name(pod.ptr()))
}

// InfraID is the infra container's full ID, "" for a pod without one.
func (pod *Pod) InfraID() string {
	defer runtime.KeepAlive(pod)
	return C.GoString(C.libctr_go_pod_infra_id(pod.ptr()))
}

// CgroupPath is the pod's cgroup, CGROUP_PARENT/POD_ID.
func (pod *Pod) CgroupPath() string {
	defer runtime.KeepAlive(pod)
	return C.GoString(C.libctr_go_pod_cgroup_path(pod.ptr()))
}

// Share is the set of shared namespaces (PodShareNone for none).
func (pod *Pod) Share() PodShare {
	defer runtime.KeepAlive(pod)
	return PodShare(C.libctr_go_pod_share(pod.ptr()))
}

// Created is when the pod was made.
func (pod *Pod) Created() time.Time {
	defer runtime.KeepAlive(pod)
	return nsTime(C.libctr_go_pod_created(pod.ptr()))
}

// Containers returns the full IDs of the pod's containers, read now: the
// infra container first, then the members oldest first.
func (pod *Pod) Containers() ([]string, error) {
	var v **C.char
	if err := pod.do("ctr_pod_containers", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_containers(p, &v) }); err != nil {
		return nil, err
	}
	return takeStrv(v), nil
}

// Status is podman's pod status from the containers' states: "Created",
// "Running", "Degraded", "Paused", "Stopped" or "Exited" (the infra
// container counts).
func (pod *Pod) Status() (string, error) {
	var s *C.char
	if err := pod.do("ctr_pod_status", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_status(p, &s) }); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// Start starts the infra container, then every member not running (podman pod start).
func (pod *Pod) Start() error {
	return pod.do("ctr_pod_start", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_start(p) })
}

// Stop stops every running or paused member, then the infra container, each
// with its own stop signal and timeout, or timeout (whole seconds) unless it
// is DefaultStopTimeout (podman pod stop).
func (pod *Pod) Stop(timeout time.Duration) error {
	t := C.int(-1)
	if timeout >= 0 {
		t = C.int(timeout / time.Second)
	}
	return pod.do("ctr_pod_stop", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_stop(p, t) })
}

// Kill sends sig to every running member and to the infra container;
// ErrState when none is running, ErrInvalid for a bad signal.
func (pod *Pod) Kill(sig syscall.Signal) error {
	return pod.do("ctr_pod_kill", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_kill(p, C.int(sig)) })
}

// Pause pauses every running member and the infra container (ErrState: nothing running).
func (pod *Pod) Pause() error {
	return pod.do("ctr_pod_pause", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_pause(p) })
}

// Unpause unpauses every paused member and the infra container (ErrState: nothing paused).
func (pod *Pod) Unpause() error {
	return pod.do("ctr_pod_unpause", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_unpause(p) })
}

// Restart stops the pod (with each member's own timeout), then starts it.
func (pod *Pod) Restart() error {
	return pod.do("ctr_pod_restart", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_restart(p) })
}

// Top lists the processes of the pod's running containers as podman pod top
// does (ctr_pod_top()): the header and rows as Container.Top gives them, the
// containers in the order of Containers.  ErrState: no container of the pod
// runs; ErrInvalid: an unknown descriptor.
func (pod *Pod) Top(descriptors ...string) ([]string, [][]string, error) {
	var m cmem
	defer m.free()
	d := m.strv(append([]string{}, descriptors...))
	var t *C.ctr_top_t
	if err := pod.do("ctr_pod_top", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_top(p, d, &t) }); err != nil {
		return nil, nil, err
	}
	header, rows := topTable(t)
	return header, rows, nil
}

// Stats takes a sample of the resource use of each running (or paused)
// container of the pod, the infra container included, as podman pod stats
// lists them (ctr_pod_stats()), in the order of Containers.  With prev
// (samples of an earlier call), a container's CPUPercent is since its own
// sample there, else since its start.  A pod with nothing running gives
// none; ErrNotFound: the pod was removed.
func (pod *Pod) Stats(prev []*Stats) ([]*Stats, error) {
	pp := make([]*C.ctr_stats_t, 0, len(prev))
	for _, s := range prev {
		if s != nil && s.sample != nil {
			pp = append(pp, s.sample.p)
		}
	}
	var pprev **C.ctr_stats_t
	if len(pp) > 0 {
		pprev = &pp[0] // C pointers in Go memory: allowed by cgo's rules
	}
	var arr **C.ctr_stats_t
	var n C.size_t
	err := pod.do("ctr_pod_stats", func(p *C.ctr_pod_t) C.int {
		return C.libctr_go_pod_stats(p, pprev, C.size_t(len(pp)), &arr, &n)
	})
	runtime.KeepAlive(prev)
	if err != nil {
		return nil, err
	}
	defer C.libctr_go_pod_stats_free(arr, 0) // the array only: each sample is its Stats'
	out := make([]*Stats, 0, int(n))
	if n > 0 {
		for _, p := range unsafe.Slice(arr, int(n)) {
			out = append(out, ownedStats(p))
		}
	}
	return out, nil
}

// ApplyExitPolicy applies the pod's exit policy after a member exited: with
// PodExitStop and no member running, paused or stopping any more, it stops
// the infra container (podman pod create --exit-policy stop) and returns
// true.  libctr's monitor helper does this after every member's exit, with
// no caller alive; this is for callers that want it now.  ErrNotFound: the
// pod was removed.
func (pod *Pod) ApplyExitPolicy() (bool, error) {
	defer runtime.KeepAlive(pod)
	p := pod.ptr()
	var n C.int
	err := call("ctr_pod_apply_exit_policy", func() C.int { n = C.libctr_go_pod_apply_exit_policy(p); return n })
	return err == nil && n == 1, err
}

// Remove removes the members, the infra container, the pod's cgroup and its
// record (podman pod rm).  Without PodRemoveForce a running or paused member
// fails with ErrState and nothing is removed; when a member cannot be
// removed the pod is kept with it and that error is returned.  The handle
// stays valid (Close it).
func (pod *Pod) Remove(flags PodRemoveFlags) error {
	return pod.do("ctr_pod_remove", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_remove(p, C.uint64_t(flags)) })
}

// InspectJSON returns podman's `pod inspect` object, read anew.
func (pod *Pod) InspectJSON() ([]byte, error) {
	var s *C.char
	if err := pod.do("ctr_pod_inspect", func(p *C.ctr_pod_t) C.int { return C.libctr_go_pod_inspect(p, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// Inspect returns the inspect object, decoded.
func (pod *Pod) Inspect() (map[string]interface{}, error) {
	b, err := pod.InspectJSON()
	if err != nil {
		return nil, err
	}
	var m map[string]interface{}
	return m, json.Unmarshal(b, &m)
}

// CreatePod makes a pod and its infra container (podman pod create).  It
// fails with ErrInvalid (a bad option: the message says which), ErrExists
// (the name is a pod's or a container's), ErrNotFound (a network or the
// infra image does not exist), ErrNotSupported (no pod API, or a state
// backend without object records), or Create's errors for the infra
// container; on failure nothing is left.  Close the pod.
func (r *Runtime) CreatePod(opts PodOptions) (*Pod, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_pod_options_t
	if err := call("ctr_pod_options_init", func() C.int { return C.libctr_go_pod_options_init(&o, C.CTR_POD_OPTIONS_VERSION) }); err != nil {
		return nil, err
	}
	o.name = m.str(opts.Name)
	o.labels = (**C.char)(unsafe.Pointer(m.strv(kvList(opts.Labels))))
	o.share = C.uint32_t(opts.Share)
	o.exit_policy = C.int(opts.ExitPolicy)
	o.network_mode = C.int(opts.NetworkMode)
	o.cgroup_parent = m.str(opts.CgroupParent)
	o.hostname = m.str(opts.Hostname)
	o.dns_servers = (**C.char)(unsafe.Pointer(m.strv(opts.DNSServers)))
	o.dns_search = (**C.char)(unsafe.Pointer(m.strv(opts.DNSSearch)))
	o.dns_options = (**C.char)(unsafe.Pointer(m.strv(opts.DNSOptions)))
	o.hosts_add = (**C.char)(unsafe.Pointer(m.strv(opts.HostsAdd)))
	if n := len(opts.PortMappings); n > 0 {
		pm := (*C.ctr_port_mapping_t)(C.calloc(C.size_t(n), C.sizeof_ctr_port_mapping_t))
		m.ptrs = append(m.ptrs, unsafe.Pointer(pm))
		arr := unsafe.Slice(pm, n)
		for i, p := range opts.PortMappings {
			arr[i].host_ip = m.str(p.HostIP)
			arr[i].host_port = C.uint16_t(p.HostPort)
			arr[i].container_port = C.uint16_t(p.ContainerPort)
			arr[i].protocol = m.str(p.Protocol)
		}
		o.port_mappings = pm
		o.n_port_mappings = C.size_t(n)
	}
	o.networks = (**C.char)(unsafe.Pointer(m.strv(opts.Networks)))
	o.infra_image = m.str(opts.InfraImage)
	if opts.NoInfra {
		o.flags |= C.CTR_POD_CREATE_NO_INFRA
	}
	o.memory = C.int64_t(opts.Memory)
	o.memory_swap = C.int64_t(opts.MemorySwap)
	o.nano_cpus = C.int64_t(opts.NanoCPUs)
	o.cpuset_cpus = m.str(opts.CpusetCPUs)
	o.cpuset_mems = m.str(opts.CpusetMems)
	var p *C.ctr_pod_t
	if err := call("ctr_pod_create", func() C.int { return C.libctr_go_pod_create(r.ptr(), &o, &p) }); err != nil {
		return nil, err
	}
	return wrapPod(p, r.sink), nil
}

// Pod finds a pod by full ID, unique ID prefix or name: ErrNotFound (no such
// pod), ErrInvalid (empty or invalid, or an ambiguous prefix).  Close it.
func (r *Runtime) Pod(ref string) (*Pod, error) {
	defer runtime.KeepAlive(r)
	n := C.CString(ref)
	defer C.free(unsafe.Pointer(n))
	var p *C.ctr_pod_t
	if err := call("ctr_pod_lookup", func() C.int { return C.libctr_go_pod_lookup(r.ptr(), n, &p) }); err != nil {
		return nil, err
	}
	return wrapPod(p, r.sink), nil
}

// Pods lists every pod, oldest first (a damaged record is skipped with a
// warning through the log callback), or with filters those that pass
// podman's `pod ps --filter` strings ("name=^web", "label=tier=front",
// "status=running", "ctr-number=3"; the values of one key are
// alternatives).  Close each one.
func (r *Runtime) Pods(filters ...string) ([]*Pod, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var list **C.ctr_pod_t
	var n C.size_t
	var err error
	if len(filters) > 0 {
		f := m.strv(filters)
		err = call("ctr_pod_list_filter", func() C.int {
			return C.libctr_go_pod_list_filter(r.ptr(), (**C.char)(unsafe.Pointer(f)), &list, &n)
		})
	} else {
		err = call("ctr_pod_list", func() C.int { return C.libctr_go_pod_list(r.ptr(), &list, &n) })
	}
	if err != nil {
		return nil, err
	}
	defer C.libctr_go_pod_list_free(list, n)
	out := make([]*Pod, 0, int(n))
	for i := 0; i < int(n); i++ {
		p := (*C.ctr_pod_t)(C.libctr_go_ptr_at((*unsafe.Pointer)(unsafe.Pointer(list)), C.size_t(i)))
		out = append(out, wrapPod(C.libctr_go_pod_ref(p), r.sink))
	}
	return out, nil
}
