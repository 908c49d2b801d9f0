# SPDX-License-Identifier: LGPL-2.1-or-later
"""Waiters, waits for a state, cancellation tokens, asyncio: real containers."""
import asyncio
import os
import selectors
import signal
import threading
import time

import pytest

import libctr


def sh(script):
    return ["/bin/sh", "-c", script]


def test_waiters_in_one_selector(rt, busybox):
    """Five containers, one thread, one selector: each exit reported once."""
    cs = [rt.create(name=f"sel-{i}", command=sh(f"sleep 100; exit {i}"), **busybox) for i in range(5)]
    sel = selectors.DefaultSelector()
    waiters = []
    try:
        for c in cs:
            c.start()
            w = c.waiter()
            assert w.check() is None
            sel.register(w, selectors.EVENT_READ, c)
            waiters.append(w)
        assert sel.select(timeout=0.3) == []  # nothing while they run
        for c in cs:
            c.kill(signal.SIGKILL)
        seen = {}
        while len(seen) < len(cs):
            for key, _ in sel.select(timeout=10):
                done = key.fileobj.check()
                if done is not None:
                    seen[key.data.name] = done
                    sel.unregister(key.fileobj)
        assert seen == {c.name: (libctr.State.EXITED, 137) for c in cs}
    finally:
        for w in waiters:
            w.close()
        for c in cs:
            c.remove(force=True)
            c.close()


def test_wait_for_states_and_cancel(rt, busybox):
    with rt.create(name="waitfor", command=sh("sleep 100"), **busybox) as c:
        # Not live: at once, with its state.
        assert c.wait_for() == (libctr.State.CONFIGURED, -1)
        c.start()
        with libctr.Cancel() as cancel:
            t = threading.Timer(0.2, cancel.trigger)
            t.start()
            t0 = time.monotonic()
            with pytest.raises(libctr.CancelledError):
                c.wait_for(libctr.State.EXITED, cancel=cancel)
            assert time.monotonic() - t0 < 2
            t.join()
            cancel.reset()
            with pytest.raises(libctr.TimeoutError):
                c.wait_for(timeout=0.2, cancel=cancel)
        assert c.wait_for(libctr.State.RUNNING, timeout=5) == (libctr.State.RUNNING, -1)
        threading.Timer(0.2, c.pause).start()
        assert c.wait_for(libctr.State.PAUSED, timeout=5) == (libctr.State.PAUSED, -1)
        c.unpause()
        with pytest.raises(libctr.InvalidArgumentError):
            c.waiter(20)  # not a state
        c.kill(signal.SIGKILL)
        assert c.wait_for(libctr.State.EXITED, libctr.State.PAUSED) == (libctr.State.EXITED, 137)
        c.remove()


def test_wait_async(rt, busybox):
    """asyncio awaitables on the waiters' descriptors: three at once."""
    cs = [rt.create(name=f"aio-{i}", command=sh(f"sleep 0.{i + 2}; exit {i + 1}"), **busybox) for i in range(3)]
    try:
        for c in cs:
            c.start()

        async def main():
            return await asyncio.gather(*(c.wait_async() for c in cs))

        results = asyncio.run(main())
        assert results == [(libctr.State.EXITED, i + 1) for i in range(3)]
    finally:
        for c in cs:
            c.remove(force=True)
            c.close()


def test_follow_closed_at_once_and_attach_cancel(rt, busybox):
    """Closing a log follow ends its C call at once (a token under it); attach takes one."""
    with rt.create(name="follow", command=sh("echo one; sleep 100"), **busybox) as c:
        c.start()
        it = c.logs(follow=True)
        assert next(it).text == "one"
        t0 = time.monotonic()
        it.close()  # no second line will ever come: only the token ends the reader
        assert time.monotonic() - t0 < 2
        with libctr.Cancel() as cancel:
            threading.Timer(0.2, cancel.trigger).start()
            r, w = os.pipe()
            try:
                with pytest.raises(libctr.CancelledError):
                    c.attach(stdout=w, cancel=cancel)
            finally:
                os.close(r)
                os.close(w)
        assert c.state is libctr.State.RUNNING
        c.remove(force=True)


def test_restart_and_policy(rt, busybox):
    """restart() gives a new process; the policy restarts an exit by itself, not a user's kill."""
    with rt.create(name="rs", command=sh("sleep 100"), restart_policy="on-failure", **busybox) as c:
        c.start()
        pid = c.pid
        c.restart(timeout=0)
        assert c.state is libctr.State.RUNNING and c.pid != pid
        c.kill(signal.SIGKILL)
        assert c.wait(timeout=10) == 137
        assert c.apply_restart_policy() is False  # a user's kill
        c.start()
        os.kill(c.pid, signal.SIGKILL)  # a crash: the monitor's exit command restarts it
        deadline = time.monotonic() + 20
        while (c.restart_count, c.state) != (1, libctr.State.RUNNING) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert (c.restart_count, c.state) == (1, libctr.State.RUNNING)
        c.remove(force=True)
