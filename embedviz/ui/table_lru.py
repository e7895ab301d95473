"""Which setting's tables were used longest ago: the record the memory budget reads before it lets
tables go.

A pair of tables (token table and the position table drawn right after it) is named by its
:data:`TableKey`, ``(n_vocab, dim, seed, context_length)``. Every time the page asks for a pair
(:func:`embedviz.ui.cache.tables_of`), the time is noted here. When memory runs short, the budget lets
go of the pair used longest ago first (:mod:`embedviz.ui.memory_policy`), so the settings a class is
using right now stay.

One record serves the whole server process (:data:`recent_tables`): every visitor's thread writes to
it, so every read and write holds its lock.
"""

from __future__ import annotations

import threading
import time

#: A pair of tables: ``(n_vocab, dim, seed, context_length)``. The token table depends on the first
#: three only, so settings that differ in context length share one token table.
TableKey = tuple[int, int, int, int]


class TableLru:
    """When each pair of tables was last asked for, shared by the server's threads."""

    def __init__(self) -> None:
        self._last_used: dict[TableKey, float] = {}
        self._lock = threading.Lock()

    def note_use(self, key: TableKey) -> None:
        """``key``'s tables were asked for just now."""
        with self._lock:
            self._last_used[key] = time.monotonic()

    def pop_oldest(self, keep: TableKey) -> tuple[TableKey, bool] | None:
        """Forget the key used longest ago other than ``keep`` and return it, with whether its token
        table (same ``n_vocab``, ``dim`` and ``seed``) is shared: by another key still in the record, or
        by ``keep``, whose tables stay whether it is in the record or not. None when only ``keep`` is
        left."""
        with self._lock:
            candidates = [key for key in self._last_used if key != keep]
            if not candidates:
                return None
            oldest = min(candidates, key=self._last_used.__getitem__)
            del self._last_used[oldest]
            shared = any(other[:3] == oldest[:3] for other in [*self._last_used, keep])
        return oldest, shared

    def holds_other_than(self, keep: TableKey) -> bool:
        """Whether any key besides ``keep`` is in the record."""
        with self._lock:
            return bool(self._last_used.keys() - {keep})

    def clear(self) -> None:
        """Forget every use (when every cached table is cleared)."""
        with self._lock:
            self._last_used.clear()


#: The server's one record of table use.
recent_tables = TableLru()
