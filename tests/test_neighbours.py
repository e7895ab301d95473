"""Nearest neighbours of a streamed table (embedviz.rows bookmarks, read chunk by chunk with a running
top-k) against the whole table built by the seed's code and scored in one go with plain torch."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from embedviz.errors import SettingError
from embedviz.neighbours import nearest_neighbours, streamed_neighbours
from embedviz.rows import seeded_rows


def seed_table(seed: int, n_vocab: int, dim: int) -> torch.Tensor:
    torch.manual_seed(seed)
    return torch.nn.Embedding(n_vocab, dim).weight.detach()


def plain_cosines(table: torch.Tensor, token_id: int) -> torch.Tensor:
    """Every row's cosine with row ``token_id``, in float64 (an independent computation)."""
    rows = table.to(torch.float64)
    return torch.nn.functional.cosine_similarity(rows, rows[token_id][None], dim=1)


def assert_neighbours_of_the_seed_table(seed: int, n_vocab: int, dim: int, token_id: int, k: int) -> None:
    table = seed_table(seed, n_vocab, dim)
    rows = seeded_rows(n_vocab, dim, seed, 4)
    streamed = streamed_neighbours(rows.tokens.chunks(), rows.token_rows([token_id])[0], token_id, k)
    assert streamed == nearest_neighbours(table, token_id, k)  # the same bits, held whole or streamed
    cosines = plain_cosines(table, token_id)
    cosines[token_id] = -2.0  # never its own neighbour
    assert len(streamed) == min(k, n_vocab - 1)
    assert [s for _, s in streamed] == pytest.approx([float(cosines[i]) for i, _ in streamed], abs=1e-5)
    kth = sorted(cosines.tolist(), reverse=True)[len(streamed) - 1] if streamed else 0.0
    assert all(s >= kth - 1e-5 for _, s in streamed)  # none better left out
    assert token_id not in {i for i, _ in streamed}


@pytest.mark.parametrize(
    ("dim", "token_id", "k"), [(256, 3797, 50), (768, 0, 50), (3, 50_256, 10), (2048, 262, 5)]
)
def test_gpt2_sized_tables(dim: int, token_id: int, k: int) -> None:
    assert_neighbours_of_the_seed_table(5, 50_257, dim, token_id, k)


@settings(max_examples=25, deadline=None)
@given(
    n_vocab=st.integers(2, 20_000),
    dim=st.integers(2, 40),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_any_small_table(n_vocab: int, dim: int, seed: int, data: st.DataObject) -> None:
    token_id = data.draw(st.integers(0, n_vocab - 1))
    k = data.draw(st.integers(1, 60))
    assert_neighbours_of_the_seed_table(seed, n_vocab, dim, token_id, k)


def test_k_must_be_positive() -> None:
    rows = seeded_rows(100, 4, 1, 4)
    with pytest.raises(SettingError):
        streamed_neighbours(rows.tokens.chunks(), rows.token_rows([0])[0], 0, 0)
