"""Figures of the positions view: cosine matrices, wavelengths, add vs concatenate in 3D, scores of one
query/key pair moved along a sentence, and rotary positions as turning 2-D pairs.

Pure functions of numbers and texts (no Streamlit): the page passes in every label in its language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.figures.style import CAMERAS, COLORS, FONT, PALETTE, compact, plain

#: One colour per scheme of the moving query/key pair.
SCHEME_COLOURS = {"absolute": COLORS["position"], "rotary": COLORS["token"], "alibi": PALETTE[1]}
SCHEME_DASHES = {"absolute": "solid", "rotary": "dash", "alibi": "dot"}


def _layout(figure: go.Figure, height: int, **extra: object) -> go.Figure:
    figure.update_layout(font=FONT, height=height, margin={"l": 10, "r": 10, "t": 40, "b": 40}, **extra)
    return figure


def cosine_heatmap(matrix: np.ndarray, title: str, axis_title: str) -> go.Figure:
    """The position-by-position cosine matrix of a position table: -1 blue, 0 white, 1 red."""
    shown = compact(matrix)
    figure = go.Figure(
        go.Heatmap(
            z=shown,
            x=np.arange(shown.shape[1], dtype=np.int32),
            y=np.arange(shown.shape[0], dtype=np.int32),
            colorscale="RdBu_r",
            zmin=-1,
            zmax=1,
            hovertemplate=f"{plain(axis_title)} %{{y}} · %{{x}}: %{{z:.4f}}<extra></extra>",
            colorbar={"thickness": 14, "len": 0.9},
        )
    )
    figure.update_yaxes(autorange="reversed", title=axis_title, automargin=True, scaleanchor="x")
    figure.update_xaxes(title=axis_title, automargin=True, constrain="domain")
    return _layout(figure, 420, title={"text": plain(title), "font": {"size": 16}})


def wavelength_figure(lengths: np.ndarray, span: int, texts: Mapping[str, str]) -> go.Figure:
    """Wavelength (in positions, log scale) of each sinusoidal dimension, with the span of the positions
    shown as a dashed line: dimensions on or below it turn fully at least once within them."""
    dims = np.arange(len(lengths), dtype=np.int32)
    figure = go.Figure(
        [
            go.Scatter(
                x=dims,
                y=np.round(np.asarray(lengths, dtype=np.float64), 2),
                mode="markers",
                marker={"color": COLORS["position"], "size": 6},
                hovertemplate=f"{plain(texts['dimension'])} %{{x}}: %{{y:,.1f}}<extra></extra>",
                name=plain(texts["wavelength"]),
            ),
            go.Scatter(  # a trace, not add_hline: on a log axis the line's label would sit at 10^n
                x=[0, max(len(lengths) - 1, 1)],
                y=[span, span],
                mode="lines",
                line={"color": COLORS["arrow"], "dash": "dash", "width": 2},
                name=plain(texts["line"]),
                hoverinfo="skip",
            ),
        ]
    )
    figure.update_yaxes(type="log", title=texts["wavelength"], automargin=True, dtick=1)
    figure.update_xaxes(title=texts["dimension"], automargin=True)
    return _layout(figure, 340, legend={"orientation": "h", "y": -0.3})


def points_3d(points: np.ndarray, labels: Sequence[str], title: str, colour: str) -> go.Figure:
    """One sentence's vectors in 3D (after PCA), each point named by its position and token, joined in
    the sentence's order."""
    coords = compact(points)
    names = [plain(label) for label in labels]
    figure = go.Figure(
        go.Scatter3d(
            x=coords[:, 0],
            y=coords[:, 1],
            z=coords[:, 2],
            mode="lines+markers+text",
            text=names,
            textposition="top center",
            marker={"size": 5, "color": colour},
            line={"color": COLORS["arrow"], "width": 2},
            hovertemplate="%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        scene={
            "camera": CAMERAS["default"],
            "xaxis_title": "PC 1",
            "yaxis_title": "PC 2",
            "zaxis_title": "PC 3",
        },
        title={"text": plain(title), "font": {"size": 16}},
        uirevision="positions-3d",
    )
    return _layout(figure, 460)


def scores_figure(
    starts: np.ndarray, scores: Mapping[str, np.ndarray], names: Mapping[str, str], texts: Mapping[str, str]
) -> go.Figure:
    """The attention score of one query/key pair (a fixed distance apart) at each position of the key:
    one line per scheme."""
    figure = go.Figure()
    for scheme, values in scores.items():
        figure.add_trace(
            go.Scatter(
                x=np.asarray(starts, dtype=np.int32),
                y=np.round(np.asarray(values, dtype=np.float64), 4),
                mode="lines+markers",
                name=plain(names[scheme]),
                line={"color": SCHEME_COLOURS[scheme], "dash": SCHEME_DASHES[scheme], "width": 3},
                hovertemplate=f"{plain(texts['x'])} %{{x}}: %{{y:.4f}}<extra>{plain(names[scheme])}</extra>",
            )
        )
    figure.update_xaxes(title=texts["x"], automargin=True)
    figure.update_yaxes(title=texts["y"], automargin=True)
    # The legend above the chart: below it, it covered the axis title on a phone.
    return _layout(figure, 400, legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})


#: A pair that turns less than this (radians) per position is labelled at its first and last point only:
#: its points lie too close to read every number.
LABEL_EVERY = 0.25


def rotation_figure(points: np.ndarray, title: str, texts: Mapping[str, str]) -> go.Figure:
    """Rotary positions as a turning 2-D pair: the pair's point at each position (numbered) on its circle,
    joined in order, with spokes to the first and the last position. The angle grows with the position,
    fast for the first pairs and slowly for later ones. One small square chart per pair."""
    coords = compact(points)
    n = coords.shape[0]
    radius = float(np.hypot(*coords[0])) if n else 1.0
    steps = np.abs(np.diff(np.unwrap(np.arctan2(coords[:, 1], coords[:, 0])))) if n > 1 else np.zeros(0)
    every = not len(steps) or float(steps.mean()) >= LABEL_EVERY
    circle = np.linspace(0, 2 * np.pi, 73)
    traces = [
        go.Scatter(
            x=np.round(radius * np.cos(circle), 4),
            y=np.round(radius * np.sin(circle), 4),
            mode="lines",
            line={"color": "#cbd5e1", "width": 1},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=[0, coords[0, 0], None, 0, coords[-1, 0]] if n else [],
            y=[0, coords[0, 1], None, 0, coords[-1, 1]] if n else [],
            mode="lines",
            line={"color": COLORS["arrow"], "width": 1, "dash": "dot"},
            hoverinfo="skip",
        ),
        go.Scatter(
            x=coords[:, 0],
            y=coords[:, 1],
            mode="lines+markers+text",
            text=[str(p) if every or p in (0, n - 1) else "" for p in range(n)],
            customdata=np.arange(n),
            textposition="top right",
            marker={"size": 7, "color": np.arange(n), "colorscale": "Viridis"},
            line={"color": COLORS["arrow"], "width": 1},
            hovertemplate=f"{plain(texts['position'])} %{{customdata}}: (%{{x:.3f}}, %{{y:.3f}})"
            "<extra></extra>",
        ),
    ]
    figure = go.Figure(traces)
    limit = radius * 1.3 or 1.0
    figure.update_xaxes(range=[-limit, limit], zeroline=True, automargin=True, constrain="domain")
    figure.update_yaxes(range=[-limit, limit], zeroline=True, automargin=True, scaleanchor="x")
    return _layout(figure, 300, showlegend=False, title={"text": plain(title), "font": {"size": 15}})
