# SPDX-License-Identifier: LGPL-2.1-or-later
"""Memory and string helpers: copying what libctr hands out and freeing it
with the right function, and building C arrays from Python sequences."""

from __future__ import annotations

import ctypes
import os
from ctypes import c_char_p, c_void_p
from typing import Any, Optional, Tuple

from ._ffi import c_char_pp, lib


def take_string(p: Any) -> Optional[str]:
    """Copy an owned ``char *`` out-parameter to ``str`` and free it with ctr_free()."""
    if not p:
        return None
    try:
        return ctypes.string_at(p).decode("utf-8", "surrogateescape")
    finally:
        lib.ctr_free(ctypes.cast(p, c_void_p))


def take_strv(p: Any) -> list:
    """Copy an owned NULL-terminated ``char **`` to a list and free it with ctr_strv_free()."""
    if not p:
        return []
    try:
        return lent_strv(p)
    finally:
        lib.ctr_strv_free(ctypes.cast(p, c_void_p))


def lent_strv(p: Any) -> list:
    """Copy a lent NULL-terminated ``const char *const *``."""
    out = []
    if p:
        i = 0
        while p[i] is not None:
            out.append(p[i].decode("utf-8", "surrogateescape"))
            i += 1
    return out


def strv(items: Any) -> Tuple[Any, Any]:
    """A NULL-terminated ``char *[]`` from strings; returns (pointer, keepalive)."""
    if items is None:
        return None, None
    if isinstance(items, (str, bytes)):
        raise TypeError("expected a sequence of strings, not a single string")
    enc = [encode(s) for s in items]
    arr = (c_char_p * (len(enc) + 1))(*enc, None)
    return ctypes.cast(arr, c_char_pp), arr


def encode(s: Any) -> Optional[bytes]:
    if s is None:
        return None
    if isinstance(s, bytes):
        return s
    if isinstance(s, os.PathLike):
        return os.fsencode(s)
    return str(s).encode("utf-8", "surrogateescape")


def decode(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "surrogateescape")
