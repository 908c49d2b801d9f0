// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"math"
	"sort"
	"strings"
	"time"
	"unsafe"
)

// Version 3 of the container options (libctr 0.4): podman run's mounts,
// resources, security, devices, process, restart policy and healthcheck.
// The types here are the elements of ContainerOptions' new fields; fillV3
// converts those fields to C memory owned by a cmem, freed when Create
// returns (the library copies everything; no Go pointer goes into C memory).

// Mount is a mount of a new container (ctr_mount_t), as podman's --mount,
// -v and --tmpfs describe one.  Type is "bind" (Source: a host path),
// "volume" (Source: a volume name, made when it does not exist; "": an
// anonymous volume, removed with the container), "tmpfs", "devpts",
// "mqueue" or "proc".  Options are podman's, one per entry ("ro",
// "rprivate", "nosuid", "size=10m", "mode=1777", "nocopy"...); an entry with
// commas is split.
type Mount struct {
	Type        string
	Source      string
	Destination string
	Options     []string
}

// BindMount mounts the host path source at destination (-v SRC:DST:OPTS).
func BindMount(source, destination string, options ...string) Mount {
	return Mount{Type: "bind", Source: source, Destination: destination, Options: options}
}

// TmpfsMount mounts a new tmpfs at destination (--tmpfs DST:size=10m).
func TmpfsMount(destination string, options ...string) Mount {
	return Mount{Type: "tmpfs", Destination: destination, Options: options}
}

// VolumeMount mounts the named volume name ("": an anonymous one) at destination (-v NAME:DST).
func VolumeMount(name, destination string, options ...string) Mount {
	return Mount{Type: "volume", Source: name, Destination: destination, Options: options}
}

// Ulimit is a resource limit of the container's process (--ulimit
// NAME=SOFT:HARD): Name is "nofile" or "RLIMIT_NOFILE"...; -1 is unlimited.
type Ulimit struct {
	Name string
	Soft int64
	Hard int64
}

// ThrottleDevice is a rate on a host block device (--device-read-bps
// PATH:RATE...): bytes or operations per second.
type ThrottleDevice struct {
	Path string
	Rate uint64
}

// WeightDevice is a block I/O weight (10-1000) of a host block device (--blkio-weight-device).
type WeightDevice struct {
	Path   string
	Weight uint16
}

// Healthcheck test forms, as podman stores them in HealthCmd.
const (
	HealthCmd      = "CMD"       // {"CMD", "/bin/check", "arg"}: an argv
	HealthCmdShell = "CMD-SHELL" // {"CMD-SHELL", "curl -f x"}: a shell command
	HealthNone     = "NONE"      // {"NONE"}: no healthcheck, not even the image's
)

// splitOptions splits each entry at commas ("ro,z" is "ro", "z").
func splitOptions(v []string) []string {
	if v == nil {
		return nil
	}
	out := []string{}
	for _, o := range v {
		for _, p := range strings.Split(o, ",") {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// pairs are KEY=VALUE strings of m, sorted by key; nil for a nil map.
func pairs(m map[string]string) []string {
	if m == nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// array allocates n zeroed C elements of size bytes, freed with m.
func (m *cmem) array(n int, size C.size_t) unsafe.Pointer {
	if n == 0 {
		return nil
	}
	p := C.calloc(C.size_t(n), size)
	m.ptrs = append(m.ptrs, p)
	return p
}

func (m *cmem) throttles(v []ThrottleDevice) (*C.ctr_throttle_device_t, C.size_t) {
	p := (*C.ctr_throttle_device_t)(m.array(len(v), C.sizeof_ctr_throttle_device_t))
	if p == nil {
		return nil, 0
	}
	arr := unsafe.Slice(p, len(v))
	for i, t := range v {
		arr[i].path = m.str(t.Path)
		arr[i].rate = C.uint64_t(t.Rate)
	}
	return p, C.size_t(len(v))
}

func (m *cmem) mounts(o *C.ctr_container_options_t, v []Mount) {
	p := (*C.ctr_mount_t)(m.array(len(v), C.sizeof_ctr_mount_t))
	if p == nil {
		return
	}
	arr := unsafe.Slice(p, len(v))
	for i, mt := range v {
		arr[i]._type = m.str(mt.Type)
		arr[i].source = m.str(mt.Source)
		arr[i].destination = m.str(mt.Destination)
		if opts := splitOptions(mt.Options); len(opts) > 0 {
			arr[i].options = m.strv(opts)
		}
	}
	o.mounts, o.n_mounts = p, C.size_t(len(v))
}

func (m *cmem) resources(o *C.ctr_container_options_t, r *ContainerOptions) {
	o.memory = C.int64_t(r.Memory)
	o.memory_swap = C.int64_t(r.MemorySwap)
	o.memory_reservation = C.int64_t(r.MemoryReservation)
	o.nano_cpus = C.int64_t(math.Round(r.CPUs * 1e9))
	o.cpu_shares = C.uint64_t(r.CPUShares)
	o.cpu_period = C.uint64_t(r.CPUPeriod)
	o.cpu_quota = C.int64_t(r.CPUQuota)
	o.cpuset_cpus = m.str(r.CpusetCPUs)
	o.cpuset_mems = m.str(r.CpusetMems)
	o.pids_limit = C.int64_t(r.PidsLimit)
	o.blkio_weight = C.uint16_t(r.BlkioWeight)
	if n := len(r.BlkioWeightDevice); n > 0 {
		p := (*C.ctr_weight_device_t)(m.array(n, C.sizeof_ctr_weight_device_t))
		arr := unsafe.Slice(p, n)
		for i, w := range r.BlkioWeightDevice {
			arr[i].path = m.str(w.Path)
			arr[i].weight = C.uint16_t(w.Weight)
		}
		o.blkio_weight_devices, o.n_blkio_weight_devices = p, C.size_t(n)
	}
	o.device_read_bps, o.n_device_read_bps = m.throttles(r.DeviceReadBps)
	o.device_write_bps, o.n_device_write_bps = m.throttles(r.DeviceWriteBps)
	o.device_read_iops, o.n_device_read_iops = m.throttles(r.DeviceReadIOPS)
	o.device_write_iops, o.n_device_write_iops = m.throttles(r.DeviceWriteIOPS)
	if r.OOMScoreAdj != nil {
		o.oom_score_adj = C.int(*r.OOMScoreAdj)
		o.flags |= C.CTR_CREATE_OOM_SCORE_ADJ
	}
	if r.OOMKillDisable {
		o.flags |= C.CTR_CREATE_OOM_KILL_DISABLE
	}
	if n := len(r.Ulimits); n > 0 {
		p := (*C.ctr_ulimit_t)(m.array(n, C.sizeof_ctr_ulimit_t))
		arr := unsafe.Slice(p, n)
		for i, u := range r.Ulimits {
			arr[i].name = m.str(u.Name)
			arr[i].soft, arr[i].hard = C.int64_t(u.Soft), C.int64_t(u.Hard)
		}
		o.ulimits, o.n_ulimits = p, C.size_t(n)
	}
}

func (m *cmem) security(o *C.ctr_container_options_t, s *ContainerOptions) {
	o.cap_add = m.strv(s.CapAdd)
	o.cap_drop = m.strv(s.CapDrop)
	if s.NoNewPrivileges {
		o.flags |= C.CTR_CREATE_NO_NEW_PRIVS
	}
	o.seccomp_profile = m.str(s.SeccompProfile)
	o.apparmor_profile = m.str(s.ApparmorProfile)
	o.mask_paths = m.strv(s.MaskPaths)
	o.unmask_paths = m.strv(s.UnmaskPaths)
	if s.NoReadOnlyTmpfs {
		o.flags |= C.CTR_CREATE_NO_READ_ONLY_TMPFS
	}
	o.group_add = m.strv(s.GroupAdd)
	o.sysctls = m.strv(pairs(s.Sysctls))
	o.devices = m.strv(s.Devices)
	o.device_cgroup_rules = m.strv(s.DeviceCgroupRules)
}

func (m *cmem) process(o *C.ctr_container_options_t, p *ContainerOptions) {
	o.entrypoint = m.strv(p.Entrypoint)
	if p.Init {
		o.flags |= C.CTR_CREATE_INIT
	}
	o.init_path = m.str(p.InitPath)
	o.umask = m.str(p.Umask)
	o.timezone = m.str(p.Timezone)
	o.annotations = m.strv(pairs(p.Annotations))
	o.domainname = m.str(p.Domainname)
	o.restart_policy = m.str(p.RestartPolicy)
	o.restart_retries = C.uint(p.RestartRetries)
	o.health_cmd = m.strv(p.HealthCmd)
	o.health_interval = C.int64_t(p.HealthInterval)
	o.health_timeout = C.int64_t(p.HealthTimeout)
	o.health_start_period = C.int64_t(p.HealthStartPeriod)
	o.health_retries = C.uint(p.HealthRetries)
	o.create_command = m.strv(p.CreateCommand)
	o.health_on_failure = m.str(p.HealthOnFailure)
}

// fillV3 sets the version-3 members of o from opts (C memory in m).
func (m *cmem) fillV3(o *C.ctr_container_options_t, opts *ContainerOptions) {
	m.mounts(o, opts.Mounts)
	m.resources(o, opts)
	m.security(o, opts)
	m.process(o, opts)
}

// ---- the reverse: ContainerOptions from ctr_container_get_options() ----

// optStrv copies a NULL-terminated array; nil for NULL (not set), an empty
// slice for an empty array (a cleared entrypoint).
func optStrv(v **C.char) []string {
	if v == nil {
		return nil
	}
	return goStrv(v)
}

// optPairs turns KEY=VALUE strings into a map; nil for NULL.
func optPairs(v **C.char) map[string]string {
	if v == nil {
		return nil
	}
	out := map[string]string{}
	for _, kv := range goStrv(v) {
		k, val, _ := strings.Cut(kv, "=")
		out[k] = val
	}
	return out
}

func goThrottles(p *C.ctr_throttle_device_t, n C.size_t) []ThrottleDevice {
	if p == nil || n == 0 {
		return nil
	}
	out := make([]ThrottleDevice, 0, int(n))
	for _, t := range unsafe.Slice(p, int(n)) {
		out = append(out, ThrottleDevice{Path: C.GoString(t.path), Rate: uint64(t.rate)})
	}
	return out
}

func goMounts(o *C.ctr_container_options_t) []Mount {
	if o.mounts == nil || o.n_mounts == 0 {
		return nil
	}
	out := make([]Mount, 0, int(o.n_mounts))
	for _, m := range unsafe.Slice(o.mounts, int(o.n_mounts)) {
		out = append(out, Mount{Type: C.GoString(m._type), Source: C.GoString(m.source),
			Destination: C.GoString(m.destination), Options: optStrv((**C.char)(unsafe.Pointer(m.options)))})
	}
	return out
}

func goResources(o *C.ctr_container_options_t, r *ContainerOptions) {
	r.Memory, r.MemorySwap, r.MemoryReservation = int64(o.memory), int64(o.memory_swap), int64(o.memory_reservation)
	r.CPUs = float64(o.nano_cpus) / 1e9
	r.CPUShares, r.CPUPeriod, r.CPUQuota = uint64(o.cpu_shares), uint64(o.cpu_period), int64(o.cpu_quota)
	r.CpusetCPUs, r.CpusetMems = C.GoString(o.cpuset_cpus), C.GoString(o.cpuset_mems)
	r.PidsLimit, r.BlkioWeight = int64(o.pids_limit), uint16(o.blkio_weight)
	if o.blkio_weight_devices != nil && o.n_blkio_weight_devices > 0 {
		for _, w := range unsafe.Slice(o.blkio_weight_devices, int(o.n_blkio_weight_devices)) {
			r.BlkioWeightDevice = append(r.BlkioWeightDevice, WeightDevice{Path: C.GoString(w.path), Weight: uint16(w.weight)})
		}
	}
	r.DeviceReadBps = goThrottles(o.device_read_bps, o.n_device_read_bps)
	r.DeviceWriteBps = goThrottles(o.device_write_bps, o.n_device_write_bps)
	r.DeviceReadIOPS = goThrottles(o.device_read_iops, o.n_device_read_iops)
	r.DeviceWriteIOPS = goThrottles(o.device_write_iops, o.n_device_write_iops)
	if o.flags&C.CTR_CREATE_OOM_SCORE_ADJ != 0 {
		adj := int(o.oom_score_adj)
		r.OOMScoreAdj = &adj
	}
	r.OOMKillDisable = o.flags&C.CTR_CREATE_OOM_KILL_DISABLE != 0
	if o.ulimits != nil && o.n_ulimits > 0 {
		for _, u := range unsafe.Slice(o.ulimits, int(o.n_ulimits)) {
			r.Ulimits = append(r.Ulimits, Ulimit{Name: C.GoString(u.name), Soft: int64(u.soft), Hard: int64(u.hard)})
		}
	}
}

func goSecurity(o *C.ctr_container_options_t, s *ContainerOptions) {
	s.CapAdd = optStrv((**C.char)(unsafe.Pointer(o.cap_add)))
	s.CapDrop = optStrv((**C.char)(unsafe.Pointer(o.cap_drop)))
	s.NoNewPrivileges = o.flags&C.CTR_CREATE_NO_NEW_PRIVS != 0
	s.SeccompProfile, s.ApparmorProfile = C.GoString(o.seccomp_profile), C.GoString(o.apparmor_profile)
	s.MaskPaths = optStrv((**C.char)(unsafe.Pointer(o.mask_paths)))
	s.UnmaskPaths = optStrv((**C.char)(unsafe.Pointer(o.unmask_paths)))
	s.NoReadOnlyTmpfs = o.flags&C.CTR_CREATE_NO_READ_ONLY_TMPFS != 0
	s.GroupAdd = optStrv((**C.char)(unsafe.Pointer(o.group_add)))
	s.Sysctls = optPairs((**C.char)(unsafe.Pointer(o.sysctls)))
	s.Devices = optStrv((**C.char)(unsafe.Pointer(o.devices)))
	s.DeviceCgroupRules = optStrv((**C.char)(unsafe.Pointer(o.device_cgroup_rules)))
}

func goProcess(o *C.ctr_container_options_t, p *ContainerOptions) {
	p.Entrypoint = optStrv((**C.char)(unsafe.Pointer(o.entrypoint)))
	p.Init = o.flags&C.CTR_CREATE_INIT != 0
	p.InitPath, p.Umask, p.Timezone = C.GoString(o.init_path), C.GoString(o.umask), C.GoString(o.timezone)
	p.Annotations = optPairs((**C.char)(unsafe.Pointer(o.annotations)))
	p.Domainname = C.GoString(o.domainname)
	p.RestartPolicy, p.RestartRetries = C.GoString(o.restart_policy), uint(o.restart_retries)
	p.HealthCmd = optStrv((**C.char)(unsafe.Pointer(o.health_cmd)))
	p.HealthInterval = time.Duration(o.health_interval)
	p.HealthTimeout = time.Duration(o.health_timeout)
	p.HealthStartPeriod = time.Duration(o.health_start_period)
	p.HealthRetries = uint(o.health_retries)
	p.CreateCommand = optStrv((**C.char)(unsafe.Pointer(o.create_command)))
	p.HealthOnFailure = C.GoString(o.health_on_failure)
}

// fieldFlags are the flags that ContainerOptions has fields of their own for.
const fieldFlags = C.CTR_CREATE_OOM_SCORE_ADJ | C.CTR_CREATE_OOM_KILL_DISABLE | C.CTR_CREATE_NO_NEW_PRIVS |
	C.CTR_CREATE_NO_READ_ONLY_TMPFS | C.CTR_CREATE_INIT

// goV3 sets the version-3 fields of r from o.
func goV3(o *C.ctr_container_options_t, r *ContainerOptions) {
	r.Mounts = goMounts(o)
	goResources(o, r)
	goSecurity(o, r)
	goProcess(o, r)
}
