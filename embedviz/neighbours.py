"""Nearest neighbours: which token vectors point in the same direction as this one?

Two token vectors are "close in meaning" for a trained model when they point the same way. The usual
measure is the cosine similarity, the cosine of the angle between them::

    cos(a, b) = (a · b) / (|a| |b|)      1 = same direction, 0 = unrelated (at right angles), -1 = opposite

For random (untrained) tables the neighbours of a token are arbitrary, with similarities near 0: in many
dimensions, random vectors are almost at right angles to each other. After training, tokens used in
similar contexts move towards each other, and their neighbours start to make sense.

One matrix-vector product scores a token against every row of the table at once (no Python loop).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from embedviz.errors import SettingError

_EPS = 1e-12  # a zero row has no direction: its similarity is 0, never a division by zero


def cosine_similarities(table: torch.Tensor, vector: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of ``vector`` (shape ``(dim,)``) with every row of ``table`` (``(n, dim)``)."""
    with torch.no_grad():
        table = table.detach().to(torch.float32)
        vector = vector.detach().to(torch.float32)
        row_norms = table.norm(dim=1).clamp_min(_EPS)
        return (table @ vector) / (row_norms * vector.norm().clamp_min(_EPS))


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
        scores = cosine_similarities(table, table[token_id])
    else:
        ids = torch.tensor(sorted(set(candidates)), dtype=torch.long)
        if len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < n_rows:
            raise SettingError(f"Candidate token ids must be from 0 to {n_rows - 1:,}.")
        scores = cosine_similarities(table[ids], table[token_id])
    keep = ids != token_id
    ids, scores = ids[keep], scores[keep]
    best = torch.topk(scores, min(k, len(ids)))
    return [(int(ids[i]), float(score)) for i, score in zip(best.indices, best.values, strict=True)]


__all__ = ["cosine_similarities", "nearest_neighbours"]
