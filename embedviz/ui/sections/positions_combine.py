"""Positions view, part 3: add or concatenate?

The lesson adds position vectors to token vectors („gleiche Dimensionen“: both have ``dim`` numbers, so
the sum has ``dim`` too). Concatenating would keep both as well, side by side, at twice the width. This
part shows what the model receives each way for sentence A (shape, and a 3D view of each after its own
PCA), with the page's learned position table.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from embedviz.figures.positions import points_3d
from embedviz.figures.style import COLORS
from embedviz.positions_code import combine_source
from embedviz.projection import fit_pca, to_3d
from embedviz.ui.chart_text import describe
from embedviz.ui.i18n import t
from embedviz.ui.plotly_host import plotly_host
from embedviz.ui.sections.positions_parts import code, heading, sentence
from embedviz.ui.state import Settings


def in_3d(vectors: torch.Tensor) -> tuple[np.ndarray, float]:
    """The vectors after a PCA of their own to 3 dimensions, and the share of the variance kept."""
    points = vectors.numpy().astype(np.float64)
    pca = fit_pca(points)
    kept = float(pca.explained_variance_ratio_.sum()) if pca is not None else 0.0
    return to_3d(pca, points), kept


def render(settings: Settings) -> None:
    """Part 3: the two ways side by side, each with its shape, its code and its 3D view."""
    heading("combine")
    st.markdown(t("positions.combine.intro"))
    result = sentence(settings, "A", settings.pos_a)
    if result is None or not result.n_tokens:
        st.info(t("positions.why.empty"))
        return
    added = result.input_embeddings
    concatenated = torch.cat([result.token_vectors, result.position_vectors], dim=-1)
    labels = [f"{i}: {token.display}" for i, token in enumerate(result.tokens)]
    kept = {}
    for column, (name, vectors, expression) in zip(
        st.columns(2),
        (
            ("add", added, "token_vectors + position_vectors"),
            ("concat", concatenated, "torch.cat([token_vectors, position_vectors], dim=-1)"),
        ),
        strict=True,
    ):
        with column:
            title = t(f"positions.combine.{name}")
            st.subheader(title)
            st.code(expression, language="python")
            st.metric(t("positions.combine.shape"), f"({vectors.shape[0]}, {vectors.shape[1]})")
            points, kept[name] = in_3d(vectors)
            describe(t("a11y.positions.space", n=result.n_tokens, what=title))
            colour = COLORS["input"] if name == "add" else COLORS["position"]
            plotly_host(points_3d(points, labels, title, colour), key=f"positions-3d-{name}")
    st.caption(
        t(
            "positions.combine.caption",
            n=result.n_tokens,
            dim=result.dim,
            wide=2 * result.dim,
            added=kept["add"],
            concatenated=kept["concat"],
        )
    )
    code("combine", lambda: combine_source(settings.pos_a, settings.spec))
