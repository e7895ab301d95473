"""Plotly figures, as pure functions of the numbers (no Streamlit; the page passes in its texts).

Colours are chosen for a classroom projector: saturated hues on white, one per kind of vector, used
the same way in every figure and chip.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from embedviz.projection import Projection

COLORS = {"token": "#1d4ed8", "position": "#d97706", "input": "#c026d3", "arrow": "#475569"}
#: A heatmap shows at most this many rows (tokens) and columns (dimensions): bigger ones are cut, and
#: the page says which part is shown (a 1,024 x 768 heatmap would be 786k cells of JSON every rerun).
MAX_HEATMAP_ROWS = 128
MAX_HEATMAP_COLS = 128
#: Above this many tokens the 3D view drops its text labels (hover still names every point).
MAX_LABELLED_TOKENS = 40
CAMERAS = {
    "default": {"eye": {"x": 1.45, "y": 1.45, "z": 0.9}, "up": {"x": 0, "y": 0, "z": 1}},
    "top": {"eye": {"x": 0.0, "y": 0.0, "z": 2.4}, "up": {"x": 0, "y": 1, "z": 0}},
    "front": {"eye": {"x": 0.0, "y": -2.4, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
    "side": {"eye": {"x": 2.4, "y": 0.0, "z": 0.0}, "up": {"x": 0, "y": 0, "z": 1}},
}
FONT = {"family": "Source Sans Pro, Arial, sans-serif", "size": 15, "color": "#0f172a"}


def plain(text: str) -> str:
    """Escape user text for Plotly, which renders a few HTML tags (<b>, <a href>, <br>) in labels."""
    return html.escape(text, quote=False)


def heatmap(
    values: np.ndarray, row_labels: Sequence[str], *, title: str = "", height: int | None = None
) -> go.Figure:
    """A diverging heatmap (blue negative, white 0, red positive) of the top-left part of ``values``:
    at most MAX_HEATMAP_ROWS rows and MAX_HEATMAP_COLS columns, values rounded to 4 decimals."""
    shown = np.round(values[:MAX_HEATMAP_ROWS, :MAX_HEATMAP_COLS].astype(np.float64), 4)
    labels = [plain(label) for label in row_labels[:MAX_HEATMAP_ROWS]]
    limit = float(np.abs(shown).max()) if shown.size else 1.0
    figure = go.Figure(
        go.Heatmap(
            z=shown,
            y=list(range(len(labels))),
            x=list(range(shown.shape[1])),
            customdata=np.array(labels, dtype=object)[:, None].repeat(shown.shape[1], axis=1)
            if labels
            else None,
            colorscale="RdBu_r",
            zmid=0,
            zmin=-limit,
            zmax=limit,
            hovertemplate="%{customdata}<br>dim %{x}: %{z:.4f}<extra></extra>",
            colorbar={"thickness": 14, "len": 0.9},
        )
    )
    figure.update_yaxes(
        tickmode="array", tickvals=list(range(len(labels))), ticktext=labels, autorange="reversed", title=None
    )
    figure.update_xaxes(title="dimension")
    figure.update_layout(
        title={"text": title, "font": {"size": 16}},
        font=FONT,
        height=height or min(120 + 26 * len(labels), 700),
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 40},
    )
    return figure


def _trace(
    points: np.ndarray, kind: str, name: str, labels: list[str], hover: list[str], symbol: str, size: int
):
    return go.Scatter3d(
        x=np.round(points[:, 0], 4),
        y=np.round(points[:, 1], 4),
        z=np.round(points[:, 2], 4),
        mode="markers+text" if any(labels) else "markers",
        name=name,
        text=labels,
        textposition="top center",
        textfont={"size": 15, "color": COLORS[kind]},
        hovertext=hover,
        hoverinfo="text",
        marker={
            "size": size,
            "color": COLORS[kind],
            "symbol": symbol,
            "line": {"width": 1, "color": "white"},
        },
    )


def space_figure(
    projection: Projection,
    token_labels: Sequence[str],
    token_ids: Sequence[int],
    first_values: dict[str, np.ndarray],
    names: dict[str, str],
    *,
    camera: str = "default",
    marker_scale: float = 1.0,
    height: int = 640,
) -> go.Figure:
    """The 3D view: token vectors, position vectors and input embeddings in one PCA space, with a line
    from each token point to its input point (that displacement is the position vector).

    ``first_values[kind]`` holds each point's first vector components for the hover; ``names`` the legend
    names for "token", "position", "input", "arrow" and the hover word "position" ("pos"). Repeated
    tokens share one token point (drawn once per occurrence, labelled once).
    """
    n = len(token_labels)
    labelled = n <= MAX_LABELLED_TOKENS
    safe = [plain(label) for label in token_labels]
    seen: set[int] = set()
    token_text = []
    for label, token_id in zip(safe, token_ids, strict=True):
        token_text.append(label if labelled and token_id not in seen else "")
        seen.add(token_id)

    def hover(kind: str) -> list[str]:
        values = first_values[kind]
        return [
            f"<b>{safe[i]}</b><br>id {token_ids[i]} · {names['pos']} {i}<br>"
            + ", ".join(f"{v:.4f}" for v in values[i])
            + ", …"
            for i in range(n)
        ]

    size = round(7 * marker_scale)
    traces = [
        _trace(projection.token_points, "token", names["token"], token_text, hover("token"), "diamond", size),
        _trace(
            projection.position_points,
            "position",
            names["position"],
            [f"p{i}" if labelled else "" for i in range(n)],
            hover("position"),
            "square",
            round(size * 0.8),
        ),
        _trace(
            projection.input_points,
            "input",
            names["input"],
            [f"{safe[i]}·{i}" if labelled else "" for i in range(n)],
            hover("input"),
            "circle",
            size,
        ),
    ]
    segments = np.full((3 * n, 3), np.nan)
    segments[0::3] = projection.token_points
    segments[1::3] = projection.input_points
    traces.append(
        go.Scatter3d(
            x=np.round(segments[:, 0], 4),
            y=np.round(segments[:, 1], 4),
            z=np.round(segments[:, 2], 4),
            mode="lines",
            name=names["arrow"],
            line={"color": COLORS["arrow"], "width": 3, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    ratio = projection.explained_variance_ratio
    axes = {
        f"{axis}axis": {"title": {"text": f"PC{i + 1} ({ratio[i]:.1%})"}, "backgroundcolor": "#f8fafc"}
        for i, axis in enumerate("xyz")
    }
    figure = go.Figure(traces)
    figure.update_layout(
        font=FONT,
        height=height,
        margin={"l": 0, "r": 0, "t": 10, "b": 0},
        legend={"orientation": "h", "y": 1.02, "x": 0, "font": {"size": 15}},
        scene={**axes, "camera": CAMERAS.get(camera, CAMERAS["default"]), "aspectmode": "cube"},
        # Keep the user's camera, zoom and legend toggles across reruns; a new preset resets the camera.
        uirevision=f"embedviz-{camera}",
    )
    return figure
