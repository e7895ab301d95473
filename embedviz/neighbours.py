"""Nearest neighbours: which token vectors point in the same direction as this one?

Two token vectors are "close in meaning" for a trained model when they point the same way, measured by
their cosine similarity (:mod:`embedviz.cosine`: 1 = same direction, 0 = at right angles, -1 = opposite).

For random (untrained) tables the neighbours of a token are arbitrary, with similarities near 0: in many
dimensions, random vectors are almost at right angles to each other. After training, tokens used in
similar contexts move towards each other, and their neighbours start to make sense.

One matrix-vector product scores a token against a chunk of rows of the table at once, and a running
top-k keeps the best: the whole table is never needed at once, so a table that is only streamed
(:mod:`embedviz.rows`) has the same neighbours, with the same similarities, as one held whole.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import torch

from embedviz.cosine import cosine
from embedviz.errors import SettingError
from embedviz.rows import chunk_bounds

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
    if candidates is None:  # scored in the chunks of a streamed table, so both give the same bits
        bounds = chunk_bounds(n_rows, table.shape[1])
        chunks = ((start, table[start:stop].detach().clone()) for start, stop in itertools.pairwise(bounds))
        return streamed_neighbours(chunks, table[token_id], token_id, k)
    ids = torch.tensor(sorted(set(candidates)), dtype=torch.long)
    if len(ids) and not 0 <= int(ids.min()) <= int(ids.max()) < n_rows:
        raise SettingError(f"Candidate token ids must be from 0 to {n_rows - 1:,}.")
    scores = cosine(table[ids], table[token_id])
    keep = ids != token_id
    ids, scores = ids[keep], scores[keep]
    best = torch.topk(scores, min(k, len(ids)))
    return [(int(ids[i]), float(score)) for i, score in zip(best.indices, best.values, strict=True)]


def streamed_neighbours(
    chunks: Iterable[tuple[int, torch.Tensor]], query: torch.Tensor, token_id: int, k: int
) -> list[tuple[int, float]]:
    """:func:`nearest_neighbours` of row ``token_id`` (its vector is ``query``) for a table read chunk by
    chunk, ``(first row, rows)`` as :meth:`embedviz.rows.Bookmarks.chunks` gives them: a running top-k,
    so only one chunk and ``k`` candidates are held at a time, never the whole table."""
    if isinstance(k, bool) or k < 1:
        raise SettingError(f"The number of neighbours must be at least 1, not {k!r:.40}.")
    # Chunks and query in fresh tensors, as a streamed table's are: MKL's product of a few rows can
    # differ in the last bit with where its operands start in memory.
    query = query.detach().clone()
    best_scores, best_ids = torch.empty(0), torch.empty(0, dtype=torch.long)
    for start, rows in chunks:
        scores = cosine(rows, query)
        ids = torch.arange(start, start + len(rows))
        keep = ids != token_id
        best_scores = torch.cat([best_scores, scores[keep]])
        best_ids = torch.cat([best_ids, ids[keep]])
        top = torch.topk(best_scores, min(k, len(best_scores)))
        best_scores, best_ids = top.values, best_ids[top.indices]
    return [(int(i), float(score)) for i, score in zip(best_ids, best_scores, strict=True)]


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
    result: TrainResult, seeded_rows: Callable[[list[int]], torch.Tensor], token_id: int, k: int
) -> tuple[list[tuple[int, float]], list[tuple[int, float]]]:
    """Nearest neighbours of ``token_id`` among the tokens of the training text, before training
    (``seeded_rows(ids)``: those rows of the page's random token table, whole or streamed) and after
    (the trained rows; a token that is not in the text keeps its random vector). Same candidates on
    both sides, so the two lists compare."""
    ids = result.trained_ids  # sorted
    at = bisect.bisect_left(ids, token_id)
    trained = at < len(ids) and ids[at] == token_id
    rows = seeded_rows([*ids, token_id])
    before = neighbours_among(rows[:-1], ids, rows[-1], token_id, k)
    query = result.trained_rows[at] if trained else rows[-1]
    return before, neighbours_among(result.trained_rows, ids, query, token_id, k)


__all__ = ["nearest_neighbours", "streamed_neighbours"]
