// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"runtime/cgo"
	"strings"
	"syscall"
	"time"
	"unsafe"
)

// State of a container (ctr_state_t).
type State int

const (
	StateUnknown    State = C.CTR_STATE_UNKNOWN
	StateConfigured State = C.CTR_STATE_CONFIGURED
	StateCreated    State = C.CTR_STATE_CREATED
	StateRunning    State = C.CTR_STATE_RUNNING
	StateExited     State = C.CTR_STATE_EXITED
	StatePaused     State = C.CTR_STATE_PAUSED
	StateStopping   State = C.CTR_STATE_STOPPING
	StateRemoving   State = C.CTR_STATE_REMOVING
)

// String is the name podman prints ("running", "exited"...).
func (s State) String() string { return C.GoString(C.ctr_state_name(C.ctr_state_t(s))) }

// Namespace a container can share with another (ctr_ns_t).
type Namespace int

const (
	NamespaceIPC    Namespace = C.CTR_NS_IPC
	NamespaceMount  Namespace = C.CTR_NS_MNT
	NamespaceNet    Namespace = C.CTR_NS_NET
	NamespacePID    Namespace = C.CTR_NS_PID
	NamespaceUser   Namespace = C.CTR_NS_USER
	NamespaceUTS    Namespace = C.CTR_NS_UTS
	NamespaceCgroup Namespace = C.CTR_NS_CGROUP
)

// CreateFlags are CTR_CREATE_*.
type CreateFlags uint64

const (
	CreateReadOnly     CreateFlags = C.CTR_CREATE_READ_ONLY
	CreatePrivileged   CreateFlags = C.CTR_CREATE_PRIVILEGED
	CreateNoNewPrivs   CreateFlags = C.CTR_CREATE_NO_NEW_PRIVS
	CreateStdin        CreateFlags = C.CTR_CREATE_STDIN
	CreateTerminal     CreateFlags = C.CTR_CREATE_TERMINAL
	CreateNetNS        CreateFlags = C.CTR_CREATE_NETNS
	CreateImageVolumes CreateFlags = C.CTR_CREATE_IMAGE_VOLUMES
	CreateHostNetwork  CreateFlags = C.CTR_CREATE_HOST_NETWORK
	// CreateAutoRemove removes the container when it exits (podman's --rm),
	// also when this program is gone: its monitor runs libctr's ctr-cleanup.
	CreateAutoRemove CreateFlags = C.CTR_CREATE_AUTO_REMOVE
	// CreateInit runs catatonit as PID 1 (podman's --init; ContainerOptions.Init).
	CreateInit CreateFlags = C.CTR_CREATE_INIT
	// CreateOOMKillDisable disables the OOM killer in the memory cgroup (ContainerOptions.OOMKillDisable).
	CreateOOMKillDisable CreateFlags = C.CTR_CREATE_OOM_KILL_DISABLE
	// CreateNoReadOnlyTmpfs: with CreateReadOnly, no tmpfs on /run, /tmp, /var/tmp.
	CreateNoReadOnlyTmpfs CreateFlags = C.CTR_CREATE_NO_READ_ONLY_TMPFS
	// CreateOOMScoreAdj: the OOM score adjustment is set (ContainerOptions.OOMScoreAdj sets it).
	CreateOOMScoreAdj CreateFlags = C.CTR_CREATE_OOM_SCORE_ADJ
	// CreateImageVolumesTmpfs makes each image volume a tmpfs (--image-volume tmpfs), not with
	// CreateImageVolumes (libctr 0.5).
	CreateImageVolumesTmpfs CreateFlags = C.CTR_CREATE_IMAGE_VOLUMES_TMPFS
)

// PortMapping forwards a host port into the container's network namespace.
type PortMapping struct {
	HostIP        string
	HostPort      uint16
	ContainerPort uint16
	Protocol      string // "tcp" (default) or "udp"
}

// ContainerOptions describe a new container; zero values mean "not set".
type ContainerOptions struct {
	Name     string
	SpecJSON string // a base OCI spec
	Rootfs   string // a root file system directory, or
	Image    string // an image name or ID
	Command  []string
	Env      []string // KEY=VALUE
	Workdir  string
	User     string
	Hostname string
	Pod      string
	Flags    CreateFlags
	ShmSize  int64
	// Namespaces maps a namespace to the container (ID, prefix or name) whose namespace to join.
	Namespaces   map[Namespace]string
	PortMappings []PortMapping
	DNSServers   []string
	DNSSearch    []string
	DNSOptions   []string
	HostsAdd     []string // HOST:IP
	Labels       map[string]string
	StopSignal   syscall.Signal
	StopTimeout  *time.Duration // nil: 10 s
	CgroupParent string
	LogPath      string
	ProcessLabel string
	MountLabel   string
	Networks     []string
	NetNSPath    string
	// LogSizeMax is the largest log size in bytes (podman's --log-opt
	// max-size); 0: the runtime's default; negative: no limit.
	LogSizeMax int64

	// Version 3 (libctr 0.4): podman run's configuration.  Zero, nil and
	// empty mean podman's default; sizes are in bytes.

	// Mounts: BindMount, TmpfsMount, VolumeMount or a Mount (-v, --mount, --tmpfs).
	Mounts []Mount

	// Resources.
	Memory            int64   // --memory
	MemorySwap        int64   // --memory-swap: 0 twice Memory, -1 unlimited
	MemoryReservation int64   // --memory-reservation
	CPUs              float64 // --cpus 0.5: a quota over the default 100 ms period
	CPUShares         uint64  // --cpu-shares 2-262144
	CPUPeriod         uint64  // --cpu-period in microseconds
	CPUQuota          int64   // --cpu-quota in microseconds
	CpusetCPUs        string  // --cpuset-cpus 0-2,4
	CpusetMems        string  // --cpuset-mems
	PidsLimit         int64   // --pids-limit: 0 podman's default 2048, -1 unlimited
	BlkioWeight       uint16  // --blkio-weight 10-1000
	BlkioWeightDevice []WeightDevice
	DeviceReadBps     []ThrottleDevice // bytes per second
	DeviceWriteBps    []ThrottleDevice
	DeviceReadIOPS    []ThrottleDevice // operations per second
	DeviceWriteIOPS   []ThrottleDevice
	OOMScoreAdj       *int // --oom-score-adj -1000..1000; nil: not set
	OOMKillDisable    bool // --oom-kill-disable (CreateOOMKillDisable)
	Ulimits           []Ulimit

	// Security and devices.
	CapAdd            []string          // NET_ADMIN, CAP_NET_ADMIN or ALL
	CapDrop           []string          // applied after CapAdd unless ALL
	NoNewPrivileges   bool              // --security-opt no-new-privileges (CreateNoNewPrivs)
	SeccompProfile    string            // a profile file or "unconfined"; "": the default profile
	ApparmorProfile   string            // applied where AppArmor is enabled
	MaskPaths         []string          // --security-opt mask=
	UnmaskPaths       []string          // --security-opt unmask=, or ALL
	NoReadOnlyTmpfs   bool              // with CreateReadOnly: no tmpfs on /run, /tmp, /var/tmp (--read-only-tmpfs=false)
	GroupAdd          []string          // --group-add: names in the rootfs or numbers
	Sysctls           map[string]string // namespaced ones (--sysctl)
	Devices           []string          // HOST[:CONTAINER][:PERMISSIONS] (--device)
	DeviceCgroupRules []string          // "c 1:3 rwm" (--device-cgroup-rule)

	// Process.  Entrypoint replaces the image's; nil: not set; an empty
	// non-nil slice clears the image's.
	Entrypoint    []string
	Init          bool   // --init: catatonit as PID 1 (CreateInit)
	InitPath      string // "": /usr/bin/catatonit
	Umask         string // octal, "0077"
	Timezone      string // --tz: "local" or a zoneinfo name
	Annotations   map[string]string
	Domainname    string
	CreateCommand []string // shown as inspect's Config.CreateCommand

	// Restart policy and healthcheck: stored and shown by Inspect, not yet enforced.
	RestartPolicy  string // no, always, on-failure, unless-stopped
	RestartRetries uint   // with on-failure; 0: no limit
	// HealthCmd is the test as podman stores it: {HealthCmdShell, "curl -f x"},
	// {HealthCmd, "/bin/check", "arg"} or {HealthNone}; nil: the image's.
	HealthCmd         []string
	HealthInterval    time.Duration // 0: 30 s
	HealthTimeout     time.Duration // 0: 30 s
	HealthStartPeriod time.Duration
	HealthRetries     uint // 0: 3
	// HealthOnFailure is the action once unhealthy (--health-on-failure):
	// "none", "kill", "restart" or "stop"; "": none.
	HealthOnFailure string
}

// Container is a container handle (ctr_container_t): its immutable config and
// its state.  Safe for concurrent use, except Close, which must be the last call.
type Container struct {
	p    *C.ctr_container_t
	sink *logSink
}

func wrapContainer(p *C.ctr_container_t, sink *logSink) *Container {
	c := &Container{p: p, sink: sink.ref()}
	runtime.SetFinalizer(c, (*Container).Close)
	return c
}

// Create creates a container in state StateConfigured; nothing runs yet.
func (r *Runtime) Create(opts ContainerOptions) (*Container, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	var o C.ctr_container_options_t
	if err := call("ctr_container_options_init", func() C.int {
		return C.ctr_container_options_init(&o, C.CTR_CONTAINER_OPTIONS_VERSION)
	}); err != nil {
		return nil, err
	}
	o.name = m.str(opts.Name)
	o.spec_json = m.str(opts.SpecJSON)
	o.rootfs = m.str(opts.Rootfs)
	o.image = m.str(opts.Image)
	o.command = m.strv(opts.Command)
	o.env = m.strv(opts.Env)
	o.workdir = m.str(opts.Workdir)
	o.user = m.str(opts.User)
	o.hostname = m.str(opts.Hostname)
	o.pod = m.str(opts.Pod)
	o.flags = C.uint64_t(opts.Flags)
	o.shm_size = C.int64_t(opts.ShmSize)
	for ns, who := range opts.Namespaces {
		if ns <= 0 || ns >= C.CTR_NS_MAX {
			return nil, &Error{Op: "ctr_container_create", Errno: syscall.EINVAL, Message: "unknown namespace"}
		}
		o.ns_ctr[ns] = m.str(who)
	}
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
	o.dns_servers = m.strv(opts.DNSServers)
	o.dns_search = m.strv(opts.DNSSearch)
	o.dns_options = m.strv(opts.DNSOptions)
	o.hosts_add = m.strv(opts.HostsAdd)
	if opts.Labels != nil {
		labels := make([]string, 0, len(opts.Labels))
		for k, v := range opts.Labels {
			labels = append(labels, k+"="+v)
		}
		o.labels = m.strv(labels)
	}
	o.stop_signal = C.int(opts.StopSignal)
	if opts.StopTimeout != nil {
		o.stop_timeout = C.int(opts.StopTimeout.Seconds())
	}
	o.cgroup_parent = m.str(opts.CgroupParent)
	o.log_path = m.str(opts.LogPath)
	o.process_label = m.str(opts.ProcessLabel)
	o.mount_label = m.str(opts.MountLabel)
	o.networks = m.strv(opts.Networks)
	o.netns_path = m.str(opts.NetNSPath)
	o.log_size_max = C.int64_t(opts.LogSizeMax)
	m.fillV3(&o, &opts)
	var p *C.ctr_container_t
	if err := call("ctr_container_create", func() C.int { return C.ctr_container_create(&p, r.ptr(), &o) }); err != nil {
		return nil, err
	}
	return wrapContainer(p, r.sink), nil
}

// Close releases the handle.
func (c *Container) Close() error {
	if c.p != nil {
		C.ctr_container_unref(c.p)
		c.p = nil
		c.sink.unref()
		runtime.SetFinalizer(c, nil)
	}
	return nil
}

func (c *Container) ptr() *C.ctr_container_t {
	if c.p == nil {
		panic(errClosed)
	}
	return c.p
}

// do runs a C call on the container and checks it.
func (c *Container) do(op string, f func(p *C.ctr_container_t) C.int) error {
	defer runtime.KeepAlive(c)
	p := c.ptr()
	return call(op, func() C.int { return f(p) })
}

func (c *Container) str(f func(*C.ctr_container_t) *C.char) string {
	defer runtime.KeepAlive(c)
	return C.GoString(f(c.ptr()))
}

func (c *Container) strv(f func(*C.ctr_container_t) **C.char) []string {
	defer runtime.KeepAlive(c)
	return goStrv(f(c.ptr()))
}

func (c *Container) json(op string, f func(*C.ctr_container_t, **C.char) C.int) ([]byte, error) {
	var s *C.char
	if err := c.do(op, func(p *C.ctr_container_t) C.int { return f(p, &s) }); err != nil {
		return nil, err
	}
	return takeBytes(s), nil
}

// Runtime returns a new handle on the container's runtime.
func (c *Container) Runtime() *Runtime {
	defer runtime.KeepAlive(c)
	return wrapRuntime(C.ctr_runtime_ref(C.ctr_container_runtime(c.ptr())), c.sink.ref())
}

// ---- config ----

func (c *Container) ID() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_id(p) })
}
func (c *Container) Name() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_name(p) })
}
func (c *Container) Pod() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_pod(p) })
}
func (c *Container) Rootfs() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_rootfs(p) })
}
func (c *Container) ImageID() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_image_id(p) })
}
func (c *Container) ImageName() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_image_name(p) })
}
func (c *Container) User() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_user(p) })
}
func (c *Container) Workdir() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_workdir(p) })
}
func (c *Container) Hostname() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_hostname(p) })
}

// Damage tells why the container's record could not be read (its state is
// then StateUnknown), or "" when it was read.
func (c *Container) Damage() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_damage(p) })
}
func (c *Container) StaticDir() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_static_dir(p) })
}
func (c *Container) ShmDir() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_shm_dir(p) })
}
func (c *Container) LogPath() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_log_path(p) })
}
func (c *Container) CgroupParent() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_cgroup_parent(p) })
}
func (c *Container) ProcessLabel() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_process_label(p) })
}
func (c *Container) MountLabel() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_mount_label(p) })
}
func (c *Container) NetNSPath() string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_netns_path(p) })
}

// NamespaceContainer is the full ID of the container whose namespace ns is joined, or "".
func (c *Container) NamespaceContainer(ns Namespace) string {
	return c.str(func(p *C.ctr_container_t) *C.char { return C.ctr_container_ns_ctr(p, C.ctr_ns_t(ns)) })
}

// Label returns a label's value and whether it is set.
func (c *Container) Label(key string) (string, bool) {
	defer runtime.KeepAlive(c)
	k := C.CString(key)
	defer C.free(unsafe.Pointer(k))
	v := C.ctr_container_label(c.ptr(), k)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}

// Entrypoint is what runs before the command: the caller's, else the image's (since 0.4).
func (c *Container) Entrypoint() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char { return (**C.char)(unsafe.Pointer(C.ctr_container_entrypoint(p))) })
}

func (c *Container) Command() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char { return (**C.char)(unsafe.Pointer(C.ctr_container_command(p))) })
}
func (c *Container) Env() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char { return (**C.char)(unsafe.Pointer(C.ctr_container_env(p))) })
}
func (c *Container) DNSServers() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_dns_servers(p)))
	})
}
func (c *Container) DNSSearch() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_dns_search(p)))
	})
}
func (c *Container) DNSOptions() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_dns_options(p)))
	})
}
func (c *Container) HostsAdd() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_hosts_add(p)))
	})
}

// Mounts are the destinations of the container's mounts (ContainerOptions.Mounts), in order.
func (c *Container) Mounts() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char { return (**C.char)(unsafe.Pointer(C.ctr_container_mounts(p))) })
}
func (c *Container) Networks() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_networks(p)))
	})
}
func (c *Container) Volumes() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char { return (**C.char)(unsafe.Pointer(C.ctr_container_volumes(p))) })
}
func (c *Container) ExposedPorts() []string {
	return c.strv(func(p *C.ctr_container_t) **C.char {
		return (**C.char)(unsafe.Pointer(C.ctr_container_exposed_ports(p)))
	})
}

// Created is the creation time.
func (c *Container) Created() time.Time {
	defer runtime.KeepAlive(c)
	return nsTime(C.ctr_container_created(c.ptr()))
}

func (c *Container) Flags() CreateFlags {
	defer runtime.KeepAlive(c)
	return CreateFlags(C.ctr_container_flags(c.ptr()))
}

func (c *Container) ShmSize() int64 {
	defer runtime.KeepAlive(c)
	return int64(C.ctr_container_shm_size(c.ptr()))
}

func (c *Container) StopSignal() syscall.Signal {
	defer runtime.KeepAlive(c)
	return syscall.Signal(C.ctr_container_stop_signal(c.ptr()))
}

func (c *Container) StopTimeout() time.Duration {
	defer runtime.KeepAlive(c)
	return time.Duration(C.ctr_container_stop_timeout(c.ptr())) * time.Second
}

// PortMappings are the container's port mappings.
func (c *Container) PortMappings() []PortMapping {
	defer runtime.KeepAlive(c)
	var arr *C.ctr_port_mapping_t
	n := int(C.ctr_container_port_mappings(c.ptr(), &arr))
	out := make([]PortMapping, 0, n)
	if n > 0 {
		for _, p := range unsafe.Slice(arr, n) {
			proto := C.GoString(p.protocol)
			if proto == "" {
				proto = "tcp"
			}
			out = append(out, PortMapping{HostIP: C.GoString(p.host_ip), HostPort: uint16(p.host_port),
				ContainerPort: uint16(p.container_port), Protocol: proto})
		}
	}
	return out
}

// Labels returns all labels.
func (c *Container) Labels() (map[string]string, error) {
	var v **C.char
	if err := c.do("ctr_container_labels", func(p *C.ctr_container_t) C.int { return C.ctr_container_labels(p, &v) }); err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, kv := range takeStrv(v) {
		k, val, _ := strings.Cut(kv, "=")
		out[k] = val
	}
	return out, nil
}

// Options returns the container's whole configuration as the ContainerOptions
// that Runtime.Create takes to make an equal container
// (ctr_container_get_options(), libctr 0.5): change Name and pass it on.
// Values are the stored ones, defaults included (ShmSize, StopTimeout,
// CgroupParent, the default network in Networks...), normalized as the config
// keeps them: mounts with their full options (an anonymous volume with no
// Source), capabilities as CAP_*, ulimits as RLIMIT_*, the healthcheck in
// podman's stored form.  Entrypoint is nil when the image's is used and empty
// when it was cleared; Image is the reference as given; LogPath "" for the
// default, LogSizeMax -1 for no limit.  The flags with fields of their own
// (Init, OOMKillDisable, NoNewPrivileges, NoReadOnlyTmpfs, OOMScoreAdj) are
// those fields, not in Flags.  Lists not set are nil.
func (c *Container) Options() (ContainerOptions, error) {
	var p *C.ctr_container_options_t
	if err := c.do("ctr_container_get_options", func(h *C.ctr_container_t) C.int {
		return C.ctr_container_get_options(h, &p)
	}); err != nil {
		return ContainerOptions{}, err
	}
	defer C.ctr_container_options_free(p)
	return optionsFromC(p), nil
}

func optionsFromC(o *C.ctr_container_options_t) ContainerOptions {
	timeout := time.Duration(o.stop_timeout) * time.Second
	r := ContainerOptions{
		Name: C.GoString(o.name), SpecJSON: C.GoString(o.spec_json), Rootfs: C.GoString(o.rootfs),
		Image: C.GoString(o.image), Command: optStrv((**C.char)(unsafe.Pointer(o.command))),
		Env: optStrv((**C.char)(unsafe.Pointer(o.env))), Workdir: C.GoString(o.workdir), User: C.GoString(o.user),
		Hostname: C.GoString(o.hostname), Pod: C.GoString(o.pod), Flags: CreateFlags(o.flags &^ fieldFlags),
		ShmSize: int64(o.shm_size), DNSServers: optStrv((**C.char)(unsafe.Pointer(o.dns_servers))),
		DNSSearch:  optStrv((**C.char)(unsafe.Pointer(o.dns_search))),
		DNSOptions: optStrv((**C.char)(unsafe.Pointer(o.dns_options))),
		HostsAdd:   optStrv((**C.char)(unsafe.Pointer(o.hosts_add))),
		Labels:     optPairs((**C.char)(unsafe.Pointer(o.labels))), StopSignal: syscall.Signal(o.stop_signal),
		StopTimeout: &timeout, CgroupParent: C.GoString(o.cgroup_parent), LogPath: C.GoString(o.log_path),
		ProcessLabel: C.GoString(o.process_label), MountLabel: C.GoString(o.mount_label),
		Networks: optStrv((**C.char)(unsafe.Pointer(o.networks))), NetNSPath: C.GoString(o.netns_path),
		LogSizeMax: int64(o.log_size_max),
	}
	for ns := 1; ns < C.CTR_NS_MAX; ns++ {
		if o.ns_ctr[ns] != nil {
			if r.Namespaces == nil {
				r.Namespaces = map[Namespace]string{}
			}
			r.Namespaces[Namespace(ns)] = C.GoString(o.ns_ctr[ns])
		}
	}
	if o.port_mappings != nil && o.n_port_mappings > 0 {
		for _, p := range unsafe.Slice(o.port_mappings, int(o.n_port_mappings)) {
			r.PortMappings = append(r.PortMappings, PortMapping{HostIP: C.GoString(p.host_ip),
				HostPort: uint16(p.host_port), ContainerPort: uint16(p.container_port), Protocol: C.GoString(p.protocol)})
		}
	}
	goV3(o, &r)
	return r
}

// ConfigJSON is the container's whole config as JSON.
func (c *Container) ConfigJSON() ([]byte, error) {
	return c.json("ctr_container_config_json", func(p *C.ctr_container_t, s **C.char) C.int { return C.ctr_container_config_json(p, s) })
}

// SpecJSON is the OCI spec given at create ("{}" when none).
func (c *Container) SpecJSON() ([]byte, error) {
	return c.json("ctr_container_spec_json", func(p *C.ctr_container_t, s **C.char) C.int { return C.ctr_container_spec_json(p, s) })
}

// Dependencies are the full IDs of the containers whose namespaces this one joins.
func (c *Container) Dependencies() ([]string, error) {
	var v **C.char
	if err := c.do("ctr_container_dependencies", func(p *C.ctr_container_t) C.int { return C.ctr_container_dependencies(p, &v) }); err != nil {
		return nil, err
	}
	return takeStrv(v), nil
}

// ---- state ----

// Sync re-reads the state (needed inside Batch to see changes).
func (c *Container) Sync() error {
	return c.do("ctr_container_sync", func(p *C.ctr_container_t) C.int { return C.ctr_container_sync(p) })
}

// State is the current state.
func (c *Container) State() (State, error) {
	var s C.ctr_state_t
	err := c.do("ctr_container_state", func(p *C.ctr_container_t) C.int { return C.ctr_container_state(p, &s) })
	return State(s), err
}

// PID of the container's first process, 0 when not running.
func (c *Container) PID() (int, error) {
	var v C.pid_t
	err := c.do("ctr_container_pid", func(p *C.ctr_container_t) C.int { return C.ctr_container_pid(p, &v) })
	return int(v), err
}

// ExitCode of the last run (128+signal when killed, -1 unknown).
func (c *Container) ExitCode() (int, error) {
	var v C.int
	err := c.do("ctr_container_exit_code", func(p *C.ctr_container_t) C.int { return C.ctr_container_exit_code(p, &v) })
	return int(v), err
}

// OOMKilled tells whether the last run was killed by the OOM killer.
func (c *Container) OOMKilled() (bool, error) {
	var v C.int
	err := c.do("ctr_container_oom_killed", func(p *C.ctr_container_t) C.int { return C.ctr_container_oom_killed(p, &v) })
	return v != 0, err
}

// StartedAt is when the last run started (zero if never).
func (c *Container) StartedAt() (time.Time, error) {
	var v C.int64_t
	err := c.do("ctr_container_started_at", func(p *C.ctr_container_t) C.int { return C.ctr_container_started_at(p, &v) })
	return nsTime(v), err
}

// FinishedAt is when the last run finished (zero if none).
func (c *Container) FinishedAt() (time.Time, error) {
	var v C.int64_t
	err := c.do("ctr_container_finished_at", func(p *C.ctr_container_t) C.int { return C.ctr_container_finished_at(p, &v) })
	return nsTime(v), err
}

// Mounted tells whether the root file system is mounted, and where.
func (c *Container) Mounted() (bool, string, error) {
	var v C.int
	var path *C.char
	if err := c.do("ctr_container_mounted", func(p *C.ctr_container_t) C.int { return C.ctr_container_mounted(p, &v, &path) }); err != nil {
		return false, "", err
	}
	return v != 0, takeString(path), nil
}

// StateJSON is the stored state document.
func (c *Container) StateJSON() ([]byte, error) {
	return c.json("ctr_container_state_json", func(p *C.ctr_container_t, s **C.char) C.int { return C.ctr_container_state_json(p, s) })
}

// NamespacePath is /proc/PID/ns/NAME of a running container.
func (c *Container) NamespacePath(ns Namespace) (string, error) {
	var s *C.char
	if err := c.do("ctr_container_namespace_path", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_namespace_path(p, C.ctr_ns_t(ns), &s)
	}); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// ---- artifacts ----

// AddArtifact stores data under name in the container's static directory.
func (c *Container) AddArtifact(name string, data []byte) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	buf := C.CBytes(data)
	defer C.free(buf)
	return c.do("ctr_container_artifact_add", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_artifact_add(p, n, buf, C.size_t(len(data)))
	})
}

// Artifact reads an artifact.
func (c *Container) Artifact(name string) ([]byte, error) {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	var buf unsafe.Pointer
	var size C.size_t
	if err := c.do("ctr_container_artifact_get", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_artifact_get(p, n, &buf, &size)
	}); err != nil {
		return nil, err
	}
	defer C.ctr_free(buf)
	return C.GoBytes(buf, C.int(size)), nil
}

// RemoveArtifact removes an artifact.
func (c *Container) RemoveArtifact(name string) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return c.do("ctr_container_artifact_remove", func(p *C.ctr_container_t) C.int { return C.ctr_container_artifact_remove(p, n) })
}

// ---- batch and remove ----

// Batch runs fn with the container's lock held and its state synced once.
// Calls on c inside fn (on the same goroutine) do not relock; calls from
// other goroutines wait until the batch ends, so fn must not wait for them.
// An error returned by fn aborts the batch and is returned; a panic is
// re-raised after the lock is released.
func (c *Container) Batch(fn func(c *Container) error) error {
	b := &batchCall{fn: func() error { return fn(c) }}
	h := cgo.NewHandle(b)
	defer h.Delete()
	runtime.LockOSThread() // the library ties the batch to this thread
	defer runtime.UnlockOSThread()
	err := c.do("ctr_container_batch", func(p *C.ctr_container_t) C.int { return C.libctr_go_batch(p, C.uintptr_t(h)) })
	if b.panicked != nil {
		panic(b.panicked)
	}
	if b.err != nil {
		return b.err
	}
	return err
}

// Remove removes the container.  The handle stays valid for config getters;
// state calls then fail with ErrNotFound.
func (c *Container) Remove(flags RemoveFlags) error {
	return c.do("ctr_container_remove", func(p *C.ctr_container_t) C.int { return C.ctr_container_remove(p, C.uint64_t(flags)) })
}

// Rename gives the container a new name, in any state but removing
// (ctr_container_rename(), libctr 0.6): atomic, the old name free afterwards.
// A name in use is ErrExists, an invalid one ErrInvalid.
func (c *Container) Rename(name string) error {
	n := C.CString(name)
	defer C.free(unsafe.Pointer(n))
	return c.do("ctr_container_rename", func(p *C.ctr_container_t) C.int { return C.ctr_container_rename(p, n) })
}

// UpdateFields names the resource fields of ContainerOptions that Update applies.
type UpdateFields uint64

// The fields of Update (CTR_UPDATE_*).
const (
	UpdateMemory            UpdateFields = C.CTR_UPDATE_MEMORY
	UpdateMemorySwap        UpdateFields = C.CTR_UPDATE_MEMORY_SWAP
	UpdateMemoryReservation UpdateFields = C.CTR_UPDATE_MEMORY_RESERVATION
	UpdateCPUs              UpdateFields = C.CTR_UPDATE_CPUS
	UpdateCPUShares         UpdateFields = C.CTR_UPDATE_CPU_SHARES
	UpdateCPUPeriod         UpdateFields = C.CTR_UPDATE_CPU_PERIOD
	UpdateCPUQuota          UpdateFields = C.CTR_UPDATE_CPU_QUOTA
	UpdateCpusetCPUs        UpdateFields = C.CTR_UPDATE_CPUSET_CPUS
	UpdateCpusetMems        UpdateFields = C.CTR_UPDATE_CPUSET_MEMS
	UpdatePidsLimit         UpdateFields = C.CTR_UPDATE_PIDS_LIMIT
	UpdateBlkioWeight       UpdateFields = C.CTR_UPDATE_BLKIO_WEIGHT
)

// Update changes resource limits (ctr_container_update(), libctr 0.6), as
// podman update: the fields of limits that fields names replace the
// container's, at once when it runs and in its config, for inspect and the
// next start.  A bad value is ErrInvalid, and nothing changes.
func (c *Container) Update(limits ContainerOptions, fields UpdateFields) error {
	var m cmem
	defer m.free()
	var o C.ctr_container_options_t
	if err := call("ctr_container_options_init", func() C.int {
		return C.ctr_container_options_init(&o, C.CTR_CONTAINER_OPTIONS_VERSION)
	}); err != nil {
		return err
	}
	m.resources(&o, &limits)
	return c.do("ctr_container_update", func(p *C.ctr_container_t) C.int {
		return C.ctr_container_update(p, &o, C.uint64_t(fields))
	})
}

// ---- inspect ----

// InspectJSON is `podman inspect`-shaped JSON; withSize computes sizes.
func (c *Container) InspectJSON(withSize bool) ([]byte, error) {
	flags := C.uint64_t(0)
	if withSize {
		flags = C.CTR_INSPECT_SIZE
	}
	return c.json("ctr_container_inspect", func(p *C.ctr_container_t, s **C.char) C.int { return C.ctr_container_inspect(p, flags, s) })
}

// Top lists the processes of the running container as podman top does
// (ctr_container_top(), libctr 0.6), read from the host without running
// anything in the container: the header and one row per process, by PID in
// the container, one column per descriptor ("pid", "args", "huser", AIX codes
// such as "%C", or several in one string separated by commas; none: user pid
// ppid pcpu etime tty time args).  An unknown descriptor is ErrInvalid, a
// container that is not running ErrState.
func (c *Container) Top(descriptors ...string) ([]string, [][]string, error) {
	var m cmem
	defer m.free()
	d := m.strv(append([]string{}, descriptors...))
	var t *C.ctr_top_t
	if err := c.do("ctr_container_top", func(h *C.ctr_container_t) C.int {
		return C.ctr_container_top(h, d, &t)
	}); err != nil {
		return nil, nil, err
	}
	header, rows := topTable(t)
	return header, rows, nil
}

// topTable copies a table of ctr_container_top() or ctr_pod_top() and frees it.
func topTable(t *C.ctr_top_t) ([]string, [][]string) {
	defer C.ctr_container_top_free(t)
	ncol, nrow := int(t.n_columns), int(t.n_rows)
	header := make([]string, ncol)
	for j, s := range unsafe.Slice((**C.char)(unsafe.Pointer(t.header)), ncol) {
		header[j] = C.GoString(s)
	}
	rows := make([][]string, nrow)
	for i, r := range unsafe.Slice((***C.char)(unsafe.Pointer(t.rows)), nrow) {
		rows[i] = make([]string, ncol)
		for j, s := range unsafe.Slice(r, ncol) {
			rows[i][j] = C.GoString(s)
		}
	}
	return header, rows
}

// InspectData is the main part of Inspect's document.
type InspectData struct {
	ID      string `json:"Id"`
	Name    string
	Created time.Time
	Path    string
	Args    []string
	Image   string
	Rootfs  string
	State   struct {
		Status     string
		Running    bool
		Paused     bool
		OOMKilled  bool
		Pid        int
		ExitCode   int
		StartedAt  time.Time
		FinishedAt time.Time
	}
	Config struct {
		Hostname   string
		User       string
		Env        []string
		Cmd        []string
		WorkingDir string
		Labels     map[string]string
	}
	LogPath string
	// Raw is the whole document.
	Raw map[string]interface{} `json:"-"`
}

// Inspect parses InspectJSON.
func (c *Container) Inspect() (*InspectData, error) {
	b, err := c.InspectJSON(false)
	if err != nil {
		return nil, err
	}
	var d InspectData
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &d.Raw); err != nil {
		return nil, err
	}
	return &d, nil
}
