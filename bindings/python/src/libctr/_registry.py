# SPDX-License-Identifier: LGPL-2.1-or-later
"""Registries (ctr-registry.h): pull, push, login, logout, name resolution.

Internal: :mod:`libctr` re-exports the public names, and :meth:`libctr.Runtime.pull`
and :meth:`libctr.Image.push` call in here.  Every call takes the same keyword
options, podman's flags by another spelling:

``auth_file``        ``--authfile``
``creds``            ``--creds``: ``"USER:PASSWORD"`` or ``(user, password)``
``registries_conf``  a registries.conf to read instead of the default
``cert_dir``         ``--cert-dir`` (the directory of ``*.crt``, ``*.cert``, ``*.key``)
``tls_verify``       ``--tls-verify``: ``None`` (verify unless registries.conf marks the
                     registry insecure), ``True`` or ``False``
``platform``         ``--platform OS/ARCH[/VARIANT]`` (pull)
``max_connections``  blobs moved at once (0: libctr's default)
``progress``         ``progress(p: TransferProgress)``; return ``True`` to cancel
"""

from __future__ import annotations

import ctypes
import enum
from ctypes import byref, c_void_p
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union

from . import _ffi
from ._errors import NotFoundError, check, not_built
from ._ffi import lib
from ._mem import decode, encode, take_string, take_strv

_REGISTRY_OPTIONS_VERSION = 1
_TLS = {None: 0, True: 1, False: 2}


class TransferPhase(enum.IntEnum):
    """What a pull or push is doing (``CTR_TRANSFER_*``)."""
    RESOLVING = 1
    BLOB = 2
    BLOB_DONE = 3
    BLOB_SKIPPED = 4
    WRITING = 5
    DONE = 6


class PullPolicy(enum.IntEnum):
    """podman's ``--pull`` (``CTR_PULL_*``)."""
    ALWAYS = 0
    MISSING = 1
    NEVER = 2
    NEWER = 3


@dataclass(frozen=True)
class TransferProgress:
    """One progress report of a pull or push (a copy of ``ctr_transfer_progress_t``)."""
    phase: TransferPhase
    reference: str
    digest: Optional[str]  #: the blob concerned, ``None`` for the whole transfer
    index: int  #: the blob's index among the layers (the config is ``n_blobs - 1``), or -1
    n_blobs: int
    done: int  #: bytes of this blob moved so far
    size: int  #: this blob's size (0 when unknown)
    total_done: int
    total: int


ProgressFn = Callable[[TransferProgress], Optional[bool]]


class _Call:
    """One call's options struct and what it must keep alive: the encoded
    strings, the progress trampoline and an exception the callback raised."""

    def __init__(self, auth_file: Optional[str] = None, creds: Union[None, str, Sequence[str]] = None,
                 registries_conf: Optional[str] = None, cert_dir: Optional[str] = None,
                 tls_verify: Optional[bool] = None, platform: Optional[str] = None, max_connections: int = 0,
                 progress: Optional[ProgressFn] = None) -> None:
        self.opts = _ffi.RegistryOptions()
        self.error: Optional[BaseException] = None
        check(_fn("ctr_registry_options_init")(byref(self.opts), _REGISTRY_OPTIONS_VERSION),
              "ctr_registry_options_init")
        user, password = _split_creds(creds)
        o = self.opts
        o.auth_file, o.username, o.password = encode(auth_file), encode(user), encode(password)
        o.registries_conf, o.certs_dir, o.platform = encode(registries_conf), encode(cert_dir), encode(platform)
        if tls_verify not in _TLS:
            raise TypeError("tls_verify is None, True or False")
        o.tls_verify = _TLS[tls_verify]
        o.max_connections = max_connections
        self._cb = None
        if progress is not None:
            self._cb = _ffi.TRANSFER_FN(self._trampoline(progress))
            o.progress = self._cb

    def _trampoline(self, fn: ProgressFn) -> Callable[[Any, Any], int]:
        def call(p: Any, _userdata: Any) -> int:
            try:
                return 1 if fn(_copy(p.contents)) else 0
            except BaseException as e:  # never unwind into C: cancel, re-raised after the call
                self.error = e
                return 1
        return call

    def run(self, name: str, *args: Any) -> int:
        r = _fn(name)(*args)
        if r < 0 and self.error is not None:
            raise self.error
        return check(r, name)


def _fn(name: str) -> Any:
    try:
        return getattr(lib, name)
    except AttributeError:
        raise not_built(name) from None


def _split_creds(creds: Union[None, str, Sequence[str]]) -> Tuple[Optional[str], Optional[str]]:
    if creds is None:
        return None, None
    if isinstance(creds, str):
        user, sep, password = creds.partition(":")
        if not sep:
            raise ValueError("creds is 'USER:PASSWORD'")
        return user, password
    user, password = creds
    return user, password


def _copy(p: Any) -> TransferProgress:
    return TransferProgress(TransferPhase(p.phase), decode(p.reference) or "", decode(p.digest), p.index,
                            p.n_blobs, p.done, p.size, p.total_done, p.total)


def pull(rt: Any, reference: str, policy: Optional[PullPolicy], options: dict) -> int:
    """``ctr_image_pull`` (no policy) or ``ctr_image_pull_policy``; returns the image handle."""
    call = _Call(**options)
    out = c_void_p()
    if policy is None:
        call.run("ctr_image_pull", rt, encode(reference), byref(call.opts), byref(out))
    else:
        call.opts.pull_policy = PullPolicy(policy)
        call.run("ctr_image_pull_policy", rt, encode(reference), byref(call.opts), byref(out))
    return out.value  # type: ignore[return-value]


def push(img: Any, destination: str, options: dict) -> str:
    """``ctr_image_push``: the manifest's digest."""
    call = _Call(**options)
    out = _ffi.c_str_out()
    call.run("ctr_image_push", img, encode(destination), byref(call.opts), byref(out))
    return take_string(out) or ""


def login(registry: str, username: str, password: str, **options: Any) -> None:
    """Check the credentials against ``registry`` (``HOST[:PORT]``) and store them in the
    credentials file, as ``podman login``.  A refusal raises :class:`PermissionDeniedError`."""
    call = _Call(**options)
    call.run("ctr_registry_login", encode(registry), encode(username), encode(password), byref(call.opts))


def logout(registry: Optional[str] = None, **options: Any) -> None:
    """Remove ``registry``'s credentials (``None``: all).  Not logged in: :class:`NotFoundError`."""
    call = _Call(**options)
    call.run("ctr_registry_logout", encode(registry), byref(call.opts))


def login_user(registry: str, **options: Any) -> Optional[str]:
    """The user name stored for ``registry``, or ``None`` when there are no credentials."""
    call = _Call(**options)
    out = _ffi.c_str_out()
    try:
        call.run("ctr_registry_login_user", encode(registry), byref(call.opts), byref(out))
    except NotFoundError:
        return None
    return take_string(out)


def resolve_name(reference: str, **options: Any) -> List[str]:
    """The fully qualified references a pull of ``reference`` would try, in order."""
    call = _Call(**options)
    out = ctypes.POINTER(ctypes.c_char_p)()
    call.run("ctr_image_resolve_name", encode(reference), byref(call.opts), byref(out))
    return take_strv(out)
