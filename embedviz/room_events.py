"""Waking the pages that wait on a room: a long poll answered the moment the room changes.

A student's page asks the server "has the room changed since version N?" and the server holds the request
open until it has (or until a timeout, after which the page simply asks again). The request waits on an
:mod:`asyncio` future of the server's event loop; the change itself happens in a visitor's script thread
(the teacher's rerun publishes the new state). :meth:`Waiters.notify` crosses from that thread into the
loop with ``loop.call_soon_threadsafe``, so nobody polls: a waiting page costs no CPU until it is woken.

No Streamlit and no web framework here: the route that uses it is :mod:`embedviz.ui.room_server`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable


def _wake(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Waiters:
    """The futures waiting on each room, by room code. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}

    def notify(self, code: str) -> None:
        """The room ``code`` changed: wake everyone waiting on it. Callable from any thread."""
        with self._lock:
            waiting = list(self._waiting.get(code, ()))
        for loop, future in waiting:
            loop.call_soon_threadsafe(_wake, future)

    async def wait(self, code: str, changed: Callable[[], bool], timeout: float) -> None:
        """Return when ``changed()`` is true, checked now and after each :meth:`notify` of ``code``, or
        after ``timeout`` seconds. Registered before the first check, so no change falls in between."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            future: asyncio.Future[None] = loop.create_future()
            entry = (loop, future)
            with self._lock:
                self._waiting.setdefault(code, set()).add(entry)
            try:
                if changed():
                    return
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return
                try:
                    await asyncio.wait_for(future, remaining)
                except TimeoutError:
                    return
            finally:
                with self._lock:
                    entries = self._waiting.get(code)
                    if entries is not None:
                        entries.discard(entry)
                        if not entries:
                            del self._waiting[code]

    def count(self, code: str | None = None) -> int:
        """How many requests wait (on ``code``, or on any room)."""
        with self._lock:
            if code is not None:
                return len(self._waiting.get(code, ()))
            return sum(len(entries) for entries in self._waiting.values())
