# SPDX-License-Identifier: LGPL-2.1-or-later
"""Named volumes through the bindings: create, list with filters, inspect, remove, prune; and
containers that share a named volume, made with a ``ctr_mount_t`` built by hand (the create
keyword for mounts is the mounts work's)."""
import ctypes
from ctypes import byref, c_void_p
import os

import pytest

import libctr
from libctr import _ffi
from libctr._mem import encode, strv

def sh(script):
    return ["/bin/sh", "-c", script]


def test_volume_api(rt):
    v = rt.create_volume("pydata", labels={"app": "web"}, options={"type": "tmpfs", "device": "tmpfs"})
    with v:
        assert v.name == "pydata" and v.driver == "local" and not v.anonymous
        assert v.labels == {"app": "web"}
        assert v.options == {"device": "tmpfs", "type": "tmpfs"}
        assert v.mountpoint.endswith("/volumes/pydata/_data") and os.path.isdir(v.mountpoint)
        assert v.created is not None
        doc = v.inspect()
        assert doc["Name"] == "pydata" and doc["Scope"] == "local" and doc["MountCount"] == 0
        assert doc["Labels"] == {"app": "web"} and doc["NeedsCopyUp"] is True
    with rt.create_volume() as gen:
        assert len(gen.name) == 64
        generated = gen.name
    assert rt.volume_exists("pydata") and not rt.volume_exists("nope")
    with pytest.raises(libctr.AlreadyExistsError):
        rt.create_volume("pydata")
    with pytest.raises(libctr.InvalidArgumentError, match="not a path"):
        rt.create_volume("a/b")
    with pytest.raises(libctr.InvalidArgumentError, match="invalid mount option color"):
        rt.create_volume("x", options={"color": "red"})
    with pytest.raises(libctr.NotFoundError):
        rt.volume("nope")
    names = [x.name for x in rt.volumes()]
    assert names == sorted(["pydata", generated])
    assert [x.name for x in rt.volumes(label="app=web")] == ["pydata"]
    assert [x.name for x in rt.volumes("name=^py", dangling=True)] == ["pydata"]
    with pytest.raises(libctr.InvalidArgumentError):
        rt.volumes("bogus=1")
    rt.remove_volume("pydata")
    with pytest.raises(libctr.NotFoundError):
        rt.remove_volume("pydata")
    assert rt.prune_volumes() == [generated]
    assert rt.volumes() == []


def _create_with_volume(rt, name, rootfs, script, volume):
    """ctr_container_create() with one volume mount at /data, the options struct by hand."""
    o = _ffi.ContainerOptions()
    libctr._call("ctr_container_options_init", byref(o), libctr._CONTAINER_OPTIONS_VERSION)
    cmd, keep = strv(sh(script))
    m = (_ffi.Mount * 1)()
    m[0].type, m[0].source, m[0].destination = b"volume", encode(volume), b"/data"
    o.name, o.rootfs, o.command = encode(name), encode(rootfs), cmd
    o.mounts, o.n_mounts = ctypes.cast(m, ctypes.POINTER(_ffi.Mount)), 1
    out = c_void_p()
    libctr._call("ctr_container_create", byref(out), rt._p, byref(o))
    del keep
    return libctr.Container._wrap(out.value, rt._keep)


def test_containers_share_a_volume(rt, rootfs):
    with _create_with_volume(rt, "pywriter", rootfs, "echo shared > /data/f", "pyshared") as c:
        c.start()
        assert c.wait(20) == 0
        with pytest.raises(libctr.StateError, match="pywriter"):
            rt.remove_volume("pyshared")
        c.remove()
    with rt.volume("pyshared") as v:
        with open(os.path.join(v.mountpoint, "f")) as f:
            assert f.read() == "shared\n"
    with _create_with_volume(rt, "pyreader", rootfs, 'test "$(cat /data/f)" = shared', "pyshared") as c:
        c.start()
        assert c.wait(20) == 0
    # Forced: the container using it goes too.
    rt.remove_volume("pyshared", force=True)
    assert "pyreader" not in rt
    assert rt.volumes() == []
