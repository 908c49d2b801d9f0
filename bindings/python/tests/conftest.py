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


@pytest.fixture
def rt(workdir: Path) -> Iterator[libctr.Runtime]:
    """A runtime in a fresh temporary root; the test must remove what it creates."""
    root = Path(tempfile.mkdtemp(prefix="rt-", dir=workdir))
    with libctr.Runtime(root, root / "run", state_backend=os.environ.get("CTR_TEST_BACKEND")) as r:
        yield r
        left = [c.name for c in r.containers()]
        for c in r.containers():
            with c:
                c.remove(force=True)
        assert left == [], f"containers left behind: {left}"
        if libctr.has_images():
            for img in r.images():
                with img:
                    r.remove_image(img.id, force=True)
    shutil.rmtree(root)


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
