# SPDX-License-Identifier: LGPL-2.1-or-later
"""Registries: pull with progress, pull policies, login/logout, name resolution,
against the real registries bindings/run-tests.sh starts (docker-registry on
127.0.0.1: a plain one with the test image, one with TLS and basic auth)."""
import json
import os

import pytest

import libctr
from conftest import CI

IMAGE = os.environ.get("LIBCTR_TEST_REGISTRY_IMAGE")
AUTH = os.environ.get("LIBCTR_TEST_AUTH_REGISTRY")
CERTS = os.environ.get("LIBCTR_TEST_AUTH_CERTS")
USER = os.environ.get("LIBCTR_TEST_REG_USER")
PASSWORD = os.environ.get("LIBCTR_TEST_REG_PASSWORD")


@pytest.fixture
def registry():
    if not IMAGE or not AUTH:
        if CI:
            pytest.fail("no test registries (run through bindings/run-tests.sh)")
        pytest.skip("no test registries (run through bindings/run-tests.sh)")


def test_resolve_name(tmp_path):
    conf = tmp_path / "registries.conf"
    conf.write_text('unqualified-search-registries = ["one.example", "two.example:5000"]\n'
                    'short-name-mode = "permissive"\n'
                    '[aliases]\n"tool" = "three.example/tools/tool"\n')
    assert libctr.resolve_name("busybox", registries_conf=str(conf)) == [
        "one.example/busybox:latest", "two.example:5000/busybox:latest"]
    assert libctr.resolve_name("tool:1", registries_conf=str(conf)) == ["three.example/tools/tool:1"]
    assert libctr.resolve_name("docker.io/busybox") == ["docker.io/library/busybox:latest"]
    conf.write_text('unqualified-search-registries = ["one.example", "two.example"]\n'
                    'short-name-mode = "enforcing"\n')
    with pytest.raises(libctr.InvalidArgumentError) as e:
        libctr.resolve_name("busybox", registries_conf=str(conf))
    assert "one.example/busybox" in str(e.value) and "two.example/busybox" in str(e.value)
    with pytest.raises(libctr.InvalidArgumentError):
        libctr.resolve_name("Not A Reference")


def test_pull_progress_and_run(rt, registry):
    seen = []
    with rt.pull(IMAGE, tls_verify=False, progress=seen.append) as img:
        assert IMAGE in img.names and img.layer_count == 1
        assert img.digest and img.digest.startswith("sha256:")
    phases = [p.phase for p in seen]
    assert phases[0] is libctr.TransferPhase.RESOLVING and phases[-1] is libctr.TransferPhase.DONE
    done = [p for p in seen if p.phase is libctr.TransferPhase.BLOB_DONE]
    assert len(done) == 2 and {p.index for p in done} == {0, 1}  # the layer and the config
    assert all(p.digest.startswith("sha256:") and p.done == p.size > 0 for p in done)
    assert seen[-1].total_done == seen[-1].total > 0 and seen[-1].n_blobs == 2
    assert all(p.reference == IMAGE for p in seen)
    with rt.create(name="pulled", image=IMAGE, command=["echo", "pulled"]) as c:
        c.start()
        assert c.wait(timeout=10) == 0
        assert c.logs_text() == "pulled\n"
        c.remove()


def test_pull_policies(rt, registry):
    with pytest.raises(libctr.NotFoundError):
        rt.pull(IMAGE, policy=libctr.PullPolicy.NEVER)
    with rt.pull(IMAGE, policy=libctr.PullPolicy.MISSING, tls_verify=False) as img:
        first = img.id
    seen = []
    with rt.pull(IMAGE, policy=libctr.PullPolicy.MISSING, progress=seen.append) as img:
        assert img.id == first
    assert seen == []  # found in the store: no transfer at all
    with rt.pull(IMAGE, policy=libctr.PullPolicy.ALWAYS, tls_verify=False, progress=seen.append) as img:
        assert img.id == first
    assert not [p for p in seen if p.phase is libctr.TransferPhase.BLOB_DONE and p.index == 0]  # layer not fetched again


def test_pull_cancel(rt, registry):
    with pytest.raises(libctr.CancelledError):
        rt.pull(IMAGE, tls_verify=False, progress=lambda p: p.phase is libctr.TransferPhase.BLOB_DONE)

    def boom(p):
        raise KeyError("from the callback")
    with pytest.raises(KeyError):
        rt.pull(IMAGE, tls_verify=False, progress=boom)
    assert rt.images() == []  # nothing half-pulled is visible


def test_pull_errors(rt, registry):
    with pytest.raises(libctr.NotFoundError):
        rt.pull(IMAGE.rsplit(":", 1)[0] + ":no-such-tag", tls_verify=False)
    with pytest.raises(libctr.PermissionDeniedError) as e:
        rt.pull(f"{AUTH}/libctr/busybox:1", cert_dir=CERTS)  # anonymous on an auth registry
    assert "401" in str(e.value)
    with pytest.raises(libctr.Error) as e:
        rt.pull(f"{AUTH}/libctr/busybox:1", creds=(USER, PASSWORD))  # its CA is not trusted
    assert "certificate" in str(e.value) or "TLS" in str(e.value)
    with pytest.raises(ValueError):
        rt.pull(IMAGE, creds="no-colon")


def test_login_logout(tmp_path, registry):
    auth = str(tmp_path / "auth.json")
    with pytest.raises(libctr.PermissionDeniedError) as e:
        libctr.login(AUTH, USER, "wrong", auth_file=auth, cert_dir=CERTS)
    assert "401" in str(e.value)
    assert not os.path.exists(auth)
    libctr.login(AUTH, USER, PASSWORD, auth_file=auth, cert_dir=CERTS)
    assert libctr.login_user(AUTH, auth_file=auth) == USER
    assert (os.stat(auth).st_mode & 0o777) == 0o600
    assert AUTH in json.loads(open(auth).read())["auths"]
    libctr.logout(AUTH, auth_file=auth)
    assert libctr.login_user(AUTH, auth_file=auth) is None
    with pytest.raises(libctr.NotFoundError):
        libctr.logout(AUTH, auth_file=auth)


def test_pull_with_login(rt, tmp_path, registry):
    """Credentials stored by login are what a pull uses; the image goes to the auth registry first."""
    auth = str(tmp_path / "auth.json")
    libctr.login(AUTH, USER, PASSWORD, auth_file=auth, cert_dir=CERTS)
    with rt.pull(IMAGE, tls_verify=False) as img:
        dest = f"{AUTH}/libctr/pushed:py"
        digest = img.push(dest, auth_file=auth, cert_dir=CERTS)
        assert digest.startswith("sha256:")
    rt.remove_image(IMAGE)
    with rt.pull(dest, auth_file=auth, cert_dir=CERTS) as img:
        assert dest in img.names and img.digest == digest
