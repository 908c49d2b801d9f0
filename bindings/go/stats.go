// SPDX-License-Identifier: LGPL-2.1-or-later

package libctr

/*
#include "shim.h"
*/
import "C"

import (
	"context"
	"os"
	"runtime"
	"runtime/cgo"
	"syscall"
	"time"
	"unsafe"
)

// Stats is one sample of a running container's resource use
// (ctr_stats_t, libctr 0.6): counters from its cgroup and its network
// namespace, CPU and memory percentages as podman computes them.
type Stats struct {
	ID, Name      string
	CgroupVersion int
	Time, Started time.Time
	// CPU time of the container: total, user and kernel mode, per core (cgroup v1 only).
	CPU, CPUUser, CPUSystem  time.Duration
	PerCPU                   []time.Duration
	SystemCPU                time.Duration // the host's CPU time, all cores (/proc/stat)
	OnlineCPUs               int
	CPUPercent               float64 // since the previous sample, or the start
	AvgCPUPercent            float64 // since the start
	MemUsage, MemLimit       uint64
	MemCache, MemRSS         uint64
	MemPercent               float64
	PIDs, PIDsLimit          uint64 // PIDsLimit 0: none
	BlockRead, BlockWrite    uint64
	HasNet                   bool // false: no network namespace of its own
	NetRxBytes, NetRxPackets uint64
	NetTxBytes, NetTxPackets uint64

	sample *statsSample // the C sample, for the next call's prev (nil in a stream)
}

type statsSample struct{ p *C.ctr_stats_t }

func ns(v C.uint64_t) time.Duration { return time.Duration(int64(v)) }

func statsFrom(p *C.ctr_stats_t) *Stats {
	s := &Stats{
		ID: C.GoString(p.id), Name: C.GoString(p.name), CgroupVersion: int(p.cgroup_version),
		Time: time.Unix(0, int64(p.timestamp_ns)), Started: time.Unix(0, int64(p.started_ns)),
		CPU: ns(p.cpu_ns), CPUUser: ns(p.cpu_user_ns), CPUSystem: ns(p.cpu_system_ns),
		SystemCPU: ns(p.system_cpu_ns), OnlineCPUs: int(p.online_cpus),
		CPUPercent: float64(p.cpu_percent), AvgCPUPercent: float64(p.avg_cpu_percent),
		MemUsage: uint64(p.mem_usage), MemLimit: uint64(p.mem_limit), MemCache: uint64(p.mem_cache),
		MemRSS: uint64(p.mem_rss), MemPercent: float64(p.mem_percent),
		PIDs: uint64(p.pids_current), PIDsLimit: uint64(p.pids_limit),
		BlockRead: uint64(p.block_read), BlockWrite: uint64(p.block_write), HasNet: p.has_net != 0,
		NetRxBytes: uint64(p.net_rx_bytes), NetRxPackets: uint64(p.net_rx_packets),
		NetTxBytes: uint64(p.net_tx_bytes), NetTxPackets: uint64(p.net_tx_packets),
	}
	if n := int(p.n_percpu); n > 0 {
		for _, v := range unsafe.Slice((*C.uint64_t)(unsafe.Pointer(p.percpu_ns)), n) {
			s.PerCPU = append(s.PerCPU, ns(v))
		}
	}
	return s
}

// Stats takes one sample of the running container (ctr_container_stats()),
// read from the host without running anything in the container.  With prev
// (a sample of this container returned by Stats), CPUPercent is since prev;
// without, since the start.  A container that is not running is ErrState.
func (c *Container) Stats(prev *Stats) (*Stats, error) {
	var pp *C.ctr_stats_t
	if prev != nil && prev.sample != nil {
		pp = prev.sample.p
	}
	var out *C.ctr_stats_t
	err := c.do("ctr_container_stats", func(h *C.ctr_container_t) C.int { return C.ctr_container_stats(h, pp, &out) })
	runtime.KeepAlive(prev)
	if err != nil {
		return nil, err
	}
	return ownedStats(out), nil
}

// ownedStats converts a sample the caller owns, kept (for a later prev)
// until the Stats is collected.
func ownedStats(p *C.ctr_stats_t) *Stats {
	s := statsFrom(p)
	s.sample = &statsSample{p: p}
	runtime.SetFinalizer(s.sample, func(x *statsSample) { C.ctr_stats_free(x.p) })
	return s
}

// StatsRound is one round of StatsStream: a sample per container, in the
// order given, nil for one no longer running; or the error that ended the
// stream (then the last round).
type StatsRound struct {
	Stats []*Stats
	Err   error
}

type statsStream struct {
	ctx context.Context
	out chan StatsRound
}

//export goLibctrStats
func goLibctrStats(stats **C.ctr_stats_t, n C.size_t, handle C.uintptr_t) C.int {
	s := cgo.Handle(handle).Value().(*statsStream)
	round := make([]*Stats, int(n))
	for i, p := range unsafe.Slice(stats, int(n)) {
		if p != nil {
			round[i] = statsFrom(p)
		}
	}
	select {
	case s.out <- StatsRound{Stats: round}:
		return 0
	case <-s.ctx.Done():
		return 1
	}
}

// StatsStream samples the running containers now and every interval
// (ctr_container_stats_stream() on a goroutine of its own; 0: 5 s) and sends
// each round on the channel, which is closed when the context ends (the
// stream is stopped through its cancel descriptor, also while it waits),
// when no container runs any more, or after a round carrying the error.
func StatsStream(ctx context.Context, interval time.Duration, cs ...*Container) (<-chan StatsRound, error) {
	if len(cs) == 0 {
		return nil, &Error{Op: "StatsStream", Errno: syscall.EINVAL, Message: "no container"}
	}
	var o C.ctr_stats_options_t
	if err := call("ctr_stats_options_init", func() C.int { return C.ctr_stats_options_init(&o, C.CTR_STATS_OPTIONS_VERSION) }); err != nil {
		return nil, err
	}
	o.interval_ms = C.uint(interval / time.Millisecond)
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	s := &statsStream{ctx: ctx, out: make(chan StatsRound)}
	arr := (*[1 << 20]*C.ctr_container_t)(C.malloc(C.size_t(len(cs)) * C.size_t(unsafe.Sizeof(uintptr(0)))))[:len(cs):len(cs)]
	for i, c := range cs {
		arr[i] = C.ctr_container_ref(c.ptr())
	}
	o.cancel_fd = C.int(r.Fd())
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			_, _ = w.Write([]byte{1})
		case <-done:
		}
	}()
	go func() {
		defer close(s.out)
		defer func() {
			close(done)
			for _, p := range arr {
				C.ctr_container_unref(p)
			}
			C.free(unsafe.Pointer(&arr[0]))
			r.Close()
			w.Close()
		}()
		h := cgo.NewHandle(s)
		defer h.Delete()
		err := call("ctr_container_stats_stream", func() C.int {
			return C.libctr_go_stats_stream(&arr[0], C.size_t(len(arr)), &o, C.uintptr_t(h))
		})
		runtime.KeepAlive(cs)
		if err != nil && ctx.Err() == nil {
			select {
			case s.out <- StatsRound{Err: err}:
			case <-ctx.Done():
			}
		}
	}()
	return s.out, nil
}
