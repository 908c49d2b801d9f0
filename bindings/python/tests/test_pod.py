# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pods through the bindings (``ctr-pod.h``, libctr 0.7): create with network mode none (no CNI),
lookup by name and ID prefix, list, the infra container, members made with ``pod=``, start, pause,
unpause, restart, top, stats, stop, kill, inspect, remove; and the errors of the fixed mapping."""
import pytest

import libctr
from libctr import PodNetwork, PodShare, State


@pytest.fixture(autouse=True)
def _needs_pods():
    if not libctr.has_pods():
        pytest.fail("the library has no pod API")


def test_pod_lifecycle(rt, busybox):
    pod = rt.create_pod("pypod", labels={"app": "web"}, network=PodNetwork.NONE)
    with pod:
        assert pod.name == "pypod" and len(pod.id) == 64 and pod.created is not None
        assert pod.share == PodShare.DEFAULT == PodShare.IPC | PodShare.NET | PodShare.UTS
        assert pod.cgroup_path == f"/libctr_parent/{pod.id}"
        assert pod.infra_id and len(pod.infra_id) == 64
        with rt.pod("pypod") as by_name, rt.pod(pod.id[:12]) as by_prefix:
            assert by_name.id == by_prefix.id == pod.id and by_prefix.name == "pypod"
        pods = rt.pods()
        try:
            assert [(p.id, p.name) for p in pods] == [(pod.id, "pypod")]
        finally:
            for p in pods:
                p.close()
        with rt.get(pod.infra_id) as infra:
            doc = infra.inspect()
            assert doc["IsInfra"] is True and doc["Pod"] == pod.id
        assert pod.status() == "Created"
        assert pod.stats() == []  # nothing runs: no sample

        with rt.create(**busybox, name="pymember", pod="pypod", command=["sleep", "100"]) as m1:
            assert m1.pod == pod.id and m1.inspect()["Pod"] == pod.id
            assert pod.containers() == [pod.infra_id, m1.id]
            pod.start()
            assert pod.status() == "Running" and m1.state == State.RUNNING
            header, rows = pod.top("pid", "args")
            assert header == ["PID", "COMMAND"]
            assert any("catatonit" in r[1] for r in rows) and any("sleep 100" in r[1] for r in rows)
            first = pod.stats()
            assert [s.id for s in first] == [pod.infra_id, m1.id]
            assert all(s.pids_current >= 1 and s.mem_usage > 0 and s.mem_limit > 0 for s in first)
            second = pod.stats(first)
            assert [s.id for s in second] == [pod.infra_id, m1.id]
            assert second[0].timestamp_ns > first[0].timestamp_ns
            pod.pause()
            assert pod.status() == "Paused" and m1.state == State.PAUSED
            pod.unpause()
            assert pod.status() == "Running" and m1.state == State.RUNNING
            pod.restart()
            assert pod.status() == "Running" and m1.state == State.RUNNING

            # A second member, by ID prefix: the pod's UTS namespace, so the pod's name as host name.
            with rt.create(**busybox, name="pymember2", pod=pod.id[:12], command=["hostname"]) as m2:
                assert m2.inspect()["Pod"] == pod.id
                m2.start()
                assert m2.wait(20) == 0
                assert m2.logs_text() == "pypod\n"
                assert pod.containers() == [pod.infra_id, m1.id, m2.id]
                assert pod.status() == "Degraded"

                doc = pod.inspect()
                assert doc["Id"] == pod.id and doc["Name"] == "pypod" and doc["Labels"] == {"app": "web"}
                assert doc["SharedNamespaces"] == ["ipc", "net", "uts"]
                assert doc["InfraContainerID"] == pod.infra_id and doc["NumContainers"] == 3
                assert sorted(c["Id"] for c in doc["Containers"]) == sorted([pod.infra_id, m1.id, m2.id])

                pod.stop(timeout=2)
                assert pod.status() == "Exited" and m1.state == State.EXITED
                with pytest.raises(libctr.StateError):
                    pod.kill()
                ids = [m1.id, m2.id, pod.infra_id]

        pod.remove()
        with pytest.raises(libctr.NotFoundError):
            rt.pod("pypod")
        with pytest.raises(libctr.NotFoundError):
            pod.status()
        for cid in ids:
            assert cid not in rt
    assert rt.pods() == []


def test_pod_limits(rt):
    with rt.create_pod("pylim", infra=False, memory=64 << 20, cpus=0.5) as pod:
        doc = pod.inspect()
        assert doc["memory_limit"] == 64 << 20 and doc["memory_swap"] == 128 << 20
        assert doc["cpu_quota"] == 50000 and doc["cpu_period"] == 100000
        with open(f"/sys/fs/cgroup/memory{pod.cgroup_path}/memory.limit_in_bytes") as f:
            assert int(f.read()) == 64 << 20
        pod.remove()


def test_pod_kill_and_force_remove(rt, busybox):
    with rt.create_pod("pykill", network=PodNetwork.NONE) as pod:
        with rt.create(**busybox, name="pykillee", pod="pykill", command=["sleep", "100"]) as m:
            pod.start()
            assert m.state == State.RUNNING
            with pytest.raises(libctr.StateError):
                pod.remove()  # a running member: refused, nothing removed
            assert pod.containers() == [pod.infra_id, m.id]
            pod.kill()
            assert m.wait(20) == 128 + 9
            pod.start()
            assert pod.status() == "Running"
            assert pod.apply_exit_policy() is False  # continue: nothing to do
            pod.remove(force=True)
            assert m.id not in rt
        with pytest.raises(libctr.NotFoundError):
            pod.remove()
        with pytest.raises(libctr.NotFoundError):
            pod.apply_exit_policy()
    assert rt.pods() == []


def test_pod_errors(rt, busybox):
    with rt.create(**busybox, name="pytaken", command=["true"]) as c:
        with pytest.raises(libctr.AlreadyExistsError):
            rt.create_pod("pytaken", network=PodNetwork.NONE)
        c.remove()
    with rt.create_pod("pydup", network=PodNetwork.NONE):
        with pytest.raises(libctr.AlreadyExistsError):
            rt.create_pod("pydup", network=PodNetwork.NONE)
        with pytest.raises(libctr.AlreadyExistsError):
            rt.create(**busybox, name="pydup", command=["true"])
    with pytest.raises(libctr.InvalidArgumentError):
        rt.create_pod("pybad", share=PodShare.NONE | PodShare.NET, network=PodNetwork.NONE)
    with pytest.raises(libctr.InvalidArgumentError):
        rt.create_pod("pybad", infra=False, share=PodShare.NET)
    with pytest.raises(libctr.InvalidArgumentError):
        rt.create_pod("bad/name", network=PodNetwork.NONE)
    with pytest.raises(libctr.InvalidArgumentError):
        rt.pod("")
    with pytest.raises(libctr.NotFoundError):
        rt.pod("nope")
    with pytest.raises(libctr.NotFoundError):
        rt.create(**busybox, name="pyorphan", pod="nope", command=["true"])
    assert [p.name for p in rt.pods()] == ["pydup"]
    with rt.pod("pydup") as p:
        p.remove()
    assert rt.pods() == []


def test_pod_without_infra(rt):
    with rt.create_pod("pygroup", infra=False, share=PodShare.NONE) as pod:
        assert pod.infra_id is None and pod.share == PodShare.NONE
        assert pod.containers() == [] and pod.status() == "Created"
        doc = pod.inspect()
        assert doc["CreateInfra"] is False and doc["SharedNamespaces"] == []
        with rt.create_pod("pyother", infra=False, share=PodShare.NONE, labels={"tier": "back"}) as other:
            by = lambda *f: sorted(p.name for p in rt.pods(*f))  # noqa: E731
            assert by("name=^py") == ["pygroup", "pyother"]
            assert by("label=tier=back") == ["pyother"]
            assert by("name=group$", "name=other$") == ["pygroup", "pyother"]  # one key: alternatives
            assert by("name=^py", "label=tier=front") == []  # keys: all
            assert by("ctr-number=0", "status=created") == ["pygroup", "pyother"]
            with pytest.raises(libctr.InvalidArgumentError):
                rt.pods("bogus=1")
            other.remove()
        pod.remove()
    assert rt.pods() == []
