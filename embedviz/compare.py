"""Two sentences side by side: which tokens they share, and how alike their vectors are.

"the dog bites the man" and "the man bites the dog" are made of the same tokens, so their token vectors
are the same; only position embeddings make their input embeddings differ. These functions pair the
shared tokens, measure cosines and put both sentences into ONE 3D space (one PCA fitted on both).
"""

from __future__ import annotations

from collections import Counter

import torch

from embedviz.cosine import cosine
from embedviz.embeddings import EmbeddingResult
from embedviz.projection import Projection, fit_pca, project


def pair_positions(ids_a: list[int], ids_b: list[int]) -> list[tuple[int, int]]:
    """Pair each token of A with the same token id in B: ``(position in A, position in B)``.

    A repeated token is paired in order of appearance (A's first "the" with B's first "the"). Tokens
    without a counterpart are left out.
    """
    free: dict[int, list[int]] = {}
    for j, token_id in enumerate(ids_b):
        free.setdefault(token_id, []).append(j)
    return [(i, free[token_id].pop(0)) for i, token_id in enumerate(ids_a) if free.get(token_id)]


def same_bag(a: EmbeddingResult, b: EmbeddingResult) -> bool:
    """True if both sentences consist of the same tokens (the same multiset of token ids)."""
    return Counter(a.token_ids) == Counter(b.token_ids)


def mean_cosine(a: EmbeddingResult, b: EmbeddingResult) -> float:
    """Cosine of the two sentences' mean input embeddings (1.0 exactly when they are one bag of vectors)."""
    return float(cosine(a.input_embeddings.mean(dim=0), b.input_embeddings.mean(dim=0)))


def shared_projections(a: EmbeddingResult, b: EmbeddingResult) -> tuple[Projection, Projection]:
    """Both sentences in ONE 3D space: a single PCA fitted on all their token and input embeddings."""
    points = torch.cat([a.token_vectors, a.input_embeddings, b.token_vectors, b.input_embeddings])
    pca = fit_pca(points.numpy())
    return tuple(project(r.token_vectors, r.position_vectors, r.input_embeddings, pca=pca) for r in (a, b))
