"""Stage 5: many dimensions -> 3, with principal component analysis (PCA).

A 256-dimensional vector cannot be drawn. PCA finds the three directions along which a set of points
varies most and gives each point's coordinates along them; the "explained variance ratio" says how much
of the spread each direction keeps. Token vectors, position vectors and input embeddings are projected
into ONE shared space (one PCA fit), so that the arrow from a token vector to its input embedding is the
position vector, drawn to scale.

Two ways to choose the space:

* ``fit="sentence"`` fits on this sentence's vectors: the best view of these points, but the axes move
  when the sentence changes.
* ``fit="reference"`` fits on a fixed sample of the token table plus the position table: axes that stay
  put while the sentence changes (and show how little of a random 256-d cloud any 3 axes capture).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.decomposition import PCA

N_COMPONENTS = 3
REFERENCE_SAMPLE = 4096
#: Up to this many points a PCA is fitted by a full SVD, above by ARPACK: one BLAS thread, 256 dims,
#: 60 points 1.8 vs 3.6 ms, 150 points 5.9 vs 5.2 ms (2026-12-07, see docs/performance.md).
SMALL_FIT = 64


@dataclass(frozen=True)
class Projection:
    """3D coordinates of each set of vectors, in one shared space, and what each axis explains."""

    token_points: np.ndarray  # (n_tokens, 3)
    position_points: np.ndarray  # (n_tokens, 3)
    input_points: np.ndarray  # (n_tokens, 3)
    explained_variance_ratio: np.ndarray  # (3,), of the points the PCA was fitted on; zeros for padded axes
    n_real_components: int  # axes PCA could find; the rest are padded with zeros
    #: The share of THESE points' variance (all three sets, around their own mean) that the 3 axes keep.
    #: Fitted on the points, it is ``explained_variance_ratio.sum()``; with axes fitted on a reference it
    #: is this sentence's own share, which the reference's ratio does not tell.
    points_share: float = 0.0

    @property
    def note(self) -> str | None:
        """A sentence for the user when fewer than 3 real axes exist, else None."""
        if self.n_real_components >= N_COMPONENTS:
            return None
        return (
            f"These points span only {self.n_real_components} direction(s), so "
            f"{N_COMPONENTS - self.n_real_components} of the 3 axes are padded with zeros."
        )


def fit_pca(points: np.ndarray) -> PCA | None:
    """Fit a deterministic PCA with up to 3 components, or None if the points do not vary at all."""
    points = np.asarray(points, dtype=np.float64)
    if points.shape[0] < 2:  # checked first: the mean of 0 points warns "Mean of empty slice"
        return None
    centred = points - points.mean(axis=0, keepdims=True)
    # Identical points may differ from their float mean by rounding noise (~1e-17): that is no spread.
    if not np.any(np.abs(centred) > 1e-9 * np.abs(points).max()):
        return None
    n_components = min(N_COMPONENTS, points.shape[0] - 1, points.shape[1])
    # Only 3 components are needed: for more than SMALL_FIT rows, ARPACK's Lanczos iteration finds them to
    # machine precision without decomposing the whole matrix (several times faster than the covariance
    # solver or a full SVD, see docs/performance.md; coordinates agree to 2e-13). Its start vector is
    # seeded, so the result is the same on every run. It needs fewer components than points and
    # dimensions. Up to SMALL_FIT rows (a sentence of up to 21 tokens: 3 points each) the full SVD is
    # quicker than ARPACK's iterations.
    if points.shape[0] > SMALL_FIT and n_components < min(points.shape):
        return PCA(n_components=n_components, svd_solver="arpack", random_state=0).fit(points)
    return PCA(n_components=n_components, svd_solver="full").fit(points)


def reference_sample(n_rows: int) -> torch.Tensor:
    """The token rows the reference axes are fitted on: a fixed sample (a fixed generator), sorted."""
    rows = np.random.default_rng(0).choice(n_rows, size=min(REFERENCE_SAMPLE, n_rows), replace=False)
    return torch.from_numpy(np.sort(rows))


def fit_reference(token_table: torch.Tensor, position_table: torch.Tensor) -> PCA | None:
    """Fit on a fixed sample of token vectors (:func:`reference_sample`) plus all positions."""
    sample = token_table[reference_sample(token_table.shape[0])]
    return fit_pca(torch.cat([sample, position_table]).numpy())


def to_3d(pca: PCA | None, points: np.ndarray) -> np.ndarray:
    """``points`` under ``pca`` as ``(n, 3)`` coordinates; axes the PCA does not have (fewer points or
    dimensions than 3, or no spread at all: ``pca`` None) stay 0. The one PCA transform of embedviz."""
    out = np.zeros((points.shape[0], N_COMPONENTS))
    if pca is not None and points.shape[0]:
        coords = pca.transform(points.astype(np.float64))
        out[:, : coords.shape[1]] = coords
    return out


def project(
    token_vectors: torch.Tensor,
    position_vectors: torch.Tensor,
    input_embeddings: torch.Tensor,
    *,
    pca: PCA | None = None,
) -> Projection:
    """Project the three sets into one 3D space: fitted on all three together, or with a given ``pca``
    (from :func:`fit_reference`)."""
    sets = [
        np.asarray(v.detach().numpy(), dtype=np.float64)
        for v in (token_vectors, position_vectors, input_embeddings)
    ]
    if pca is None:
        pca = fit_pca(np.concatenate(sets))
    ratio = np.zeros(N_COMPONENTS)
    n_real = 0
    if pca is not None:
        kept = pca.explained_variance_ > 1e-12 * max(pca.explained_variance_.max(), 1e-300)
        n_real = int(kept.sum())
        ratio[: len(kept)] = np.where(kept, pca.explained_variance_ratio_, 0.0)
    token_points, position_points, input_points = (to_3d(pca, s) for s in sets)
    share = kept_share(np.concatenate(sets), np.concatenate([token_points, position_points, input_points]))
    return Projection(token_points, position_points, input_points, ratio, n_real, share)


def kept_share(points: np.ndarray, coordinates: np.ndarray) -> float:
    """How much of the spread of ``points`` (n, dim) their ``coordinates`` (n, 3) on orthonormal axes
    keep: the summed squared distances from the mean, after over before (0 if the points do not vary)."""
    total = float(np.square(points - points.mean(axis=0)).sum()) if len(points) else 0.0
    if total <= 0.0:
        return 0.0
    return min(1.0, float(np.square(coordinates - coordinates.mean(axis=0)).sum()) / total)  # rounding: <= 1
