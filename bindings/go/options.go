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
}

// fillV3 sets the version-3 members of o from opts (C memory in m).
func (m *cmem) fillV3(o *C.ctr_container_options_t, opts *ContainerOptions) {
	m.mounts(o, opts.Mounts)
	m.resources(o, opts)
	m.security(o, opts)
	m.process(o, opts)
}
