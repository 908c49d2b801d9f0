# SPDX-License-Identifier: LGPL-2.1-or-later
"""Waits a caller's event loop drives (ctr-lifecycle.h's waiters) and
cancellation tokens (``ctr_cancel_t``).

Internal: :mod:`libctr` re-exports :class:`Cancel` and :class:`Waiter`, and
:meth:`libctr.Container.waiter`, :meth:`~libctr.Container.wait_for` and
:meth:`~libctr.Container.wait_async` call in here.  States are passed and
returned as the ``ctr_state_t`` integers; :mod:`libctr` turns them into
:class:`libctr.State`.
"""

from __future__ import annotations

import asyncio
from ctypes import byref, c_int, c_void_p
from typing import Any, Iterable, Optional, Tuple

from ._errors import check
from ._ffi import lib

_EXITED = 4


def state_set(states: Iterable[int]) -> int:
    """The ``CTR_WAIT_STATE()`` bits of ``states`` (the exited state when empty)."""
    mask = 0
    for s in states:
        mask |= 1 << int(s)
    return mask or 1 << _EXITED


class Cancel:
    """A cancellation token: :meth:`trigger` it from any thread (or a signal
    handler) to end the waits given it with :class:`libctr.CancelledError`.
    It stays triggered until :meth:`reset`.  A context manager."""

    _p: Optional[int] = None

    def __init__(self) -> None:
        p = c_void_p()
        check(lib.ctr_cancel_new(byref(p)), "ctr_cancel_new")
        self._p: Optional[int] = p.value

    @property
    def _handle(self) -> int:
        if self._p is None:
            raise ValueError("the cancellation token is closed")
        return self._p

    def trigger(self) -> None:
        check(lib.ctr_cancel_trigger(self._handle), "ctr_cancel_trigger")

    def reset(self) -> None:
        check(lib.ctr_cancel_reset(self._handle), "ctr_cancel_reset")

    def fileno(self) -> int:
        """The descriptor that is readable while the token is triggered."""
        return check(lib.ctr_cancel_fd(self._handle), "ctr_cancel_fd")

    def close(self) -> None:
        if self._p is not None:
            lib.ctr_cancel_free(self._p)
            self._p = None

    def __enter__(self) -> "Cancel":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def handle_of(cancel: Optional[Cancel]) -> Optional[int]:
    return None if cancel is None else cancel._handle


class Waiter:
    """A watch on one container until its state is in a set, through
    :meth:`fileno`, which a ``select``/``selectors``/``asyncio`` loop polls: no
    thread per container.  Call :meth:`check` first and again each time the
    descriptor is readable.  A context manager; made by
    :meth:`libctr.Container.waiter`."""

    _p: Optional[int] = None

    def __init__(self, container_ptr: int, states: int) -> None:
        p = c_void_p()
        check(lib.ctr_container_waiter_new(container_ptr, states, byref(p)), "ctr_container_waiter_new")
        self._p: Optional[int] = p.value

    @property
    def _handle(self) -> int:
        if self._p is None:
            raise ValueError("the waiter is closed")
        return self._p

    def fileno(self) -> int:
        return check(lib.ctr_waiter_fd(self._handle), "ctr_waiter_fd")

    def check_raw(self) -> Optional[Tuple[int, int]]:
        """``(state, exit_code)`` once reached, else ``None``."""
        state = c_int(0)
        code = c_int(-1)
        r = check(lib.ctr_waiter_check(self._handle, byref(state), byref(code)), "ctr_waiter_check")
        return (state.value, code.value) if r == 1 else None

    async def wait_raw(self) -> Tuple[int, int]:
        """Await the state on the running asyncio loop (``loop.add_reader``)."""
        loop = asyncio.get_running_loop()
        while True:
            done = self.check_raw()
            if done is not None:
                return done
            ready = loop.create_future()
            fd = self.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(fd)

    def close(self) -> None:
        if self._p is not None:
            lib.ctr_waiter_free(self._p)
            self._p = None

    def __enter__(self) -> "Waiter":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def wait_for(container_ptr: int, states: int, timeout: Optional[float], cancel: Optional[Cancel]) -> Tuple[int, int]:
    state = c_int(0)
    code = c_int(-1)
    ms = -1 if timeout is None else max(0, int(timeout * 1000))
    check(lib.ctr_container_wait_for(container_ptr, states, ms, handle_of(cancel), byref(state), byref(code)),
          "ctr_container_wait_for")
    return state.value, code.value
