# SPDX-License-Identifier: LGPL-2.1-or-later
"""The event journal through the bindings: read back with filters and times, a
follower as an iterator cancelled from another thread, the pollable descriptor,
the callback form, a container's create/start/died/remove."""
import os
import select
import threading
import time

import pytest

import libctr


def statuses(events):
    return [(e.type, e.status, e.name) for e in events]


def test_read_back_and_filters(rt):
    t0 = time.time()
    rt.create_volume("pyev1").close()
    t1 = time.time()
    rt.remove_volume("pyev1")
    with rt.events() as ev:
        got = statuses(ev)
    assert got == [("volume", "create", "pyev1"), ("volume", "remove", "pyev1")]
    with rt.events("event=remove") as ev:
        assert statuses(ev) == [("volume", "remove", "pyev1")]
    with rt.events(since=t0, until=t1) as ev:
        assert statuses(ev) == [("volume", "create", "pyev1")]
    with rt.events("type=container") as ev:
        assert list(ev) == []
    with pytest.raises(libctr.InvalidArgumentError, match="invalid filter"):
        rt.events("colour=red")
    with rt.events() as ev:
        e = ev.next()
        assert e.json["Name"] == "pyev1" and e.json["Attributes"] is None and e.attributes == {}
        assert abs(e.time.timestamp() - t0) < 5


def test_follow_cancel_from_thread(rt):
    got, errors = [], []
    with rt.events("type=volume", follow=True) as ev:
        def follow():
            try:
                for e in ev:
                    got.append(e.status)
            except libctr.CancelledError as err:
                errors.append(err)
        th = threading.Thread(target=follow)
        th.start()
        rt.create_volume("pyev2").close()
        rt.remove_volume("pyev2")
        deadline = time.time() + 5
        while len(got) < 2 and time.time() < deadline:
            time.sleep(0.01)
        ev.cancel()
        th.join(5)
        assert not th.is_alive()
    assert got == ["create", "remove"] and len(errors) == 1


def test_fileno_and_poll(rt):
    with rt.events(follow=True) as ev:
        assert ev.poll() == []
        assert select.select([ev.fileno()], [], [], 0.2)[0] == []  # idle: nothing wakes it
        rt.create_volume("pyev3").close()
        assert select.select([ev.fileno()], [], [], 2)[0] == [ev.fileno()]
        assert statuses(ev.poll()) == [("volume", "create", "pyev3")]
        assert ev.next(timeout=0.05) is None
    rt.remove_volume("pyev3")
    with pytest.raises(libctr.InvalidArgumentError):
        with rt.events() as ev:
            ev.fileno()


def test_read_events_callback_and_cancel_fd(rt):
    rt.create_volume("pyev4").close()
    seen = []
    assert rt.read_events(lambda e: seen.append(e.status) or True) is True
    assert seen == ["create"]
    r, w = os.pipe()
    try:
        os.write(w, b"x")
        with pytest.raises(libctr.CancelledError):
            rt.read_events(lambda e: False, follow=True, cancel_fd=r)
    finally:
        os.close(r)
        os.close(w)
    rt.remove_volume("pyev4")


def test_container_events(rt, rootfs):
    with rt.create(rootfs=rootfs, command=["/bin/sh", "-c", "exit 3"], name="pyevc", labels={"app": "x"}) as c:
        cid = c.id
        c.start()
        assert c.wait() == 3
        c.remove()
    with rt.events("container=pyevc") as ev:
        got = list(ev)
    assert [e.status for e in got] == ["create", "init", "start", "died", "remove"]
    died = got[3]
    assert died.exit_code == 3 and died.json["ContainerExitCode"] == 3 and died.id == cid
    assert died.attributes == {"app": "x"}
