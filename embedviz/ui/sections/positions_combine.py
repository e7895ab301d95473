"""Positions view, part 3: add or concatenate?

The lesson adds position vectors to token vectors („gleiche Dimensionen“: both have ``dim`` numbers, so
the sum has ``dim`` too). Concatenating would keep both as well, side by side, at twice the width. This
part shows what the model receives each way for sentence A (shape, and a 3D view of each after its own
PCA), with the page's learned position table. The figures are built once per sentence, setting and
language (:func:`embedviz.ui.cache.positions_part`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import streamlit as st
import torch

from embedviz.embeddings import EmbeddingResult
from embedviz.figures.positions import points_3d
from embedviz.figures.style import COLORS
from embedviz.positions_code import combine_source
from embedviz.projection import fit_pca, to_3d
from embedviz.ui import cache
from embedviz.ui.chart_text import describe
from embedviz.ui.i18n import language, t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.positions_parts import code, heading, sentence, sentences
from embedviz.ui.state import Settings

#: The two ways, each with the expression that builds it and its points' colour.
WAYS = {
    "add": ("token_vectors + position_vectors", COLORS["input"]),
    "concat": ("torch.cat([token_vectors, position_vectors], dim=-1)", COLORS["position"]),
}


@dataclass(frozen=True)
class WayDrawing:
    """One way of combining: the shape the model receives, its 3D view and that view's texts."""

    shape: tuple[int, int]
    figure: go.Figure
    text: str
    kept: float  # the share of the variance the 3D view keeps


def in_3d(vectors: torch.Tensor) -> tuple[np.ndarray, float]:
    """The vectors after a PCA of their own to 3 dimensions, and the share of the variance kept."""
    points = vectors.numpy().astype(np.float64)
    pca = fit_pca(points)
    kept = float(pca.explained_variance_ratio_.sum()) if pca is not None else 0.0
    return to_3d(pca, points), kept


def draw(result: EmbeddingResult) -> dict[str, WayDrawing]:
    """Build both ways' shapes, 3D figures and texts (once per sentence, setting and language)."""
    combined = {
        "add": result.input_embeddings,
        "concat": torch.cat([result.token_vectors, result.position_vectors], dim=-1),
    }
    labels = [f"{i}: {token.display}" for i, token in enumerate(result.tokens)]
    drawings = {}
    for name, vectors in combined.items():
        title = t(f"positions.combine.{name}")
        points, kept = in_3d(vectors)
        figure = points_3d(points, labels, title, WAYS[name][1])
        text = t("a11y.positions.space", n=result.n_tokens, what=title)
        drawings[name] = WayDrawing((vectors.shape[0], vectors.shape[1]), figure, text, kept)
    return drawings


def render(settings: Settings) -> None:
    """Part 3: the two ways side by side, each with its shape, its code and its 3D view."""
    heading("combine")
    st.markdown(t("positions.combine.intro"))
    text = sentences(settings)[0]
    result = sentence(settings, t("positions.why.a"), text)
    if result is None or not result.n_tokens:
        st.info(t("positions.why.empty"))
        return
    key = (settings.spec, text, language())
    drawings = cache.positions_part("combine", key, lambda: draw(result))
    for column, (name, drawing) in zip(st.columns(2), drawings.items(), strict=True):
        with column:
            st.subheader(t(f"positions.combine.{name}"))
            st.code(WAYS[name][0], language="python")
            st.metric(t("positions.combine.shape"), f"({drawing.shape[0]}, {drawing.shape[1]})")
            describe(drawing.text)
            plotly_host(drawing.figure, key=f"positions-3d-{name}")
    caption = t(
        "positions.combine.caption",
        n=result.n_tokens,
        dim=result.dim,
        wide=2 * result.dim,
        added=drawings["add"].kept,
        concatenated=drawings["concat"].kept,
    )
    st.caption(caption)
    code("combine", lambda: combine_source(text, settings.spec))
