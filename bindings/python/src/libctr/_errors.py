# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exceptions: one class per errno of libctr's fixed mapping (ctr-error.h)."""

from __future__ import annotations

import builtins
import errno as _errno
from typing import Dict, Type

from ._ffi import lib
from ._mem import decode


class Error(OSError):
    """A libctr call failed.

    ``errno`` is the positive errno, ``code`` the negative value the C call
    returned, ``message`` the library's detail for the failure (from
    ``ctr_error_last()``), ``function`` the C function that failed.
    """

    def __init__(self, errno: int, message: str, function: str = "") -> None:
        super().__init__(errno, message)
        self.message = message
        self.function = function

    @property
    def code(self) -> int:
        return -self.errno

    def __str__(self) -> str:
        name = decode(lib.ctr_strerror(self.code)) or ""
        where = f"{self.function}: " if self.function else ""
        return f"{where}{self.message or name} [{_errno.errorcode.get(self.errno, self.errno)}]"


class NotFoundError(Error, LookupError):
    """-ENOENT: no such container, image, artifact, network or file."""


class AlreadyExistsError(Error):
    """-EEXIST: the name (or ID) is taken."""


class StateError(Error):
    """-EBUSY: the container is in the wrong state for the operation, or in use."""


class InvalidArgumentError(Error, ValueError):
    """-EINVAL: a bad argument (invalid name, ambiguous ID prefix, malformed JSON...)."""


class NotSupportedError(Error, NotImplementedError):
    """-EOPNOTSUPP: not built into the library, or not supported by the backend."""


class TimeoutError(Error, builtins.TimeoutError):  # noqa: A001 - deliberately libctr.TimeoutError
    """-ETIMEDOUT: a timeout expired."""


class DeadlockError(Error):
    """-EDEADLK: the operation would deadlock (removing a container inside its own batch)."""


class PermissionDeniedError(Error, builtins.PermissionError):
    """-EPERM / -EACCES: refused by the system or by a safety check."""


class CancelledError(Error):
    """-ECANCELED: cancelled by a progress callback."""


class ExternalError(Error):
    """-EIO: the OCI runtime or the monitor failed; the message holds its own text."""


class VersionError(Error):
    """-EPROTONOSUPPORT: stored state was written by a newer libctr."""


_BY_ERRNO: Dict[int, Type[Error]] = {
    _errno.ENOENT: NotFoundError,
    _errno.EEXIST: AlreadyExistsError,
    _errno.EBUSY: StateError,
    _errno.EINVAL: InvalidArgumentError,
    _errno.EOPNOTSUPP: NotSupportedError,
    _errno.ETIMEDOUT: TimeoutError,
    _errno.EDEADLK: DeadlockError,
    _errno.EPERM: PermissionDeniedError,
    _errno.EACCES: PermissionDeniedError,
    _errno.ECANCELED: CancelledError,
    _errno.EIO: ExternalError,
    _errno.EPROTONOSUPPORT: VersionError,
}


def error_for(code: int, message: str, function: str = "") -> Error:
    """The exception for a negative errno ``code``."""
    e = abs(code)
    return _BY_ERRNO.get(e, Error)(e, message, function)


def check(r: int, function: str) -> int:
    """Raise the matching :class:`Error` when ``r`` is negative, with the
    calling thread's detail (read right away, before any other libctr call)."""
    if r >= 0:
        return r
    last = lib.ctr_error_last().contents
    message = decode(last.message) or ""
    if last.code != r:  # the detail belongs to another failure (should not happen)
        message = decode(lib.ctr_strerror(r)) or ""
    raise error_for(r, message, function)


def not_built(function: str) -> NotSupportedError:
    return NotSupportedError(_errno.EOPNOTSUPP, f"this libctr has no {function}() (not built in yet)", function)
