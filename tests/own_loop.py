"""``run``: ``asyncio.run`` on a thread of its own.

Once a browser test has started Playwright's sync API, the main thread has an event loop running for the
rest of the session, and ``asyncio.run`` refuses to start another there. Tests that drive the server's
async handlers directly run them on a fresh thread instead, wherever they fall in the session."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end on a new event loop in a new thread and return its result."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="own-loop") as pool:
        return pool.submit(asyncio.run, coroutine).result()
