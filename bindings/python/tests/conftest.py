# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures: a runtime in a temporary root, real runc and conmon, the busybox test image.

Needs root, runc and conmon.  With CI=true a missing piece fails the run instead of skipping.
"""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import libctr

SOURCE_ROOT = Path(os.environ.get("SOURCE_ROOT", Path(__file__).resolve().parents[3]))
INCLUDE_DIR = Path(os.environ.get("LIBCTR_INCLUDE_DIR", SOURCE_ROOT / "include"))
CI = os.environ.get("CI") == "true"


def pytest_sessionstart(session: Any) -> None:
    missing = [what for what, ok in (("root", os.geteuid() == 0), ("runc", shutil.which("runc")),
                                     ("conmon", shutil.which("conmon") or os.path.exists("/usr/bin/conmon")))
               if not ok]
    session.config._libctr_missing = missing


@pytest.fixture(scope="session", autouse=True)
def _requirements(request: Any) -> None:
    missing = request.config._libctr_missing
    if missing:
        msg = "libctr tests need " + ", ".join(missing)
        if CI:
            pytest.fail(msg + " (CI: not skipping)")
        pytest.skip(msg)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="libctr-py-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def rootfs(workdir: Path) -> str:
    d = workdir / "rootfs"
    subprocess.run([str(SOURCE_ROOT / "tests/lib/make-rootfs.sh"), str(d)], check=True)
    return str(d)


@pytest.fixture(scope="session")
def image_layout(workdir: Path) -> str:
    """An OCI layout of the busybox rootfs (bindings/make-test-image.sh)."""
    d = workdir / "busybox-oci"
    subprocess.run([str(SOURCE_ROOT / "bindings/make-test-image.sh"), str(d)], check=True,
                   stdout=subprocess.DEVNULL)
    return str(d)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    """Keep each phase's report on the test item: fixtures read whether the test itself failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "_libctr_" + report.when, report)


def _test_failed(request: Any) -> bool:
    report = getattr(request.node, "_libctr_call", None)
    return report is None or report.failed


@pytest.fixture
def run_root_for() -> Iterator[Any]:
    """run_root_for(root): the run root of a runtime in root: root/run, or with
    CTR_TEST_RUN_DIR set (CI mounts a tmpfs there, as /run is on real machines)
    a new directory under it, removed at the end."""
    made = []

    def make(root: Any) -> Path:
        base = os.environ.get("CTR_TEST_RUN_DIR")
        path = Path(tempfile.mkdtemp(prefix="run-", dir=base)) if base else Path(root) / "run"
        made.append(path)
        return path

    yield make
    for path in made:
        shutil.rmtree(path, ignore_errors=True)


def remove_everything(r: libctr.Runtime) -> list:
    """Remove every pod, container and image of r, whatever happens; the names of the pods and
    containers found (a pod's infra container goes only with its pod)."""
    left = []
    if libctr.has_pods():
        for pod in r.pods():
            with pod:
                left.append(f"pod {pod.name}")
                try:
                    pod.remove(force=True)
                except libctr.Error as e:
                    print(f"cleanup: cannot remove pod {pod.name}: {e}")
    for c in r.containers():
        with c:
            left.append(c.name)
            try:
                c.remove(force=True)
            except libctr.Error as e:
                print(f"cleanup: cannot remove {c.name}: {e}")
    if libctr.has_images():
        for img in r.images():
            with img:
                try:
                    r.remove_image(img.id, force=True)
                except libctr.Error as e:
                    print(f"cleanup: cannot remove image {img.id[:12]}: {e}")
    return left


@pytest.fixture
def rt(workdir: Path, run_root_for: Any, request: Any) -> Iterator[libctr.Runtime]:
    """A runtime in a fresh temporary root.  Whatever the test left is removed,
    also when it failed; a passing test that left containers fails."""
    root = Path(tempfile.mkdtemp(prefix="rt-", dir=workdir))
    r = libctr.Runtime(root, run_root_for(root), state_backend=os.environ.get("CTR_TEST_BACKEND"))
    left = []
    try:
        yield r
    finally:
        try:
            left = remove_everything(r)
        finally:
            r.close()
            shutil.rmtree(root, ignore_errors=True)
    if not _test_failed(request):
        assert left == [], f"containers left behind: {left}"


@pytest.fixture
def busybox(rt: libctr.Runtime, rootfs: str, request: Any) -> Dict[str, str]:
    """Where containers come from: the loaded busybox test image, or (with a
    libctr that has no image API yet) the rootfs directory."""
    if libctr.has_images():
        layout = request.getfixturevalue("image_layout")
        with rt.load_image(f"oci:{layout}:latest", name="busybox-test"):
            pass
        return {"image": "busybox-test"}
    return {"rootfs": rootfs}
