"""A small dict shared by the server's threads, filled from outside when a value is complete.

Built animations and GPT-2's loaded tables are kept in a :class:`Registry` that ``st.cache_resource``
holds (:func:`embedviz.ui.cache.animations`, :func:`embedviz.ui.cache.gpt2_tables`), not in a cached
function of their own, for two reasons:

- a value enters only when it is complete: a training run stopped half-way must not be shared;
- the value is produced by long code that draws progress on the page while it runs, and a cached
  function can only keep its own return value.

Only the ``max_entries`` newest values are kept; the oldest is dropped first, and reading a value makes
it the newest again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Registry(Generic[K, V]):
    """A dict of at most ``max_entries`` values, least recently used dropped first; safe to share
    between the threads that run visitors' pages."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        """The value of ``key`` (now the newest), or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        """Keep ``value`` as the newest; drop the oldest beyond ``max_entries``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Drop every value (the memory budget asks for this when memory runs short)."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
