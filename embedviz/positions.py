"""Positions: every way a model learns *where* a token stands, side by side.

A token vector depends only on the token id, so without positions a sentence is a „Tüte voller Wörter“
(a bag of words): "Die Katze saß auf der Matte" and "Die Matte saß auf der Katze" give the model the same
set of vectors. There are two families of answers.

**Absolute positions** give each position 0, 1, 2, ... a vector of the token's dimension and *add* it to the
token vector (the lesson's „gleiche Dimensionen“: the sum keeps the width, where concatenating would
double it):

* learned (GPT): ``torch.nn.Embedding(context_length, dim)``, random until trained
  (:mod:`embedviz.embeddings` builds it);
* sinusoidal (Vaswani et al. 2017): :func:`sinusoidal_positions`, fixed sines and cosines whose
  wavelengths (:func:`wavelengths`) grow geometrically from 2π to 10000·2π.

**Relative positions** leave the vectors alone and change how attention compares a query at position
``i`` with a key at position ``j``, so that only the offset ``i - j`` matters:

* ALiBi (Press et al. 2022): :func:`alibi_bias` adds ``-slope · |i - j|`` to each attention score;
* T5 (Raffel et al. 2020): :func:`t5_buckets` sorts offsets into buckets (exact for small offsets,
  logarithmic for large ones); a learned number per bucket is added to the score;
* rotary (RoPE, Su et al. 2021): :func:`rotary` turns pairs of dimensions of the query and the key by an
  angle proportional to the position. A dot product of two turned vectors depends only on the difference
  of the angles, so ``<R_m q, R_n k>`` depends only on ``n - m``.

:func:`moving_pair_scores` puts one query/key pair at every start position of a sentence and returns its
attention score under each scheme: constant under rotary and ALiBi, wandering under absolute positions.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import math

import torch

from embedviz.errors import EmbedvizError

#: The base of the sinusoidal and rotary wavelengths in the original papers (and Llama 1 and 2).
BASE = 10000.0


class OddDimensionError(EmbedvizError):
    """Rotary positions turn pairs of dimensions, so they need an even number of dimensions."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        super().__init__(
            f"Rotary positions turn the dimensions in pairs (dimension i with dimension i + dim/2), so dim "
            f"must be even; {dim:,} dimensions leave one without a partner. Choose {dim - 1:,} or "
            f"{dim + 1:,}."
        )


# ---------------------------------------------------------------------------------------------------------
# Without positions: a bag of vectors
# ---------------------------------------------------------------------------------------------------------


def same_bag_of_vectors(a: torch.Tensor, b: torch.Tensor) -> bool:
    """Whether two sentences give the model the same multiset of input vectors (rows), in any order:
    what the model receives when it cannot tell where a token stands."""
    if a.shape != b.shape:
        return False
    rows_a, counts_a = torch.unique(a, dim=0, return_counts=True)
    rows_b, counts_b = torch.unique(b, dim=0, return_counts=True)
    return rows_a.shape == rows_b.shape and torch.equal(rows_a, rows_b) and torch.equal(counts_a, counts_b)


def distinct_vectors(x: torch.Tensor) -> int:
    """How many different rows ``x`` has: a repeated token without positions is one vector, however often
    it occurs."""
    return int(torch.unique(x, dim=0).shape[0]) if x.shape[0] else 0


# ---------------------------------------------------------------------------------------------------------
# Absolute positions
# ---------------------------------------------------------------------------------------------------------


def sinusoidal_positions(n_positions: int, dim: int) -> torch.Tensor:
    """Fixed positions of the original Transformer: ``PE[p, 2i] = sin(p / 10000^(2i/dim))`` and
    ``PE[p, 2i+1] = cos(p / 10000^(2i/dim))``; float32, shape ``(n_positions, dim)``."""
    position = torch.arange(n_positions, dtype=torch.float64)[:, None]
    two_i = torch.arange(0, dim, 2, dtype=torch.float64)
    angle = position / torch.pow(BASE, two_i / dim)
    table = torch.zeros(n_positions, dim, dtype=torch.float64)
    table[:, 0::2] = torch.sin(angle)
    table[:, 1::2] = torch.cos(angle[:, : dim // 2])
    return table.to(torch.float32)


def wavelengths(dim: int, base: float = BASE) -> torch.Tensor:
    """The wavelength (in positions) of each dimension of :func:`sinusoidal_positions`: dimensions ``2i``
    and ``2i+1`` repeat every ``2π · base^(2i/dim)`` positions. Dimension 0 turns fastest (2π ≈ 6.28
    positions); the last ones barely move within a sentence. float64, shape ``(dim,)``."""
    two_i = torch.arange(dim, dtype=torch.float64) // 2 * 2
    return 2 * math.pi * torch.pow(base, two_i / dim)


# ---------------------------------------------------------------------------------------------------------
# Rotary positions (RoPE), GPT-NeoX / Llama convention: rotate half
# ---------------------------------------------------------------------------------------------------------


def rotary_angles(dim: int, positions: torch.Tensor, base: float = BASE) -> torch.Tensor:
    """The angle by which rotary positions turn pair ``i`` at each position: ``position · base^(-2i/dim)``,
    float64, shape ``(len(positions), dim // 2)``. Pair 0 turns by one radian per position, the last pair
    hardly at all."""
    if dim % 2:
        raise OddDimensionError(dim)
    two_i = torch.arange(0, dim, 2, dtype=torch.float64)
    return positions.to(torch.float64)[:, None] * torch.pow(base, -two_i / dim)[None, :]


def rotary(x: torch.Tensor, positions: torch.Tensor, base: float = BASE) -> torch.Tensor:
    """Turn each row of ``x`` (shape ``(n, dim)``) by the angles of its position (``positions``, shape
    ``(n,)``): dimensions ``i`` and ``i + dim/2`` are one 2-D pair, turned by ``position · base^(-2i/dim)``
    (the "rotate half" layout of GPT-NeoX and Llama)::

        x1, x2 = x[:, :dim/2], x[:, dim/2:]
        out = [x1 cos - x2 sin, x2 cos + x1 sin]

    Lengths are kept (a rotation), and position 0 leaves ``x`` as it is. Odd ``dim`` raises
    :class:`OddDimensionError`. The angles are computed in float64, the result has ``x``'s dtype."""
    dim = x.shape[-1]
    angles = rotary_angles(dim, positions, base)
    cos, sin = torch.cos(angles), torch.sin(angles)
    wide = x.to(torch.float64)
    first, second = wide[..., : dim // 2], wide[..., dim // 2 :]
    turned = torch.cat([first * cos - second * sin, second * cos + first * sin], dim=-1)
    return turned.to(x.dtype)


def rotary_pair(x: torch.Tensor, pair: int, positions: torch.Tensor, base: float = BASE) -> torch.Tensor:
    """The 2-D pair ``(x[pair], x[pair + dim/2])`` of one vector ``x`` turned to each position: shape
    ``(len(positions), 2)``, the points a pair traces on its circle as the token moves along."""
    turned = rotary(x.expand(len(positions), -1), positions, base)
    half = x.shape[-1] // 2
    return torch.stack([turned[:, pair], turned[:, pair + half]], dim=1)


# ---------------------------------------------------------------------------------------------------------
# Relative biases added to attention scores
# ---------------------------------------------------------------------------------------------------------


def alibi_slopes(n_heads: int) -> torch.Tensor:
    """ALiBi's slope per attention head for a power-of-two number of heads: ``2^(-8k/n_heads)`` for
    heads ``k = 1..n_heads`` (8 heads: 1/2, 1/4, ..., 1/256). A steep head looks near, a flat one far."""
    return torch.pow(2.0, -8.0 * torch.arange(1, n_heads + 1, dtype=torch.float64) / n_heads)


def alibi_bias(n_positions: int, slope: float, *, causal: bool = False) -> torch.Tensor:
    """What ALiBi adds to the attention score of query ``i`` and key ``j``: ``-slope · |i - j|``, shape
    ``(n_positions, n_positions)``, float32. ``causal=True`` (a GPT-like decoder) writes it as
    ``slope · (j - i)`` for keys at or before the query and ``-inf`` for later keys (masked)."""
    i = torch.arange(n_positions)[:, None]
    j = torch.arange(n_positions)[None, :]
    bias = slope * (-(i - j).abs()).to(torch.float64)  # the distance negated as integers: no -0.0
    if causal:
        bias = bias.masked_fill(j > i, -math.inf)
    return bias.to(torch.float32)


def t5_buckets(
    offsets: torch.Tensor, *, bidirectional: bool = True, n_buckets: int = 32, max_distance: int = 128
) -> torch.Tensor:
    """T5's bucket of each offset ``key position - query position``: half of the buckets hold the exact
    offsets 0 .. n/2 - 1, the other half ever wider ranges up to ``max_distance`` (logarithmic), and
    everything further shares the last bucket. Bidirectional: keys after the query use the upper half of
    the buckets. A learned number per bucket (and head) is added to the score."""
    bucket = torch.zeros_like(offsets)
    if bidirectional:
        n_buckets //= 2
        bucket = bucket + (offsets > 0).to(offsets.dtype) * n_buckets
        distance = offsets.abs()
    else:
        distance = (-offsets).clamp(min=0)
    exact = n_buckets // 2
    ratio = torch.log(distance.to(torch.float64).clamp(min=1) / exact) / math.log(max_distance / exact)
    far = (exact + ratio * (n_buckets - exact)).to(offsets.dtype).clamp(max=n_buckets - 1)
    return bucket + torch.where(distance < exact, distance, far)


# ---------------------------------------------------------------------------------------------------------
# One query/key pair moved along a sentence
# ---------------------------------------------------------------------------------------------------------


def moving_pair_scores(
    query: torch.Tensor,
    key: torch.Tensor,
    offset: int,
    n_positions: int,
    position_table: torch.Tensor,
    *,
    slope: float = 0.5,
    base: float = BASE,
) -> dict[str, torch.Tensor]:
    """The attention score ``<q, k> / sqrt(dim)`` of one query/key pair, with the key at every position
    ``m = 0 .. n_positions - offset - 1`` and the query ``offset`` positions later, under each scheme:

    * ``"absolute"``: ``position_table`` rows added to both vectors first (learned or sinusoidal): the
      score changes with ``m``;
    * ``"rotary"``: both vectors turned to their positions: the same score for every ``m``;
    * ``"alibi"``: the plain score plus ``-slope · offset``: the same for every ``m``.

    Each value is float64, shape ``(n_positions - offset,)`` (empty if the offset does not fit). Rotary
    positions turn dimensions in pairs: for an odd ``dim`` there is no ``"rotary"`` entry."""
    starts = torch.arange(max(n_positions - offset, 0))
    scale = math.sqrt(query.shape[-1])
    q, k = query.to(torch.float64), key.to(torch.float64)
    table = position_table.to(torch.float64)
    absolute = ((q + table[starts + offset]) * (k + table[starts])).sum(dim=1) / scale
    plain = torch.full((len(starts),), float(q @ k) / scale, dtype=torch.float64)
    scores = {"absolute": absolute, "alibi": plain - slope * offset}
    if query.shape[-1] % 2 == 0:
        many_q, many_k = q.expand(len(starts), -1), k.expand(len(starts), -1)
        turned = rotary(many_q, starts + offset, base) * rotary(many_k, starts, base)
        scores["rotary"] = turned.sum(dim=1) / scale
    return scores
