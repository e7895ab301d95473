"""Nearest neighbours: which token vectors point in the same direction as this one?

Two token vectors are "close in meaning" for a trained model when they point the same way, measured by
their cosine similarity (:mod:`embedviz.cosine`: 1 = same direction, 0 = at right angles, -1 = opposite).

For random (untrained) tables the neighbours of a token are arbitrary, with similarities near 0: in many
dimensions, random vectors are almost at right angles to each other. After training, tokens used in
similar contexts move towards each other, and their neighbours start to make sense.

One matrix-vector product scores a token against every row of the table at once (no Python loop).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import TYPE_CHECKING

import torch

from embedviz.cosine import cosine
from embedviz.errors import SettingError

if TYPE_CHECKING:
    from embedviz.training import TrainResult


def nearest_neighbours(
    table: torch.Tensor, token_id: int, k: int, *, candidates: Sequence[int] | None = None
) -> list[tuple[int, float]]:
    """The ``k`` rows of ``table`` most similar (by cosine) to row ``token_id``, best first, as
    ``(token id, similarity)`` pairs. The token itself is never its own neighbour.

    ``candidates`` limits the search to these token ids (for example the tokens a short training run
    actually updated). Pass a layer's ``.weight`` for an ``nn.Embedding``.
    """
    n_rows = table.shape[0]
    if isinstance(token_id, bool) or not 0 <= token_id < n_rows:
        raise SettingError(f"Token id must be from 0 to {n_rows - 1:,}, not {token_id!r:.40}.")
    if isinstance(k, bool) or k < 1:
        raise SettingError(f"The number of neighbours must be at least 1, not {k!r:.40}.")
    if candidates is None:
        ids = torch.arange(n_rows)
        scores = cosine(table, table[token_id])
    else:
        ids = torch.tensor(sorted(set(candidates)), dtype=torch.long)
        if len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < n_rows:
            raise SettingError(f"Candidate token ids must be from 0 to {n_rows - 1:,}.")
        scores = cosine(table[ids], table[token_id])
    keep = ids != token_id
    ids, scores = ids[keep], scores[keep]
    best = torch.topk(scores, min(k, len(ids)))
    return [(int(ids[i]), float(score)) for i, score in zip(best.indices, best.values, strict=True)]


# Nearest neighbours among the tokens of a training text (the view "Training & GPT-2")


def neighbours_among(
    rows: torch.Tensor, ids: Sequence[int], query: torch.Tensor, token_id: int, k: int
) -> list[tuple[int, float]]:
    """The ``k`` of ``ids`` whose vectors (``rows[i]`` belongs to ``ids[i]``) point most like ``query``,
    as ``(token id, cosine)``, best first; ``token_id`` itself is left out."""
    table = torch.cat([rows, query[None]])
    candidates = [i for i, other in enumerate(ids) if other != token_id]
    if not candidates:
        return []
    found = nearest_neighbours(table, len(ids), k, candidates=candidates)
    return [(ids[i], similarity) for i, similarity in found]


def neighbours_before_after(
    result: TrainResult, seeded: torch.Tensor, token_id: int, k: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Nearest neighbours of ``token_id`` among the tokens of the training text, before training
    (``seeded``, the page's random token table) and after (the trained rows; a token that is not in
    the text keeps its random vector). Same candidates on both sides, so the two lists compare."""
    ids = result.trained_ids  # sorted
    at = bisect.bisect_left(ids, token_id)
    trained = at < len(ids) and ids[at] == token_id
    before = neighbours_among(seeded[ids], ids, seeded[token_id], token_id, k)
    query = result.trained_rows[at] if trained else seeded[token_id]
    return before, neighbours_among(result.trained_rows, ids, query, token_id, k)


__all__ = ["nearest_neighbours"]
