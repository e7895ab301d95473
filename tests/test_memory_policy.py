"""The memory policy without Streamlit: which tables give way, in which order, and which never do."""

from __future__ import annotations

from embedviz.budget import MemoryBudget
from embedviz.ui import memory_policy
from embedviz.ui.table_lru import TableKey, TableLru

MB = 10**6


def test_the_oldest_use_goes_first_and_says_whether_its_token_table_is_shared() -> None:
    recent = TableLru()
    for key in [(10, 4, 1, 8), (10, 4, 1, 16), (10, 8, 1, 8), (10, 4, 1, 8)]:  # the first is used again
        recent.note_use(key)
    assert recent.pop_oldest(keep=(10, 8, 1, 8)) == ((10, 4, 1, 16), True)  # (10, 4, 1) still used at 8
    assert recent.pop_oldest(keep=(10, 8, 1, 8)) == ((10, 4, 1, 8), False)
    assert recent.pop_oldest(keep=(10, 8, 1, 8)) is None and recent.holds_other_than((10, 8, 1, 8)) is False
    assert recent.holds_other_than((0, 0, 0, 0)) is True
    # Only the kept key, never used itself, shares the last key's token table: it stays.
    assert recent.pop_oldest(keep=(10, 8, 1, 64)) == ((10, 8, 1, 8), True)


def test_the_budget_asks_the_least_recently_used_tables_and_never_the_default_ones() -> None:
    recent, cleared, forgotten = TableLru(), [], []
    default = memory_policy.default_key()
    others: list[TableKey] = [(default[0], dim, 3, 64) for dim in (8, 16, 24, 32, 40, 48, 56, 64)]
    for key in [others[0], default, *others[1:]]:
        recent.note_use(key)
    caches = memory_policy.Caches(
        figures=(lambda: cleared.append("figures"), lambda: cleared.append("projections")),
        rows=(lambda: cleared.append("rows"),),
        gpt2=(lambda: cleared.append("gpt2"),),
        reference_pca=(lambda: cleared.append("pca"),),
        forget_tables=lambda key, shared: forgotten.append(key),
    )
    budget = memory_policy.give_way(MemoryBudget(1_000 * MB, margin=0, rss=lambda: 0), caches, recent)
    evictors = [evict for _, evict in budget._evictors]
    for evict in evictors[:5]:  # figures, GPT-2, PCA, streamed bookmarks, the least recently used setting
        evict()
    assert cleared == ["figures", "projections", "gpt2", "pca", "rows"] and forgotten == [others[0]]
    evictors[-1]()  # every other setting, oldest first
    assert forgotten == others and not recent.holds_other_than(default)
    evictors[-1]()  # nothing left but the default setting's tables: nothing more is let go
    assert forgotten == others


def test_each_token_table_has_one_cache_by_its_size() -> None:
    n_vocab, dim, seed, _ = memory_policy.default_key()
    small_dims = memory_policy.SMALL_TABLE_BYTES // (4 * n_vocab)  # float32 rows of n_vocab tokens
    assert memory_policy.token_table_kind(n_vocab, dim, seed) == "default"
    assert memory_policy.token_table_kind(n_vocab, dim, seed + 1) == "small"
    assert memory_policy.token_table_kind(n_vocab, small_dims, seed) == "small"
    assert memory_policy.token_table_kind(n_vocab, small_dims + 1, seed) == "large"
