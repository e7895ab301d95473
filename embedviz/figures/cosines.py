"""The cosine of every pair of a sentence's input embeddings, as a heatmap with the tokens on both axes.

The 3D view is a shadow: PCA keeps three directions of vectors that have hundreds. The cosines are
measured in all of them, so this picture is what the 3D distances are read against. It is the vector
heatmap of :mod:`embedviz.figures.vectors` with tokens as its columns too, and a fixed colour range: red
is 1 (same direction), white 0 (at right angles), blue -1 (opposite), so two sentences' pictures compare.
A pure function of the numbers (no Streamlit); the page passes in its texts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.figures.style import plain
from embedviz.figures.vectors import heatmap

#: Up to this many tokens the cells carry their cosines (4 decimals), so a projected slide can be read
#: without hovering; more would not fit their cells.
MAX_WRITTEN_TOKENS = 10


def cosine_heatmap(
    matrix: np.ndarray,
    labels: Sequence[str],
    texts: Mapping[str, str],
    *,
    height: int | None = None,
    separators: str = ".,",
) -> go.Figure:
    """The ``(n, n)`` cosine ``matrix`` with ``labels`` (unique, "3: ␣on") on both axes, colours fixed to
    -1..1 and centred at 0. ``texts`` holds "axis" (the title over the columns; the rows are the same
    tokens, and a second title beside them would take a phone's width) and "cosine" (the hover's word for
    the value); the hover names both tokens and the cosine to 4 decimals. ``separators`` are Plotly's decimal
    and thousands marks (",." for German)."""
    figure = heatmap(
        matrix,
        labels,
        column_labels=labels,
        x_title=texts["axis"],
        hover=f"%{{y}} · %{{x}}<br>{plain(texts['cosine'])}: %{{z:.4f}}",
        limit=1.0,
        height=height,
        show_values=len(labels) <= MAX_WRITTEN_TOKENS,
    )
    figure.update_layout(separators=separators)
    figure.update_xaxes(side="top")  # the columns read like the rows: the sentence, left to right
    return figure


__all__ = ["MAX_WRITTEN_TOKENS", "cosine_heatmap"]
