"""Text alternatives for the charts: what a screen reader reads where a sighted visitor sees a picture.

A Plotly chart is a canvas (WebGL) or an SVG of loose labels; neither tells a screen reader what it
shows. Each chart gets a short description right before it, in the page's language: what is drawn, how
big it is, and for the 3D view how much of the variance its axes keep (WCAG 2.1, 1.1.1 Non-text
Content). The text is visually hidden (``ev-sr-only``, styled in embedviz/ui/style.py), because the
section's heading, intro and captions already say the same to sighted readers.
"""

from __future__ import annotations

import html

import numpy as np
import streamlit as st

from embedviz.figures.vectors import MAX_HEATMAP_COLS, MAX_HEATMAP_ROWS
from embedviz.projection import Projection
from embedviz.ui.i18n import t

SR_ONLY = "ev-sr-only"


def heatmap_text(what: str, values: np.ndarray, every_number: bool | None = True) -> str:
    """The description of :func:`embedviz.figures.vectors.heatmap`, drawn from ``values`` (the shown
    part only); ``every_number``: whether the table "Exact numbers" below lists every dimension (None:
    there is no such table, as on the followers' page of a class)."""
    shown = values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS]
    low, high = (float(shown.min()), float(shown.max())) if shown.size else (0.0, 0.0)
    key = (
        "a11y.heatmap.alone"
        if every_number is None
        else "a11y.heatmap"
        if every_number
        else "a11y.heatmap.first"
    )
    return t(key, what=what, rows=shown.shape[0], cols=shown.shape[1], low=low, high=high)


def space_text(projection: Projection, n_tokens: int, dim: int, fit: str = "sentence") -> str:
    """The description of the 3D view: the points, the PCA and each axis' share of the variance (on
    reference axes: the reference's, and these points' own share in total)."""
    first, second, third = (float(r) for r in projection.explained_variance_ratio[:3])
    return t(
        "a11y.space.reference" if fit == "reference" else "a11y.space",
        n=n_tokens,
        dim=dim,
        first=first,
        second=second,
        third=third,
        total=projection.points_share,
    )


def cosines_text(matrix: np.ndarray) -> str:
    """The description of :func:`embedviz.figures.cosines.cosine_heatmap`: its size and the range of the
    cells off the diagonal (the diagonal is each vector with itself)."""
    n = matrix.shape[0]
    if n < 2:
        return t("a11y.cosines_one")
    others = matrix[~np.eye(n, dtype=bool)]
    return t("a11y.cosines", n=n, low=float(others.min()), high=float(others.max()))


def describe(text: str) -> None:
    """Put ``text`` on the page for screen readers only (escaped: it can hold the visitor's tokens)."""
    st.html(f'<p class="{SR_ONLY}">{html.escape(text)}</p>')
