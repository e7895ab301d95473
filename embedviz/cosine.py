"""Cosine similarity: do two vectors point the same way?

The cosine of the angle between two vectors ``a`` and ``b``::

    cos(a, b) = (a · b) / (|a| |b|)      1 = same direction, 0 = at right angles, -1 = opposite

It ignores length and keeps only direction, which is what a trained model's embeddings encode: tokens used
in similar contexts end up pointing the same way. For random (untrained) tables most cosines are near 0:
in many dimensions, random vectors are almost at right angles to each other (the spread is about
``1 / sqrt(dim)``).

:func:`cosine` is the one implementation in embedviz, for every shape the pages need: two vectors (the word
order view), a table against one vector (nearest neighbours over the 50,257 rows of a token table), and
every row against every row (:func:`cosine_matrix`, the cosines of a sentence's input embeddings).

Why not ``torch.nn.functional.cosine_similarity``: it divides each input by its norm before the dot
product, so it makes a normalised copy of its inputs (154 MB for a 50,257 x 768 table), and for every pair
of rows it needs both inputs broadcast to ``(n, m, dim)``. Here one matrix product of the raw rows is
divided by the product of their norms; only ``(n,)``, ``(m,)`` and ``(n, m)`` tensors are made. The
results agree with torch's to float32 rounding (``tests/test_cosine.py``).
"""

from __future__ import annotations

import torch

#: A zero vector has no direction: its cosine with anything is 0, never a division by zero.
EPS = 1e-12


def cosine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The cosine of every row of ``a`` with every row of ``b``, in float32, without gradients.

    ``a`` is ``(n, dim)`` and ``b`` is ``(m, dim)``: the result is ``(n, m)``. As with ``a @ b.T``, a
    vector ``(dim,)`` drops its axis: ``cosine(table, vector)`` is ``(n,)``, ``cosine(u, v)`` a 0-d
    tensor (``float(...)`` gives the number).
    """
    with torch.no_grad():
        rows, others = (x.detach().to(torch.float32) for x in (a, b))
        rows2d, others2d = torch.atleast_2d(rows), torch.atleast_2d(others)
        norms = rows2d.norm(dim=1).clamp_min(EPS)[:, None] * others2d.norm(dim=1).clamp_min(EPS)[None, :]
        result = (rows2d @ others2d.T) / norms
        if others.dim() == 1:
            result = result[:, 0]
        return result[0] if rows.dim() == 1 else result


def cosine_matrix(rows: torch.Tensor) -> torch.Tensor:
    """The cosine of every pair of rows of ``rows`` (``(n, dim)``): an ``(n, n)`` matrix, symmetric, with
    1 on the diagonal (every nonzero vector points its own way) and values from -1 to 1."""
    return cosine(rows, rows)


__all__ = ["EPS", "cosine", "cosine_matrix"]
