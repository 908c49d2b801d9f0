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

// KubeReport is what Runtime.KubePlay or Runtime.KubeDown did
// (ctr_kube_report_t, copied; the C report is freed).
type KubeReport struct {
	Pods       []string // pods made (or removed by KubeDown), full IDs
	Containers []string // containers made (init containers left out: they are gone), full IDs
	Volumes    []string // volumes made, names
	Warnings   []string // fields and kinds not used, "PATH: WHY"
}

// KubePlayOptions for Runtime.KubePlay (ctr_kube_play_options_t); zero
// values mean "not set".  Everything is copied.
type KubePlayOptions struct {
	Replace    bool     // remove the pods the YAML names first, with their containers (kube play --replace)
	NoStart    bool     // create the pods and containers, start nothing (kube play --start=false)
	Networks   []string // the pods' networks (--network); nil: the runtime's default network
	ConfigMaps []string // more ConfigMaps, each YAML of one or more kind: ConfigMap documents (--configmap)
}

// HasKube reports whether the loaded libctr has the Kubernetes YAML API (ctr-kube.h).
func HasKube() bool { return has("ctr_kube_play") }

// takeKubeReport copies a C report and frees it; a nil report is an empty one.
func takeKubeReport(rep *C.ctr_kube_report_t) *KubeReport {
	defer C.libctr_go_kube_report_free(rep)
	list := func(kind C.ctr_kube_report_kind_t) []string {
		n := int(C.libctr_go_kube_report_count(rep, kind))
		out := make([]string, 0, n)
		for i := 0; i < n; i++ {
			out = append(out, C.GoString(C.libctr_go_kube_report_get(rep, kind, C.size_t(i))))
		}
		return out
	}
	return &KubeReport{
		Pods:       list(C.CTR_KUBE_REPORT_POD),
		Containers: list(C.CTR_KUBE_REPORT_CONTAINER),
		Volumes:    list(C.CTR_KUBE_REPORT_VOLUME),
		Warnings:   list(C.CTR_KUBE_REPORT_WARNING),
	}
}

// yamlPtr is the YAML's bytes for C (Go memory without Go pointers, as cgo allows), nil when empty.
func yamlPtr(yaml []byte) *C.char {
	if len(yaml) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&yaml[0]))
}

func generateFlags(service bool) C.uint64_t {
	if service {
		return C.CTR_KUBE_GENERATE_SERVICE
	}
	return 0
}

// GenerateKube returns the pod as Kubernetes YAML, as podman's kube
// generate (ctr_pod_generate_kube()): a v1 Pod that KubePlay makes again;
// the infra container is left out, its settings (ports, host name, DNS) go
// to the pod and its first container.  With service, a Service (type
// NodePort) for the published ports comes first.  ErrNotFound: the pod or
// one of its containers was removed.
func (pod *Pod) GenerateKube(service bool) (string, error) {
	var s *C.char
	if err := pod.do("ctr_pod_generate_kube", func(p *C.ctr_pod_t) C.int {
		return C.libctr_go_pod_generate_kube(p, generateFlags(service), &s)
	}); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// Runtime returns a new handle on the pod's runtime.
func (pod *Pod) Runtime() *Runtime {
	defer runtime.KeepAlive(pod)
	return wrapRuntime(C.ctr_runtime_ref(C.libctr_go_pod_runtime(pod.ptr())), pod.sink.ref())
}

// GenerateKube returns the container as Kubernetes YAML, as podman's kube
// generate (ctr_container_generate_kube()): a member of a pod gives its
// pod's YAML; a container of its own a Pod named NAME-pod holding it.  With
// service, a Service for the published ports comes first.  ErrInvalid: an
// infra container; ErrNotFound: the container (or a member of its pod) was removed.
func (c *Container) GenerateKube(service bool) (string, error) {
	var s *C.char
	if err := c.do("ctr_container_generate_kube", func(p *C.ctr_container_t) C.int {
		return C.libctr_go_container_generate_kube(p, generateFlags(service), &s)
	}); err != nil {
		return "", err
	}
	return takeString(s), nil
}

// KubePlay makes the pods, containers and volumes a Kubernetes YAML
// describes (ctr_kube_play(), podman's kube play): Pod, Deployment (one
// replica), PersistentVolumeClaim and ConfigMap documents, and starts the
// pods unless opts.NoStart.  Fields and kinds not used are the report's
// Warnings.  All or nothing: on failure the pods and containers made are
// removed again (volumes made stay).  ErrInvalid: malformed YAML, a field of
// the wrong type or value, a missing name or image (the message gives the
// path, such as spec.containers[1].image); ErrExists: a name is taken and
// not opts.Replace; EFBIG: over 16 MiB; ECHILD: an init container failed;
// and the errors of CreatePod, Create and Pod.Start.
func (r *Runtime) KubePlay(yaml []byte, opts KubePlayOptions) (*KubeReport, error) {
	defer runtime.KeepAlive(r)
	var m cmem
	defer m.free()
	o := C.ctr_kube_play_options_t{version: C.CTR_KUBE_PLAY_OPTIONS_VERSION}
	if opts.Replace {
		o.flags |= C.CTR_KUBE_PLAY_REPLACE
	}
	if opts.NoStart {
		o.flags |= C.CTR_KUBE_PLAY_NO_START
	}
	o.networks = (**C.char)(unsafe.Pointer(m.strv(opts.Networks)))
	o.configmaps = (**C.char)(unsafe.Pointer(m.strv(opts.ConfigMaps)))
	var rep *C.ctr_kube_report_t
	err := call("ctr_kube_play", func() C.int {
		return C.libctr_go_kube_play(r.ptr(), yamlPtr(yaml), C.size_t(len(yaml)), &o, &rep)
	})
	runtime.KeepAlive(yaml)
	if err != nil {
		C.libctr_go_kube_report_free(rep) // not written on failure: NULL, a no-op
		return nil, err
	}
	return takeKubeReport(rep), nil
}

// KubeDown removes the pods (with every container) a Kubernetes YAML
// describes (ctr_kube_down(), kube play --down): pods that do not exist
// are skipped; volumes stay.  The report's Pods are the pods removed.
// ErrInvalid: malformed YAML; and the errors of Pod.Remove.
func (r *Runtime) KubeDown(yaml []byte) (*KubeReport, error) {
	defer runtime.KeepAlive(r)
	var rep *C.ctr_kube_report_t
	err := call("ctr_kube_down", func() C.int {
		return C.libctr_go_kube_down(r.ptr(), yamlPtr(yaml), C.size_t(len(yaml)), &rep)
	})
	runtime.KeepAlive(yaml)
	if err != nil {
		C.libctr_go_kube_report_free(rep)
		return nil, err
	}
	return takeKubeReport(rep), nil
}
