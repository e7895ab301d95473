"""Vectors as pictures: a heatmap of a table of numbers, one row per token.

The columns are whatever the caller names: the dimensions of a vector table (the default: numbered
columns), or the tokens again for a table of cosines (:mod:`embedviz.figures.cosines`). A pure function of
the numbers (no Streamlit); the page passes in its texts.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.figures.style import FONT, plain

#: A heatmap shows at most this many rows (tokens) and columns (dimensions): bigger ones are cut, and
#: the page says which part is shown (a 1,024 x 768 heatmap would be 786k cells of JSON every rerun).
MAX_HEATMAP_ROWS = 128
MAX_HEATMAP_COLS = 128


def heatmap(
    values: np.ndarray,
    row_labels: Sequence[str],
    *,
    title: str = "",
    height: int | None = None,
    highlight_row: int | None = None,
    show_values: bool = False,
    x_title: str,
    y_title: str | None = None,
    column_labels: Sequence[str] | None = None,
    hover: str = "%{y}<br>dim %{x}: %{z:.4f}",
    limit: float | None = None,
    marked_rows: Sequence[int] = (),
) -> go.Figure:
    """A diverging heatmap (blue negative, white 0, red positive) of the top-left part of ``values``:
    at most MAX_HEATMAP_ROWS rows and MAX_HEATMAP_COLS columns, values rounded to 4 decimals.

    The caller names the axes: ``x_title`` and ``y_title`` (none by default: the row labels say it),
    ``column_labels`` (default: the column numbers 0, 1, 2, ...) and ``hover``, a Plotly hover template
    (``%{y}`` the row, ``%{x}`` the column, ``%{z}`` the value). The colours run from ``-limit`` to
    ``limit`` (default: the largest absolute value shown). ``highlight_row`` frames one row (a lookup);
    ``marked_rows`` get a dashed frame each (rows to compare, e.g. one token at two positions);
    ``show_values`` writes the numbers into small heatmaps."""
    # Rounded in float64 (float32 rounding would get ties wrong), then sent as float32: half the bytes.
    shown = np.round(values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS].astype(np.float64), 4).astype(np.float32)
    labels = [plain(label) for label in row_labels[:MAX_HEATMAP_ROWS]]
    if limit is None:
        limit = float(np.abs(shown).max()) if shown.size else 1.0
    numbered = column_labels is None
    if numbered:
        columns = np.arange(shown.shape[1], dtype=np.int32)
    else:  # unique like the rows ("5: ␣the"), so the column axis is categorical too
        columns = [plain(label) for label in column_labels[:MAX_HEATMAP_COLS]]
    figure = go.Figure(
        go.Heatmap(
            z=shown,
            y=labels,  # unique ("3: ␣on"), so the row axis is categorical and the hover can name the row
            x=columns,
            colorscale="RdBu_r",
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hovertemplate=hover + "<extra></extra>",
            colorbar={"thickness": 14, "len": 0.9},
            texttemplate="%{z:.4f}" if show_values else None,
        )
    )
    framed = [(highlight_row, "solid", 4)] if highlight_row is not None else []
    framed += [(row, "dash", 3) for row in marked_rows]
    for row, dash, width in framed:
        if 0 <= row < len(labels):
            figure.add_shape(
                type="rect",
                x0=-0.5,
                x1=shown.shape[1] - 0.5,
                y0=row - 0.5,
                y1=row + 0.5,
                line={"color": FONT["color"], "width": width, "dash": dash},
            )
    # automargin: the small left margin grows to fit the row labels ("3: ␣on"); plotly.js does not do it
    # by default (st.plotly_chart's theme did, the mounted chart host draws the figure as it is).
    figure.update_yaxes(autorange="reversed", title=y_title, type="category", automargin=True)
    figure.update_xaxes(title=x_title, automargin=True)
    if not numbered:
        figure.update_xaxes(type="category")
    if numbered and shown.shape[1] <= 16:  # whole numbers only: no "dimension 0.5" between a few columns
        figure.update_xaxes(tickmode="array", tickvals=list(range(shown.shape[1])))
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        font=FONT,
        height=height or min(120 + 26 * len(labels), 700),
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 40},
    )
    return figure
