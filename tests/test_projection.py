"""Stage 5 (PCA to 3D) against independent computations: scikit-learn's PCA fitted here directly on the
stacked token/position/input vectors, numpy's SVD of the centred points (axes up to sign, variance
ratios from the singular values), and the affine-map identity P(tok + pos) - P(tok) == P(pos) - P(0)."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
import pytest
import torch
from sklearn.decomposition import PCA

from embedviz import embed, fit_reference, project
from embedviz.embeddings import build_position_table, build_token_table


@pytest.fixture(autouse=True)
def warnings_are_errors() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _vectors(n: int, dim: int = 16, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    token = torch.randn(n, dim, generator=generator)
    position = torch.randn(n, dim, generator=generator)
    return token, position, token + position


def _stacked(*sets: torch.Tensor) -> np.ndarray:
    return np.concatenate([s.numpy().astype(np.float64) for s in sets])


@pytest.mark.parametrize("n", [0, 1, 2, 5])
def test_shapes_and_finite(n: int) -> None:
    projection = project(*_vectors(n))
    for points in (projection.token_points, projection.position_points, projection.input_points):
        assert points.shape == (n, 3)
        assert np.isfinite(points).all()
    assert projection.explained_variance_ratio.shape == (3,)
    assert np.isfinite(projection.explained_variance_ratio).all()


@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_explained_variance_ratio(n: int) -> None:
    token, position, combined = _vectors(n)
    ratio = project(token, position, combined).explained_variance_ratio
    assert (ratio >= 0).all()
    assert ratio.sum() <= 1 + 1e-12
    assert all(ratio[i] >= ratio[i + 1] for i in range(2))
    # independent: squared singular values of the centred stack, over their total
    points = _stacked(token, position, combined)
    singular = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)
    expected = singular**2 / np.sum(singular**2)
    k = min(3, 3 * n - 1)
    assert np.allclose(ratio[:k], expected[:k], atol=1e-12)


def test_one_token_spans_two_axes() -> None:
    projection = project(*_vectors(1))  # 3 points span a plane
    assert projection.n_real_components == 2
    assert projection.note is not None and "2 direction" in projection.note
    assert np.array_equal(projection.token_points[:, 2], [0.0])


@pytest.mark.parametrize(
    "points",
    [
        torch.zeros(4, 8),
        torch.full((3, 5), 0.1),
        torch.randn(1, 8, generator=torch.Generator().manual_seed(1)).repeat(6, 1),
        (torch.randn(1, 8, generator=torch.Generator().manual_seed(2)).double() * 0.1).repeat(7, 1),
    ],
    ids=["zeros", "constant", "same-row-float32", "same-row-float64"],
)
def test_no_variance_gives_zeros_and_a_note(points: torch.Tensor) -> None:
    projection = project(points, points, points)
    for result in (projection.token_points, projection.position_points, projection.input_points):
        assert np.array_equal(result, np.zeros((points.shape[0], 3)))
    assert np.array_equal(projection.explained_variance_ratio, np.zeros(3))
    assert projection.n_real_components == 0
    assert projection.note is not None and "0 direction" in projection.note


def test_enough_points_no_note() -> None:
    assert project(*_vectors(5)).note is None


def test_deterministic_including_signs() -> None:
    first = project(*_vectors(5, seed=3))
    second = project(*_vectors(5, seed=3))
    for a, b in zip(
        (first.token_points, first.position_points, first.input_points, first.explained_variance_ratio),
        (second.token_points, second.position_points, second.input_points, second.explained_variance_ratio),
        strict=True,
    ):
        assert np.array_equal(a, b)


@pytest.mark.parametrize("n", [2, 5, 12])
def test_matches_sklearn_fitted_here(n: int) -> None:
    token, position, combined = _vectors(n, dim=32, seed=n)
    projection = project(token, position, combined)
    pca = PCA(n_components=3, svd_solver="full").fit(_stacked(token, position, combined))
    assert np.allclose(projection.token_points, pca.transform(_stacked(token)), atol=1e-10)
    assert np.allclose(projection.position_points, pca.transform(_stacked(position)), atol=1e-10)
    assert np.allclose(projection.input_points, pca.transform(_stacked(combined)), atol=1e-10)
    assert np.allclose(projection.explained_variance_ratio, pca.explained_variance_ratio_, atol=1e-12)


@pytest.mark.parametrize("n", [2, 5, 12])
def test_matches_numpy_svd_up_to_sign(n: int) -> None:
    token, position, combined = _vectors(n, dim=32, seed=100 + n)
    projection = project(token, position, combined)
    points = _stacked(token, position, combined)
    mean = points.mean(axis=0)
    _, _, axes = np.linalg.svd(points - mean, full_matrices=False)
    expected = (_stacked(token) - mean) @ axes[:3].T
    signs = np.sign(np.sum(projection.token_points * expected, axis=0))
    assert np.allclose(projection.token_points, expected * signs, atol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_shared_space_arrow_is_the_position_vector(n: int) -> None:
    token, position, combined = _vectors(n, dim=24, seed=7)
    projection = project(token, position, combined)
    # P is affine, P(x) = (x - mean) @ W.T; so P(tok + pos) - P(tok) == P(pos) - P(0)
    pca = PCA(n_components=min(3, 3 * n - 1), svd_solver="full").fit(_stacked(token, position, combined))
    origin = np.zeros(3)
    origin[: pca.n_components_] = pca.transform(np.zeros((1, 24)))[0]
    arrows = projection.input_points - projection.token_points
    assert np.allclose(arrows, projection.position_points - origin, atol=1e-10)


def test_shared_space_on_real_embeddings() -> None:
    result = embed("the cat sat on the mat", dim=64, seed=123)
    projection = project(result.token_vectors, result.position_vectors, result.input_embeddings)
    pca = PCA(n_components=3, svd_solver="full").fit(
        _stacked(result.token_vectors, result.position_vectors, result.input_embeddings)
    )
    origin = pca.transform(np.zeros((1, 64)))[0]
    arrows = projection.input_points - projection.token_points
    assert np.allclose(arrows, projection.position_points - origin, atol=1e-9)


def test_reference_fit_keeps_axes_across_sentences() -> None:
    token_table = build_token_table(50257, 16, 123)
    position_table = build_position_table(token_table, 1024)
    tok, pos = token_table.layer.weight, position_table.weight
    reference = fit_reference(tok, pos)
    again = fit_reference(tok, pos)
    assert np.array_equal(reference.components_, again.components_)
    assert np.array_equal(reference.mean_, again.mean_)

    def projected(text: str) -> tuple[list[int], np.ndarray]:
        ids = embed(text, dim=16, seed=123).token_ids
        token_vectors = tok[torch.tensor(ids)]
        position_vectors = pos[: len(ids)]
        points = project(token_vectors, position_vectors, token_vectors + position_vectors, pca=reference)
        # independent: the fitted affine map, applied by hand
        by_hand = (token_vectors.numpy().astype(np.float64) - reference.mean_) @ reference.components_.T
        assert np.allclose(points.token_points, by_hand, atol=1e-10)
        return ids, points.token_points

    ids_a, points_a = projected("the cat sat on the mat")
    ids_b, points_b = projected("a black cat is here")
    cat = 3797  # " cat", at position 1 in the first sentence and 2 in the second
    assert np.array_equal(points_a[ids_a.index(cat)], points_b[ids_b.index(cat)])


@pytest.mark.parametrize("n", [2, 5, 30])
def test_points_share_fitted_on_the_points_is_the_ratio_sum(n: int) -> None:
    token, position, combined = _vectors(n)
    projection = project(token, position, combined)
    points = _stacked(token, position, combined)
    singular = np.linalg.svd(points - points.mean(axis=0), compute_uv=False)  # independent: numpy's SVD
    assert projection.points_share == pytest.approx(
        np.sum(singular[:3] ** 2) / np.sum(singular**2), abs=1e-12
    )


def test_points_share_on_reference_axes_is_the_sentences_own() -> None:
    """On axes fitted on a reference, the caption's share is the sentence's own: the spread of its points
    along the reference's 3 orthonormal directions (numpy, by hand) over its total spread; not the
    reference's ratio, which describes other points."""
    token_table = build_token_table(50257, 16, 123)
    position_table = build_position_table(token_table, 1024)
    tok, pos = token_table.layer.weight, position_table.weight
    reference = fit_reference(tok, pos)
    ids = embed("the cat sat on the mat", dim=16, seed=123).token_ids
    token_vectors, position_vectors = tok[torch.tensor(ids)], pos[: len(ids)]
    projection = project(token_vectors, position_vectors, token_vectors + position_vectors, pca=reference)
    points = _stacked(token_vectors, position_vectors, token_vectors + position_vectors)
    centred = points - points.mean(axis=0)
    by_hand = np.sum((centred @ reference.components_.T) ** 2) / np.sum(centred**2)
    assert projection.points_share == pytest.approx(by_hand, abs=1e-12)
    assert projection.points_share != pytest.approx(projection.explained_variance_ratio.sum(), abs=1e-6)


def test_points_share_of_points_that_do_not_vary_is_zero() -> None:
    zero = torch.zeros(3, 4)
    assert project(zero, zero, zero).points_share == 0.0
    ones = torch.ones(3, 4)  # these vary (ones and zeros) along one direction, which the first axis keeps
    # 1 up to rounding: the PCA's axes are orthonormal to ~1e-16, and which BLAS kernel runs (one thread
    # or several, as earlier tests in the process left it) decides the last bit.
    assert project(ones, zero, ones).points_share == pytest.approx(1.0, abs=1e-12)
