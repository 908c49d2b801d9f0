# SPDX-License-Identifier: LGPL-2.1-or-later
"""The ctypes declarations match the C headers: struct layouts against a compiled
probe, function arities against the prototypes."""
import ctypes
import re
import shutil
import subprocess

import pytest

from libctr import _ffi
from conftest import INCLUDE_DIR

HEADERS = sorted(INCLUDE_DIR.glob("libctr/*.h"))

# The option structs plus the element structs of their arrays (version 3 of
# the container options), whether or not _ffi.STRUCTS lists them.
STRUCTS = {**_ffi.STRUCTS, "ctr_mount_t": _ffi.Mount, "ctr_ulimit_t": _ffi.Ulimit,
           "ctr_throttle_device_t": _ffi.ThrottleDevice, "ctr_weight_device_t": _ffi.WeightDevice}


def header_text():
    return "\n".join(h.read_text() for h in HEADERS)


def available_structs():
    text = header_text()
    return {name: st for name, st in STRUCTS.items() if re.search(r"\}\s*%s\s*;" % name, text)}


def test_struct_layout(tmp_path):
    cc = shutil.which("cc") or shutil.which("gcc")
    assert cc, "a C compiler is needed for the layout probe"
    structs = available_structs()
    assert "ctr_container_options_t" in structs and "ctr_mount_t" in structs
    lines = ["#include <stdio.h>", "#include <stddef.h>"]
    lines += [f"#include <libctr/{h.name}>" for h in HEADERS]
    lines.append("int main(void) {")
    for name, st in structs.items():
        lines.append(f'printf("{name} %zu\\n", sizeof({name}));')
        for field, *_ in st._fields_:
            lines.append(f'printf("{name}.{field} %zu\\n", offsetof({name}, {field}));')
    lines.append("return 0; }")
    src = tmp_path / "probe.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "probe"
    subprocess.run([cc, "-std=gnu11", f"-I{INCLUDE_DIR}", str(src), "-o", str(exe)], check=True)
    c_layout = dict(line.split() for line in subprocess.run([str(exe)], capture_output=True, text=True,
                                                            check=True).stdout.splitlines())
    py_layout = {}
    for name, st in structs.items():
        py_layout[name] = str(ctypes.sizeof(st))
        for field, *_ in st._fields_:
            py_layout[f"{name}.{field}"] = str(getattr(st, field).offset)
    assert py_layout == c_layout


def test_struct_fields_complete():
    """Every member of each C options struct is declared (a new member at the end fails here)."""
    text = header_text()
    for name, st in available_structs().items():
        body = re.search(r"typedef struct %s \{(.*?)\}\s*%s\s*;" % (name[:-2], name), text, re.S).group(1)
        body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
        members = re.findall(r"(\w+)\s*(?:\[[^\]]*\])?\s*;", body)
        assert members == [f for f, *_ in st._fields_], name


def test_function_arity():
    text = re.sub(r"/\*.*?\*/", "", header_text(), flags=re.S)
    protos = {}
    for m in re.finditer(r"\b(ctr_\w+)\s*\(([^;{]*?)\)\s*(?:__attribute__[^;]*)?;", text):
        name, args = m.group(1), m.group(2).strip()
        depth, n = 0, (0 if args in ("", "void") else 1)
        for ch in args:
            depth += ch == "("
            depth -= ch == ")"
            n += ch == "," and depth == 0
        protos[name] = n
    for name, (_, argtypes) in _ffi.FUNCTIONS.items():
        if name not in protos:
            pytest.fail(f"{name} is declared in _ffi.py but not in the headers")
        assert len(argtypes) == protos[name], name


def test_library_from_env(tmp_path):
    """LIBCTR_LIBRARY names the library when the loader path does not have it."""
    import os
    import subprocess
    import sys

    import libctr
    libctr.strerror(-2)  # make sure it is loaded
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "libctr.so" in line}
    assert len(paths) == 1, paths
    env = {k: v for k, v in os.environ.items() if k != "LD_LIBRARY_PATH"}
    env["LIBCTR_LIBRARY"] = paths.pop()
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p)
    r = subprocess.run([sys.executable, "-c", "import libctr, errno; print(libctr.strerror(-errno.ENOENT))"],
                       env=env, capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.strip(), r.stderr
