# SPDX-License-Identifier: LGPL-2.1-or-later
"""The event journal (ctr-events.h): events read back or followed.

Internal: :mod:`libctr` re-exports :class:`Event` and :class:`Events`, and
:meth:`libctr.Runtime.events` and :meth:`libctr.Runtime.read_events` call in
here.  An :class:`Events` is an iterator and a context manager; a follower's
``next()`` blocks (without the GIL) until an event comes, :meth:`Events.cancel`
(from any thread) makes it raise :class:`CancelledError`, and
:meth:`Events.fileno` is a descriptor for ``select``/``selectors``/asyncio
loops, with :meth:`Events.poll` to take what is there without blocking.
"""

from __future__ import annotations

import datetime as _dt
import errno as _errno
import json
from ctypes import CFUNCTYPE, POINTER, Structure, byref, c_char_p, c_int, c_int64, c_uint, c_uint64, c_void_p
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence

from ._errors import check
from ._ffi import FUNCTIONS, STRUCTS, c_char_pp, lib
from ._mem import decode, strv

EVENT_VERSION = 1
EVENTS_OPTIONS_VERSION = 1
EVENTS_FOLLOW = 1


class EventStruct(Structure):
    """ctr_event_t (libctr 0.6)."""
    _fields_ = [
        ("version", c_uint),
        ("type", c_char_p),
        ("status", c_char_p),
        ("id", c_char_p),
        ("name", c_char_p),
        ("image", c_char_p),
        ("time_ns", c_int64),
        ("exit_code", c_int),
        ("json", c_char_p),
    ]


class EventsOptions(Structure):
    """ctr_events_options_t (libctr 0.6)."""
    _fields_ = [
        ("version", c_uint),
        ("flags", c_uint64),
        ("since_ns", c_int64),
        ("until_ns", c_int64),
        ("filters", c_char_pp),
        ("cancel_fd", c_int),
    ]


EVENTS_FN = CFUNCTYPE(c_int, POINTER(EventStruct), c_void_p)

STRUCTS.update({"ctr_event_t": EventStruct, "ctr_events_options_t": EventsOptions})
FUNCTIONS.update({
    "ctr_events_options_init": (c_int, [POINTER(EventsOptions), c_uint]),
    "ctr_events_open": (c_int, [c_void_p, POINTER(EventsOptions), POINTER(c_void_p)]),
    "ctr_events_next": (c_int, [c_void_p, c_int64, POINTER(POINTER(EventStruct))]),
    "ctr_events_fd": (c_int, [c_void_p]),
    "ctr_events_cancel": (c_int, [c_void_p]),
    "ctr_events_close": (c_void_p, [c_void_p]),
    "ctr_event_free": (None, [POINTER(EventStruct)]),
    "ctr_events_read": (c_int, [c_void_p, POINTER(EventsOptions), EVENTS_FN, c_void_p]),
})

@dataclass(frozen=True)
class Event:
    """One event: podman's ``events --format json`` object, and its main fields."""
    type: str
    status: str
    id: Optional[str]
    name: Optional[str]
    image: Optional[str]
    time_ns: int
    exit_code: int
    json: Dict[str, Any] = field(repr=False)

    @property
    def time(self) -> _dt.datetime:
        return _dt.datetime.fromtimestamp(self.time_ns // 1_000_000_000, tz=_dt.timezone.utc) + _dt.timedelta(
            microseconds=(self.time_ns % 1_000_000_000) // 1000)

    @property
    def attributes(self) -> Dict[str, str]:
        return self.json.get("Attributes") or {}

    @classmethod
    def _from(cls, e: EventStruct) -> "Event":
        return cls(decode(e.type) or "", decode(e.status) or "", decode(e.id), decode(e.name), decode(e.image),
                   e.time_ns, e.exit_code, json.loads(decode(e.json) or "{}"))


def _options(follow: bool, since: int, until: int, filters: Sequence[str],
             cancel_fd: Optional[int]) -> tuple:
    o = EventsOptions()
    check(lib.ctr_events_options_init(byref(o), EVENTS_OPTIONS_VERSION), "ctr_events_options_init")
    o.flags = EVENTS_FOLLOW if follow else 0
    o.since_ns, o.until_ns = since, until
    fp, keep = strv(list(filters) or None)
    o.filters = fp
    o.cancel_fd = -1 if cancel_fd is None else cancel_fd
    return o, keep


class Events:
    """A reader of the event journal (``ctr_events_open()``): iterate it for
    :class:`Event` objects; close it (or use ``with``) when done."""

    def __init__(self, rt_ptr: int, *, follow: bool = False, since: int = 0, until: int = 0,
                 filters: Sequence[str] = (), cancel_fd: Optional[int] = None, _owner: Any = None) -> None:
        self._p: Optional[int] = None
        o, keep = _options(follow, since, until, filters, cancel_fd)
        p = c_void_p()
        check(lib.ctr_events_open(rt_ptr, byref(o), byref(p)), "ctr_events_open")
        del keep
        self._p = p.value
        self._owner = _owner  # keeps the runtime alive
        self.follow = follow

    def _ptr(self) -> int:
        if self._p is None:
            raise ValueError("the events reader is closed")
        return self._p

    def next(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event; None at the end, or when ``timeout`` seconds pass
        with none (a follower; None: wait for ever)."""
        out = POINTER(EventStruct)()
        ms = -1 if timeout is None else int(timeout * 1000)
        r = lib.ctr_events_next(self._ptr(), ms, byref(out))
        if r == -_errno.EAGAIN or r == 0:
            return None
        check(r, "ctr_events_next")
        try:
            return Event._from(out.contents)
        finally:
            lib.ctr_event_free(out)

    def poll(self) -> List[Event]:
        """The events there now, without waiting (after :meth:`fileno` polled readable)."""
        out: List[Event] = []
        while True:
            e = self.next(0)
            if e is None:
                return out
            out.append(e)

    def fileno(self) -> int:
        """A descriptor that polls readable when events may be there (a follower only)."""
        return check(lib.ctr_events_fd(self._ptr()), "ctr_events_fd")

    def cancel(self) -> None:
        """Make a waiting (or the next) :meth:`next` raise :class:`CancelledError`; any thread."""
        if self._p is not None:
            lib.ctr_events_cancel(self._p)

    def __iter__(self) -> Iterator[Event]:
        while True:
            e = self.next()
            if e is None:
                return
            yield e

    def close(self) -> None:
        if self._p is not None:
            lib.ctr_events_close(self._p)
            self._p = None

    def __enter__(self) -> "Events":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def read(rt_ptr: int, fn: Callable[[Event], Optional[bool]], *, follow: bool = False, since: int = 0,
         until: int = 0, filters: Sequence[str] = (), cancel_fd: Optional[int] = None) -> bool:
    """``ctr_events_read()``: call ``fn`` with each event; ``fn`` returns True to stop.
    Returns whether ``fn`` stopped it."""
    o, keep = _options(follow, since, until, filters, cancel_fd)
    raised: List[BaseException] = []

    def trampoline(ev: Any, _userdata: Any) -> int:
        try:
            return 1 if fn(Event._from(ev.contents)) else 0
        except BaseException as e:  # noqa: B902 - carried out of the C frame
            raised.append(e)
            return 1

    cb = EVENTS_FN(trampoline)
    r = lib.ctr_events_read(rt_ptr, byref(o), cb, None)
    del keep
    if raised:
        raise raised[0]
    check(r, "ctr_events_read")
    return r > 0
