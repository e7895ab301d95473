"""Figures of the positions view: cosine matrices, wavelengths, add vs concatenate in 3D, scores of one
query/key pair moved along a sentence, and rotary positions as turning 2-D pairs.

Pure functions of numbers and texts (no Streamlit): the page passes in every label in its language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

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


def wavelength_figure(lengths: np.ndarray, n_positions: int, texts: Mapping[str, str]) -> go.Figure:
    """Wavelength (in positions, log scale) of each sinusoidal dimension, with the sentence's length
    marked: dimensions below the line turn at least once within it."""
    dims = np.arange(len(lengths), dtype=np.int32)
    figure = go.Figure(
        go.Scatter(
            x=dims,
            y=np.round(np.asarray(lengths, dtype=np.float64), 2),
            mode="markers",
            marker={"color": COLORS["position"], "size": 6},
            hovertemplate=f"{plain(texts['dimension'])} %{{x}}: %{{y:,.1f}}<extra></extra>",
            name=plain(texts["wavelength"]),
        )
    )
    figure.add_hline(
        y=n_positions,
        line={"color": COLORS["arrow"], "dash": "dash"},
        annotation_text=plain(texts["line"]),
        annotation_position="top left",
    )
    figure.update_yaxes(type="log", title=texts["wavelength"], automargin=True)
    figure.update_xaxes(title=texts["dimension"], automargin=True)
    return _layout(figure, 340, showlegend=False)


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
    return _layout(figure, 380, legend={"orientation": "h", "y": -0.25})


def rotation_figure(pairs: Mapping[int, np.ndarray], texts: Mapping[str, str]) -> go.Figure:
    """Rotary positions as turning 2-D pairs: one small square chart per pair of dimensions, with the
    pair's point at each position (numbered) on its circle, joined in order: the angle grows with the
    position, fast for the first pair and slowly for later ones."""
    titles = [plain(texts["pair"].format(i=i, j=j)) for i, j in pairs]
    figure = make_subplots(rows=1, cols=len(pairs), subplot_titles=titles, horizontal_spacing=0.06)
    for column, points in enumerate(pairs.values(), start=1):
        coords = compact(points)
        radius = float(np.abs(coords).max()) * 1.25 if coords.size else 1.0
        n = coords.shape[0]
        figure.add_trace(
            go.Scatter(
                x=coords[:, 0],
                y=coords[:, 1],
                mode="lines+markers+text",
                text=[str(p) for p in range(n)],
                textposition="top right",
                marker={"size": 7, "color": np.arange(n), "colorscale": "Viridis"},
                line={"color": COLORS["arrow"], "width": 1},
                hovertemplate=f"{plain(texts['position'])} %{{text}}: (%{{x:.3f}}, %{{y:.3f}})"
                "<extra></extra>",
                showlegend=False,
            ),
            row=1,
            col=column,
        )
        figure.update_xaxes(range=[-radius, radius], zeroline=True, row=1, col=column)
        figure.update_yaxes(
            range=[-radius, radius],
            zeroline=True,
            scaleanchor=f"x{column if column > 1 else ''}",
            row=1,
            col=column,
        )
    return _layout(figure, 300)
