"""The one cosine (embedviz/cosine.py), checked against torch's own ``cosine_similarity``."""

from __future__ import annotations

import torch
from torch.nn.functional import cosine_similarity

from embedviz.cosine import cosine, cosine_matrix

ATOL = 1e-6  # float32: torch normalises first, embedviz divides the dot product; the last bits differ


def seeded_rows(n: int, dim: int, seed: int = 123) -> torch.Tensor:
    """Rows of the seed's token table (``torch.manual_seed(seed); nn.Embedding(50257, dim)``)."""
    torch.manual_seed(seed)
    with torch.no_grad():
        return torch.nn.Embedding(50257, dim).weight[:n].clone()


def test_two_vectors_give_a_number_like_torch() -> None:
    rows = seeded_rows(2, 256)
    got = cosine(rows[0], rows[1])
    assert got.shape == ()
    assert abs(float(got) - float(cosine_similarity(rows[0], rows[1], dim=0))) < ATOL


def test_a_table_against_one_vector_like_torch() -> None:
    table = seeded_rows(500, 64)
    got = cosine(table, table[7])
    assert got.shape == (500,)
    torch.testing.assert_close(got, cosine_similarity(table, table[7][None], dim=1), atol=ATOL, rtol=0)


def test_every_pair_of_rows_like_torch() -> None:
    rows = seeded_rows(9, 256) + torch.randn(9, 256, generator=torch.Generator().manual_seed(1))
    got = cosine_matrix(rows)
    want = cosine_similarity(rows[:, None, :], rows[None, :, :], dim=-1)  # (9, 9, 256) broadcast: small here
    assert got.shape == (9, 9)
    torch.testing.assert_close(got, want, atol=ATOL, rtol=0)
    torch.testing.assert_close(got.diagonal(), torch.ones(9), atol=ATOL, rtol=0)
    torch.testing.assert_close(got, got.T, atol=ATOL, rtol=0)


def test_rows_against_other_rows() -> None:
    a, b = seeded_rows(4, 16), seeded_rows(6, 16, seed=7)
    want = torch.stack([cosine_similarity(row[None], b, dim=1) for row in a])
    torch.testing.assert_close(cosine(a, b), want, atol=ATOL, rtol=0)


def test_zero_vector_and_integer_input() -> None:
    zero = torch.zeros(3)
    assert float(cosine(zero, torch.tensor([1.0, 2.0, 3.0]))) == 0.0  # no direction: 0, not NaN
    assert float(cosine(torch.tensor([1, 0]), torch.tensor([0, 5]))) == 0.0  # at right angles
    assert float(cosine(torch.tensor([2.0, 0.0]), torch.tensor([-3.0, 0.0]))) == -1.0  # opposite


def test_no_gradient_is_recorded() -> None:
    layer = torch.nn.Embedding(10, 4)
    assert not cosine(layer.weight, layer.weight[0]).requires_grad
