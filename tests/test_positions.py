"""The positions core against independent computations: a hand loop per Vaswani et al. for the sinusoidal
table, complex numbers for rotary positions, hand-written ALiBi and T5 values, plain loops for cosines."""

from __future__ import annotations

import cmath
import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import embedviz
from embedviz.cosine import cosine_matrix
from embedviz.errors import EmbedvizError
from embedviz.positions import (
    OddDimensionError,
    alibi_bias,
    alibi_slopes,
    distinct_vectors,
    moving_pair_scores,
    rotary,
    rotary_pair,
    same_bag_of_vectors,
    sinusoidal_positions,
    t5_buckets,
    wavelengths,
)


def sinusoid_by_hand(n_positions: int, dim: int) -> list[list[float]]:
    """Vaswani et al. 2017, section 3.5, one number at a time."""
    return [
        [
            math.sin(p / 10000 ** ((j - j % 2) / dim))
            if j % 2 == 0
            else math.cos(p / 10000 ** ((j - j % 2) / dim))
            for j in range(dim)
        ]
        for p in range(n_positions)
    ]


def rotate_by_complex_numbers(x: list[float], position: int, base: float = 10000.0) -> list[float]:
    """RoPE as the paper writes it: pair ``(x[i], x[i + d/2])`` is the complex number ``x[i] + i·x[i+d/2]``,
    multiplied by ``e^(i·position·θ_i)`` with ``θ_i = base^(-2i/d)``."""
    half = len(x) // 2
    turned = [
        complex(x[i], x[i + half]) * cmath.exp(1j * position * base ** (-2 * i / len(x))) for i in range(half)
    ]
    return [z.real for z in turned] + [z.imag for z in turned]


@pytest.mark.parametrize("dim", [1, 2, 3, 8, 17, 64])
def test_sinusoidal_table_is_the_papers_formula(dim: int) -> None:
    table = sinusoidal_positions(40, dim)
    assert table.shape == (40, dim) and table.dtype == torch.float32
    expected = torch.tensor(sinusoid_by_hand(40, dim), dtype=torch.float64)
    assert torch.allclose(table.double(), expected, atol=1e-6, rtol=0)


def test_the_embeddings_module_uses_the_same_table() -> None:
    from embedviz import embeddings

    assert embeddings.sinusoidal_positions is sinusoidal_positions is embedviz.sinusoidal_positions


@pytest.mark.parametrize("dim", [2, 6, 64])
def test_each_dimension_repeats_after_its_wavelength(dim: int) -> None:
    lengths = wavelengths(dim)
    assert lengths.shape == (dim,)
    assert lengths[0] == pytest.approx(2 * math.pi)
    for j in range(dim):
        period = float(lengths[j])
        angle = 2 * math.pi / period  # the hand formula's step per position, 1 / 10000^(2i/dim)
        assert angle == pytest.approx(1 / 10000 ** ((j - j % 2) / dim), rel=1e-12)


def test_cosine_matrix_against_a_loop() -> None:
    torch.manual_seed(0)
    table = torch.randn(7, 5)
    table[3] = 0  # a zero row: cosine 0 with everything
    matrix = cosine_matrix(table)
    assert matrix.shape == (7, 7)
    for a in range(7):
        for b in range(7):
            u, v = table[a].double(), table[b].double()
            norms = float(u.norm() * v.norm())
            expected = float(u @ v) / norms if norms else 0.0
            assert float(matrix[a, b]) == pytest.approx(expected, abs=1e-6)


def test_sinusoidal_neighbours_are_alike_and_random_ones_are_not() -> None:
    smooth = cosine_matrix(sinusoidal_positions(32, 64))
    assert float(smooth[10, 11]) > 0.9 and float(smooth[10, 11]) > float(smooth[10, 20])
    torch.manual_seed(123)
    noise = cosine_matrix(torch.randn(32, 256))
    off_diagonal = noise[~torch.eye(32, dtype=torch.bool)]
    assert float(off_diagonal.abs().max()) < 0.35


@pytest.mark.parametrize("dim", [2, 4, 10, 64])
def test_rotary_is_the_complex_rotation(dim: int) -> None:
    torch.manual_seed(dim)
    x = torch.randn(6, dim, dtype=torch.float64)
    positions = torch.tensor([0, 1, 2, 7, 100, 1023])
    turned = rotary(x, positions)
    assert turned.shape == x.shape and turned.dtype == x.dtype
    for row, position in enumerate(positions.tolist()):
        expected = torch.tensor(rotate_by_complex_numbers(x[row].tolist(), position), dtype=torch.float64)
        assert torch.allclose(turned[row], expected, atol=1e-10)
    assert torch.equal(rotary(x[:1], torch.tensor([0])), x[:1])  # position 0 turns nothing
    assert torch.allclose(turned.norm(dim=1), x.norm(dim=1))  # a rotation keeps lengths


def test_rotary_keeps_float32() -> None:
    x = torch.randn(3, 8)
    assert rotary(x, torch.arange(3)).dtype == torch.float32


@settings(max_examples=40, deadline=None)
@given(
    m=st.integers(0, 2000),
    n=st.integers(0, 2000),
    shift=st.integers(-500, 500),
    seed=st.integers(0, 2**16),
)
def test_rotary_scores_depend_only_on_the_offset(m: int, n: int, shift: int, seed: int) -> None:
    generator = torch.Generator().manual_seed(seed)
    q, k = torch.randn(2, 16, generator=generator, dtype=torch.float64)
    m2, n2 = m + shift, n + shift
    if min(m2, n2) < 0:
        m2, n2 = m - shift, n - shift
    first = rotary(q[None], torch.tensor([m])) @ rotary(k[None], torch.tensor([n])).T
    second = rotary(q[None], torch.tensor([m2])) @ rotary(k[None], torch.tensor([n2])).T
    assert float(first) == pytest.approx(float(second), abs=1e-9)


def test_odd_dim_is_a_readable_error() -> None:
    with pytest.raises(OddDimensionError, match="must be even") as caught:
        rotary(torch.zeros(2, 5), torch.arange(2))
    assert isinstance(caught.value, EmbedvizError)
    assert "5" in str(caught.value) and "4" in str(caught.value) and "6" in str(caught.value)


def test_rotary_pair_traces_a_circle() -> None:
    x = torch.tensor([3.0, 0.0, 4.0, 0.0], dtype=torch.float64)  # pair 0 = (3, 4): radius 5
    points = rotary_pair(x, 0, torch.arange(4))
    assert points.shape == (4, 2)
    assert torch.allclose(points.norm(dim=1), torch.full((4,), 5.0, dtype=torch.float64))
    expected = [complex(3, 4) * cmath.exp(1j * p) for p in range(4)]  # pair 0 turns one radian per position
    assert torch.allclose(points, torch.tensor([[z.real, z.imag] for z in expected], dtype=torch.float64))


def test_alibi_bias_by_hand() -> None:
    bias = alibi_bias(4, 0.5)
    expected = [[-0.5 * abs(i - j) for j in range(4)] for i in range(4)]
    assert bias.tolist() == expected
    causal = alibi_bias(4, 0.25, causal=True)
    for i in range(4):
        for j in range(4):
            assert causal[i, j] == (0.25 * (j - i) if j <= i else -math.inf)


def test_alibi_slopes_of_eight_heads() -> None:
    assert alibi_slopes(8).tolist() == [1 / 2**k for k in range(1, 9)]


def test_t5_buckets_known_values() -> None:
    # T5's defaults: 32 buckets, max distance 128; bidirectional halves them (16 per direction, 8 exact)
    offsets = torch.tensor([0, -1, 1, -7, 7, 8, 16, -16, 200, -200])
    expected = [0, 1, 17, 7, 23, 24, 16 + 8 + int(math.log(2) / math.log(16) * 8), 10, 31, 15]
    assert t5_buckets(offsets).tolist() == expected
    # one direction (a decoder): only keys before the query count, 16 exact buckets
    assert t5_buckets(torch.tensor([0, 3, -3, -15, -16, -1000]), bidirectional=False).tolist() == [
        0,
        0,
        3,
        15,
        16,
        31,
    ]


def test_moving_pair_scores_by_hand() -> None:
    torch.manual_seed(5)
    q, k = torch.randn(2, 8)
    table = torch.randn(10, 8)
    scores = moving_pair_scores(q, k, 3, 10, table, slope=0.25)
    assert all(len(v) == 7 for v in scores.values())
    for m in range(7):
        absolute = float((q.double() + table[m + 3].double()) @ (k.double() + table[m].double())) / math.sqrt(
            8
        )
        assert float(scores["absolute"][m]) == pytest.approx(absolute, abs=1e-9)
        q_turned = rotate_by_complex_numbers(q.double().tolist(), m + 3)
        k_turned = rotate_by_complex_numbers(k.double().tolist(), m)
        turned = sum(a * b for a, b in zip(q_turned, k_turned, strict=True)) / math.sqrt(8)
        assert float(scores["rotary"][m]) == pytest.approx(turned, abs=1e-9)
        assert float(scores["alibi"][m]) == pytest.approx(
            float(q.double() @ k.double()) / math.sqrt(8) - 0.75
        )
    assert float(scores["rotary"].max() - scores["rotary"].min()) < 1e-9
    assert float(scores["absolute"].max() - scores["absolute"].min()) > 0.1
    assert moving_pair_scores(q, k, 12, 10, table)["rotary"].shape == (0,)
    odd = moving_pair_scores(q[:7], k[:7], 1, 10, table[:, :7])
    assert set(odd) == {"absolute", "alibi"}  # no pairs to turn


def test_bag_of_vectors_ignores_order_but_counts_repeats() -> None:
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [1.0, 2.0]])
    assert same_bag_of_vectors(x, x[[2, 0, 1]])  # another order, same multiset
    assert not same_bag_of_vectors(x, torch.tensor([[1.0, 2.0], [3.0, 4.0], [3.0, 4.0]]))  # other counts
    assert not same_bag_of_vectors(x, x[:2])
    assert distinct_vectors(x) == 2 and distinct_vectors(torch.zeros(0, 2)) == 0


def test_the_lessons_pair_is_one_bag_only_without_positions(plain_gpt2) -> None:
    a, b = "Die Katze saß auf der Matte", "Die Matte saß auf der Katze"
    ids_a, ids_b = plain_gpt2.encode(a), plain_gpt2.encode(b)
    assert sorted(ids_a) == sorted(ids_b) and ids_a != ids_b
    torch.manual_seed(123)  # the lesson's code
    tok = torch.nn.Embedding(50257, 256)
    pos = torch.nn.Embedding(1024, 256)
    with torch.no_grad():
        bare_a, bare_b = tok(torch.tensor(ids_a)), tok(torch.tensor(ids_b))
        assert same_bag_of_vectors(bare_a, bare_b)
        with_a = bare_a + pos(torch.arange(len(ids_a)))
        with_b = bare_b + pos(torch.arange(len(ids_b)))
    assert not same_bag_of_vectors(with_a, with_b)
