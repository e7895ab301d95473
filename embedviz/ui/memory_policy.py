"""How the page's caches share the server's memory: which tables are kept, and what gives way first.

One server holds a whole class, and every cached table is shared by every visitor. Memory is one budget
for the process (:mod:`embedviz.budget`); this module decides how the caches of
:mod:`embedviz.ui.cache` live inside it.

Which cache keeps a token table
    The default setting's table (the page every student opens first) has a cache of its own. Other
    tables up to :data:`SMALL_TABLE_BYTES` are "small": three are kept. One larger table is kept at a
    time. Worst case 52 MB (default) + 3 x 64 MiB + 1 x 412 MB (GPT-2's vocabulary at 2048 dims):
    fifty visitors trying dims cannot exhaust memory, and the budget has the last word.

What gives way when a request does not fit
    Cheapest to rebuild first: built figures and projections, GPT-2's loaded tables, the reference PCA,
    the bookmarks of settings whose pages stream their rows (:mod:`embedviz.rows`),
    then the tables of one setting after another, least recently used first
    (:mod:`embedviz.ui.table_lru`), then every setting's tables (a setting in use is drawn again on its
    next rerun) but the default setting's. Those never give way: the whole class opens them, and a
    server short of memory that refused to rebuild them would refuse everybody.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from embedviz.budget import MemoryBudget
from embedviz.ui.state import DEFAULTS
from embedviz.ui.table_lru import TableKey, TableLru

#: Token tables up to this size (GPT-2's vocabulary up to 333 dims) are "small": three are kept.
SMALL_TABLE_BYTES = 64 * 2**20
#: Settings whose tables the budget lets go one by one, least recently used first, before all of them.
LRU_EVICTIONS = 6
#: What loading GPT-2 small's tables costs at its peak: wte + wpe as float32 ((50,257 + 1,024) x 768 x 4
#: bytes, 158 MB), twice: the file is memory-mapped (its pages count as resident) while they are copied.
GPT2_LOAD_BYTES = 2 * (50_257 + 1_024) * 768 * 4

Clear = Callable[[], None]


@functools.cache
def default_key() -> TableKey:
    """The key of the default setting's tables (the page every student opens first)."""
    spec = DEFAULTS.spec
    return (spec.check(), spec.dim, spec.seed, spec.context_length)


def token_table_kind(n_vocab: int, dim: int, seed: int) -> Literal["default", "small", "large"]:
    """Which of the three token-table caches keeps the table ``torch.nn.Embedding(n_vocab, dim)`` drawn
    with ``seed``: the default setting's, the small tables' or the one large table's."""
    if (n_vocab, dim, seed) == default_key()[:3]:
        return "default"
    return "small" if n_vocab * dim * 4 <= SMALL_TABLE_BYTES else "large"


@dataclass(frozen=True)
class Caches:
    """What the budget may empty, as the cache module names it: the clear functions of each group, and
    ``forget_tables(key, shared)``, which drops the position table of ``key`` and its token table unless
    ``shared`` (another context length still uses it)."""

    figures: tuple[Clear, ...]
    rows: tuple[Clear, ...]
    gpt2: tuple[Clear, ...]
    reference_pca: tuple[Clear, ...]
    forget_tables: Callable[[TableKey, bool], None]


def give_way(budget: MemoryBudget, caches: Caches, recent: TableLru) -> MemoryBudget:
    """Register the evictors on ``budget`` in the order they are asked, cheapest to rebuild first, and
    return it. ``recent`` is the record of table use the least recently used tables are read from."""

    def clearing(group: tuple[Clear, ...]) -> Clear:
        def clear_group() -> None:
            for clear in group:
                clear()

        return clear_group

    def least_recently_used() -> None:
        evict_least_recently_used(recent, caches.forget_tables)

    def all_but_default() -> None:
        while recent.holds_other_than(default_key()):
            evict_least_recently_used(recent, caches.forget_tables)

    budget.add_evictor("built figures and projections", clearing(caches.figures))
    budget.add_evictor("GPT-2's tables", clearing(caches.gpt2))
    budget.add_evictor("reference PCA", clearing(caches.reference_pca))
    budget.add_evictor("streamed settings' bookmarks", clearing(caches.rows))
    for _ in range(LRU_EVICTIONS):
        budget.add_evictor("the least recently used tables", least_recently_used)
    budget.add_evictor("token and position tables", all_but_default)
    return budget


def evict_least_recently_used(recent: TableLru, forget_tables: Callable[[TableKey, bool], None]) -> None:
    """Let go of the position table of the setting used longest ago, and of its token table unless
    another context length still uses it. The default setting's tables are never let go: with 60
    students on 690 MB, one Train press that evicted them made 96 default pages be refused."""
    oldest = recent.pop_oldest(keep=default_key())
    if oldest is not None:
        forget_tables(*oldest)
